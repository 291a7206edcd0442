from __future__ import annotations

from django import forms

from .bankformat import CONTROL
from .models import Company, Level, Topic


def slug_choices(model, any_label: str = "Any") -> list[tuple[str, str]]:
    return [("", any_label), *((obj.slug, obj.name) for obj in model.objects.all())]


class SearchField(forms.CharField):
    """Free text to search for, with control characters dropped.

    They never match bank text (the format refuses them), and PostgreSQL cannot
    take NUL in a query at all: dropping them keeps "down\x00samples" a search
    for "downsamples" on both databases, instead of an invalid form.
    """

    def to_python(self, value):
        return CONTROL.sub("", super().to_python(value))


class BankFilterForm(forms.Form):
    """The bank's filters; every field optional, values are slugs so URLs stay readable."""

    q = SearchField(label="Search", required=False, max_length=200)
    topic = forms.ChoiceField(label="Topic", required=False)
    level = forms.ChoiceField(label="Level", required=False)
    company = forms.ChoiceField(label="Company", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = slug_choices(Topic)
        self.fields["level"].choices = slug_choices(Level)
        self.fields["company"].choices = slug_choices(Company)
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": "e.g. dropout"})

    def filters(self) -> dict[str, str]:
        """Valid filters only: an unknown slug in a hand-edited URL is ignored, not an error page."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "topic": data.get("topic", ""),
            "level": data.get("level", ""),
            "company": data.get("company", ""),
            "text": data.get("q", "").strip(),
        }
