"""Spaced repetition the candidate can see and start: when a question is back, what is due, what is next."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from fsrs import Card

from sessions.models import InterviewSession, Owner, ReviewCard
from sessions.progress import review_forecast
from sessions.timetext import ago, until

from .conftest import make_bank, start, url

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def play(client, session, scores, *, headers=None):
    """Answer and score the first ``len(scores)`` questions of ``session`` in order; the last response."""
    response = None
    for position, score in enumerate(scores, start=1):
        client.get(url(session))
        client.post(url(session, f"questions/{position}/answer"), {"answer": "a"})
        response = client.post(
            url(session, f"questions/{position}/score"), {"score": str(score)}, headers=headers or {}
        )
    return response


def card(user, question, due: datetime) -> ReviewCard:
    """A card as one review leaves it, due at ``due``."""
    state = Card(card_id=question.pk, due=due, last_review=due - timedelta(days=1), stability=2.0).to_dict()
    return ReviewCard(user=user, question=question, card=state, due=due, last_review=due - timedelta(days=1))


def review_form(html: str) -> str:
    """The one-click review form of a page."""
    match = re.search(r'<form class="card due-banner".*?</form>', html, re.S)
    assert match, "no review button on the page"
    return match.group(0)


# --- humanised relative time ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(seconds=20), "in less than a minute"),
        (timedelta(minutes=1), "in 1 minute"),
        (timedelta(minutes=42), "in 42 minutes"),
        (timedelta(hours=1), "in about 1 hour"),
        (timedelta(hours=5, minutes=20), "in about 5 hours"),
        (timedelta(days=1), "in 1 day"),
        (timedelta(days=3), "in 3 days"),
        (timedelta(days=3, hours=5), "in about 3 days"),
        (timedelta(days=13), "in 13 days"),
        (timedelta(days=14), "in 2 weeks"),
        (timedelta(days=20), "in about 3 weeks"),
        (timedelta(days=90), "in about 3 months"),
        (timedelta(days=800), "in about 2 years"),
    ],
)
def test_it_says_when_in_one_rounded_figure(delta, words):
    assert until(T0 + delta, now=T0) == words


def test_a_moment_already_come_is_now_and_a_past_one_is_ago():
    assert until(T0 - timedelta(minutes=5), now=T0) == "now"
    assert ago(T0 - timedelta(days=5), now=T0) == "5 days ago"
    assert ago(T0 - timedelta(hours=2), now=T0) == "about 2 hours ago"
    assert ago(T0 - timedelta(seconds=10), now=T0) == "just now"


# --- after scoring: when it comes back -------------------------------------------------------------


def test_the_next_question_says_when_the_scored_one_comes_back(client, bank, clock):
    session = start(client, count=3)
    html = play(client, session, [1], headers=HX).text
    prompt = session.items.get(position=1).question.prompt
    assert f"Question 1 ({prompt}) comes back for review in about 1 hour." in html
    assert "Question 2 of 3" in html


def test_without_htmx_the_sentence_waits_on_the_next_page(client, bank, clock):
    session = start(client, count=3)
    play(client, session, [5])
    due = ReviewCard.objects.get().due
    html = client.get(url(session)).text
    assert "Question 2 of 3" in html
    assert f"comes back for review {until(due, now=T0)}." in html
    assert "comes back for review" not in client.get(url(session)).text  # said once


def test_the_summary_says_when_the_last_question_comes_back(client, bank, clock):
    session = start(client, count=2)
    response = play(client, session, [4, 4], headers=HX)
    assert response["HX-Redirect"].endswith("/summary")
    due = ReviewCard.objects.get(question=session.items.get(position=2).question).due
    html = client.get(url(session, "summary")).text
    assert "Question 2 (" in html and f"comes back for review {until(due, now=T0)}." in html
    assert due - T0 >= timedelta(days=1)  # "Good" on a first try: a day or more, not minutes


# --- home: what is due, in one click --------------------------------------------------------------


def test_home_offers_the_due_questions_in_one_click(client, bank, clock):
    first = start(client, count=3)
    play(client, first, [1, 2, 5])  # two "Again": due in an hour; one "Easy": days away
    clock.shift(timedelta(hours=2))
    html = client.get("/").text
    assert "2 questions due for review now." in html
    form = review_form(html)
    assert 'action="/interviews/start"' in form and 'method="post"' in form
    assert '<input type="hidden" name="review_due" value="on">' in form
    assert '<input type="hidden" name="count" value="2">' in form
    assert ">Review 2 due questions</button>" in form

    response = client.post("/interviews/start", {"review_due": "on", "count": "2", "answer_by": "typing"})
    review = InterviewSession.objects.get(pk=response["Location"].split("/")[2])
    due_ids = set(first.items.filter(position__in=[1, 2]).values_list("question_id", flat=True))
    assert set(review.items.values_list("question_id", flat=True)) == due_ids
    assert all(review.items.values_list("review", flat=True))


def test_home_asks_at_most_20_at_once(alice, alice_client, db, clock):
    questions = make_bank(25)
    ReviewCard.objects.bulk_create(card(alice, q, T0 - timedelta(hours=1)) for q in questions)
    html = alice_client.get("/").text
    assert "25 questions due for review now." in html
    form = review_form(html)
    assert '<input type="hidden" name="count" value="20">' in form
    assert ">Review 20 due questions</button>" in form


def test_when_nothing_is_due_home_says_when_the_next_review_is(alice, alice_client, bank, clock):
    ReviewCard.objects.bulk_create(
        [card(alice, bank[0], T0 + timedelta(minutes=42)), card(alice, bank[1], T0 + timedelta(days=3))]
    )
    html = alice_client.get("/").text
    assert "Next review in 42 minutes." in html
    assert "Review 0" not in html and "due for review now" not in html


def test_a_candidate_without_cards_sees_nothing_of_reviews(client, bank):
    html = client.get("/").text
    assert "Next review" not in html and "due for review now" not in html


def test_draft_questions_are_neither_counted_nor_drawn(alice, alice_client, bank, clock):
    bank[0].status = "draft"
    bank[0].save()
    ReviewCard.objects.bulk_create(card(alice, q, T0 - timedelta(hours=1)) for q in bank[:2])
    assert "1 question due for review now." in alice_client.get("/").text


def test_home_costs_a_fixed_number_of_queries_whatever_the_schedule(alice, alice_client, db, clock):
    questions = make_bank(30)
    counts = []
    for chunk in (questions[:2], questions[2:]):
        ReviewCard.objects.bulk_create(card(alice, q, T0 - timedelta(hours=1)) for q in chunk)
        with CaptureQueriesContext(connection) as ctx:
            alice_client.get("/")
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 8


# --- a review interview says so ---------------------------------------------------------------------


def test_every_question_of_a_review_interview_says_how_it_went_last_time(client, bank, clock):
    first = start(client, count=2)
    play(client, first, [2, 1])
    clock.shift(timedelta(days=5))
    response = client.post("/interviews/start", {"review_due": "on", "count": "2"})
    review = InterviewSession.objects.get(pk=response["Location"].split("/")[2])
    scores = {i.question_id: i.answer.score for i in first.items.select_related("answer")}
    labels = {1: "1 Missed it", 2: "2 Weak"}
    for position in (1, 2):
        label = labels[scores[review.items.get(position=position).question_id]]
        note = f"Review · last time you scored {label}, 5 days ago"
        assert note in client.get(url(review)).text  # the question, clock running
        answer = client.post(url(review, f"questions/{position}/answer"), {"answer": "again"}, follow=True)
        assert "Model answer" in answer.text and note in answer.text  # its reveal
        client.post(url(review, f"questions/{position}/score"), {"score": "5"})
        if position == 1:
            # Looking back at it after scoring: still the earlier interview's score, not today's 5.
            assert note in client.get(url(review, "questions/1/")).text


def test_new_questions_filling_a_review_interview_are_not_called_reviews(client, bank, clock):
    first = start(client, count=1)
    play(client, first, [1])
    clock.shift(timedelta(hours=2))
    review = start(client, count=3, review_due="on")
    assert list(review.items.order_by("position").values_list("review", flat=True)) == [True, False, False]
    assert "Review · last time you scored 1 Missed it, about 2 hours ago" in client.get(url(review)).text
    play(client, review, [3])
    assert "Review ·" not in client.get(url(review)).text
    assert "Review ·" not in client.get(url(first, "summary")).text


def test_an_ordinary_interview_says_nothing_of_reviews(client, bank, clock):
    first = start(client, count=6)
    play(client, first, [1, 1, 1, 1, 1, 1])
    clock.shift(timedelta(days=2))
    again = start(client, count=2)  # the same questions, not started as a review
    assert "Review ·" not in client.get(url(again)).text


def test_the_review_note_costs_one_query_whatever_the_history(client, db, clock):
    make_bank(6)
    counts = []
    for rounds in (1, 8):
        for _ in range(rounds):
            played = start(client, count=6)
            play(client, played, [2] * 6)
            clock.shift(timedelta(days=1))
        review = start(client, count=6, review_due="on")
        client.get(url(review))
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url(review)).text
        assert "Review · last time you scored 2 Weak, 1 day ago" in html
        counts.append(len(ctx.captured_queries))
        review.abandon()
    assert counts[0] == counts[1] <= 5  # the question page's 4, and the previous answer


def test_another_candidates_answers_are_not_last_time(alice_client, bob, bank, clock):
    first = start(alice_client, count=6)
    play(alice_client, first, [1] * 6)
    other = Client()
    other.force_login(bob)
    theirs = start(other, count=1)
    play(other, theirs, [1])
    clock.shift(timedelta(days=1))
    review = start(other, count=1, review_due="on")
    assert "Review · last time you scored 1 Missed it, 1 day ago" in other.get(url(review)).text
    assert review.items.get().previous_answer().item.session_id == theirs.pk


# --- the 14-day forecast on the history page --------------------------------------------------------


def test_history_forecasts_reviews_for_the_next_14_days(alice, alice_client, db, clock):
    questions = make_bank(8)
    dues = [
        T0 - timedelta(days=3),  # overdue: today
        T0 + timedelta(hours=3),  # later today
        T0 + timedelta(days=1),
        T0 + timedelta(days=1, hours=2),
        T0 + timedelta(days=13, hours=1),  # the 14th day
        T0 + timedelta(days=15),  # beyond the forecast
    ]
    ReviewCard.objects.bulk_create(card(alice, q, due) for q, due in zip(questions, dues, strict=False))
    forecast = review_forecast(Owner(alice), now=T0)
    assert len(forecast) == 14
    assert [d.count for d in forecast] == [2, 2] + [0] * 11 + [1]
    assert forecast[0].height == forecast[1].height == 100.0 and forecast[2].height == 0

    html = alice_client.get("/history/").text
    assert "Reviews coming up" in html
    assert "5 reviews fall due in the next 14 days, 1 of them now." in html
    assert "<td>Today (Mon 2 Nov, with any overdue)</td><td>2</td>" in html
    assert "<td>Tue 3 Nov</td><td>2</td>" in html and "<td>Sun 15 Nov</td><td>1</td>" in html
    assert 'aria-label="Reviews due per day over the next 14 days: today 2, Tue 3 Nov 2, Wed 4 Nov 0' in html


def test_with_nothing_coming_up_the_forecast_says_so(alice, alice_client, bank, clock):
    assert "Score an answer to start your review schedule" in alice_client.get("/history/").text
    ReviewCard.objects.bulk_create([card(alice, bank[0], T0 + timedelta(days=30))])
    html = alice_client.get("/history/").text
    assert "Nothing falls due in the next 14 days. Next review in about 4 weeks." in html
