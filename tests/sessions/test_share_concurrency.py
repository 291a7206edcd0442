"""One live share link per interview, however many requests create one at once (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from sessions.models import ShareLink

from .conftest import make_bank, start, url
from .test_concurrency import browser_like, race
from .test_history import play

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def unrevoked(session):
    return ShareLink.objects.filter(session=session, revoked_at__isnull=True)


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_share_requests_leave_one_live_link():
    make_bank()
    client = Client()
    session = start(client, count=1)
    play(client, session, [3])

    responses = race(8, lambda i: browser_like(client).post(url(session, "share"), {"include_answers": "on"}))

    summary = f"/interviews/{session.pk}/summary"
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, summary)] * 8
    link = unrevoked(session).get()  # exactly one
    assert ShareLink.objects.live().get(session=session) == link
    assert f"/r/{link.token}/" in client.get(summary).text
    assert Client().get(f"/r/{link.token}/").status_code == 200


@pytest.mark.django_db
def test_the_database_refuses_a_second_unrevoked_link(alice_client, bank):
    session = start(alice_client, count=1)
    play(alice_client, session, [3])
    ShareLink.objects.create(session=session)
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareLink.objects.create(session=session)
    ShareLink.objects.create(session=session, revoked_at=T0)  # revoked ones can pile up


@pytest.mark.django_db
def test_an_expired_link_that_was_never_revoked_does_not_block_a_new_one(alice_client, bank, time_machine):
    time_machine.move_to(T0, tick=False)
    session = start(alice_client, count=1)
    play(alice_client, session, [3])
    alice_client.post(url(session, "share"), {"include_answers": "on", "expires_days": "1"})
    old = unrevoked(session).get()
    time_machine.move_to(T0 + timedelta(days=2), tick=False)

    response = alice_client.post(url(session, "share"), {"include_answers": "on"})

    assert response.status_code == 302
    old.refresh_from_db()
    assert old.revoked_at == T0 + timedelta(days=2)
    new = unrevoked(session).get()
    assert new != old and new.expires_at is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_only_the_newest_of_several_live_links():
    app = "interview_sessions"
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes(app)
    executor.migrate([(app, "0003_share_links")])
    try:
        old_apps = executor.loader.project_state([(app, "0003_share_links")]).apps
        interview = old_apps.get_model(app, "InterviewSession").objects.create(anon_token="t" * 20)
        links = old_apps.get_model(app, "ShareLink").objects
        for day in (1, 2, 3):
            links.create(session=interview, token=f"token-{day}", created=T0 + timedelta(days=day))
        links.create(session=interview, token="revoked", created=T0, revoked_at=T0)

        executor = MigrationExecutor(connection)
        executor.migrate(leaf)

        assert [link.token for link in unrevoked(interview.pk)] == ["token-3"]
        assert ShareLink.objects.filter(session=interview.pk).count() == 4
    finally:
        MigrationExecutor(connection).migrate(leaf)
