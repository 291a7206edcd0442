"""What is in an uploaded recording, found out from its bytes alone.

The browser's content type and the file name are the client's word and prove
nothing, so ``probe`` looks at the first bytes, picks the one demuxer that
matches, and decodes the audio to measure how long it really is.

Two choices worth knowing:

* FFmpeg's own format guessing is never used. It knows hundreds of formats,
  some of which (HLS playlists, ``concat`` lists) make FFmpeg open *other*
  files or URLs named inside the upload. We recognise the four containers a
  browser or phone records into by their magic bytes and open them with that
  demuxer only.
* The duration is measured by decoding, never read from the header. Chromium's
  MediaRecorder writes WebM with no duration at all, and a header that says
  "3 seconds" costs an attacker nothing. Decoding Opus is cheap (well under a
  second for a minute of speech) and stops as soon as the limit is passed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import av.error
import numpy as np

# Leeway over the limit before TooLong: encoders pad the last frame, and a
# recorder stopped by the same clock as the question lands a few ms over.
_TOLERANCE_S = 0.5


class NotAudio(ValueError):
    """The file is not a recording we can listen to. ``str(exc)`` is fit to show to the candidate."""


class TooLong(ValueError):
    """The recording is longer than the limit. ``seconds`` is how far decoding got (over the limit)."""

    def __init__(self, message: str, *, seconds: float, max_seconds: float) -> None:
        super().__init__(message)
        self.seconds = seconds
        self.max_seconds = max_seconds


@dataclass(frozen=True)
class AudioInfo:
    duration_s: float  # measured by decoding, rounded to milliseconds
    codec: str  # FFmpeg's decoder name: "opus", "aac", "pcm_s16le", "vorbis", "flac"...
    container: str  # from the magic bytes: "webm", "matroska", "ogg", "wav" or "mp4"


Source = str | os.PathLike[str] | BinaryIO

# (container name, FFmpeg demuxer) from the first bytes of the file.
_HEADER_BYTES = 64


def _sniff(head: bytes) -> tuple[str, str] | None:
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska, and WebM is a Matroska profile
        return ("webm" if b"webm" in head else "matroska"), "matroska"
    if head.startswith(b"OggS"):
        return "ogg", "ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav", "wav"
    if head[4:8] == b"ftyp":  # ISO base media: MP4/M4A (Safari's MediaRecorder, phones)
        return "mp4", "mp4"
    return None


def _read_head(source: Source) -> bytes:
    if isinstance(source, str | os.PathLike):
        with Path(source).open("rb") as f:
            return f.read(_HEADER_BYTES)
    position = source.tell()
    head = source.read(_HEADER_BYTES)
    source.seek(position)
    return head


def probe(source: Source, *, max_seconds: float | None = None) -> AudioInfo:
    """Check that ``source`` (a path or a binary file object, left where it was) is audio we can decode.

    Returns its measured duration, codec and container. Raises ``NotAudio`` for
    anything else (empty, text, an image, a video with no sound, a broken file)
    and ``TooLong`` as soon as decoding passes ``max_seconds`` (+0.5 s leeway).
    """
    try:
        head = _read_head(source)
    except OSError as exc:
        raise NotAudio("The recording could not be read.") from exc
    if not head:
        raise NotAudio("The recording is empty.")
    sniffed = _sniff(head)
    if sniffed is None:
        raise NotAudio("This is not a recording we can play (expected WebM, Ogg, WAV or MP4 audio).")
    container_name, demuxer = sniffed
    position = None if isinstance(source, str | os.PathLike) else source.tell()

    try:
        with av.open(source, mode="r", format=demuxer) as container:
            if not container.streams.audio:
                raise NotAudio("The file has no sound in it.")
            stream = container.streams.audio[0]
            codec = stream.codec_context.name
            seconds = 0.0
            for frame in container.decode(stream):
                if frame.sample_rate:
                    seconds += frame.samples / frame.sample_rate
                if max_seconds is not None and seconds > max_seconds + _TOLERANCE_S:
                    raise TooLong(
                        f"The recording is longer than {max_seconds:g} seconds.",
                        seconds=seconds,
                        max_seconds=max_seconds,
                    )
    except (av.error.FFmpegError, UnicodeDecodeError, EOFError) as exc:
        raise NotAudio("The recording is damaged or in a format we cannot decode.") from exc
    finally:
        if position is not None:
            source.seek(position)  # type: ignore[union-attr]

    if seconds <= 0:
        raise NotAudio("The recording has no sound in it.")
    return AudioInfo(duration_s=round(seconds, 3), codec=codec, container=container_name)


def decode(source: Source, *, sample_rate: int = 16000) -> np.ndarray:
    """The audio as mono float32 samples at ``sample_rate`` (what Whisper takes), from a
    source that ``probe`` has accepted. Opened with the demuxer its magic bytes name, never
    FFmpeg's guess; a file object is left where it was."""
    sniffed = _sniff(_read_head(source))
    if sniffed is None:
        raise NotAudio("This is not a recording we can play (expected WebM, Ogg, WAV or MP4 audio).")
    position = None if isinstance(source, str | os.PathLike) else source.tell()
    resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
    chunks = []
    try:
        with av.open(source, mode="r", format=sniffed[1]) as container:
            for frame in container.decode(container.streams.audio[0]):
                for resampled in resampler.resample(frame):
                    chunks.append(resampled.to_ndarray()[0])
            for resampled in resampler.resample(None):
                chunks.append(resampled.to_ndarray()[0])
    except (av.error.FFmpegError, IndexError) as exc:
        raise NotAudio("The recording is damaged or in a format we cannot decode.") from exc
    finally:
        if position is not None:
            source.seek(position)  # type: ignore[union-attr]
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, dtype=np.float32)
