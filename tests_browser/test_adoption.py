"""A looked-after child's adoption plan in a real browser: the social worker records the agency
decision maker's decision (a date before care began is refused with the GOV.UK error summary
and what was typed kept), the plan's task list shows what is next, the placement order makes
the legal status E1, and the worker matches the child with approved prospective adopters
from the adopters' list."""

import datetime

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, fill_date, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def adoption_world(user):
    from adoption.testing import approved_household
    from childrenincare import services as care
    from childrenincare.testing import looked_after
    from partners.models import User
    from people.services import record_person

    council = builders.local_authority()
    team = builders.team(council, "Adoption team", function="Children in care")
    worker = user(User.Role.SOCIAL_WORKER, team=team, first_name="Robin", last_name="Worker")
    child = record_person(
        None, kind="child", given_names="Kit", family_name="Larkspur", date_of_birth=datetime.date(2024, 1, 9), sex="M"
    )
    today = datetime.date.today()
    period = looked_after(worker, child, today - datetime.timedelta(days=200), legal_status="C1")
    care.change_legal_status(worker, period, code="C2", on=today - datetime.timedelta(days=150))
    household = approved_household(worker, approved_on=today - datetime.timedelta(days=60))
    return {"worker": worker, "child": child, "period": period, "household": household, "today": today}


def test_a_social_worker_records_the_decision_the_order_and_the_match(page, adoption_world):
    child, today = adoption_world["child"], adoption_world["today"]
    sign_in(page, adoption_world["worker"])
    page.goto(f"/adoption/children/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(child.full_name)
    page.get_by_role("link", name="Record the decision that the child should be placed for adoption").click()
    fill_date(page, "decided_on", today - datetime.timedelta(days=400))
    page.locator("#id_decision_maker").fill("Alex Decider")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("cannot be before the child became looked after")
    expect(page.locator("#id_decision_maker")).to_have_value("Alex Decider")
    assert_basic_accessibility(page)
    fill_date(page, "decided_on", today - datetime.timedelta(days=100))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Record the placement order or the parents")
    assert_basic_accessibility(page)
    page.get_by_role("link", name="Authority to place").click()
    fill_date(page, "on", today - datetime.timedelta(days=90))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Match the child with approved adopters")
    page.get_by_role("link", name="Matched with prospective adopters").click()
    page.locator("#id_household").select_option(str(adoption_world["household"].pk))
    fill_date(page, "matched_on", today - datetime.timedelta(days=20))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Record the placement for adoption")
    expect(page.get_by_text(adoption_world["household"].name)).to_be_visible()
    screenshot(page, "adoption-plan")
    assert adoption_world["period"].legal_statuses.filter(code="E1").exists()
    page.goto("/adoption/adopters/")
    expect(page.get_by_role("link", name=adoption_world["household"].reference)).to_be_visible()
    assert_basic_accessibility(page)
