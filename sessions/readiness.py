"""Readiness for a real interview: per topic, the predicted chance of recalling its questions on the day.

The prediction is FSRS retrievability (``Scheduler.get_card_retrievability``)
of each of the candidate's cards at the interview date. A question never
practised has no card, so nothing can be predicted for it: it is counted as
unknown and shown as coverage ("3 of 10 questions practised"), never folded
into the average as a 0 or a 1.

The plan is a deliberately simple heuristic, said in one sentence on the page:
every unpractised question needs a first try and every practised one predicted
below the target needs one more review; the total is spread evenly over the
days left. It is a floor, not a promise: a question missed again comes back.

Three queries whatever the history's size (the questions of each topic, the
candidate's cards, nothing per card); the arithmetic runs in Python, which is
fine for thousands of cards.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone
from fsrs import Card

from questions.models import Question

from .models import InterviewPlan, Owner, ReviewCard
from .scheduling import SCHEDULER

# Predicted recall a topic should reach on the day, with every question practised.
TARGET = 0.9
# Recall is predicted for this time of the interview day (site time zone): the morning of it.
INTERVIEW_TIME = time(9, 0)


@dataclass
class TopicReadiness:
    slug: str
    name: str
    questions: int  # published questions of the topic (of the plan's company, if any)
    practised: int  # of those, how many the candidate has a card for
    recall: float | None  # average predicted recall of the practised ones on the day; None if none
    below_target: int  # practised ones predicted below TARGET

    @property
    def unpractised(self) -> int:
        return self.questions - self.practised

    @property
    def to_do(self) -> int:
        """Questions to practise before the day: first tries plus reviews of the weak ones."""
        return self.unpractised + self.below_target

    @property
    def recall_percent(self) -> int | None:
        return None if self.recall is None else round(100 * self.recall)

    @property
    def coverage_percent(self) -> int:
        return round(100 * self.practised / self.questions) if self.questions else 0

    @property
    def ready(self) -> bool:
        return self.to_do == 0


@dataclass
class Readiness:
    plan: InterviewPlan
    on: datetime  # the moment recall is predicted for
    days_left: int  # whole days from today to the interview day (0: it is today)
    topics: list[TopicReadiness]

    @property
    def questions(self) -> int:
        return sum(t.questions for t in self.topics)

    @property
    def practised(self) -> int:
        return sum(t.practised for t in self.topics)

    @property
    def unpractised(self) -> int:
        return sum(t.unpractised for t in self.topics)

    @property
    def below_target(self) -> int:
        return sum(t.below_target for t in self.topics)

    @property
    def to_do(self) -> int:
        return self.unpractised + self.below_target

    @property
    def per_day(self) -> int:
        """Questions a day, today included, to get through ``to_do`` by the day before the interview."""
        return math.ceil(self.to_do / max(self.days_left, 1))

    @property
    def target_percent(self) -> int:
        return round(100 * TARGET)


def interview_moment(day: date) -> datetime:
    return datetime.combine(day, INTERVIEW_TIME, tzinfo=timezone.get_current_timezone())


def forecast(owner: Owner, plan: InterviewPlan, *, now: datetime) -> Readiness | None:
    """Readiness per topic for ``plan``'s date; None once that date has passed."""
    days_left = (plan.date - timezone.localdate(now)).days
    if days_left < 0:
        return None
    on = interview_moment(plan.date)
    # Each question once per topic it belongs to (a question in two topics counts for both).
    pairs = Question.topics.through.objects.filter(question__status=Question.Status.PUBLISHED)
    if plan.company_id:
        pairs = pairs.filter(question__companies=plan.company_id)
    by_topic: dict[tuple[str, str], list[int]] = {}
    for slug, name, question_id in pairs.values_list("topic__slug", "topic__name", "question_id"):
        by_topic.setdefault((slug, name), []).append(question_id)
    pool = {question_id for ids in by_topic.values() for question_id in ids}
    recall = {
        question_id: SCHEDULER.get_card_retrievability(Card.from_dict(card), current_datetime=on)
        for question_id, card in ReviewCard.objects.owned_by(owner).values_list("question_id", "card")
        if question_id in pool
    }
    topics = []
    for (slug, name), ids in by_topic.items():
        known = [recall[q] for q in ids if q in recall]
        topics.append(
            TopicReadiness(
                slug=slug,
                name=name,
                questions=len(ids),
                practised=len(known),
                recall=sum(known) / len(known) if known else None,
                below_target=sum(1 for r in known if r < TARGET),
            )
        )
    # Most to do first: that is where the days go.
    topics.sort(key=lambda t: (-t.to_do, t.name))
    return Readiness(plan=plan, on=on, days_left=days_left, topics=topics)
