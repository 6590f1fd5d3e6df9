"""A child's case in a real browser, from the referral to the end of a child protection plan:
allocation, the child and family assessment with its factors and a manager's authorisation,
a strategy discussion with police and health, the section 47 enquiry, the initial conference
(refused first, while the enquiry has no outcome), the plan, the core group, a review
conference that continues the plan, and one that ends it. Each step's due date shows on the
case page with the reason for its date."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, fill_date, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def case(user):
    from familyhelp.testing import open_episode
    from partners.models import User
    from people.services import record_person

    council = builders.local_authority()
    team = builders.team(council, "Assessment team North", function="Assessment")
    manager = user(User.Role.TEAM_MANAGER, team=team, first_name="Taylor", last_name="Manager")
    worker = user(User.Role.SOCIAL_WORKER, team=team, first_name="Robin", last_name="Worker")
    chair = user(User.Role.CONFERENCE_CHAIR, agency=council, team=None, first_name="Casey", last_name="Chair")
    child = record_person(
        None,
        kind="child",
        given_names="Jordan",
        family_name="Millbrook",
        date_of_birth=datetime.date(2017, 6, 12),
        sex="M",
    )
    referral_date = datetime.date.today() - datetime.timedelta(days=80)
    episode = open_episode(manager, child, referral_date)
    return {
        "manager": manager,
        "worker": worker,
        "chair": chair,
        "child": child,
        "episode": episode,
        "team": team,
        "day": lambda n: referral_date + datetime.timedelta(days=n),
    }


def test_referral_to_a_child_protection_plan_and_its_end(page, case):
    from childprotection.models import ChildProtectionPlan, Section47Enquiry
    from familyhelp.models import Assessment
    from kernel.models import Deadline

    child, episode, day = case["child"], case["episode"], case["day"]
    sign_in(page, case["manager"])

    # The case page shows the referral and the assessment's due date, with why.
    page.goto(f"/cases/{child.pk}/")
    expect(page.locator("h1")).to_contain_text("Jordan Millbrook")
    expect(page.locator("main")).to_contain_text("Child and family assessment completed")
    page.get_by_text("Why this date").first.click()
    expect(page.locator("main")).to_contain_text("45 working days")
    assert_basic_accessibility(page)

    # Allocate to the team's social worker.
    page.goto(f"/cases/episodes/{episode.pk}/allocate/")
    page.locator("#id_team").select_option(label="Assessment team North")
    page.locator("#id_worker").select_option(label="Robin Worker (Assessment team North)")
    fill_date(page, "on", day(1))
    page.get_by_role("button", name="Allocate").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()

    # Start, complete and authorise the assessment.
    page.goto(f"/cases/episodes/{episode.pk}/assessment/")
    fill_date(page, "start_date", day(1))
    page.get_by_role("button", name="Start the assessment").click()
    assessment = Assessment.objects.get()
    page.goto(f"/cases/assessments/{assessment.pk}/")
    page.get_by_label("Neglect", exact=True).check()
    page.get_by_label("Domestic abuse: a parent or carer is the subject").check()
    page.locator("input[name=outcome][value=strategy_discussion]").check()
    page.get_by_label("Analysis").fill("Jordan is often hungry at school and there has been violence at home.")
    fill_date(page, "completed_date", day(10))
    page.get_by_role("button", name="Submit for authorisation").click()
    page.goto(f"/cases/assessments/{assessment.pk}/authorise/")
    fill_date(page, "authorised_date", day(11))
    page.get_by_role("button", name="Authorise the assessment").click()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.AUTHORISED
    assert set(assessment.factors.values_list("code", flat=True)) == {"16A", "3B"}

    # A conference before any section 47 enquiry is refused, with the guidance named.
    page.goto(f"/child-protection/episodes/{episode.pk}/conference/?kind=initial")
    expect(page.locator("main")).to_contain_text(re.compile("section 47", re.I))

    # The strategy discussion: without police or health it is refused and nothing is kept.
    page.goto(f"/child-protection/episodes/{episode.pk}/strategy-discussion/")
    fill_date(page, "held_at", day(12))
    page.locator("#id_held_time").fill("10:30")
    page.locator("#id_chair").select_option(value=str(case["manager"].pk))
    page.get_by_label("Information shared").fill("Police hold two call-outs to the address; health visitor concerns.")
    page.get_by_label("Criminal investigation").check()
    page.locator(f"input[name=decision_{episode.pk}][value=s47]").check()
    page.locator("#id_attendee_1_name").fill("Robin Worker")
    page.get_by_role("button", name=re.compile("Save|Record")).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("police")
    assert not Section47Enquiry.objects.exists()
    page.locator("#id_attendee_2_name").fill("DC Alex Test")
    page.locator("#id_attendee_3_name").fill("Sam Health Visitor")
    page.get_by_role("button", name=re.compile("Save|Record")).click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    enquiry = Section47Enquiry.objects.get()
    due = Deadline.objects.get(rule_slug="initial-child-protection-conference")
    assert due.due_date == enquiry.initial_conference_target

    # The enquiry's outcome: an initial conference.
    page.goto(f"/child-protection/enquiries/{enquiry.pk}/")
    expect(page.locator("main")).to_contain_text("15 working days")
    page.locator("#id_assign-lead_practitioner").select_option(value=str(case["worker"].pk))
    page.get_by_role("button", name="Save the lead practitioner and team").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    page.get_by_label("Initial child protection conference").check()
    fill_date(page, "outcome-outcome_date", day(14))
    page.get_by_label("What the enquiry found").fill("Neglect and domestic abuse substantiated.")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()

    # The initial conference decides on a plan (neglect).
    page.goto(f"/child-protection/episodes/{episode.pk}/conference/?kind=initial")
    fill_date(page, "held_on", day(20))
    page.locator("#id_chair").select_option(value=str(case["chair"].pk))
    page.locator(f"input[name=decision_{episode.pk}][value=plan]").check()
    page.locator(f"input[name=category_{episode.pk}][value=NEG]").check()
    page.locator(f"#id_reasons_{episode.pk}").fill("Jordan is likely to suffer significant harm through neglect.")
    page.locator("#id_participant_1_name").fill("Robin Worker")
    page.locator("#id_participant_1_agency_kind").select_option("local_authority")
    page.locator("#id_participant_1_attendance").select_option("attended")
    page.get_by_role("button", name=re.compile("Save|Record")).click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    plan = ChildProtectionPlan.objects.get()
    assert plan.initial_category == "NEG"
    screenshot(page, "child-protection-conference-recorded")

    # The plan page shows the first core group's due date; the core group meets.
    page.goto(f"/child-protection/plans/{plan.pk}/")
    expect(page.locator("main")).to_contain_text("First core group")
    assert_basic_accessibility(page)
    page.goto(f"/child-protection/plans/{plan.pk}/meetings/new/")
    fill_date(page, "held_on", day(25))
    page.get_by_label("Progress against the plan").fill("Breakfast club started; parents engaging.")
    page.get_by_role("button", name=re.compile("Save|Record")).click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    assert Deadline.objects.get(rule_slug="first-core-group").status == "met"

    # A review conference continues the plan, then another ends it.
    for held, decision in ((day(50), "continue"), (day(60), "end")):
        page.goto(f"/child-protection/episodes/{episode.pk}/conference/?kind=review")
        fill_date(page, "held_on", held)
        page.locator("#id_chair").select_option(value=str(case["chair"].pk))
        page.locator(f"input[name=decision_{episode.pk}][value={decision}]").check()
        if decision == "continue":
            page.locator(f"input[name=category_{episode.pk}][value=NEG]").check()
        page.locator(f"#id_reasons_{episode.pk}").fill(f"Review: {decision}.")
        page.get_by_role("button", name=re.compile("Save|Record")).click()
        expect(page.locator(".govuk-notification-banner")).to_be_visible()
    plan.refresh_from_db()
    assert plan.end_date == day(60)
    assert plan.end_reason == "no_longer_needed"

    # The case page shows the plan ended, and the chronology has every step.
    page.goto(f"/cases/{child.pk}/")
    expect(page.locator("main")).to_contain_text("ended")
    page.goto(f"/people/{child.pk}/")
    for text in (
        "Strategy discussion",
        "Section 47 enquiry",
        "Initial child protection conference",
        "Child protection plan ended",
    ):
        expect(page.locator("main")).to_contain_text(text)
    screenshot(page, "child-protection-plan-ended")
