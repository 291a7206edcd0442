"""A candidate's progress, aggregated in the database: history rows, trend, mastery, activity.

Every function here runs a fixed number of queries however many interviews
the candidate has; the charts are plain SVG geometry computed here and drawn
by templates (no JavaScript chart library).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Answer, InterviewSession, Owner, ReviewCard, percent_of_max

CALENDAR_WEEKS = 12
TREND_POINTS = 30
WEAK_WINDOW = timedelta(days=30)


def interviews(owner: Owner) -> QuerySet[InterviewSession]:
    """The candidate's interviews, newest first, with their per-interview totals."""
    return (
        InterviewSession.objects.owned_by(owner)
        .select_related("topic", "level", "company")
        .annotate(
            question_total=Count("items", distinct=True),
            answered=Count("items__answer"),
            scored=Count("items__answer__score"),
            score_sum=Sum("items__answer__score"),
            time_ms=Sum("items__answer__elapsed_ms"),
        )
        .order_by("-created")
    )


def answers(owner: Owner) -> QuerySet[Answer]:
    return Answer.objects.filter(item__session__in=InterviewSession.objects.owned_by(owner).values("pk"))


# --- score per interview ---------------------------------------------------------


@dataclass
class TrendPoint:
    x: float
    y: float
    percent: int
    when: datetime


def score_trend(owner: Owner, *, width: int = 600, height: int = 180, pad: int = 28) -> list[TrendPoint]:
    rows = list(
        interviews(owner)
        .filter(scored__gt=0)
        .values("created", "score_sum", "scored")
        .order_by("-created")[:TREND_POINTS]
    )
    rows.reverse()
    points = []
    span = max(len(rows) - 1, 1)
    for i, row in enumerate(rows):
        pct = percent_of_max(row["score_sum"], row["scored"])
        x = pad + (width - 2 * pad) * (i / span if len(rows) > 1 else 0.5)
        y = pad / 2 + (height - pad) * (1 - pct / 100)
        points.append(TrendPoint(round(x, 1), round(y, 1), pct, row["created"]))
    return points


# --- mastery per topic --------------------------------------------------------------


@dataclass
class TopicScore:
    slug: str
    name: str
    answers: int
    percent: int


def topic_scores(owner: Owner, *, since: datetime | None = None) -> list[TopicScore]:
    """Average self-score per topic (as % of 5), lowest first."""
    qs = answers(owner).filter(score__isnull=False)
    if since is not None:
        qs = qs.filter(submitted_at__gte=since)
    rows = (
        qs.values(slug=F("item__question__topics__slug"), name=F("item__question__topics__name"))
        .annotate(n=Count("id"), avg=Avg("score"))
        .order_by("avg", "name")
    )
    return [
        TopicScore(r["slug"], r["name"], r["n"], percent_of_max(r["avg"], 1))
        for r in rows
        if r["slug"] is not None
    ]


def weakest_topics(owner: Owner, *, now: datetime, limit: int = 3) -> list[TopicScore]:
    return topic_scores(owner, since=now - WEAK_WINDOW)[:limit]


# --- activity and streak --------------------------------------------------------------


@dataclass
class Day:
    day: date
    count: int
    x: int
    y: int

    @property
    def level(self) -> int:
        """0 (none) to 4 (busy); shown as shade and, for colour-blind readers, as the number itself."""
        if self.count == 0:
            return 0
        return min(4, 1 + self.count // 5)


def answered_days(owner: Owner, *, now: datetime, days: int = 366) -> dict[date, int]:
    """Questions answered per day (site time zone) over the last ``days`` days."""
    tz = timezone.get_current_timezone()
    start = now - timedelta(days=days)
    rows = (
        answers(owner)
        .filter(submitted_at__gte=start)
        .annotate(day=TruncDate("submitted_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
    )
    return {r["day"]: r["n"] for r in rows}


def streak(days: dict[date, int], *, today: date) -> int:
    """Consecutive days with at least one answered question, ending today.

    A streak is still alive on a day the candidate has not practised yet: it
    then counts back from yesterday.
    """
    day = today if days.get(today) else today - timedelta(days=1)
    count = 0
    while days.get(day):
        count += 1
        day -= timedelta(days=1)
    return count


def calendar(days: dict[date, int], *, today: date, cell: int = 16, gap: int = 3) -> list[list[Day]]:
    """The last ``CALENDAR_WEEKS`` weeks as columns of days, Monday at the top, ending with today's week."""
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=CALENDAR_WEEKS - 1)
    weeks = []
    for w in range(CALENDAR_WEEKS):
        column = []
        for d in range(7):
            day = first_monday + timedelta(weeks=w, days=d)
            if day > today:
                break
            column.append(Day(day, days.get(day, 0), w * (cell + gap), d * (cell + gap)))
        weeks.append(column)
    return weeks


def due_count(owner: Owner, *, now: datetime) -> int:
    return ReviewCard.objects.owned_by(owner).filter(due__lte=now).count()


# --- questions met ----------------------------------------------------------------------


def questions_met(owner: Owner) -> QuerySet:
    """Each question the candidate has answered: attempts, average and last score, last attempt."""
    return (
        answers(owner)
        .values(
            slug=F("item__question__slug"),
            prompt=F("item__question__prompt"),
        )
        .annotate(
            attempts=Count("id"),
            avg=Avg("score"),
            last=Max("submitted_at"),
            overtime=Count("id", filter=Q(overtime=True)),
        )
        .order_by("-last")
    )
