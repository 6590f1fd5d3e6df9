"""Early help in a real browser, as a school's designated safeguarding lead acting as lead
practitioner: starting early help for a pupil without the family's consent is refused with
the GOV.UK error summary (what was typed is kept), then started with it; the assessment is
started, and the early help shows in the lead's own list."""

import datetime

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, fill_date, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def school_world(user):
    from partners.models import User
    from people.models import Involvement
    from people.services import record_person

    school = builders.school("Testbrook Primary School", urn="999002")
    dsl = user(
        User.Role.PARTNER_PRACTITIONER,
        agency=school,
        team=None,
        first_name="Dana",
        last_name="Lead",
        job_title="Designated safeguarding lead",
    )
    child = record_person(
        None,
        kind="child",
        given_names="Robin",
        family_name="Wrenfield",
        date_of_birth=datetime.date(2017, 3, 9),
        sex="F",
    )
    Involvement.objects.create(person=child, agency=school, kind="pupil", start_date=datetime.date(2022, 9, 1))
    return {"dsl": dsl, "child": child}


def test_a_school_lead_practitioner_starts_early_help(page, school_world):
    child, dsl = school_world["child"], school_world["dsl"]
    today = datetime.date.today()
    sign_in(page, dsl)
    page.goto(f"/early-help/children/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin Wrenfield")
    assert_basic_accessibility(page)
    page.get_by_role("link", name="Start early help").click()
    fill_date(page, "start_date", today)
    page.get_by_label("Who in the family gave consent").fill("Robin's mother")
    page.get_by_role("button", name="Start early help").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date the family gave consent")
    expect(page.get_by_label("Who in the family gave consent")).to_have_value("Robin's mother")
    assert_basic_accessibility(page)
    screenshot(page, "early-help-start-error")

    fill_date(page, "consent_given_on", today)
    page.get_by_role("button", name="Start early help").click()
    expect(page.locator(".govuk-notification-banner, .govuk-panel").first).to_contain_text("Early help started")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Early help from")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Dana Lead, Designated safeguarding lead")
    assert_basic_accessibility(page)

    page.get_by_role("link", name="Start an early help assessment").click()
    fill_date(page, "start_date", today)
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("cell", name="Testbrook Primary School")).to_be_visible()
    screenshot(page, "early-help-episode")

    page.goto("/early-help/mine/")
    expect(page.get_by_role("link", name="Robin Wrenfield")).to_be_visible()
    assert_basic_accessibility(page)
