"""A trivial task for the worker tests: the worker finds it by its module path, as it will sessions' tasks."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="speech")
def shout(word: str) -> str:
    return word.upper() + "!"
