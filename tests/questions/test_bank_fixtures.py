"""The shipped deep-learning bank: valid, complete, and in our own words."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from questions import originality

from .conftest import SEEDS_ENV, require_seeds, seeds_dir

# Declared so that pytest-django sets the test database up even when this module runs alone:
# the module-wide ``bank`` fixture (conftest.py) reads it (for slugs already in the database).
pytestmark = pytest.mark.django_db

# Questions per guide in the seeds (../shared/seeds, or $PREPSITE_SEEDS_DIR; see its README).
GUIDE_SIZES = {
    "top-50-2026": 50,
    "faq-45": 45,
    "fundamentals-50": 50,
    "levels-30": 30,
    "common-63": 63,
}


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


# The opening is what is said in 30 seconds (test_bank_openings.py); the rest is detail to read,
# longest for system-design and behavioural answers, which walk through a structure.
MAX_ANSWER_WORDS = {"system-design": 450, "behavioural": 400}


def test_every_question_has_a_full_model_answer(bank):
    for slug, item in bank.items["questions"].items():
        q = item.data
        words = len(q["answer"].split())
        limit = max([MAX_ANSWER_WORDS.get(t, 350) for t in q["topics"]])
        assert 50 <= words <= limit, f"{slug}: answer has {words} words (at most {limit})"
        assert 3 <= len(q["key_points"]) <= 5, slug
        assert q.get("why_asked"), slug
        assert q.get("pitfall"), slug


# Cues so generic they would fire on almost any answer (the reveal would pre-tick the point for nothing).
GENERIC_CUES = {
    "it", "the model", "model", "models", "data", "training", "train", "network", "networks",
    "neural network", "layer", "layers", "weight", "weights", "loss", "function", "learning",
    "deep learning", "machine learning", "algorithm", "input", "output", "value", "values",
    "parameters", "example", "for example", "result", "results", "performance", "problem",
}  # fmt: skip


def test_every_key_point_of_the_bank_has_cues_a_candidate_would_say(bank):
    thin, generic, long = [], [], []
    for slug, item in bank.items["questions"].items():
        for position, point in enumerate(item.data["key_points"], start=1):
            cues = point["cues"]
            if len(cues) < 2:
                thin.append(f"{slug} #{position}")
            generic += [f"{slug} #{position}: {c!r}" for c in cues if c.casefold() in GENERIC_CUES]
            # Short phrases, not sentences (a formula said aloud is the longest: "one over one plus e...").
            long += [f"{slug} #{position}: {c!r}" for c in cues if len(c.split()) > 9]
    assert thin == [], "key points with fewer than 2 cues"
    assert generic == [], "cues that would match any answer"
    assert long == [], "cues that are sentences"


def test_no_run_of_twelve_words_is_copied_from_a_guide(bank, seeds):
    seeds = originality.seed_runs(seeds)
    copied = {}
    for slug, item in bank.items["questions"].items():
        points = item.data["key_points"]
        texts = [item.data["prompt"], item.data["answer"], *(p["text"] for p in points)]
        texts += [" ".join(p["cues"]) for p in points]
        texts += [item.data.get("why_asked", ""), item.data.get("pitfall", "")]
        texts += [t for f in item.data.get("follow_ups", []) for t in (f["question"], f["answer"])]
        hits = originality.copied_runs(texts, seeds)
        if hits:
            copied[slug] = hits
    assert copied == {}


def test_guide_sizes_match_the_seeds(seeds):
    numbered = {
        "top-50-2026": "000_*.txt",
        "faq-45": "001_*.txt",
        "levels-30": "003_*.txt",
    }
    for source, pattern in numbered.items():
        text = next(seeds.glob(pattern)).read_text(encoding="utf-8")
        numbers = {int(n) for n in re.findall(r"^(\d+)\. ", text, flags=re.M)}
        assert max(numbers) == GUIDE_SIZES[source], source


def test_the_originality_check_catches_a_copied_sentence():
    seeds = {tuple(originality.words("one two three four five six seven eight nine ten eleven twelve"))}
    assert originality.copied_runs(
        ["One, two; three four five six seven eight nine ten eleven twelve!"], seeds
    )
    assert not originality.copied_runs(["one two three four five six seven eight nine ten eleven"], seeds)


# --- finding the seeds ------------------------------------------------------------------------------


def test_the_seeds_are_found_through_prepsite_seeds_dir(monkeypatch, tmp_path):
    (tmp_path / "000_guide.txt").write_text("1. A question?\n", encoding="utf-8")
    monkeypatch.setenv(SEEDS_ENV, str(tmp_path))
    assert seeds_dir() == tmp_path
    assert require_seeds() == tmp_path


def test_without_seeds_the_tests_skip_saying_where_they_looked(monkeypatch, tmp_path):
    monkeypatch.setenv(SEEDS_ENV, str(tmp_path / "nowhere"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        require_seeds()
    assert f"not in {tmp_path / 'nowhere'}, which is $PREPSITE_SEEDS_DIR" in str(skipped.value)


def test_the_default_place_is_shared_seeds_beside_the_project(monkeypatch):
    from django.conf import settings

    monkeypatch.delenv(SEEDS_ENV, raising=False)
    assert seeds_dir() == settings.BASE_DIR.parent / "shared" / "seeds"


def test_on_ci_missing_seeds_fail_instead_of_skipping(monkeypatch, tmp_path):
    monkeypatch.setenv(SEEDS_ENV, str(tmp_path))  # exists, but holds no guide
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true and the seed guides"):
        require_seeds()
