"""Workflows that touch several models: starting an interview, scoring with its review, claiming."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from questions.models import Company, Level, Question, Topic

from . import limits, scheduling
from .models import AnswerBy, InterviewPlan, InterviewQuestion, InterviewSession, Owner, ReviewCard

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
    due = ReviewCard.objects.owned_by(owner).reviewable().filter(due__lte=now)
    return list(due.order_by("due", "question_id").values_list("question_id", flat=True)[:limit])


def practice_question_ids(slug: str) -> list[int]:
    """The one published question ``slug`` (the bank page's "Practise this question"), or none."""
    return list(Question.objects.published().filter(slug=slug).values_list("id", flat=True)[:1])


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
    answer_by: str = AnswerBy.TYPING,
    rng: random.Random | None = None,
) -> InterviewSession:
    """Create an interview of ``count`` random matching questions (or exactly ``question_ids``).

    Only the matching ids are read (one indexed query), then sampled in Python:
    no ``ORDER BY RANDOM()`` over the bank.
    """
    now = timezone.now()
    rng = rng or random.SystemRandom()
    due: set[int] = set()
    if question_ids is None:
        chosen = due_question_ids(owner, now=now, limit=count) if review_due else []
        due = set(chosen)
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
            answer_by=answer_by,
            created=now,
        )
        InterviewQuestion.objects.bulk_create(
            InterviewQuestion(session=session, position=position, question_id=pk, review=pk in due)
            for position, pk in enumerate(chosen, start=1)
        )
    return session


def score_answer(
    *, session: InterviewSession, item: InterviewQuestion, score: int, covered: list[int], note: str
) -> ReviewCard | None:
    """Record a self-score and let it update the candidate's review schedule (one transaction).

    Returns the question's card as rescheduled (its ``due`` is when it comes back), or None when
    the interview had already finished and nothing changed.
    """
    now = timezone.now()
    with transaction.atomic():
        if not item.answer.record_score(score=score, covered=covered, note=note, now=now):
            return None
        return scheduling.review(session=session, answer=item.answer, question_id=item.question_id, now=now)


def claim_anonymous_interviews(*, token: str, user) -> int:
    """Hand an anonymous browser's interviews, review schedule and interview date over to the account
    it signed in to.

    Where the account already has a card for a question, the more recently reviewed card wins; of two
    interview dates, the one set more recently.
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
        # One interview date per candidate: the one set more recently wins.
        plan = InterviewPlan.objects.filter(user=None, anon_token=token).first()
        if plan is not None:
            existing = InterviewPlan.objects.filter(user=user).first()
            if existing is not None and existing.updated >= plan.updated:
                plan.delete()
            else:
                if existing is not None:
                    existing.delete()
                plan.user, plan.anon_token = user, ""
                plan.save(update_fields=["user", "anon_token"])
    return moved
