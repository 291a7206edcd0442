"""Load test: many candidates doing whole interviews against the production stack.

    make load                                   # SQLite
    make load LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/prepsite_load

What it does, all on 127.0.0.1:
1. Creates a fresh database (a temp SQLite file, or recreates the PostgreSQL
   database named in LOAD_DATABASE_URL), migrates it and imports the bank.
2. Starts gunicorn with gunicorn.conf.py and DEBUG off, like ``make serve``.
3. Runs locust (as a library, headless): LOAD_USERS candidates, each doing
   whole interviews: open the home page, start a 5-question interview, and for
   each question open it, answer well within the deadline with a unique text,
   score it; the last score finishes the interview.
4. Stops after LOAD_SECONDS, then checks the database: every answer that got a
   2xx (or its redirect) is stored exactly once with its exact text, and no
   request got a 5xx. Prints throughput and p50/p95/p99 per step.

Exits non-zero if an answer was lost or duplicated or a 5xx occurred.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

import gevent  # noqa: F401  (locust needs gevent's monkey-patching before requests)
from locust import HttpUser, between, events, task
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, Server, prepare_database, production_env  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "100"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "25"))
PORT = int(os.environ.get("LOAD_PORT", "8765"))
# Seconds a candidate spends reading and typing per step. The default is a fast candidate
# (a real one uses most of the 30 s); LOAD_THINK_MIN=0.5 LOAD_THINK_MAX=1.5 is a stress test.
THINK_MIN = float(os.environ.get("LOAD_THINK_MIN", "3"))
THINK_MAX = float(os.environ.get("LOAD_THINK_MAX", "8"))
HOST = f"http://127.0.0.1:{PORT}"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
POSITION = re.compile(r'/questions/(\d+)/answer"')

ACCEPTED: list[str] = []  # answer texts the server accepted (2xx/3xx)
SERVER_ERRORS: list[str] = []


@events.request.add_listener
def _watch(request_type, name, response, exception, **kwargs):
    if response is not None and response.status_code >= 500:
        SERVER_ERRORS.append(f"{request_type} {name} -> {response.status_code}")


class Candidate(HttpUser):
    """One candidate doing one whole interview after another."""

    wait_time = between(THINK_MIN, THINK_MAX)  # answers stay well within the 30 s deadline

    def csrf(self, html: str) -> str:
        match = CSRF.search(html)
        return match.group(1) if match else ""

    @task
    def interview(self) -> None:
        home = self.client.get("/", name="1 home")
        token = self.csrf(home.text)
        started = self.client.post(
            "/interviews/start",
            {"csrfmiddlewaretoken": token, "count": "5", "seconds": "30"},
            name="2 start",
            allow_redirects=False,
        )
        if started.status_code != 302:
            return
        base = started.headers["Location"]
        for _ in range(5):
            page = self.client.get(base, name="3 question")
            match = POSITION.search(page.text)
            if not match:
                break
            position = match.group(1)
            token = self.csrf(page.text)
            self.wait()
            text = f"load answer {uuid.uuid4()} – with unicode ✓ and <b>markup</b>"
            answered = self.client.post(
                f"{base}questions/{position}/answer",
                {"csrfmiddlewaretoken": token, "answer": text},
                name="4 answer",
                allow_redirects=False,
            )
            if answered.status_code < 400:
                ACCEPTED.append(text)
            self.client.post(
                f"{base}questions/{position}/score",
                {"csrfmiddlewaretoken": token, "score": str(1 + int(position) % 5), "covered": ["1"]},
                name="5 score",
                allow_redirects=False,
            )
        self.client.get(f"{base}summary", name="6 summary")


def check_database(env: dict[str, str]) -> tuple[int, int, int]:
    """(accepted, stored exactly once, lost or duplicated) for the accepted answer texts."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "prepsite.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Count

    from sessions.models import Answer

    counts = dict(
        Answer.objects.filter(text__startswith="load answer ").values_list("text").annotate(n=Count("id"))
    )
    once = sum(1 for text in ACCEPTED if counts.get(text) == 1)
    return len(ACCEPTED), once, len(ACCEPTED) - once


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="prepsite-load-")
    database_url = os.environ.get("LOAD_DATABASE_URL") or f"sqlite:///{tmp}/load.sqlite3"
    env = production_env(database_url)
    prepare_database(env)
    with Server(env, PORT):
        environment = Environment(user_classes=[Candidate], host=HOST, events=events)
        runner = environment.create_local_runner()
        runner.start(USERS, spawn_rate=SPAWN_RATE)
        time.sleep(SECONDS)
        runner.stop()
        runner.quit()
        stats = environment.stats

    vendor = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    total = stats.total
    print(
        f"\n{vendor}, {USERS} simultaneous candidates for {SECONDS} s, "
        f"think time {THINK_MIN:g}-{THINK_MAX:g} s, "
        f"{os.cpu_count()} cores, gunicorn.conf.py"
    )
    print(f"{'step':<14}{'requests':>10}{'fails':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        print(
            f"{entry.name:<14}{entry.num_requests:>10}{entry.num_failures:>7}{entry.total_rps:>8.1f}"
            f"{entry.get_response_time_percentile(0.5):>8.0f}{entry.get_response_time_percentile(0.95):>8.0f}"
            f"{entry.get_response_time_percentile(0.99):>8.0f}"
        )
    print(
        f"{'all':<14}{total.num_requests:>10}{total.num_failures:>7}{total.total_rps:>8.1f}"
        f"{total.get_response_time_percentile(0.5):>8.0f}{total.get_response_time_percentile(0.95):>8.0f}"
        f"{total.get_response_time_percentile(0.99):>8.0f}"
    )
    accepted, once, bad = check_database(env)
    print(
        f"answers accepted: {accepted}; stored exactly once with their text: {once}; "
        f"lost or duplicated: {bad}"
    )
    print(f"5xx responses: {len(SERVER_ERRORS)}")
    return 1 if bad or SERVER_ERRORS or total.num_failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
