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

Options for bench/cluster.py (environment variables, all off by default):
  LOAD_HOST=http://127.0.0.1:PORT   load a server that is already running (a load
      balancer, say); the database is the one DATABASE_URL names, left as it is.
  LOAD_CLIENT_ADDRESSES=1   each candidate sends an X-Forwarded-For address of its
      own (10.x.y.z), as a front proxy would, so per-address limits count per
      candidate; the servers then need PREPSITE_TRUSTED_PROXY_COUNT to match (this
      script sets 1 for the server it starts). Without it every candidate comes
      from 127.0.0.1 and shares one allowance of starts (30 per 10 minutes).
  LOAD_REOPEN=0.3   the share of questions a candidate opens a second time (a
      reload) before answering: the clock must carry on, not restart.
  LOAD_RECORDS=path   write what the clock audit needs there as JSON.
The clock audit (always run): every answered question's ``served_at`` lies
within its first page view (as the client timed it, same machine clock), so a
later view on any server never restamped it; ``submitted_at`` lies within the
answer POST; ``elapsed_ms`` is their difference; a reopened page shows no more
time left than the first view minus the time between them. Where the response
names the server (HAProxy's X-Served-By), it counts how many answers reached
another server than their question's first view did.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import tempfile
import time
import uuid
from datetime import datetime
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
EXTERNAL_HOST = os.environ.get("LOAD_HOST", "")
HOST = EXTERNAL_HOST or f"http://127.0.0.1:{PORT}"
CLIENT_ADDRESSES = os.environ.get("LOAD_CLIENT_ADDRESSES", "") == "1"
REOPEN = float(os.environ.get("LOAD_REOPEN", "0"))
RECORDS_PATH = os.environ.get("LOAD_RECORDS", "")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
POSITION = re.compile(r'/questions/(\d+)/answer"')
REMAINING = re.compile(r'data-remaining-ms="(-?\d+)"')
SESSION_ID = re.compile(r"/interviews/([0-9a-f-]{36})/")

ACCEPTED: list[str] = []  # answer texts the server accepted (2xx/3xx)
SERVER_ERRORS: list[str] = []
# One per accepted answer: what the clock audit checks (wall-clock times, same machine as the servers).
RECORDS: list[dict] = []
_addresses = iter(f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in range(1, 10**7))


@events.request.add_listener
def _watch(request_type, name, response, exception, **kwargs):
    if response is not None and response.status_code >= 500:
        SERVER_ERRORS.append(f"{request_type} {name} -> {response.status_code}")


class Candidate(HttpUser):
    """One candidate doing one whole interview after another."""

    wait_time = between(THINK_MIN, THINK_MAX)  # answers stay well within the 30 s deadline

    def on_start(self) -> None:
        if CLIENT_ADDRESSES:
            self.client.headers["X-Forwarded-For"] = next(_addresses)

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
            t0 = time.time()
            page = self.client.get(base, name="3 question")
            t1 = time.time()
            match = POSITION.search(page.text)
            if not match:
                break
            position = match.group(1)
            token = self.csrf(page.text)
            record = {
                "session": SESSION_ID.search(base).group(1),
                "position": int(position),
                "viewed": [t0, t1],
                "view_server": page.headers.get("X-Served-By", ""),
                "remaining_ms": _remaining(page.text),
            }
            if REOPEN and random.random() < REOPEN:  # noqa: S311
                self.wait()
                t0 = time.time()
                again = self.client.get(base, name="3b question again")
                record["reopened"] = [t0, time.time()]
                record["reopen_remaining_ms"] = _remaining(again.text)
                record["reopen_server"] = again.headers.get("X-Served-By", "")
            self.wait()
            text = f"load answer {uuid.uuid4()} – with unicode ✓ and <b>markup</b>"
            t2 = time.time()
            answered = self.client.post(
                f"{base}questions/{position}/answer",
                {"csrfmiddlewaretoken": token, "answer": text},
                name="4 answer",
                allow_redirects=False,
            )
            if answered.status_code < 400:
                ACCEPTED.append(text)
                record.update(
                    text=text,
                    answered=[t2, time.time()],
                    answer_server=answered.headers.get("X-Served-By", ""),
                )
                RECORDS.append(record)
            self.client.post(
                f"{base}questions/{position}/score",
                {"csrfmiddlewaretoken": token, "score": str(1 + int(position) % 5), "covered": ["1"]},
                name="5 score",
                allow_redirects=False,
            )
        self.client.get(f"{base}summary", name="6 summary")


def _remaining(html: str) -> int | None:
    match = REMAINING.search(html)
    return int(match.group(1)) if match else None


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


# Slack for the audit: timestamps are taken on the same machine, but the client's happen just
# outside the request (before the connection is made, after the body is read).
SLACK = 0.005


def check_clocks() -> dict[str, int]:
    """The clock audit (see the module docstring); call after check_database (Django is set up)."""
    from sessions.models import InterviewQuestion

    items = {
        (str(i.session_id), i.position): i
        for i in InterviewQuestion.objects.filter(
            session_id__in={r["session"] for r in RECORDS}
        ).select_related("answer")
    }
    result = {"answers": len(RECORDS), "served_at outside first view": 0, "submitted_at outside POST": 0}
    result |= {"elapsed_ms inconsistent": 0, "reopened clock restarted": 0, "missing": 0}
    result |= {"answered on another server than first viewed": 0, "reopened": 0}
    for r in RECORDS:
        item = items.get((r["session"], r["position"]))
        if item is None or not hasattr(item, "answer") or item.answer.text != r["text"]:
            result["missing"] += 1
            continue
        served, submitted = item.served_at.timestamp(), item.answer.submitted_at.timestamp()
        if not r["viewed"][0] - SLACK <= served <= r["viewed"][1] + SLACK:
            result["served_at outside first view"] += 1
        if not r["answered"][0] - SLACK <= submitted <= r["answered"][1] + SLACK:
            result["submitted_at outside POST"] += 1
        if abs(item.answer.elapsed_ms - (submitted - served) * 1000) > 1:
            result["elapsed_ms inconsistent"] += 1
        if r["view_server"] and r["answer_server"] and r["view_server"] != r["answer_server"]:
            result["answered on another server than first viewed"] += 1
        if "reopened" in r:
            result["reopened"] += 1
            # Time left on the second view can be no more than on the first minus the time between.
            allowed = r["remaining_ms"] - (r["reopened"][0] - r["viewed"][1]) * 1000 + 1000 * SLACK
            if r["reopen_remaining_ms"] is None or r["reopen_remaining_ms"] > allowed:
                result["reopened clock restarted"] += 1
    return result


def run_load(host: str) -> Environment:
    environment = Environment(user_classes=[Candidate], host=host, events=events)
    runner = environment.create_local_runner()
    runner.start(USERS, spawn_rate=SPAWN_RATE)
    time.sleep(SECONDS)
    runner.stop()
    runner.quit()
    return environment


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="prepsite-load-")
    if EXTERNAL_HOST:
        database_url = os.environ["DATABASE_URL"]
        env = dict(os.environ)
        stats = run_load(HOST).stats
    else:
        database_url = os.environ.get("LOAD_DATABASE_URL") or f"sqlite:///{tmp}/load.sqlite3"
        env = production_env(database_url)
        if CLIENT_ADDRESSES:
            # No proxy in front: the candidate's own X-Forwarded-For is the one entry to trust.
            env["PREPSITE_TRUSTED_PROXY_COUNT"] = "1"
        prepare_database(env)
        with Server(env, PORT):
            stats = run_load(HOST).stats

    vendor = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    total = stats.total
    print(
        f"\n{vendor}, {USERS} simultaneous candidates for {SECONDS} s, "
        f"think time {THINK_MIN:g}-{THINK_MAX:g} s, "
        f"{os.cpu_count()} cores, gunicorn.conf.py" + (f", through {HOST}" if EXTERNAL_HOST else "")
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
    for error in stats.errors.values():
        print(f"failure: {error.method} {error.name}: {error.error} ({error.occurrences}x)")
    accepted, once, bad = check_database(env)
    print(
        f"answers accepted: {accepted}; stored exactly once with their text: {once}; "
        f"lost or duplicated: {bad}"
    )
    print(f"5xx responses: {len(SERVER_ERRORS)}")
    clocks = check_clocks()
    print("clock audit: " + "; ".join(f"{k}: {v}" for k, v in clocks.items()))
    clock_faults = sum(
        v for k, v in clocks.items() if k not in {"answers", "reopened"} and "another" not in k
    )
    if RECORDS_PATH:
        summary = {
            "accepted": accepted,
            "stored_once": once,
            "lost_or_duplicated": bad,
            "server_errors": len(SERVER_ERRORS),
            "failures": total.num_failures,
            "clocks": clocks,
            "finished": datetime.now().isoformat(),
        }
        Path(RECORDS_PATH).write_text(json.dumps(summary, indent=2))
    return 1 if bad or SERVER_ERRORS or total.num_failures or clock_faults else 0


if __name__ == "__main__":
    raise SystemExit(main())
