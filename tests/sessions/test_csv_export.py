"""The CSV export cannot smuggle formulas into a spreadsheet (OWASP's CSV-injection advice)."""

from __future__ import annotations

import csv
import io

import pytest

from sessions.csvsafe import safe_cell, safe_row

from .conftest import start
from .test_history import play

pytestmark = pytest.mark.django_db


def exported(client) -> list[dict]:
    return list(csv.DictReader(io.StringIO(client.get("/history/export.csv").content.decode())))


def test_a_typed_formula_comes_out_as_text(alice_client, bank):
    session = start(alice_client, count=2)
    play(alice_client, session, [3, 4], texts=['=HYPERLINK("http://x")', "-5"])

    rows = exported(alice_client)

    assert [row["answer"] for row in rows] == ['\'=HYPERLINK("http://x")', "'-5"]


def test_our_own_numbers_stay_numbers(alice_client, bank, clock):
    session = start(alice_client, count=1, seconds=45)  # the clock stands still: 0.0 s taken
    play(alice_client, session, [2], texts=["+1 for dropout"])

    row = exported(alice_client)[0]

    assert row["answer"] == "'+1 for dropout"
    assert row["score"] == "2" and row["seconds_per_answer"] == "45" and row["position"] == "1"
    assert row["seconds"] == "0.0" and row["overtime"] == "False"


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r"])
def test_every_dangerous_first_character_is_neutralised(first):
    assert safe_cell(f"{first}cmd|' /C calc'!A0") == f"'{first}cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    "value", ["plain answer", "", "2026-11-02T09:00:00+00:00", " =not first", 3, -5, 1.5, None, True]
)
def test_harmless_cells_and_numbers_are_left_alone(value):
    assert safe_cell(value) == value


def test_a_whole_row():
    assert safe_row({"answer": "@SUM(A1)", "score": -1}) == {"answer": "'@SUM(A1)", "score": -1}
