"""System checks for deployment mistakes (prepsite/checks.py; ids listed in docs/deploy.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from prepsite import checks
from tests.conftest import REPO

POSTGRES = {"ENGINE": "django.db.backends.postgresql", "NAME": "prepsite"}
SQLITE_FILE = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/prepsite/db.sqlite3"}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://c:6379"}}
DISK = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def conf(**overrides) -> SimpleNamespace:
    """A production configuration with none of the mistakes; ``overrides`` add one."""
    values = {
        "DEBUG": False,
        "DATABASES": {"default": POSTGRES},
        "CACHES": REDIS,
        "SESSION_ENGINE": "django.contrib.sessions.backends.db",
        "STORAGES": {"default": {"BACKEND": "storages.backends.s3.S3Storage"}},
        **overrides,
    }
    return SimpleNamespace(**values)


def ids(messages) -> list[str]:
    return [m.id for m in messages]


def test_a_good_production_configuration_raises_nothing():
    good = conf()
    assert checks.check_file_storage(good, ["sessions.Answer.recording"]) == []
    assert checks.check_cache(good) == []
    assert checks.check_sqlite_in_memory(good) == []
    assert checks.check_tasks(good) == []


# --- W001 ---------------------------------------------------------------------------------------


def test_w001_files_on_local_disk_with_several_servers():
    messages = checks.check_file_storage(
        conf(STORAGES={"default": DISK["default"]}), ["sessions.Answer.recording"]
    )
    assert ids(messages) == ["prepsite.W001"]
    assert "sessions.Answer.recording" in messages[0].msg


@pytest.mark.parametrize(
    "mistake_absent",
    [
        {"DEBUG": True},  # development
        {"DATABASES": {"default": SQLITE_FILE}},  # one machine: its disk is the only disk
    ],
)
def test_w001_is_quiet_in_development_and_on_one_machine(mistake_absent):
    settings = conf(STORAGES={"default": DISK["default"]}, **mistake_absent)
    assert checks.check_file_storage(settings, ["sessions.Answer.recording"]) == []


def test_w001_is_quiet_while_no_model_stores_files():
    assert checks.check_file_storage(conf(STORAGES={"default": DISK["default"]}), []) == []


# --- W002 ---------------------------------------------------------------------------------------


def test_w002_a_per_process_cache_with_several_servers():
    messages = checks.check_cache(conf(CACHES=LOCMEM))
    assert ids(messages) == ["prepsite.W002"]
    assert "LocMemCache" in messages[0].msg and "REDIS_URL" in messages[0].hint


def test_w002_says_when_sessions_live_in_that_cache():
    messages = checks.check_cache(
        conf(CACHES=LOCMEM, SESSION_ENGINE="django.contrib.sessions.backends.cache")
    )
    assert "Sessions are kept in that cache" in messages[0].msg


def test_w002_a_file_based_cache_is_per_server_too():
    cache = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": "/x"}}
    assert ids(checks.check_cache(conf(CACHES=cache))) == ["prepsite.W002"]


def test_w002_is_quiet_on_one_machine_and_in_development():
    assert checks.check_cache(conf(CACHES=LOCMEM, DATABASES={"default": SQLITE_FILE})) == []
    assert checks.check_cache(conf(CACHES=LOCMEM, DEBUG=True)) == []


# --- W003 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [":memory:", "", "file:prepsite?mode=memory&cache=shared"])
def test_w003_production_on_an_in_memory_sqlite_database(name):
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": name}
    assert ids(checks.check_sqlite_in_memory(conf(DATABASES={"default": database}))) == ["prepsite.W003"]


def test_w003_sqlite_in_a_file_is_a_supported_production_setup():
    assert checks.check_sqlite_in_memory(conf(DATABASES={"default": SQLITE_FILE})) == []


# --- W004 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "backend",
    [
        "django_tasks.backends.immediate.ImmediateBackend",
        "django_tasks.backends.dummy.DummyBackend",
        "django.tasks.backends.immediate.ImmediateBackend",  # Django 6's built-in
    ],
)
def test_w004_tasks_that_run_in_the_request_or_never_in_production(backend):
    messages = checks.check_tasks(conf(TASKS={"default": {"BACKEND": backend}}))
    assert ids(messages) == ["prepsite.W004"]
    assert backend in messages[0].msg


def test_w004_a_worker_backend_is_fine():
    tasks = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    assert checks.check_tasks(conf(TASKS=tasks)) == []
    assert (
        checks.check_tasks(conf(TASKS={"default": {"BACKEND": tasks["default"]["BACKEND"]}}, DEBUG=True))
        == []
    )


def test_w004_is_inert_when_tasks_is_not_set():
    assert checks.check_tasks(conf()) == []  # no TASKS attribute at all
    assert checks.check_tasks(conf(TASKS={})) == []


# --- registered with Django ---------------------------------------------------------------------


def test_manage_py_check_reports_them_by_id():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x7!" * 20 + "production-secret-for-the-check",
        ALLOWED_HOSTS="prep.example.org",
        DATABASE_URL="sqlite://:memory:",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert "(prepsite.W003)" in result.stderr + result.stdout
