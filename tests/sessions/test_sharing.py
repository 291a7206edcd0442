"""Shareable, read-only reports of finished interviews."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sessions.models import ShareLink

from .conftest import make_bank, start, url
from .test_history import play

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def finished(alice_client, bank):
    session = start(alice_client, count=2, topic="cnn")
    play(alice_client, session, [4, 2], texts=["<script>alert('x')</script> my answer", "second answer"])
    session.refresh_from_db()
    assert session.status == "finished"
    return session


def share(client, session, **options) -> ShareLink:
    data = {"include_answers": "on", **options}
    client.post(url(session, "share"), {k: v for k, v in data.items() if v is not None})
    return ShareLink.objects.live().get(session=session)


def test_the_owner_creates_a_link_shown_in_a_read_only_field(alice_client, finished):
    link = share(alice_client, finished)
    html = alice_client.get(url(finished, "summary")).text
    assert '<label for="share-link">Share link</label>' in html
    assert f'<input id="share-link" type="text" readonly value="http://testserver/r/{link.token}/">' in html
    assert "Copy link" in html and "Revoke link" in html


def test_tokens_carry_at_least_128_random_bits_and_no_id(alice_client, finished):
    tokens = set()
    for _ in range(5):
        tokens.add(share(alice_client, finished).token)
    assert len(tokens) == 5
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
        assert len(base64.urlsafe_b64decode(token + "=")) * 8 >= 128
        assert str(finished.pk).replace("-", "") not in token


def test_only_one_link_is_live_and_a_new_one_replaces_the_old(alice_client, finished):
    old = share(alice_client, finished)
    new = share(alice_client, finished)
    assert Client().get(f"/r/{old.token}/").status_code == 404
    assert Client().get(f"/r/{new.token}/").status_code == 200


def test_the_report_needs_no_login_and_shows_the_interview(alice_client, finished):
    link = share(alice_client, finished)
    html = Client().get(f"/r/{link.token}/").text
    assert "Mock interview report" in html
    assert "60%" in html  # (4 + 2) / 10
    assert "CNNs" in html and "By topic" in html
    for item in finished.items.select_related("question"):
        assert item.question.prompt in html
    assert "4 Solid" in html and "key points covered 1/3" in html
    assert "second answer" in html and "Model answer" in html


def test_typed_html_is_shown_as_text(alice_client, finished):
    link = share(alice_client, finished)
    html = Client().get(f"/r/{link.token}/").text
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; my answer" in html


def test_leaving_answers_out_really_leaves_them_out(alice_client, finished):
    link = share(alice_client, finished, include_answers=None)
    anon = Client()
    for path in (f"/r/{link.token}/", f"/r/{link.token}/report.md", f"/r/{link.token}/report.json"):
        body = anon.get(path).content.decode()
        assert "my answer" not in body and "second answer" not in body
        assert "Answer 0" not in body  # nor the model answers
    assert "4 Solid" in anon.get(f"/r/{link.token}/").text


def test_the_name_is_shown_only_when_chosen(alice_client, finished):
    assert "alice" not in Client().get(f"/r/{share(alice_client, finished).token}/").text
    assert (
        "Mock interview report: alice"
        in Client().get(f"/r/{share(alice_client, finished, show_name='on').token}/").text
    )


def test_revoking_kills_the_link_at_once(alice_client, finished):
    link = share(alice_client, finished)
    alice_client.post(url(finished, "share/revoke"))
    assert Client().get(f"/r/{link.token}/").status_code == 404


def test_a_link_expires_after_the_chosen_days(alice_client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(alice_client, count=1)
    play(alice_client, session, [3])
    link = share(alice_client, session, expires_days="2")
    time_machine.move_to(T0 + timedelta(days=2) - timedelta(seconds=1), tick=False)
    assert Client().get(f"/r/{link.token}/").status_code == 200
    time_machine.move_to(T0 + timedelta(days=2, seconds=1), tick=False)
    assert Client().get(f"/r/{link.token}/").status_code == 404


def test_unknown_revoked_and_expired_tokens_get_the_same_404(alice_client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(alice_client, count=1)
    play(alice_client, session, [3])
    expired = share(alice_client, session, expires_days="1")
    revoked = share(alice_client, session)
    alice_client.post(url(session, "share/revoke"))
    expiring = share(alice_client, session, expires_days="1")
    time_machine.move_to(T0 + timedelta(days=3), tick=False)
    bodies = set()
    for token in ("x" * 43, revoked.token, expiring.token, expired.token):
        response = Client().get(f"/r/{token}/")
        assert response.status_code == 404
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        # Identical apart from the per-visitor CSRF token every page carries.
        bodies.add(re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode()))
    assert len(bodies) == 1


def test_report_headers_keep_it_out_of_search_engines_and_shared_caches(alice_client, finished):
    link = share(alice_client, finished)
    response = Client().get(f"/r/{link.token}/")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert '<meta property="og:title" content="Mock interview report: 60% on CNNs">' in response.text


def test_markdown_and_json_downloads(alice_client, finished):
    link = share(alice_client, finished)
    md = Client().get(f"/r/{link.token}/report.md")
    assert md["Content-Type"].startswith("text/markdown")
    text = md.content.decode()
    assert text.startswith("# Mock interview report")
    assert "- Overall score: 60%" in text
    assert "second answer" in text
    data = json.loads(Client().get(f"/r/{link.token}/report.json").content)
    assert data["score_percent"] == 60
    assert [q["score"] for q in data["questions"]] == [4, 2]
    assert data["questions"][1]["answer"] == "second answer"
    assert data["candidate"] is None


def test_the_report_costs_the_same_queries_for_any_length(alice_client, db):
    make_bank(25)
    counts = []
    for n in (2, 20):
        session = start(alice_client, count=n)
        play(alice_client, session, [3] * n)
        link = share(alice_client, session)
        with CaptureQueriesContext(connection) as ctx:
            Client().get(f"/r/{link.token}/")
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_only_the_owner_can_share_or_revoke(alice_client, bob, finished):
    other = Client()
    other.force_login(bob)
    assert other.post(url(finished, "share"), {"include_answers": "on"}).status_code == 404
    link = share(alice_client, finished)
    assert other.post(url(finished, "share/revoke")).status_code == 404
    assert Client().get(f"/r/{link.token}/").status_code == 200


def test_an_unfinished_interview_cannot_be_shared(alice_client, bank):
    session = start(alice_client, count=2)
    alice_client.post(url(session, "share"), {"include_answers": "on"})
    assert not ShareLink.objects.exists()
