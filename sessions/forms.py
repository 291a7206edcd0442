from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from questions.models import Company, Level, Topic

from . import services
from .models import DEFAULT_COUNT, DEFAULT_SECONDS, MAX_COUNT, AnswerBy, Recording, Score

# C0 and C1 control characters other than tab, newline and carriage return. Nobody types them;
# PostgreSQL refuses NUL in text, so they are dropped from free text the same way on every database.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ASCII_INTEGER = re.compile(r"[+-]?[0-9]+")

# Far more than anyone says in a few minutes; the rest of a longer text is cut, with a notice.
ANSWER_MAX_CHARS = 10_000
NOTE_MAX_CHARS = 2_000


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


class WholeNumberField(forms.IntegerField):
    """An integer written with the ASCII digits 0-9 only (Python's int() also takes "²" or "٣")."""

    def to_python(self, value):
        if value not in self.empty_values and not ASCII_INTEGER.fullmatch(str(value).strip()):
            raise ValidationError("Enter a whole number using the digits 0 to 9.", code="invalid")
        return super().to_python(value)


class FreeTextField(forms.CharField):
    """Typed text: control characters dropped, then cut to ``max_chars`` (the form says when it cut)."""

    def __init__(self, *, max_chars: int, **kwargs) -> None:
        self.max_chars = max_chars
        super().__init__(strip=False, **kwargs)
        # Control characters are removed rather than refused, so Django's NUL validator has nothing to do.
        self.validators = [v for v in self.validators if v.code != "null_characters_not_allowed"]
        self.widget.attrs["maxlength"] = str(max_chars)

    def to_python(self, value) -> str:
        return without_control_characters(super().to_python(value))


# A spoken answer: at most this long and this large. Opus at the browser's usual 32-64 kbit/s makes
# about 0.5 MB a minute, so the byte cap leaves room for other codecs.
RECORDING_MAX_SECONDS = 300
RECORDING_MAX_BYTES = 20 * 1024 * 1024


class AnswerForm(forms.Form):
    """The answer to the question on screen: typed text, a recording, or both.

    Nothing typed can make the answer fail to save; a recording that is not
    audio, or too long, is refused with a message and stores nothing.
    """

    answer = FreeTextField(max_chars=ANSWER_MAX_CHARS, required=False)
    recording = forms.FileField(required=False)
    # Set by the runner's script when the clock reached 0 and it sent the answer by itself.
    ran_out = forms.BooleanField(required=False)

    def clean_recording(self) -> Recording | None:
        upload = self.cleaned_data["recording"]
        if not upload:
            return None
        if upload.size > RECORDING_MAX_BYTES:
            raise ValidationError(
                f"The recording is larger than {RECORDING_MAX_BYTES // (1024 * 1024)} MB, so it was not kept."
            )
        from speech.audio import NotAudio, TooLong, probe

        try:
            info = probe(upload, max_seconds=RECORDING_MAX_SECONDS)
        except NotAudio:
            raise ValidationError("That upload is not a sound recording, so it was not kept.") from None
        except TooLong:
            raise ValidationError(
                f"The recording runs over {RECORDING_MAX_SECONDS // 60} minutes, so it was not kept."
            ) from None
        upload.seek(0)
        return Recording(file=upload, format=f"{info.container}/{info.codec}", seconds=info.duration_s)

    def clean_answer(self) -> str:
        text = self.cleaned_data["answer"]
        self.shortened = len(text) > ANSWER_MAX_CHARS
        return text[:ANSWER_MAX_CHARS]

    @classmethod
    def read(cls, data, files=None) -> AnswerForm:
        form = cls(data, files)
        form.is_valid()  # the text is always kept; only a bad recording is an error
        return form


class StartForm(forms.Form):
    """Start a mock interview. Filter fields take slugs, so a start URL can be shared."""

    topic = forms.ModelChoiceField(
        Topic.objects.all(), label="Topic", required=False, empty_label="Any", to_field_name="slug"
    )
    level = forms.ModelChoiceField(
        Level.objects.all(), label="Level", required=False, empty_label="Any", to_field_name="slug"
    )
    company = forms.ModelChoiceField(
        Company.objects.all(),
        label="Company",
        required=False,
        empty_label="Any",
        to_field_name="slug",
    )
    # Optional so a one-button form (practise a topic, review what is due) can leave them to the defaults.
    count = WholeNumberField(
        label="Questions", min_value=1, max_value=MAX_COUNT, initial=DEFAULT_COUNT, required=False
    )
    seconds = WholeNumberField(
        label="Seconds per answer", min_value=10, max_value=300, initial=DEFAULT_SECONDS, required=False
    )
    answer_by = forms.ChoiceField(
        label="Answer by",
        choices=AnswerBy.choices,
        initial=AnswerBy.TYPING,
        required=False,
        widget=forms.RadioSelect,
        help_text="Speaking records your answer and transcribes it on this server; nothing leaves it.",
    )
    # A one-question interview from the bank's question page ("Practise this question").
    question = forms.SlugField(required=False, widget=forms.HiddenInput)
    review_due = forms.BooleanField(
        label="Review due questions",
        required=False,
        help_text="Start with the questions your review schedule says are due, then new ones.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("topic", "level", "company"):
            self.fields[name].widget.attrs["class"] = "filter-field"

    def clean_count(self) -> int:
        return self.cleaned_data["count"] or DEFAULT_COUNT

    def clean_seconds(self) -> int:
        return self.cleaned_data["seconds"] or DEFAULT_SECONDS

    def clean_answer_by(self) -> str:
        return self.cleaned_data["answer_by"] or AnswerBy.TYPING

    def filters(self) -> services.Filters:
        """The chosen topic, level and company; any that are missing or invalid count as "any"."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else getattr(self, "cleaned_data", {})
        return services.Filters(data.get("topic"), data.get("level"), data.get("company"))


class ScoreForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Self-score",
        choices=[(score.value, f"{score.value} {score.label}") for score in Score],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a self-score from 1 to 5 to go on."},
    )
    covered = forms.Field(required=False, widget=forms.CheckboxSelectMultiple)
    note = FreeTextField(
        label="Note (optional)",
        required=False,
        max_chars=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # The reveal draws its own radios for this field: number and word apart, so a phone can show
    # the five side by side.
    scale = list(Score)

    def __init__(self, *args, key_points=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.positions = {kp.position for kp in key_points}

    @classmethod
    def for_answer(cls, answer, key_points) -> ScoreForm:
        """Until the candidate scores, the key points detected in the answer are ticked for them;
        after that, their own ticks stand."""
        covered = answer.covered if answer.score is not None else sorted(answer.detected_phrases)
        return cls(
            key_points=key_points, initial={"score": answer.score, "covered": covered, "note": answer.note}
        )

    def rows(self, key_points, detected: dict[int, str]) -> list[dict]:
        """A row per key point for the reveal: its text, whether it is ticked, the phrase that detected it."""
        ticked = {int(v) for v in self["covered"].value() or [] if str(v).isascii() and str(v).isdigit()}
        return [
            {
                "position": p.position,
                "text": p.text,
                "ticked": p.position in ticked,
                "detected": detected.get(p.position),
            }
            for p in key_points
        ]

    def clean_covered(self) -> list[int]:
        """The ticked key points; anything that is not one of this question's points is dropped."""
        ticked = self.data.getlist("covered") if hasattr(self.data, "getlist") else []
        return sorted({int(v) for v in ticked if v.isascii() and v.isdigit() and int(v) in self.positions})

    def clean_note(self) -> str:
        return self.cleaned_data["note"][:NOTE_MAX_CHARS]


class ShareForm(forms.Form):
    # Everything private is left out unless the candidate ticks it: a link is easily forwarded.
    include_answers = forms.BooleanField(label="Include my typed answers and notes", required=False)
    include_recordings = forms.BooleanField(label="Include my recordings", required=False, initial=False)
    show_name = forms.BooleanField(label="Show my username", required=False)
    expires_days = WholeNumberField(
        label="Expires after (days, optional)", required=False, min_value=1, max_value=365
    )


# A date further ahead than this is a typo (a year of 20226), not a plan.
PLAN_MAX_DAYS_AHEAD = 730


class InterviewPlanForm(forms.Form):
    """The day of the candidate's real interview and, optionally, the company (history page)."""

    date = forms.DateField(
        label="Interview date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Choose the day of your interview.", "invalid": "Enter a date."},
    )
    company = forms.ModelChoiceField(
        Company.objects.all(),
        label="Company (optional)",
        required=False,
        empty_label="Any company",
        to_field_name="slug",
        help_text="With a company, only its questions count.",
    )

    def clean_date(self):
        day = self.cleaned_data["date"]
        today = timezone.localdate()
        if day < today:
            raise ValidationError("That day has passed: choose today or a day ahead.")
        if (day - today).days > PLAN_MAX_DAYS_AHEAD:
            raise ValidationError("Choose a day within the next two years.")
        return day
