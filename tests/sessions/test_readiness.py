"""The readiness forecast: an interview date, and per topic the predicted recall on that day."""

from __future__ import annotations

import io
import json
import math
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from fsrs import Card, State

from questions.models import Company
from sessions import readiness
from sessions.models import InterviewPlan, Owner, ReviewCard
from sessions.scheduling import SCHEDULER

from .conftest import make_bank, start
from .test_review_schedule import play

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
IN_10_DAYS = date(2026, 11, 12)


def set_plan(client, day: date | str, company: str = "", **extra):
    return client.post("/history/plan", {"date": str(day), "company": company, **extra})


def reviewed_card(user, question, *, stability: float, days_ago: float) -> ReviewCard:
    """A card in FSRS's review state, last reviewed ``days_ago`` days before T0."""
    last = T0 - timedelta(days=days_ago)
    state = Card(
        card_id=question.pk,
        state=State.Review,
        step=None,
        stability=stability,
        difficulty=5.0,
        due=T0,
        last_review=last,
    ).to_dict()
    return ReviewCard(user=user, question=question, card=state, due=T0, last_review=last, reviews=1)


# --- the interview date -------------------------------------------------------------------------


def test_a_candidate_sets_changes_and_removes_their_interview_date(alice, alice_client, bank, clock):
    response = set_plan(alice_client, IN_10_DAYS)
    assert response.status_code == 302 and response["Location"] == "/history/#readiness-heading"
    plan = InterviewPlan.objects.get(user=alice)
    assert (plan.date, plan.company) == (IN_10_DAYS, None)
    html = alice_client.get("/history/").text
    assert "Interview date set: 12 November 2026." in html
    assert "10 days to your interview</strong> (Thursday 12 November 2026)" in html
    assert 'value="2026-11-12"' in html and "Change interview date" in html

    Company.objects.create(slug="google", name="Google")
    set_plan(alice_client, IN_10_DAYS + timedelta(days=1), "google")
    plan = InterviewPlan.objects.get(user=alice)  # still one
    assert (plan.date, plan.company.slug) == (IN_10_DAYS + timedelta(days=1), "google")

    alice_client.post("/history/plan", {"remove": "1"})
    assert not InterviewPlan.objects.exists()
    assert "Set the day of your interview" in alice_client.get("/history/").text


@pytest.mark.parametrize(
    ("day", "error"),
    [
        ("2026-11-01", "That day has passed"),
        ("2029-01-01", "Choose a day within the next two years."),
        ("not a date", "Enter a date."),
        ("", "Choose the day of your interview."),
    ],
)
def test_an_impossible_date_is_refused_on_the_page(alice_client, bank, clock, day, error):
    response = set_plan(alice_client, day)
    assert response.status_code == 400
    assert error in response.text and "Ready for your interview?" in response.text
    assert not InterviewPlan.objects.exists()


def test_today_is_a_valid_date(alice_client, bank, clock):
    set_plan(alice_client, T0.date())
    assert "Your interview is today" in alice_client.get("/history/").text


def test_an_anonymous_candidate_keeps_the_date_in_their_browser(client, bank, clock, django_user_model):
    set_plan(client, IN_10_DAYS)
    plan = InterviewPlan.objects.get()
    assert plan.user is None and plan.anon_token == client.session["candidate"]
    assert "10 days to your interview" in client.get("/history/").text
    assert "10 days to your interview" not in Client().get("/history/").text  # another browser

    client.post(
        "/accounts/signup/",
        {
            "username": "erin",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    plan.refresh_from_db()
    assert plan.user == django_user_model.objects.get(username="erin") and plan.anon_token == ""


def test_on_sign_in_the_date_set_more_recently_wins(alice, bank, clock):
    InterviewPlan.objects.create(user=alice, date=IN_10_DAYS, updated=T0 - timedelta(days=1))
    browser = Client()
    set_plan(browser, IN_10_DAYS + timedelta(days=5))
    browser.post("/accounts/login/", {"username": "alice", "password": "correct horse battery"})
    assert list(InterviewPlan.objects.values_list("user", "date")) == [
        (alice.pk, IN_10_DAYS + timedelta(days=5))
    ]


def test_one_date_per_candidate_is_held_by_the_database(alice):
    InterviewPlan.objects.create(user=alice, date=IN_10_DAYS)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewPlan.objects.create(user=alice, date=IN_10_DAYS)
    InterviewPlan.objects.create(anon_token="t" * 43, date=IN_10_DAYS)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewPlan.objects.create(anon_token="t" * 43, date=IN_10_DAYS)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewPlan.objects.create(date=IN_10_DAYS)  # nobody's


def test_deleting_history_exporting_and_expiring_include_the_date(client, alice_client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    set_plan(alice_client, IN_10_DAYS)
    data = json.loads(alice_client.get("/history/export.json").content)
    assert data["interview_plan"] == {"date": "2026-11-12", "company": None}
    alice_client.post("/history/delete")
    assert not InterviewPlan.objects.exists()

    set_plan(client, IN_10_DAYS)  # an anonymous browser sets a date, then never comes back
    time_machine.move_to(T0 + timedelta(days=29), tick=False)
    call_command("expire_anonymous", stdout=io.StringIO())
    assert InterviewPlan.objects.exists()
    time_machine.move_to(T0 + timedelta(days=31), tick=False)
    call_command("expire_anonymous", stdout=io.StringIO())
    assert not InterviewPlan.objects.exists()


# --- the forecast ---------------------------------------------------------------------------------


def test_recall_is_fsrs_retrievability_of_each_card_on_the_morning_of_the_interview(alice, db, clock):
    questions = make_bank(4)  # q0, q2: CNNs; q1, q3: Training
    ReviewCard.objects.bulk_create(
        [
            reviewed_card(alice, questions[0], stability=30.0, days_ago=2),
            reviewed_card(alice, questions[2], stability=3.0, days_ago=1),
            reviewed_card(alice, questions[1], stability=100.0, days_ago=0),
        ]
    )
    plan = InterviewPlan.objects.create(user=alice, date=IN_10_DAYS)
    result = readiness.forecast(Owner(alice), plan, now=T0)
    on = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)
    assert result.on == on and result.days_left == 10

    expected = {
        q.pk: SCHEDULER.get_card_retrievability(Card.from_dict(c.card), current_datetime=on)
        for q, c in ((c.question, c) for c in ReviewCard.objects.select_related("question"))
    }
    topics = {t.slug: t for t in result.topics}
    cnn, training = topics["cnn"], topics["training"]
    assert cnn.recall == pytest.approx((expected[questions[0].pk] + expected[questions[2].pk]) / 2)
    assert (cnn.questions, cnn.practised) == (2, 2)
    assert training.recall == pytest.approx(expected[questions[1].pk])  # the unpractised q3 is not a 0
    assert (training.questions, training.practised, training.unpractised) == (2, 1, 1)
    # Stability 3 days, 11 days on: well below 90%; stability 30 and 100: above it.
    assert expected[questions[2].pk] < 0.9 < expected[questions[0].pk]
    assert (cnn.below_target, training.below_target) == (1, 0)
    assert (cnn.to_do, training.to_do) == (1, 1)
    assert (result.to_do, result.per_day) == (2, 1)


def test_a_topic_never_practised_is_unknown_not_forgotten(alice, alice_client, db, clock):
    make_bank(6)
    set_plan(alice_client, IN_10_DAYS)
    result = readiness.forecast(Owner(alice), InterviewPlan.objects.get(), now=T0)
    assert all(t.recall is None and t.practised == 0 for t in result.topics)
    html = alice_client.get("/history/").text
    assert "You have practised 0 of the 6 published questions." in html
    assert "recall unknown<br>0 of 3 practised" in html
    assert "<td>unknown (none practised)</td>" in html
    assert "Practise about <strong>1 question a day until then</strong>: 6 not tried yet" in html


def test_the_plan_spreads_what_is_left_evenly_over_the_days(alice, alice_client, db, clock):
    make_bank(25)
    set_plan(alice_client, T0.date() + timedelta(days=4))
    result = readiness.forecast(Owner(alice), InterviewPlan.objects.get(), now=T0)
    assert result.to_do == 25 and result.per_day == math.ceil(25 / 4) == 7
    html = alice_client.get("/history/").text
    assert "Practise about <strong>7 questions a day until then</strong>: 25 not tried yet and 0" in html
    assert "How we count: each question you have not practised needs a first try" in html


def test_practising_a_topic_moves_it_up(client, bank, clock):
    set_plan(client, IN_10_DAYS)
    owner = Owner(token=client.session["candidate"])
    before = {t.slug: t for t in readiness.forecast(owner, InterviewPlan.objects.get(), now=T0).topics}
    play(client, start(client, count=6, topic="cnn"), [5, 5, 5])
    after = {t.slug: t for t in readiness.forecast(owner, InterviewPlan.objects.get(), now=T0).topics}
    assert before["cnn"].practised == 0 and after["cnn"].practised == 3
    assert after["cnn"].recall is not None and after["training"].recall is None


def test_with_a_company_only_its_questions_count(alice, alice_client, db, clock):
    questions = make_bank(6)
    google = Company.objects.create(slug="google", name="Google")
    for q in questions[:2]:
        q.companies.add(google)
    set_plan(alice_client, IN_10_DAYS, "google")
    result = readiness.forecast(Owner(alice), InterviewPlan.objects.get(), now=T0)
    assert result.questions == 2
    assert (
        "You have practised 0 of the 2 published questions tagged Google."
        in alice_client.get("/history/").text
    )


def test_drafts_do_not_count(alice, db, clock):
    questions = make_bank(2)
    questions[0].status = "draft"
    questions[0].save()
    plan = InterviewPlan.objects.create(user=alice, date=IN_10_DAYS)
    assert readiness.forecast(Owner(alice), plan, now=T0).questions == 1


def test_every_question_ready_says_so(alice, alice_client, db, clock):
    questions = make_bank(2)
    ReviewCard.objects.bulk_create(reviewed_card(alice, q, stability=365.0, days_ago=0) for q in questions)
    set_plan(alice_client, IN_10_DAYS)
    assert "Every question practised and predicted at 90% or more on the day." in (
        alice_client.get("/history/").text
    )


def test_a_date_that_has_passed_asks_for_the_next(alice, alice_client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    set_plan(alice_client, T0.date() + timedelta(days=1))
    time_machine.move_to(T0 + timedelta(days=2), tick=False)
    html = alice_client.get("/history/").text
    assert "Your interview on 3 November 2026 has passed." in html
    assert "to your interview</strong>" not in html


def test_the_history_page_costs_the_same_queries_with_a_plan_for_few_or_many_cards(
    alice, alice_client, db, clock
):
    questions = make_bank(300)
    set_plan(alice_client, IN_10_DAYS)
    counts = []
    for chunk in (questions[:3], questions[3:]):
        ReviewCard.objects.bulk_create(reviewed_card(alice, q, stability=5.0, days_ago=1) for q in chunk)
        with CaptureQueriesContext(connection) as ctx:
            response = alice_client.get("/history/")
        assert "You have practised" in response.text
        counts.append(len(ctx.captured_queries))
    # Session, user, interview count, activity, trend, mastery, due, forecast, the plan, weakest,
    # the topics' questions, the cards, the form's companies (no interview page: there are none).
    assert counts[0] == counts[1] == 13
    assert "You have practised 300 of the 300 published questions." in response.text
