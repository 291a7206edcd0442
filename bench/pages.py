"""Benchmark: home, history and bank pages with 10,000 questions and a candidate with 1,000 interviews.

    make bench-pages         # or: DJANGO_DEBUG=1 .venv/bin/python bench/pages.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/prepsite_pages make bench-pages

Builds a throw-away database (SQLite in a temp folder unless BENCH_DATABASE_URL
is set; a PostgreSQL database named there is recreated), imports BENCH_QUESTIONS
(10,000) generated questions with bench/importer.py's generator (4 key points,
2 topics, 1 company and a sighting each), gives one user BENCH_INTERVIEWS
(1,000) finished 5-question interviews with answers and a review card per
question answered, then requests each page BENCH_REPEAT times in-process with
Django's test client. Prints the median and p95 time per request, the number of
queries, and the budget each page is held to (docs/performance.md); exits 1 if
a median is over its budget.

In-process means no HTTP, no gunicorn, no network: the figure is the view,
middleware and template, which is what the app's code decides. DJANGO_DEBUG=1
(as in bench/history.py) so static files need no manifest; Django then also
keeps each query's SQL in memory, a small cost included in the figures. Queries
are counted in a separate, untimed request.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

if os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
    import psycopg

    _url = os.environ["BENCH_DATABASE_URL"]
    _name = urlparse(_url).path.lstrip("/")
    with psycopg.connect(_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as _conn:
        _conn.execute(f'DROP DATABASE IF EXISTS "{_name}" WITH (FORCE)')
        _conn.execute(f'CREATE DATABASE "{_name}"')

import importer  # noqa: E402
from _django import ROOT  # noqa: E402, F401  (sets up Django on a throw-away database)
from _history import make_history  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from questions.models import Question  # noqa: E402
from sessions.models import Answer, ReviewCard  # noqa: E402

QUESTIONS = int(os.environ.get("BENCH_QUESTIONS", "10000"))
INTERVIEWS = int(os.environ.get("BENCH_INTERVIEWS", "1000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))

# (name, path, who, budget in ms for the median on the standard 2-core machine, SQLite)
PAGES = [
    ("home (signed in)", "/", "user", 25),
    ("home (anonymous)", "/", "anon", 20),
    ("history", "/history/", "user", 100),
    ("history page 2", "/history/?page=2", "user", 100),
    ("bank", "/questions/", "anon", 60),
    ("bank page 50", "/questions/?page=50", "anon", 60),
    ("bank topic", "/questions/?topic=t3", "anon", 60),
    ("bank topic+level", "/questions/?topic=t3&level=l2", "anon", 60),
    ("bank search", "/questions/?q=concept+42", "anon", 120),
]


def build() -> dict[str, Client]:
    call_command("migrate", verbosity=0)
    folder = Path(tempfile.mkdtemp(prefix="prepsite-pages-bank-"))
    importer.QUESTIONS = QUESTIONS
    importer.generate(folder)
    call_command("import_questions", str(folder), stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = get_user_model().objects.create_user("bench")
    questions = list(Question.objects.order_by("id"))
    items, answers = make_history(user, questions, INTERVIEWS)
    seen: set[int] = set()
    cards = []
    for it, answer in zip(items, answers, strict=True):
        if it.question_id in seen:
            continue
        seen.add(it.question_id)
        due = it.served_at + timedelta(days=1 + it.pk % 60)
        cards.append(
            ReviewCard(
                user=user,
                question_id=it.question_id,
                card={"card_id": it.question_id, "state": 2, "due": due.isoformat()},
                last_answer=answer,
                due=due,
                last_review=it.served_at,
                reviews=1,
            )
        )
    ReviewCard.objects.bulk_create(cards, batch_size=2000)
    signed_in = Client()
    signed_in.force_login(user)
    anonymous = Client()
    anonymous.get("/")  # a session and CSRF cookie, as a returning browser has
    return {"user": signed_in, "anon": anonymous}


def measure(client: Client, path: str) -> tuple[float, float, int]:
    response = client.get(path)  # warm caches
    assert response.status_code == 200, (path, response.status_code)
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(path)
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], queries


def main() -> int:
    setup_test_environment()
    started = time.perf_counter()
    clients = build()
    print(
        f"{connection.vendor}: {Question.objects.count()} questions, {INTERVIEWS} interviews, "
        f"{Answer.objects.count()} answers, {ReviewCard.objects.count()} review cards; built in "
        f"{time.perf_counter() - started:.0f} s; {REPEAT} requests per page, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'page':<20}{'median ms':>10}{'p95 ms':>9}{'queries':>9}{'budget':>8}")
    over = []
    for name, path, who, budget in PAGES:
        median, p95, queries = measure(clients[who], path)
        mark = "" if median <= budget else "  OVER"
        if mark:
            over.append(name)
        print(f"{name:<20}{median:>10.1f}{p95:>9.1f}{queries:>9}{budget:>8}{mark}")
    print(f"load average now {os.getloadavg()[0]:.1f}")
    if over:
        print("over budget: " + ", ".join(over))
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
