"""Limits on starting interviews: how often (per address and per owner).

The views that start an interview (the start form and "practise the
low-scored ones again") wear :func:`guard_start`; the rules live here so the
views stay about interviews.
"""

from __future__ import annotations

import functools

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from prepsite import throttle

from . import services
from .forms import StartForm
from .models import Owner, ReviewCard

STARTS_BY_ADDRESS = throttle.Limit(
    "start-address", limit="PREPSITE_STARTS_PER_ADDRESS", minutes="PREPSITE_START_WINDOW_MINUTES"
)
STARTS_BY_OWNER = throttle.Limit(
    "start-owner", limit="PREPSITE_STARTS_PER_OWNER", minutes="PREPSITE_START_WINDOW_MINUTES"
)


def owner_key(owner: Owner) -> str:
    if owner.user is not None:
        return f"user:{owner.user.pk}"
    return f"browser:{owner.token}" if owner.token else ""


def guard_start(view):
    """Decorates a view that starts an interview: refuses it (429) when starts come too fast.

    Every POST counts, once per address and once per owner (an account, or an
    anonymous browser that already has a token). A browser can drop its cookie to
    become a new owner, which is why the address counts too.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        refused = too_many_starts(request)
        if refused is not None:
            return refused
        return view(request, *args, **kwargs)

    return wrapped


def too_many_starts(request: HttpRequest) -> HttpResponseBase | None:
    verdicts = [(STARTS_BY_ADDRESS, STARTS_BY_ADDRESS.hit(throttle.address_of(request)))]
    key = owner_key(Owner.from_request(request))
    if key:
        verdicts.append((STARTS_BY_OWNER, STARTS_BY_OWNER.hit(key)))
    refused = [(limit, verdict) for limit, verdict in verdicts if not verdict.allowed]
    if not refused:
        return None
    limit, verdict = max(refused, key=lambda pair: pair[1].retry_after)
    return throttle.too_many_requests(
        request,
        verdict,
        limit=limit,
        heading="Too many interviews started",
        explanation="You have started many interviews in the last few minutes, so starting is paused.",
        **retry_form(request),
    )


def retry_form(request: HttpRequest) -> dict:
    """The start form with the options they chose; for a retry, a button that posts it again."""
    if request.resolver_match is None or request.resolver_match.url_name != "start":
        return {"retry_form": "includes/retry_post.html"}
    form = StartForm(request.POST)
    return {"retry_form": "home.html#start-form", "context": start_page_context(request, form)}


def start_page_context(request: HttpRequest, form: StartForm) -> dict:
    """What home.html's start form needs beside the form: the matching count and what is due."""
    data = form.cleaned_data if form.is_valid() else {}
    filters = services.Filters(data.get("topic"), data.get("level"), data.get("company"))
    owner = Owner.from_request(request)
    return {
        "form": form,
        "match_count": filters.questions().count(),
        "due_count": ReviewCard.objects.owned_by(owner).filter(due__lte=timezone.now()).count(),
    }
