"""Bank-wide quality checks that hold now, on whatever is in fixtures/ at test time.

(The coverage checks that wait for questions being written are in test_bank_coverage.py.)
The checks themselves are tested here on small made-up banks, so a check that
silently passed everything would fail too.
"""

from __future__ import annotations

import pytest

from questions.bankformat import Bank, Item
from questions.curation import SIMILAR

from .bankchecks import near_duplicates, senior_share, uncovered

pytestmark = pytest.mark.django_db


def test_no_two_questions_of_the_bank_are_near_duplicates(bank):
    pairs = near_duplicates(bank)
    assert not pairs, (
        f"{len(pairs)} pair(s) of questions read almost the same (as the admin would warn); "
        "merge each pair into one question listing every guide in seen_in:\n" + "\n".join(pairs)
    )


# --- the checks, on made-up banks ------------------------------------------------------------------


def made_up(*questions: tuple[str, str, str, list[str], str], levels=(), topics=()) -> Bank:
    bank = Bank()
    for slug in levels:
        bank.items["levels"][slug] = Item("levels", {"slug": slug}, "00.yaml", 1)
    for slug in topics:
        bank.items["topics"][slug] = Item("topics", {"slug": slug}, "00.yaml", 1)
    for line, (slug, prompt, level, tags, status) in enumerate(questions, start=1):
        data = {"slug": slug, "prompt": prompt, "level": level, "topics": tags}
        if status:
            data["status"] = status
        bank.items["questions"][slug] = Item("questions", data, "10.yaml", line)
    return bank


def test_near_duplicates_are_found_with_the_admins_threshold_and_named_with_their_places():
    bank = made_up(
        ("relu", "What is ReLU and why is it popular?", "junior", ["a"], ""),
        ("relu-again", "Why is ReLU popular, and what is it?", "junior", ["a"], ""),
        ("dropout", "How does dropout regularise a network?", "mid", ["a"], ""),
    )
    pairs = near_duplicates(bank)
    assert len(pairs) == 1, pairs
    assert pairs[0].startswith(f"relu (10.yaml:1) ~ relu-again (10.yaml:2): 100% >= {SIMILAR}%")
    assert "'What is ReLU and why is it popular?'" in pairs[0]
    assert near_duplicates(made_up()) == []


def test_prompts_that_only_share_a_topic_are_not_duplicates():
    bank = made_up(
        ("relu", "What is ReLU and why is it popular?", "junior", ["a"], ""),
        ("gelu", "How does GELU differ from ReLU in transformers?", "junior", ["a"], ""),
    )
    assert near_duplicates(bank) == []


def test_coverage_counts_only_published_questions():
    bank = made_up(
        ("a", "Question a?", "junior", ["cnn"], ""),
        ("b", "Question b?", "senior", ["rnn"], "draft"),
        ("c", "Question c?", "research", ["cnn"], "published"),
        levels=["junior", "senior", "research"],
        topics=["cnn", "rnn", "llms"],
    )
    assert uncovered(bank) == {"levels": ["senior"], "topics": ["llms", "rnn"]}
    assert senior_share(bank) == (1, 2)
