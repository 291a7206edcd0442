"""A candidate can keep only so many unfinished interviews; one more is refused with the form kept."""

from __future__ import annotations

import pytest
from django.test import Client

from sessions.models import InterviewSession

from .conftest import make_bank, start, url
from .test_concurrency import browser_like, race
from .test_history import play


@pytest.fixture
def cap(settings):
    settings.PREPSITE_MAX_UNFINISHED_INTERVIEWS = 2
    return settings


def test_the_default_cap_is_twenty(settings):
    assert settings.PREPSITE_MAX_UNFINISHED_INTERVIEWS == 20


@pytest.mark.django_db
def test_it_refuses_one_more_and_points_to_the_unfinished_ones(cap, bank, alice_client):
    start(alice_client)
    start(alice_client)

    response = alice_client.post("/interviews/start", {"topic": "cnn", "count": 3, "seconds": 45})

    assert response.status_code == 400
    assert "You already have 2 unfinished interviews" in response.text
    assert "Pick up where you left off" in response.text  # the list, with Resume and Leave
    assert response.text.count(">Resume</a>") == 2
    assert '<option value="cnn" selected>' in response.text
    assert 'name="seconds" value="45"' in response.text
    assert InterviewSession.objects.count() == 2


@pytest.mark.django_db
def test_finishing_or_leaving_one_makes_room(cap, bank, alice_client):
    first = start(alice_client, count=1)
    second = start(alice_client, count=1)
    play(alice_client, first, [4])
    start(alice_client, count=1)
    alice_client.post(url(second, "abandon"))
    start(alice_client, count=1)
    assert InterviewSession.objects.active().count() == 2


@pytest.mark.django_db
def test_each_owner_has_their_own_cap(cap, bank, alice_client, bob):
    start(alice_client)
    start(alice_client)
    bob_client = Client()
    bob_client.force_login(bob)
    start(bob_client)
    start(Client())  # an anonymous browser
    assert InterviewSession.objects.count() == 4


@pytest.mark.django_db
def test_practising_the_low_scored_ones_again_respects_the_cap(cap, bank, alice_client):
    done = start(alice_client, count=2)
    play(alice_client, done, [1, 2])
    start(alice_client)
    start(alice_client)

    response = alice_client.post(url(done, "retry"), follow=True)

    assert response.status_code == 400
    assert "You already have 2 unfinished interviews" in response.text
    assert InterviewSession.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_cap_holds_when_starts_race(settings, django_user_model):
    settings.PREPSITE_MAX_UNFINISHED_INTERVIEWS = 3
    make_bank()
    alice = django_user_model.objects.create_user("alice", password="correct horse battery")
    client = Client()
    client.force_login(alice)

    statuses = race(
        8, lambda i: browser_like(client).post("/interviews/start", {"count": 2, "seconds": 30}).status_code
    )

    assert sorted(statuses) == [302] * 3 + [400] * 5, statuses
    assert InterviewSession.objects.filter(user=alice).count() == 3
