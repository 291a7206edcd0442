"""Checks over a whole loaded bank (``questions.bankformat.Bank``): whatever is in fixtures/ at test time.

Kept apart from the tests so that ``test_bank_quality.py`` can check the checks
on small made-up banks, and ``test_bank_coverage.py`` can run them on the real one.
"""

from __future__ import annotations

from questions.bankformat import Bank, Item
from questions.curation import SIMILAR, PromptIndex
from questions.models import Question

# Levels whose share of the published bank is held to at least SENIOR_SHARE.
SENIOR_LEVELS = ("senior", "research")
SENIOR_SHARE = 0.25


def published(bank: Bank) -> list[Item]:
    return [
        item
        for item in bank.items["questions"].values()
        if item.data.get("status", Question.Status.PUBLISHED) == Question.Status.PUBLISHED
    ]


def near_duplicates(bank: Bank) -> list[str]:
    """Each pair of questions whose prompts the admin would flag as near duplicates, as a line.

    The admin's own check (``curation.PromptIndex``: rapidfuzz ``token_set_ratio``
    at ``curation.SIMILAR`` or more), run over the bank's prompts instead of the database's.
    """
    items = bank.items["questions"]
    index = PromptIndex([(n, slug, item.data["prompt"]) for n, (slug, item) in enumerate(items.items())])
    pairs: dict[tuple[str, str], float] = {}
    for slug, item in items.items():
        for match in index.similar(item.data["prompt"], exclude_slug=slug, limit=len(items)):
            pairs[tuple(sorted((slug, match.slug)))] = match.score
    lines = []
    for (a, b), score in sorted(pairs.items()):
        lines.append(
            f"{a} ({items[a].where()}) ~ {b} ({items[b].where()}): {score:.0f}% >= {SIMILAR}%\n"
            f"    {items[a].data['prompt']!r}\n    {items[b].data['prompt']!r}"
        )
    return lines


def uncovered(bank: Bank) -> dict[str, list[str]]:
    """Levels and topics the bank declares that no published question has (empty lists: all covered)."""
    questions = published(bank)
    levels = {item.data["level"] for item in questions}
    topics = {slug for item in questions for slug in item.data["topics"]}
    return {
        "levels": sorted(set(bank.items["levels"]) - levels),
        "topics": sorted(set(bank.items["topics"]) - topics),
    }


def senior_share(bank: Bank) -> tuple[int, int]:
    """(published senior or research questions, published questions)."""
    questions = published(bank)
    return sum(item.data["level"] in SENIOR_LEVELS for item in questions), len(questions)
