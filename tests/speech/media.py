"""Real recordings for the speech tests and the benchmark, made on this machine.

espeak-ng speaks the text into a WAV; PyAV (the same FFmpeg that decodes
uploads) re-encodes it as a browser would record it: WebM/Opus like Chromium's
MediaRecorder (``live`` mode, so there is no duration in the header, as with a
real recording), Ogg/Opus like Firefox, MP4/AAC like Safari.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

# (FFmpeg muxer, encoder, sample rate, muxer options)
FORMATS = {
    "webm": ("webm", "libopus", 48000, {"live": "1"}),
    "ogg": ("ogg", "libopus", 48000, {}),
    "m4a": ("mp4", "aac", 44100, {}),
}


def require_espeak() -> str:
    """espeak-ng's path; skips the test without it, except in CI (.ci/run installs it)."""
    path = shutil.which("espeak-ng")
    if path is None:
        if os.environ.get("CI") == "true":
            raise RuntimeError("espeak-ng is missing in CI: .ci/run should have installed it")
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    return path


def speak(text: str, path: Path, *, words_per_minute: int = 150, espeak: str = "espeak-ng") -> Path:
    subprocess.run([espeak, "-s", str(words_per_minute), "-w", str(path), text], check=True)  # noqa: S603
    return path


def transcode(wav: Path, path: Path, kind: str) -> Path:
    """Re-encode ``wav`` as ``kind`` (a key of FORMATS) into ``path``."""
    muxer, encoder, rate, options = FORMATS[kind]
    with av.open(str(wav)) as source, av.open(str(path), "w", format=muxer, options=options) as out:
        stream = out.add_stream(encoder, rate=rate, layout="mono")
        resampler = av.AudioResampler(format=stream.codec_context.format, layout="mono", rate=rate)
        for frame in [*source.decode(audio=0), None]:
            for resampled in resampler.resample(frame):
                out.mux(stream.encode(resampled))
        out.mux(stream.encode(None))
    return path


def pad_with_silence(wav: Path, path: Path, *, before_s: float, after_s: float = 0.0) -> Path:
    """``wav`` with silence before and after (what a candidate thinking before speaking records)."""
    with av.open(str(wav)) as source:
        frames = list(source.decode(audio=0))
    first = frames[0]
    rate = first.sample_rate
    samples = np.concatenate([f.to_ndarray() for f in frames], axis=1)
    silence_before = np.zeros((samples.shape[0], int(before_s * rate)), dtype=samples.dtype)
    silence_after = np.zeros((samples.shape[0], int(after_s * rate)), dtype=samples.dtype)
    padded = np.concatenate([silence_before, samples, silence_after], axis=1)
    with av.open(str(path), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=rate, layout=first.layout.name)
        frame = av.AudioFrame.from_ndarray(padded, format=first.format.name, layout=first.layout.name)
        frame.sample_rate = rate
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path
