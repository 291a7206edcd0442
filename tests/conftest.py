from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.cache import cache

from questions.importer import import_paths

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SEEDS = REPO.parent / "shared" / "seeds"

TAXONOMY = """\
levels:
  - {slug: entry, name: Entry level, rank: 1}
  - {slug: senior, name: Senior, rank: 4}
topics:
  - {slug: training, name: Training}
  - {slug: cnn, name: Convolutional neural networks}
companies:
  - {slug: google, name: Google}
  - {slug: meta, name: Meta}
sources:
  - {slug: guide-a, title: Guide A}
  - {slug: guide-b, title: Guide B}
"""

QUESTIONS = """\
questions:
  - slug: backpropagation
    prompt: What is backpropagation?
    level: entry
    topics: [training]
    companies: [google, meta]
    answer: |
      Backpropagation applies the **chain rule** from the loss back to every weight.
    key_points:
      - Chain rule from the loss backwards
      - One backward pass costs about one forward pass
    why_asked: It is how every network learns.
    pitfall: Confusing it with the optimiser step.
    seen_in:
      - {source: guide-a, number: 8}
      - {source: guide-b, number: 3}
  - slug: pooling
    prompt: What does pooling do in a CNN?
    level: senior
    topics: [cnn]
    answer: Pooling downsamples feature maps.
    key_points: [Downsamples, Adds a little translation invariance]
    seen_in:
      - {source: guide-a, number: 33}
"""


# On the hour (and so on every ten-minute boundary): rate-limit windows line up with the tests' clock.
CLOCK_START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    """Time stands still at CLOCK_START until a test shifts it."""
    time_machine.move_to(CLOCK_START, tick=False)
    return time_machine


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters live in the cache: every test starts (and leaves) with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def write_yaml(tmp_path):
    """Write a YAML file (dedented) into a temporary folder and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def small_bank(db, write_yaml):
    """Two questions, two levels, two topics, two companies, two guides: imported."""
    taxonomy = write_yaml("00-taxonomy.yaml", TAXONOMY)
    questions = write_yaml("10-questions.yaml", QUESTIONS)
    bank, report = import_paths([taxonomy, questions])
    assert report is not None, [str(p) for p in bank.problems]
    return [taxonomy, questions]
