"""Follow-up questions: in the YAML format, stored, exported, documented and edited in the admin."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from questions import importer, markdown
from questions.bankformat import FOLLOW_UP, QUESTION, field_table
from questions.exporter import bank_data, dump
from questions.models import FollowUp, Level, Question, Topic
from tests.conftest import QUESTIONS, TAXONOMY

from .conftest import import_files, problems

pytestmark = pytest.mark.django_db

PITFALL = "    pitfall: Confusing it with the optimiser step.\n"
assert PITFALL in QUESTIONS
FOLLOW_UPS_LINE = 14  # the line of ``follow_ups:`` in the test bank; its entries start on line 15


def with_follow_ups(block: str) -> str:
    """The test bank with ``block`` (the follow_ups key and its entries) after backpropagation's pitfall."""
    return QUESTIONS.replace(PITFALL, PITFALL + block)


GOOD = with_follow_ups(
    "    follow_ups:\n"
    "      - question: What happens to the gradients in a very deep sigmoid network?\n"
    "        answer: |\n"
    "          They **vanish**: each layer multiplies them by a derivative below 0.25.\n"
    "          <script>alert(1)</script>\n"
    "      - {question: How would you check a hand-written backward pass?, "
    "answer: Compare it with finite differences.}\n"
)


def test_follow_ups_are_imported_in_order_with_their_answers_rendered_and_sanitised(write_yaml):
    import_files(write_yaml, GOOD)
    rows = list(
        Question.objects.get(slug="backpropagation").follow_ups.values_list(
            "position", "prompt", "answer", "answer_html"
        )
    )
    assert [r[:2] for r in rows] == [
        (1, "What happens to the gradients in a very deep sigmoid network?"),
        (2, "How would you check a hand-written backward pass?"),
    ]
    assert rows[0][2].startswith("They **vanish**")
    assert "<strong>vanish</strong>" in rows[0][3]
    assert "<script" not in rows[0][3]
    assert rows[1][3] == "<p>Compare it with finite differences.</p>"
    assert not Question.objects.get(slug="pooling").follow_ups.exists()


def test_follow_ups_are_optional_and_reimporting_changes_nothing(write_yaml):
    import_files(write_yaml, GOOD)
    assert "Questions: 0 created, 0 updated, 2 unchanged" in import_files(write_yaml, GOOD)


def test_changing_a_follow_up_updates_the_question_and_rerenders_its_answer(write_yaml):
    import_files(write_yaml, GOOD)
    edited = GOOD.replace("Compare it with finite differences.", "Compare it with *finite differences*.")
    assert "Questions: 0 created, 1 updated, 1 unchanged" in import_files(write_yaml, edited)
    second = FollowUp.objects.get(question__slug="backpropagation", position=2)
    assert second.answer_html == "<p>Compare it with <em>finite differences</em>.</p>"
    # Removing them all is a change too.
    assert "Questions: 0 created, 1 updated, 1 unchanged" in import_files(write_yaml, QUESTIONS)
    assert not FollowUp.objects.exists()


def test_reordering_follow_ups_is_a_change(write_yaml):
    import_files(write_yaml, GOOD)
    lines = GOOD.splitlines(keepends=True)
    start = lines.index("    follow_ups:\n") + 1
    first, second = lines[start : start + 4], lines[start + 4 : start + 5]  # 4 lines, then 1
    assert first[0].startswith("      - question: What") and second[0].startswith("      - {question: How")
    swapped = "".join(lines[:start] + second + first + lines[start + 5 :])
    assert "Questions: 0 created, 1 updated, 1 unchanged" in import_files(write_yaml, swapped)
    assert FollowUp.objects.get(position=1).prompt == "How would you check a hand-written backward pass?"


@pytest.mark.django_db(transaction=True)
def test_follow_up_answers_are_rendered_before_the_write_transaction_opens(write_yaml, monkeypatch):
    calls = []
    real = markdown.render

    def spy(text: str) -> str:
        calls.append((text[:8], connection.in_atomic_block))
        return real(text)

    monkeypatch.setattr(markdown, "render", spy)
    importer.import_paths([write_yaml("00.yaml", TAXONOMY), write_yaml("10.yaml", GOOD)])
    follow_up_calls = [c for c in calls if c[0] in {"They **v", "Compare "}]
    assert follow_up_calls == [("They **v", False), ("Compare ", False)]
    calls.clear()
    importer.import_paths([write_yaml("00.yaml", TAXONOMY), write_yaml("10.yaml", GOOD)])
    assert calls == []  # unchanged: nothing rendered again


BAD = {
    "not a list": (
        "    follow_ups: Why does it work?\n",
        FOLLOW_UPS_LINE,
        "'follow_ups' must be a list, not text",
    ),
    "not a mapping": (
        "    follow_ups:\n      - Why does it work?\n",
        15,
        "follow-up must be a mapping of keys to values, not text",
    ),
    "missing question": (
        "    follow_ups:\n      - answer: Because.\n",
        15,
        "follow-up: missing required field 'question'",
    ),
    "missing answer": (
        "    follow_ups:\n      - question: Why?\n",
        15,
        "follow-up: missing required field 'answer'",
    ),
    "question too long": (
        "    follow_ups:\n      - question: " + "w" * 300 + "?\n        answer: Because.\n",
        15,
        "follow-up: 'question' is too long (301 characters; at most 300)",
    ),
    "answer too long": (
        "    follow_ups:\n      - question: Why?\n        answer: " + "a" * 1_501 + "\n",
        16,
        "follow-up: 'answer' is too long (1501 characters; at most 1500)",
    ),
    "question not ending in ?": (
        "    follow_ups:\n      - question: Explain it.\n        answer: Because.\n",
        15,
        "follow-up: 'question' must end with '?'",
    ),
    "more than 3": (
        "    follow_ups:\n"
        + "".join(f"      - {{question: Why {n}?, answer: Because.}}\n" for n in range(4)),
        FOLLOW_UPS_LINE,
        "'follow_ups' must list at most 3 items, not 4",
    ),
    "control character in the question": (
        '    follow_ups:\n      - question: "Why\\x07?"\n        answer: Because.\n',
        15,
        "follow-up: 'question' contains a control character (U+0007)",
    ),
    "control character in the answer": (
        '    follow_ups:\n      - question: Why?\n        answer: "Be\\0cause."\n',
        16,
        "follow-up: 'answer' contains a control character (U+0000)",
    ),
    "unknown key": (
        "    follow_ups:\n      - question: Why?\n        answer: Because.\n        answers: More.\n",
        17,
        "follow-up: unknown key 'answers' (did you mean 'answer'?)",
    ),
    "slow markdown": (
        "    follow_ups:\n      - question: Why?\n        answer: '" + "[" * 40 + "'\n",
        16,
        "follow-up: 'answer' has a run of 40 '[' characters",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_follow_ups_are_reported_with_file_and_line_and_nothing_is_written(case, write_yaml):
    block, line, message = BAD[case]
    questions = with_follow_ups(block)
    found = problems(write_yaml, questions)
    path = write_yaml("10.yaml", questions)
    expected = f"{path}:{line}: question 'backpropagation': {message}"
    assert any(p.startswith(expected) for p in found), found

    with pytest.raises(CommandError):
        import_files(write_yaml, questions)
    assert not Question.objects.exists()


def test_three_follow_ups_are_fine(write_yaml):
    block = "    follow_ups:\n" + "".join(
        f"      - {{question: Why {n}?, answer: Because.}}\n" for n in range(3)
    )
    assert problems(write_yaml, with_follow_ups(block)) == []


# --- export and round trip -------------------------------------------------------------------------


def test_export_writes_follow_ups_as_mappings_and_leaves_them_out_when_empty(write_yaml):
    import_files(write_yaml, GOOD)
    exported = {q["slug"]: q for q in bank_data()["questions"]}
    assert exported["backpropagation"]["follow_ups"] == [
        {
            "question": "What happens to the gradients in a very deep sigmoid network?",
            "answer": "They **vanish**: each layer multiplies them by a derivative below 0.25.\n"
            "<script>alert(1)</script>\n",
        },
        {
            "question": "How would you check a hand-written backward pass?",
            "answer": "Compare it with finite differences.\n",
        },
    ]
    assert "follow_ups" not in exported["pooling"]
    keys = list(exported["backpropagation"])
    assert keys.index("pitfall") < keys.index("follow_ups") < keys.index("seen_in")


def test_import_export_import_keeps_the_follow_ups(write_yaml, tmp_path):
    import_files(write_yaml, GOOD)
    before = bank_data()
    rows = list(FollowUp.objects.values_list("position", "prompt", "answer", "answer_html"))
    exported = tmp_path / "bank.yaml"
    call_command("export_questions", "-o", str(exported), stderr=StringIO())
    assert len(yaml.safe_load(exported.read_text(encoding="utf-8"))["questions"][0]["follow_ups"]) == 2

    Question.objects.all().delete()
    assert not FollowUp.objects.exists()
    call_command("import_questions", str(exported), stdout=StringIO())
    assert bank_data() == before
    assert list(FollowUp.objects.values_list("position", "prompt", "answer", "answer_html")) == rows
    out = StringIO()
    call_command("import_questions", str(exported), stdout=out)
    assert "Questions: 0 created, 0 updated, 2 unchanged" in out.getvalue()
    assert dump(bank_data()) == exported.read_text(encoding="utf-8")


# --- the format, the model, the docs ---------------------------------------------------------------


def test_the_rule_is_the_formats_one():
    kind = QUESTION.field("follow_ups").type
    assert kind.item is FOLLOW_UP and kind.max_items == 3 and kind.rows.ordered
    question, answer = FOLLOW_UP.fields
    assert (question.name, question.attname, question.type.max_length, question.type.ends_with) == (
        "question",
        "prompt",
        300,
        "?",
    )
    assert (answer.name, answer.type.max_length, answer.type.markdown) == ("answer", 1_500, True)


def test_the_docs_table_lists_the_follow_up_fields():
    table = field_table()
    assert "| question | `follow_ups` | no | list of {question, answer} (at most 3) |" in table
    assert "| question | `follow_ups[].question` | yes | text ending in `?` | 300 characters |" in table
    assert "| question | `follow_ups[].answer` | yes | Markdown | 1,500 characters |" in table


def test_a_question_holds_one_follow_up_per_position(small_bank):
    question = Question.objects.get(slug="backpropagation")
    FollowUp.objects.create(question=question, position=1, prompt="Why?", answer="Because.")
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(question=question, position=1, prompt="How?", answer="So.")
    FollowUp.objects.create(question=question, position=2, prompt="How?", answer="*So*.")
    assert [f.prompt for f in question.follow_ups.all()] == ["Why?", "How?"]
    assert question.follow_ups.get(position=2).answer_html == "<p><em>So</em>.</p>"


# --- the admin: an inline on the question, checked by the same rules --------------------------------


def post_question(admin_client, **follow_up):
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
        "follow_ups-TOTAL_FORMS": "1",
        "follow_ups-INITIAL_FORMS": "0",
        "follow_ups-0-position": "1",
        "follow_ups-0-prompt": "Why does it vanish?",
        "follow_ups-0-answer": "Small **derivatives** multiply.",
        "sightings-TOTAL_FORMS": "0",
        "sightings-INITIAL_FORMS": "0",
    }
    data.update({f"follow_ups-0-{name}": value for name, value in follow_up.items()})
    return admin_client.post("/admin/questions/question/add/", data)


def test_follow_ups_are_edited_inline_in_the_admin(admin_client, small_bank):
    assert post_question(admin_client).status_code == 302
    follow_up = FollowUp.objects.get(question__slug="new-one")
    assert (follow_up.position, follow_up.prompt) == (1, "Why does it vanish?")
    assert follow_up.answer_html == "<p>Small <strong>derivatives</strong> multiply.</p>"
    html = admin_client.get(f"/admin/questions/question/{follow_up.question_id}/change/").text
    assert 'name="follow_ups-0-prompt"' in html
    assert 'name="follow_ups-MAX_NUM_FORMS" value="3"' in html


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("prompt", "w" * 300 + "?", "Ensure this value has at most 300 characters (it has 301)."),
        ("prompt", "Explain it.", "This text must end with '?'."),
        ("answer", "Be\x07cause.", "This text contains a control character (U+0007)."),
        ("answer", "a" * 1_501, "This text is too long (1501 characters; at most 1500)."),
        ("answer", "[" * 40, "This text has a run of 40 '[' characters"),
    ],
    ids=["long question", "no question mark", "control character", "long answer", "slow markdown"],
)
def test_the_admin_refuses_the_follow_ups_an_import_refuses(admin_client, small_bank, field, value, error):
    response = post_question(admin_client, **{field: value})
    assert response.status_code == 200
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "follow_ups")
    errors = [str(e) for form_errors in formset.formset.errors for e in form_errors.get(field, [])]
    assert any(e.startswith(error) for e in errors), errors
    assert not Question.objects.filter(slug="new-one").exists()
