from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from sessions.forms import ANSWER_MAX_CHARS

# SQLite on a disk with less room than this cannot be trusted to take the next write.
MIN_FREE_BYTES = 50 * 1024 * 1024


def database_takes_writes() -> bool:
    """A write that changes nothing: fails on a read-only or locked-out database, costs no disk."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE django_migrations SET app = app WHERE 1 = 0")
    except DatabaseError:
        return False
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name != ":memory:" and "mode=memory" not in name:
            return shutil.disk_usage(Path(name).resolve().parent).free >= MIN_FREE_BYTES
    return True


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers (GET or HEAD): 200 when the database can take a write, else 503."""
    if not database_takes_writes():
        return HttpResponse("database cannot take writes\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 page (handler400). A body over the upload limit gets an explanation, not "Bad Request"."""
    too_big = isinstance(exception, RequestDataTooBig)
    # Only the path of the page it came from, so the link can never lead off this site.
    back = urlsplit(request.headers.get("Referer", "")).path
    context = {
        "too_big": too_big,
        "limit_mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024),
        "answer_max_chars": ANSWER_MAX_CHARS,
        "back_url": back if back.startswith("/interviews/") else "",
    }
    return render(request, "400.html", context, status=413 if too_big else 400)
