"""The admin's YAML import keeps a previewed file in the database until its uploader confirms it.

So any app server can take the Confirm, a confirm imports once, and previews
that are never confirmed do not pile up.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from questions.models import PendingImport, Question
from tests.conftest import TAXONOMY

IMPORT = "/admin/questions/question/import/"
NEW = (
    "questions:\n  - slug: stride\n    prompt: What does stride do?\n    level: entry\n    topics: [cnn]\n"
    "    answer: Step size.\n    key_points: [Step of the filter]\n"
)


def upload(client: Client, text: str = NEW, name: str = "new.yaml"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, text.encode(), "application/x-yaml")})


def confirm(client: Client, token: str):
    return client.post(IMPORT, {"token": token, "confirm": "1"}, follow=True)


def logged_in(user) -> Client:
    """A browser of its own: another session, as if on another app server."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_superuser("alice", "alice@example.org", "x" * 12)


@pytest.fixture
def bob(django_user_model):
    """Another curator, allowed to import."""
    user = django_user_model.objects.create_user("bob", password="x" * 12, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="import_questions"))
    return user


@pytest.mark.django_db
def test_a_preview_keeps_the_uploaded_file_in_the_database(alice, small_bank):
    preview = upload(logged_in(alice))
    pending = PendingImport.objects.get()
    assert pending.token == preview.context["token"]
    assert bytes(pending.data) == NEW.encode()
    assert (pending.user, pending.name) == (alice, "new.yaml")
    assert pending.expires - pending.created == timedelta(hours=1)


@pytest.mark.django_db
def test_a_confirm_can_reach_another_app_server_than_the_preview(alice, small_bank, tmp_path, settings):
    token = upload(logged_in(alice)).context["token"]
    settings.BASE_DIR = tmp_path  # nothing of the preview is on this "server"'s disk

    response = confirm(logged_in(alice), token)

    assert "Imported new.yaml" in response.text
    assert Question.objects.filter(slug="stride").exists()
    assert not PendingImport.objects.exists()


@pytest.mark.django_db
def test_only_the_uploader_can_confirm_a_preview(alice, bob, small_bank):
    token = upload(logged_in(alice)).context["token"]

    response = confirm(logged_in(bob), token)

    assert "That import has expired" in response.text
    assert not Question.objects.filter(slug="stride").exists()
    assert PendingImport.objects.filter(token=token).exists()  # alice can still confirm it


@pytest.mark.django_db
def test_a_second_confirm_imports_nothing(alice, small_bank):
    client = logged_in(alice)
    token = upload(client).context["token"]
    confirm(client, token)
    Question.objects.filter(slug="stride").delete()

    response = confirm(client, token)

    assert "That import has expired" in response.text
    assert not Question.objects.filter(slug="stride").exists()
    assert LogEntry.objects.filter(action_flag=ADDITION).count() == 1


@pytest.mark.django_db
def test_a_tampered_token_is_refused_without_an_error(alice, small_bank):
    upload(logged_in(alice))
    for token in ["", "short", "x" * 200, "a\x00" * 20, "' OR 1=1 --"]:
        response = confirm(logged_in(alice), token)
        assert response.status_code == 200
        assert "That import has expired" in response.text


@pytest.mark.django_db
def test_a_preview_expires_after_an_hour(alice, small_bank, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = logged_in(alice)
    token = upload(client).context["token"]
    time_machine.shift(timedelta(minutes=61))

    response = confirm(client, token)

    assert "That import has expired" in response.text
    assert not Question.objects.filter(slug="stride").exists()


@pytest.mark.django_db
def test_expired_previews_are_deleted_by_clear_pending_imports(alice, small_bank, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    upload(logged_in(alice))
    time_machine.shift(timedelta(minutes=30))
    fresh = upload(logged_in(alice)).context["token"]
    time_machine.shift(timedelta(minutes=31))
    out = StringIO()

    call_command("clear_pending_imports", stdout=out)

    assert "Deleted 1 expired pending import(s)." in out.getvalue()
    assert list(PendingImport.objects.values_list("token", flat=True)) == [fresh]


@pytest.mark.django_db
def test_a_new_preview_deletes_expired_ones_of_everyone(alice, bob, small_bank, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    upload(logged_in(bob))
    upload(logged_in(alice))
    time_machine.shift(timedelta(hours=2))

    token = upload(logged_in(alice)).context["token"]

    assert list(PendingImport.objects.values_list("token", flat=True)) == [token]


@pytest.mark.django_db
def test_unconfirmed_previews_do_not_pile_up(alice, small_bank, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = logged_in(alice)
    tokens = []
    for _ in range(12):
        tokens.append(upload(client).context["token"])
        time_machine.shift(timedelta(seconds=1))

    kept = list(PendingImport.objects.values_list("token", flat=True))
    assert kept == tokens[::-1][: PendingImport.KEEP_PER_USER]
    assert "Imported" in confirm(client, tokens[-1]).text


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_confirms_import_once(django_user_model):
    alice = django_user_model.objects.create_superuser("alice", "alice@example.org", "x" * 12)
    client = logged_in(alice)
    token = upload(client, TAXONOMY + NEW).context["token"]
    barrier = threading.Barrier(2)

    def run(_: int) -> str:
        try:
            barrier.wait()
            return confirm(logged_in(alice), token).text
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        pages = list(pool.map(run, range(2)))

    assert sorted("Imported new.yaml" in page for page in pages) == [False, True]
    assert Question.objects.filter(slug="stride").count() == 1
    assert LogEntry.objects.filter(action_flag=ADDITION).count() == 1
