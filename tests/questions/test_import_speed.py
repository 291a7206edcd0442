"""How the importer reads and writes large banks: plain values in, one INSERT per table out.

(bench/importer.py measures it against loaddata; these hold the behaviour that makes it fast
and check that the fast paths store exactly what the format says.)
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.signals import pre_init
from django.test.utils import CaptureQueriesContext

from questions import importer
from questions.models import FollowUp, KeyPoint, Question, Sighting
from tests.conftest import CLOCK_START, QUESTIONS, TAXONOMY

pytestmark = pytest.mark.django_db


def bank_of(n: int, *, start: int = 0) -> str:
    lines = ["questions:"]
    for i in range(start, n):
        lines += [
            f"  - slug: q{i}",
            f"    prompt: Generated question {i}?",
            f"    level: {'entry' if i % 2 else 'senior'}",
            "    topics: [training, cnn]" if i % 3 else "    topics: [cnn]",
            "    companies: [google]",
            f"    answer: '**Answer** {i}.'",
            "    key_points:",
            f"      - {{text: Point one of {i}, cues: [one, 'first {i}']}}",
            f"      - Point two of {i}",
            "    follow_ups:",
            f"      - {{question: Why {i}?, answer: '*Because* {i}.'}}",
            "    seen_in:",
            f"      - {{source: guide-a, number: {i + 1}}}",
        ]
    return "\n".join(lines) + "\n"


def run(write_yaml, questions: str, name: str = "10.yaml") -> importer.Report:
    bank, report = importer.import_paths([write_yaml("00.yaml", TAXONOMY), write_yaml(name, questions)])
    assert report is not None, [str(p) for p in bank.problems]
    return report


def test_an_unchanged_reimport_reads_plain_values_and_builds_no_model_instances(write_yaml):
    run(write_yaml, bank_of(12))
    built = []

    def count(sender, **kwargs):
        built.append(sender.__name__)

    pre_init.connect(count)
    try:
        report = run(write_yaml, bank_of(12))
    finally:
        pre_init.disconnect(count)
    assert (len(report.created), len(report.updated), len(report.unchanged)) == (0, 0, 12)
    assert built == []


@pytest.mark.parametrize("n", [3, 30])
def test_the_queries_of_an_import_do_not_grow_with_the_bank(write_yaml, n):
    with CaptureQueriesContext(connection) as fresh:
        run(write_yaml, bank_of(n))
    with CaptureQueriesContext(connection) as again:
        run(write_yaml, bank_of(n))
    # Each of the five sections: a fixed handful of queries, whatever n is.
    assert len(fresh) <= 40, [q["sql"][:80] for q in fresh.captured_queries]
    assert len(again) <= 25, [q["sql"][:80] for q in again.captured_queries]


def test_new_rows_get_their_defaults_and_the_import_time(write_yaml, clock):
    run(write_yaml, QUESTIONS)
    pooling = Question.objects.get(slug="pooling")
    assert (pooling.created, pooling.updated) == (CLOCK_START, CLOCK_START)
    assert pooling.status == Question.Status.PUBLISHED  # the format's default
    assert (pooling.why_asked, pooling.pitfall) == ("", "")
    assert pooling.answer_html == "<p>Pooling downsamples feature maps.</p>"
    assert list(pooling.key_points.values_list("position", "text", "cues")) == [
        (1, "Downsamples", []),
        (2, "Adds a little translation invariance", []),
    ]
    assert [t.slug for t in pooling.topics.all()] == ["cnn"]

    clock.shift(timedelta(minutes=5))
    run(write_yaml, QUESTIONS.replace("Pooling downsamples feature maps.", "Pooling *downsamples*."))
    pooling.refresh_from_db()
    assert (pooling.created, pooling.updated) == (CLOCK_START, CLOCK_START + timedelta(minutes=5))
    assert Question.objects.get(slug="backpropagation").updated == CLOCK_START  # unchanged: left alone


def test_big_imports_read_whole_tables_and_find_the_same_changes(write_yaml, monkeypatch):
    monkeypatch.setattr(importer, "MAX_IN", 1)  # every query reads whole tables, as for 10,000 questions
    run(write_yaml, bank_of(6))
    # A question of the database that this import leaves out is neither counted nor touched.
    run(write_yaml, bank_of(7, start=6), "20.yaml")  # q6 alone, from another file
    assert Question.objects.count() == 7

    edited = (
        bank_of(6)
        .replace("Point two of 2", "Point 2 of 2")  # a key point
        .replace("[one, 'first 3']", "[one]")  # a cue
        .replace("number: 5}", "number: 50}")  # a sighting
        .replace("question 5?\n    level: entry", "question 5?\n    level: senior")  # a level
        .replace("Why 1?", "Why one?")  # a follow-up
    )
    report = run(write_yaml, edited)
    assert sorted(report.updated) == ["q1", "q2", "q3", "q4", "q5"]
    assert sorted(report.unchanged) == ["q0"]
    assert Question.objects.get(slug="q5").level.slug == "senior"
    assert Sighting.objects.get(question__slug="q4").number == 50
    assert KeyPoint.objects.get(question__slug="q3", position=1).cues == ["one"]
    assert FollowUp.objects.get(question__slug="q1").prompt == "Why one?"
    assert FollowUp.objects.get(question__slug="q1").answer_html == "<p><em>Because</em> 1.</p>"
    assert Question.objects.get(slug="q6").key_points.count() == 2
    assert run(write_yaml, edited).unchanged == [f"q{i}" for i in range(6)]
