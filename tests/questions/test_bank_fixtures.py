"""The shipped deep-learning bank: valid, complete, and in our own words."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from questions import originality
from questions.importer import load
from tests.conftest import FIXTURES, SEEDS

# Questions per guide in ../shared/seeds (see its README).
GUIDE_SIZES = {
    "top-50-2026": 50,
    "faq-45": 45,
    "fundamentals-50": 50,
    "levels-30": 30,
    "common-63": 63,
}


@pytest.fixture(scope="module")
def bank(django_db_blocker):
    with django_db_blocker.unblock():
        loaded = load([FIXTURES])
    assert loaded.ok, "\n".join(str(p) for p in loaded.problems)
    return loaded


def test_the_bank_imports_without_problems(bank):
    assert len(bank.items["questions"]) >= 100


def test_every_question_of_every_guide_is_covered_exactly_once(bank):
    seen = defaultdict(list)
    for item in bank.items["questions"].values():
        for sighting in item.data.get("seen_in", []):
            seen[sighting["source"]].append(sighting["number"])
    for source, size in GUIDE_SIZES.items():
        assert sorted(seen[source]) == list(range(1, size + 1)), source


def test_guides_that_repeat_a_question_are_merged(bank):
    merged = [q for q in bank.items["questions"].values() if len(q.data.get("seen_in", [])) >= 3]
    assert merged, "common questions should list every guide they appear in"


def test_every_question_has_a_full_model_answer(bank):
    for slug, item in bank.items["questions"].items():
        q = item.data
        words = len(q["answer"].split())
        assert 50 <= words <= 230, f"{slug}: answer has {words} words"
        assert 3 <= len(q["key_points"]) <= 5, slug
        assert q.get("why_asked"), slug
        assert q.get("pitfall"), slug


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is absent")
def test_no_run_of_twelve_words_is_copied_from_a_guide(bank):
    seeds = originality.seed_runs(SEEDS)
    copied = {}
    for slug, item in bank.items["questions"].items():
        texts = [item.data["prompt"], item.data["answer"], *item.data["key_points"]]
        texts += [item.data.get("why_asked", ""), item.data.get("pitfall", "")]
        hits = originality.copied_runs(texts, seeds)
        if hits:
            copied[slug] = hits
    assert copied == {}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is absent")
def test_guide_sizes_match_the_seeds():
    numbered = {
        "top-50-2026": "000_*.txt",
        "faq-45": "001_*.txt",
        "levels-30": "003_*.txt",
    }
    for source, pattern in numbered.items():
        text = next(SEEDS.glob(pattern)).read_text(encoding="utf-8")
        numbers = {int(n) for n in re.findall(r"^(\d+)\. ", text, flags=re.M)}
        assert max(numbers) == GUIDE_SIZES[source], source


def test_the_originality_check_catches_a_copied_sentence():
    seeds = {tuple(originality.words("one two three four five six seven eight nine ten eleven twelve"))}
    assert originality.copied_runs(
        ["One, two; three four five six seven eight nine ten eleven twelve!"], seeds
    )
    assert not originality.copied_runs(["one two three four five six seven eight nine ten eleven"], seeds)
