"""speech.service.analyse: a stored recording in, a JSON-ready analysis out."""

from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from speech.audio import NotAudio, TooLong, decode, probe
from speech.service import analyse

KEY_POINTS = [
    (1, "Chain rule from the loss backwards", ["chain rule"]),
    (2, "Every weight gets its gradient", ["every weight"]),
    (3, "One backward pass costs about one forward pass", ["backward pass"]),
]


@pytest.fixture
def storage(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return FileSystemStorage(location=tmp_path)


def test_it_analyses_a_stored_browser_recording(storage, spoken):
    name = storage.save("answers/1.webm", ContentFile(spoken["webm"].read_bytes()))
    analysis = analyse(name, key_points=KEY_POINTS, seconds=60, storage=storage)
    assert analysis.audio.container == "webm" and analysis.audio.codec == "opus"
    assert "every weight" in analysis.transcript.text.lower()
    assert analysis.key_points[2].lower() == "every weight"
    assert 3 not in analysis.key_points  # never said
    assert analysis.delivery.filler_total >= 1
    data = analysis.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"version", "audio", "transcript", "delivery", "summary", "key_points"}
    assert data["key_points"]["2"].lower() == "every weight"
    assert data["summary"][0].startswith("Pace: ")


def test_it_uses_the_default_storage(settings, tmp_path, spoken):
    from django.core.files.storage import default_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("answers/2.ogg", ContentFile(spoken["ogg"].read_bytes()))
    assert (tmp_path / name).is_file()
    assert analyse(name, key_points=[], seconds=60).audio.container == "ogg"


def test_it_refuses_before_transcribing(storage, spoken, monkeypatch):
    import speech.service

    monkeypatch.setattr(speech.service, "transcribe", lambda audio: pytest.fail("transcribed"))
    text = storage.save("answers/3.webm", ContentFile(b"not audio at all"))
    with pytest.raises(NotAudio):
        analyse(text, key_points=KEY_POINTS, seconds=60, storage=storage)
    long = storage.save("answers/4.webm", ContentFile(spoken["webm"].read_bytes()))
    with pytest.raises(TooLong):
        analyse(long, key_points=KEY_POINTS, seconds=2, storage=storage)
    assert analyse.__defaults__ is None  # every option is keyword-only


def test_decode_gives_whisper_its_16khz_mono_samples(spoken):
    samples = decode(spoken["m4a"])
    assert samples.dtype.name == "float32" and samples.ndim == 1
    assert len(samples) / 16000 == pytest.approx(probe(spoken["wav"]).duration_s, abs=0.1)
    assert 0.01 < float(abs(samples).max()) <= 1.0
