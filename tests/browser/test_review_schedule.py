"""In the browser: a one-click review of what is due, each question saying how it went last time,
and the sentence that says when a scored question comes back."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from sessions import scheduling
from sessions.models import Answer, InterviewQuestion, InterviewSession, ReviewCard
from tests.sessions.conftest import make_bank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, site, user) -> None:
    """Give the browser ``user``'s session cookie (the log-in form has its own tests)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}])


def past_interview(user, questions, *, days_ago: int, score: int) -> None:
    """A finished interview ``days_ago`` days back, each answer scored ``score`` and reviewed then."""
    when = timezone.now() - timedelta(days=days_ago)
    session = InterviewSession.objects.create(user=user, status="finished", created=when, finished_at=when)
    for position, question in enumerate(questions, start=1):
        item = InterviewQuestion.objects.create(
            session=session, position=position, question=question, served_at=when
        )
        answer = Answer.objects.create(
            item=item, text="x", submitted_at=when, elapsed_ms=20_000, score=score, scored_at=when
        )
        scheduling.review(session=session, answer=answer, question_id=question.pk, now=when)
    due = ReviewCard.objects.filter(user=user, question__in=questions, due__lte=timezone.now())
    assert due.count() == len(questions)


def test_a_candidate_reviews_what_is_due_in_one_click(page, live_server, django_user_model):
    questions = make_bank(6)
    alice = django_user_model.objects.create_user("alice", password="correct horse battery")
    past_interview(alice, questions[:2], days_ago=5, score=2)
    signed_in(page, live_server.url, alice)

    page.goto(live_server.url + "/")
    expect(page.get_by_text("2 questions due for review now.")).to_be_visible()
    page.get_by_role("button", name="Review 2 due questions").click()

    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    expect(page.get_by_text("Review · last time you scored 2 Weak, 5 days ago")).to_be_visible()
    prompt = page.get_by_role("heading", level=1).inner_text()
    page.get_by_label("Your answer").fill("Better this time")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("heading", name="Model answer")).to_be_visible()
    expect(page.get_by_text("Review · last time you scored 2 Weak, 5 days ago")).to_be_visible()
    page.get_by_label("4 Solid").check()
    page.get_by_role("button", name="Next question").click()

    # The next question (an htmx swap) says when the first one comes back, and is a review too.
    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    back = rf"^Question 1 \({re.escape(prompt)}\) comes back for review in (about )?\d+ (day|week)s?\.$"
    expect(page.get_by_role("status").filter(has_text="comes back for review")).to_have_text(re.compile(back))
    expect(page.get_by_text("Review · last time you scored 2 Weak, 5 days ago")).to_be_visible()

    page.get_by_label("Your answer").fill("And this one")
    page.get_by_role("button", name="Submit answer").click()
    page.get_by_label("1 Missed it").check()
    page.get_by_role("button", name="Finish interview").click()
    expect(page.get_by_role("heading", name="Interview summary")).to_be_visible()
    back = r"^Question 2 \(.*\) comes back for review in about 1 hour\.$"
    expect(page.get_by_text(re.compile(back))).to_be_visible()

    page.goto(live_server.url + "/")
    expect(page.get_by_text(re.compile(r"^Next review in (about 1 hour|\d+ minutes)\.$"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Review .* due question"))).to_have_count(0)
