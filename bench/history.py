"""Benchmark: the history and home pages for a candidate with 1,000 interviews (5,000 answers).

    make bench-history            # or: DJANGO_DEBUG=1 .venv/bin/python bench/history.py

Builds a throw-away database (SQLite in a temp folder unless BENCH_DATABASE_URL
is set, e.g. a PostgreSQL URL), fills it, then requests each page REPEAT times
in-process with Django's test client and prints the median and p95 time and
the number of queries per request.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _django import ROOT  # noqa: E402, F401  (sets up Django on a throw-away database)
from _history import make_history  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from questions.models import Question  # noqa: E402
from sessions.models import Answer  # noqa: E402

INTERVIEWS = int(os.environ.get("BENCH_INTERVIEWS", "1000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def build() -> Client:
    call_command("migrate", verbosity=0)
    call_command("import_questions", str(ROOT / "fixtures"), stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = get_user_model().objects.create_user("bench")
    questions = list(Question.objects.order_by("id"))
    make_history(user, questions, INTERVIEWS)
    client = Client()
    client.force_login(user)
    return client


def measure(client: Client, path: str) -> tuple[float, float, int]:
    client.get(path)  # warm caches
    times = []
    queries = 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(ctx.captured_queries)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], queries


def main() -> None:
    setup_test_environment()
    client = build()
    print(
        f"{connection.vendor}: {INTERVIEWS} interviews, {Answer.objects.count()} answers, "
        f"{REPEAT} requests per page, {os.cpu_count()} cores"
    )
    print(f"{'page':<12}{'median ms':>12}{'p95 ms':>10}{'queries':>10}")
    for name, path in [("history", "/history/"), ("history p2", "/history/?page=2"), ("home", "/")]:
        median, p95, queries = measure(client, path)
        print(f"{name:<12}{median:>12.1f}{p95:>10.1f}{queries:>10}")


if __name__ == "__main__":
    main()
