"""Markdown for model answers: rendered once, then sanitised.

Curators write Markdown; candidates see HTML. The HTML is never trusted raw:
whatever Markdown produces (including any HTML a curator typed) passes through
nh3 with a small allow-list before it is stored.
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
