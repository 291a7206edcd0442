"""django-tasks is installed and its workers run our tasks: the database worker, and RQ on Redis."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus, task_backends

from tests.speech.tasks import shout

REDIS_URL = os.environ.get("PREPSITE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def test_the_database_backend_is_the_default(settings):
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert set(settings.TASKS["default"]["QUEUES"]) == {"default", "speech"}


@pytest.mark.django_db(transaction=True)  # the worker takes its own transactions (BEGIN EXCLUSIVE on SQLite)
def test_the_database_worker_runs_an_enqueued_task():
    result = shout.enqueue("spoken")
    assert result.status == TaskResultStatus.READY
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"

    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--queue-name", "*", verbosity=0
    )

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "SPOKEN!"


@pytest.fixture
def redis_connection():
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL} in CI: {exc}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (the RQ backend test needs it): {exc}")
    yield connection
    connection.close()


def test_the_rq_backend_runs_a_task_on_redis(settings, redis_connection):
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    settings.RQ_QUEUES = {name: {"URL": REDIS_URL} for name in ("default", "speech")}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "speech"]}}
    queue = django_rq.get_queue("speech", job_class=Job)
    queue.empty()
    result = None
    try:
        result = shout.enqueue("queued")
        assert type(task_backends["default"]).__name__ == "RQBackend"
        assert result.status == TaskResultStatus.READY
        assert queue.count == 1

        worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
        assert worker.work(burst=True)

        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == "QUEUED!"
    finally:
        queue.empty()
        if result is not None:  # the finished job's own key (kept for RQ's result TTL)
            queue.connection.delete(Job.key_for(result.id))


def test_settings_switch_to_rq_from_the_environment():
    """PREPSITE_TASKS_BACKEND=rq with REDIS_URL gives the RQ backend, django_rq and both queues."""
    import subprocess
    import sys

    code = (
        "import django, os; django.setup(); from django.conf import settings as s; "
        "print(s.TASKS['default']['BACKEND'], 'django_rq' in s.INSTALLED_APPS, sorted(s.RQ_QUEUES))"
    )
    env = {
        **os.environ,
        "PREPSITE_TASKS_BACKEND": "rq",
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "prepsite.settings",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.split() == ["django_tasks_rq.RQBackend", "True", "['default',", "'speech']"]
    env.pop("REDIS_URL")
    failed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)  # noqa: S603
    assert failed.returncode != 0 and "needs REDIS_URL" in failed.stderr
