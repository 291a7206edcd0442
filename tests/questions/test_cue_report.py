"""Curators see, per key point, which cues miss or misfire: detected by the cues versus ticked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from questions.curation import cue_report
from questions.models import KeyPoint, Question
from sessions.models import Answer, InterviewQuestion, InterviewSession

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def answer(question: Question, *, detected: dict, covered: list[int], scored: bool = True) -> Answer:
    """One answer to ``question`` in its own interview, as the reveal leaves it."""
    session = InterviewSession.objects.create(anon_token="someone")
    item = InterviewQuestion.objects.create(session=session, position=1, question=question, served_at=T0)
    return Answer.objects.create(
        item=item,
        text="x",
        elapsed_ms=1000,
        detected=detected,
        covered=covered,
        key_point_count=question.key_points.count(),
        score=3 if scored else None,
        scored_at=T0 if scored else None,
    )


@pytest.fixture
def backprop(small_bank) -> Question:
    question = Question.objects.get(slug="backpropagation")
    KeyPoint.objects.filter(question=question, position=1).update(cues=["chain rule", "partial derivatives"])
    KeyPoint.objects.filter(question=question, position=2).update(cues=["one forward pass"])
    return question


def test_each_key_point_counts_detected_kept_misfired_and_missed(backprop):
    # 1 detected and kept; 2 detected but unticked (a misfire).
    answer(backprop, detected={"1": "chain rule", "2": "forward pass"}, covered=[1])
    # 1 detected and kept; 2 ticked though no cue matched (missed by the cues).
    answer(backprop, detected={"1": "partial derivatives"}, covered=[1, 2])
    # 1 detected, unticked; 2 detected and kept.
    answer(backprop, detected={"1": "chain rule", "2": "one forward pass"}, covered=[2])
    # Nothing detected, nothing ticked.
    answer(backprop, detected={}, covered=[])

    report = cue_report(backprop)

    assert report.answers == 4
    first, second = report.points
    assert (first.position, first.cues) == (1, ["chain rule", "partial derivatives"])
    assert (first.ticked, first.detected, first.kept, first.misfired, first.missed) == (2, 3, 2, 1, 0)
    assert (second.ticked, second.detected, second.kept, second.misfired, second.missed) == (2, 2, 1, 1, 1)
    assert first.misfire_phrases == {"chain rule": 1}
    assert second.misfire_phrases == {"forward pass": 1}


def test_unscored_answers_and_other_questions_answers_do_not_count(backprop):
    answer(backprop, detected={"1": "chain rule"}, covered=[], scored=False)  # still in the reveal
    answer(Question.objects.get(slug="pooling"), detected={"1": "downsample"}, covered=[1])
    report = cue_report(backprop)
    assert report.answers == 0
    assert all(p.detected == p.ticked == 0 for p in report.points)


def test_odd_stored_values_are_ignored_rather_than_breaking_the_page(backprop):
    answer(backprop, detected={"1": "chain rule", "9": "gone", "x": "?"}, covered=[1, 9, "2"])
    first, second = cue_report(backprop).points
    assert (first.detected, first.kept) == (1, 1)
    assert (second.ticked, second.missed) == (1, 1)  # "2" read as position 2


@pytest.mark.parametrize("count", [2, 40])
def test_the_report_costs_the_same_queries_for_few_or_many_answers(
    backprop, count, django_assert_num_queries
):
    for n in range(count):
        answer(backprop, detected={"1": "chain rule"}, covered=[1] if n % 2 else [])
    with django_assert_num_queries(2):
        report = cue_report(backprop)
    assert report.points[0].detected == count


def test_the_change_page_shows_the_table(admin_client, backprop):
    answer(backprop, detected={"1": "chain rule", "2": "forward pass"}, covered=[1])
    answer(backprop, detected={}, covered=[2])

    html = admin_client.get(f"/admin/questions/question/{backprop.pk}/change/").text

    assert "How the cues do" in html
    assert "Over 2 scored answers." in html
    assert "misfire (detected, unticked)" in html
    row = html[html.index('<tr class="cue-point-2">') :]
    row = row[: row.index("</tr>")]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    assert cells == [
        "2",
        "One backward pass costs about one forward pass",
        "one forward pass",
        "1",  # ticked
        "1",  # detected
        "0",  # kept
        "1",  # misfire
        "1",  # missed by the cues
        "“forward pass” ×1",
    ]


def test_a_question_nobody_answered_says_so(admin_client, backprop):
    html = admin_client.get(f"/admin/questions/question/{backprop.pk}/change/").text
    assert "No scored answers yet." in html


def test_the_change_page_escapes_what_candidates_said(admin_client, backprop):
    answer(backprop, detected={"2": "<script>alert(1)</script>"}, covered=[])
    html = admin_client.get(f"/admin/questions/question/{backprop.pk}/change/").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
