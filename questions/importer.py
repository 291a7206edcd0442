"""Importing the question bank from curator YAML files.

Two phases, so that bad input writes nothing:

1. :func:`load` reads every file, checks every item against the format and
   every cross-reference (against the files themselves and the database), and
   collects *all* problems with their file and line.
2. :func:`apply` writes the whole bank in one transaction: upserts by slug,
   touching only rows that changed, with bulk queries so that thousands of
   questions import in seconds.

:func:`import_paths` ties them together for the management command (and the
admin's preview-then-confirm import).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone

from . import markdown
from .models import Company, KeyPoint, Level, Question, Sighting, Source, Topic
from .yamlfile import MAX_FILE_BYTES, LineDict, LineList, Problem, YamlFileError, parse_bytes, read

MAX_UPLOAD_BYTES = MAX_FILE_BYTES

# --- the format ------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    kind: str  # "text", "int", "texts" (list of text), "seen_in"
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    slug: bool = False


LEVEL_FIELDS = {
    "slug": Field("text", True, 50, slug=True),
    "name": Field("text", True, 80),
    "rank": Field("int", True),
    "description": Field("text"),
}
TOPIC_FIELDS = {
    "slug": Field("text", True, 50, slug=True),
    "name": Field("text", True, 120),
    "description": Field("text"),
}
COMPANY_FIELDS = {"slug": Field("text", True, 50, slug=True), "name": Field("text", True, 120)}
SOURCE_FIELDS = {
    "slug": Field("text", True, 50, slug=True),
    "title": Field("text", True, 300),
    "url": Field("text", max_length=200),
}
QUESTION_FIELDS = {
    "slug": Field("text", True, 120, slug=True),
    "prompt": Field("text", True),
    "level": Field("text", True),
    "topics": Field("texts", True),
    "companies": Field("texts"),
    "answer": Field("text", True),
    "key_points": Field("texts", True, 300),
    "why_asked": Field("text"),
    "pitfall": Field("text"),
    "seen_in": Field("seen_in"),
    "status": Field("text", choices=tuple(Question.Status.values)),
}
SIGHTING_FIELDS = {"source": Field("text", True), "number": Field("int", True)}

SECTIONS: dict[str, dict[str, Field]] = {
    "levels": LEVEL_FIELDS,
    "topics": TOPIC_FIELDS,
    "companies": COMPANY_FIELDS,
    "sources": SOURCE_FIELDS,
    "questions": QUESTION_FIELDS,
}
SINGULAR = {
    "levels": "level",
    "topics": "topic",
    "companies": "company",
    "sources": "source",
    "questions": "question",
}
TAXONOMY_MODELS = {"levels": Level, "topics": Topic, "companies": Company, "sources": Source}


def _type_name(value: Any) -> str:
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


def _unknown_key(key: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r}{hint}; allowed: {', '.join(allowed)}"


# --- phase 1: read and validate ---------------------------------------------


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


class _Checker:
    def __init__(self, bank: Bank, path: str) -> None:
        self.bank = bank
        self.path = path

    def problem(self, line: int | None, message: str) -> None:
        self.bank.problems.append(Problem(self.path, line, message))

    def check_value(self, name: str, spec: Field, value: Any, line: int, what: str) -> Any:
        """Return the clean value, or None after recording a problem."""
        label = f"{what}: {name!r}"
        if spec.kind == "text":
            if not isinstance(value, str):
                self.problem(line, f"{label} must be text, not {_type_name(value)}")
                return None
            value = value.strip()
            if spec.required and not value:
                self.problem(line, f"{label} must not be empty")
                return None
            if spec.max_length and len(value) > spec.max_length:
                self.problem(
                    line,
                    f"{label} is too long ({len(value)} characters; at most {spec.max_length})",
                )
                return None
            if spec.slug:
                try:
                    validate_slug(value)
                except ValidationError:
                    self.problem(line, f"{label} {value!r} is not a slug (letters, digits, - and _ only)")
                    return None
            if spec.choices and value not in spec.choices:
                self.problem(line, f"{label} must be one of {', '.join(spec.choices)}, not {value!r}")
                return None
            return value
        if spec.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(line, f"{label} must be a whole number, not {_type_name(value)}")
                return None
            if value < 0 or value > 2_000_000_000:
                self.problem(line, f"{label} must be between 0 and 2000000000")
                return None
            return value
        if spec.kind == "texts":
            if not isinstance(value, list):
                self.problem(line, f"{label} must be a list, not {_type_name(value)}")
                return None
            if spec.required and not value:
                self.problem(line, f"{label} must list at least one item")
                return None
            clean = []
            lines = value.item_lines if isinstance(value, LineList) else [line] * len(value)
            for item, item_line in zip(value, lines, strict=True):
                item_spec = Field("text", True, spec.max_length)
                got = self.check_value(name, item_spec, item, item_line, what)
                if got is None:
                    return None
                clean.append(got)
            return clean
        if spec.kind == "seen_in":
            if not isinstance(value, list):
                self.problem(line, f"{label} must be a list, not {_type_name(value)}")
                return None
            clean = []
            lines = value.item_lines if isinstance(value, LineList) else [line] * len(value)
            for item, item_line in zip(value, lines, strict=True):
                got = self.check_mapping(item, item_line, SIGHTING_FIELDS, f"{what}: seen_in item")
                if got is None:
                    return None
                if got["number"] < 1:
                    self.problem(item_line, f"{what}: seen_in 'number' must be 1 or more")
                    return None
                clean.append(got)
            return clean
        raise AssertionError(spec.kind)

    def check_mapping(
        self, raw: Any, line: int, fields: dict[str, Field], what: str
    ) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self.problem(line, f"{what} must be a mapping of keys to values, not {_type_name(raw)}")
            return None
        key_lines = raw.key_lines if isinstance(raw, LineDict) else {}
        ok = True
        for key in raw:
            if key not in fields:
                self.problem(key_lines.get(key, line), f"{what}: {_unknown_key(key, fields)}")
                ok = False
        for name, spec in fields.items():
            if spec.required and (name not in raw or raw[name] is None):
                self.problem(line, f"{what}: missing required field {name!r}")
                ok = False
        clean: dict[str, Any] = {}
        for name, spec in fields.items():
            if name not in raw or (raw[name] is None and not spec.required):
                continue
            if raw[name] is None:
                continue  # already reported as missing
            got = self.check_value(name, spec, raw[name], key_lines.get(name, line), what)
            if got is None:
                ok = False
            else:
                clean[name] = got
        return clean if ok else None

    def check_file(self, document: Any) -> None:
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
                self.problem(key_lines.get(key), f"top level: {_unknown_key(key, SECTIONS)}")
        for section, fields in SECTIONS.items():
            entries = document.get(section)
            if entries is None:
                continue
            line = key_lines.get(section)
            if not isinstance(entries, list):
                self.problem(line, f"{section!r} must be a list, not {_type_name(entries)}")
                continue
            lines = entries.item_lines if isinstance(entries, LineList) else [line] * len(entries)
            for index, (raw, item_line) in enumerate(zip(entries, lines, strict=True), start=1):
                slug = raw.get("slug") if isinstance(raw, dict) else None
                what = (
                    f"{SINGULAR[section]} {slug!r}"
                    if isinstance(slug, str)
                    else f"{SINGULAR[section]} #{index}"
                )
                data = self.check_mapping(raw, item_line, fields, what)
                if data is None:
                    continue
                seen = self.bank.items[section].get(data["slug"])
                if seen:
                    self.problem(
                        item_line,
                        f"duplicate {SINGULAR[section]} slug {data['slug']!r} (first at {seen.where()})",
                    )
                    continue
                self.bank.items[section][data["slug"]] = Item(section, data, self.path, item_line)


def expand_paths(paths: Sequence[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files as given, folders as their ``*.yaml``/``*.yml`` files in name order."""
    found: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
            if not files:
                problems.append(Problem(str(path), None, "folder holds no .yaml files"))
            found.extend(files)
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Problem(str(path), None, "no such file or folder"))
    return found, problems


def load(paths: Sequence[str | Path]) -> Bank:
    files, problems = expand_paths(paths)
    bank = Bank(problems=problems, files=[str(p) for p in files])
    for path in files:
        add_document(bank, path=path)
    if bank.items["questions"]:
        # Also when other items had problems, so one run reports as much as it can.
        check_references(bank)
    return bank


def load_bytes(data: bytes, name: str) -> Bank:
    """Validate one uploaded file (the admin's import) exactly as :func:`load` validates files."""
    bank = Bank(files=[name])
    add_document(bank, data=data, name=name)
    if bank.items["questions"]:
        check_references(bank)
    return bank


def add_document(bank: Bank, *, path: Path | None = None, data: bytes | None = None, name: str = "") -> None:
    """Parse one file (from disk or from bytes, e.g. an upload) into ``bank``."""
    display = name or str(path)
    try:
        document = parse_bytes(data, display) if data is not None else read(path, display=display)
    except YamlFileError as exc:
        bank.problems.append(exc.problem)
        return
    _Checker(bank, display).check_file(document)


def check_references(bank: Bank) -> None:
    """Every slug a question names must exist, in the files or the database."""
    known = {
        section: set(bank.items[section]) | set(model.objects.values_list("slug", flat=True))
        for section, model in TAXONOMY_MODELS.items()
    }
    places: dict[tuple[str, int], Item] = {}
    for item in bank.items["questions"].values():
        q = item.data
        refs = [("levels", q["level"])]
        refs += [("topics", slug) for slug in q["topics"]]
        refs += [("companies", slug) for slug in q.get("companies", [])]
        refs += [("sources", s["source"]) for s in q.get("seen_in", [])]
        for section, slug in refs:
            if slug not in known[section]:
                close = difflib.get_close_matches(slug, sorted(known[section]), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                bank.problems.append(
                    Problem(
                        item.path,
                        item.line,
                        f"question {item.slug!r}: unknown {SINGULAR[section]} {slug!r}{hint}",
                    )
                )
        for name in ("topics", "companies"):
            values = q.get(name, [])
            if len(set(values)) != len(values):
                bank.problems.append(
                    Problem(item.path, item.line, f"question {item.slug!r}: {name!r} lists a slug twice")
                )
        for sighting in q.get("seen_in", []):
            place = (sighting["source"], sighting["number"])
            other = places.get(place)
            if other:
                bank.problems.append(
                    Problem(
                        item.path,
                        item.line,
                        f"question {item.slug!r}: {place[0]} #{place[1]} is already listed by "
                        f"question {other.slug!r} ({other.where()})",
                    )
                )
            places[place] = item
    # A guide's question already tied to a bank question that this import leaves alone.
    if places:
        held = Sighting.objects.filter(source__slug__in={s for s, _ in places}).values_list(
            "source__slug", "number", "question__slug"
        )
        for source, number, owner in held:
            item = places.get((source, number))
            if item and owner != item.slug and owner not in bank.items["questions"]:
                bank.problems.append(
                    Problem(
                        item.path,
                        item.line,
                        f"question {item.slug!r}: {source} #{number} already belongs to question "
                        f"{owner!r} in the database",
                    )
                )


# --- phase 2: write -----------------------------------------------------------


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class Report:
    counts: dict[str, Counts] = field(default_factory=lambda: {name: Counts() for name in SECTIONS})
    created: list[str] = field(default_factory=list)  # question slugs
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        order = ["questions", "levels", "topics", "companies", "sources"]
        return [f"{name.capitalize()}: {self.counts[name]}" for name in order]


def _taxonomy(bank: Bank, report: Report, *, write: bool) -> dict[str, dict[str, int]]:
    """Upsert levels, topics, companies and sources; return slug -> id per section."""
    ids: dict[str, dict[str, int]] = {}
    for section, model in TAXONOMY_MODELS.items():
        wanted = bank.items[section]
        existing = {obj.slug: obj for obj in model.objects.filter(slug__in=list(wanted))}
        fields = [name for name in SECTIONS[section] if name != "slug"]
        new, changed = [], []
        for slug, item in wanted.items():
            values = {name: item.data.get(name, "") for name in fields}
            obj = existing.get(slug)
            if obj is None:
                new.append(model(slug=slug, **values))
            elif any(getattr(obj, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(obj, name, value)
                changed.append(obj)
        counts = report.counts[section]
        counts.created, counts.updated = len(new), len(changed)
        counts.unchanged = len(wanted) - len(new) - len(changed)
        if write:
            model.objects.bulk_create(new)
            if changed:
                model.objects.bulk_update(changed, fields)
            ids[section] = dict(model.objects.values_list("slug", "id"))
    return ids


@dataclass
class _Wanted:
    fields: dict[str, Any]
    level: str
    topics: set[str]
    companies: set[str]
    key_points: list[str]
    seen_in: set[tuple[str, int]]


def _wanted(item: Item) -> _Wanted:
    q = item.data
    return _Wanted(
        fields={
            "prompt": q["prompt"],
            "answer": q["answer"],
            "why_asked": q.get("why_asked", ""),
            "pitfall": q.get("pitfall", ""),
            "status": q.get("status", Question.Status.PUBLISHED),
        },
        level=q["level"],
        topics=set(q["topics"]),
        companies=set(q.get("companies", [])),
        key_points=list(q["key_points"]),
        seen_in={(s["source"], s["number"]) for s in q.get("seen_in", [])},
    )


def _current(question: Question) -> _Wanted:
    return _Wanted(
        fields={
            name: getattr(question, name) for name in ("prompt", "answer", "why_asked", "pitfall", "status")
        },
        level=question.level.slug,
        topics={t.slug for t in question.topics.all()},
        companies={c.slug for c in question.companies.all()},
        key_points=[k.text for k in question.key_points.all()],
        seen_in={(s.source.slug, s.number) for s in question.sightings.all()},
    )


def apply(bank: Bank, *, write: bool = True) -> Report:
    """Write a valid bank to the database in one transaction (or only count, with ``write=False``)."""
    if not bank.ok:
        raise ValueError("refusing to import a bank with problems")
    report = Report()
    with transaction.atomic():
        ids = _taxonomy(bank, report, write=write)
        wanted = {slug: _wanted(item) for slug, item in bank.items["questions"].items()}
        existing = {
            q.slug: q
            for q in Question.objects.filter(slug__in=list(wanted))
            .select_related("level")
            .prefetch_related("topics", "companies", "key_points", "sightings__source")
        }
        new: list[str] = []
        changed: dict[str, tuple[Question, _Wanted]] = {}
        for slug, want in wanted.items():
            question = existing.get(slug)
            if question is None:
                new.append(slug)
                continue
            have = _current(question)
            if have != want:
                changed[slug] = (question, have)
            else:
                report.unchanged.append(slug)
        report.created, report.updated = new, list(changed)
        counts = report.counts["questions"]
        counts.created, counts.updated, counts.unchanged = (
            len(new),
            len(changed),
            len(report.unchanged),
        )
        if write:
            _write_questions(wanted, new, changed, ids)
    return report


def _write_questions(
    wanted: dict[str, _Wanted],
    new: list[str],
    changed: dict[str, tuple[Question, _Wanted]],
    ids: dict[str, dict[str, int]],
) -> None:
    now = timezone.now()
    created = Question.objects.bulk_create(
        [
            Question(
                slug=slug,
                level_id=ids["levels"][wanted[slug].level],
                answer_html=markdown.render(wanted[slug].fields["answer"]),
                **wanted[slug].fields,
            )
            for slug in new
        ],
        batch_size=500,
    )
    # Rows to (re)build, per question id: new questions get everything, changed
    # ones only the relations that differ.
    rebuild: dict[str, list[tuple[int, _Wanted]]] = {
        "topics": [],
        "companies": [],
        "key_points": [],
        "seen_in": [],
    }
    for question in created:
        for part in rebuild:
            rebuild[part].append((question.pk, wanted[question.slug]))

    to_update = []
    field_names = [
        "prompt",
        "answer",
        "answer_html",
        "why_asked",
        "pitfall",
        "status",
        "level_id",
        "updated",
    ]
    for slug, (question, have) in changed.items():
        want = wanted[slug]
        if have.fields != want.fields or have.level != want.level:
            for name, value in want.fields.items():
                setattr(question, name, value)
            question.level_id = ids["levels"][want.level]
            question.answer_html = markdown.render(want.fields["answer"])
        question.updated = now
        to_update.append(question)
        for part in rebuild:
            if getattr(have, part) != getattr(want, part):
                rebuild[part].append((question.pk, want))
    if to_update:
        Question.objects.bulk_update(to_update, field_names, batch_size=500)

    # Old rows go first: a sighting may move from one question to another.
    Sighting.objects.filter(question_id__in=[pk for pk, _ in rebuild["seen_in"]]).delete()
    KeyPoint.objects.filter(question_id__in=[pk for pk, _ in rebuild["key_points"]]).delete()
    TopicLink = Question.topics.through
    CompanyLink = Question.companies.through
    TopicLink.objects.filter(question_id__in=[pk for pk, _ in rebuild["topics"]]).delete()
    CompanyLink.objects.filter(question_id__in=[pk for pk, _ in rebuild["companies"]]).delete()

    TopicLink.objects.bulk_create(
        [
            TopicLink(question_id=pk, topic_id=ids["topics"][s])
            for pk, w in rebuild["topics"]
            for s in sorted(w.topics)
        ],
        batch_size=1000,
    )
    CompanyLink.objects.bulk_create(
        [
            CompanyLink(question_id=pk, company_id=ids["companies"][s])
            for pk, w in rebuild["companies"]
            for s in sorted(w.companies)
        ],
        batch_size=1000,
    )
    KeyPoint.objects.bulk_create(
        [
            KeyPoint(question_id=pk, position=position, text=text)
            for pk, w in rebuild["key_points"]
            for position, text in enumerate(w.key_points, start=1)
        ],
        batch_size=1000,
    )
    Sighting.objects.bulk_create(
        [
            Sighting(question_id=pk, source_id=ids["sources"][source], number=number)
            for pk, w in rebuild["seen_in"]
            for source, number in sorted(w.seen_in)
        ],
        batch_size=1000,
    )


def import_paths(paths: Sequence[str | Path], *, dry_run: bool = False) -> tuple[Bank, Report | None]:
    bank = load(paths)
    if not bank.ok:
        return bank, None
    return bank, apply(bank, write=not dry_run)
