"""The bank's YAML format is described once (questions/bankformat.py); the rest follows from it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from questions.bankformat import QUESTION, SECTIONS, TABLE_END, TABLE_START, field_table, replace_table
from questions.exporter import bank_data
from questions.models import FollowUp, Question
from tests.conftest import REPO

DOCS = REPO / "docs" / "yaml-format.md"


def test_the_docs_field_table_is_the_one_generated_from_the_format():
    text = DOCS.read_text(encoding="utf-8")
    assert TABLE_START in text and TABLE_END in text
    documented = text[text.index(TABLE_START) + len(TABLE_START) : text.index(TABLE_END)].strip()
    assert documented == field_table().strip(), "run: python manage.py bank_format --write"


def test_the_table_names_every_field_of_every_section_with_its_cap():
    table = field_table()
    for section in SECTIONS.values():
        for f in section.fields:
            assert f"| {section.singular} | `{f.name}` |" in table
    assert "| question | `key_points` | yes | list of (text or {text, cues}) | 300 characters each |" in table
    assert (
        "| question | `key_points[].cues` | no | list of 1 to 8 texts, none twice (ignoring case) " in table
    )
    assert "| 60 characters each |" in table


def test_replacing_the_table_keeps_the_rest_of_the_page():
    page = f"intro\n{TABLE_START}\nold table\n{TABLE_END}\noutro\n"
    assert replace_table(page) == f"intro\n{TABLE_START}\n{field_table()}{TABLE_END}\noutro\n"


def test_the_bank_format_command_prints_the_table():
    out = StringIO()
    call_command("bank_format", stdout=out)
    assert out.getvalue() == field_table()


@pytest.mark.django_db
def test_the_exporter_writes_every_field_of_a_fully_filled_question(small_bank):
    question = Question.objects.get(slug="backpropagation")
    FollowUp.objects.create(question=question, position=1, prompt="Why?", answer="Because.")
    exported = next(q for q in bank_data()["questions"] if q["slug"] == "backpropagation")
    assert list(exported) == [f.name for f in QUESTION.fields]
    assert exported["seen_in"] == [{"source": "guide-a", "number": 8}, {"source": "guide-b", "number": 3}]
