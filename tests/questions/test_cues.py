"""Key point cues: in the YAML format, stored, exported, and edited in the admin."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from questions.bankformat import KEY_POINT, Phrases
from questions.exporter import bank_data, dump
from questions.models import KeyPoint, Level, Question, Topic
from tests.conftest import QUESTIONS

from .conftest import import_files, problems

pytestmark = pytest.mark.django_db

PLAIN_POINT = "      - Chain rule from the loss backwards\n"
assert PLAIN_POINT in QUESTIONS


def with_point(block: str) -> str:
    """The test bank with backpropagation's first key point replaced by ``block`` (lines 10 on)."""
    return QUESTIONS.replace(PLAIN_POINT, block)


WITH_CUES = with_point(
    "      - text: Chain rule from the loss backwards\n"
    "        cues: [chain rule, partial derivatives, 'backward pass']\n"
)


def test_a_key_point_may_be_plain_text_or_a_mapping_with_cues(write_yaml):
    import_files(write_yaml, WITH_CUES)
    points = list(Question.objects.get(slug="backpropagation").key_points.values_list("text", "cues"))
    assert points == [
        ("Chain rule from the loss backwards", ["chain rule", "partial derivatives", "backward pass"]),
        ("One backward pass costs about one forward pass", []),
    ]


def test_a_mapping_without_cues_is_the_same_as_plain_text(write_yaml):
    import_files(write_yaml, QUESTIONS)
    out = import_files(write_yaml, with_point("      - {text: Chain rule from the loss backwards}\n"))
    assert "Questions: 0 created, 0 updated, 2 unchanged" in out


def test_changing_only_the_cues_updates_the_question(write_yaml):
    import_files(write_yaml, QUESTIONS)
    out = import_files(write_yaml, WITH_CUES)
    assert "Questions: 0 created, 1 updated, 1 unchanged" in out
    assert KeyPoint.objects.get(text__startswith="Chain").cues[0] == "chain rule"
    assert "0 created, 0 updated, 2 unchanged" in import_files(write_yaml, WITH_CUES)


def test_cues_are_stripped(write_yaml):
    import_files(write_yaml, with_point("      - text: Chain rule\n        cues: ['  chain rule  ']\n"))
    assert KeyPoint.objects.get(text="Chain rule").cues == ["chain rule"]


BAD_CUES = {
    "too long": (
        "        cues: [chain rule, " + "c" * 61 + "]\n",
        11,
        "'cues': cue 2 'cccccccccccccccccccc'... is too long (61 characters; at most 60)",
    ),
    "empty": ("        cues: [chain rule, '  ']\n", 11, "'cues': cue 2 is empty"),
    "duplicate, ignoring case": (
        "        cues:\n          - chain rule\n          - partial derivatives\n          - Chain Rule\n",
        14,
        "'cues': cue 3 'Chain Rule' is listed twice (ignoring case)",
    ),
    "control character": (
        '        cues: ["chain\\x07rule"]\n',
        11,
        "'cues': cue 1 contains a control character (U+0007)",
    ),
    "not text": ("        cues: [chain rule, 42]\n", 11, "'cues': cue 2 must be text, not a number"),
    "nested list": ("        cues: [[chain rule]]\n", 11, "'cues': cue 1 must be text, not a list"),
    "not a list": ("        cues: chain rule\n", 11, "'cues' must be a list, not text"),
    "no cues": ("        cues: []\n", 11, "'cues' must list 1 to 8 cues, not 0"),
    "too many": (
        "        cues: [" + ", ".join(f"cue {n}" for n in range(9)) + "]\n",
        11,
        "'cues' must list 1 to 8 cues, not 9",
    ),
    "unknown key": ("        cue: [chain rule]\n", 11, "unknown key 'cue' (did you mean 'cues'?)"),
}


@pytest.mark.parametrize("case", BAD_CUES, ids=list(BAD_CUES))
def test_bad_cues_are_reported_with_file_and_line_and_nothing_is_written(case, write_yaml):
    cues, line, message = BAD_CUES[case]
    questions = with_point("      - text: Chain rule from the loss backwards\n" + cues)
    found = problems(write_yaml, questions)
    path = write_yaml("10.yaml", questions)
    expected = f"{path}:{line}: question 'backpropagation': key point: {message}"
    assert any(p.startswith(expected) for p in found), found

    with pytest.raises(CommandError):
        import_files(write_yaml, questions)
    assert not Question.objects.exists()


def test_a_key_point_mapping_needs_its_text(write_yaml):
    questions = with_point("      - cues: [chain rule]\n")
    path = write_yaml("10.yaml", questions)
    assert f"{path}:10: question 'backpropagation': key point: missing required field 'text'" in problems(
        write_yaml, questions
    )


def test_a_plain_key_point_is_reported_as_before(write_yaml):
    questions = with_point("      - '" + "k" * 301 + "'\n")
    path = write_yaml("10.yaml", questions)
    assert (
        f"{path}:10: question 'backpropagation': 'key_points' is too long (301 characters; at most 300)"
        in problems(write_yaml, questions)
    )


# --- export: cues as a mapping, plain text without ------------------------------------------------


def test_export_writes_a_point_with_cues_as_a_mapping_and_one_without_as_text(write_yaml):
    import_files(write_yaml, WITH_CUES)
    exported = next(q for q in bank_data()["questions"] if q["slug"] == "backpropagation")
    assert exported["key_points"] == [
        {
            "text": "Chain rule from the loss backwards",
            "cues": ["chain rule", "partial derivatives", "backward pass"],
        },
        "One backward pass costs about one forward pass",
    ]
    text = dump(bank_data())
    assert "  cues: [chain rule, partial derivatives, backward pass]\n" in text


def test_import_export_import_keeps_the_cues(write_yaml, tmp_path):
    import_files(write_yaml, WITH_CUES)
    before = bank_data()
    exported = tmp_path / "bank.yaml"
    call_command("export_questions", "-o", str(exported), stderr=StringIO())
    assert yaml.safe_load(exported.read_text(encoding="utf-8"))["questions"][0]["key_points"][0]["cues"] == [
        "chain rule",
        "partial derivatives",
        "backward pass",
    ]

    Question.objects.all().delete()
    call_command("import_questions", str(exported), stdout=StringIO())
    assert bank_data() == before
    out = StringIO()
    call_command("import_questions", str(exported), stdout=out)
    assert "Questions: 0 created, 0 updated, 2 unchanged" in out.getvalue()


# --- the admin: one cue per line, checked by the same rule ---------------------------------------


def test_the_rule_is_the_formats_one():
    cues = KEY_POINT.field("cues").type
    assert isinstance(cues, Phrases)
    assert (cues.max_length, cues.min_items, cues.max_items) == (60, 1, 8)


def post_question(admin_client, cues: str):
    data = {
        "slug": "new-one",
        "prompt": "A new question?",
        "status": "draft",
        "level": Level.objects.get(slug="entry").pk,
        "topics": [Topic.objects.get(slug="training").pk],
        "answer": "An answer.",
        "key_points-TOTAL_FORMS": "1",
        "key_points-INITIAL_FORMS": "0",
        "key_points-0-position": "1",
        "key_points-0-text": "Chain rule from the loss backwards",
        "key_points-0-cues": cues,
        "follow_ups-TOTAL_FORMS": "0",
        "follow_ups-INITIAL_FORMS": "0",
        "sightings-TOTAL_FORMS": "0",
        "sightings-INITIAL_FORMS": "0",
    }
    return admin_client.post("/admin/questions/question/add/", data)


def key_point_errors(response) -> str:
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "key_points")
    return " ".join(str(e) for errors in formset.formset.errors for e in errors.get("cues", []))


def test_cues_are_edited_one_per_line_in_the_admin(admin_client, small_bank):
    response = post_question(admin_client, "chain rule\r\n\r\n  partial derivatives, gradients \r\n")
    assert response.status_code == 302
    point = KeyPoint.objects.get(question__slug="new-one")
    assert point.cues == ["chain rule", "partial derivatives, gradients"]

    html = admin_client.get(f"/admin/questions/question/{point.question_id}/change/").text
    assert "key_points-0-cues" in html
    assert "chain rule\npartial derivatives, gradients</textarea>" in html


def test_no_cues_is_fine_in_the_admin(admin_client, small_bank):
    assert post_question(admin_client, "").status_code == 302
    assert KeyPoint.objects.get(question__slug="new-one").cues == []


@pytest.mark.parametrize(
    ("cues", "error"),
    [
        ("chain rule\nChain Rule", "Cue 2 'Chain Rule' is listed twice (ignoring case)."),
        ("c" * 61, "is too long (61 characters; at most 60)."),
        ("chain\x07rule", "Cue 1 contains a control character (U+0007)."),
        ("\n".join(f"cue {n}" for n in range(9)), "The cues must list 1 to 8 cues, not 9."),
    ],
    ids=["duplicate", "too long", "control character", "too many"],
)
def test_the_admin_refuses_the_cues_an_import_refuses(admin_client, small_bank, cues, error):
    response = post_question(admin_client, cues)
    assert response.status_code == 200
    assert error in key_point_errors(response)
    assert not Question.objects.filter(slug="new-one").exists()
