"""Tools for curators: per-question usage stats and near-duplicate detection."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from rapidfuzz import fuzz, process, utils

from .models import Question, Sighting

# Prompts scoring at least this (0-100, rapidfuzz token_set_ratio) are flagged as near duplicates.
SIMILAR = 85
# Curators see a question as hard when its average self-score (1-5) is below this; not the
# candidate-side RETRY_AT_OR_BELOW threshold in sessions.models.
LOW_AVERAGE_SCORE = 2.5
HIGH_OVERTIME = 0.3


def with_stats(qs: QuerySet[Question]) -> QuerySet[Question]:
    """Annotate times asked/answered, average self-score, overtime rate, last asked and sightings.

    One query whatever the bank's size: joins with counts for usage, a
    correlated subquery for sightings (so the two do not multiply each other).
    """
    sightings = (
        Sighting.objects.filter(question=OuterRef("pk"))
        .order_by()
        .values("question")
        .annotate(n=Count("pk"))
        .values("n")
    )
    answered = Count("interview_items__answer", distinct=True)
    return qs.annotate(
        seen_count=Coalesce(Subquery(sightings, output_field=IntegerField()), Value(0)),
        times_asked=Count(
            "interview_items", filter=Q(interview_items__served_at__isnull=False), distinct=True
        ),
        times_answered=answered,
        avg_score=Avg("interview_items__answer__score"),
        overtime_count=Count(
            "interview_items__answer", filter=Q(interview_items__answer__overtime=True), distinct=True
        ),
        last_asked=Max("interview_items__served_at"),
    ).annotate(
        overtime_rate=Case(
            When(times_answered=0, then=Value(None)),
            default=Cast(F("overtime_count"), FloatField()) / Cast(F("times_answered"), FloatField()),
            output_field=FloatField(),
        )
    )


@dataclass
class Similar:
    id: int
    slug: str
    prompt: str
    score: float


class PromptIndex:
    """All prompts of the bank, loaded once, to check many new prompts against (one query)."""

    def __init__(self, rows: list[tuple[int, str, str]]) -> None:
        self.rows = rows
        self.choices = [utils.default_process(prompt) for _, _, prompt in rows]

    @classmethod
    def from_db(cls) -> PromptIndex:
        return cls(list(Question.objects.values_list("id", "slug", "prompt")))

    def similar(self, prompt: str, *, exclude_slug: str = "", limit: int = 5) -> list[Similar]:
        matches = process.extract(
            utils.default_process(prompt),
            self.choices,
            scorer=fuzz.token_set_ratio,
            processor=None,
            score_cutoff=SIMILAR,
            limit=limit + 1,
        )
        found = []
        for _, score, index in matches:
            pk, slug, text = self.rows[index]
            if slug != exclude_slug:
                found.append(Similar(pk, slug, text, round(score)))
        return found[:limit]


def similar_prompts(prompt: str, *, exclude_slug: str = "", limit: int = 5) -> list[Similar]:
    """Existing questions whose prompt reads almost the same as ``prompt``."""
    return PromptIndex.from_db().similar(prompt, exclude_slug=exclude_slug, limit=limit)
