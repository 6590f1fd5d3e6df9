"""Consent to home educate (Education Act 1996 s434A) end to end in a real browser: a social
worker opens the education page of a child on a child protection plan (a relevant child, and
why), records a parent's request (a school the child is not on the roll of is refused with the
GOV.UK error summary), gathers the child's view, asks for a decision before the best-interests
analysis (refused), records the analysis, and records the refusal with its decision maker; the
request page shows the day the parent may ask again and who was told."""

import datetime

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, fill_date, sign_in

pytestmark = pytest.mark.browser
DAY = datetime.timedelta(days=1)


@pytest.fixture
def relevant_pupil(worker, manager, child):
    from childprotection.models import ChildProtectionPlan
    from education import services

    services.load_school_list(
        [
            {"urn": "999001", "name": "Testbrook Primary School", "phase": "primary"},
            {"urn": "999002", "name": "Testbrook Academy", "phase": "secondary"},
        ]
    )
    services.record_school_registration(worker, child, urn="999001", start_date=datetime.date(2021, 9, 1))
    episode = builders.allocated_episode(worker, manager, child, datetime.date.today() - 300 * DAY)
    ChildProtectionPlan.objects.create(
        person=child,
        episode=episode,
        start_date=datetime.date.today() - 60 * DAY,
        initial_category="NEG",
        latest_category="NEG",
    )
    return child


def test_a_social_worker_takes_a_request_to_a_refusal(page, settings, worker, manager, relevant_pupil):
    settings.S434A_COMMENCEMENT = "2026-04-29"  # the live server runs in this process: it sees this
    child, today = relevant_pupil, datetime.date.today()
    sign_in(page, worker)
    page.goto(f"/education/people/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Education")
    expect(page.locator(".govuk-list--bullet li", has_text="On a child protection plan since")).to_be_visible()
    expect(page.locator("[data-fact=relevant_child]")).to_be_visible()  # the key facts banner
    assert_basic_accessibility(page)

    page.get_by_role("link", name="Record a request for consent").click()
    page.get_by_label("A parent asked for consent").check()
    fill_date(page, "received_on", today - 3 * DAY)
    page.get_by_label("Name of the parent, or of the member of school staff").fill("Pat Testparent")
    page.get_by_label("School's URN").fill("999002")
    page.get_by_role("button", name="Record the request").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("is not on the roll of Testbrook Academy")
    expect(page.get_by_label("Name of the parent, or of the member of school staff")).to_have_value("Pat Testparent")
    page.get_by_label("School's URN").fill("999001")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_text("Request recorded: consent is needed")).to_be_visible()
    expect(page.get_by_text("Yes: condition B")).to_be_visible()

    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("No, refused").check()
    fill_date(page, "decided_on", today)
    page.get_by_label("Who made the decision").select_option(str(manager.pk))
    page.get_by_label("Reasons for the decision").fill("School is a protective factor while the plan is in place")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Record the best-interests analysis before the decision"
    )
    page.get_by_role("link", name="Back").click()

    page.get_by_role("link", name="Add information").click()
    page.get_by_label("The child's view").check()
    fill_date(page, "gathered_on", today - DAY)
    page.get_by_label("Who gave it, or who visited").fill("The child")
    page.get_by_label("What they said, or what the visit found").fill("Wants to stay with their friends at school")
    page.get_by_role("button", name="Save the information").click()
    expect(page.get_by_text("Wants to stay with their friends at school")).to_be_visible()

    page.get_by_role("link", name="Record the best-interests analysis").click()
    page.get_by_label("Best-interests analysis").fill("Education at home is not in the child's best interests now")
    fill_date(page, "completed_on", today)
    page.get_by_role("button", name="Save the best-interests analysis").click()

    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("No, refused").check()
    fill_date(page, "decided_on", today)
    page.get_by_label("Who made the decision").select_option(str(manager.pk))
    page.get_by_label("Reasons for the decision").fill("School is a protective factor while the plan is in place")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded")).to_be_visible()
    expect(page.get_by_text("The parent may ask again from")).to_be_visible()
    expect(page.get_by_text("The parent (Pat Testparent), about the decision")).to_be_visible()
    assert_basic_accessibility(page)
