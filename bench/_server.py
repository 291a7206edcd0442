"""Shared by the benchmarks: a fresh database and the production stack on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def production_env(database_url: str) -> dict[str, str]:
    """What ``make serve`` sets: DEBUG off, a throw-away secret, plain HTTP on loopback."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-secret-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def prepare_database(env: dict[str, str]) -> None:
    """A fresh database with the bank imported and static files collected."""
    url = env["DATABASE_URL"]
    if url.startswith("postgres"):
        import psycopg

        name = urlparse(url).path.lstrip("/")
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    manage = [sys.executable, "manage.py"]
    quiet = {"cwd": ROOT, "env": env, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([*manage, "migrate", "-v0"], **quiet)  # noqa: S603
    subprocess.run([*manage, "import_questions", "fixtures/"], **quiet)  # noqa: S603
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], **quiet)  # noqa: S603


class Server:
    """gunicorn with gunicorn.conf.py, as ``make serve`` runs it; a context manager."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "prepsite.wsgi"],
            cwd=ROOT,
            env={**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_ACCESSLOG": "/dev/null"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        raise SystemExit(
            f"the server did not come up on {self.url}:\n{self.process.stderr.read().decode()[-2000:]}"
        )

    def __exit__(self, *exc) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def on_signal(signum, frame):
    """A signal handler that unwinds (so ``finally`` blocks stop what a benchmark started)."""
    raise SystemExit(f"stopped by signal {signum}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
