"""The multi-agency audits' pages, each opened in a real browser by the role that uses it: the
business unit (the audits, planning one, the audit, its sample, drawing, a case and its grade,
actions, completing) and a health practitioner (the agency's cases and the answer form). The
`page` fixture runs axe-core on every page at 1,280 and 320 px and checks nothing scrolls
sideways at 320 px."""

import datetime

import pytest
from playwright.sync_api import expect

from testing.browser import sign_in

pytestmark = pytest.mark.browser
DAY = datetime.timedelta(days=1)


@pytest.fixture
def audit_world(user, worker, child):
    from childprotection.models import ChildProtectionPlan
    from familyhelp.testing import open_episode
    from partners.models import Agency, User
    from partnership.audits import services
    from people.models import Involvement
    from testing import builders

    today = datetime.date.today()
    episode = open_episode(worker, child, today - 900 * DAY)
    ChildProtectionPlan.objects.create(
        person=child, episode=episode, start_date=today - 800 * DAY, initial_category="NEG", latest_category="NEG"
    )
    health = builders.agency(Agency.Kind.HEALTH_PROVIDER, "Testshire Community Health")
    Involvement.objects.create(person=child, agency=health, kind="Health visiting", start_date=today - 900 * DAY)
    officer = user(User.Role.PARTNERSHIP_OFFICER, team=None, first_name="Pat", last_name="Partnership")
    nurse = user(User.Role.PARTNER_PRACTITIONER, agency=health, team=None, first_name="Nina", last_name="Nurse")

    def plan():
        return services.plan_audit(
            officer,
            theme="Neglect",
            sample_rule="neglect-plan-12-months",
            sample_size=3,
            sample_date=today - 5 * DAY,
            auditors=[officer],
            agencies=[worker.agency, health],
            questions=[("Was the child seen alone?", [])],
            access_from=today,
            access_to=today + 30 * DAY,
        )

    audit = plan()
    services.draw_sample(officer, audit)
    action = services.add_action(officer, audit, text="Train on neglect", owner=health, due_on=today - DAY)
    return {
        "officer": officer,
        "nurse": nurse,
        "audit": audit,
        "planned": plan(),
        "case": audit.cases.get(),
        "action": action,
    }


def test_the_audits_pages(page, audit_world):
    world = audit_world
    audit, case = world["audit"].pk, world["case"].pk
    sign_in(page, world["officer"])
    for url in (
        "/partnership/audits/",
        "/partnership/audits/new/",
        f"/partnership/audits/{audit}/",
        f"/partnership/audits/{audit}/sample/",
        f"/partnership/audits/{audit}/cases/{case}/",
        f"/partnership/audits/{audit}/cases/{case}/grade/",
        f"/partnership/audits/{audit}/actions/new/",
        f"/partnership/audits/actions/{world['action'].pk}/",
        f"/partnership/audits/{audit}/complete/",
        f"/partnership/audits/{world['planned'].pk}/questions/new/",
        f"/partnership/audits/{world['planned'].pk}/sample/draw/",
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto("/partnership/audits/new/")
    page.get_by_role("button", name="Plan the audit").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, world["nurse"])
    page.goto("/partnership/audits/inbox/")
    expect(page.get_by_text("Alex Testchild")).to_be_visible()
    page.goto(f"/partnership/audits/inbox/{case}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("button", name="Send your agency's answer").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
