"""Template context shared by every page."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

# The site header's links (templates/includes/header.html), by URL name.
NAV = {
    "home": "home",
    "bank": "questions:bank",
    "history": "history",
    "admin": "admin:index",
    "login": "login",
    "signup": "signup",
    "logout": "logout",
}


@cache
def _nav_urls(script_prefix: str) -> dict[str, str]:
    return {key: reverse(name) for key, name in NAV.items()}


def nav(request: HttpRequest) -> dict:
    """``nav``: the header's URLs, reversed once per process (every page shows them)."""
    return {"nav": _nav_urls(get_script_prefix())}
