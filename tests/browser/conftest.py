"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

They run whenever /usr/bin/chromium exists and are skipped, with a reason
that says so, when it does not. In CI (CI=true) a missing Chromium is an
error, not a skip, so the browser tests can never silently stop running.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

# Playwright's sync API runs an event loop in this thread; our ORM calls in tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(
            f"CI needs Chromium at {CHROMIUM} for the browser tests (apt-get install -y chromium)"
        )
    skip = pytest.mark.skip(
        reason=f"browser tests skipped: Chromium not found at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


# Debian's Chromium as root, headless, with none of its calls home (this machine has no network).
LAUNCH_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": LAUNCH_ARGS,
    }
