"""The administrators' page of failed tasks in a browser: axe (WCAG 2.2 AA) in English and Arabic, and run
again / discard with JavaScript off (plain forms, post / redirect / get)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consult.core.tasks import TaskFailure
from tests.browser.conftest import axe_check, sign_in


def _failures(db, n=2):
    for _ in range(n):
        db.session.add(TaskFailure(name="mail.deliver", args=[[987654]], attempts=9,
                                   error="SMTPServerDisconnected"))
    db.session.commit()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_failed_tasks_page_passes_axe(live_server, db, make_user, new_context, lang):
    make_user("root", roles=("admin",))
    _failures(db)
    page = new_context().new_page()
    sign_in(page, live_server, "root")
    page.goto(f"{live_server}/admin/tasks?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("main table tbody tr")).to_have_count(2)
    axe_check(page)


def test_run_again_and_discard_without_javascript(live_server, db, make_user, new_context):
    make_user("root", roles=("admin",))
    _failures(db)
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, "root")
    page.goto(f"{live_server}/admin/tasks")
    page.get_by_role("button", name="Run again").first.click()
    expect(page.get_by_text("The task is queued again.")).to_be_visible()
    expect(page.locator("main table tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Discard").first.click()
    expect(page.get_by_text("The task is discarded.")).to_be_visible()
    expect(page.get_by_text("No task has failed.")).to_be_visible()
    assert page.url.endswith("/admin/tasks")
