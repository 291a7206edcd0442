"""Starting a mock interview from the home page."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from questions.models import Question
from sessions.models import InterviewSession, Owner
from sessions.services import Filters, interview_start, pick_questions

from .conftest import start

pytestmark = pytest.mark.django_db


def test_the_home_page_offers_the_start_form_with_defaults(client, bank):
    html = client.get("/").text
    for label in ["Topic", "Level", "Company", "Questions", "Seconds per answer"]:
        assert f">{label}</label>" in html
    assert 'name="count" value="5"' in html
    assert 'name="seconds" value="30"' in html
    assert "Start interview" in html
    assert html.count(">Any</option>") == 3
    assert "6 published questions match" in html


def test_the_count_follows_the_filters(client, bank):
    response = client.get("/interviews/matching?topic=cnn", headers={"HX-Request": "true"})
    assert "3 published questions match" in response.text
    assert "<html" not in response.text


def test_zero_matches_says_so_and_creates_nothing(client, bank):
    Question.objects.update(status="draft")
    assert "No published question matches" in client.get("/interviews/matching").text
    response = client.post("/interviews/start", {"count": 3, "seconds": 30})
    assert response.status_code == 400
    assert "no interview was started" in response.text
    assert not InterviewSession.objects.exists()


def test_it_draws_distinct_matching_published_questions(client, bank):
    Question.objects.filter(slug="q0").update(status="draft")
    session = start(client, topic="cnn", count=5)
    slugs = [i.question.slug for i in session.items.select_related("question")]
    assert sorted(slugs) == ["q2", "q4"]  # every published CNN question, once each


def test_it_keeps_the_chosen_count_and_seconds(client, bank):
    session = start(client, count=4, seconds=45)
    assert session.items.count() == 4
    assert session.seconds_per_answer == 45


@pytest.mark.parametrize(("field", "value"), [("count", 0), ("count", 21), ("seconds", 9), ("seconds", 301)])
def test_out_of_range_settings_are_refused(client, bank, field, value):
    response = client.post("/interviews/start", {"count": 5, "seconds": 30, field: value})
    assert response.status_code == 400
    assert not InterviewSession.objects.exists()


def test_it_prefers_questions_not_seen_recently(client, bank):
    first = start(client, count=3)
    seen = set(first.items.values_list("question_id", flat=True))
    first.items.update(served_at=first.created)
    second = start(client, count=3)
    assert seen.isdisjoint(second.items.values_list("question_id", flat=True))


def test_seen_questions_still_fill_an_interview_when_nothing_fresh_is_left():
    picked = pick_questions([1, 2, 3], 3, avoid={1, 2}, rng=random.Random(4))
    assert picked[0] == 3
    assert sorted(picked) == [1, 2, 3]


def test_selection_reads_ids_only_once(bank, django_assert_max_num_queries):
    owner = Owner(token="t" * 20)
    # One more for the unfinished-interview cap's count, and on PostgreSQL one for its advisory lock.
    with django_assert_max_num_queries(7 + (connection.vendor == "postgresql")):
        interview_start(owner=owner, filters=Filters(), count=5, seconds=30)
