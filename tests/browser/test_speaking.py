"""A spoken answer in a real browser: Chromium's fake microphone plays espeak's voice into MediaRecorder."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from sessions.models import Answer
from tests.sessions.conftest import make_bank
from tests.speech.media import require_espeak, speak

from .conftest import CHROMIUM, LAUNCH_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAID = "The chain rule gives every gradient. It is applied from the loss back to every weight."


@pytest.fixture
def site(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    questions = make_bank(2)
    point = questions[0].key_points.get(position=1)
    # Cues that survive espeak's voice through tiny.en (shared/STACK.md): "every weight", "gradient".
    point.text, point.cues = "Uses the chain rule", ["chain rule", "every gradient", "every weight"]
    point.save()
    return live_server.url


@pytest.fixture
def microphone_page(playwright, tmp_path):
    """A browser whose microphone says SAID (looped), already allowed to use it."""
    wav = speak(SAID, tmp_path / "said.wav", espeak=require_espeak())
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            *LAUNCH_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}",
        ],
    )
    context = browser.new_context(permissions=["microphone"])
    yield context.new_page()
    context.close()
    browser.close()


def test_a_candidate_answers_aloud_and_sees_what_was_heard(microphone_page, site):
    page = microphone_page
    page.goto(site + "/")
    page.get_by_label("Questions", exact=True).fill("1")
    page.get_by_label("Topic").select_option("cnn")
    page.get_by_label("Speaking").check()
    page.get_by_role("button", name="Start interview").click()

    expect(page.get_by_role("button", name="Type instead")).to_be_visible()
    page.get_by_role("button", name="Start speaking").click()
    expect(page.get_by_role("button", name="Done speaking")).to_be_visible()
    expect(page.get_by_label("Microphone level")).to_be_visible()
    page.wait_for_timeout(6500)  # let the fake microphone say the sentence once
    page.get_by_role("button", name="Done speaking").click()

    expect(page.get_by_role("heading", name="Model answer")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Transcribing…")).to_be_visible()
    answer = Answer.objects.get()
    assert answer.is_spoken and answer.recording_format.endswith("opus")

    # The worker (the database queue, as `make run` runs it) does the transcription, not the web request.
    call_command("db_worker", "--batch", "--queue-name", "*", verbosity=0)

    expect(page.get_by_role("heading", name="Transcript")).to_be_visible()
    expect(page.locator(".transcript-text")).to_contain_text(re.compile(r"gradient", re.I), timeout=15_000)
    expect(page.get_by_text(re.compile(r"words per minute"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"detected: “"))).to_be_visible()
    expect(page.get_by_label("Uses the chain rule")).to_be_checked()

    player = page.get_by_label("Your recording")
    expect(player).to_be_visible()
    duration = page.evaluate(
        """() => new Promise(done => {
            const audio = document.querySelector('audio');
            if (audio.readyState >= 1) done(audio.duration);
            else audio.addEventListener('loadedmetadata', () => done(audio.duration));
        })"""
    )
    assert duration and duration > 1

    recording_url = page.evaluate("document.querySelector('audio').src")
    assert Client().get(recording_url.replace(site, "")).status_code == 404


def test_when_the_clock_reaches_zero_the_recording_stops_and_is_sent(microphone_page, site):
    page = microphone_page
    page.goto(site + "/")
    page.get_by_label("Questions", exact=True).fill("1")
    page.get_by_label("Seconds per answer").fill("10")
    page.get_by_label("Speaking").check()
    page.get_by_role("button", name="Start interview").click()
    page.get_by_role("button", name="Start speaking").click()
    expect(page.get_by_role("button", name="Done speaking")).to_be_visible()
    # Nobody presses Done speaking: at 0 the recording is sent by itself.
    expect(page.get_by_role("heading", name="Model answer")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Time ran out")).to_be_visible()
    answer = Answer.objects.get()
    assert answer.is_spoken and answer.ran_out


def test_without_a_microphone_the_candidate_is_told_and_can_type(page, site):
    # The ordinary test browser has no fake microphone and no permission to use one.
    page.goto(site + "/")
    page.get_by_label("Questions", exact=True).fill("1")
    page.get_by_label("Speaking").check()
    page.get_by_role("button", name="Start interview").click()
    page.get_by_role("button", name="Start speaking").click()
    expect(page.get_by_text(re.compile(r"Type your answer instead; the clock keeps running"))).to_be_visible()
    page.get_by_label("Your answer").fill("Typed after all")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("heading", name="Model answer")).to_be_visible()
    assert Answer.objects.get().text == "Typed after all"
