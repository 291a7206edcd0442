"""gunicorn settings for prepsite (gunicorn -c gunicorn.conf.py prepsite.wsgi).

Threads rather than many processes: requests are short and mostly wait on the
database, and threads share one connection pool per process. Every value can
be overridden from the environment.

Long requests. The arbiter kills a worker that has not sent a heartbeat for
``timeout`` seconds, and ``worker_abort`` below logs what it was running. But a
gthread worker's main loop keeps sending heartbeats while one of its threads
is stuck in a request, so that timeout does not fire for one slow request: the
watchdog thread started in ``post_worker_init`` logs a warning for any request
running longer than ``timeout``. Python cannot stop a thread from outside; what
bounds the work itself is the database's statement timeout
(PREPSITE_DB_STATEMENT_TIMEOUT_MS) and SQLite's busy timeout. Requests that do
finish but slowly are logged by prepsite.middleware.SlowRequestMiddleware.
"""

import multiprocessing
import os
import threading
from time import monotonic, sleep

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On a graceful stop or reload (HUP), requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# gunicorn 27's control socket defaults to one path per user: a second server on the same host
# would take over the first's. One per bound address instead (override with GUNICORN_CONTROL_SOCKET).
_var = os.path.join(os.path.dirname(os.path.abspath(__file__)), "var")
os.makedirs(_var, exist_ok=True)
control_socket = os.environ.get(
    "GUNICORN_CONTROL_SOCKET", os.path.join(_var, f"gunicorn-{bind.replace(':', '-').replace('/', '_')}.ctl")
)
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# How often the watchdog looks at the requests in flight (seconds).
WATCHDOG_INTERVAL = 5

# This worker process's requests in flight, by thread: (method, path, started on the monotonic clock).
# Filled after the fork, so each worker sees only its own.
_in_flight: dict[int, tuple[str, str, float]] = {}
_reported: set[tuple[int, float]] = set()


def pre_request(worker, req):
    _in_flight[threading.get_ident()] = (req.method, req.path, monotonic())


def post_request(worker, req, environ, resp):
    _in_flight.pop(threading.get_ident(), None)


def _describe_in_flight(now: float) -> str:
    running = [
        f"{method} {path} ({now - started:.0f}s)" for method, path, started in list(_in_flight.values())
    ]
    return ", ".join(running) or "none"


def worker_abort(worker):
    """SIGABRT from the arbiter: no heartbeat for ``timeout`` seconds; say what the worker was doing."""
    worker.log.critical(
        "Worker pid %s killed after %ss without a heartbeat; requests in flight: %s",
        worker.pid,
        timeout,
        _describe_in_flight(monotonic()),
    )


def report_long_requests(worker):
    """Warn, once per request, about requests running longer than ``timeout`` in this worker."""
    now = monotonic()
    for ident, (method, path, started) in list(_in_flight.items()):
        if now - started > timeout and (ident, started) not in _reported:
            _reported.add((ident, started))
            worker.log.warning(
                "Request running for %.0fs, past the %ss timeout: %s %s (worker pid %s)",
                now - started,
                timeout,
                method,
                path,
                worker.pid,
            )
    # Forget requests that have finished.
    _reported.intersection_update((ident, started) for ident, (_, _, started) in list(_in_flight.items()))


def post_worker_init(worker):
    def watch():
        while worker.alive:
            sleep(WATCHDOG_INTERVAL)
            report_long_requests(worker)

    threading.Thread(target=watch, name="prepsite-request-watchdog", daemon=True).start()
