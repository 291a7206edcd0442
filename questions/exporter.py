"""Writing the bank back out in the import format (see docs/yaml-format.md).

What is written follows from the format's description (``bankformat.py``):
every field of every section, in the declared order, with empty optional
fields left out so an exported file reads like a hand-written one.
"""

from __future__ import annotations

from typing import Any

import yaml
from django.db import models
from django.db.models import QuerySet

from .bankformat import QUESTION, SECTIONS, Field, ListOf, Phrases, Record, Section, Text
from .models import Question


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line text, so an exported file reads like a hand-written one."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


class _Flow(list):
    """A list written on one line (``[a, b]``), like a curator writes a key point's cues."""


def _flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, _flow)


def _clean(fields: tuple[Field, ...], values: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in fields:
        value = values[f.name]
        if not f.required and value in (None, "", []):
            continue
        if isinstance(f.type, Text) and f.type.markdown and not value.endswith("\n"):
            value += "\n"  # written as a block (|), like a curator writes Markdown
        elif isinstance(f.type, ListOf) and f.type.is_records:
            value = [_record(f.type.item, record) for record in value]
        elif isinstance(f.type, Phrases):
            value = _Flow(value)
        data[f.name] = value
    return data


def _record(kind: Record, values: dict[str, Any]) -> Any:
    """One record of a list; a record with a shorthand and nothing else filled is written short."""
    data = _clean(kind.fields, values)
    if kind.shorthand and list(data) == [kind.shorthand]:
        return data[kind.shorthand]
    return data


def item_data(section: Section, obj: models.Model) -> dict[str, Any]:
    """One row of ``section`` as it is written in a bank file."""
    return _clean(section.fields, section.read(obj))


def question_data(question: Question) -> dict[str, Any]:
    return item_data(QUESTION, question)


def bank_data(questions: QuerySet[Question] | None = None) -> dict[str, Any]:
    """The whole bank (or the given questions, with the whole vocabulary) as plain data."""
    data = {}
    for name, section in SECTIONS.items():
        rows = section.queryset()
        if section is QUESTION:
            rows = (rows if questions is None else section.queryset(questions)).order_by("slug")
        data[name] = [item_data(section, obj) for obj in rows]
    return data


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
