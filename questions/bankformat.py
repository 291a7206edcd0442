"""The question bank's YAML format, described once.

Every section of a bank file (levels, topics, companies, sources, questions)
and every field in it is declared in :data:`SECTIONS` below: its name, its
type, whether it is required, its length cap, and a line of help. Everything
else follows from these declarations:

* validation of a parsed file, with the file and line of each problem (here);
* writing to the database and telling what changed (``importer.py``);
* writing the bank back out (``exporter.py``);
* the field table in ``docs/yaml-format.md`` (:func:`field_table`, printed by
  ``manage.py bank_format``; a test fails when the docs fall behind).

So adding a field to the format is one :class:`Field` in ``SECTIONS`` (plus
the model column or child model it is stored in). How a field is stored
follows from its type: a text, number or choice is a column of the same name
(or ``column=``), a :class:`Ref` is a foreign key, a list of refs is a
many-to-many field, a short list of :class:`Phrases` is one JSON column, and a
list of anything else is rows of a child model (:class:`Rows`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models

from . import markdown
from .models import Company, Level, Question, Source, Topic
from .yamlfile import LineDict, LineList, Problem

# A value that failed validation; its problem has been recorded.
INVALID: Any = object()

SLUG_LENGTH = 50  # SlugField's default, which levels, topics, companies and sources use

# C0 control characters but tab, newline and carriage return, and DEL: never meant in bank text,
# and PostgreSQL cannot store NUL at all.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Reporter(Protocol):
    def problem(self, line: int | None, message: str) -> None: ...


def type_name(value: Any) -> str:
    """How a curator would call a YAML value's type, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__  # dates and times


def unknown_key(key: str, allowed: Iterable[str]) -> str:
    allowed = list(allowed)
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r}{hint}; allowed: {', '.join(allowed)}"


def _control(value: str) -> str | None:
    found = CONTROL.search(value)
    return f"contains a control character (U+{ord(found.group()):04X})" if found else None


# --- value types ----------------------------------------------------------------------------
#
# Each type checks a raw YAML value (returning the clean value, or INVALID after
# reporting a problem), says what an absent optional value means, and describes
# itself for the docs.


@dataclass(frozen=True)
class Text:
    max_length: int | None = None
    slug: bool = False
    markdown: bool = False  # rendered to HTML, stored beside the text in ``<column>_html``
    ends_with: str = ""  # e.g. "?" for a question
    empty: Any = ""

    def check(self, out: Reporter, value: Any, line: int, what: str, name: str, *, required: bool) -> Any:
        label = f"{what}: {name!r}"
        if not isinstance(value, str):
            out.problem(line, f"{label} must be text, not {type_name(value)}")
            return INVALID
        problem = _control(value)  # before stripping, which would hide some
        if problem:
            out.problem(line, f"{label} {problem}")
            return INVALID
        value = value.strip()
        if required and not value:
            out.problem(line, f"{label} must not be empty")
            return INVALID
        problem = self.problem(value)
        if problem:
            out.problem(line, f"{label} {problem}")
            return INVALID
        return value

    def problem(self, value: str) -> str | None:
        """What is wrong with text ``value`` (phrased to follow the field's name), or None.

        The admin's forms validate with this too, so both ways into the bank agree.
        """
        problem = _control(value)
        if problem:
            return problem
        if self.max_length and len(value) > self.max_length:
            return f"is too long ({len(value)} characters; at most {self.max_length})"
        if self.slug:
            try:
                validate_slug(value)
            except ValidationError:
                return f"{value!r} is not a slug (letters, digits, - and _ only)"
        if self.ends_with and not value.endswith(self.ends_with):
            return f"must end with {self.ends_with!r}"
        if self.markdown:
            return markdown.problem(value)
        return None

    def describe(self) -> str:
        kind = "slug" if self.slug else "Markdown" if self.markdown else "text"
        return f"{kind} ending in `{self.ends_with}`" if self.ends_with else kind


@dataclass(frozen=True)
class Ref:
    """The slug of an item of another section (from any file of the import, or the database)."""

    section: str
    max_length: int = SLUG_LENGTH
    empty: Any = None

    def check(self, out: Reporter, value: Any, line: int, what: str, name: str, *, required: bool) -> Any:
        return Text(self.max_length).check(out, value, line, what, name, required=required)

    def describe(self) -> str:
        return f"{SINGULAR[self.section]} slug"


@dataclass(frozen=True)
class Choice:
    choices: tuple[str, ...]
    default: str

    @property
    def empty(self) -> str:
        return self.default

    def check(self, out: Reporter, value: Any, line: int, what: str, name: str, *, required: bool) -> Any:
        value = Text().check(out, value, line, what, name, required=required)
        if value is not INVALID and value not in self.choices:
            out.problem(line, f"{what}: {name!r} must be one of {', '.join(self.choices)}, not {value!r}")
            return INVALID
        return value

    def describe(self) -> str:
        return " or ".join(f"`{c}`" + (" (default)" if c == self.default else "") for c in self.choices)


@dataclass(frozen=True)
class Int:
    minimum: int = 0
    maximum: int = 2_000_000_000
    empty: Any = None

    def check(self, out: Reporter, value: Any, line: int, what: str, name: str, *, required: bool) -> Any:
        label = f"{what}: {name!r}"
        if isinstance(value, bool) or not isinstance(value, int):
            out.problem(line, f"{label} must be a whole number, not {type_name(value)}")
            return INVALID
        if value < self.minimum or value > self.maximum:
            out.problem(line, f"{label} must be between {self.minimum} and {self.maximum}")
            return INVALID
        return value

    def describe(self) -> str:
        return "whole number" if self.minimum == 0 else f"whole number, {self.minimum} or more"


@dataclass(frozen=True)
class Phrases:
    """A short list of short phrases (a key point's cues), stored as a JSON list in one column.

    Each phrase is text without control characters, not empty, at most
    ``max_length`` characters; the list holds ``min_items`` to ``max_items`` of
    them, none twice (ignoring case).
    """

    max_length: int
    min_items: int = 1
    max_items: int = 8
    noun: str = "phrase"

    @property
    def empty(self) -> list:
        return []

    def check(self, out: Reporter, value: Any, line: int, what: str, name: str, *, required: bool) -> Any:
        label = f"{what}: {name!r}"
        if not isinstance(value, list):
            out.problem(line, f"{label} must be a list, not {type_name(value)}")
            return INVALID
        lines = value.item_lines if isinstance(value, LineList) else [line] * len(value)
        clean: list[str] = []
        ok = True
        for number, (raw, item_line) in enumerate(zip(value, lines, strict=True), start=1):
            if not isinstance(raw, str):
                out.problem(item_line, f"{label}: {self.noun} {number} must be text, not {type_name(raw)}")
                ok = False
                continue
            problem = self.phrase_problem(raw) or self.repeat_problem(raw.strip(), clean)
            if problem:
                out.problem(item_line, f"{label}: {self.noun} {number} {problem}")
                ok = False
            clean.append(raw.strip())
        problem = self.count_problem(len(value))
        if problem:
            out.problem(line, f"{label} {problem}")
            ok = False
        return clean if ok else INVALID

    def phrase_problem(self, raw: str) -> str | None:
        """What is wrong with one phrase on its own (phrased to follow "cue 3"), or None."""
        problem = _control(raw)  # before stripping, which would hide some
        if problem:
            return problem
        value = raw.strip()
        if not value:
            return "is empty"
        if len(value) > self.max_length:
            return f"{value[:20]!r}... is too long ({len(value)} characters; at most {self.max_length})"
        return None

    def repeat_problem(self, value: str, before: list[str]) -> str | None:
        if value.casefold() in {v.casefold() for v in before}:
            return f"{value!r} is listed twice (ignoring case)"
        return None

    def count_problem(self, count: int) -> str | None:
        if not self.min_items <= count <= self.max_items:
            return f"must list {self.min_items} to {self.max_items} {self.noun}s, not {count}"
        return None

    def problems(self, values: list[str]) -> list[str]:
        """Every problem of a whole list (for the admin's form, which validates with this too)."""
        found: list[str] = []
        seen: list[str] = []
        for number, raw in enumerate(values, start=1):
            problem = self.phrase_problem(raw) or self.repeat_problem(raw.strip(), seen)
            if problem:
                found.append(f"{self.noun.capitalize()} {number} {problem}.")
            seen.append(raw.strip())
        problem = self.count_problem(len(values)) if values else None
        if problem:
            found.append(f"The {self.noun}s {problem}.")
        return found

    def describe(self) -> str:
        return f"list of {self.min_items} to {self.max_items} texts, none twice (ignoring case)"


@dataclass(frozen=True)
class Record:
    """A mapping with its own fields (an item of a list such as ``seen_in``).

    With ``shorthand`` (the name of its one required text field), plain text is
    also accepted and means a record with only that field: a key point is
    either ``"text"`` or ``{text: ..., cues: [...]}``. The exporter writes the
    short form back whenever the other fields are empty.
    """

    fields: tuple[Field, ...]
    empty: Any = None
    shorthand: str = ""
    label: str = ""  # how messages name one item, e.g. "key point" (default: "<list> item")

    def check(self, out: Reporter, value: Any, line: int, what: str, name: str, *, required: bool) -> Any:
        if self.shorthand and isinstance(value, str):
            # Checked like the plain text list item it used to be, so messages keep naming the list.
            text = self.field(self.shorthand).type.check(out, value, line, what, name, required=True)
            return INVALID if text is INVALID else self.complete({self.shorthand: text})
        got = check_mapping(out, value, line, self.fields, f"{what}: {self.label or f'{name} item'}")
        return INVALID if got is None else self.complete(got)

    def complete(self, data: dict[str, Any]) -> dict[str, Any]:
        """Clean data with every field present (absent optional ones as their empty value)."""
        return {f.name: data.get(f.name, f.empty) for f in self.fields}

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def max_length(self) -> int | None:
        return self.field(self.shorthand).max_length if self.shorthand else None

    def describe(self) -> str:
        record = "{" + ", ".join(f.name for f in self.fields) + "}"
        if self.shorthand:
            return f"{self.field(self.shorthand).type.describe()} or {record}"
        return record


@dataclass(frozen=True)
class Rows:
    """Where a list is stored: one row per item in the child model behind ``related_name``.

    A list of text stores each item in ``column``; a list of records stores each
    record field in the column of that field. ``ordered`` lists number their rows
    in ``position`` from 1; unordered ones compare as sets.
    """

    related_name: str
    column: str = ""
    ordered: bool = False


@dataclass(frozen=True)
class ListOf:
    item: Text | Ref | Int | Record
    rows: Rows | None = None  # None for a list of refs: a many-to-many field
    max_items: int | None = None

    @property
    def empty(self) -> list:
        return []

    def check(self, out: Reporter, value: Any, line: int, what: str, name: str, *, required: bool) -> Any:
        label = f"{what}: {name!r}"
        if not isinstance(value, list):
            out.problem(line, f"{label} must be a list, not {type_name(value)}")
            return INVALID
        if required and not value:
            out.problem(line, f"{label} must list at least one item")
            return INVALID
        if self.max_items is not None and len(value) > self.max_items:
            out.problem(line, f"{label} must list at most {self.max_items} items, not {len(value)}")
            return INVALID
        lines = value.item_lines if isinstance(value, LineList) else [line] * len(value)
        clean = []
        for raw, item_line in zip(value, lines, strict=True):
            got = self.item.check(out, raw, item_line, what, name, required=True)
            if got is INVALID:
                return INVALID
            clean.append(got)
        return clean

    @property
    def is_records(self) -> bool:
        return isinstance(self.item, Record)

    def describe(self) -> str:
        item = self.item.describe()
        limit = f" (at most {self.max_items})" if self.max_items is not None else ""
        if isinstance(self.item, Ref):
            return f"list of {item}s{limit}"
        if isinstance(self.item, Record) and self.item.shorthand:
            return f"list of ({item}){limit}"
        return f"list of {item}{limit}"


# --- fields and sections ----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    type: Text | Ref | Choice | Int | Phrases | ListOf | Record
    required: bool = False
    help: str = ""
    column: str = ""  # the model attribute, when it is not ``name``

    @property
    def attname(self) -> str:
        return self.column or self.name

    @property
    def empty(self) -> Any:
        """The value of an absent optional field."""
        return self.type.empty

    @property
    def max_length(self) -> int | None:
        kind = self.type.item if isinstance(self.type, ListOf) else self.type
        return getattr(kind, "max_length", None)

    def check(self, out: Reporter, value: Any, line: int, what: str) -> Any:
        return self.type.check(out, value, line, what, self.name, required=self.required)


@dataclass(frozen=True)
class Section:
    name: str  # the top-level key, e.g. "questions"
    singular: str
    model: type[models.Model]
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def columns(self) -> list[Field]:
        """Fields stored as plain columns of the section's model (the slug aside)."""
        return [f for f in self.fields if f.name != "slug" and isinstance(f.type, (Text, Choice, Int))]

    @property
    def refs(self) -> list[Field]:
        return [f for f in self.fields if isinstance(f.type, Ref)]

    @property
    def many(self) -> list[Field]:
        return [f for f in self.fields if isinstance(f.type, ListOf) and f.type.rows is None]

    @property
    def rows(self) -> list[Field]:
        return [f for f in self.fields if isinstance(f.type, ListOf) and f.type.rows is not None]

    @property
    def markdown(self) -> list[Field]:
        return [f for f in self.columns if isinstance(f.type, Text) and f.type.markdown]

    @property
    def row_markdown(self) -> list[tuple[Field, Field]]:
        """(list field, record field) of every Markdown text stored in child rows
        (rendered into the row's ``<column>_html`` like :attr:`markdown` columns)."""
        return [
            (f, r)
            for f in self.rows
            if f.type.is_records
            for r in f.type.item.fields
            if isinstance(r.type, Text) and r.type.markdown
        ]

    def text_rules(self) -> dict[str, Text]:
        """The rule of every free-text column, by model attribute (the admin's forms check them)."""
        return {f.attname: f.type for f in self.columns if isinstance(f.type, Text)}

    def row_rules(self, name: str) -> dict[str, Text | Phrases]:
        """The same for the child rows a list field is stored in, by the child's attribute
        (their free text, and their lists of phrases)."""
        kind = self.field(name).type
        assert isinstance(kind, ListOf) and kind.rows is not None
        if isinstance(kind.item, Text):
            return {kind.rows.column: kind.item}
        if isinstance(kind.item, Record):
            return {r.attname: r.type for r in kind.item.fields if isinstance(r.type, (Text, Phrases))}
        return {}

    def queryset(self, qs: models.QuerySet | None = None) -> models.QuerySet:
        """Rows of the section (``qs``, or all) with every relation :meth:`read` follows prefetched."""
        qs = self.model.objects.all() if qs is None else qs
        if self.refs:
            qs = qs.select_related(*(f.attname for f in self.refs))
        lookups = [f.attname for f in self.many]
        for f in self.rows:
            lookups.append(f.type.rows.related_name)
            if f.type.is_records:
                lookups += [f"{f.type.rows.related_name}__{r.attname}" for r in _record_refs(f)]
        return qs.prefetch_related(*lookups) if lookups else qs

    def read(self, obj: models.Model) -> dict[str, Any]:
        """A database row in the format's terms: every field, empty ones included."""
        return {f.name: read_value(f, obj) for f in self.fields}

    def references(self, data: dict[str, Any]) -> Iterator[tuple[str, str]]:
        """(section, slug) of every item that the clean ``data`` of one item names."""
        for f in self.fields:
            if isinstance(f.type, Ref) and f.name in data:
                yield f.type.section, data[f.name]
            elif isinstance(f.type, ListOf) and isinstance(f.type.item, Ref):
                yield from ((f.type.item.section, slug) for slug in data.get(f.name, []))
            elif isinstance(f.type, ListOf) and f.type.is_records:
                for record in data.get(f.name, []):
                    yield from ((r.type.section, record[r.name]) for r in _record_refs(f))


def _record_refs(f: Field) -> list[Field]:
    return [r for r in f.type.item.fields if isinstance(r.type, Ref)]


def read_value(f: Field, obj: models.Model) -> Any:
    kind = f.type
    if isinstance(kind, Ref):
        target = getattr(obj, f.attname)
        return target.slug if target is not None else None
    if isinstance(kind, ListOf):
        if kind.rows is None:
            return [target.slug for target in getattr(obj, f.attname).all()]
        rows = getattr(obj, kind.rows.related_name).all()
        if kind.is_records:
            return [{r.name: read_value(r, row) for r in kind.item.fields} for row in rows]
        return [getattr(row, kind.rows.column) for row in rows]
    return getattr(obj, f.attname)


def comparable(f: Field, value: Any) -> Any:
    """``value`` of field ``f`` as something hashable that compares equal when the stored data would."""
    kind = f.type
    if isinstance(kind, ListOf):
        if kind.is_records:
            fields = kind.item.fields
            items = [tuple(comparable(r, item.get(r.name, r.empty)) for r in fields) for item in value]
        else:
            items = list(value)
        ordered = kind.rows is not None and kind.rows.ordered
        return tuple(items) if ordered else frozenset(items)
    if isinstance(kind, Phrases):
        return tuple(value)
    return value


SLUG_HELP = "unique; letters, digits, `-` and `_`"

LEVEL = Section(
    "levels",
    "level",
    Level,
    (
        Field("slug", Text(SLUG_LENGTH, slug=True), True, SLUG_HELP),
        Field("name", Text(80), True, "shown to candidates"),
        Field("rank", Int(), True, "orders levels, 1 = easiest"),
        Field("description", Text(2_000), help="a longer description"),
    ),
)
TOPIC = Section(
    "topics",
    "topic",
    Topic,
    (
        Field("slug", Text(SLUG_LENGTH, slug=True), True, SLUG_HELP),
        Field("name", Text(120), True, "shown to candidates"),
        Field("description", Text(2_000), help="a longer description"),
    ),
)
COMPANY = Section(
    "companies",
    "company",
    Company,
    (
        Field("slug", Text(SLUG_LENGTH, slug=True), True, SLUG_HELP),
        Field("name", Text(120), True, "shown to candidates"),
    ),
)
SOURCE = Section(
    "sources",
    "source",
    Source,
    (
        Field("slug", Text(SLUG_LENGTH, slug=True), True, SLUG_HELP),
        Field("title", Text(300), True, "one public guide the bank's questions were seen in"),
        Field("url", Text(200), help="where the guide is"),
    ),
)
SIGHTING = Record(
    (
        Field("source", Ref("sources"), True, "the guide"),
        Field("number", Int(minimum=1), True, "the question's number in that guide"),
    )
)
KEY_POINT = Record(
    (
        Field("text", Text(300), True, "the key point, as the reveal shows it"),
        Field(
            "cues",
            Phrases(60, min_items=1, max_items=8, noun="cue"),
            help="short phrases or synonyms a candidate would say when covering the point "
            '(e.g. "chain rule"); the reveal pre-ticks the point when the answer matches one',
        ),
    ),
    shorthand="text",
    label="key point",
)
FOLLOW_UP = Record(
    (
        Field(
            "question",
            Text(300, ends_with="?"),
            True,
            "a probe the interviewer asks after the answer",
            column="prompt",
        ),
        Field(
            "answer",
            Text(1_500, markdown=True),
            True,
            "a short model answer; rendered and sanitised like the question's answer",
        ),
    ),
    label="follow-up",
)
QUESTION = Section(
    "questions",
    "question",
    Question,
    (
        Field("slug", Text(120, slug=True), True, SLUG_HELP),
        Field("prompt", Text(1_000), True, "the question as the interviewer asks it"),
        Field("level", Ref("levels"), True, "from any file of this import or already in the database"),
        Field("topics", ListOf(Ref("topics")), True, "one or more"),
        Field("companies", ListOf(Ref("companies")), help="companies known to ask it"),
        Field(
            "answer",
            Text(20_000, markdown=True),
            True,
            "the model answer; rendered once and sanitised (raw HTML is stripped)",
        ),
        Field(
            "key_points",
            ListOf(KEY_POINT, Rows("key_points", ordered=True)),
            True,
            "one or more short lines a strong answer covers, in order; each plain text, "
            "or a mapping to give it cues",
        ),
        Field("why_asked", Text(2_000), help="plain text: why interviewers ask it"),
        Field("pitfall", Text(2_000), help="plain text: the common pitfall"),
        Field(
            "follow_ups",
            ListOf(FOLLOW_UP, Rows("follow_ups", ordered=True), max_items=3),
            help="probes the interviewer may ask next, in order, each with a short model answer",
        ),
        Field(
            "seen_in",
            ListOf(SIGHTING, Rows("sightings")),
            help="where the question appears; a guide's question belongs to one bank question only, "
            "so duplicates across guides are merged into one question that lists them all",
        ),
        Field(
            "status",
            Choice(tuple(Question.Status.values), default=Question.Status.PUBLISHED),
            help="drafts are hidden from candidates",
        ),
    ),
)

SECTIONS: dict[str, Section] = {s.name: s for s in (LEVEL, TOPIC, COMPANY, SOURCE, QUESTION)}
SINGULAR = {name: s.singular for name, s in SECTIONS.items()}


# --- validating a parsed file -------------------------------------------------------------------


@dataclass
class Item:
    """One validated entry of one section, with where it came from."""

    section: str
    data: dict[str, Any]
    path: str
    line: int

    @property
    def slug(self) -> str:
        return self.data["slug"]

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Bank:
    """Everything read from a set of files; ``problems`` empty means valid."""

    items: dict[str, dict[str, Item]] = field(default_factory=lambda: {name: {} for name in SECTIONS})
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_mapping(
    out: Reporter, raw: Any, line: int, fields: tuple[Field, ...], what: str
) -> dict[str, Any] | None:
    """The clean values of one mapping's fields, or None after reporting its problems."""
    if not isinstance(raw, dict):
        out.problem(line, f"{what} must be a mapping of keys to values, not {type_name(raw)}")
        return None
    names = [f.name for f in fields]
    key_lines = raw.key_lines if isinstance(raw, LineDict) else {}
    ok = True
    for key in raw:
        if key not in names:
            out.problem(key_lines.get(key, line), f"{what}: {unknown_key(key, names)}")
            ok = False
    for f in fields:
        if f.required and raw.get(f.name) is None:
            out.problem(line, f"{what}: missing required field {f.name!r}")
            ok = False
    clean: dict[str, Any] = {}
    for f in fields:
        if raw.get(f.name) is None:
            continue  # absent, or reported as missing above
        got = f.check(out, raw[f.name], key_lines.get(f.name, line), what)
        if got is INVALID:
            ok = False
        else:
            clean[f.name] = got
    return clean if ok else None


class _FileChecker:
    def __init__(self, bank: Bank, path: str) -> None:
        self.bank = bank
        self.path = path

    def problem(self, line: int | None, message: str) -> None:
        self.bank.problems.append(Problem(self.path, line, message))

    def check(self, document: Any) -> None:
        if document is None:
            self.problem(None, "file is empty")
            return
        if not isinstance(document, dict):
            self.problem(
                getattr(document, "line", 1),
                f"the top level must be a mapping with {', '.join(SECTIONS)}",
            )
            return
        key_lines = document.key_lines if isinstance(document, LineDict) else {}
        for key in document:
            if key not in SECTIONS:
                self.problem(key_lines.get(key), f"top level: {unknown_key(key, SECTIONS)}")
        for section in SECTIONS.values():
            entries = document.get(section.name)
            if entries is None:
                continue
            line = key_lines.get(section.name)
            if not isinstance(entries, list):
                self.problem(line, f"{section.name!r} must be a list, not {type_name(entries)}")
                continue
            lines = entries.item_lines if isinstance(entries, LineList) else [line] * len(entries)
            for index, (raw, item_line) in enumerate(zip(entries, lines, strict=True), start=1):
                slug = raw.get("slug") if isinstance(raw, dict) else None
                what = f"{section.singular} " + (repr(slug) if isinstance(slug, str) else f"#{index}")
                data = check_mapping(self, raw, item_line, section.fields, what)
                if data is None:
                    continue
                seen = self.bank.items[section.name].get(data["slug"])
                if seen:
                    self.problem(
                        item_line,
                        f"duplicate {section.singular} slug {data['slug']!r} (first at {seen.where()})",
                    )
                    continue
                self.bank.items[section.name][data["slug"]] = Item(section.name, data, self.path, item_line)


def check_document(bank: Bank, document: Any, path: str) -> None:
    """Validate one parsed file against the format, adding its items and problems to ``bank``."""
    _FileChecker(bank, path).check(document)


# --- the docs' field table -------------------------------------------------------------------------

TABLE_START = (
    "<!-- fields: generated from questions/bankformat.py by `manage.py bank_format`; do not edit -->"
)
TABLE_END = "<!-- end of fields -->"


def field_table() -> str:
    """The Markdown table of every field of every section, as docs/yaml-format.md shows it."""
    rows = [
        "| item | field | required | type | at most | what it holds |",
        "| --- | --- | --- | --- | --- | --- |",
    ]

    def add(item: str, prefix: str, fields: Iterable[Field]) -> None:
        for f in fields:
            limit = f"{f.max_length:,} characters" if f.max_length else ""
            if limit and isinstance(f.type, (ListOf, Phrases)):
                limit += " each"
            rows.append(
                f"| {item} | `{prefix}{f.name}` | {'yes' if f.required else 'no'} | {f.type.describe()} "
                f"| {limit} | {f.help} |"
            )
            if isinstance(f.type, ListOf) and f.type.is_records:
                add(item, f"{prefix}{f.name}[].", f.type.item.fields)

    for section in SECTIONS.values():
        add(section.singular, "", section.fields)
    return "\n".join(rows) + "\n"


def replace_table(text: str) -> str:
    """``text`` (the docs page) with the part between the table markers regenerated."""
    start = text.index(TABLE_START) + len(TABLE_START)
    end = text.index(TABLE_END)
    return text[:start] + "\n" + field_table() + text[end:]
