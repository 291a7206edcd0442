"""Benchmark: import_questions against Django's loaddata for the same 10,000 questions.

    DJANGO_DEBUG=1 .venv/bin/python bench/importer.py     [BENCH_QUESTIONS=10000]

1. Generates BENCH_QUESTIONS questions (with key points, topics, companies and
   sightings) as YAML files in a temp folder.
2. Fresh database: times ``import_questions`` of those files (validation included).
3. Dumps the questions app with ``dumpdata`` (Django's own fixture format).
4. Fresh database: times ``loaddata`` of that dump.
Both end with the same rows; the script checks the counts match.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = int(os.environ.get("BENCH_QUESTIONS", "10000"))
PER_FILE = 1000


def generate(folder: Path) -> None:
    taxonomy = {
        "levels": [{"slug": f"l{i}", "name": f"Level {i}", "rank": i} for i in range(1, 6)],
        "topics": [{"slug": f"t{i}", "name": f"Topic {i}"} for i in range(12)],
        "companies": [{"slug": f"c{i}", "name": f"Company {i}"} for i in range(14)],
        "sources": [{"slug": f"s{i}", "title": f"Source {i}"} for i in range(5)],
    }
    (folder / "00-taxonomy.yaml").write_text(yaml.safe_dump(taxonomy), encoding="utf-8")
    for start in range(0, QUESTIONS, PER_FILE):
        questions = []
        for i in range(start, min(start + PER_FILE, QUESTIONS)):
            questions.append(
                {
                    "slug": f"q{i}",
                    "prompt": f"Generated question number {i}: explain concept {i % 97} with an example?",
                    "level": f"l{1 + i % 5}",
                    "topics": [f"t{i % 12}", f"t{(i + 5) % 12}"],
                    "companies": [f"c{i % 14}"],
                    "answer": f"**Concept {i}** is defined briefly.\n\n- one example\n- one trade-off\n",
                    "key_points": [f"Point {k} of question {i}" for k in range(1, 5)],
                    "why_asked": "Checks understanding.",
                    "pitfall": "Skipping the trade-off.",
                    "seen_in": [{"source": f"s{i % 5}", "number": i + 1}],
                }
            )
        (folder / f"{10 + start // PER_FILE:03d}.yaml").write_text(
            yaml.safe_dump({"questions": questions}, sort_keys=False), encoding="utf-8"
        )


def manage(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def fresh(tmp: Path, name: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp / name}"}
    manage(env, "migrate", "-v0")
    return env


def count(env: dict[str, str]) -> str:
    code = (
        "import django; django.setup(); from questions.models import *; "
        "print(Question.objects.count(), KeyPoint.objects.count(), Sighting.objects.count(), "
        "Question.topics.through.objects.count())"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "prepsite.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="prepsite-import-"))
    bank = tmp / "bank"
    bank.mkdir()
    generate(bank)
    size = sum(p.stat().st_size for p in bank.glob("*.yaml"))

    env = fresh(tmp, "import.sqlite3")
    import_s = manage(env, "import_questions", str(bank))
    rows = count(env)
    dump = tmp / "questions.json"
    manage(env, "dumpdata", "questions", "-o", str(dump))
    again_s = manage(env, "import_questions", str(bank))

    env2 = fresh(tmp, "loaddata.sqlite3")
    loaddata_s = manage(env2, "loaddata", str(dump))
    assert count(env2) == rows, (count(env2), rows)

    print(f"{QUESTIONS:,} questions ({size / 1e6:.1f} MB of YAML), SQLite, {os.cpu_count()} cores")
    print(f"import_questions (validate + write, empty database): {import_s:6.2f} s")
    print(f"import_questions again (nothing changed):           {again_s:6.2f} s")
    print(f"loaddata of the same rows (Django JSON fixture):    {loaddata_s:6.2f} s")
    print(f"importer speed-up over loaddata: {loaddata_s / import_s:.1f}x  (rows: {rows})")


if __name__ == "__main__":
    main()
