"""Project-wide middleware: the slow-request log and the per-address log-in throttle."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponseBase

from . import throttle

slow_log = logging.getLogger("prepsite.requests")


class SlowRequestMiddleware:
    """Logs a warning for any request that takes longer than ``PREPSITE_SLOW_REQUEST_SECONDS`` (0: off).

    First in MIDDLEWARE, so it times everything else. It notices slow requests
    that finish; one that never finishes is gunicorn's to notice (see the
    watchdog and ``worker_abort`` in gunicorn.conf.py), and the database's
    statement timeout bounds the commonest cause.
    """

    def __init__(self, get_response, clock: Callable[[], float] = time.monotonic) -> None:
        self.get_response = get_response
        self.clock = clock

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = self.clock()
        response = self.get_response(request)
        threshold = settings.PREPSITE_SLOW_REQUEST_SECONDS
        took = self.clock() - started
        if threshold > 0 and took > threshold:
            slow_log.warning(
                "Slow request: %s %s took %.1fs (status %s, threshold %ss)",
                request.method,
                request.path,
                took,
                response.status_code,
                threshold,
            )
        return response


# The log-in views whose POSTs the per-address throttle guards (the site's and the admin's).
LOGIN_VIEWS = {"login": "registration/login.html#login-form", "admin:login": ""}


class LoginThrottleMiddleware:
    """Refuses log-in attempts from an address that has failed too often across usernames.

    django-axes locks one username at one address after a few failures; this
    catches the other pattern, password spraying: one address trying a common
    password against many usernames. ``throttle.count_failed_login`` counts the
    failures; this only looks, before the log-in view runs (after the CSRF check).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func, view_args, view_kwargs
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name not in LOGIN_VIEWS:
            return None
        verdict = throttle.FAILED_LOGINS.peek(throttle.address_of(request))
        if verdict.allowed:
            return None
        form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")[:150]})
        return throttle.too_many_requests(
            request,
            verdict,
            limit=throttle.FAILED_LOGINS,
            heading="Too many failed log-ins",
            explanation=(
                "There have been many failed log-ins from your network recently, "
                "so logging in from it is paused for a while."
            ),
            retry_form=LOGIN_VIEWS[match.view_name],
            context={"form": form, "next": request.POST.get("next", "")},
        )
