"""Pre-proceedings in a real browser: from the child protection plan to the episode's
pre-proceedings, starting them (refused first with the GOV.UK error summary, what was typed
kept), the letter before proceedings refused without the offer of family group
decision-making or the reasons, then recorded, and the timeline and what is due."""

import datetime

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, fill_date, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def plan(user):
    from childprotection.models import ChildProtectionPlan
    from familyhelp import services as family_help
    from familyhelp.testing import open_episode
    from partners.models import User
    from people.services import record_person

    council = builders.local_authority()
    team = builders.team(council, "Safeguarding team South", function="Child protection")
    manager = user(User.Role.TEAM_MANAGER, team=team, first_name="Taylor", last_name="Manager")
    child = record_person(
        None,
        kind="child",
        given_names="Riley",
        family_name="Ashcombe",
        date_of_birth=datetime.date(2018, 2, 3),
        sex="F",
    )
    start = datetime.date.today() - datetime.timedelta(days=120)
    episode = open_episode(manager, child, start)
    family_help.allocate(manager, episode, team=team, worker=manager, on=start)
    found = ChildProtectionPlan.objects.create(
        person=child,
        episode=episode,
        start_date=start + datetime.timedelta(days=20),
        initial_category="NEG",
        latest_category="NEG",
    )
    return {"manager": manager, "plan": found, "day": lambda n: datetime.date.today() - datetime.timedelta(days=n)}


def test_starting_pre_proceedings_and_the_letter_before_proceedings(page, plan):
    from childprotection.models import PreProceedings

    day = plan["day"]
    sign_in(page, plan["manager"])
    page.goto(f"/child-protection/plans/{plan['plan'].pk}/")
    page.get_by_role("link", name="Pre-proceedings (Public Law Outline)").click()
    expect(page.locator("h1")).to_have_text("Pre-proceedings")
    page.get_by_role("link", name="Start pre-proceedings").click()

    page.locator("#id_reasons").fill("Neglect continues despite the plan")
    page.get_by_role("button", name="Start pre-proceedings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the date of the decision to start pre-proceedings"
    )
    expect(page.locator("#id_reasons")).to_have_value("Neglect continues despite the plan")
    assert_basic_accessibility(page)
    fill_date(page, "start_date", day(10))
    page.locator("#id_decided_by").select_option(str(plan["manager"].pk))
    page.get_by_role("button", name="Start pre-proceedings").click()
    expect(page.locator("h1")).to_contain_text("Pre-proceedings")
    expect(page.locator("main")).to_contain_text("Decision to step down or issue care proceedings")
    assert_basic_accessibility(page)

    page.get_by_role("link", name="Record the letter before proceedings").click()
    fill_date(page, "sent_on", day(8))
    page.get_by_role("radio", name="No").check()
    page.get_by_role("button", name="Record the letter").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("not in the child's best interests")
    page.get_by_role("radio", name="Yes").check()
    page.locator("#id_fgdm_offered_to").fill("Both parents")
    page.get_by_role("button", name="Record the letter").click()
    expect(page.locator("main")).to_contain_text("Letter before proceedings sent")
    expect(page.locator("main")).to_contain_text("Initial pre-proceedings meeting")
    screenshot(page, "pre-proceedings")
    found = PreProceedings.objects.get()
    assert found.letter_sent_on == day(8)
    assert found.fgdm_offered is True
