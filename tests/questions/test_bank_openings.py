"""The bank is said aloud: openings fit in about 30 seconds, and every question has follow-ups.

Read straight from the YAML (every ``fixtures/bank/*.yaml``, so files added later are checked
too) rather than through the importer, so these checks do not depend on which fields the
importer knows about yet.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from questions import originality
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


# --- follow-ups: what the interviewer asks next -----------------------------------------------------


def test_every_question_has_a_follow_up():
    missing = [f"{name}: {q['slug']}" for name, q in bank_questions() if not q.get("follow_ups")]
    if missing:
        print("\n".join(["Questions without follow-ups:", *missing]))
    assert missing == [], f"{len(missing)} question(s) without follow-ups:\n" + "\n".join(missing)


def test_follow_ups_probe_further_instead_of_repeating_the_question():
    repeated = [
        f"{name}: {q['slug']}"
        for name, q in bank_questions()
        for follow_up in q.get("follow_ups") or []
        if " ".join(follow_up["question"].casefold().split()) == " ".join(q["prompt"].casefold().split())
    ]
    assert repeated == []


def test_no_run_of_twelve_words_in_a_follow_up_is_copied_from_a_guide(seeds):
    runs = originality.seed_runs(seeds)
    copied = {}
    for name, q in bank_questions():
        texts = [part for f in q.get("follow_ups") or [] for part in (f["question"], f["answer"])]
        hits = originality.copied_runs(texts, runs)
        if hits:
            copied[f"{name}: {q['slug']}"] = hits
    assert copied == {}
