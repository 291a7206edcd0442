"""Workflows that touch several models: starting an interview, answering, scoring."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from questions.models import Company, Level, Question, Topic

from . import limits, scheduling
from .models import (
    GRACE,
    LOW_SCORE,
    Answer,
    InterviewQuestion,
    InterviewSession,
    Owner,
    ReviewCard,
)

# A question answered this recently is drawn only when nothing fresher matches.
RECENT = timedelta(days=7)


class NoMatchingQuestions(Exception):
    """No published question matches the filters: no interview is created."""


@dataclass(frozen=True)
class Filters:
    topic: Topic | None = None
    level: Level | None = None
    company: Company | None = None

    def questions(self) -> QuerySet[Question]:
        return Question.objects.published().matching(
            topic=self.topic.slug if self.topic else "",
            level=self.level.slug if self.level else "",
            company=self.company.slug if self.company else "",
        )


def recently_seen_ids(owner: Owner, *, now: datetime) -> set[int]:
    items = InterviewQuestion.objects.filter(
        session__in=InterviewSession.objects.owned_by(owner), served_at__gte=now - RECENT
    )
    return set(items.values_list("question_id", flat=True))


def due_question_ids(owner: Owner, *, now: datetime, limit: int) -> list[int]:
    """Published questions due for review, most overdue first."""
    due = ReviewCard.objects.owned_by(owner).filter(due__lte=now, question__status=Question.Status.PUBLISHED)
    return list(due.order_by("due", "question_id").values_list("question_id", flat=True)[:limit])


def pick_questions(candidates: list[int], count: int, avoid: set[int], rng: random.Random) -> list[int]:
    """``count`` distinct ids drawn at random, taking ones not in ``avoid`` first."""
    fresh = [pk for pk in candidates if pk not in avoid]
    stale = [pk for pk in candidates if pk in avoid]
    chosen = rng.sample(fresh, min(count, len(fresh)))
    if len(chosen) < count:
        chosen += rng.sample(stale, min(count - len(chosen), len(stale)))
    return chosen


def interview_start(
    *,
    owner: Owner,
    filters: Filters,
    count: int,
    seconds: int,
    question_ids: list[int] | None = None,
    review_due: bool = False,
    rng: random.Random | None = None,
) -> InterviewSession:
    """Create an interview of ``count`` random matching questions (or exactly ``question_ids``).

    Only the matching ids are read (one indexed query), then sampled in Python:
    no ``ORDER BY RANDOM()`` over the bank.
    """
    now = timezone.now()
    rng = rng or random.SystemRandom()
    if question_ids is None:
        chosen = due_question_ids(owner, now=now, limit=count) if review_due else []
        candidates = list(filters.questions().exclude(id__in=chosen).values_list("id", flat=True))
        chosen += pick_questions(candidates, count - len(chosen), recently_seen_ids(owner, now=now), rng)
    else:
        published = set(Question.objects.published().filter(id__in=question_ids).values_list("id", flat=True))
        chosen = [pk for pk in dict.fromkeys(question_ids) if pk in published][:count]
    if not chosen:
        raise NoMatchingQuestions
    with transaction.atomic():
        limits.check_unfinished(owner)  # inside the transaction, so racing starts cannot overshoot
        session = InterviewSession.objects.create(
            user=owner.user,
            anon_token="" if owner.user else owner.token,
            topic=filters.topic,
            level=filters.level,
            company=filters.company,
            seconds_per_answer=seconds,
            created=now,
        )
        InterviewQuestion.objects.bulk_create(
            InterviewQuestion(session=session, position=position, question_id=pk)
            for position, pk in enumerate(chosen, start=1)
        )
    return session


def serve(item: InterviewQuestion, *, now: datetime | None = None) -> InterviewQuestion:
    """Stamp the moment a question is first shown; later views keep the first stamp."""
    if item.served_at is None:
        now = now or timezone.now()
        InterviewQuestion.objects.filter(pk=item.pk, served_at__isnull=True).update(served_at=now)
        item.served_at = InterviewQuestion.objects.values_list("served_at", flat=True).get(pk=item.pk)
    return item


def submit_answer(
    *, item: InterviewQuestion, seconds: int, text: str, now: datetime | None = None
) -> tuple[Answer, bool]:
    """Store the candidate's answer once. Returns (the answer that stands, whether this call stored it).

    A late answer is kept and marked overtime. A repeated submission (double
    click, second tab, replay) finds the first answer and changes nothing.
    """
    now = now or timezone.now()
    if item.served_at is None:
        # Answered without ever being shown (a crafted request): the clock starts now.
        serve(item, now=now)
    deadline = item.served_at + timedelta(seconds=seconds)
    answer = Answer(
        item=item,
        text=text,
        submitted_at=now,
        elapsed_ms=max(0, int((now - item.served_at).total_seconds() * 1000)),
        overtime=now > deadline + GRACE,
        key_point_count=item.question.key_points.count(),
    )
    try:
        with transaction.atomic():
            answer.save(force_insert=True)
    except IntegrityError:
        return Answer.objects.get(item=item), False
    return answer, True


def suggested_score(covered: int, total: int) -> int:
    """A starting point for the self-score from the share of key points covered."""
    if total <= 0:
        return 3
    share = covered / total
    if share == 0:
        return 1
    if share < 0.4:
        return 2
    if share < 0.75:
        return 3
    if share < 1:
        return 4
    return 5


def suggested_scores(total: int) -> list[int]:
    """The suggested self-score for 0, 1, ... ``total`` key points covered (the reveal's script shows it)."""
    return [suggested_score(covered, total) for covered in range(total + 1)]


def low_scored_question_ids(session: InterviewSession) -> list[int]:
    return list(
        Answer.objects.filter(item__session=session, score__lte=LOW_SCORE)
        .order_by("item__position")
        .values_list("item__question_id", flat=True)
    )


def score_answer(
    *, session: InterviewSession, item: InterviewQuestion, score: int, covered: list[int], note: str
) -> bool:
    """Record a self-score and let it update the candidate's review schedule (one transaction)."""
    now = timezone.now()
    with transaction.atomic():
        if not item.answer.record_score(score=score, covered=covered, note=note, now=now):
            return False
        scheduling.review(session=session, answer=item.answer, question_id=item.question_id, now=now)
    return True


def claim_anonymous_interviews(*, token: str, user) -> int:
    """Hand an anonymous browser's interviews and review schedule over to the account it signed in to.

    Where the account already has a card for a question, the more recently reviewed card wins.
    """
    if not token:
        return 0
    with transaction.atomic():
        moved = InterviewSession.objects.filter(user=None, anon_token=token).update(user=user, anon_token="")
        theirs = {c.question_id: c for c in ReviewCard.objects.filter(user=user)}
        for card in ReviewCard.objects.filter(user=None, anon_token=token):
            existing = theirs.get(card.question_id)
            if existing is not None:
                if (existing.last_review or existing.due) >= (card.last_review or card.due):
                    card.delete()
                    continue
                existing.delete()
            card.user, card.anon_token = user, ""
            card.save(update_fields=["user", "anon_token"])
    return moved
