"""A long practice history for the page benchmarks: ``interviews`` finished interviews of 5 scored answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sessions.models import Answer, InterviewQuestion, InterviewSession


def make_history(user, questions: list, interviews: int) -> tuple[list[InterviewQuestion], list[Answer]]:
    """One interview every 6 hours back from now, each taking 5 minutes; returns its items and answers."""
    now = datetime.now(UTC)
    sessions = InterviewSession.objects.bulk_create(
        InterviewSession(
            user=user,
            status="finished",
            created=now - timedelta(hours=6 * i),
            finished_at=now - timedelta(hours=6 * i) + timedelta(minutes=5),
            seconds_per_answer=30,
        )
        for i in range(interviews)
    )
    items = InterviewQuestion.objects.bulk_create(
        (
            InterviewQuestion(
                session=s,
                position=p + 1,
                question=questions[(i * 5 + p) % len(questions)],
                served_at=s.created,
            )
            for i, s in enumerate(sessions)
            for p in range(5)
        ),
        batch_size=2000,
    )
    answers = Answer.objects.bulk_create(
        (
            Answer(
                item=it,
                text="benchmark answer",
                submitted_at=it.served_at + timedelta(seconds=20),
                elapsed_ms=20_000,
                score=1 + it.pk % 5,
                covered=[1],
                key_point_count=4,
            )
            for it in items
        ),
        batch_size=2000,
    )
    return items, answers
