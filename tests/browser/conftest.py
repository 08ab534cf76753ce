import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def _allow_sync_orm_next_to_playwright():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _patient_expectations():
    """`expect(...)` waits for what it checks, so a generous deadline costs nothing on a fast machine
    and keeps a loaded one (CI next to other jobs) from failing a good page: 15 s instead of 5,
    scaled by CHAOS_TIME_FACTOR like the other tests that start servers."""
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000 * max(1.0, float(os.environ.get("CHAOS_TIME_FACTOR") or 1)))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Reduced motion, as the pages honour it: a toast fading in or out while axe reads the page is not a
    contrast failure of the page (seen once in CI on the import result page)."""
    return {**browser_context_args, "reduced_motion": "reduce"}
