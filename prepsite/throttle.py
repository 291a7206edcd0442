"""Rate limits by client address (and by owner): fixed windows counted in Django's cache.

A :class:`Limit` allows ``limit`` events per key in each window of ``minutes``,
windows aligned to the clock (09:00-10:00, 10:00-11:00, ...). Over the limit,
:func:`too_many_requests` answers 429 with ``Retry-After`` (the seconds until
the window ends) and the ``429.html`` page.

Why a small counter of our own rather than django-ratelimit: we need the
seconds left in the window for ``Retry-After``, per-owner as well as
per-address keys, counting only some events (failed log-ins, valid sign-ups)
rather than every request, and our own 429 page that keeps the form; that is
about as much code as the glue around the library would be, with no new
dependency. A fixed window lets a burst of up to twice the limit straddle a
window boundary; for abuse limits set well above normal use that is fine.

Counters live in the default cache: Redis when ``REDIS_URL`` is set (atomic
``INCR``, shared by every worker and app server). Without it each process
counts on its own (local memory), which is only right for one process.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

log = logging.getLogger(__name__)

# Kept a little past the window's end, so a request that read the clock just before the end still finds it.
EXPIRY_MARGIN = 60


def client_address(request: HttpRequest) -> str:
    """The address the request came from (django-axes uses it too, through AXES_CLIENT_IP_CALLABLE).

    ``REMOTE_ADDR``, unless ``PREPSITE_TRUSTED_PROXY_COUNT`` says N reverse proxies
    stand in front of us: each appends the address it received the request from to
    X-Forwarded-For, so the N-th entry from the right is what the outermost of our
    proxies saw. Anything further left was written by the client and proves nothing.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.PREPSITE_TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        # It did not come through all our proxies: count it under the address we see.
        return remote
    candidate = forwarded[-hops]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


def address_bucket(address: str) -> str:
    """The key an address is counted under: itself for IPv4, its /64 network for IPv6.

    One IPv6 subscriber usually holds a whole /64 and can pick a fresh address per request.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def address_of(request: HttpRequest) -> str:
    """The counting key for the request's client address."""
    return address_bucket(client_address(request))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # whole seconds until the current window ends


class Limit:
    """At most ``settings.<limit>`` events per key in each window of ``settings.<minutes>`` minutes.

    The settings are read on every call, so tests (and ``override_settings``) can change them.
    """

    def __init__(self, name: str, *, limit: str, minutes: str, cache: BaseCache | None = None) -> None:
        self.name = name
        self.limit_setting = limit
        self.minutes_setting = minutes
        self._cache = cache

    @property
    def cache(self) -> BaseCache:
        return self._cache or caches["default"]

    @property
    def limit(self) -> int:
        return getattr(settings, self.limit_setting)

    @property
    def seconds(self) -> int:
        minutes = getattr(settings, self.minutes_setting)
        if minutes <= 0:
            raise ImproperlyConfigured(f"{self.minutes_setting} must be at least 1 (minutes)")
        return 60 * minutes

    def _window(self, key: str) -> tuple[str, int]:
        now = time.time()
        seconds = self.seconds
        start = int(now // seconds) * seconds
        # Hashed: no address or browser token in clear in the cache, and a bounded key length.
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return f"throttle:{self.name}:{start}:{digest}", max(1, math.ceil(start + seconds - now))

    def hit(self, key: str) -> Verdict:
        """Count one event for ``key``; allowed while the count is within the limit."""
        limit = self.limit
        if limit <= 0:
            return Verdict(True, 0, 0)
        cache_key, retry_after = self._window(key)
        timeout = self.seconds + EXPIRY_MARGIN
        self.cache.add(cache_key, 0, timeout=timeout)
        try:
            count = self.cache.incr(cache_key)
        except ValueError:  # evicted between add() and incr()
            self.cache.set(cache_key, 1, timeout=timeout)
            count = 1
        return Verdict(count <= limit, count, retry_after)

    def peek(self, key: str) -> Verdict:
        """Whether one more event would be allowed, without counting it."""
        limit = self.limit
        if limit <= 0:
            return Verdict(True, 0, 0)
        cache_key, retry_after = self._window(key)
        count = self.cache.get(cache_key, 0)
        return Verdict(count < limit, count, retry_after)


SIGNUPS = Limit("signup", limit="PREPSITE_SIGNUPS_PER_ADDRESS", minutes="PREPSITE_SIGNUP_WINDOW_MINUTES")
FAILED_LOGINS = Limit(
    "failed-login", limit="PREPSITE_FAILED_LOGINS_PER_ADDRESS", minutes="PREPSITE_FAILED_LOGIN_WINDOW_MINUTES"
)


def wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def too_many_requests(
    request: HttpRequest,
    verdict: Verdict,
    *,
    limit: Limit,
    heading: str,
    explanation: str,
    retry_form: str = "",
    context: dict | None = None,
) -> HttpResponse:
    """429.html with ``Retry-After``; ``retry_form`` names a template (partial) that keeps what was typed."""
    log.warning(
        "Rate limit %s reached by %s on %s (retry in %ss)",
        limit.name,
        address_of(request),
        request.path,
        verdict.retry_after,
    )
    page = {
        "heading": heading,
        "explanation": explanation,
        "wait": wait_text(verdict.retry_after),
        "retry_form": retry_form,
        **(context or {}),
    }
    response = render(request, "429.html", page, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def count_failed_login(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    """``user_login_failed`` receiver: one more failure for the client's address, whatever the username.

    Connected in ``sessions.apps``; Django sends the signal for the site's and the admin's log-in alike.
    """
    if request is not None:
        FAILED_LOGINS.hit(address_of(request))
