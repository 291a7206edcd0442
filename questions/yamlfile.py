"""Reading curator YAML safely, keeping the line number of every item.

The importer must name the line of each mistake, survive hostile files and
never run code. So instead of ``yaml.safe_load`` we walk PyYAML's event stream
(the C parser when available) and build plain dicts, lists and scalars
ourselves:

* scalars are resolved and constructed by PyYAML's *safe* resolver and
  constructor, so ``!!python/...`` tags are refused like ``safe_load`` does;
* aliases (``*name``) are refused outright: the format never needs them, and
  refusing them makes "billion laughs" alias bombs impossible rather than
  merely bounded;
* files above ``MAX_FILE_BYTES`` are refused before parsing;
* building from events uses an explicit stack, so deep nesting cannot blow
  Python's recursion limit.

Mappings come back as :class:`LineDict` and sequences as :class:`LineList`,
which carry the (1-based) line of the item and of each key or element.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import ScalarNode

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 20

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_MAP_TAGS = {None, "!", "tag:yaml.org,2002:map"}
_SEQ_TAGS = {None, "!", "tag:yaml.org,2002:seq"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, at one line (when known)."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class YamlFileError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class LineDict(dict):
    line: int
    key_lines: dict[str, int]


class LineList(list):
    line: int
    item_lines: list[int]


def _line(mark: Any) -> int:
    return mark.line + 1


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.stack: list[Any] = []
        self.pending_key: list[Any] = []
        self.root: Any = None
        self.has_root = False
        # Only used for its safe resolver and constructor of scalars.
        self.scalars = yaml.SafeLoader("")

    def fail(self, line: int | None, message: str) -> YamlFileError:
        return YamlFileError(Problem(self.path, line, message))

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.scalars.resolve(ScalarNode, event.value, event.implicit)
        if tag == _STR:
            return event.value  # what the safe constructor would return, without its overhead
        line = _line(event.start_mark)
        if tag == _MERGE:
            raise self.fail(line, "YAML merge keys (<<) are not supported; write the fields out in full")
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.scalars.construct_object(node)
        except yaml.constructor.ConstructorError as exc:
            if event.tag is None or event.tag == "!":
                raise self._unreadable(line, event.value, tag) from exc
            raise self.fail(line, f"tag {event.tag!r} is not allowed") from exc
        except (ValueError, TypeError, OverflowError) as exc:
            # PyYAML's safe constructors raise these for e.g. 2001-13-45 or "!!int abc".
            raise self._unreadable(line, event.value, tag) from exc

    def _unreadable(self, line: int, value: str, tag: str) -> YamlFileError:
        kind = tag.rsplit(":", 1)[-1]
        return self.fail(
            line, f'{value!r} cannot be read as YAML {kind}; quote it to keep it as text, e.g. "{value}"'
        )

    def add(self, value: Any, line: int) -> None:
        if not self.stack:
            self.root, self.has_root = value, True
            return
        parent = self.stack[-1]
        if isinstance(parent, LineList):
            parent.append(value)
            parent.item_lines.append(line)
            return
        key = self.pending_key[-1]
        if key is _NO_KEY:
            if isinstance(value, (dict, list)) or value is None:
                raise self.fail(line, "a key must be plain text")
            if not isinstance(value, str):
                value = str(value)
            if value in parent:
                raise self.fail(line, f"duplicate key {value!r} (first at line {parent.key_lines[value]})")
            parent.key_lines[value] = line
            self.pending_key[-1] = value
        else:
            parent[key] = value
            self.pending_key[-1] = _NO_KEY

    def open(self, container: LineDict | LineList, line: int) -> None:
        if self.stack and isinstance(self.stack[-1], LineDict) and self.pending_key[-1] is _NO_KEY:
            raise self.fail(line, "a key must be plain text")
        if len(self.stack) >= MAX_DEPTH:
            raise self.fail(line, f"nested more than {MAX_DEPTH} levels deep")
        container.line = line
        if isinstance(container, LineDict):
            container.key_lines = {}
        else:
            container.item_lines = []
        self.add(container, line)
        self.stack.append(container)
        self.pending_key.append(_NO_KEY)

    def close(self) -> None:
        self.stack.pop()
        self.pending_key.pop()


_NO_KEY = object()


def parse(text: str, path: str) -> Any:
    """Parse one YAML document from ``text``; raise :class:`YamlFileError` on any problem."""
    builder = _Builder(path)
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_Parser):
            line = _line(event.start_mark)
            if isinstance(event, yaml.AliasEvent):
                raise builder.fail(line, "aliases (*name) are not allowed in question files")
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise builder.fail(line, "only one YAML document is allowed per file")
            elif isinstance(event, yaml.ScalarEvent):
                builder.add(builder.scalar(event), line)
            elif isinstance(event, yaml.MappingStartEvent):
                if event.tag not in _MAP_TAGS:
                    raise builder.fail(line, f"tag {event.tag!r} is not allowed")
                builder.open(LineDict(), line)
            elif isinstance(event, yaml.SequenceStartEvent):
                if event.tag not in _SEQ_TAGS:
                    raise builder.fail(line, f"tag {event.tag!r} is not allowed")
                builder.open(LineList(), line)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                builder.close()
    except yaml.reader.ReaderError as exc:
        # A raw control character (or other unprintable one) in the file itself.
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        kind = "a control character" if code < 0x20 or 0x7F <= code <= 0x9F else "an unprintable character"
        raise builder.fail(line, f"the file contains {kind} (U+{code:04X})") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "not valid YAML"
        raise builder.fail(_line(mark) if mark else None, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise builder.fail(None, f"invalid YAML: {exc}") from None
    return builder.root if builder.has_root else None


def read(path: Path, *, display: str | None = None) -> Any:
    """Read and parse a YAML file from disk, checking size and encoding first."""
    name = display or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlFileError(Problem(name, None, f"cannot read file: {exc.strerror}")) from None
    if size > MAX_FILE_BYTES:
        raise YamlFileError(
            Problem(name, None, f"file is too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")
        )
    return parse_bytes(path.read_bytes(), name)


def parse_bytes(data: bytes, name: str) -> Any:
    if len(data) > MAX_FILE_BYTES:
        raise YamlFileError(
            Problem(
                name,
                None,
                f"file is too large ({len(data):,} bytes; the limit is {MAX_FILE_BYTES:,})",
            )
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlFileError(
            Problem(
                name,
                line,
                f"file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            )
        ) from None
    return parse(text.removeprefix("\ufeff"), name)
