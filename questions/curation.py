"""Tools for curators: per-question usage stats and near-duplicate detection."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

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


# --- how the cues do: detected by the cues versus ticked by the candidate --------------------------


@dataclass
class CueStats:
    """How one key point's cues did over a question's scored answers."""

    position: int
    text: str
    cues: list[str]
    ticked: int = 0  # the candidate finally ticked it
    detected: int = 0  # its cues matched the answer (so the reveal pre-ticked it)
    kept: int = 0  # detected, and left ticked
    missed: int = 0  # ticked, but no cue matched: the cues miss a way of saying it
    misfire_phrases: Counter[str] = field(default_factory=Counter)

    @property
    def misfired(self) -> int:
        """Detected, but the candidate unticked it: a cue matched something that was not the point."""
        return self.detected - self.kept


@dataclass
class CueReport:
    answers: int  # scored answers looked at
    points: list[CueStats]


def _positions(value: object) -> set[int]:
    """Key point positions from an answer's ``covered`` list or ``detected`` keys (ints or digit strings)."""
    if isinstance(value, dict):
        value = list(value)
    if not isinstance(value, list):
        return set()
    return {int(p) for p in value if isinstance(p, int) or (isinstance(p, str) and p.isdigit())}


def cue_report(question: Question) -> CueReport:
    """Per key point of ``question``: how often its cues fired, and whether candidates agreed.

    Two queries whatever the number of answers: the key points, then every
    scored answer's ``detected`` (position -> matched phrase) and ``covered``
    (positions finally ticked), tallied here in Python. Only scored answers
    count: before the self-score, ``covered`` says nothing yet. Positions are
    compared as they are now, so a key point reordered since an answer was
    given is credited with that answer's ticks at its new place.
    """
    points = {
        position: CueStats(position, text, list(cues or []))
        for position, text, cues in question.key_points.order_by("position").values_list(
            "position", "text", "cues"
        )
    }
    rows = (
        question.interview_items.filter(answer__scored_at__isnull=False)
        .order_by()
        .values_list("answer__detected", "answer__covered")
    )
    answers = 0
    for detected, covered in rows.iterator(chunk_size=2_000):
        answers += 1
        phrases = detected if isinstance(detected, dict) else {}
        found, ticked = _positions(phrases), _positions(covered)
        for position in found | ticked:
            stats = points.get(position)
            if stats is None:
                continue  # a key point since removed
            if position in ticked:
                stats.ticked += 1
            if position in found:
                stats.detected += 1
                if position in ticked:
                    stats.kept += 1
                else:
                    phrase = phrases.get(str(position), phrases.get(position))
                    if isinstance(phrase, str) and phrase:
                        stats.misfire_phrases[phrase.strip().lower()[:80]] += 1
            elif position in ticked:
                stats.missed += 1
    return CueReport(answers, list(points.values()))
