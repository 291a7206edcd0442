"""One spoken answer per test session, in every format a browser records, shared by all speech tests.

espeak-ng and Whisper are the slow parts (about a second each on two cores),
so the clip is spoken once and transcribed once (``spoken_transcript``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.speech.media import FORMATS, pad_with_silence, require_espeak, speak, transcode

# What tiny.en makes of espeak's voice, measured: "Umm, can rule, uhh, give every gradient.
# Back propagation applies it from the lost back to every weight." -- fillers and "every
# gradient" survive; "chain rule" and "backpropagation" come back bent, which the key point
# tests rely on (see test_keypoints.py).
SPOKEN = (
    "Um, the chain rule, uh, gives every gradient. "
    "Backpropagation applies it from the loss back to every weight."
)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("speech-media")


@pytest.fixture(scope="session")
def spoken_wav(media_dir) -> Path:
    return speak(SPOKEN, media_dir / "answer.wav", espeak=require_espeak())


@pytest.fixture(scope="session")
def spoken(media_dir, spoken_wav) -> dict[str, Path]:
    """The answer as WAV, WebM/Opus (no duration in the header), Ogg/Opus and MP4/AAC."""
    files = {"wav": spoken_wav}
    for kind in FORMATS:
        files[kind] = transcode(spoken_wav, media_dir / f"answer.{kind}", kind)
    return files


@pytest.fixture(scope="session")
def hesitant_wav(media_dir, spoken_wav) -> Path:
    """The same answer after 3 s of silence (thinking) and with 2 s of silence at the end."""
    return pad_with_silence(spoken_wav, media_dir / "hesitant.wav", before_s=3.0, after_s=2.0)


@pytest.fixture(scope="session")
def spoken_transcript(spoken):
    from speech.transcriber import transcribe

    return transcribe(spoken["webm"])
