"""Many requests at once: one answer stands, and finishing stays consistent (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from sessions.models import Answer, InterviewSession, ReviewCard

from .conftest import make_bank, start, url

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 20


def race(n: int, work) -> list:
    """Run ``work(i)`` in ``n`` threads released together; each closes its own connection."""
    barrier = threading.Barrier(n)

    def run(i: int):
        try:
            barrier.wait()
            return work(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def browser_like(client: Client) -> Client:
    twin = Client()
    twin.cookies = client.cookies
    return twin


def test_twenty_simultaneous_submissions_leave_exactly_one_answer():
    make_bank()
    client = Client()
    session = start(client, count=2)
    client.get(url(session))

    statuses = race(
        THREADS,
        lambda i: (
            browser_like(client)
            .post(url(session, "questions/1/answer"), {"answer": f"attempt {i}"})
            .status_code
        ),
    )

    assert all(status == 302 for status in statuses), statuses
    answers = list(Answer.objects.filter(item__session=session))
    assert len(answers) == 1
    assert answers[0].text.startswith("attempt ")


def test_simultaneous_scores_and_finishes_leave_a_consistent_interview():
    make_bank()
    client = Client()
    session = start(client, count=1)
    client.get(url(session))
    client.post(url(session, "questions/1/answer"), {"answer": "only answer"})

    statuses = race(
        THREADS,
        lambda i: (
            browser_like(client)
            .post(url(session, "questions/1/score"), {"score": str(1 + i % 5)})
            .status_code
        ),
    )

    assert all(status == 302 for status in statuses), statuses
    session = InterviewSession.objects.get(pk=session.pk)
    assert session.status == "finished" and session.finished_at is not None
    answer = Answer.objects.get(item__session=session)
    assert answer.score in {1, 2, 3, 4, 5}
    card = ReviewCard.objects.get()
    # Every score that was saved before the finish re-did the same review: never more than one.
    assert card.reviews == 1
    assert card.last_answer_id == answer.pk
