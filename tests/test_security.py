"""Security by default: headers, CSRF, methods, hosts, login throttling, deploy checks, health."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError
from django.test import Client

from sessions.models import InterviewSession
from tests.conftest import REPO
from tests.sessions.conftest import start, url

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_content_security_policy(client, small_bank):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_page_has_inline_script(client, small_bank):
    for path in ["/", "/questions/", "/questions/backpropagation/", "/history/", "/accounts/login/"]:
        html = client.get(path).text
        assert "<script>" not in html and "onclick=" not in html, path


def test_framing_and_referrer_headers(client, db):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_forged_host_header_gets_400(db):
    assert Client(HTTP_HOST="evil.example.com").get("/").status_code == 400


STATE_CHANGING = [
    "/interviews/start",
    "/interviews/{pk}/questions/1/answer",
    "/interviews/{pk}/questions/1/score",
    "/interviews/{pk}/abandon",
    "/interviews/{pk}/retry",
    "/interviews/{pk}/share",
    "/interviews/{pk}/share/revoke",
    "/history/delete",
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/logout/",
]


@pytest.mark.parametrize("path", STATE_CHANGING)
def test_every_state_changing_view_refuses_a_post_without_csrf(bank_session, path):
    client, session = bank_session
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies  # the owner's own browser, minus the token
    response = strict.post(
        path.format(pk=session.pk), {"answer": "x", "score": "3", "count": 3, "seconds": 30}
    )
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.status == "active"
    assert not session.items.filter(answer__isnull=False).exists()


@pytest.mark.parametrize(
    "path",
    [p for p in STATE_CHANGING if "accounts" not in p and "history/delete" not in p],
)
def test_get_is_refused_where_post_is_required(bank_session, path):
    client, session = bank_session
    assert client.get(path.format(pk=session.pk)).status_code == 405


@pytest.fixture
def bank_session(client, db):
    from tests.sessions.conftest import make_bank

    make_bank()
    session = start(client)
    client.get(url(session))
    return client, session


def test_extra_post_fields_cannot_set_owner_or_deadline(client, django_user_model, db):
    from tests.sessions.conftest import make_bank

    make_bank()
    mallory = django_user_model.objects.create_user("mallory", password="a long enough passphrase")
    response = client.post(
        "/interviews/start",
        {"count": 2, "seconds": 30, "user": mallory.pk, "anon_token": "x", "status": "finished", "id": "1"},
    )
    session = InterviewSession.objects.get(pk=response["Location"].split("/")[2])
    assert session.user is None and session.anon_token != "x" and session.status == "active"


# --- login throttling ---------------------------------------------------------------------


def test_repeated_failed_logins_are_throttled_then_cool_off(client, django_user_model, time_machine):
    time_machine.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False)
    django_user_model.objects.create_user("victim", password="the right passphrase")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "victim", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "victim", "password": "the right passphrase"})
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.text
    time_machine.shift(timedelta(minutes=16))
    ok = client.post("/accounts/login/", {"username": "victim", "password": "the right passphrase"})
    assert ok.status_code == 302


def test_the_admin_login_is_throttled_too(client, django_user_model):
    django_user_model.objects.create_superuser("boss", password="the right passphrase")
    for _ in range(5):
        client.post("/admin/login/", {"username": "boss", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "boss", "password": "the right passphrase"})
    assert response.status_code == 429


def test_passwords_need_twelve_characters(client, django_user_model):
    response = client.post(
        "/accounts/signup/", {"username": "dan", "password1": "k7#Lm9!qZx2", "password2": "k7#Lm9!qZx2"}
    )
    assert "at least 12 characters" in response.text
    assert not django_user_model.objects.filter(username="dan").exists()


# --- deployment -------------------------------------------------------------------------------


def test_check_deploy_is_clean_with_the_production_environment():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x7!" * 20 + "production-secret-for-the-deploy-check",
        ALLOWED_HOSTS="prep.example.org",
        CSRF_TRUSTED_ORIGINS="https://prep.example.org",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env["DJANGO_DEBUG"] = "0"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_healthz_reports_the_database(client, db, monkeypatch):
    assert client.get("/healthz").status_code == 200

    def broken(*args, **kwargs):
        raise DatabaseError("down")

    from django.db import connection

    monkeypatch.setattr(connection, "cursor", broken)
    assert client.get("/healthz").status_code == 503
