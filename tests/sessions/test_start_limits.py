"""Starting interviews is rate-limited per address and per owner (429 with Retry-After, the form kept)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from sessions.models import InterviewSession

from .conftest import start, url
from .test_history import play

pytestmark = pytest.mark.django_db

# On a ten-minute boundary, so the start windows line up with the test's clock.
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.20"


@pytest.fixture
def limits(settings):
    settings.PREPSITE_STARTS_PER_ADDRESS = 4
    settings.PREPSITE_STARTS_PER_OWNER = 3
    return settings


def post_start(client, address: str | None = None, **data):
    extra = {"REMOTE_ADDR": address} if address else {}
    return client.post("/interviews/start", {"count": 2, "seconds": 30, **data}, **extra)


def test_it_refuses_the_fifth_start_from_one_address_within_ten_minutes(limits, clock, bank):
    for _ in range(4):  # four different anonymous browsers on one network
        assert post_start(Client(REMOTE_ADDR=HOME)).status_code == 302
    clock.shift(timedelta(minutes=3))

    refused = post_start(Client(REMOTE_ADDR=HOME), topic="cnn", seconds=45)

    assert refused.status_code == 429
    assert refused["Retry-After"] == str(7 * 60)
    assert "You have started many interviews" in refused.text
    assert "try again in 7 minutes" in refused.text
    assert InterviewSession.objects.count() == 4


def test_the_refusal_page_keeps_the_chosen_options(limits, clock, bank):
    for _ in range(4):
        post_start(Client(REMOTE_ADDR=HOME))

    html = post_start(Client(REMOTE_ADDR=HOME), topic="cnn", count=3, seconds=45).text

    assert '<option value="cnn" selected>' in html
    assert 'name="count" value="3"' in html and 'name="seconds" value="45"' in html
    assert 'action="/interviews/start"' in html


def test_another_address_can_still_start(limits, clock, bank):
    for _ in range(5):
        post_start(Client(REMOTE_ADDR=HOME))
    assert post_start(Client(REMOTE_ADDR=ELSEWHERE)).status_code == 302


def test_one_owner_is_limited_whatever_address_they_use(limits, clock, bank, alice):
    client = Client()
    client.force_login(alice)
    for i in range(3):
        assert post_start(client, f"192.0.2.{i}").status_code == 302
    refused = post_start(client, "192.0.2.50")
    assert refused.status_code == 429
    assert InterviewSession.objects.filter(user=alice).count() == 3


def test_starts_are_accepted_again_after_the_window(limits, clock, bank):
    for _ in range(5):
        post_start(Client(REMOTE_ADDR=HOME))
    clock.shift(timedelta(minutes=10))
    assert post_start(Client(REMOTE_ADDR=HOME)).status_code == 302


def test_retrying_low_scored_questions_counts_as_a_start(limits, clock, bank, alice_client):
    session = start(alice_client, count=2)
    play(alice_client, session, [1, 2])
    assert alice_client.post(url(session, "retry")).status_code == 302
    assert alice_client.post(url(session, "retry")).status_code == 302

    refused = alice_client.post(url(session, "retry"))

    assert refused.status_code == 429
    assert refused["Retry-After"] == str(10 * 60)
    assert f'action="/interviews/{session.pk}/retry"' in refused.text  # one click to try again later
    assert InterviewSession.objects.count() == 3
