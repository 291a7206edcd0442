"""speech.transcriber: faster-whisper on this machine, the packaged tiny.en, loaded once."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from speech import transcriber
from speech.audio import probe
from speech.delivery import filler_counts
from speech.transcriber import FILLER_PROMPT, Transcript, Word, get_model, model_location, transcribe
from tests.speech.media import require_espeak, speak


def test_it_transcribes_a_browser_recording_with_word_timings(spoken, spoken_transcript):
    text = spoken_transcript.text.lower()
    # What tiny.en reliably hears in espeak's voice (STACK.md); "chain rule" and
    # "backpropagation" come back bent at times, which test_keypoints.py covers.
    assert "every gradient" in text
    assert "every weight" in text
    assert spoken_transcript.language == "en"
    assert spoken_transcript.duration_s == pytest.approx(probe(spoken["webm"]).duration_s, abs=0.1)
    words = spoken_transcript.words
    assert len(words) >= 12
    assert all(isinstance(w, Word) and w.text == w.text.strip() and w.text for w in words)
    assert all(0 <= w.start <= w.end <= spoken_transcript.duration_s + 0.1 for w in words)
    assert [w.start for w in words] == sorted(w.start for w in words)


def test_it_hears_fillers(spoken_transcript):
    # espeak says "Um, the chain rule, uh, ..."; with the filler prompt tiny.en writes "Umm" and "uh".
    fillers = filler_counts(spoken_transcript)
    assert fillers.get("um", 0) + fillers.get("uh", 0) >= 1, spoken_transcript.text


def test_it_asks_whisper_for_fillers_and_word_timings(monkeypatch):
    import faster_whisper

    calls = []

    class FakePipeline:
        def __init__(self, model):
            self.model = model

        def transcribe(self, audio, **options):
            calls.append(options)
            return iter([]), type("Info", (), {"duration": 1.0, "language": "en"})()

    monkeypatch.setattr(transcriber, "_model", object())
    monkeypatch.setattr(faster_whisper, "BatchedInferencePipeline", FakePipeline)
    assert transcribe("answer.webm") == Transcript(text="", words=[], duration_s=1.0, language="en")
    (options,) = calls
    assert options["initial_prompt"] == FILLER_PROMPT
    assert "Umm" in FILLER_PROMPT and "hmm" in FILLER_PROMPT
    assert options["word_timestamps"] is True
    assert options["vad_filter"] is True
    assert options["vad_parameters"] == {"speech_pad_ms": 100}
    assert options["chunk_length"] == 15


def test_it_hears_nothing_in_silence():
    # Six seconds of a candidate thinking, as 16 kHz samples (transcribe() takes those too).
    # Without the VAD filter Whisper can invent words here; with it there are none.
    result = transcribe(np.zeros(6 * 16000, dtype=np.float32))
    assert result.words == []
    assert result.text == ""


def test_it_times_words_from_the_start_of_the_recording(hesitant_wav):
    # 3 s of silence, then speech: the first word must start near 3 s, not at 0.
    result = transcribe(hesitant_wav)
    assert 2.5 <= result.words[0].start <= 3.3


def test_it_keeps_every_part_of_a_long_answer(media_dir):
    # 30+ s without a pause: with the filler prompt and Whisper's no-speech skipping, this
    # once came back empty (speech/transcriber.py, VAD_PARAMETERS).
    paragraph = (
        "Backpropagation applies the chain rule from the loss back to every weight. "
        "Um, the forward pass stores the activations, and the backward pass, uh, multiplies the local "
        "gradients layer by layer. One backward pass costs about as much as one forward pass. "
    )
    wav = speak(paragraph * 2, media_dir / "long.wav", espeak=require_espeak())
    result = transcribe(wav)
    assert result.duration_s > 28
    assert len(result.words) >= 2 * 40 * 0.8  # 40 words a paragraph, allowing slips
    assert result.words[-1].end > result.duration_s - 5  # nothing dropped at the end
    assert result.words[0].start < 1  # ...or at the start


def test_it_loads_the_model_once_for_all_threads(monkeypatch):
    import faster_whisper

    built = []

    class SlowModel:
        def __init__(self, *args, **kwargs):
            time.sleep(0.05)
            built.append(kwargs)

    monkeypatch.setattr(transcriber, "_model", None)
    monkeypatch.setattr(faster_whisper, "WhisperModel", SlowModel)
    models = []
    threads = [threading.Thread(target=lambda: models.append(get_model())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1
    assert len({id(m) for m in models}) == 1
    assert built[0]["device"] == "cpu" and built[0]["compute_type"] == "int8"
    assert built[0]["local_files_only"] is True
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_it_uses_the_packaged_model_unless_told_otherwise(settings, tmp_path):
    settings.PREPSITE_WHISPER_MODEL = ""
    packaged = Path(model_location())
    assert (packaged / "model.bin").is_file()
    settings.PREPSITE_WHISPER_MODEL = str(tmp_path)
    assert model_location() == str(tmp_path)


def test_transcripts_round_trip_through_json():
    original = Transcript(
        text="Umm, hi.", words=[Word(0.0, 0.4, "Umm,"), Word(0.5, 0.8, "hi.")], duration_s=1.0
    )
    assert Transcript.from_dict(original.to_dict()) == original
