"""Relative times in words, as the review schedule talks about them: "in about 1 hour", "5 days ago".

Django's ``timesince`` gives "2 days, 3 hours"; a candidate wants one rounded
figure. Hours are always "about" (the schedule's hour is rarely exact by the
time the page is read); days and weeks say "about" only when they were rounded.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(weeks=1)


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def span(delta: timedelta) -> str:
    """A positive length of time as one rounded figure: "42 minutes", "about 3 hours", "2 weeks"."""
    if delta < MINUTE:
        return "less than a minute"
    if delta < HOUR:
        return _plural(round(delta / MINUTE), "minute")
    if delta < DAY - 30 * MINUTE:
        return "about " + _plural(max(1, round(delta / HOUR)), "hour")
    for unit, size, up_to in (("day", DAY, 2 * WEEK), ("week", WEEK, 8 * WEEK)):
        if delta < up_to - size / 2:
            n = max(1, round(delta / size))
            exact = abs(delta - n * size) < HOUR
            return ("" if exact else "about ") + _plural(n, unit)
    if delta < timedelta(days=365 - 15):
        return "about " + _plural(round(delta / timedelta(days=30.44)), "month")
    return "about " + _plural(round(delta / timedelta(days=365.25)), "year")


def until(moment: datetime, *, now: datetime) -> str:
    """When ``moment`` comes, from ``now``: "in about 1 hour", "in 3 days"; "now" once it has come."""
    if moment <= now:
        return "now"
    return "in " + span(moment - now)


def ago(moment: datetime, *, now: datetime) -> str:
    """How long before ``now`` ``moment`` was: "5 days ago", "about 2 hours ago", "just now"."""
    if now - moment < MINUTE:
        return "just now"
    return span(now - moment) + " ago"
