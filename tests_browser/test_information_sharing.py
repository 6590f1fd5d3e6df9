"""The information-sharing journey in a real browser: a social worker records information shared
with the police, then tries to record a decision not to share without reasons (the GOV.UK error
summary), records it with reasons, and sees both in the child's sharing history; the team
manager finds the decision on their list, and the worker sees a CP-IS look-up's notice on their
caseload. The `page` fixture runs axe-core on every page at 1,280 and 320 px and checks nothing
scrolls sideways at 320 px."""

import datetime

import pytest
from playwright.sync_api import expect

from sharing import services
from testing import builders
from testing.browser import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def sharing_world(worker, manager, child):
    builders.allocated_episode(worker, manager, child, datetime.date.today() - datetime.timedelta(days=10))
    police = builders.police()
    services.notify_allocated_worker(child, "Seen at Emergency department, St Elsewhere", "Seen at 10:20 today.")
    return {"child": child, "police": police}


def test_record_a_disclosure_and_a_decision_not_to_share(page, sharing_world, worker, manager):
    child = sharing_world["child"]
    sign_in(page, worker)
    page.goto("/caseload/")
    expect(page.get_by_text("1 unread notice")).to_be_visible()
    page.goto(f"/people/{child.pk}/")
    page.get_by_role("link", name="Information sharing").click()
    expect(page.get_by_role("heading", level=1, name="Information sharing")).to_be_visible()

    page.get_by_role("link", name="Record information shared").click()
    page.get_by_label("Agency it was shared with").select_option(label="Testshire Police")
    page.get_by_label("What was shared").fill("The child's school and two missing episodes")
    page.get_by_role("button", name="Record the disclosure").click()
    expect(page.get_by_text("The child's school and two missing episodes")).to_be_visible()

    page.get_by_role("link", name="Record a decision not to share").click()
    page.get_by_label("What was not shared").fill("Where the child is staying")
    page.get_by_role("button", name="Record the decision not to share").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter why sharing would be more detrimental to the child than not sharing")
    expect(summary).to_contain_text("Select or enter the agency the information was not shared with")
    page.get_by_label("Agency it was not shared with").select_option(label="Testshire Police")
    page.get_by_label("Why sharing it would be more detrimental").fill("The address would reach the person she fled")
    page.get_by_role("button", name="Record the decision not to share").click()
    expect(page.get_by_text("The address would reach the person she fled")).to_be_visible()
    screenshot(page, "sharing-history")

    page.goto("/sharing/notices/")
    page.get_by_role("button", name="Mark as read").click()
    expect(page.locator(".govuk-tag", has_text="Unread")).to_have_count(0)
    expect(page.get_by_text("Seen at Emergency department, St Elsewhere")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, manager, check_page=False)
    page.goto("/sharing/not-shared/")
    expect(page.get_by_text("The address would reach the person she fled")).to_be_visible()
    page.set_viewport_size({"width": 320, "height": 900})
    screenshot(page, "sharing-not-shared-320")
