"""How an answer was spoken, from its transcript: pace, fillers, hesitation. Never what was said.

Pure functions of a ``Transcript`` (and, for ``measure``, the seconds the
answer was given). The guidance in ``Delivery.summary`` says what good
delivery sounds like; it does not grade the content.

Definitions:

* **Speaking time**: from the start of the first word to the end of the last,
  pauses between words included (silence before the first word is
  hesitation, counted separately; silence after the last word is not).
* **Words per minute**: words spoken over the speaking time. Hesitation sounds
  (um, uh, er, erm, hmm) are not words and are left out; everything else,
  discourse fillers included, counts, as it takes the listener's time.
* **Fillers**: hesitation sounds in any spelling Whisper uses (um, umm, uhm;
  uh, uhh; er; erm; hm, hmm), and the discourse fillers below, with simple
  rules to keep their ordinary uses out. The rules lean on Whisper's
  punctuation, which sets asides off with commas ("what I'm, like, thinking"):

  - "like" counts only when Whisper put a comma after it ("it's, like, the
    slope"; "and like, the gradient"), so "looks like a", "I like", "things
    like dropout" never count. Some spoken fillers are missed; no verb is
    counted.
  - "so" counts when it opens the answer or a sentence ("So the gradient...")
    or stands alone before a comma; "so that", "so large" do not.
  - "you know" counts when set off by punctuation ("it's, you know, slow",
    "..., you know."), not in "you know the loss".
  - "sort of" and "kind of" count unless a determiner comes before them ("a
    kind of layer", "this sort of model").
  - "basically" and "actually" always count: in a spoken answer they are
    almost never needed.

Whisper (tiny.en especially) leaves some fillers out even with the filler
prompt (speech/transcriber.py), so the counts are a floor, not an exact tally.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from speech.transcriber import Transcript

# In the order they are reported.
FILLERS = (
    "um",
    "uh",
    "er",
    "erm",
    "hmm",
    "like",
    "you know",
    "sort of",
    "kind of",
    "basically",
    "actually",
    "so",
)
HESITATIONS = frozenset({"um", "uh", "er", "erm", "hmm"})

_HESITATION_SPELLINGS = [
    ("um", re.compile(r"u+h?m+")),
    ("uh", re.compile(r"u+h+")),
    ("erm", re.compile(r"er+m+")),
    ("er", re.compile(r"er")),
    ("hmm", re.compile(r"h+m+")),
]
_DETERMINERS = frozenset(
    {
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "any",
        "some",
        "one",
        "every",
        "each",
    }
)
_SENTENCE_END = (".", "?", "!", "…")

# What good looks like (docs/speech.md): the pace of relaxed conversation, a pause of a
# couple of seconds to think at most, and fillers rare enough not to be noticed.
GOOD_PACE_WPM = (120, 160)
GOOD_FIRST_WORD_S = 2.0
FEW_FILLERS_PER_MINUTE = 3.0
# Fewer words than this are too few to say anything about pace.
MIN_WORDS_FOR_PACE = 10


@dataclass(frozen=True)
class _Token:
    word: str  # lower case, punctuation stripped ("i'm", "rule")
    before: str  # punctuation glued on in front
    after: str  # punctuation glued on behind ("," for "like,")


_TOKEN = re.compile(r"^(\W*)(.*?)(\W*)$", re.UNICODE)


def _tokens(transcript: Transcript) -> list[_Token]:
    raw = [w.text for w in transcript.words] if transcript.words else transcript.text.split()
    tokens = []
    for item in raw:
        for piece in item.split():
            match = _TOKEN.match(piece)
            assert match is not None  # the pattern matches every string
            before, word, after = match.groups()
            if word:
                tokens.append(_Token(word.lower(), before, after))
            elif tokens:  # a lone "," or "…": glue it onto the word before
                last = tokens[-1]
                tokens[-1] = _Token(last.word, last.before, last.after + piece)
    return tokens


def _hesitation(word: str) -> str | None:
    for name, pattern in _HESITATION_SPELLINGS:
        if pattern.fullmatch(word):
            return name
    return None


def _fillers(tokens: list[_Token]) -> list[str]:
    """One entry per filler, in the order spoken."""
    found = []
    for i, token in enumerate(tokens):
        previous = tokens[i - 1] if i > 0 else None
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        hesitation = _hesitation(token.word)
        if hesitation:
            found.append(hesitation)
        elif token.word == "like":
            if token.after.startswith((",", "…", "...")):
                found.append("like")
        elif token.word == "so":
            opens = previous is None or previous.after.endswith(_SENTENCE_END)
            if opens or token.after.startswith(","):
                found.append("so")
        elif token.word in {"basically", "actually"}:
            found.append(token.word)
        elif token.word == "you" and following is not None and following.word == "know":
            set_off = bool(following.after) or (previous is not None and previous.after.endswith(","))
            if set_off:
                found.append("you know")
        elif token.word in {"sort", "kind"} and following is not None and following.word == "of":
            if previous is None or previous.word not in _DETERMINERS:
                found.append(f"{token.word} of")
    return found


def filler_counts(transcript: Transcript) -> dict[str, int]:
    """{filler: times heard} for the fillers heard at least once, in ``FILLERS`` order."""
    found = _fillers(_tokens(transcript))
    return {name: found.count(name) for name in FILLERS if name in found}


def speaking_time_s(transcript: Transcript) -> float:
    """Seconds from the first word's start to the last word's end (0.0 with no words)."""
    if not transcript.words:
        return 0.0
    return round(max(0.0, transcript.words[-1].end - transcript.words[0].start), 2)


def time_to_first_word_s(transcript: Transcript) -> float | None:
    """Seconds of silence (or noise) before the first word; None if nothing was said."""
    if not transcript.words:
        return None
    return round(transcript.words[0].start, 2)


def word_count(transcript: Transcript) -> int:
    """Words spoken, hesitation sounds (um, uh...) left out."""
    return sum(1 for t in _tokens(transcript) if _hesitation(t.word) is None)


def words_per_minute(transcript: Transcript) -> float:
    """Words (hesitations left out) per minute of speaking time; 0.0 with no words."""
    seconds = speaking_time_s(transcript)
    if seconds <= 0:
        return 0.0
    return round(word_count(transcript) * 60 / seconds, 1)


@dataclass(frozen=True)
class Delivery:
    seconds: float  # the time the answer was given (its limit)
    word_count: int
    speaking_time_s: float
    words_per_minute: float
    time_to_first_word_s: float | None
    filler_counts: dict[str, int]

    @property
    def filler_total(self) -> int:
        return sum(self.filler_counts.values())

    @property
    def fillers_per_minute(self) -> float:
        if self.speaking_time_s <= 0:
            return 0.0
        return round(self.filler_total * 60 / self.speaking_time_s, 1)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["filler_total"] = self.filler_total
        data["fillers_per_minute"] = self.fillers_per_minute
        return data

    def summary(self) -> list[str]:
        """Sentences for the candidate on pace, fillers and hesitation, each saying what good looks like."""
        if self.word_count == 0:
            return ["No speech was heard in the recording. Check the microphone and try again."]
        low, high = GOOD_PACE_WPM
        lines = []

        wpm = round(self.words_per_minute)
        if self.word_count < MIN_WORDS_FOR_PACE:
            lines.append(f"Only {self.word_count} words: too few to judge your pace.")
        elif wpm < low:
            lines.append(
                f"Pace: {wpm} words a minute, slower than the {low}–{high} of relaxed conversation. "
                "Slowing down for a key point is good; a whole answer this slow can sound unsure."
            )
        elif wpm > high:
            lines.append(
                f"Pace: {wpm} words a minute, faster than the {low}–{high} of relaxed conversation. "
                "Slowing down a little gives the interviewer time to follow each step."
            )
        else:
            lines.append(f"Pace: {wpm} words a minute, in the {low}–{high} of relaxed conversation.")

        if self.filler_total == 0:
            lines.append("Fillers: none heard.")
        else:
            heard = ", ".join(f"“{name}” ×{n}" for name, n in self.filler_counts.items())
            rate = self.fillers_per_minute
            advice = (
                "Few enough not to be noticed."
                if rate <= FEW_FILLERS_PER_MINUTE
                else f"More than about {FEW_FILLERS_PER_MINUTE:g} a minute gets noticed: "
                "a silent pause sounds more assured than a filler."
            )
            lines.append(f"Fillers: {heard} ({rate:g} a minute). {advice}")

        first = self.time_to_first_word_s
        if first is not None:
            if first <= GOOD_FIRST_WORD_S:
                lines.append(f"First word after {first:.1f} s: a prompt start (within about 2 s).")
            else:
                lines.append(
                    f"First word after {first:.1f} s. Within about 2 s sounds confident: "
                    "a one-line answer first buys time to think about the details."
                )

        if self.seconds > 0:
            lines.append(f"You spoke for {self.speaking_time_s:.0f} s of the {self.seconds:g} s allowed.")
        return lines


def measure(transcript: Transcript, *, seconds: float) -> Delivery:
    """The delivery figures for an answer given ``seconds`` (the question's time limit)."""
    return Delivery(
        seconds=seconds,
        word_count=word_count(transcript),
        speaking_time_s=speaking_time_s(transcript),
        words_per_minute=words_per_minute(transcript),
        time_to_first_word_s=time_to_first_word_s(transcript),
        filler_counts=filler_counts(transcript),
    )
