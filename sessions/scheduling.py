"""Spaced repetition with FSRS (the maintained ``fsrs`` package, version 6).

Each self-score is one FSRS review of that question for that candidate. The
five self-scores map onto FSRS's four ratings: 1-2 Again, 3 Hard, 4 Good,
5 Easy; the real answer duration is passed along.

Learning steps are one hour and one day rather than FSRS's default minutes:
a question missed in an interview should come back in a later interview, not
three questions later in the same one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.text import Truncator
from fsrs import Card, Rating, Scheduler

from . import timetext
from .models import Answer, InterviewQuestion, InterviewSession, ReviewCard

SCHEDULER = Scheduler(
    learning_steps=(timedelta(hours=1), timedelta(days=1)),
    relearning_steps=(timedelta(hours=1),),
    enable_fuzzing=False,
)

RATINGS = {1: Rating.Again, 2: Rating.Again, 3: Rating.Hard, 4: Rating.Good, 5: Rating.Easy}


def rating_for(score: int) -> Rating:
    return RATINGS[score]


def review(*, session: InterviewSession, answer: Answer, question_id: int, now: datetime) -> ReviewCard:
    """Apply one self-score to the candidate's card for this question (creating it on first review)."""
    owner = {"user": session.user} if session.user_id else {"user": None, "anon_token": session.anon_token}
    with transaction.atomic():
        card = ReviewCard.objects.select_for_update().filter(question_id=question_id, **owner).first()
        if card is None:
            fresh = Card(card_id=question_id, due=now)
            card = ReviewCard(question_id=question_id, card=fresh.to_dict(), due=now, **owner)
        if card.pk and card.last_answer_id == answer.pk:
            # The same answer scored again before finishing: redo its review, don't add one.
            base = card.previous_card
        else:
            base = card.card
            card.previous_card = card.card
            card.reviews += 1
        reviewed, _log = SCHEDULER.review_card(
            Card.from_dict(base),
            rating_for(answer.score),
            review_datetime=now,
            review_duration=answer.elapsed_ms,
        )
        card.card = reviewed.to_dict()
        card.due = reviewed.due
        card.last_review = now
        card.last_answer = answer
        try:
            with transaction.atomic():
                card.save()
        except IntegrityError:
            # Another request created the card first; apply this review to it instead.
            return review(session=session, answer=answer, question_id=question_id, now=now)
    return card


def comes_back(item: InterviewQuestion, card: ReviewCard) -> str:
    """The one sentence shown after scoring: when this question is asked again.

    Measured from the review itself, so the sentence does not drift with the page's render time.
    """
    prompt = Truncator(item.question.prompt).chars(70)
    when = timetext.until(card.due, now=card.last_review)
    return f"Question {item.position} ({prompt}) comes back for review {when}."


def last_time(previous: Answer | None, *, now: datetime) -> str:
    """What a review question says about itself: "Review · last time you scored 2 Weak, 5 days ago"."""
    if previous is None:
        return "Review · due on your review schedule"
    when = timetext.ago(previous.scored_at or previous.submitted_at, now=now)
    return f"Review · last time you scored {previous.score} {previous.get_score_display()}, {when}"
