"""`manage.py export_questions`: the bank written back out in the import format."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from questions.exporter import bank_data
from questions.models import Company, KeyPoint, Level, Question, Sighting, Source, Topic

pytestmark = pytest.mark.django_db


def snapshot():
    """The bank as plain data, independent of primary keys."""
    return bank_data()


def test_export_then_import_into_an_empty_database_gives_the_same_bank(small_bank, tmp_path):
    Question.objects.filter(slug="pooling").update(status="draft")
    before = snapshot()
    exported = tmp_path / "bank.yaml"
    call_command("export_questions", "-o", str(exported), stderr=StringIO())

    for model in (Sighting, KeyPoint, Question, Level, Topic, Company, Source):
        model.objects.all().delete()
    out = StringIO()
    call_command("import_questions", str(exported), stdout=out)

    assert "Questions: 2 created" in out.getvalue()
    assert snapshot() == before


def test_export_is_stable_so_reimporting_it_changes_nothing(small_bank, tmp_path):
    exported = tmp_path / "bank.yaml"
    call_command("export_questions", "-o", str(exported), stderr=StringIO())
    out = StringIO()
    call_command("import_questions", str(exported), stdout=out)
    assert "Questions: 0 created, 0 updated, 2 unchanged" in out.getvalue()


def test_export_writes_to_standard_output_by_default(small_bank, capsys):
    call_command("export_questions")
    text = capsys.readouterr().out
    assert "- slug: backpropagation" in text
    assert "answer: |" in text
