"""One call for the interview code: a stored recording in, everything the feedback needs out.

``analyse`` reads the file through Django's default storage (so it works the
same on disk or on object storage), checks it really is audio of an allowed
length, transcribes it on this machine and measures the delivery and the key
points heard. It is slow (seconds: see docs/speech.md), so call it from a
background task, and it is pure: the same file gives the same ``Analysis``,
so a task that runs twice stores the same result twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.core.files.storage import Storage, default_storage

from speech import audio, delivery, keypoints
from speech.transcriber import Transcript, transcribe

# Bumped when the shape of Analysis.to_dict() changes, so stored results can be told apart.
ANALYSIS_VERSION = 1


@dataclass(frozen=True)
class Analysis:
    audio: audio.AudioInfo
    transcript: Transcript
    delivery: delivery.Delivery
    key_points: dict[int, str]  # {key point position: phrase as the candidate said it}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types for a JSONField: key point positions become strings, as JSON keys must."""
        return {
            "version": ANALYSIS_VERSION,
            "audio": asdict(self.audio),
            "transcript": self.transcript.to_dict(),
            "delivery": self.delivery.to_dict(),
            "summary": self.delivery.summary(),
            "key_points": {str(position): phrase for position, phrase in sorted(self.key_points.items())},
        }


def analyse(
    storage_name: str,
    *,
    key_points: Iterable[keypoints.KeyPointCues],
    seconds: float,
    max_seconds: float | None = None,
    storage: Storage | None = None,
) -> Analysis:
    """Analyse the recording stored as ``storage_name``.

    ``key_points``: (position, text, cues) for each of the question's key points.
    ``seconds``: the time the answer was given (used for the delivery figures).
    ``max_seconds``: the longest recording accepted (default ``seconds``; probe
    allows half a second over). Raises ``speech.audio.NotAudio`` or
    ``speech.audio.TooLong`` (both ValueError, with a message fit for the
    candidate) before any transcription, and OSError/FileNotFoundError if the
    file cannot be read. Retrying those will not help.
    """
    storage = storage or default_storage
    with storage.open(storage_name, "rb") as f:
        info = audio.probe(f, max_seconds=seconds if max_seconds is None else max_seconds)
        samples = audio.decode(f)
    transcript = transcribe(samples)
    return Analysis(
        audio=info,
        transcript=transcript,
        delivery=delivery.measure(transcript, seconds=seconds),
        key_points=keypoints.detect(transcript.text, key_points),
    )
