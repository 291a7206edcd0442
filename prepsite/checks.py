"""System checks for configuration mistakes a deployer can make (docs/deploy.md lists them).

Each check is a plain function of a settings object, so tests hand it a
namespace instead of overriding real settings. The registered wrappers at the
end run them against the real settings in ``manage.py check`` and every command
that runs the checks (``migrate`` too); ``PrepsiteConfig.ready()`` imports this
module to register them. They only ever speak when DEBUG is off: development on
one machine is fine as it is.

A PostgreSQL (or any non-SQLite) ``DATABASE_URL`` is taken to mean several app
servers, which is why the project offers it; SQLite means one machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import models

LOCAL_STORAGE = {
    "django.core.files.storage.FileSystemStorage",
    "django.core.files.storage.filesystem.FileSystemStorage",
}
LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "in each process's memory",
    "django.core.cache.backends.filebased.FileBasedCache": "on each server's disk",
}
CACHE_SESSIONS = {"django.contrib.sessions.backends.cache", "django.contrib.sessions.backends.cached_db"}
IN_PROCESS_TASKS = {
    "ImmediateBackend": "runs every task inside the request that enqueues it",
    "DummyBackend": "never runs any task",
}


def _production(conf: Any) -> bool:
    return not conf.DEBUG


def _several_servers(conf: Any) -> bool:
    return "sqlite" not in conf.DATABASES["default"]["ENGINE"]


def file_fields() -> list[str]:
    """Every model field that stores a file, as ``app_label.Model.field``."""
    return [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]


def check_file_storage(conf: Any, stored: Iterable[str]) -> list[checks.CheckMessage]:
    """W001: uploads on one server's disk while several servers share the database."""
    stored = list(stored)
    backend = conf.STORAGES.get("default", {}).get("BACKEND", "")
    if not (_production(conf) and _several_servers(conf) and stored and backend in LOCAL_STORAGE):
        return []
    return [
        checks.Warning(
            f"Uploaded files ({', '.join(stored)}) are saved on this app server's disk (MEDIA_ROOT, "
            "FileSystemStorage), but DATABASE_URL points at a database server, which implies several "
            "app servers: a file saved through one is missing on the others.",
            hint="Configure a shared storage backend in STORAGES['default'] (e.g. S3 through "
            "django-storages), or mount MEDIA_ROOT on storage every app server shares and silence "
            "this check with SILENCED_SYSTEM_CHECKS.",
            id="prepsite.W001",
        )
    ]


def check_cache(conf: Any) -> list[checks.CheckMessage]:
    """W002: a per-process or per-server cache while several servers share the database."""
    if not (_production(conf) and _several_servers(conf)):
        return []
    found = []
    for alias, options in conf.CACHES.items():
        where = LOCAL_CACHES.get(options.get("BACKEND", ""))
        if where:
            found.append(f"'{alias}' ({options['BACKEND'].rsplit('.', 1)[-1]}, {where})")
    if not found:
        return []
    sessions = (
        " Sessions are kept in that cache, so users are logged out whenever a request reaches another "
        "process."
        if conf.SESSION_ENGINE in CACHE_SESSIONS
        else ""
    )
    return [
        checks.Warning(
            f"The cache {', '.join(found)} is not shared between app servers or worker processes, but "
            "DATABASE_URL points at a database server, which implies several of them: rate limits and "
            f"throttles count per process, so they are easy to get around.{sessions}",
            hint="Set REDIS_URL to a Redis server that every app server uses.",
            id="prepsite.W002",
        )
    ]


def check_sqlite_in_memory(conf: Any) -> list[checks.CheckMessage]:
    """W003: production on an in-memory SQLite database."""
    database = conf.DATABASES["default"]
    name = str(database.get("NAME") or "")
    in_memory = name in ("", ":memory:") or "mode=memory" in name
    if not (_production(conf) and "sqlite" in database["ENGINE"] and in_memory):
        return []
    return [
        checks.Warning(
            "The database is an in-memory SQLite database: each worker process gets its own empty "
            "database and everything is lost when it restarts.",
            hint="Leave DATABASE_URL unset (SQLite in var/db.sqlite3) or point it at a file, e.g. "
            "sqlite:////srv/prepsite/db.sqlite3, or at PostgreSQL.",
            id="prepsite.W003",
        )
    ]


def check_tasks(conf: Any) -> list[checks.CheckMessage]:
    """W004: background tasks that run in the request (or never) in production. Inert without TASKS."""
    tasks = getattr(conf, "TASKS", None)
    if not (_production(conf) and tasks):
        return []
    messages = []
    for alias, options in tasks.items():
        backend = options.get("BACKEND", "")
        what = IN_PROCESS_TASKS.get(backend.rsplit(".", 1)[-1])
        if what:
            messages.append(
                checks.Warning(
                    f"TASKS['{alias}'] uses {backend}, which {what}: slow work (such as transcribing an "
                    "answer) would hold up or be missing from the site.",
                    hint="Use the database backend (django_tasks.backends.database.DatabaseBackend, run "
                    "manage.py db_worker) or the RQ backend on Redis for several machines.",
                    id="prepsite.W004",
                )
            )
    return messages


# --- registered: each runs its check against the real settings ---------------------------------


@checks.register
def file_storage(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return check_file_storage(settings, file_fields())


@checks.register
def cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return check_cache(settings)


@checks.register
def sqlite_in_memory(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return check_sqlite_in_memory(settings)


@checks.register
def tasks(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return check_tasks(settings)
