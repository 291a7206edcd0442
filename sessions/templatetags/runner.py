"""Template tags of the runner (sessions/run.html)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def progress_dots(dots: list[dict], session_pk) -> SafeString:
    """The progress row's items, one per question (``Progress.dots``). Built here rather than in a
    template loop: it is the longest loop of the hottest page, and a template spends ~20 µs a dot.
    Positions are ints; the one string from outside (a URL) is escaped."""
    items = []
    for dot in dots:
        position = int(dot["position"])
        if dot["link"]:
            url = escape(reverse("sessions:review", args=[session_pk, position]))
            inner = (
                f'<a href="{url}" title="Review question {position}">'
                f'<span class="visually-hidden">Review question {position}</span></a>'
            )
        else:
            state = " (current)" if dot["shown"] else " (answered)" if dot["done"] else ""
            inner = f'<span class="visually-hidden">Question {position}{state}</span>'
        css = "dot dot-current" if dot["shown"] else "dot dot-done" if dot["done"] else "dot"
        items.append(f'<li class="{css}">{inner}</li>')
    return mark_safe("\n".join(items))  # noqa: S308 - ints, fixed text and an escaped URL
