"""The bank is meant to be said aloud: every opening paragraph fits in about 30 seconds.

Read straight from the YAML (every ``fixtures/bank/*.yaml``, so files added later are checked
too) rather than through the importer, so these checks do not depend on which fields the
importer knows about yet.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.conftest import FIXTURES

# About 30 seconds of speech at an interview pace (~160 words a minute), with room to breathe.
OPENING_MAX_WORDS = 80
BLANK_LINE = re.compile(r"\n[ \t]*\n")


def bank_files() -> list[Path]:
    return sorted((FIXTURES / "bank").glob("*.yaml"))


def bank_questions() -> list[tuple[str, dict]]:
    """(file name, question) for every question of every bank file."""
    found = []
    for path in bank_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found += [(path.name, q) for q in data.get("questions") or []]
    return found


def opening(answer: str) -> str:
    """The answer up to its first blank line: what a candidate says before any detail."""
    return BLANK_LINE.split(answer.strip(), maxsplit=1)[0]


def words(text: str) -> int:
    return len(text.split())


def test_the_bank_is_found():
    assert bank_files(), f"no bank files in {FIXTURES / 'bank'}"
    assert len(bank_questions()) >= 100


def test_opening_is_the_text_before_the_first_blank_line():
    assert opening("One two.\nThree.\n\nFour.") == "One two.\nThree."
    assert opening("Only one paragraph.\n") == "Only one paragraph."
    assert opening("First.\n   \nSecond.") == "First."  # a line of spaces is blank too


def test_every_opening_is_sayable_in_30_seconds():
    offenders = [
        f"{name}: {q['slug']}: {words(opening(q['answer']))} words"
        for name, q in bank_questions()
        if words(opening(q["answer"])) > OPENING_MAX_WORDS
    ]
    if offenders:
        print("\n".join([f"Openings over {OPENING_MAX_WORDS} words:", *offenders]))
    assert offenders == [], f"{len(offenders)} opening(s) over {OPENING_MAX_WORDS} words:\n" + "\n".join(
        offenders
    )
