"""Benchmark: near-duplicate check of one prompt against a bank of 10,000 questions.

    DJANGO_DEBUG=1 .venv/bin/python bench/duplicates.py

Uses the real PromptIndex (rapidfuzz token_set_ratio) on 10,000 generated prompts
plus the shipped bank's prompts, and prints the time to build the index and the
median time of one check.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import ROOT  # noqa: E402  (sets up Django)

from questions.curation import PromptIndex  # noqa: E402

WORDS = (
    "gradient loss layer network attention token batch weight bias activation convolution pooling "
    "dropout optimiser learning rate embedding transformer recurrent memory training inference model"
).split()


def main() -> None:
    rng = random.Random(7)  # noqa: S311 (reproducible test data, not security)
    prompts = []
    for path in sorted((ROOT / "fixtures" / "bank").glob("*.yaml")):
        prompts += [q["prompt"] for q in yaml.safe_load(path.read_text())["questions"]]
    while len(prompts) < 10_000:
        prompts.append("What " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))) + "?")
    rows = [(i, f"q{i}", p) for i, p in enumerate(prompts)]
    started = time.perf_counter()
    index = PromptIndex(rows)
    build_ms = (time.perf_counter() - started) * 1000
    probes = [p.replace("What", "what") + " " for p in prompts[:50]]
    times, hits = [], 0
    for probe in probes:
        started = time.perf_counter()
        hits += bool(index.similar(probe))
        times.append((time.perf_counter() - started) * 1000)
    print(f"{len(rows):,} prompts: index built in {build_ms:.0f} ms")
    print(f"one near-duplicate check: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
    print(f"{hits}/{len(probes)} lightly edited copies were flagged")


if __name__ == "__main__":
    main()
