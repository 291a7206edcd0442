"""Markdown for model answers: rendered once, then sanitised.

Curators write Markdown; candidates see HTML. The HTML is never trusted raw:
whatever Markdown produces (including any HTML a curator typed) passes through
nh3 with a small allow-list before it is stored.

Python-Markdown is slow on some shapes of input: each ``[`` (a possible link)
and ``<`` (possible raw HTML) scans ahead through the rest of its paragraph,
so thousands of them take quadratic time (12,000 ``[`` took 52 s), and deeply
nested lists or quotes exhaust the recursion limit. :func:`problem` refuses
those shapes up front, with limits far above anything a real answer needs;
together with the format's length cap (20,000 characters) the slowest input
it accepts renders in well under a second (a test holds it to that).
"""

from __future__ import annotations

import re
import threading

import markdown as md
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "sub", "sup",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}

# Limits of what :func:`problem` accepts.
MAX_RUN = 32  # the same markup character in a row
MAX_OPENERS = 100  # '[' or '<' in one paragraph
MAX_NESTING = 16  # lists and quotes inside each other

_RUN = re.compile(r"([\[*_<>`])\1{" + str(MAX_RUN) + ",}")
_CONTAINER = re.compile(r"[ \t]*(?:[>]|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _separate_lists(text: str) -> str:
    """Put a blank line before a list that directly follows a paragraph line.

    Curators write lists the way GitHub renders them, straight under a sentence;
    Python-Markdown would fold such a list into the paragraph as plain text.
    """
    out: list[str] = []
    in_fence = False
    previous = ""
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        elif (
            not in_fence
            and _LIST_ITEM.match(line)
            and previous.strip()
            and not _LIST_ITEM.match(previous)
            and not previous.startswith((" ", "\t"))
        ):
            out.append("")
        out.append(line)
        previous = line
    return "\n".join(out)


def _depth(line: str) -> int:
    """How deep a line nests: leading quote and list markers, plus its indentation."""
    indent = len(line) - len(line.lstrip(" \t"))
    depth = indent // 2
    position = 0
    while match := _CONTAINER.match(line, position):
        if match.end() == position:
            break
        depth += 1
        position = match.end()
    return depth


def problem(text: str) -> str | None:
    """Why ``text`` would render too slowly (or not at all), or None when it is fine.

    Phrased to follow a field's name: "'answer' has a run of ...".
    """
    # Code blocks are counted too: a fence Python-Markdown does not recognise (unclosed, say)
    # leaves its "code" to the inline patterns, so skipping it would let the slow shapes through.
    counts = {"[": 0, "<": 0}
    for line in text.splitlines():
        run = _RUN.search(line)
        if run:
            return (
                f"has a run of {len(run.group())} {run.group(1)!r} characters (at most {MAX_RUN} in a row); "
                "Markdown this repetitive renders very slowly"
            )
        if not line.strip():
            counts = {"[": 0, "<": 0}  # a new paragraph
            continue
        if _depth(line) > MAX_NESTING:
            return f"is nested more than {MAX_NESTING} levels deep (lists or quotes inside each other)"
        for char in counts:
            counts[char] += line.count(char)
            if counts[char] > MAX_OPENERS:
                return (
                    f"has too many {char!r} in one paragraph (at most {MAX_OPENERS}); "
                    "split it with blank lines or write fewer"
                )
    return None


_local = threading.local()


def _converter() -> md.Markdown:
    # Building a Markdown instance costs more than converting a typical answer, so each
    # thread keeps one and resets it between documents (instances are not thread-safe).
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = md.Markdown(extensions=["fenced_code", "tables", "sane_lists"])
    return converter


def render(text: str) -> str:
    converter = _converter()
    try:
        html = converter.convert(_separate_lists(text))
    finally:
        converter.reset()
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def render_page(text: str) -> str:
    """One of the repository's own docs (the YAML format, for the admin's import) as HTML.

    Written by us, not by curators, but sanitised all the same; unlike an answer it keeps
    its page headings.
    """
    html = md.markdown(text, extensions=["fenced_code", "tables", "sane_lists"])
    return nh3.clean(html, tags=ALLOWED_TAGS | {"h1", "h2"}, attributes=ALLOWED_ATTRIBUTES)
