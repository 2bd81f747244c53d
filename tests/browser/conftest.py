"""Fixtures of the browser tests: headless Chromium (Debian's), the SPA's own origin, failure screenshots.

The Chromium is the system one (``scripts/install-browser.sh`` installs it; ``make test`` runs that
first), driven by Playwright for Python. A test that fails leaves a screenshot of the page as it was at
the failing step, and the page's console, under ``test-artifacts/browser/``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect, sync_playwright

from tests.browser.static_server import StaticServer
from tests.support.server import ROOT, LiveServer

if TYPE_CHECKING:
    from tests.conftest import ServerPool

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No calls home: the machine has no network but the loopback.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SPA_DIR = ROOT / "examples" / "spa"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
FAILED = pytest.StashKey[bool]()

expect.set_options(timeout=15_000)  # two shared cores: give a slow page time, not a false failure


def require_chromium() -> None:
    """Skip when Chromium is missing, or fail under CI, where `make test` installs it."""
    if os.access(CHROMIUM, os.X_OK):
        return
    message = f"Chromium is not at {CHROMIUM}; run scripts/install-browser.sh (make test does)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: a missing browser is a failure)")
    pytest.skip(message)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the whole run; every test gets its own fresh context (cookies, storage)."""
    require_chromium()
    with sync_playwright() as playwright:
        # Playwright gives each launch a new temporary profile (user-data dir) and removes it on close.
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    new = browser.new_context(viewport={"width": 1280, "height": 1000})
    yield new
    new.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page that, when its test fails, is saved as a screenshot along with its console output."""
    new = context.new_page()
    console: list[str] = []
    new.on("console", lambda message: console.append(_console_line(message)))
    new.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    yield new
    if request.node.stash.get(FAILED, False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        new.screenshot(path=ARTIFACTS / f"{name}.png")  # the viewport: where the failing step was
        (ARTIFACTS / f"{name}.console.log").write_text("\n".join(console) + "\n")


def _console_line(message: ConsoleMessage) -> str:
    return f"{message.type}: {message.text} ({message.location.get('url', '')})"


@pytest.fixture(scope="session")
def spa_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticServer]:
    """examples/spa served on its own origin, http://localhost:<port>, as `make demo` does."""
    server = StaticServer(SPA_DIR, tmp_path_factory.mktemp("spa") / "http.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def spa_api(server_pool: ServerPool, spa_server: StaticServer) -> LiveServer:
    """The API configured for the SPA's origin: CORS with credentials, and trusted for CSRF."""
    origin = spa_server.origin
    return server_pool.get("db-sqlite", CORS_ALLOWED_ORIGINS=origin, CSRF_TRUSTED_ORIGINS=origin)


@pytest.fixture(scope="session")
def spa_step_up_api(server_pool: ServerPool, spa_server: StaticServer) -> LiveServer:
    """The SPA's API where a password proof counts as recent for two seconds only (step-up)."""
    origin = spa_server.origin
    return server_pool.get(
        "db-sqlite", CORS_ALLOWED_ORIGINS=origin, CSRF_TRUSTED_ORIGINS=origin, REAUTH_MAX_AGE="2"
    )
