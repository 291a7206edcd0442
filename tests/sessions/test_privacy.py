"""Interviews are private: anyone else gets a 404, and accounts keep anonymous practice."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from sessions.models import Answer, InterviewSession

from .conftest import start, url

pytestmark = pytest.mark.django_db

PAGES = ["", "questions/1/", "summary"]
POSTS = ["questions/1/answer", "questions/1/score", "abandon", "retry"]


@pytest.fixture
def alices_interview(alice_client, bank):
    session = start(alice_client)
    alice_client.get(url(session))
    alice_client.post(url(session, "questions/1/answer"), {"answer": "alice's"})
    return session


@pytest.mark.parametrize("tail", PAGES)
def test_it_hides_other_peoples_interviews(alices_interview, bob, tail):
    other = Client()
    other.force_login(bob)
    assert other.get(url(alices_interview, tail)).status_code == 404
    assert Client().get(url(alices_interview, tail)).status_code == 404


@pytest.mark.parametrize("tail", POSTS)
def test_others_cannot_change_an_interview(alices_interview, bob, tail):
    other = Client()
    other.force_login(bob)
    assert other.post(url(alices_interview, tail), {"answer": "bob's", "score": "5"}).status_code == 404
    alices_interview.refresh_from_db()
    assert alices_interview.status == "active"
    assert list(Answer.objects.values_list("text", "score")) == [("alice's", None)]


def test_another_anonymous_browser_gets_a_404(client, bank):
    session = start(client)
    assert Client().get(url(session)).status_code == 404


def test_an_unknown_or_malformed_id_is_a_404(client, bank):
    assert client.get(f"/interviews/{uuid.uuid4()}/").status_code == 404
    assert client.get("/interviews/1/").status_code == 404


def test_interview_ids_are_random_uuids(client, bank):
    a, b = start(client), start(client)
    assert a.pk.version == 4 and a.pk != b.pk


def test_signing_up_keeps_anonymous_interviews(client, bank, django_user_model):
    session = start(client)
    response = client.post(
        "/accounts/signup/",
        {
            "username": "carol",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    assert response.status_code == 302
    carol = django_user_model.objects.get(username="carol")
    session.refresh_from_db()
    assert (session.user, session.anon_token) == (carol, "")
    assert client.get(url(session)).status_code == 200


def test_logging_in_keeps_anonymous_interviews(client, bank, alice):
    session = start(client)
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct horse battery"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.user == alice
    assert client.get(url(session)).status_code == 200


def test_after_logging_out_the_interviews_stay_with_the_account(alice_client, bank):
    session = start(alice_client)
    alice_client.post("/accounts/logout/")
    assert alice_client.get(url(session)).status_code == 404


def test_signup_applies_django_password_validators(client, db, django_user_model):
    response = client.post(
        "/accounts/signup/", {"username": "dave", "password1": "short", "password2": "short"}
    )
    assert response.status_code == 200
    assert "too short" in response.text
    assert not django_user_model.objects.filter(username="dave").exists()


def test_every_post_needs_a_csrf_token(bank):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/interviews/start", {"count": 3, "seconds": 30}).status_code == 403
    assert not InterviewSession.objects.exists()


def test_state_changing_views_refuse_get(client, bank):
    session = start(client)
    for tail in POSTS:
        assert client.get(url(session, tail)).status_code == 405
    assert client.get("/interviews/start").status_code == 405
