"""Writing the bank back out in the import format (see docs/yaml-format.md)."""

from __future__ import annotations

from typing import Any

import yaml
from django.db.models import QuerySet

from .models import Company, Level, Question, Source, Topic


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line text, so an exported file reads like a hand-written one."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def _optional(data: dict[str, Any], **values: Any) -> dict[str, Any]:
    data.update({key: value for key, value in values.items() if value})
    return data


def question_data(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": question.slug,
        "prompt": question.prompt,
        "level": question.level.slug,
        "topics": [t.slug for t in question.topics.all()],
    }
    companies = [c.slug for c in question.companies.all()]
    if companies:
        data["companies"] = companies
    data["answer"] = question.answer if question.answer.endswith("\n") else question.answer + "\n"
    data["key_points"] = [k.text for k in question.key_points.all()]
    _optional(data, why_asked=question.why_asked, pitfall=question.pitfall)
    seen = [{"source": s.source.slug, "number": s.number} for s in question.sightings.all()]
    if seen:
        data["seen_in"] = seen
    data["status"] = question.status
    return data


def bank_data(questions: QuerySet[Question] | None = None) -> dict[str, Any]:
    """The whole bank (or the given questions, with the whole vocabulary) as plain data."""
    questions = (
        (Question.objects.all() if questions is None else questions)
        .order_by("slug")
        .select_related("level")
        .prefetch_related("topics", "companies", "key_points", "sightings__source")
    )
    return {
        "levels": [
            _optional({"slug": x.slug, "name": x.name, "rank": x.rank}, description=x.description)
            for x in Level.objects.all()
        ],
        "topics": [
            _optional({"slug": x.slug, "name": x.name}, description=x.description)
            for x in Topic.objects.all()
        ],
        "companies": [{"slug": x.slug, "name": x.name} for x in Company.objects.all()],
        "sources": [_optional({"slug": x.slug, "title": x.title}, url=x.url) for x in Source.objects.all()],
        "questions": [question_data(q) for q in questions],
    }


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
