"""Check that bank text is our own words: no long run of words copied from a guide.

The rule (issue [1/6]): no run of 12 or more consecutive words in a fixture may
match one of the public guides in ``../shared/seeds``. Words are compared
case-insensitively with punctuation stripped, so re-punctuating a copied
sentence does not hide it.

Usable without Django: ``python -m questions.originality SEEDS_DIR FIXTURE...``
prints every copied run and exits non-zero if there is one.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

RUN_LENGTH = 12
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def words(text: str) -> list[str]:
    """Lower-cased words of ``text``; punctuation and typographic quotes dropped."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return _WORD.findall(text)


def runs(text: str, n: int = RUN_LENGTH) -> Iterator[tuple[str, ...]]:
    w = words(text)
    for i in range(len(w) - n + 1):
        yield tuple(w[i : i + n])


def seed_runs(seed_dir: Path, n: int = RUN_LENGTH) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for path in sorted(seed_dir.glob("*.txt")):
        if path.name.lower() == "readme.md":
            continue
        found.update(runs(path.read_text(encoding="utf-8"), n))
    return found


def copied_runs(texts: Iterable[str], seeds: set[tuple[str, ...]], n: int = RUN_LENGTH) -> list[str]:
    """The runs of ``n`` words in ``texts`` that also occur in the seeds."""
    hits = []
    for text in texts:
        for run in runs(text, n):
            if run in seeds:
                hits.append(" ".join(run))
    return hits


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def main(argv: list[str]) -> int:
    import yaml

    if len(argv) < 2:
        print("usage: python -m questions.originality SEEDS_DIR FIXTURE.yaml...", file=sys.stderr)
        return 2
    seeds = seed_runs(Path(argv[0]))
    status = 0
    for name in argv[1:]:
        data = yaml.safe_load(Path(name).read_text(encoding="utf-8")) or {}
        for question in data.get("questions", []):
            for hit in copied_runs(_strings(question), seeds):
                status = 1
                print(f"{name}: {question.get('slug')}: copied run: {hit!r}")
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
