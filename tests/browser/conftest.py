"""Real-browser fixtures: the app served from a thread on the test database, Debian's Chromium, axe.

Playwright's own browser download is not used: ``/usr/bin/chromium`` is launched with the flags that keep it
off the network. Every test still gets the clean database of the ``db`` fixture.
"""

from __future__ import annotations

import json
import os
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CONSULT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
#: the WCAG 2.2 AA rule set of axe-core
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


class _ServerThread(threading.Thread):
    def __init__(self, app):
        super().__init__(daemon=True)
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port

    def run(self):
        self.server.serve_forever()

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="session")
def _server(app):
    thread = _ServerThread(app)
    thread.start()
    yield f"http://127.0.0.1:{thread.port}"
    thread.stop()


@pytest.fixture
def live_server(_server, db):
    """Base URL of the running app; the database is clean for each test."""
    return _server


@pytest.fixture
def new_context(browser):
    """Open extra browser contexts (another person, JavaScript off...); all are closed after the test."""
    contexts = []

    def factory(**kwargs):
        kwargs.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**kwargs)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()


def sign_in(page, base_url, username, password="correct horse battery"):
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.locator(".account-nav__name")).to_be_visible()


def axe_check(page, *, exclude=None):
    """Run axe-core (WCAG 2.2 AA) on the page and fail with the violations listed."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    context = {"exclude": exclude} if exclude else None
    results = Axe().run(page, context=context, options=options)
    violations = results.response.get("violations", [])
    summary = [
        {"id": v["id"], "impact": v.get("impact"), "help": v["help"],
         "nodes": [n.get("target") for n in v.get("nodes", [])][:5]}
        for v in violations
    ]
    assert not violations, f"axe violations on {page.url}:\n" + json.dumps(summary, indent=2,
                                                                           ensure_ascii=False)


@pytest.fixture
def axe():
    return axe_check
