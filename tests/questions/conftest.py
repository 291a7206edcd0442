from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from questions.importer import load
from tests.conftest import FIXTURES, TAXONOMY

SEEDS_ENV = "PREPSITE_SEEDS_DIR"


def import_files(write_yaml, questions: str) -> str:
    """Import the test taxonomy and ``questions`` through the command; what it printed."""
    out = StringIO()
    call_command(
        "import_questions",
        str(write_yaml("00.yaml", TAXONOMY)),
        str(write_yaml("10.yaml", questions)),
        stdout=out,
        stderr=StringIO(),
    )
    return out.getvalue()


def problems(write_yaml, questions: str) -> list[str]:
    """What validating the test taxonomy and ``questions`` finds wrong, as file:line messages."""
    bank = load([write_yaml("00.yaml", TAXONOMY), write_yaml("10.yaml", questions)])
    return [str(p) for p in bank.problems]


def seeds_dir() -> Path:
    """Where the public guides the bank was written from are: $PREPSITE_SEEDS_DIR, or ../shared/seeds."""
    configured = os.environ.get(SEEDS_ENV, "").strip()
    return Path(configured) if configured else Path(settings.BASE_DIR).parent / "shared" / "seeds"


def require_seeds() -> Path:
    """The seeds folder; skips the test if it is missing, but fails it on CI (CI=true), which must have it."""
    path = seeds_dir()
    if path.is_dir() and any(path.glob("*.txt")):
        return path
    source = (
        f"${SEEDS_ENV}"
        if os.environ.get(SEEDS_ENV, "").strip()
        else f"the default (set ${SEEDS_ENV} to change it)"
    )
    reason = f"the seed guides (*.txt) are not in {path}, which is {source}"
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI=true and {reason}; CI must check the bank against its seeds", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def seeds() -> Path:
    return require_seeds()


@pytest.fixture(scope="module")
def bank(django_db_setup, django_db_blocker):
    """Everything in fixtures/ at test time, loaded and validated (once per test module)."""
    with django_db_blocker.unblock():
        loaded = load([FIXTURES])
    assert loaded.ok, "\n".join(str(p) for p in loaded.problems)
    return loaded
