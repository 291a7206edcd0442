"""speech.delivery: pace, fillers and hesitation from a transcript, with exact numbers."""

from __future__ import annotations

import pytest

from speech.delivery import (
    filler_counts,
    measure,
    speaking_time_s,
    time_to_first_word_s,
    word_count,
    words_per_minute,
)
from speech.transcriber import Transcript, Word


def spoken(text: str, *, start: float = 0.0, step: float = 0.5) -> Transcript:
    """A transcript of ``text`` with one word every ``step`` seconds from ``start``, each lasting 0.4 s."""
    words = [
        Word(round(start + i * step, 2), round(start + i * step + 0.4, 2), w)
        for i, w in enumerate(text.split())
    ]
    return Transcript(text=text, words=words, duration_s=(words[-1].end + 1) if words else 0.0)


NOTHING = Transcript(text="", words=[], duration_s=5.0)


def test_it_times_speech_from_the_first_word_to_the_last():
    answer = spoken("The chain rule gives every gradient.", start=1.5)  # 6 words, 0.5 s apart
    assert time_to_first_word_s(answer) == 1.5
    assert speaking_time_s(answer) == 2.9  # 1.5 -> 4.4
    assert word_count(answer) == 6
    assert words_per_minute(answer) == pytest.approx(124.1)  # 6 * 60 / 2.9


def test_it_leaves_hesitations_out_of_the_pace_but_not_the_time():
    answer = spoken("Umm, the chain rule, uh, gives every gradient.")  # 8 tokens, 2 of them hesitations
    assert word_count(answer) == 6
    assert speaking_time_s(answer) == 3.9
    assert words_per_minute(answer) == pytest.approx(92.3)


def test_it_says_nothing_was_said():
    assert time_to_first_word_s(NOTHING) is None
    assert speaking_time_s(NOTHING) == 0.0
    assert words_per_minute(NOTHING) == 0.0
    assert filler_counts(NOTHING) == {}
    assert measure(NOTHING, seconds=90).summary() == [
        "No speech was heard in the recording. Check the microphone and try again."
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Umm, well. Uhh, yes. Uhm, er, erm, hmm, hm.", {"um": 2, "uh": 1, "er": 1, "erm": 1, "hmm": 2}),
        ("It's, like, the slope. And like, the gradient.", {"like": 2}),
        ("It looks like a bowl. I like it. Things like dropout help.", {}),
        ("So the gradient vanishes. It grows, so, yes. So, fine.", {"so": 3}),
        ("It is so large, so that it fails.", {}),
        ("It's, you know, slow. Fast, you know.", {"you know": 2}),
        ("As you know the loss falls.", {}),
        ("It's kind of slow and sort of noisy.", {"sort of": 1, "kind of": 1}),
        ("A kind of layer. This sort of model. What kind of loss?", {}),
        ("Basically it is actually the chain rule.", {"basically": 1, "actually": 1}),
        ("Backpropagation applies the chain rule from the loss back to every weight.", {}),
    ],
)
def test_it_counts_fillers_and_leaves_ordinary_words_alone(text, expected):
    assert filler_counts(spoken(text)) == expected


def test_it_counts_fillers_in_the_order_they_are_listed():
    assert list(filler_counts(spoken("So, like, um, you know, um, uh."))) == [
        "um",
        "uh",
        "like",
        "you know",
        "so",
    ]


def test_it_reads_the_text_when_there_are_no_word_timings():
    assert filler_counts(Transcript(text="Um, it's, like, slow.")) == {"um": 1, "like": 1}


def test_it_glues_stray_punctuation_onto_the_word_before():
    words = [Word(0.0, 0.2, "it's"), Word(0.3, 0.5, "like"), Word(0.5, 0.6, ","), Word(0.7, 0.9, "slow.")]
    assert filler_counts(Transcript(text="it's like , slow.", words=words)) == {"like": 1}


def test_a_good_delivery_is_described_as_good():
    # 40 words, 0.4 s apart: 40 * 60 / 16.0 s = 150 wpm, first word after 1 s, one filler.
    answer = spoken("So, " + " ".join(["word"] * 39), start=1.0, step=0.4)
    delivery = measure(answer, seconds=90)
    assert delivery.words_per_minute == 150.0
    assert delivery.filler_counts == {"so": 1}
    assert delivery.fillers_per_minute == pytest.approx(3.8)
    assert delivery.summary() == [
        "Pace: 150 words a minute, in the 120–160 of relaxed conversation.",
        "Fillers: “so” ×1 (3.8 a minute). More than about 3 a minute gets noticed: "
        "a silent pause sounds more assured than a filler.",
        "First word after 1.0 s: a prompt start (within about 2 s).",
        "You spoke for 16 s of the 90 s allowed.",
    ]


def test_a_slow_hesitant_delivery_is_told_what_good_looks_like():
    answer = spoken("Umm " + " ".join(["word"] * 20), start=4.2, step=1.0)  # 20 words over 20.4 s
    delivery = measure(answer, seconds=60)
    assert delivery.words_per_minute == pytest.approx(58.8)
    assert delivery.time_to_first_word_s == 4.2
    lines = delivery.summary()
    assert lines[0].startswith("Pace: 59 words a minute, slower than the 120–160 of relaxed conversation.")
    assert lines[1].startswith("Fillers: “um” ×1 (2.9 a minute). Few enough not to be noticed.")
    assert lines[2].startswith("First word after 4.2 s. Within about 2 s sounds confident")


def test_a_fast_delivery_is_asked_to_slow_down():
    answer = spoken(" ".join(["word"] * 30), step=0.3)  # 30 words over 9.1 s = 197.8 wpm
    assert measure(answer, seconds=30).summary()[0].startswith("Pace: 198 words a minute, faster than")


def test_a_few_words_are_too_few_to_judge():
    assert (
        measure(spoken("Chain rule."), seconds=30).summary()[0] == "Only 2 words: too few to judge your pace."
    )


def test_delivery_serialises_for_a_json_field():
    data = measure(spoken("Um, so, the chain rule."), seconds=60).to_dict()
    assert data == {
        "seconds": 60,
        "word_count": 4,
        "speaking_time_s": 2.4,
        "words_per_minute": 100.0,
        "time_to_first_word_s": 0.0,
        "filler_counts": {"um": 1, "so": 1},
        "filler_total": 2,
        "fillers_per_minute": 50.0,
    }


def test_it_measures_a_real_recording(spoken_transcript):
    delivery = measure(spoken_transcript, seconds=60)
    # espeak-ng was asked for 150 wpm; Whisper's word timings put it within that neighbourhood.
    assert 110 <= delivery.words_per_minute <= 190, spoken_transcript
    assert delivery.time_to_first_word_s is not None and delivery.time_to_first_word_s < 0.5
    assert 4.0 < delivery.speaking_time_s < 7.5
    assert delivery.filler_total >= 1
