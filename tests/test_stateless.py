"""What several app servers behind a load balancer rely on (bench/cluster.py, docs/deploy.md).

An app server keeps nothing a candidate needs between requests: the session is
in the database, the clock is ``served_at`` in the database, a previewed admin
import waits in the database, and a recording goes through Django's storage API.
Each test plays "another server" with a fresh ``Client`` that shares only the
cookies, a cache that has never seen the first request, and (where a disk could
matter) another MEDIA_ROOT and BASE_DIR.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from questions.models import PendingImport, Question
from sessions.models import CANDIDATE_KEY, Answer, InterviewQuestion, InterviewSession
from tests.sessions.conftest import make_bank
from tests.speech.media import require_espeak, speak, transcode

pytestmark = pytest.mark.django_db

REMAINING = re.compile(r'data-remaining-ms="(-?\d+)"')


def another_server(first: Client) -> Client:
    """A browser's next request reaching another app server: only the cookies travel with it."""
    second = Client()
    for name, morsel in first.cookies.items():
        second.cookies[name] = morsel.value
    return second


def fresh_cache():
    """A cache no earlier request has written to (another server's memory, or an empty Redis)."""
    return override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fresh"}}
    )


def start_anonymous(client: Client, *, count: int = 3, seconds: int = 30) -> InterviewSession:
    response = client.post("/interviews/start", {"count": count, "seconds": seconds})
    assert response.status_code == 302, response.content
    return InterviewSession.objects.get(pk=response["Location"].split("/")[2])


def remaining_ms(html: str) -> int:
    return int(REMAINING.search(html).group(1))


def test_the_session_is_kept_in_the_database_not_in_a_processs_memory():
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert issubclass(store, DatabaseSessionStore)
    make_bank()
    first = Client()
    session = start_anonymous(first)
    key = first.cookies[settings.SESSION_COOKIE_NAME].value
    stored = Session.objects.get(session_key=key).get_decoded()
    assert stored[CANDIDATE_KEY] == session.anon_token

    with fresh_cache():
        second = another_server(first)
        assert second.get(f"/interviews/{session.pk}/").status_code == 200
        # A browser without that cookie is someone else, whatever server it reaches.
        assert Client().get(f"/interviews/{session.pk}/").status_code == 404


def test_a_candidate_can_alternate_servers_for_every_step_of_an_interview():
    make_bank()
    browsers = [Client()]
    session = start_anonymous(browsers[0], count=2)
    browsers.append(another_server(browsers[0]))
    for position in (1, 2):
        with fresh_cache():
            assert browsers[position % 2].get(f"/interviews/{session.pk}/").status_code == 200
        with fresh_cache():
            answered = browsers[(position + 1) % 2].post(
                f"/interviews/{session.pk}/questions/{position}/answer", {"answer": f"answer {position}"}
            )
            assert answered.status_code == 302
        with fresh_cache():
            scored = browsers[position % 2].post(
                f"/interviews/{session.pk}/questions/{position}/score", {"score": "4"}
            )
            assert scored.status_code == 302
    session.refresh_from_db()
    assert session.status == InterviewSession.Status.FINISHED
    assert list(Answer.objects.filter(item__session=session).values_list("text", "score")) == [
        ("answer 1", 4),
        ("answer 2", 4),
    ]


def test_the_clock_is_read_from_served_at_in_the_database(clock):
    make_bank()
    first = Client()
    session = start_anonymous(first, seconds=30)
    assert remaining_ms(first.get(f"/interviews/{session.pk}/").text) == 30_000
    item = InterviewQuestion.objects.get(session=session, position=1)
    served = item.served_at
    assert served is not None

    clock.shift(timedelta(seconds=10))
    with fresh_cache():
        second = another_server(first)
        # Another server, ten seconds later: the clock carries on, it does not start again.
        assert remaining_ms(second.get(f"/interviews/{session.pk}/").text) == 20_000
    item.refresh_from_db()
    assert item.served_at == served

    # Nothing else holds the clock: move served_at in the database and every server follows it.
    InterviewQuestion.objects.filter(pk=item.pk).update(served_at=served - timedelta(seconds=15))
    with fresh_cache():
        assert remaining_ms(another_server(first).get(f"/interviews/{session.pk}/").text) == 5_000
        another_server(first).post(f"/interviews/{session.pk}/questions/1/answer", {"answer": "late-ish"})
    answer = Answer.objects.get(item=item)
    assert answer.elapsed_ms == 25_000
    assert answer.elapsed_ms == (answer.submitted_at - (served - timedelta(seconds=15))) / timedelta(
        milliseconds=1
    )


IMPORT = "/admin/questions/question/import/"
NEW = (
    "questions:\n  - slug: stateless-check\n    prompt: What does a load balancer health check probe?\n"
    "    level: entry\n    topics: [cnn]\n    answer: Whether the server can serve.\n"
    "    key_points: [It asks the app itself]\n"
)


def test_a_previewed_import_waits_in_the_database_and_any_server_confirms_it(tmp_path, settings):
    make_bank()
    curator = User.objects.create_superuser("curator", "curator@example.org", "x" * 12)
    first = Client()
    first.force_login(curator)
    settings.MEDIA_ROOT = tmp_path / "server-a-media"
    preview = first.post(IMPORT, {"file": SimpleUploadedFile("new.yaml", NEW.encode(), "application/x-yaml")})
    token = preview.context["token"]
    assert bytes(PendingImport.objects.get(token=token).data) == NEW.encode()
    assert not any(tmp_path.rglob("*"))  # nothing of the upload was left on this server's disk

    settings.BASE_DIR = tmp_path / "server-b"
    settings.MEDIA_ROOT = tmp_path / "server-b-media"
    with fresh_cache():
        confirmed = another_server(first).post(IMPORT, {"token": token, "confirm": "1"})
    assert confirmed.status_code == 302
    assert Question.objects.filter(slug="stateless-check").exists()
    assert not PendingImport.objects.exists()


@pytest.fixture(scope="module")
def webm(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("stateless-spoken")
    wav = speak("The chain rule gives every gradient.", folder / "a.wav", espeak=require_espeak())
    return transcode(wav, folder / "a.webm", "webm").read_bytes()


def test_a_recording_goes_through_default_storage_not_a_local_path(webm, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "speech"]}
    }
    # Shared storage stand-in: if anything wrote to a path of its own, it would not land here.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    make_bank()
    first = Client()
    session = start_anonymous(first)
    InterviewSession.objects.filter(pk=session.pk).update(answer_by="speaking")
    first.get(f"/interviews/{session.pk}/")
    recording = io.BytesIO(webm)
    recording.name = "answer.webm"
    with fresh_cache():
        response = another_server(first).post(
            f"/interviews/{session.pk}/questions/1/answer", {"answer": "", "recording": recording}
        )
    assert response.status_code == 302
    answer = Answer.objects.get(item__session=session)
    assert answer.recording.name
    assert default_storage.exists(answer.recording.name)
    assert default_storage.open(answer.recording.name).read() == webm
    assert not (tmp_path / "media").exists()  # not on this server's disk
    with fresh_cache():
        served = another_server(first).get(f"/interviews/{session.pk}/questions/1/recording")
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == webm
