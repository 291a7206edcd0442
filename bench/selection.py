"""Benchmark: starting an interview (random draw) with 100,000 questions in the bank.

    DJANGO_DEBUG=1 .venv/bin/python bench/selection.py   [BENCH_QUESTIONS=100000]

Prints the median time of ``interview_start`` for an unfiltered draw and a
topic-filtered draw, on a throw-away database (BENCH_DATABASE_URL for PostgreSQL).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import ROOT  # noqa: E402, F401  (sets up Django on a throw-away database)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from questions.models import Level, Question, Topic  # noqa: E402
from sessions.models import Owner  # noqa: E402
from sessions.services import Filters, interview_start  # noqa: E402

QUESTIONS = int(os.environ.get("BENCH_QUESTIONS", "100000"))
REPEAT = 20


def main() -> None:
    call_command("migrate", verbosity=0)
    level = Level.objects.create(slug="l", name="L", rank=1)
    topics = [Topic.objects.create(slug=f"t{i}", name=f"T{i}") for i in range(10)]
    created = Question.objects.bulk_create(
        (Question(slug=f"q{i}", prompt=f"Question {i}?", answer="a", level=level) for i in range(QUESTIONS)),
        batch_size=5000,
    )
    Question.topics.through.objects.bulk_create(
        (
            Question.topics.through(question_id=q.pk, topic_id=topics[i % 10].pk)
            for i, q in enumerate(created)
        ),
        batch_size=5000,
    )
    owner = Owner(token=os.urandom(16).hex())
    print(f"{connection.vendor}: {Question.objects.count():,} questions, {os.cpu_count()} cores")
    for label, filters in [("any topic", Filters()), ("one topic (10%)", Filters(topic=topics[3]))]:
        times = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            interview_start(owner=owner, filters=filters, count=5, seconds=30)
            times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times)
        print(f"start interview, {label:<16} median {median:7.1f} ms   max {max(times):7.1f} ms")


if __name__ == "__main__":
    main()
