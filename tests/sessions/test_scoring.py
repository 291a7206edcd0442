"""Reveal, self-scoring, finishing and the summary."""

from __future__ import annotations

import re

import pytest

from sessions.models import Answer, InterviewSession, Score

from .conftest import start, url

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def answer_and_score(client, session, position, score, covered=(), text="answer", note=""):
    client.get(url(session))
    client.post(url(session, f"questions/{position}/answer"), {"answer": text})
    return client.post(
        url(session, f"questions/{position}/score"),
        {"score": score, "covered": list(covered), "note": note},
    )


def test_the_reveal_shows_answers_key_points_rubric_and_scores(client, bank):
    session = start(client)
    client.get(url(session))
    html = client.post(url(session, "questions/1/answer"), {"answer": "mine"}, headers=HX).text
    item = session.items.select_related("question").get(position=1)
    assert "mine" in html
    assert item.question.answer_html in html
    for p in (1, 2, 3):
        assert f'<label for="covered-{p}">Point {p} of' in html
    assert "Why interviewers ask it" in html and "Because." in html
    assert "Common pitfall" in html and "Rushing." in html
    assert "What interviewers score" in html
    assert 'role="radiogroup"' in html and ">Self-score</legend>" in html
    # A label's text, its markup aside (number and word are styled apart on a phone).
    labels = re.findall(r'<label for="score-\d">(.*?)</label>', html)
    labels = [re.sub(r"<[^>]+>", "", label) for label in labels]
    assert labels == ["1 Missed it", "2 Weak", "3 Partial", "4 Solid", "5 Interview-ready"]
    assert "Next question" in html
    assert "Keyboard:" in html


def test_scoring_moves_on_to_the_next_question(client, bank):
    session = start(client)
    client.get(url(session))
    client.post(url(session, "questions/1/answer"), {"answer": "a"}, headers=HX)
    html = client.post(
        url(session, "questions/1/score"),
        {"score": "4", "covered": ["1", "3"], "note": "ok"},
        headers=HX,
    ).text
    assert "Question 2 of 3" in html
    answer = Answer.objects.get()
    assert (answer.score, answer.covered, answer.note) == (4, [1, 3], "ok")


def test_a_score_is_required_to_go_on(client, bank):
    session = start(client)
    client.get(url(session))
    client.post(url(session, "questions/1/answer"), {"answer": "a"})
    response = client.post(url(session, "questions/1/score"), {"covered": ["1"]})
    assert response.status_code == 400
    assert "Choose a self-score" in response.text
    assert Answer.objects.get().score is None


def test_covered_points_outside_the_question_are_ignored(client, bank):
    session = start(client)
    answer_and_score(client, session, 1, 3, covered=["2", "9"])
    assert Answer.objects.get().covered == [2]


def test_the_last_question_finishes_the_interview(client, bank):
    session = start(client, count=2)
    answer_and_score(client, session, 1, 2)
    client.get(url(session))
    client.post(url(session, "questions/2/answer"), {"answer": "b"})
    assert "Finish interview" in client.get(url(session, "questions/2/")).text
    response = client.post(url(session, "questions/2/score"), {"score": "5"}, headers=HX)
    assert response["HX-Redirect"] == f"/interviews/{session.pk}/summary"
    session.refresh_from_db()
    assert session.status == InterviewSession.Status.FINISHED


def test_scores_can_change_until_finished_but_answers_cannot(client, bank):
    session = start(client, count=2)
    answer_and_score(client, session, 1, 2, text="original")
    client.post(url(session, "questions/1/score"), {"score": "4"})
    client.post(url(session, "questions/1/answer"), {"answer": "rewritten"})
    answer = Answer.objects.get(item__position=1)
    assert (answer.score, answer.text) == (4, "original")

    answer_and_score(client, session, 2, 3)
    client.post(url(session, "questions/1/score"), {"score": "1"})
    answer.refresh_from_db()
    assert answer.score == 4


def test_the_summary_shows_score_time_rows_and_topics(client, bank):
    session = start(client, count=2)
    answer_and_score(client, session, 1, 5, covered=["1", "2", "3"], text="first typed", note="nailed it")
    answer_and_score(client, session, 2, 2, covered=["1"])
    html = client.get(url(session, "summary")).text
    assert "70%" in html  # (5 + 2) / 10
    assert "overall score" in html and "time used" in html
    assert "3/3" in html and "1/3" in html
    assert "5 Interview-ready" in html and "2 Weak" in html
    assert "first typed" in html and "nailed it" in html
    assert "By topic" in html
    assert "Practise the 1 low-scored question again" in html


def test_practising_low_scored_questions_again_makes_a_new_interview(client, bank):
    session = start(client, count=3)
    for position, score in [(1, 5), (2, 1), (3, 3)]:
        answer_and_score(client, session, position, score)
    low = list(
        session.items.filter(answer__score__lte=3).order_by("position").values_list("question_id", flat=True)
    )
    response = client.post(url(session, "retry"))
    new = InterviewSession.objects.exclude(pk=session.pk).get()
    assert response["Location"] == f"/interviews/{new.pk}/"
    assert list(new.items.order_by("position").values_list("question_id", flat=True)) == low


def test_an_unfinished_interview_can_be_resumed_from_home(client, bank):
    session = start(client)
    html = client.get("/").text
    assert "Pick up where you left off" in html
    assert f'href="/interviews/{session.pk}/"' in html


def test_leaving_marks_it_abandoned_and_keeps_answers(client, bank):
    session = start(client)
    client.get(url(session))
    client.post(url(session, "questions/1/answer"), {"answer": "kept"})
    client.post(url(session, "abandon"))
    session.refresh_from_db()
    assert session.status == InterviewSession.Status.ABANDONED
    assert "Pick up where you left off" not in client.get("/").text
    assert "kept" in client.get(url(session, "summary")).text
    assert client.get(url(session))["Location"] == f"/interviews/{session.pk}/summary"


def test_an_answer_sent_after_leaving_is_still_kept(client, bank):
    session = start(client)
    client.get(url(session))
    client.post(url(session, "abandon"))
    client.post(url(session, "questions/1/answer"), {"answer": "typed in the other tab"})
    assert Answer.objects.get().text == "typed in the other tab"


@pytest.mark.parametrize(
    ("covered", "total", "expected"), [(0, 4, 1), (1, 4, 2), (2, 4, 3), (3, 4, 4), (4, 4, 5)]
)
def test_the_suggested_score_follows_the_share_of_key_points(covered, total, expected):
    assert Score.suggested(covered, total) == expected
