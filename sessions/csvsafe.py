"""Cells for CSV files that spreadsheets open: typed text can never run as a formula.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``,
``+``, ``-`` or ``@`` (and, in some, a tab or carriage return) as a formula,
which can exfiltrate data or run commands (``=HYPERLINK(...)``,
``=cmd|' /C calc'!A0``). Following OWASP's CSV-injection advice, such text
cells get a leading ``'``, which spreadsheets show as text. Quoting and
escaping of the cell itself are left to the ``csv`` module.

Only strings are touched: our own numbers (scores, seconds, positions) are
ints, floats and booleans and stay numbers. Text that merely looks like a
negative number (an answer typed as ``-5``) is text, and is prefixed too:
we cannot tell it from ``-5+A1``, and a candidate's answer is text anyway.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value``, with a leading ``'`` if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    """A ``csv.DictWriter`` row with every cell made safe."""
    return {key: safe_cell(value) for key, value in row.items()}
