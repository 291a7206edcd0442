"""Coverage of the shipped bank: every level and topic has questions, and enough of them are hard.

These run on whatever is in fixtures/ at test time. They fail until the
questions for the taxonomy's newer topics (llms, retrieval, evaluation,
system-design, deployment, distributed-training, vision, debugging,
responsible-ml, behavioural, legacy) and more senior and research questions
have landed; they are deliberately not marked xfail.
"""

from __future__ import annotations

import math

import pytest

from .bankchecks import SENIOR_LEVELS, SENIOR_SHARE, senior_share, uncovered

pytestmark = pytest.mark.django_db


def test_every_level_and_topic_has_a_published_question(bank):
    missing = uncovered(bank)
    assert missing == {"levels": [], "topics": []}, (
        f"levels without a published question: {', '.join(missing['levels']) or 'none'}; "
        f"topics without a published question: {', '.join(missing['topics']) or 'none'}"
    )


def test_senior_and_research_questions_are_at_least_a_quarter_of_the_published_bank(bank):
    hard, total = senior_share(bank)
    # (hard + more) / (total + more) >= SENIOR_SHARE
    more = max(0, math.ceil((SENIOR_SHARE * total - hard) / (1 - SENIOR_SHARE)))
    assert total and hard / total >= SENIOR_SHARE, (
        f"{' and '.join(SENIOR_LEVELS)}: {hard} of {total} published questions ({hard / max(total, 1):.0%}); "
        f"need at least {SENIOR_SHARE:.0%}: another {more} at those levels, with the rest unchanged"
    )
