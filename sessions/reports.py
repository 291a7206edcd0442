"""The report of an interview: overall score, per-topic breakdown and one row per question.

The summary page, the shared report (HTML, Markdown and JSON) and the history
exports all start from here, so a number means the same thing everywhere.
Rows come from :meth:`InterviewQuestion.to_dict`, the one serialisation of a
question and its answer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .models import RETRY_AT_OR_BELOW, InterviewQuestion, InterviewSession, Owner, percent_of_max


@dataclass
class TopicRow:
    name: str
    count: int
    percent: int


@dataclass
class Report:
    session: InterviewSession
    items: list[InterviewQuestion]
    answered_count: int = 0
    scored_count: int = 0
    percent: int | None = None
    time_used_s: int = 0
    low_count: int = 0
    topic_rows: list[TopicRow] = field(default_factory=list)

    @classmethod
    def of(cls, session: InterviewSession, *, key_points: bool = False) -> Report:
        items = session.all_items(key_points=key_points)
        answered = [i.answer for i in items if i.is_answered]
        scored = [i for i in items if i.is_answered and i.answer.score is not None]
        by_topic: dict[str, list[int]] = defaultdict(list)
        for item in scored:
            for topic in item.question.topics.all():
                by_topic[topic.name].append(item.answer.score)
        topic_rows = [TopicRow(name, len(s), percent_of_max(sum(s), len(s))) for name, s in by_topic.items()]
        return cls(
            session=session,
            items=items,
            answered_count=len(answered),
            scored_count=len(scored),
            percent=percent_of_max(sum(i.answer.score for i in scored), len(scored)),
            time_used_s=round(sum(a.elapsed_ms for a in answered) / 1000),
            low_count=sum(1 for i in scored if i.answer.score <= RETRY_AT_OR_BELOW),
            topic_rows=sorted(topic_rows, key=lambda row: (row.percent, row.name)),
        )

    def context(self) -> dict:
        """What the summary and report templates read."""
        return {
            "session": self.session,
            "items": self.items,
            "answered_count": self.answered_count,
            "scored_count": self.scored_count,
            "percent": self.percent,
            "time_used_s": self.time_used_s,
            "low_count": self.low_count,
            "topic_rows": self.topic_rows,
        }

    def to_dict(self, *, include_answers: bool, candidate: str = "") -> dict:
        """The shared report as JSON."""
        session = self.session
        questions = []
        for item in self.items:
            row = item.to_dict(include_answer=include_answers)
            if include_answers and item.is_served:
                row["model_answer"] = item.question.answer
            questions.append(row)
        return {
            "date": session.created.isoformat(),
            "filters": {
                "topic": session.topic.name if session.topic else None,
                "level": session.level.name if session.level else None,
                "company": session.company.name if session.company else None,
            },
            "candidate": candidate or None,
            "score_percent": self.percent,
            "time_used_seconds": self.time_used_s,
            "topics": [{"name": t.name, "count": t.count, "percent": t.percent} for t in self.topic_rows],
            "questions": questions,
        }


def export_rows(owner: Owner) -> list[dict]:
    """The candidate's whole history for download: one row per question of every interview, oldest first."""
    interviews = (
        InterviewSession.objects.owned_by(owner)
        .order_by("created")
        .select_related("topic", "level", "company")
        .prefetch_related("items__question", "items__answer", "items__follow_up_answers")
    )
    rows = []
    for interview in interviews:
        about = {
            "interview": str(interview.pk),
            "started": interview.created.isoformat(),
            "status": interview.status,
            "topic": interview.topic.slug if interview.topic else "",
            "level": interview.level.slug if interview.level else "",
            "company": interview.company.slug if interview.company else "",
            "seconds_per_answer": interview.seconds_per_answer,
        }
        rows.extend({**about, **item.to_dict()} for item in interview.items.all())
    return rows
