"""Imports can never stall the site: hostile or careless input fails fast, with file, line and problem.

Every text field has a length cap, control characters are refused, Markdown
shapes that would render slowly are refused before anything is rendered, and
rendering happens before the write transaction opens.
"""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from questions import importer, markdown
from questions.bankformat import QUESTION
from questions.models import Question
from tests.conftest import FIXTURES, QUESTIONS, TAXONOMY

pytestmark = pytest.mark.django_db


def failing_import(*paths) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_questions", *[str(p) for p in paths], stdout=StringIO(), stderr=err)
    return err.getvalue()


def with_answer(answer: str) -> str:
    """QUESTIONS with pooling's answer replaced (a double-quoted YAML string, so escapes work)."""
    quoted = answer.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return QUESTIONS.replace("answer: Pooling downsamples feature maps.", f'answer: "{quoted}"')


# Pooling's "answer:" is on line 21 of QUESTIONS.
ANSWER_LINE = 21

PATHOLOGICAL = {
    "12,000 [": ("[" * 12_000, "a run of 12000 '[' characters"),
    "12,000 ![": ("![" * 6_000, "too many '[' in one paragraph"),
    "[ spread out": ("[a " * 5_000, "too many '[' in one paragraph"),
    "[ on every line": ("[\n" * 5_000, "too many '[' in one paragraph"),
    "[ after an unclosed fence": ("```\n" + "[a " * 5_000, "too many '[' in one paragraph"),
    "deep nested list": ("- " * 5_000 + "x", "nested more than 16 levels deep"),
    "deep indented list": ("".join("  " * i + "- x\n" for i in range(40)), "nested more than 16 levels deep"),
    "deep blockquote": ("> " * 5_000 + "x", "nested more than 16 levels deep"),
    "many *": ("*" * 10_000, "a run of 10000 '*' characters"),
    "many _": ("_" * 10_000, "a run of 10000 '_' characters"),
    "long run of <": ("<" * 10_000, "a run of 10000 '<' characters"),
    "< spread out": ("<b " * 5_000, "too many '<' in one paragraph"),
    "many backticks": ("`" * 10_000, "a run of 10000 '`' characters"),
}


@pytest.mark.parametrize("case", PATHOLOGICAL, ids=list(PATHOLOGICAL))
def test_it_refuses_markdown_that_would_render_slowly_fast_and_with_its_line(case, write_yaml):
    answer, message = PATHOLOGICAL[case]
    taxonomy = write_yaml("00.yaml", TAXONOMY)
    bad = write_yaml("10.yaml", with_answer(answer))
    started = time.perf_counter()

    stderr = failing_import(taxonomy, bad)

    assert f"{bad}:{ANSWER_LINE}: question 'pooling': 'answer' " in stderr
    assert message in stderr
    assert time.perf_counter() - started < 5  # generous; it takes milliseconds
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "shape",
    [
        "[" * 32 + "x " * 9_000,
        ("[a](b) " * 100 + "word " * 3_000),
        "<b " * 100 + "word " * 3_900,
        "\n\n".join("[" * 30 + "x" * 600 for _ in range(30)),
        "".join("  " * i + "- x\n" for i in range(8)) * 200,
        "> " * 16 + "x",
    ],
    ids=["run of 32 [", "100 links", "100 <", "30 paragraphs of [", "nested lists", "16 quotes"],
)
def test_the_worst_markdown_it_accepts_still_renders_quickly(shape):
    assert markdown.problem(shape) is None
    started = time.perf_counter()
    markdown.render(shape)
    assert time.perf_counter() - started < 2


CAPS = {
    "prompt": ("prompt: What does pooling do in a CNN?", "prompt: " + "p" * 1_001, 18, 1_000),
    "answer": ("answer: Pooling downsamples feature maps.", "answer: " + "a " * 10_001, 21, 20_000),
    "key point": (
        "key_points: [Downsamples, Adds a little translation invariance]",
        "key_points: [Downsamples, " + "k" * 301 + "]",
        22,
        300,
    ),
    "why asked": ("why_asked: It is how", "why_asked: " + "w" * 2_001 + " It is how", 12, 2_000),
    "pitfall": ("pitfall: Confusing", "pitfall: " + "p" * 2_001 + " Confusing", 13, 2_000),
    "level slug": ("level: senior", "level: " + "s" * 51, 19, 50),
}


@pytest.mark.parametrize("field", CAPS, ids=list(CAPS))
def test_every_text_field_has_a_length_cap(field, write_yaml):
    old, new, line, cap = CAPS[field]
    taxonomy = write_yaml("00.yaml", TAXONOMY)
    bad = write_yaml("10.yaml", QUESTIONS.replace(old, new))

    stderr = failing_import(taxonomy, bad)

    assert f"{bad}:{line}: " in stderr
    assert f"at most {cap})" in stderr
    assert not Question.objects.exists()


def test_every_free_text_field_of_a_question_is_capped():
    for f in QUESTION.fields:
        if f.name in {"status", "seen_in"}:
            continue
        if f.name == "follow_ups":  # a list of records: each of their texts is capped
            for r in f.type.item.fields:
                assert r.max_length, f"{f.name}[].{r.name}"
            assert f.type.max_items, f.name
            continue
        assert f.max_length, f.name


def test_the_shipped_bank_fits_the_caps():
    bank = importer.load([FIXTURES])
    assert bank.ok, [str(p) for p in bank.problems]


@pytest.mark.parametrize(
    ("escape", "codepoint"),
    [("\\0", "U+0000"), ("\\x01", "U+0001"), ("\\e", "U+001B"), ("\\x7f", "U+007F")],
)
@pytest.mark.parametrize(
    ("old", "field", "line"),
    [
        ("answer: Pooling downsamples feature maps.", "answer", 21),
        ("prompt: What does pooling do in a CNN?", "prompt", 18),
        ("key_points: [Downsamples, ", "key_points", 22),
        ("level: senior", "level", 19),
    ],
)
def test_it_refuses_control_characters_in_any_field(write_yaml, escape, codepoint, old, field, line):
    key, _, value = old.partition(": ")
    if value.startswith("["):
        broken = f'{key}: ["Down{escape}samples", '
    else:
        broken = f'{key}: "{value[:4]}{escape}{value[4:]}"'
    taxonomy = write_yaml("00.yaml", TAXONOMY)
    bad = write_yaml("10.yaml", QUESTIONS.replace(old, broken))

    stderr = failing_import(taxonomy, bad)

    assert f"{bad}:{line}: question 'pooling': '{field}' contains a control character ({codepoint})" in stderr
    assert not Question.objects.exists()


def test_tabs_and_newlines_are_not_control_characters_here(write_yaml):
    ok = with_answer("Pooling\tdownsamples\r\nfeature maps.")
    call_command(
        "import_questions",
        str(write_yaml("00.yaml", TAXONOMY)),
        str(write_yaml("10.yaml", ok)),
        stdout=StringIO(),
    )
    assert Question.objects.get(slug="pooling").answer.startswith("Pooling\tdownsamples")


def test_a_raw_control_character_in_the_file_is_named_with_its_line(write_yaml, tmp_path):
    bad = tmp_path / "raw.yaml"
    bad.write_bytes(QUESTIONS.replace("Pooling downsamples", "Pooling \x01downsamples").encode())
    stderr = failing_import(write_yaml("00.yaml", TAXONOMY), bad)
    assert f"{bad}:{ANSWER_LINE}: the file contains a control character (U+0001)" in stderr


def test_it_rejects_a_merge_key_with_its_line(write_yaml):
    merged = (
        QUESTIONS.replace("  - slug: pooling\n", "  - &base\n    slug: pooling\n")
        + "  - <<: *base\n    slug: pooling-2\n"
    )
    stderr = failing_import(write_yaml("00.yaml", TAXONOMY), bad := write_yaml("10.yaml", merged))
    assert f"{bad}:26: YAML merge keys (<<) are not supported; write the fields out in full" in stderr


def test_it_rejects_an_inline_merge_key_too(write_yaml):
    merged = QUESTIONS + "  - <<: {level: entry}\n    slug: pooling-2\n"
    stderr = failing_import(write_yaml("00.yaml", TAXONOMY), bad := write_yaml("10.yaml", merged))
    assert f"{bad}:25: YAML merge keys (<<) are not supported; write the fields out in full" in stderr


@pytest.mark.parametrize(
    "value",
    ["2001-13-45", "0x_", "!!int abc", "!!float x", "="],
    ids=["impossible date", "bad hex", "bad int tag", "bad float tag", "value key"],
)
def test_a_scalar_yaml_cannot_read_is_a_clear_error_not_a_traceback(write_yaml, value):
    bad = write_yaml(
        "10.yaml", QUESTIONS.replace("pitfall: Confusing it with the optimiser step.", f"pitfall: {value}")
    )
    stderr = failing_import(write_yaml("00.yaml", TAXONOMY), bad)
    assert f"{bad}:13: " in stderr
    assert "quote it" in stderr


@pytest.mark.django_db(transaction=True)
def test_markdown_is_rendered_before_the_write_transaction_opens(write_yaml, monkeypatch):
    calls = []
    real = markdown.render

    def spy(text: str) -> str:
        calls.append(connection.in_atomic_block)
        return real(text)

    monkeypatch.setattr(markdown, "render", spy)
    edited = QUESTIONS.replace("Pooling downsamples feature maps.", "Pooling *downsamples*.")

    importer.import_paths([write_yaml("00.yaml", TAXONOMY), write_yaml("10.yaml", QUESTIONS)])
    importer.import_paths([write_yaml("00.yaml", TAXONOMY), write_yaml("10.yaml", edited)])

    assert calls == [False, False, False]  # two answers created, one changed; none inside a transaction
    assert Question.objects.get(slug="pooling").answer_html == "<p>Pooling <em>downsamples</em>.</p>"
