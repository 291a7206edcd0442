"""The interviewer follows up: an optional, timed probe after a question, kept with its answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from questions.models import FollowUp
from sessions.models import FollowUpAnswer

from .conftest import start, url

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def probed(bank):
    for question in bank:
        FollowUp.objects.create(
            question=question,
            position=1,
            prompt=f"Why does {question.slug} matter?",
            answer="**Because** it does.",
        )
        FollowUp.objects.create(
            question=question, position=2, prompt=f"And when does {question.slug} fail?", answer="Rarely."
        )
    return bank


def answered(client, count=2):
    session = start(client, count=count)
    client.get(url(session))
    client.post(url(session, "questions/1/answer"), {"answer": "first"})
    return session


def test_the_reveal_offers_the_follow_up_without_showing_it(client, probed):
    session = answered(client)
    html = client.get(url(session)).text
    assert "The interviewer follows up" in html
    assert "does not add to the interview's 2 questions" in html
    prompt = session.items.get(position=1).question.follow_ups.get(position=1).prompt
    assert prompt not in html  # the probe stays hidden until its clock starts


def test_asking_starts_a_timed_follow_up_and_its_answer_is_kept_with_the_question(
    client, probed, time_machine
):
    time_machine.move_to(T0, tick=False)
    session = answered(client)
    page = client.post(url(session, "questions/1/follow-up"), follow=True).text
    probe = FollowUpAnswer.objects.get()
    assert probe.served_at == T0 and probe.prompt in page
    assert "data-timer-seconds>30<" in page and "Your answer to the follow-up" in page
    assert client.get(url(session)).text.count(probe.prompt) >= 1  # a reload shows the probe, clock running
    time_machine.move_to(T0 + timedelta(seconds=12), tick=False)
    reveal = client.post(
        url(session, "questions/1/follow-up/answer"), {"answer": "because gradients"}, follow=True
    )
    probe.refresh_from_db()
    assert probe.text == "because gradients" and probe.elapsed_ms == 12_000 and not probe.overtime
    assert "The interviewer followed up" in reveal.text and "<strong>Because</strong> it does." in reveal.text
    assert session.items.count() == 2  # the interview's length is unchanged


def test_a_follow_up_is_answered_once_and_late_ones_are_marked(client, probed, time_machine):
    time_machine.move_to(T0, tick=False)
    session = answered(client)
    client.post(url(session, "questions/1/follow-up"))
    time_machine.move_to(T0 + timedelta(seconds=95), tick=False)
    client.post(url(session, "questions/1/follow-up/answer"), {"answer": "late"})
    client.post(url(session, "questions/1/follow-up/answer"), {"answer": "replay"})
    probe = FollowUpAnswer.objects.get()
    assert probe.text == "late" and probe.overtime
    reveal = client.get(url(session)).text
    assert '<strong class="overtime">Overtime</strong>' in reveal  # the follow-up's own timing, not "On time"


def test_the_next_probe_is_offered_after_the_first_and_none_after_the_last(client, probed):
    session = answered(client)
    for _ in range(2):
        client.post(url(session, "questions/1/follow-up"))
        client.post(url(session, "questions/1/follow-up/answer"), {"answer": "x"})
    assert FollowUpAnswer.objects.count() == 2
    assert "The interviewer follows up</button>" not in client.get(url(session)).text
    client.post(url(session, "questions/1/follow-up"))
    assert FollowUpAnswer.objects.count() == 2


def test_a_follow_up_cannot_be_asked_for_a_question_not_on_screen(client, probed):
    session = answered(client, count=3)
    client.post(url(session, "questions/2/follow-up"))
    client.post(url(session, "questions/3/follow-up"))
    assert not FollowUpAnswer.objects.exists()


def test_follow_up_answers_are_in_the_exports(client, probed):
    session = answered(client)
    client.post(url(session, "questions/1/follow-up"))
    client.post(url(session, "questions/1/follow-up/answer"), {"answer": "probe answer"})
    rows = json.loads(client.get("/history/export.json").text)["answers"]
    assert rows[0]["follow_ups"][0]["answer"] == "probe answer"


def test_the_summary_shows_follow_ups_with_their_question(client, probed):
    session = answered(client)
    client.post(url(session, "questions/1/follow-up"))
    client.post(url(session, "questions/1/follow-up/answer"), {"answer": "probe answer"})
    html = client.get(url(session, "summary")).text
    assert "<strong>Follow-up:</strong>" in html and "probe answer" in html
