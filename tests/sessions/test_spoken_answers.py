"""Answering by voice: the recording is the answer, kept once, private, and transcribed off the request."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from sessions.models import Answer, AnswerBy, InterviewSession
from tests.speech.media import require_espeak, speak, transcode

from .conftest import make_bank, start, url

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Nothing runs the queue here: the transcription itself is tested through the worker below.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "speech"]}
    }


@pytest.fixture(scope="module")
def webm(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("spoken")
    wav = speak("The chain rule gives every gradient.", folder / "a.wav", espeak=require_espeak())
    return transcode(wav, folder / "a.webm", "webm").read_bytes()


def upload(
    client: Client, session: InterviewSession, data: bytes, *, name: str = "answer.webm", headers=None
):
    recording = io.BytesIO(data)
    recording.name = name
    return client.post(
        url(session, "questions/1/answer"), {"answer": "", "recording": recording}, headers=headers
    )


def speaking_interview(client: Client) -> InterviewSession:
    session = start(client, answer_by="speaking")
    client.get(url(session))
    return session


def test_the_start_form_offers_answer_by_and_remembers_the_choice(client, bank):
    html = client.get("/").text
    assert "<legend>Answer by</legend>" in html
    assert 'value="typing"' in html and 'value="speaking"' in html
    session = speaking_interview(client)
    assert session.answer_by == AnswerBy.SPEAKING
    speaking = re.search(r'<input type="radio" name="answer_by" value="speaking"[^>]*>', client.get("/").text)
    assert "checked" in speaking.group()


def test_the_question_page_of_a_spoken_interview_has_the_speaking_controls(client, bank):
    html = client.get(url(speaking_interview(client))).text
    assert "Start speaking" in html and "Done speaking" in html and "Type instead" in html
    assert 'aria-label="Microphone level"' in html
    assert '<label for="answer-text">Your answer</label>' in html  # typing stays available


def test_practise_this_question_starts_a_one_question_interview(client, bank):
    question = bank[2]
    page = client.get(f"/questions/{question.slug}/").text
    assert "Practise this question" in page and "<legend>Answer by</legend>" in page
    response = client.post("/interviews/start", {"question": question.slug, "answer_by": "speaking"})
    session = InterviewSession.objects.get()
    assert response["Location"] == f"/interviews/{session.pk}/"
    assert [i.question_id for i in session.items.all()] == [question.pk]
    assert session.answer_by == "speaking"


def test_a_recording_is_stored_as_the_answer_and_queued_for_transcription(client, bank, webm):
    session = speaking_interview(client)
    response = upload(client, session, webm)
    assert response.status_code == 302
    answer = Answer.objects.get()
    assert answer.is_spoken and answer.transcription == "pending"
    assert answer.recording_format.endswith("/opus")
    assert 1.0 < answer.recording_seconds < 10
    assert default_storage.exists(answer.recording.name)
    reveal = client.get(url(session, "questions/1/")).text
    assert 'aria-label="Your recording"' in reveal
    assert "Transcribing…" in reveal and 'hx-trigger="load delay:1s"' in reveal


def test_a_second_upload_of_the_same_answer_changes_nothing_and_leaves_no_file(client, bank, webm, settings):
    session = speaking_interview(client)
    upload(client, session, webm)
    upload(client, session, webm)
    assert Answer.objects.count() == 1
    stored = list(Path(settings.MEDIA_ROOT).rglob("*.webm"))
    assert len(stored) == 1


def test_an_upload_that_is_not_audio_is_refused_and_stores_nothing(client, bank):
    session = speaking_interview(client)
    response = upload(client, session, b"<html>not a recording</html>" * 50, name="evil.webm", headers=HX)
    assert response.status_code == 409
    assert "is not a sound recording" in response.text
    assert not Answer.objects.exists()
    assert "Start speaking" in response.text  # the question and its clock are still there


def test_an_oversized_upload_is_refused(client, bank, monkeypatch):
    monkeypatch.setattr("sessions.forms.RECORDING_MAX_BYTES", 1000)
    session = speaking_interview(client)
    response = upload(client, session, b"\x1a\x45\xdf\xa3" + b"\x00" * 5000)
    assert response.status_code == 400
    assert "larger than" in response.text
    assert not Answer.objects.exists()


def test_a_recording_is_served_to_its_owner_only(client, bank, webm):
    session = speaking_interview(client)
    upload(client, session, webm)
    mine = client.get(url(session, "questions/1/recording"))
    assert mine.status_code == 200 and mine["Content-Type"] == "audio/webm"
    assert b"".join(mine.streaming_content) == webm
    assert Client().get(url(session, "questions/1/recording")).status_code == 404
    assert client.get(url(session, "questions/2/recording")).status_code == 404


def test_deleting_the_history_deletes_the_recordings(client, bank, webm, django_capture_on_commit_callbacks):
    session = speaking_interview(client)
    upload(client, session, webm)
    name = Answer.objects.get().recording.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/history/delete")
    assert not default_storage.exists(name)


@pytest.fixture
def database_queue(settings):
    """The queue `make run` uses: rows in the database, run by `manage.py db_worker`."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "speech"]}
    }


def run_worker() -> None:
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_worker_transcribes_with_the_real_model_and_the_reveal_fills_in(database_queue, webm):
    make_bank()
    client = Client()
    session = speaking_interview(client)
    point = session.items.get(position=1).question.key_points.get(position=1)
    # espeak's voice through tiny.en: "gradient" survives, "chain rule" often does not (shared/STACK.md).
    point.cues = ["every gradient", "partial derivatives"]
    point.save()
    upload(client, session, webm)
    polled = client.get(url(session, "questions/1/transcript"), headers=HX).text
    assert "Transcribing…" in polled and "hx-trigger" in polled

    run_worker()

    answer = Answer.objects.get()
    assert answer.transcription == "done"
    assert "gradient" in answer.transcript.lower()
    assert answer.delivery["word_count"] >= 4 and answer.delivery["words_per_minute"] > 0
    assert "gradient" in answer.detected["1"].lower(), answer.transcript  # heard, not typed
    polled = client.get(url(session, "questions/1/transcript"), headers=HX).text
    assert "hx-trigger" not in polled  # done: the polling stops
    assert "words per minute" in polled and "Time to first word" in polled
    assert 'hx-swap-oob="true"' in polled and "detected: “" in polled
    run_worker()  # running it again changes nothing
    assert Answer.objects.get().transcript == answer.transcript


@pytest.mark.django_db(transaction=True)
def test_a_transcription_that_cannot_be_done_offers_a_retry(database_queue, webm):
    make_bank()
    client = Client()
    session = speaking_interview(client)
    upload(client, session, webm)
    answer = Answer.objects.get()
    default_storage.delete(answer.recording.name)  # the file is gone: no try can succeed
    run_worker()
    assert Answer.objects.get().transcription == "failed"
    reveal = client.get(url(session, "questions/1/")).text
    assert "could not be transcribed" in reveal and "Try transcribing again" in reveal
    client.post(url(session, "questions/1/transcribe"))
    assert Answer.objects.get().transcription == "pending"


def test_the_transcript_is_in_the_summary_and_the_exports(client, bank, webm):
    session = speaking_interview(client)
    upload(client, session, webm)
    Answer.objects.update(transcription="done", transcript="the chain rule gives every gradient")
    assert "the chain rule gives every gradient" in client.get(url(session, "summary")).text
    assert "the chain rule gives every gradient" in client.get("/history/export.json").text
    assert "the chain rule gives every gradient" in client.get("/history/export.csv").content.decode()


def finished_spoken(client, webm) -> InterviewSession:
    session = start(client, count=1, answer_by="speaking")
    client.get(url(session))
    upload(client, session, webm)
    client.post(url(session, "questions/1/score"), {"score": 4})
    return session


def test_a_shared_report_plays_recordings_only_when_the_candidate_opts_in(client, bank, webm):
    session = finished_spoken(client, webm)
    assert "Include my recordings" in client.get(url(session, "summary")).text
    client.post(url(session, "share"), {"include_answers": "on"})
    token = session.share_links.get().token
    anyone = Client()
    assert "<audio" not in anyone.get(f"/r/{token}/").text
    assert anyone.get(f"/r/{token}/recordings/1").status_code == 404

    client.post(url(session, "share"), {"include_answers": "on", "include_recordings": "on"})
    token = session.share_links.live().get().token
    assert 'aria-label="Recording of answer 1"' in anyone.get(f"/r/{token}/").text
    played = anyone.get(f"/r/{token}/recordings/1")
    assert played.status_code == 200 and b"".join(played.streaming_content) == webm
    assert anyone.get(f"/r/{token}/recordings/2").status_code == 404
