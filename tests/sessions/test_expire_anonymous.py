"""manage.py expire_anonymous: what anonymous browsers left behind and never came back for is deleted."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sessions.models import Answer, InterviewSession, ReviewCard

from .conftest import start
from .test_history import play

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def expire(*args: str) -> str:
    out = io.StringIO()
    call_command("expire_anonymous", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def history(bank, alice_client, time_machine):
    """At T0 an anonymous browser (gone), another (comes back on day 10) and alice each do an interview."""
    time_machine.move_to(T0, tick=False)
    gone, back = Client(), Client()
    for client in (gone, back, alice_client):
        play(client, start(client, count=2), [2, 4])
    # (Within Django's two-week session age: later, the browser's token would be gone.)
    time_machine.move_to(T0 + timedelta(days=10), tick=False)
    start(back, count=1)  # unfinished, but it is activity
    tokens = {"gone": gone.session["candidate"], "back": back.session["candidate"]}
    time_machine.move_to(T0 + timedelta(days=31), tick=False)
    return tokens


def test_the_default_is_thirty_days(settings):
    assert settings.PREPSITE_ANONYMOUS_RETENTION_DAYS == 30


def test_it_deletes_a_browsers_interviews_answers_and_cards_after_thirty_quiet_days(history, alice):
    output = expire()

    assert not InterviewSession.objects.filter(anon_token=history["gone"]).exists()
    assert not ReviewCard.objects.filter(anon_token=history["gone"]).exists()
    assert Answer.objects.count() == 4  # the returning browser's two and alice's two
    assert "Deleted 1 anonymous interview (2 answers) and 2 review cards from 1 browser" in output


def test_it_keeps_everything_of_a_browser_that_came_back_recently(history):
    expire()
    assert InterviewSession.objects.filter(anon_token=history["back"]).count() == 2  # the old one too
    assert ReviewCard.objects.filter(anon_token=history["back"]).count() == 2


def test_it_never_touches_accounts(history, alice):
    expire("--days", "1")
    assert InterviewSession.objects.filter(user=alice).count() == 1
    assert ReviewCard.objects.filter(user=alice).count() == 2
    assert not InterviewSession.objects.filter(user=None).exists()


def test_a_dry_run_says_what_it_would_delete_and_deletes_nothing(history):
    output = expire("--dry-run")
    assert "Would delete 1 anonymous interview (2 answers) and 2 review cards from 1 browser" in output
    assert "inactive since 2026-11-03" in output
    assert InterviewSession.objects.count() == 4
    assert ReviewCard.objects.count() == 6


def test_days_can_be_chosen_on_the_command_line(history):
    expire("--days", "40")
    assert InterviewSession.objects.count() == 4


def test_the_default_comes_from_the_setting(history, settings):
    settings.PREPSITE_ANONYMOUS_RETENTION_DAYS = 5
    expire()
    assert not InterviewSession.objects.filter(user=None).exists()  # day 10 is more than 5 days before day 31


def test_answering_counts_as_activity(bank, time_machine):
    time_machine.move_to(T0, tick=False)
    client = Client()
    session = start(client, count=2)
    time_machine.move_to(T0 + timedelta(days=10), tick=False)
    play(client, session, [3, 3])  # started on day 0, answered on day 10
    time_machine.move_to(T0 + timedelta(days=35), tick=False)
    expire()
    assert InterviewSession.objects.filter(pk=session.pk).exists()


def test_it_refuses_a_retention_of_less_than_a_day(db):
    with pytest.raises(CommandError, match="at least 1"):
        expire("--days", "0")
