"""Limits on starting interviews: how often (per address and per owner), and how many left unfinished.

The views that start an interview (the start form and "practise the
low-scored ones again") wear :func:`guard_start`; ``services.interview_start``
calls :func:`check_unfinished` inside its transaction. The rules live here so
the views and the service stay about interviews.
"""

from __future__ import annotations

import functools
import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from prepsite import throttle

from .models import InterviewSession, Owner, ReviewCard

# The start form and services are imported where the pages are built, not here:
# services.interview_start calls check_unfinished, and forms imports services.
if TYPE_CHECKING:
    from .forms import StartForm

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


class TooManyUnfinished(Exception):
    """The owner already has the most unfinished interviews allowed: nothing was started."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} unfinished interviews")
        self.count = count


def check_unfinished(owner: Owner) -> None:
    """Raise :class:`TooManyUnfinished` if ``owner`` is at the cap. Call it inside the start transaction.

    Two starts by one owner must not both see "19 unfinished" and both insert.
    On SQLite the start transaction is IMMEDIATE: it holds the database's write
    lock from its first statement, so starts are already one at a time and the
    count is exact. On PostgreSQL (READ COMMITTED) we take a transaction-level
    advisory lock on the owner first: it serialises one owner's starts only,
    needs no row (anonymous owners have none), and is released at commit.
    """
    cap = settings.PREPSITE_MAX_UNFINISHED_INTERVIEWS
    if cap <= 0:
        return
    if connection.vendor == "postgresql":
        digest = hashlib.sha256(f"interview-start:{owner_key(owner)}".encode()).digest()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
            )
    count = InterviewSession.objects.owned_by(owner).active().count()
    if count >= cap:
        raise TooManyUnfinished(count)


def guard_start(view):
    """Decorates a view that starts an interview: the rate limits before it, the unfinished cap in it.

    Every POST counts, once per address and once per owner (an account, or an
    anonymous browser that already has a token); over either, 429. A browser can
    drop its cookie to become a new owner, which is why the address counts too.
    :class:`TooManyUnfinished`, raised from inside the start transaction, becomes
    the home page again (400) with the message, the unfinished interviews and the form.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        refused = too_many_starts(request)
        if refused is not None:
            return refused
        try:
            return view(request, *args, **kwargs)
        except TooManyUnfinished as exc:
            return too_many_unfinished(request, exc)

    return wrapped


def too_many_unfinished(request: HttpRequest, exc: TooManyUnfinished) -> HttpResponse:
    """home.html (400): why nothing started, the unfinished interviews to resume or leave, the form kept."""
    from .forms import StartForm

    form = (
        StartForm(request.POST) if is_start_form(request) else StartForm(initial={"count": 5, "seconds": 30})
    )
    owner = Owner.from_request(request)
    context = start_page_context(request, form)
    context["unfinished"] = (
        InterviewSession.objects.owned_by(owner).active().select_related("topic", "level", "company")[:5]
    )
    context["start_refused"] = (
        f"You already have {exc.count} unfinished interviews, the most you can keep. "
        "Resume one or leave it (see “Pick up where you left off”) before starting another. "
        "No new interview was started."
    )
    return render(request, "home.html", context, status=400)


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


def is_start_form(request: HttpRequest) -> bool:
    return request.resolver_match is not None and request.resolver_match.url_name == "start"


def retry_form(request: HttpRequest) -> dict:
    """The start form with the options they chose; for a retry, a button that posts it again."""
    from .forms import StartForm

    if not is_start_form(request):
        return {"retry_form": "includes/retry_post.html"}
    form = StartForm(request.POST)
    return {"retry_form": "home.html#start-form", "context": start_page_context(request, form)}


def start_page_context(request: HttpRequest, form: StartForm) -> dict:
    """What home.html's start form needs beside the form: the matching count and what is due."""
    from . import services

    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = services.Filters(data.get("topic"), data.get("level"), data.get("company"))
    owner = Owner.from_request(request)
    return {
        "form": form,
        "match_count": filters.questions().count(),
        "due_count": ReviewCard.objects.owned_by(owner).reviewable().filter(due__lte=timezone.now()).count(),
    }
