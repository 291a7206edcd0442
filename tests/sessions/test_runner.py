"""Answering against a clock the server owns; nothing submitted is ever lost."""

from __future__ import annotations

import re
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from sessions.models import Answer

from .conftest import make_bank, start, url

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 9, 0, 0, tzinfo=UTC)
HX = {"HX-Request": "true"}


def seconds_left(html: str) -> int:
    return int(re.search(r"data-timer-seconds>(\d+)<", html).group(1))


def test_the_question_page_shows_prompt_tags_position_and_timer(client, bank):
    session = start(client)
    html = client.get(url(session)).text
    item = session.items.get(position=1)
    assert (
        f'<h1 id="question-heading" class="runner-prompt" tabindex="-1">{item.question.prompt}</h1>' in html
    )
    assert "Question 1 of 3" in html
    assert 'role="timer"' in html
    assert 'aria-live="off" data-timer-seconds>30<' in html
    assert '<label for="answer-text">Your answer</label>' in html
    assert "Submit answer" in html
    assert "Entry" in html  # the level tag
    assert "Answer 0" not in html and "Point 1 of" not in html  # the model answer stays hidden


def test_reloading_shows_the_time_really_left(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(client)
    assert seconds_left(client.get(url(session)).text) == 30
    time_machine.move_to(T0 + timedelta(seconds=12), tick=False)
    assert seconds_left(client.get(url(session)).text) == 18
    time_machine.move_to(T0 + timedelta(minutes=5), tick=False)
    html = client.get(url(session)).text
    assert seconds_left(html) == 0
    assert "Time is up" in html


def test_the_clock_starts_when_the_question_is_first_shown(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(client)
    time_machine.move_to(T0 + timedelta(minutes=10), tick=False)
    assert seconds_left(client.get(url(session)).text) == 30
    assert session.items.get(position=1).served_at == T0 + timedelta(minutes=10)


def test_an_answer_in_time_is_stored_and_the_model_answer_revealed(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(client)
    client.get(url(session))
    time_machine.move_to(T0 + timedelta(seconds=20), tick=False)
    response = client.post(url(session, "questions/1/answer"), {"answer": "My answer"}, headers=HX)

    answer = Answer.objects.get()
    assert (answer.text, answer.elapsed_ms, answer.overtime) == ("My answer", 20_000, False)
    assert "Model answer" in response.text
    assert "<strong>Answer" in response.text
    assert "<html" not in response.text  # htmx swaps only the runner


def test_the_grace_period_still_counts_as_on_time(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(client)
    client.get(url(session))
    time_machine.move_to(T0 + timedelta(seconds=32), tick=False)
    client.post(url(session, "questions/1/answer"), {"answer": "just in"})
    assert Answer.objects.get().overtime is False


def test_it_keeps_a_late_answer_and_marks_it_overtime(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(client)
    client.get(url(session))
    time_machine.move_to(T0 + timedelta(seconds=33), tick=False)
    client.post(url(session, "questions/1/answer"), {"answer": "late but kept"})
    answer = Answer.objects.get()
    assert (answer.text, answer.overtime) == ("late but kept", True)
    assert "overtime" in client.get(url(session, "questions/1/")).text


def test_a_second_submission_neither_duplicates_nor_overwrites(client, bank):
    session = start(client)
    client.get(url(session))
    client.post(url(session, "questions/1/answer"), {"answer": "first"}, headers=HX)
    response = client.post(url(session, "questions/1/answer"), {"answer": "second"}, headers=HX)
    assert Answer.objects.count() == 1
    assert Answer.objects.get().text == "first"
    assert "your first answer stands" in response.text
    assert "first" in response.text and "second" not in response.text


def test_without_javascript_the_answer_posts_as_a_full_page(client, bank):
    session = start(client)
    client.get(url(session))
    response = client.post(url(session, "questions/1/answer"), {"answer": "plain post"}, follow=True)
    assert response.status_code == 200
    assert "<html" in response.text
    assert "plain post" in response.text
    assert "Self-score" in response.text


def test_extra_fields_cannot_move_the_deadline(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(client)
    client.get(url(session))
    time_machine.move_to(T0 + timedelta(seconds=90), tick=False)
    client.post(
        url(session, "questions/1/answer"),
        {"answer": "x", "served_at": T0.isoformat(), "overtime": "false", "elapsed_ms": "1"},
    )
    answer = Answer.objects.get()
    assert answer.overtime is True
    assert answer.elapsed_ms == 90_000


def test_candidate_text_is_shown_as_text(client, bank):
    session = start(client)
    client.get(url(session))
    response = client.post(
        url(session, "questions/1/answer"), {"answer": "<script>alert(1)</script>"}, follow=True
    )
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_the_runner_costs_a_fixed_number_of_queries(client, bank, django_assert_max_num_queries):
    session = start(client, count=6)
    client.get(url(session))
    # The session, then the interview with its progress and question in one statement.
    with django_assert_max_num_queries(2):
        client.get(url(session))
    # + key points, the answer's INSERT (in a savepoint here), the follow-ups for the reveal.
    with django_assert_max_num_queries(8):
        client.post(url(session, "questions/1/answer"), {"answer": "a"}, headers=HX)
    # + the score, the review card, the next question (one statement) served, its tags.
    with django_assert_max_num_queries(16):
        client.post(url(session, "questions/1/score"), {"score": "3"}, headers=HX)


def test_query_count_does_not_grow_with_interview_length(client, db):
    make_bank(25)
    counts = []
    for n in (2, 20):
        session = start(client, count=n)
        client.get(url(session))
        with CaptureQueriesContext(connection) as ctx:
            client.get(url(session))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@contextmanager
def rows_read():
    """Count the model rows a request turns into objects (what grows with an interview's length)."""
    counts: Counter = Counter()

    def count(sender, **kwargs):
        counts[sender.__name__] += 1

    post_init.connect(count)
    try:
        yield counts
    finally:
        post_init.disconnect(count)


def test_the_question_page_reads_one_question_whatever_the_interview_length(client, db):
    make_bank(25)
    seen = []
    for n in (2, 20):
        session = start(client, count=n)
        client.get(url(session))
        with CaptureQueriesContext(connection) as ctx, rows_read() as rows:
            client.get(url(session))
        seen.append((len(ctx.captured_queries), dict(rows)))
    (queries_2, rows_2), (queries_20, rows_20) = seen
    assert queries_2 == queries_20 == 2  # the session; the interview, progress and question (tags cached)
    assert rows_2 == rows_20
    assert rows_20["InterviewQuestion"] == 1 and rows_20["Question"] == 1


def test_the_reveal_and_score_read_a_bounded_number_of_rows(client, db):
    make_bank(25)
    for n in (2, 20):
        session = start(client, count=n)
        client.get(url(session))
        with rows_read() as answering:
            client.post(url(session, "questions/1/answer"), {"answer": "a"}, headers=HX)
        with rows_read() as scoring:
            client.post(url(session, "questions/1/score"), {"score": "3"}, headers=HX)
        assert answering["InterviewQuestion"] == 1 and answering["Question"] == 1
        assert scoring["InterviewQuestion"] == 2  # the scored one and the next one
