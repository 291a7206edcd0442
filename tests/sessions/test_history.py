"""History, progress charts and spaced repetition."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from fsrs import Rating

from sessions.models import Answer, InterviewQuestion, InterviewSession, ReviewCard
from sessions.progress import streak
from sessions.scheduling import rating_for

from .conftest import start, url

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def play(client, session, scores, texts=None):
    """Answer and score every question of ``session`` in order."""
    for position, score in enumerate(scores, start=1):
        client.get(url(session))
        text = texts[position - 1] if texts else f"answer {position}"
        client.post(url(session, f"questions/{position}/answer"), {"answer": text})
        client.post(url(session, f"questions/{position}/score"), {"score": str(score), "covered": ["1"]})


def play_one(client, session, position, score):
    client.get(url(session))
    client.post(url(session, f"questions/{position}/answer"), {"answer": f"answer {position}"})
    client.post(url(session, f"questions/{position}/score"), {"score": str(score)})


def bulk_history(user, questions, n: int, *, now: datetime) -> None:
    """``n`` finished interviews of five answered questions each, one per day going back."""
    sessions = InterviewSession.objects.bulk_create(
        InterviewSession(user=user, status="finished", created=now - timedelta(days=i), finished_at=now)
        for i in range(n)
    )
    items = InterviewQuestion.objects.bulk_create(
        InterviewQuestion(session=s, position=p + 1, question=questions[p], served_at=s.created)
        for s in sessions
        for p in range(5)
    )
    Answer.objects.bulk_create(
        Answer(
            item=item,
            text="x",
            submitted_at=item.served_at,
            elapsed_ms=20_000,
            score=1 + (item.pk % 5),
            key_point_count=3,
            covered=[1],
        )
        for item in items
    )


# --- the history page -------------------------------------------------------------------


def test_history_lists_interviews_newest_first_with_totals(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    older = start(client, count=2)
    play(client, older, [5, 3])
    time_machine.move_to(T0 + timedelta(days=1), tick=False)
    newer = start(client, count=2)
    play(client, newer, [1])

    html = client.get("/history/").text
    assert html.index(f"/interviews/{newer.pk}/") < html.index(f"/interviews/{older.pk}/summary")
    assert "80%" in html  # (5 + 3) / 10
    assert "1/2" in html and "2/2" in html
    assert "Unfinished" in html and "Finished" in html


def test_the_history_page_costs_the_same_queries_for_3_or_300_interviews(alice, alice_client, bank):
    now = datetime.now(UTC)
    counts = []
    for n in (3, 297):
        bulk_history(alice, bank, n, now=now)
        with CaptureQueriesContext(connection) as ctx:
            response = alice_client.get("/history/")
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 12
    assert "300" in response.text  # interviews in total


def test_the_home_due_count_costs_a_fixed_number_of_queries(
    alice, alice_client, bank, django_assert_max_num_queries
):
    bulk_history(alice, bank, 200, now=datetime.now(UTC))
    with django_assert_max_num_queries(8):
        alice_client.get("/")


def test_charts_are_svg_with_text_alternatives(client, bank):
    session = start(client, count=2)
    play(client, session, [4, 2])
    html = client.get("/history/").text
    assert '<div class="chart plot" role="img"' in html
    assert "Your last 1 scored interview: 60%." in html
    assert "viewBox" not in html  # a scaled SVG would shrink its text (see test_history_charts.py)
    assert "Show as a table" in html
    assert "Mastery per topic" in html
    assert "Current streak: <strong>1 day</strong>" in html
    assert "Weakest topics" in html


def test_weakest_topics_offer_a_one_click_interview(client, bank):
    session = start(client, count=6)
    scores = [5 if i.question.slug in {"q0", "q2", "q4"} else 1 for i in session.items.order_by("position")]
    play(client, session, scores)
    html = client.get("/history/").text
    weak = html[html.index("Weakest topics") :]
    assert weak.index("Training") < weak.index("CNNs")
    assert '<input type="hidden" name="topic" value="training">' in html
    response = client.post("/interviews/start", {"topic": "training", "count": 5, "seconds": 30})
    assert response.status_code == 302


def test_every_attempt_at_a_question_is_listed(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    first = start(client, count=6)
    play(client, first, [2, 2, 2, 2, 2, 2])
    time_machine.move_to(T0 + timedelta(days=2), tick=False)
    second = start(client, count=6)
    play(client, second, [4, 4, 4, 4, 4, 4])
    html = client.get("/history/questions/q3/").text
    assert "2 attempts" in html
    assert "2 Weak" in html and "4 Solid" in html
    assert client.get("/history/questions/").status_code == 200
    assert client.get("/history/questions/never-seen/").status_code == 404


# --- streaks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("active", "expected"),
    [
        ([], 0),
        ([0], 1),
        ([0, 1, 2], 3),
        ([1, 2], 2),  # not practised yet today: the streak is still alive
        ([2, 3], 0),  # missed yesterday: broken
        ([0, 2, 3], 1),
    ],
)
def test_streak_rules(active, expected):
    today = date(2026, 11, 20)
    days = {today - timedelta(days=d): 1 for d in active}
    assert streak(days, today=today) == expected


def test_a_day_counts_only_when_a_question_was_answered(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    start(client, count=2)  # started, nothing answered
    assert "Current streak: <strong>0 days</strong>" in client.get("/history/").text
    session = start(client, count=1)
    play(client, session, [3])
    assert "Current streak: <strong>1 day</strong>" in client.get("/history/").text


# --- spaced repetition ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "rating"),
    [(1, Rating.Again), (2, Rating.Again), (3, Rating.Hard), (4, Rating.Good), (5, Rating.Easy)],
)
def test_self_scores_map_onto_fsrs_ratings(score, rating):
    assert rating_for(score) == rating


def test_each_self_score_schedules_a_review_with_the_real_duration(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(client, count=2)
    client.get(url(session))
    time_machine.move_to(T0 + timedelta(seconds=12), tick=False)
    client.post(url(session, "questions/1/answer"), {"answer": "a"})
    client.post(url(session, "questions/1/score"), {"score": "1"})
    card = ReviewCard.objects.get()
    assert card.question_id == session.items.get(position=1).question_id
    assert card.due == T0 + timedelta(seconds=12) + timedelta(hours=1)  # "Again": back in an hour
    assert card.card["card_id"] == card.question_id
    assert card.reviews == 1


def test_rescoring_before_finishing_replaces_the_review(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(client, count=2)
    play(client, session, [1])
    client.post(url(session, "questions/1/score"), {"score": "5"})
    card = ReviewCard.objects.get()
    assert card.reviews == 1
    assert card.due > T0 + timedelta(days=1)  # "Easy" schedules days ahead, not an hour


def test_due_questions_come_first_most_overdue_first(client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(client, count=3)
    for position, score in enumerate([1, 5, 2], start=1):
        time_machine.shift(timedelta(minutes=1))
        play_one(client, session, position, score)
    ids = list(session.items.order_by("position").values_list("question_id", flat=True))
    # Both "Again" answers are due an hour later; the first was reviewed earlier, so it is due first.
    time_machine.move_to(T0 + timedelta(hours=2), tick=False)
    assert "2 questions due for review" in client.get("/").text
    response = client.post("/interviews/start", {"count": 4, "seconds": 30, "review_due": "on"})
    new = InterviewSession.objects.get(pk=response["Location"].split("/")[2])
    drawn = list(new.items.order_by("position").values_list("question_id", flat=True))
    assert drawn[:2] == [ids[0], ids[2]]
    assert ids[1] not in drawn[:2]
    assert len(drawn) == 4


def test_anonymous_review_schedule_carries_over_on_sign_up(client, bank, django_user_model):
    session = start(client, count=2)
    play(client, session, [2, 4])
    client.post(
        "/accounts/signup/",
        {
            "username": "erin",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    erin = django_user_model.objects.get(username="erin")
    assert ReviewCard.objects.filter(user=erin).count() == 2
    assert not ReviewCard.objects.filter(user=None).exists()


# --- export and delete ---------------------------------------------------------------------


def test_exports_hold_every_answer(client, bank):
    session = start(client, count=2)
    play(client, session, [4, 2], texts=["first, with a comma", 'second "quoted"'])

    data = json.loads(client.get("/history/export.json").content)
    assert [row["answer"] for row in data["answers"]] == ["first, with a comma", 'second "quoted"']
    assert [row["score"] for row in data["answers"]] == [4, 2]
    assert len(data["review_schedule"]) == 2

    response = client.get("/history/export.csv")
    assert response["Content-Disposition"] == 'attachment; filename="prepsite-history.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["answer"] for r in rows] == ["first, with a comma", 'second "quoted"']
    assert rows[0]["interview"] == str(session.pk)


def test_deleting_history_asks_first_then_removes_everything(client, bank):
    session = start(client, count=2)
    play(client, session, [4, 2])
    assert "Delete your history?" in client.get("/history/delete").text
    assert InterviewSession.objects.exists()
    client.post("/history/delete")
    assert not InterviewSession.objects.exists()
    assert not Answer.objects.exists()
    assert not ReviewCard.objects.exists()


def test_a_candidate_never_sees_another_candidates_history(alice_client, bob, bank):
    session = start(alice_client, count=2)
    play(alice_client, session, [4, 2], texts=["alice secret", "alice two"])
    other = Client()
    other.force_login(bob)
    assert "alice secret" not in other.get("/history/export.json").text
    assert "alice secret" not in other.get("/history/export.csv").text
    assert str(session.pk) not in other.get("/history/").text
    assert other.get("/history/questions/q0/").status_code in (404,)
    other.post("/history/delete")
    assert InterviewSession.objects.filter(pk=session.pk).exists()
    assert ReviewCard.objects.count() == 2
    anonymous = Client()
    assert "alice secret" not in anonymous.get("/history/export.json").text
