"""The audit report in a real browser, over more than one page of events: a manager pages back
through who looked at a child's record. The page fixture checks each page with axe-core and
at 320 px (the pagination's labels once failed colour contrast)."""

import pytest
from playwright.sync_api import expect

from testing.browser import sign_in

pytestmark = pytest.mark.browser


def test_a_manager_pages_through_the_audit_report(page, manager, worker, child):
    from audit import services as audit

    audit.record_many(
        audit.entry(worker, "view", person=child, summary=f"Viewed the record ({n})") for n in range(1, 61)
    )
    sign_in(page, manager)
    page.goto("/audit/")
    expect(page.locator("h1")).to_have_text("Audit report")
    pages = page.get_by_role("navigation", name="Audit report pages")
    expect(pages).to_contain_text("Page 1 of 2")
    pages.get_by_role("link", name="Older").click()
    expect(pages).to_contain_text("Page 2 of 2")
    expect(page.get_by_role("cell", name="Viewed the record (1)", exact=True)).to_be_visible()
    pages.get_by_role("link", name="Newer").click()
    expect(pages).to_contain_text("Page 1 of 2")
