"""A looked-after child's return home in a real browser: the social worker proposes it, the
nominated officer's approval is refused while a gate (consulting the IRO) is open and the
page says which, the worker records the gate, the officer approves, the worker records the
return (care ends E4A), and when the child is referred again within 12 months the team
manager sees the concern at once on the team's dashboard and marks it seen."""

import datetime

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, fill_date, screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser


@pytest.fixture
def care(user):
    from childrenincare.models import LookedAfterReview
    from childrenincare.testing import designate, looked_after
    from familyhelp import services as family_help
    from partners.models import User
    from people.models import Relationship
    from people.services import record_person

    council = builders.local_authority()
    team = builders.team(council, "Children in care team", function="Children in care")
    manager = user(User.Role.TEAM_MANAGER, team=team, first_name="Taylor", last_name="Manager")
    worker = user(User.Role.SOCIAL_WORKER, team=team, first_name="Robin", last_name="Worker")
    officer = user(User.Role.HEAD_OF_SERVICE, agency=council, team=None, first_name="Noor", last_name="Officer")
    designate(officer)
    child = record_person(
        None, kind="child", given_names="Riley", family_name="Ashdown", date_of_birth=datetime.date(2015, 3, 9), sex="F"
    )
    mother = record_person(
        None, kind="adult", given_names="Dana", family_name="Ashdown", date_of_birth=datetime.date(1988, 7, 1), sex="F"
    )
    Relationship.objects.create(person=child, related_person=mother, relationship=Relationship.Type.PARENT)
    today = datetime.date.today()
    period = looked_after(worker, child, today - datetime.timedelta(days=90))
    family_help.allocate(manager, period.episode, team=team, worker=worker, on=period.start_date)
    LookedAfterReview.objects.create(
        period=period,
        number=1,
        held_on=today - datetime.timedelta(days=20),
        participation="PN1",
        considered_return_home=True,
        chair=worker,
        recorded_by=worker,
    )
    return {
        "worker": worker,
        "manager": manager,
        "officer": officer,
        "child": child,
        "mother": mother,
        "period": period,
        "team": team,
        "today": today,
    }


def prepare_all_but_the_iro(worker, decision):
    """The gates other than consulting the IRO, as the worker would record them over weeks."""
    from childrenincare.return_home import services as reunification

    today = datetime.date.today()
    for state in reunification.gate_states(decision):
        if state.gate.kind == "recorded" and state.gate.key not in ("iro-consulted", "home-assessed"):
            reunification.record_gate(
                worker,
                decision,
                gate=state.gate.key,
                state="met",
                done_on=today,
                evidence="Done; see the assessment on file",
            )
    for member in decision.household.all():
        reunification.record_household_assessment(
            worker, member, assessed_on=today, outcome="no_concerns", summary="Police and health checks: nothing known"
        )
    reunification.record_family_group_decision_making(
        worker, decision, response="declined", offered_on=today, offered_to="Dana Ashdown"
    )
    reunification.add_support(
        worker,
        decision,
        what="Family support worker twice a week",
        who="Family Help team",
        until=today + datetime.timedelta(days=180),
    )
    for signal in reunification.risk_signals(decision):
        reunification.weigh_signal(worker, decision, signal=signal.key, how_weighed="Weighed with the IRO")


def test_return_home_blocked_by_an_open_gate_then_approved_then_flagged(page, care):
    from childrenincare.models import MonitoringFlag, ReunificationDecision
    from familyhelp.testing import open_episode
    from frontdoor.models import Referral

    worker, officer, manager, period, today = (
        care["worker"],
        care["officer"],
        care["manager"],
        care["period"],
        care["today"],
    )

    # The social worker proposes the return home from the care record.
    sign_in(page, worker)
    page.goto(f"/children-in-care/periods/{period.pk}/")
    expect(page.locator("main")).to_contain_text("Episodes of care")
    assert_basic_accessibility(page)
    page.get_by_role("link", name="Start a return-home decision").click()
    page.locator("input[name=route][value=A]").check()
    fill_date(page, "proposed_date", today - datetime.timedelta(days=3))
    page.get_by_label("Where would the child live, and with whom?").fill("With her mother at the family home")
    page.get_by_label("Dana Ashdown").check()
    page.get_by_label("Why is a return home proposed now?").fill("Dana has completed the parenting programme.")
    page.get_by_role("button", name="Start the decision").click()
    expect(page.locator("#open-gates")).to_contain_text("cannot be approved while")
    decision = ReunificationDecision.objects.get()

    # One gate is recorded on the page; the others as the weeks go by.
    page.get_by_role("link", name="Assess the home: the accommodation and how the child will be maintained").click()
    page.locator("input[name=state][value=met]").check()
    fill_date(page, "done_on", today)
    page.get_by_label("What was done and what it found").fill("Two bedrooms; Riley has her own room.")
    page.get_by_role("button", name="Save").click()
    prepare_all_but_the_iro(worker, decision)
    page.goto(f"/children-in-care/return-home/{decision.pk}/")
    expect(page.locator("#open-gates")).to_contain_text("consult the independent reviewing officer")
    assert_basic_accessibility(page)
    sign_out(page)

    # The nominated officer tries to approve: refused, and told which gate is open.
    sign_in(page, officer)
    page.goto(f"/children-in-care/return-home/{decision.pk}/decide/")
    page.locator("input[name=approve][value=yes]").check()
    page.get_by_label("Reasons for the decision").fill("The plan is sound.")
    page.get_by_role("button", name="Save the decision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "cannot be approved while these are open: consult the independent reviewing officer"
    )
    screenshot(page, "return-home-blocked")
    decision.refresh_from_db()
    assert decision.status == ReunificationDecision.Status.DRAFT
    sign_out(page)

    # The worker records the IRO's view; the officer approves.
    sign_in(page, worker)
    page.goto(f"/children-in-care/return-home/{decision.pk}/gates/iro-consulted/")
    page.locator("input[name=state][value=met]").check()
    fill_date(page, "done_on", today)
    page.get_by_label("What was done and what it found").fill("The IRO supports the return with the support plan.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Every gate is done")
    sign_out(page)
    sign_in(page, officer)
    page.goto(f"/children-in-care/return-home/{decision.pk}/decide/")
    page.locator("input[name=approve][value=yes]").check()
    page.get_by_label("Reasons for the decision").fill("Every gate is met and the support is in place.")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator("h1")).to_contain_text("Approved")
    sign_out(page)

    # The worker records the return: care ends E4A and monitoring starts.
    sign_in(page, worker)
    page.goto(f"/children-in-care/return-home/{decision.pk}/")
    page.get_by_role("link", name="Record the return home").click()
    fill_date(page, "on", today - datetime.timedelta(days=3))
    page.get_by_role("button", name="Record the return home").click()
    expect(page.locator("#monitoring")).to_be_visible()
    period.refresh_from_db()
    assert period.end_reason == "E4A"
    sign_out(page)

    # Referred again within 12 months: the team manager sees it at once.
    Referral.objects.filter(pk=period.episode_id).update(
        closure_date=today - datetime.timedelta(days=2), closure_reason="RC7"
    )
    open_episode(worker, care["child"], today - datetime.timedelta(days=1))
    assert MonitoringFlag.objects.filter(kind="re_referral").count() == 1
    sign_in(page, manager)
    page.goto(f"/timescales/teams/{care['team'].pk}/")
    banner = page.locator(".govuk-notification-banner").filter(has_text="returning home")
    expect(banner).to_contain_text("1 concern about children within 12 months of returning home")
    banner.get_by_role("link", name="See returns home being monitored").click()
    expect(page.locator("main")).to_contain_text("Riley Ashdown: referred again to children's social care")
    assert_basic_accessibility(page)
    page.get_by_role("link", name="Riley Ashdown: referred again to children's social care").click()
    page.get_by_label("What have you decided to do?").fill("Strategy discussion today; review the support plan.")
    page.get_by_role("button", name="Mark as seen").click()
    expect(page.locator("main")).not_to_contain_text("not yet seen")
    screenshot(page, "return-home-monitoring")
