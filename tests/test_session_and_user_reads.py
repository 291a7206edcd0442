"""The browser's session and the signed-in user are read by hand-written SELECTs
(prepsite/session_store.py, prepsite/auth.py), and Django's rules still hold:
expired sessions are not read, logging out ends a session everywhere, a changed
password or a deactivated account signs the old sessions out.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def logged_in_client(username: str = "alice") -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def signed_in_as(client: Client) -> str | None:
    """The name the header shows, or None when the page is for an anonymous visitor."""
    html = client.get("/").text
    if "Log out alice" in html:
        return "alice"
    assert "Log in" in html
    return None


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD)


def test_logging_in_through_the_page_uses_the_fast_backend_and_reads_the_user(alice):
    client = logged_in_client()
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    stored = Session.objects.get(session_key=key).get_decoded()
    assert stored[BACKEND_SESSION_KEY] == "prepsite.auth.ModelBackend"
    assert signed_in_as(client) == "alice"


def test_logging_out_ends_the_session_for_a_copy_of_the_cookie_too(alice):
    client = logged_in_client()
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in_as(copy) == "alice"
    client.post("/accounts/logout/")
    assert signed_in_as(copy) is None


def test_an_expired_session_is_not_read(alice):
    client = logged_in_client()
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert signed_in_as(client) is None


def test_a_changed_password_signs_old_sessions_out(alice):
    client = logged_in_client()
    alice.set_password("another horse battery staple")
    alice.save()
    assert signed_in_as(client) is None


def test_a_deactivated_account_is_signed_out(alice):
    client = logged_in_client()
    alice.is_active = False
    alice.save()
    assert signed_in_as(client) is None


def test_a_deleted_account_is_signed_out(alice):
    client = logged_in_client()
    alice.delete()
    assert signed_in_as(client) is None
