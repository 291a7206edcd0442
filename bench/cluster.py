"""A local cluster: two app servers behind HAProxy on PostgreSQL + Redis + an RQ worker, under load.

    make cluster-load                       # CLUSTER_USERS=300 CLUSTER_SECONDS=90 by default

Topology, all on 127.0.0.1 (ports picked free at start, printed):

    locust (bench/load.py, 300 candidates)
        |  X-Forwarded-For: 10.x.y.z per candidate (locust plays the front proxy)
        v
    HAProxy :LB  round-robin, no stickiness, health check GET /healthz every 2 s,
        |        option forwardfor, adds X-Served-By: a|b to each response
        +--> gunicorn A :PA  (gunicorn.conf.py: 2 workers x 8 threads)  --+
        +--> gunicorn B :PB  (gunicorn.conf.py: 2 workers x 8 threads)  --+--> PostgreSQL prepsite_cluster
                                                                           +--> Redis db 11 (cache, RQ)
    manage.py rqworker --job-class django_tasks_rq.Job default speech  ----+

Both servers share one environment: DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY
(sessions and CSRF tokens must verify on either), PREPSITE_TASKS_BACKEND=rq,
PREPSITE_TRUSTED_PROXY_COUNT=2 (locust's header, then HAProxy's), and one
PREPSITE_MEDIA_ROOT (a folder both see, standing in for shared storage).

Steps: recreate the database ``prepsite_cluster``, flush Redis db 11, migrate and
import the bank once, create a staff user for the run, start the servers, the
worker and HAProxy; run the load through HAProxy; half-way through, preview an
admin YAML import through server A and confirm it through server B (straight to
their ports, logged in as the staff user); then the audits (bench/load.py: every
accepted answer stored exactly once, no 5xx, the clocks; here: the import, the
worker, requests per server from the access logs and HAProxy's stats). Prints
p50/p95/p99 per request type. Everything it started is stopped at the end, on
failure and on Ctrl-C too; the database is left for inspection (the next run
recreates it).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, free_port, on_signal, prepare_database, production_env  # noqa: E402

USERS = int(os.environ.get("CLUSTER_USERS", "300"))
SECONDS = int(os.environ.get("CLUSTER_SECONDS", "90"))
SPAWN_RATE = os.environ.get("CLUSTER_SPAWN_RATE", "10")
# A candidate reads and types for 5-15 s per step: inside the 30 s clock, quicker than most real ones.
THINK_MIN = os.environ.get("CLUSTER_THINK_MIN", "5")
THINK_MAX = os.environ.get("CLUSTER_THINK_MAX", "15")
DATABASE_URL = os.environ.get("CLUSTER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/prepsite_cluster")
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/11")
STAFF = "cluster-curator"
IMPORT = "/admin/questions/question/import/"
IMPORT_SLUG = "cluster-import-check"
IMPORT_YAML = f"""\
questions:
  - slug: {IMPORT_SLUG}
    prompt: "Cluster check: why must every app server behind a load balancer share one SECRET_KEY?"
    level: junior
    topics: [foundations]
    answer: "Sessions and CSRF tokens are signed or hashed with it; each server must verify the others'."
    key_points: [Signed sessions and CSRF tokens verify on every server]
"""

STAT_FIELDS = ("req_tot", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx")

_children: list[tuple[str, subprocess.Popen]] = []


def spawn(name: str, cmd: list[str], env: dict, log: Path, cwd: Path = ROOT) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603
        cmd, cwd=cwd, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
    )
    _children.append((name, process))
    return process


def stop_all() -> None:
    """Stop what this script started, newest first (HAProxy before the servers), whole process groups."""
    for _name, process in reversed(_children):
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 30
    for name, process in reversed(_children):
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop on SIGTERM: killing it")
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=5)
    _children.clear()


def wait_for(url: str, name: str, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{name} did not answer {url}:\n{log.read_text()[-3000:]}")


def haproxy_config(lb: int, stats: int, servers: dict[str, int]) -> str:
    lines = [
        "global",
        "    maxconn 4000",
        "defaults",
        "    mode http",
        "    timeout connect 5s",
        "    timeout client 60s",
        "    timeout server 60s",
        "    option forwardfor",
        "frontend prepsite",
        f"    bind 127.0.0.1:{lb}",
        "    default_backend app",
        "backend app",
        "    balance roundrobin",
        "    option httpchk",
        "    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1",
        "    http-check expect status 200",
        "    http-response set-header X-Served-By %[srv_name]",
        *(
            f"    server {name} 127.0.0.1:{port} check inter 2s fall 2 rise 1"
            for name, port in servers.items()
        ),
        "listen stats",
        f"    bind 127.0.0.1:{stats}",
        "    stats enable",
        "    stats uri /stats",
    ]
    return "\n".join(lines) + "\n"


def haproxy_stats(port: int) -> list[dict]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats;csv", timeout=5) as response:  # noqa: S310
        text = response.read().decode().lstrip("# ")
    return [row for row in csv.DictReader(io.StringIO(text)) if row["pxname"] == "app"]


def admin_import_across_servers(a: str, b: str, password: str, env: dict) -> dict:
    """Preview a YAML import through server A, confirm it through server B, one logged-in session."""
    import psycopg
    import requests

    token_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    browser = requests.Session()
    browser.headers["X-Forwarded-For"] = "10.255.0.1"
    login = browser.get(f"{a}/admin/login/", timeout=30)
    response = browser.post(
        f"{a}/admin/login/",
        {
            "username": STAFF,
            "password": password,
            "csrfmiddlewaretoken": token_re.search(login.text).group(1),
            "next": "/admin/",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, f"admin login on A answered {response.status_code}"
    page = browser.get(f"{a}{IMPORT}", timeout=30)
    preview = browser.post(
        f"{a}{IMPORT}",
        {"csrfmiddlewaretoken": token_re.search(page.text).group(1)},
        files={"file": ("cluster.yaml", IMPORT_YAML.encode(), "application/x-yaml")},
        timeout=30,
    )
    match = re.search(r'name="token" value="([^"]+)"', preview.text)
    assert preview.status_code == 200 and match and match.group(1), "the preview on A offered no Confirm"
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        pending = conn.execute(
            "SELECT COUNT(*) FROM questions_pendingimport WHERE token = %s", [match.group(1)]
        )
        waiting = pending.fetchone()[0]
    confirm = browser.post(
        f"{b}{IMPORT}",
        {
            "csrfmiddlewaretoken": token_re.search(preview.text).group(1),
            "token": match.group(1),
            "confirm": "1",
        },
        allow_redirects=False,
        timeout=60,
    )
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        imported = conn.execute("SELECT COUNT(*) FROM questions_question WHERE slug = %s", [IMPORT_SLUG])
        imported = imported.fetchone()[0]
        left = conn.execute("SELECT COUNT(*) FROM questions_pendingimport").fetchone()[0]
    return {
        "preview on A": preview.status_code,
        "pending rows after preview": waiting,
        "confirm on B": confirm.status_code,
        "confirm redirect": confirm.headers.get("Location", ""),
        "question imported": imported,
        "pending rows after confirm": left,
        "ok": waiting == 1 and confirm.status_code == 302 and imported == 1 and left == 0,
    }


def access_log_counts(log: Path) -> dict[str, int]:
    counts = {"requests": 0, "health checks": 0, "5xx": 0}
    status = re.compile(r'" (\d{3}) ')
    for line in log.read_text(errors="replace").splitlines():
        if "/healthz" in line:
            counts["health checks"] += 1
            continue
        counts["requests"] += 1
        match = status.search(line)
        if match and match.group(1).startswith("5"):
            counts["5xx"] += 1
    return counts


def main() -> int:
    for tool in ("haproxy",):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed: apt-get install -y {tool}")
    signal.signal(signal.SIGTERM, on_signal)
    tmp = Path(tempfile.mkdtemp(prefix="prepsite-cluster-"))
    try:
        return run(tmp)
    finally:
        stop_all()
        print(f"stopped everything this run started; logs in {tmp}")


def run(tmp: Path) -> int:
    import redis

    started = time.monotonic()
    password = secrets.token_urlsafe(18)
    env = {
        **production_env(DATABASE_URL),
        "REDIS_URL": REDIS_URL,
        "PREPSITE_TASKS_BACKEND": "rq",
        "PREPSITE_TRUSTED_PROXY_COUNT": "2",
        "PREPSITE_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_SUPERUSER_PASSWORD": password,
    }
    redis.Redis.from_url(REDIS_URL).flushdb()
    print(f"preparing: database {DATABASE_URL} (recreated), Redis {REDIS_URL} (flushed), bank, staff user")
    prepare_database(env)
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "createsuperuser",
            "--noinput",
            "--username",
            STAFF,
            "--email",
            "c@x.org",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ports = {"a": free_port(), "b": free_port()}
    lb, stats = free_port(), free_port()
    for name, port in ports.items():
        spawn(
            f"gunicorn {name}",
            # gunicorn 27 puts every server's control socket at ~/.gunicorn/gunicorn.ctl: one each.
            [
                *(sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"),
                *("--control-socket", str(tmp / f"gunicorn-{name}.ctl"), "prepsite.wsgi"),
            ],
            {
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_ACCESSLOG": str(tmp / f"access-{name}.log"),
            },
            tmp / f"gunicorn-{name}.log",
        )
    for name, port in ports.items():
        wait_for(f"http://127.0.0.1:{port}/healthz", f"gunicorn {name}", tmp / f"gunicorn-{name}.log")
    worker = spawn(
        "rqworker",
        [sys.executable, "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job", "default", "speech"],
        env,
        tmp / "rqworker.log",
    )
    config = tmp / "haproxy.cfg"
    config.write_text(haproxy_config(lb, stats, ports))
    subprocess.run(["haproxy", "-c", "-q", "-f", str(config)], check=True, timeout=30)  # noqa: S603, S607
    spawn("haproxy", ["haproxy", "-db", "-f", str(config)], env, tmp / "haproxy.log")
    wait_for(f"http://127.0.0.1:{lb}/healthz", "haproxy", tmp / "haproxy.log")
    for _ in range(50):
        if all(row["status"] == "UP" for row in haproxy_stats(stats) if row["svname"] in ports):
            break
        time.sleep(0.2)
    print(
        f"cluster up after {time.monotonic() - started:.0f} s: HAProxy 127.0.0.1:{lb} (stats :{stats}) -> "
        f"A 127.0.0.1:{ports['a']}, B 127.0.0.1:{ports['b']}; rqworker pid {worker.pid}; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )

    records = tmp / "load.json"
    load_env = {
        **env,
        "LOAD_HOST": f"http://127.0.0.1:{lb}",
        "LOAD_USERS": str(USERS),
        "LOAD_SECONDS": str(SECONDS),
        "LOAD_SPAWN_RATE": SPAWN_RATE,
        "LOAD_THINK_MIN": THINK_MIN,
        "LOAD_THINK_MAX": THINK_MAX,
        "LOAD_CLIENT_ADDRESSES": "1",
        "LOAD_REOPEN": "0.3",
        "LOAD_RECORDS": str(records),
    }
    load = subprocess.Popen([sys.executable, "bench/load.py"], cwd=ROOT, env=load_env)  # noqa: S603
    _children.append(("locust", load))
    time.sleep(min(SECONDS / 2, 45))
    try:
        imported = admin_import_across_servers(
            f"http://127.0.0.1:{ports['a']}", f"http://127.0.0.1:{ports['b']}", password, env
        )
    except Exception as exc:  # reported, and the run fails; the load goes on to its audit
        imported = {"ok": False, "error": repr(exc)}
    load_code = load.wait(timeout=SECONDS + 600)

    print("\nadmin import previewed on A, confirmed on B: " + json.dumps(imported))
    summary = json.loads(records.read_text()) if records.exists() else {}
    print("\nrequests per app server (access logs; health checks counted apart):")
    for name in ports:
        counts = access_log_counts(tmp / f"access-{name}.log")
        print(
            f"  {name}: {counts['requests']} requests ({counts['requests'] / SECONDS:.1f}/s over the load), "
            f"{counts['5xx']} 5xx, {counts['health checks']} health checks"
        )
    print("HAProxy's stats per server:")
    for row in haproxy_stats(stats):
        if row["svname"] in ports:
            print(
                f"  {row['svname']}: status {row['status']}, sessions {row['stot']}, "
                + ", ".join(
                    f"{k} {row.get(k, '')}"
                    for k in ("req_tot", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx")
                )
                + f", max queue {row['qmax']}"
            )
    connection = redis.Redis.from_url(REDIS_URL)
    from rq import Worker

    workers = Worker.all(connection=connection)
    worker_ok = worker.poll() is None and len(workers) == 1
    print(f"rqworker: running {worker.poll() is None}, registered with Redis: {len(workers)}")
    print(f"total {time.monotonic() - started:.0f} s; load average now {os.getloadavg()[0]:.1f}")
    ok = load_code == 0 and imported.get("ok") and worker_ok and summary
    print("CLUSTER RUN " + ("PASSED" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
