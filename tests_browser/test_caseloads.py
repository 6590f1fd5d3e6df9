"""A social worker's caseload in a real browser: the children with their key facts (missing now
first, on a plan, looked after), filtered to those missing now and sorted by name, without
JavaScript needed; it reflows at 320 px (WCAG 2.2 1.4.10), the table stacking its cells."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def caseload(worker, manager):
    from childprotection.models import ChildProtectionPlan
    from childrenincare.testing import looked_after
    from exploitation import services as missing

    today = timezone.localdate()
    made = {}
    for name in ("Nia", "Pat", "Cal", "Max"):
        child = builders.child(given_names=name, family_name="Browserload")
        made[name] = (child, builders.allocated_episode(worker, manager, child, today - datetime.timedelta(days=90)))
    child, episode = made["Pat"]
    ChildProtectionPlan.objects.create(
        person=child,
        episode=episode,
        start_date=today - datetime.timedelta(days=20),
        initial_category="NEG",
        latest_category="NEG",
    )
    child, episode = made["Cal"]
    looked_after(worker, child, today - datetime.timedelta(days=15), legal_status="C2", episode=episode)
    missing.report_missing(
        worker,
        made["Max"][0],
        kind="M",
        missing_from="home",
        started_at=timezone.now() - datetime.timedelta(hours=6),
        reported_to_police=True,
        police_reference="BR/77",
    )
    return made


def test_a_social_worker_works_from_their_caseload(page, worker, caseload):
    sign_in(page, worker)
    page.goto("/caseload/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    expect(page.get_by_test_id("caseload-count")).to_contain_text("4 children, 1 missing now")
    rows = page.locator("table.app-caseload tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("Max Browserload")  # missing now comes first
    expect(rows.first).to_contain_text("Missing now")
    expect(rows.first).to_contain_text("BR/77")
    expect(page.locator("table.app-caseload")).to_contain_text("Neglect".lower())
    expect(page.locator("table.app-caseload")).to_contain_text("Full care order")
    assert_basic_accessibility(page)

    page.get_by_label("Show").select_option("looked_after")
    page.get_by_label("Sort by").select_option("name")
    page.get_by_role("button", name="Apply").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Cal Browserload")
    page.get_by_role("link", name="Clear filters").click()
    expect(rows).to_have_count(4)

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/caseload/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "caseload-320")
    page.get_by_role("link", name="Max Browserload", exact=True).click()
    expect(page.get_by_test_id("key-facts")).to_contain_text("Missing now")
