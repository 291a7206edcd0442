"""Profile: where a runner request spends its time, in-process, with the production settings.

    make bench-profile                       # or: .venv/bin/python bench/profile_runner.py
    .venv/bin/python bench/profile_runner.py --requests 2000 --top 25

Builds a throw-away SQLite database as bench/peer.py does (migrated, the bank
imported, static files collected, DEBUG off), prepares a logged-in user's
20-question interviews with bench/_pools.py, then calls Django's WSGI handler
directly (no gunicorn, no socket: what is left is prepsite's own code and the
framework) for each target: ``/healthz``, the question page, the reveal, the
answer POST and the score POST. For each it prints the mean time per request
(interleaved in rounds, the median of the rounds), and for the pages it prints
a cProfile summary: time by area (SQL execution, ORM query building, templates,
middleware, the view's own code) and the functions with the most cumulative
time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, prepare_database, production_env  # noqa: E402

# Where a function's own time goes, by the file it is defined in (first match wins).
AREAS = [
    ("SQL execution (driver)", ("sqlite3", "psycopg", "backends/sqlite3/base.py", "backends/utils.py")),
    ("ORM: building queries and objects", ("django/db/",)),
    ("templates", ("django/template/", "template_partials", "django/templatetags/")),
    ("sessions and auth", ("contrib/sessions", "contrib/auth", "django/core/signing", "axes/")),
    (
        "middleware and request handling",
        ("django/middleware", "django/core/handlers", "whitenoise", "csp/", "django_htmx", "django/http/")
        + ("django/urls/", "prepsite/middleware"),
    ),
    ("prepsite code", ("sessions/", "questions/", "prepsite/")),
]


# Named phases of a runner request: (file suffix, function) whose cumulative time is shown.
PHASES = {
    "template rendering (django.shortcuts.render)": ("django/shortcuts.py", "render"),
    "browser session and user (Owner.from_request)": ("sessions/models.py", "from_request"),
    "interview, progress, question: one statement (runner_state)": ("sessions/runner_state.py", "_read"),
    "  ... or through the ORM: get_owned_or_404": ("sessions/models.py", "get_owned_or_404"),
    "  ... progress()": ("sessions/models.py", "progress"),
    "  ... item()": ("sessions/models.py", "item"),
    "the answer's INSERT and key-point detection (record_answer)": ("sessions/models.py", "record_answer"),
    "the score's UPDATE and review card (services.score_answer)": ("sessions/services.py", "score_answer"),
    "runner_context": ("sessions/views.py", "runner_context"),
}


def area_of(filename: str, func: str) -> str:
    if filename == "~":  # a built-in: its name says whose it is (e.g. sqlite3.Cursor's execute)
        filename = func
    for name, needles in AREAS:
        if any(n in filename for n in needles):
            return name
    return "other (stdlib, Django utils, ...)"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000, help="per target and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--top", type=int, default=18)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (database, pools.json)")
    parser.add_argument("--no-profile", action="store_true", help="timings only")
    parser.add_argument("--only", default="", help="comma-separated targets to profile (default: the pages)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="prepsite-profile-"))
    try:
        return measure(tmp, args)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def measure(tmp: Path, args: argparse.Namespace) -> int:
    url = args.database_url or f"sqlite:///{tmp / 'db.sqlite3'}"
    env = production_env(url)
    prepare_database(env)
    posts = args.requests * (args.rounds + 1) + 50  # the timed rounds, then the profiled run
    out = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "bench" / "_pools.py"), "--rounds", "1", "--pool", str(posts)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    pools = json.loads(out.stdout)
    if args.keep:
        (tmp / "pools.json").write_text(out.stdout)
        print(f"kept: {tmp}")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "prepsite.settings"
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    cookie = f"sessionid={pools['sessionid']}; csrftoken={pools['csrftoken']}"

    def call(method: str, path: str, body: bytes = b"") -> int:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_COOKIE": cookie,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if method == "POST":
            environ.update(
                CONTENT_TYPE="application/x-www-form-urlencoded",
                CONTENT_LENGTH=str(len(body)),
                HTTP_X_CSRFTOKEN=pools["csrftoken"],
                HTTP_ORIGIN="http://127.0.0.1:8000",
            )
        status = []
        result = app(environ, lambda s, h, exc_info=None: status.append(s))
        b"".join(result)
        if hasattr(result, "close"):
            result.close()
        return int(status[0].split()[0])

    answers = iter(pools["rounds"][0]["answer"])
    scores = iter(pools["rounds"][0]["score"])
    targets = {
        "/healthz": lambda: call("GET", "/healthz"),
        "question page": lambda: call("GET", pools["page"]),
        "reveal page": lambda: call("GET", pools["reveal"]),
        "answer POST": lambda: call("POST", next(answers), b"answer=benchmark+answer+text"),
        "score POST": lambda: call("POST", next(scores), b"score=3&covered=1"),
    }
    for name, target in targets.items():
        status = target()
        if status not in (200, 302):
            raise SystemExit(f"{name} answered {status}")

    times: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.rounds):
        for name, target in targets.items():
            started = time.perf_counter()
            for _ in range(args.requests):
                target()
            times[name].append((time.perf_counter() - started) / args.requests * 1000)
    floor = statistics.median(times["/healthz"])
    print(f"in-process, {args.requests} requests x {args.rounds} rounds per target, {url.split(':')[0]}")
    print(f"{'target':<16} {'ms/request':>10} {'req/s/core':>10} {'÷ /healthz':>10}")
    for name, rounds in times.items():
        ms = statistics.median(rounds)
        print(f"{name:<16} {ms:10.3f} {1000 / ms:10.0f} {floor / ms:10.2f}")

    profiled = args.only.split(",") if args.only else ["question page", "reveal page", "answer POST"]
    for name in [] if args.no_profile else profiled:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            targets[name]()
        profiler.disable()
        stats = pstats.Stats(profiler)
        by_area: dict[str, float] = defaultdict(float)
        total = 0.0
        for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
            by_area[area_of(filename, func)] += tt
            total += tt
        print(f"\n== {name}: cProfile, {args.requests} requests, own time by area")
        for area, tt in sorted(by_area.items(), key=lambda kv: -kv[1]):
            print(f"  {area:<40} {tt / total:6.1%}  {tt / args.requests * 1e6:8.0f} µs/request")
        # Cumulative time of the request's phases (they nest, so they do not add up to 100%).
        whole = sum(
            ct
            for (f, _l, fn), (_c, _n, _t, ct, _cl) in stats.stats.items()
            if fn == "__call__" and f.endswith("core/handlers/wsgi.py")
        )
        print(
            f"-- phases, cumulative share of the whole request ({whole / args.requests * 1e6:.0f} µs/request)"
        )
        for phase, (suffix, func) in PHASES.items():
            ct = sum(v[3] for (f, _l, fn), v in stats.stats.items() if fn == func and f.endswith(suffix))
            if ct:
                print(f"  {phase:<52} {ct / whole:6.1%}")
        for order in ("tottime", "cumulative"):
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(args.top)
            print(f"-- by {order}")
            print("\n".join(line for line in text.getvalue().splitlines()[6:] if line.strip()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
