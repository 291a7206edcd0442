"""Long requests are noticed and bounded: slow-request log, gunicorn hooks, database timeouts."""

from __future__ import annotations

import logging
import os
import runpy
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from prepsite.middleware import SlowRequestMiddleware
from tests.conftest import REPO

# --- the slow-request log ------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def handled_in(seconds: float, path: str = "/history/"):
    """Run a request through the middleware whose view takes ``seconds`` on a fake clock."""
    clock = FakeClock()

    def view(request):
        clock.now += seconds
        return HttpResponse(status=200)

    middleware = SlowRequestMiddleware(view, clock=clock)
    return middleware(RequestFactory().get(path, {"page": "2"}))


def test_the_threshold_defaults_to_five_seconds(settings):
    assert settings.PREPSITE_SLOW_REQUEST_SECONDS == 5


def test_a_slow_request_is_logged_with_its_method_path_and_duration(caplog):
    with caplog.at_level(logging.WARNING, logger="prepsite.requests"):
        handled_in(6.25)
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "Slow request: GET /history/ took 6.2s (status 200, threshold 5s)"


def test_a_quick_request_is_not_logged(caplog):
    with caplog.at_level(logging.DEBUG, logger="prepsite.requests"):
        handled_in(4.9)
    assert caplog.records == []


def test_the_threshold_is_a_setting_and_zero_turns_it_off(settings, caplog):
    settings.PREPSITE_SLOW_REQUEST_SECONDS = 2
    with caplog.at_level(logging.WARNING, logger="prepsite.requests"):
        handled_in(3)
        settings.PREPSITE_SLOW_REQUEST_SECONDS = 0
        handled_in(300)
    assert len(caplog.records) == 1


def test_the_middleware_times_the_whole_stack(settings):
    assert settings.MIDDLEWARE[0] == "prepsite.middleware.SlowRequestMiddleware"


# --- gunicorn ------------------------------------------------------------------------------------------


class FakeLog:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def critical(self, msg, *args):
        self.lines.append(("critical", msg % args))

    def warning(self, msg, *args):
        self.lines.append(("warning", msg % args))


@pytest.fixture
def gunicorn_conf(monkeypatch):
    monkeypatch.setenv("GUNICORN_TIMEOUT", "30")
    return runpy.run_path(str(REPO / "gunicorn.conf.py"))


@pytest.fixture
def worker():
    return SimpleNamespace(pid=4242, log=FakeLog(), alive=True)


def request(path: str) -> SimpleNamespace:
    return SimpleNamespace(method="POST", path=path)


def test_gunicorn_bounds_requests_and_shutdowns(gunicorn_conf):
    assert gunicorn_conf["timeout"] == 30
    assert gunicorn_conf["graceful_timeout"] == 20
    assert gunicorn_conf["worker_class"] == "gthread"


def test_a_killed_worker_logs_the_request_it_was_running(gunicorn_conf, worker):
    gunicorn_conf["pre_request"](worker, request("/interviews/start"))

    gunicorn_conf["worker_abort"](worker)

    [(level, line)] = worker.log.lines
    assert level == "critical"
    assert "pid 4242" in line and "POST /interviews/start" in line


def test_a_finished_request_is_no_longer_in_flight(gunicorn_conf, worker):
    gunicorn_conf["pre_request"](worker, request("/history/"))
    gunicorn_conf["post_request"](worker, request("/history/"), {}, None)
    gunicorn_conf["worker_abort"](worker)
    assert "requests in flight: none" in worker.log.lines[0][1]


def test_the_watchdog_warns_once_about_a_request_past_the_timeout(gunicorn_conf, worker, monkeypatch):
    clock = FakeClock()
    monkeypatch.setitem(gunicorn_conf["report_long_requests"].__globals__, "monotonic", clock)
    gunicorn_conf["pre_request"](worker, request("/history/export.csv"))

    clock.now += 29
    gunicorn_conf["report_long_requests"](worker)
    assert worker.log.lines == []
    clock.now += 2
    gunicorn_conf["report_long_requests"](worker)
    clock.now += 5
    gunicorn_conf["report_long_requests"](worker)

    [(level, line)] = worker.log.lines
    assert level == "warning"
    assert "POST /history/export.csv" in line and "31s" in line and "pid 4242" in line


# --- the database ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
def test_postgresql_statements_are_cut_off_after_the_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "20s"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the busy timeout is SQLite's")
def test_sqlite_waits_for_a_lock_for_at_most_twenty_seconds():
    assert connection.settings_dict["OPTIONS"]["timeout"] == 20


def settings_in_subprocess(env: dict[str, str]) -> str:
    code = "from prepsite import settings; print(settings.DATABASES['default'].get('OPTIONS'))"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_the_statement_timeout_is_configurable():
    url = "postgres://u@db.invalid:5432/prepsite"
    assert "-c statement_timeout=20000" in settings_in_subprocess({"DATABASE_URL": url})
    assert "-c statement_timeout=1500" in settings_in_subprocess(
        {"DATABASE_URL": url, "PREPSITE_DB_STATEMENT_TIMEOUT_MS": "1500"}
    )
    assert "statement_timeout" not in settings_in_subprocess(
        {"DATABASE_URL": url, "PREPSITE_DB_STATEMENT_TIMEOUT_MS": "0"}
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the connection pool is PostgreSQL's")
def test_postgresql_connections_come_from_a_pool_sized_to_the_threads(db):
    options = connection.settings_dict["OPTIONS"]
    assert options["pool"]["max_size"] >= 1
    connection.ensure_connection()
    assert connection.pool is not None and connection.pool.max_size == options["pool"]["max_size"]
