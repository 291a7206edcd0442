"""In-process benchmarks: Django set up on a throw-away database.

Import this module first: it points DATABASE_URL at a temp SQLite file (or at
BENCH_DATABASE_URL, e.g. a PostgreSQL URL) and runs ``django.setup()``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="prepsite-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prepsite.settings")

import django  # noqa: E402

django.setup()
