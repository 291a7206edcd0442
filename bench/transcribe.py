"""How fast answers are transcribed on this machine: `python bench/transcribe.py` (figures in docs/speech.md).

Makes 10, 30 and 60 s spoken answers with espeak-ng (a paragraph repeated to
length, re-encoded as WebM/Opus like Chromium's MediaRecorder), then times
speech.audio.decode + speech.transcriber.transcribe, the path that
speech.service.analyse takes:

1. one answer at a time, for each length, at beam 5 (the default) and beam 1;
2. throughput with N = 1, 2, 4 answers of 30 s transcribed at once by threads
   sharing one model (CTranslate2 releases the GIL), with the model built as
   cpu_threads x num_workers = 2 x 1 (calls queue for the one worker, each
   uses both cores) and 1 x 2 (two calls in parallel, one core each);
3. the process's peak resident memory.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402, F401  (Django set up on a throw-away database)
import av  # noqa: E402
import numpy as np  # noqa: E402

from speech import transcriber  # noqa: E402
from speech.audio import decode, probe  # noqa: E402
from tests.speech.media import speak, transcode  # noqa: E402

PARAGRAPH = (
    "Backpropagation applies the chain rule from the loss back to every weight. "
    "Um, the forward pass stores the activations, and the backward pass, uh, multiplies the local "
    "gradients layer by layer. One backward pass costs about as much as one forward pass, so "
    "training a network is, like, three times the work of running it. "
)
LENGTHS = (10, 30, 60)
TMP = Path(tempfile.mkdtemp(prefix="prepsite-bench-speech-"))


def answer_of(seconds: int) -> Path:
    """A WebM/Opus answer of exactly ``seconds`` of espeak-ng speech (150 wpm)."""
    wav = speak(PARAGRAPH * (seconds // 15 + 1), TMP / f"long-{seconds}.wav")
    with av.open(str(wav)) as source:
        rate = source.streams.audio[0].sample_rate
        samples = np.concatenate([f.to_ndarray() for f in source.decode(audio=0)], axis=1)
    samples = samples[:, : seconds * rate]
    trimmed = TMP / f"answer-{seconds}.wav"
    with av.open(str(trimmed), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = rate
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return transcode(trimmed, TMP / f"answer-{seconds}.webm", "webm")


def use_model(cpu_threads: int, num_workers: int) -> float:
    """Swap the process's model for one built with these CTranslate2 settings; returns load seconds."""
    from faster_whisper import WhisperModel

    started = time.perf_counter()
    transcriber._model = WhisperModel(
        transcriber.model_location(),
        device="cpu",
        compute_type="int8",
        cpu_threads=cpu_threads,
        num_workers=num_workers,
        local_files_only=True,
    )
    return time.perf_counter() - started


def analyse_audio(path: Path, beam_size: int = transcriber.BEAM_SIZE) -> tuple[float, float, str]:
    started = time.perf_counter()
    samples = decode(path)
    decoded = time.perf_counter()
    text = transcriber.transcribe(samples, beam_size=beam_size).text
    return decoded - started, time.perf_counter() - started, text


def main() -> None:
    cores = os.cpu_count()
    print(f"# speech benchmark: {cores} cores, load average {os.getloadavg()[0]:.1f} at start")
    print(f"model: {transcriber.model_location()}")
    answers = {s: answer_of(s) for s in LENGTHS}
    for s, path in answers.items():
        size_kb = path.stat().st_size // 1024
        print(f"  {s} s answer: {size_kb} KB WebM/Opus, measured {probe(path).duration_s} s")

    load = use_model(cpu_threads=2, num_workers=1)
    print(f"\nmodel load: {load:.2f} s (cpu_threads=2, num_workers=1)")
    analyse_audio(answers[10])  # warm-up: first call initialises CTranslate2 and the VAD

    # The machine is shared (other test runs): each figure is the best and the median of 3.
    print("\n## one answer at a time (best / median of 3 runs)")
    print("| answer | beam | decode | wall | real-time factor | words |")
    print("| --- | --- | --- | --- | --- | --- |")
    for beam in (transcriber.BEAM_SIZE, 1):
        for s, path in answers.items():
            runs = sorted((analyse_audio(path, beam) for _ in range(3)), key=lambda run: run[1])
            decode_s, wall, text = runs[0]
            median = runs[1][1]
            words = len(text.split())
            print(
                f"| {s} s | {beam} | {decode_s:.2f} s | {wall:.2f} / {median:.2f} s "
                f"| {wall / s:.3f} / {median / s:.3f} | {words} |"
            )

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory so far (one model, one answer at a time): {peak_mb:.0f} MB")

    print("\n## throughput, 30 s answers transcribed at once by threads sharing one model (beam 5)")
    print("| cpu_threads x num_workers | N at once | wall | audio s per wall s | per answer (mean) |")
    print("| --- | --- | --- | --- | --- |")
    for cpu_threads, num_workers in ((2, 1), (1, 2)):
        use_model(cpu_threads, num_workers)
        analyse_audio(answers[10])
        for n in (1, 2, 4):
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=n) as pool:
                walls = [w for _, w, _ in pool.map(analyse_audio, [answers[30]] * n)]
            wall = time.perf_counter() - started
            print(
                f"| {cpu_threads} x {num_workers} | {n} | {wall:.2f} s | {30 * n / wall:.1f} "
                f"| {sum(walls) / n:.2f} s |"
            )

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory at the end: {peak_mb:.0f} MB (after 4 at once, two models loaded in turn)")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
