"""A question stays secret until its clock starts, and can be answered only while it is the one on screen."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from sessions.models import Answer

from .conftest import start, url

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 9, 0, 0, tzinfo=UTC)
HX = {"HX-Request": "true"}


def prompts(session) -> list[str]:
    return [item.question.prompt for item in session.items.order_by("position")]


def answer_and_score(client, session, position: int, score: int = 4) -> None:
    client.get(url(session))
    client.post(url(session, f"questions/{position}/answer"), {"answer": f"answer {position}"})
    client.post(url(session, f"questions/{position}/score"), {"score": score})


@pytest.fixture
def halfway(client, bank):
    """An unfinished three-question interview: question 1 scored, question 2 on screen, 3 never shown."""
    session = start(client)
    answer_and_score(client, session, 1)
    client.get(url(session))  # question 2's clock starts
    return session


def test_the_summary_of_an_unfinished_interview_hides_questions_not_yet_shown(client, halfway):
    first, second, third = prompts(halfway)
    html = client.get(url(halfway, "summary")).text
    assert first in html and second in html
    assert third not in html
    assert "Not reached yet" in html


def test_the_history_exports_hide_questions_not_yet_shown(client, halfway):
    third = halfway.items.get(position=3).question
    body = client.get("/history/export.json").text
    assert third.prompt not in body and f'"{third.slug}"' not in body
    rows = json.loads(body)["answers"]
    assert [r["served"] for r in rows] == [True, True, False]
    csv_text = client.get("/history/export.csv").content.decode()
    assert third.prompt not in csv_text
    assert [r["prompt"] for r in csv.DictReader(io.StringIO(csv_text))][2] == ""


def test_an_abandoned_interview_never_shows_its_unseen_questions(client, halfway):
    client.post(url(halfway, "abandon"))
    third = halfway.items.get(position=3).question.prompt
    assert third not in client.get(url(halfway, "summary")).text
    assert third not in client.get("/history/export.json").text


def test_no_runner_page_or_partial_shows_a_later_question(client, halfway):
    third = halfway.items.get(position=3).question.prompt
    for path in (url(halfway), url(halfway, "questions/1/"), url(halfway, "questions/3/")):
        for headers in ({}, HX):
            response = client.get(path, follow=True, headers=headers)
            assert third not in response.text, path


def test_an_answer_to_a_question_never_shown_is_refused_and_stores_nothing(client, halfway):
    response = client.post(url(halfway, "questions/3/answer"), {"answer": "prepared in advance"})
    assert response.status_code == 409
    assert "has not been shown to you yet, so no answer to it was stored" in response.text
    assert not Answer.objects.filter(item__position=3).exists()
    assert halfway.items.get(position=3).served_at is None  # and its clock did not start either


def test_the_refusal_comes_back_through_htmx_with_the_current_question(client, halfway):
    response = client.post(url(halfway, "questions/3/answer"), {"answer": "x"}, headers=HX)
    assert response.status_code == 409
    assert halfway.items.get(position=2).question.prompt in response.text
    assert not Answer.objects.filter(item__position=3).exists()


def test_an_ended_interview_refuses_answers_to_questions_never_shown(client, halfway):
    client.post(url(halfway, "abandon"))
    response = client.post(url(halfway, "questions/3/answer"), {"answer": "x"}, follow=True)
    assert "has not been shown to you yet" in response.text
    assert not Answer.objects.filter(item__position=3).exists()


def test_a_shown_question_is_still_kept_when_answered_after_the_interview_ended(client, halfway):
    client.post(url(halfway, "abandon"))
    client.post(url(halfway, "questions/2/answer"), {"answer": "kept anyway"})
    assert Answer.objects.get(item__position=2).text == "kept anyway"


def test_while_a_clock_runs_the_progress_dots_are_not_links(client, halfway):
    html = client.get(url(halfway)).text
    assert "data-timer-seconds" in html
    assert f'href="/interviews/{halfway.pk}/questions/1/"' not in html


def test_looking_back_while_a_clock_runs_says_so_and_links_back(client, halfway, time_machine):
    time_machine.move_to(datetime.now(UTC), tick=False)
    html = client.get(url(halfway, "questions/1/")).text
    assert "Question 2's clock is still running" in html
    assert f'<a href="/interviews/{halfway.pk}/">Back to question 2</a>' in html


def test_htmx_responses_say_which_address_they_show(client, bank):
    session = start(client)
    client.get(url(session))
    revealed = client.post(url(session, "questions/1/answer"), {"answer": "a"}, headers=HX)
    assert revealed["HX-Replace-Url"] == f"/interviews/{session.pk}/"  # a reload shows this reveal again
    following = client.post(url(session, "questions/1/score"), {"score": 4}, headers=HX)
    assert "Question 2 of 3" in following.text
    assert following["HX-Replace-Url"] == f"/interviews/{session.pk}/"
    looking_back = client.get(url(session, "questions/1/"), headers=HX)
    assert looking_back["HX-Replace-Url"] == f"/interviews/{session.pk}/questions/1/"
    rescored = client.post(url(session, "questions/1/score"), {"score": 5}, headers=HX)
    assert "Question 2 of 3" in rescored.text
    assert rescored["HX-Replace-Url"] == f"/interviews/{session.pk}/"


def test_an_answer_sent_by_the_clock_at_zero_reads_time_ran_out(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(client)
    client.get(url(session))
    time_machine.move_to(T0 + timedelta(seconds=30, milliseconds=400), tick=False)
    response = client.post(
        url(session, "questions/1/answer"), {"answer": "cut off", "ran_out": "1"}, follow=True
    )
    answer = Answer.objects.get()
    assert answer.ran_out and not answer.overtime
    assert "Time ran out" in response.text
    client.post(url(session, "questions/1/score"), {"score": 3})
    assert "Time ran out" in client.get(url(session, "summary")).text


def test_an_answer_in_time_reads_on_time(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(client)
    client.get(url(session))
    time_machine.move_to(T0 + timedelta(seconds=12), tick=False)
    client.post(url(session, "questions/1/answer"), {"answer": "quick"})
    assert Answer.objects.get().timing == "on_time"


def test_the_shared_report_marks_an_answer_cut_off_by_the_clock(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(client, count=1)
    client.get(url(session))
    time_machine.move_to(T0 + timedelta(seconds=31), tick=False)
    client.post(url(session, "questions/1/answer"), {"answer": "cut off", "ran_out": "1"})
    client.post(url(session, "questions/1/score"), {"score": 3})
    client.post(url(session, "share"), {"include_answers": "on"})
    token = session.share_links.get().token
    assert "Time ran out" in client.get(f"/r/{token}/").text
    assert "time ran out" in client.get(f"/r/{token}/report.md").text
    assert json.loads(client.get(f"/r/{token}/report.json").text)["questions"][0]["ran_out"] is True
