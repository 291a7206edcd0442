from __future__ import annotations

from django import forms

from questions.models import Company, Level, Topic

from . import services
from .models import DEFAULT_COUNT, DEFAULT_SECONDS, Score


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
    count = forms.IntegerField(
        label="Questions", min_value=1, max_value=20, initial=DEFAULT_COUNT, required=False
    )
    seconds = forms.IntegerField(
        label="Seconds per answer", min_value=10, max_value=300, initial=DEFAULT_SECONDS, required=False
    )
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
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, key_points=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.positions = {kp.position for kp in key_points}

    def clean_covered(self) -> list[int]:
        """The ticked key points; anything that is not one of this question's points is dropped."""
        ticked = self.data.getlist("covered") if hasattr(self.data, "getlist") else []
        return sorted({int(v) for v in ticked if v.isdigit() and int(v) in self.positions})


class ShareForm(forms.Form):
    include_answers = forms.BooleanField(
        label="Include my typed answers and notes", required=False, initial=True
    )
    show_name = forms.BooleanField(label="Show my username", required=False)
    expires_days = forms.IntegerField(
        label="Expires after (days, optional)", required=False, min_value=1, max_value=365
    )
