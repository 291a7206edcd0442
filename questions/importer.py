"""Importing the question bank from curator YAML files.

Two phases, so that bad input writes nothing:

1. :func:`load` reads every file, checks every item against the format
   (``bankformat.py``) and every cross-reference (against the files themselves
   and the database), and collects *all* problems with their file and line.
2. :func:`apply` writes the whole bank in one transaction: upserts by slug,
   touching only rows that changed, with bulk queries so that thousands of
   questions import in seconds.

:func:`import_paths` ties them together for the management command (and the
admin's preview-then-confirm import). What is written where follows from the
format's description, so nothing here names a field of the format.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from . import markdown
from .bankformat import (
    SECTIONS,
    SINGULAR,
    Bank,
    Field,
    Item,
    ListOf,
    Ref,
    Section,
    Text,
    check_document,
    comparable,
)
from .models import Sighting
from .yamlfile import MAX_FILE_BYTES, Problem, YamlFileError, parse_bytes, read

__all__ = ["Bank", "Item", "Report", "apply", "import_paths", "load", "load_bytes"]

MAX_UPLOAD_BYTES = MAX_FILE_BYTES


# --- phase 1: read and validate ---------------------------------------------


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
    # Also when other items had problems, so one run reports as much as it can.
    check_references(bank)
    return bank


def load_bytes(data: bytes, name: str) -> Bank:
    """Validate one uploaded file (the admin's import) exactly as :func:`load` validates files."""
    bank = Bank(files=[name])
    add_document(bank, data=data, name=name)
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
    check_document(bank, document, display)


def check_references(bank: Bank) -> None:
    """Every slug a question names must exist, in the files or the database.

    Questions refused for another problem are checked too (with the fields that passed), so a
    curator sees every problem of a file at once; an item that is itself faulty counts as
    defined, so what names it is not also called unknown.
    """
    to_check = [*bank.items["questions"].values(), *bank.rejected["questions"]]
    if not to_check:
        return
    questions = SECTIONS["questions"]
    known = {
        name: set(bank.items[name])
        | {item.slug for item in bank.rejected[name]}
        | set(section.model.objects.values_list("slug", flat=True))
        for name, section in SECTIONS.items()
        if name != "questions"
    }
    places: dict[tuple[str, int], Item] = {}
    for item in to_check:
        q = item.data
        for section, slug in questions.references(q):
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
        for f in questions.many:
            values = q.get(f.name, [])
            if len(set(values)) != len(values):
                bank.problems.append(
                    Problem(item.path, item.line, f"question {item.slug!r}: {f.name!r} lists a slug twice")
                )
        # A guide's question is one bank question (the Sighting unique constraint).
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


def _wanted(section: Section, item: Item) -> dict[str, Any]:
    """What the database should hold for ``item``, field by field, in comparable form."""
    return {f.name: comparable(f, item.data.get(f.name, f.empty)) for f in section.fields if f.name != "slug"}


# Above this many slugs a query reads the whole table (and the rows are picked out here) rather than
# sending every slug as a query parameter: cheaper, and clear of the database's limit on parameters.
MAX_IN = 2_000


def _among(qs: models.QuerySet, lookup: str, slugs: list[str]) -> models.QuerySet:
    return qs if len(slugs) > MAX_IN else qs.filter(**{f"{lookup}__in": slugs})


def _existing(section: Section, slugs: list[str]) -> dict[str, tuple[int, dict[str, Any]]]:
    """slug -> (id, what the database holds, field by field, in the form :func:`_wanted` compares).

    Read as plain values: one query for the columns (the slug of each foreign key by a join) and one
    per list field, without building model instances (the slow part of reading 10,000 questions).
    """
    model = section.model
    wanted = set(slugs)
    plain = section.columns + section.refs
    lookups = [f.attname for f in section.columns] + [f"{f.attname}__slug" for f in section.refs]
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    slug_of: dict[int, str] = {}
    for pk, slug, *values in _among(model.objects.order_by(), "slug", slugs).values_list(
        "pk", "slug", *lookups
    ):
        if slug in wanted:
            found[slug] = (pk, {f.name: comparable(f, v) for f, v in zip(plain, values, strict=True)})
            slug_of[pk] = slug
    for f in section.many + section.rows:
        child, parent = _link_model(section, f)
        parent_slug = f"{parent.removesuffix('_id')}__slug"
        kind = f.type
        if kind.rows is None:
            columns = [f"{section.model._meta.get_field(f.attname).m2m_reverse_field_name()}__slug"]
        elif kind.is_records:
            columns = [
                f"{r.attname}__slug" if isinstance(r.type, Ref) else r.attname for r in kind.item.fields
            ]
        else:
            columns = [kind.rows.column]
        qs = _among(child.objects.order_by(), parent_slug, slugs)
        if kind.rows is not None and kind.rows.ordered:
            qs = qs.order_by(parent, "position")
        lists: dict[str, list[Any]] = {slug: [] for slug in found}
        for owner, *values in qs.values_list(parent, *columns):
            slug = slug_of.get(owner)
            if slug is None:
                continue
            if kind.is_records:
                lists[slug].append({r.name: v for r, v in zip(kind.item.fields, values, strict=True)})
            else:
                lists[slug].append(values[0])
        for slug, values in lists.items():
            found[slug][1][f.name] = comparable(f, values)
    return found


def apply(bank: Bank, *, write: bool = True, claim: Callable[[], bool] | None = None) -> Report | None:
    """Write a valid bank to the database in one transaction (or only count, with ``write=False``).

    ``claim``, if given, runs first inside that transaction; when it returns
    False nothing is written and the result is None (the admin's single-use
    confirm claims its pending import this way).
    """
    if not bank.ok:
        raise ValueError("refusing to import a bank with problems")
    report = Report()
    # Rendering happens here, before the transaction: on SQLite that transaction holds the
    # database's only write lock (BEGIN IMMEDIATE), which every candidate's answer waits for.
    html = _render(bank) if write else {}
    with transaction.atomic():
        if claim is not None and not claim():
            return None
        ids: dict[str, dict[str, int]] = {}
        for section in SECTIONS.values():
            created, changed, unchanged = _upsert(section, bank.items[section.name], ids, html, write=write)
            report.counts[section.name] = Counts(len(created), len(changed), len(unchanged))
            if section.name == "questions":
                report.created, report.updated, report.unchanged = created, changed, unchanged
            elif write:
                ids[section.name] = dict(section.model.objects.values_list("slug", "id"))
    return report


def _render(bank: Bank) -> dict[str, str]:
    """HTML for every Markdown text of the bank, keyed by the text.

    Texts the database already holds keep their stored HTML, so re-importing an
    unchanged bank renders nothing.
    """
    html: dict[str, str] = {}
    for section in SECTIONS.values():
        items = bank.items[section.name]
        for f in section.markdown:
            if not items:
                continue
            stored = _among(section.model.objects.order_by(), "slug", list(items)).values_list(
                f.attname, f"{f.attname}_html"
            )
            html.update(stored)
            for item in items.values():
                text = item.data.get(f.name, f.empty)
                if text not in html:
                    html[text] = markdown.render(text)
        for f, r in section.row_markdown:
            if not items:
                continue
            child, parent = _link_model(section, f)
            parent_name = parent.removesuffix("_id")
            stored = _among(child.objects.order_by(), f"{parent_name}__slug", list(items)).values_list(
                r.attname, f"{r.attname}_html"
            )
            html.update(stored)
            for item in items.values():
                for record in item.data.get(f.name, []):
                    text = record[r.name]
                    if text not in html:
                        html[text] = markdown.render(text)
    return html


def _upsert(
    section: Section,
    items: dict[str, Item],
    ids: dict[str, dict[str, int]],
    html: dict[str, str],
    *,
    write: bool,
) -> tuple[list[str], list[str], list[str]]:
    """Create new items and update changed ones; return the slugs created, changed and unchanged."""
    wanted = {slug: _wanted(section, item) for slug, item in items.items()}
    existing = _existing(section, list(wanted))
    new: list[str] = []
    changed: dict[str, tuple[int, set[str]]] = {}  # slug -> (id, names of the fields that differ)
    unchanged: list[str] = []
    for slug, want in wanted.items():
        if slug not in existing:
            new.append(slug)
            continue
        pk, have = existing[slug]
        differ = {name for name in want if have[name] != want[name]}
        if differ:
            changed[slug] = (pk, differ)
        else:
            unchanged.append(slug)
    if write:
        _write(section, items, new, changed, ids, html)
    return new, list(changed), unchanged


def _columns(
    section: Section, item: Item, ids: dict[str, dict[str, int]], html: dict[str, str]
) -> dict[str, Any]:
    """Model attributes for the item's column and foreign-key fields (see :func:`_column_names`)."""
    values = {f.attname: item.data.get(f.name, f.empty) for f in section.columns}
    for f in section.markdown:
        values[f"{f.attname}_html"] = html[values[f.attname]]
    for f in section.refs:
        values[f"{f.attname}_id"] = ids[f.type.section][item.data[f.name]]
    return values


def _column_names(section: Section) -> list[str]:
    return (
        [f.attname for f in section.columns]
        + [f"{f.attname}_html" for f in section.markdown]
        + [f"{f.attname}_id" for f in section.refs]
    )


# Model fields whose values need no preparing for the database when they are already str or int.
AS_IS = {
    "CharField", "TextField", "SlugField", "ForeignKey",
    "IntegerField", "SmallIntegerField", "BigIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField",
}  # fmt: skip


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT ``rows`` (model attribute -> value, the same keys in each) with one ``executemany``.

    What ``bulk_create`` does, without building a model instance per row or compiling SQL per
    batch: each value is prepared by its field for the database (JSON, datetimes), omitted fields
    get their default, and ``auto_now``/``auto_now_add`` fields the current time. Like
    ``bulk_create`` it sends no signals; the database still checks every constraint.
    """
    if not rows:
        return
    given = rows[0].keys()
    now = timezone.now()
    fields, defaults = [], {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.attname not in given:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults[f.attname] = now
            elif f.has_default():
                defaults[f.attname] = f.get_default()
            else:
                continue  # left to the database (NULL), as bulk_create would fail on it anyway
        fields.append(f)
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    # Names from the model, quoted; every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    prepared = {
        f.attname: f.get_db_prep_save(defaults[f.attname], connection)
        for f in fields
        if f.attname in defaults
    }
    # Text, slugs, whole numbers and foreign keys go to the database as they are (the format has
    # checked them to be str and int); other fields (JSON, for one) are prepared by the field.
    prepare = [None if f.get_internal_type() in AS_IS else f for f in fields]
    params = []
    for row in rows:
        values = []
        for f, p in zip(fields, prepare, strict=True):
            if f.attname not in row:
                values.append(prepared[f.attname])
            elif p is None:
                values.append(row[f.attname])
            else:
                values.append(p.get_db_prep_save(row[f.attname], connection))
        params.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _write(
    section: Section,
    items: dict[str, Item],
    new: list[str],
    changed: dict[str, tuple[int, set[str]]],
    ids: dict[str, dict[str, int]],
    html: dict[str, str],
) -> None:
    model = section.model
    _insert(model, [{"slug": slug, **_columns(section, items[slug], ids, html)} for slug in new])
    created = dict(_among(model.objects.order_by(), "slug", new).values_list("slug", "pk")) if new else {}
    # bulk_update skips auto_now, so a changed row's "updated" time is set here.
    stamps = [f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    now = timezone.now()
    relations = section.many + section.rows
    # Rows to (re)build, per relation: new items get everything, changed ones only what differs.
    rebuild: dict[str, list[tuple[int, Item]]] = {f.name: [] for f in relations}
    replace: dict[str, list[int]] = {f.name: [] for f in relations}  # changed items whose old rows go
    for slug in new:
        for f in relations:
            rebuild[f.name].append((created[slug], items[slug]))
    to_update = []
    for slug, (pk, differ) in changed.items():
        obj = model(pk=pk, slug=slug, **_columns(section, items[slug], ids, html))
        for name in stamps:
            setattr(obj, name, now)
        to_update.append(obj)
        for f in relations:
            if f.name in differ:
                rebuild[f.name].append((pk, items[slug]))
                replace[f.name].append(pk)
    if to_update:
        model.objects.bulk_update(to_update, _column_names(section) + stamps, batch_size=500)

    # Old rows go first: a sighting may move from one question to another.
    for f in relations:
        if replace[f.name]:
            child, parent = _link_model(section, f)
            child.objects.filter(**{f"{parent}__in": replace[f.name]}).delete()
    for f in relations:
        child, parent = _link_model(section, f)
        _insert(
            child,
            [
                {parent: pk, **values}
                for pk, item in rebuild[f.name]
                for values in _link_rows(section, f, item.data.get(f.name, []), ids, html)
            ],
        )


def _link_model(section: Section, f: Field) -> tuple[type[models.Model], str]:
    """The model holding a list field's rows, and the attribute of its key to the item."""
    assert isinstance(f.type, ListOf)
    if f.type.rows is None:
        m2m = section.model._meta.get_field(f.attname)
        return m2m.remote_field.through, f"{m2m.m2m_field_name()}_id"
    relation = section.model._meta.get_field(f.type.rows.related_name)
    return relation.related_model, relation.field.attname


def _link_rows(
    section: Section, f: Field, values: list[Any], ids: dict[str, dict[str, int]], html: dict[str, str]
) -> list[dict[str, Any]]:
    """The column values of each row a list field's ``values`` are stored as."""
    kind = f.type
    assert isinstance(kind, ListOf)
    if kind.rows is None:
        m2m = kind.item.section
        target = section.model._meta.get_field(f.attname).m2m_reverse_field_name()
        return [{f"{target}_id": ids[m2m][slug]} for slug in sorted(values)]
    if kind.is_records:
        rows = []
        for record in values:
            row = {}
            for r in kind.item.fields:
                if isinstance(r.type, Ref):
                    row[f"{r.attname}_id"] = ids[r.type.section][record[r.name]]
                else:
                    row[r.attname] = record[r.name]
                    if isinstance(r.type, Text) and r.type.markdown:
                        row[f"{r.attname}_html"] = html[record[r.name]]
            rows.append(row)
    else:
        rows = [{kind.rows.column: value} for value in values]
    if kind.rows.ordered:
        return [{"position": position, **row} for position, row in enumerate(rows, start=1)]
    # Unordered lists compare as sets: write them in a stable order.
    return sorted(rows, key=lambda row: tuple(row.values()))


def import_paths(paths: Sequence[str | Path], *, dry_run: bool = False) -> tuple[Bank, Report | None]:
    bank = load(paths)
    if not bank.ok:
        return bank, None
    report = apply(bank, write=not dry_run)
    assert report is not None  # only a failed claim returns None
    return bank, report
