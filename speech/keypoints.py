"""Which of a question's key points a spoken answer mentions, from its transcript.

``detect(text, key_points)`` finds, for each key point, one of its cues in the
text and returns the phrase as the candidate said it. It is a hint for the
candidate's self-scoring ("you mentioned the chain rule"), not a grade.

How a cue is found, in order:

1. Every word is reduced to a rough stem: lower case, British spellings made
   American (normalise → normalize), common endings dropped (gradients →
   gradient, normalization / normalized / normalizing → normal, rules → rul).
   A cue is found when its stems appear in a row. Spaces do not matter
   ("back propagation" finds "backpropagation" and the other way round).
2. Otherwise, for cues of ``FUZZY_MIN_LETTERS`` letters or more, a run of words
   one shorter to one longer than the cue is compared with it letter by letter
   (rapidfuzz ``ratio`` on the words as written, spaces removed) and counts at
   ``FUZZY_THRESHOLD`` or above, if three guards let it through:

   - one of its words was heard right: a word of the cue (by stem), or a word
     of 5+ letters found inside the cue, in the same place ("propagation" ends
     "backpropagation", so it must end the run: "my propagation", not
     "propagation of");
   - it is not just a piece of the cue ("propagation" alone is judged with
     the word before it);
   - it does not differ from the cue only by a contrasting prefix
     (``_CONTRAST_PREFIXES``: under/over, forward/back...).

   This forgives transcription slips: tiny.en writes "my propagation" (78.6)
   for espeak's "backpropagation" and "can rule" (87.5) for "chain rule". The
   threshold and guards were chosen on both sides (tests/speech/test_keypoints.py):
   "the chair rolled" (60.9) and "chair rolled" (70.0) for "chain rule",
   "forward propagation" (72.7), "brain rule" (77.8), "every way it" (76.2)
   for "every weight", and "evolution", "retention", "transfer" (no word heard
   right) for "convolution", "attention", "transformer" stay out.
   Shorter cues must be found exactly (step 1): with few letters one slip
   makes another word (chain/chair, loss/lost).
3. A key point with no cues is looked for by its own distinctive words: the
   words of its text that are not common English (``_COMMON``), each looked for
   as in 1 and 2; at least half of them (rounded up) must be heard.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

FUZZY_THRESHOLD = 78.0
FUZZY_MIN_LETTERS = 9

KeyPointCues = tuple[int, str, Sequence[str]]  # (position, point text, cues)

_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_BRITISH = (
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ise", "ize"),
    ("ysing", "yzing"),
    ("ysed", "yzed"),
    ("yse", "yze"),
)
_ENDINGS = (
    "izations",
    "ization",
    "izing",
    "ized",
    "izes",
    "ize",
    "ations",
    "ation",
    "ingly",
    "ings",
    "ing",
    "edly",
    "ed",
    "es",
    "s",
)
_COMMON = frozenset(
    """a about above after again all also an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her
    here how i if in into is it its it's just more most much must my no nor not now of off on once one only or
    other our out over own same she should so some such than that the their them then there these they this
    those through to too under until up very was we were what when where which while who why will with would
    you your uses use used using make makes made get gets way ways thing things like well""".split()
)


# A run that differs from the cue only by swapping one of these for another (or for
# nothing) names a different thing: overfitting/underfitting, backward/forward propagation.
_CONTRAST_PREFIXES = frozenset(
    "over under forward backward back pre post up down in out un non de en sub super inter intra "
    "multi single uni bi mono encoder decoder".split()
) | {""}


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """A rough stem, good enough to match inflections and British/American spellings."""
    w = word.lower().replace("’", "'").replace("-", "")
    if w.endswith("'s"):
        w = w[:-2]
    for british, american in _BRITISH:
        if w.endswith(british) and len(w) > len(british) + 2:
            w = w[: -len(british)] + american
            break
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ied") and len(w) > 4:
        w = w[:-3] + "y"
    else:
        for ending in _ENDINGS:
            if w.endswith(ending) and len(w) - len(ending) >= 3:
                if ending == "s" and w.endswith(("ss", "us", "is")):
                    break  # loss, bias, corpus: not plurals
                w = w[: -len(ending)]
                break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


@dataclass(frozen=True)
class _Text:
    text: str
    spans: list[tuple[int, int]]  # character offsets of each word
    stems: list[str]

    def phrase(self, first: int, last: int) -> str:
        """The words first..last (inclusive) as they appear in the text."""
        return self.text[self.spans[first][0] : self.spans[last][1]]


def _letters(word: str) -> str:
    return word.lower().replace("’", "").replace("'", "").replace("-", "")


def _contrasting(run: str, cue: str) -> bool:
    """True when the two differ only by prefixes that name different things (underfitting/overfitting)."""
    for ours in _CONTRAST_PREFIXES:
        if run.startswith(ours):
            rest = run[len(ours) :]
            if any(theirs != ours and cue == theirs + rest for theirs in _CONTRAST_PREFIXES):
                return True
    return False


def _piece_in_place(piece: str, cue: str, index: int, first: int, last: int) -> bool:
    """A word found inside the cue anchors a run only where it sits in the cue: the end of
    "backpropagation" must end the run ("my propagation"), not start it ("propagation of")."""
    if cue.endswith(piece) and index != last:
        return False
    if cue.startswith(piece) and index != first:
        return False
    return True


class _Finder:
    """Cue lookups on one text; runs of words are built once per length and reused."""

    def __init__(self, text: str) -> None:
        matches = list(_WORD.finditer(text))
        self.text = _Text(text, [m.span() for m in matches], [stem(m.group()) for m in matches])
        self.letters = [_letters(m.group()) for m in matches]
        self._exact: dict[int, dict[str, int]] = {}
        self._runs: dict[int, list[str]] = {}

    def exact(self, size: int) -> dict[str, int]:
        """{stems of a run of ``size`` words, spaces removed: where it first starts}."""
        if size not in self._exact:
            stems = self.text.stems
            found: dict[str, int] = {}
            for i in range(len(stems) - size + 1):
                found.setdefault("".join(stems[i : i + size]), i)
            self._exact[size] = found
        return self._exact[size]

    def runs(self, size: int) -> list[str]:
        """Every run of ``size`` words as written (lower case, spaces removed), by start."""
        if size not in self._runs:
            letters = self.letters
            self._runs[size] = ["".join(letters[i : i + size]) for i in range(len(letters) - size + 1)]
        return self._runs[size]

    def find(self, cue: str) -> tuple[int, int] | None:
        """(first, last) word of the cue in the text, or None."""
        cue_words = _WORD.findall(cue)
        if not cue_words:
            return None
        cue_stems = [stem(w) for w in cue_words]
        sizes = range(max(1, len(cue_words) - 1), len(cue_words) + 2)
        target = "".join(cue_stems)
        for size in sizes:  # 1: the stems in a row, spaces ignored
            start = self.exact(size).get(target)
            if start is not None:
                return start, start + size - 1
        written = "".join(_letters(w) for w in cue_words)
        if len(written) < FUZZY_MIN_LETTERS:
            return None
        anchors = {s for s, w in zip(cue_stems, cue_words, strict=True) if w.lower() not in _COMMON}
        best: tuple[float, int, int] | None = None
        for size in sizes:  # 2: close enough, with one word heard right
            for run, score, start in process.extract(
                written, self.runs(size), scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=None
            ):
                if best is not None and score <= best[0]:
                    break  # sorted best first: nothing better at this length
                if run in written:
                    continue  # only a piece of the cue ("propagation"): judged with its neighbour
                if _contrasting(run, written):
                    continue
                last = start + size - 1
                if not any(
                    self.text.stems[i] in anchors
                    or (
                        len(self.letters[i]) >= 5
                        and self.letters[i] in written
                        and _piece_in_place(self.letters[i], written, i, start, last)
                    )
                    for i in range(start, last + 1)
                ):
                    continue
                best = (score, start, last)
                break
        if best is None:
            return None
        return best[1], best[2]


def distinctive_words(point_text: str) -> list[str]:
    """The words of a key point that are not common English, one per stem, in order."""
    seen: set[str] = set()
    words = []
    for word in _WORD.findall(point_text):
        s = stem(word)
        if word.lower() in _COMMON or len(s) < 3 or s in seen:
            continue
        seen.add(s)
        words.append(word)
    return words


def detect(text: str, key_points: Iterable[KeyPointCues]) -> dict[int, str]:
    """{position: phrase as said} for each key point one of whose cues (or, with no cues, enough
    of its distinctive words) is in ``text``. Case-insensitive, forgiving of inflection and of
    transcription slips (see the module docstring)."""
    finder = _Finder(text)
    found: dict[int, str] = {}
    for position, point_text, cues in key_points:
        usable = [c for c in cues if c and c.strip()]
        if usable:
            for cue in usable:
                where = finder.find(cue)
                if where is not None:
                    found[position] = finder.text.phrase(*where)
                    break
            continue
        words = distinctive_words(point_text)
        if not words:
            continue
        heard = sorted(w for w in (finder.find(word) for word in words) if w is not None)
        if len(heard) >= math.ceil(len(words) / 2):
            first, last = heard[0][0], heard[-1][1]
            if last - first < 8:
                found[position] = finder.text.phrase(first, last)
            else:
                found[position] = " … ".join(finder.text.phrase(a, b) for a, b in heard)
    return found
