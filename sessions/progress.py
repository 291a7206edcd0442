"""A candidate's progress, aggregated in the database: history rows, trend, mastery, activity.

Every function here runs a fixed number of queries however many interviews
the candidate has; the charts are plain SVG geometry computed here and drawn
by templates (no JavaScript chart library). Geometry is in percentages of the
plot, never in a ``viewBox``: a scaled SVG scales its text with it (to 5 px on
a phone), while an unscaled one keeps the text at the size CSS gives it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

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
    """One scored interview on the trend chart; ``x`` and ``y`` are percentages of the plot."""

    x: float
    y: float
    percent: int
    when: datetime


@dataclass
class Segment:
    """The line from one trend point to the next (SVG lines take percentages; polylines do not)."""

    x1: float
    y1: float
    x2: float
    y2: float


def score_trend(owner: Owner) -> list[TrendPoint]:
    """The last ``TREND_POINTS`` scored interviews, oldest first, placed in percentages of the plot so
    the chart takes its container's width without scaling its text."""
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
        x = 100 * i / span if len(rows) > 1 else 50.0
        points.append(TrendPoint(round(x, 2), 100 - pct, pct, row["created"]))
    return points


def trend_segments(points: list[TrendPoint]) -> list[Segment]:
    return [Segment(a.x, a.y, b.x, b.y) for a, b in zip(points, points[1:], strict=False)]


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


def calendar(days: dict[date, int], *, today: date) -> list[list[Day]]:
    """The last ``CALENDAR_WEEKS`` weeks as columns of days, Monday at the top, ending with today's week."""
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=CALENDAR_WEEKS - 1)
    weeks = []
    for w in range(CALENDAR_WEEKS):
        column = []
        for d in range(7):
            day = first_monday + timedelta(weeks=w, days=d)
            if day > today:
                break
            column.append(Day(day, days.get(day, 0)))
        weeks.append(column)
    return weeks


# --- reviews coming up --------------------------------------------------------------------

FORECAST_DAYS = 14


@dataclass
class ForecastDay:
    """One day of the review forecast, with its bar as percentages of the plot (no viewBox scaling)."""

    day: date
    count: int
    x: float
    width: float
    height: float

    @property
    def y(self) -> float:
        return round(100 - self.height, 1)

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def end(self) -> float:
        return round(self.x + self.width, 2)


def review_forecast(owner: Owner, *, now: datetime, days: int = FORECAST_DAYS) -> list[ForecastDay]:
    """Cards falling due on each of the next ``days`` days (site time zone), today first.

    Overdue cards count on today: they are due now. One grouped query whatever the number of cards.
    """
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)
    end = datetime.combine(today + timedelta(days=days), time.min, tzinfo=tz)
    rows = (
        ReviewCard.objects.owned_by(owner)
        .reviewable()
        .filter(due__lt=end)
        .annotate(day=TruncDate("due", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: Counter[date] = Counter()
    for row in rows:
        counts[max(row["day"], today)] += row["n"]
    busiest = max(counts.values(), default=0) or 1
    slot = 100 / days
    forecast = []
    for i in range(days):
        day = today + timedelta(days=i)
        n = counts[day]
        # A day with reviews always gets a visible bar, however busy the busiest day.
        height = max(3.0, 100 * n / busiest) if n else 0.0
        x, width = round(i * slot + slot * 0.15, 2), round(slot * 0.7, 2)
        forecast.append(ForecastDay(day, n, x, width, round(height, 1)))
    return forecast


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
