"""The key-facts banner in a real browser: at the top of the child's record and of a case page,
for each fact (missing now with since when and the police reference, a child protection plan
with its category in words, looked after with the legal status in words, a restricted record),
in words and not colour alone; the pages reflow at 320 CSS pixels; and no banner for a viewer
who may not see the child in full. Everyone here is synthetic."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser

TODAY = datetime.date.today()


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def people(user, la):
    """A looked-after boy missing from his placement since yesterday afternoon, and a girl on a
    child protection plan (emotional abuse) whose record is restricted to her social worker."""
    from childprotection.models import ChildProtectionPlan
    from childrenincare.testing import looked_after
    from exploitation import services as missing
    from partners.models import User
    from people.models import Person, RestrictedAccess

    team = builders.team(la, "Children in care team", function="Children in care")
    worker = user(User.Role.SOCIAL_WORKER, team=team, first_name="Sam", last_name="Worker")
    manager = user(User.Role.TEAM_MANAGER, team=team)
    boy = builders.child(given_names="Kit", family_name="Lantern", date_of_birth=datetime.date(2011, 6, 2))
    episode = builders.allocated_episode(worker, manager, boy, days_ago(90))
    period = looked_after(worker, boy, days_ago(60), legal_status="C2", episode=episode)
    started = timezone.localtime(timezone.now() - datetime.timedelta(days=1)).replace(
        hour=15, minute=30, second=0, microsecond=0
    )
    missing.report_missing(
        worker,
        boy,
        kind="M",
        missing_from="placement",
        started_at=started,
        reported_to_police=True,
        police_reference="TS-2026-0042",
        police_risk="medium",
    )
    girl = builders.child(given_names="Wren", family_name="Hollow", sex="F", date_of_birth=datetime.date(2014, 1, 9))
    girl_episode = builders.allocated_episode(worker, manager, girl, days_ago(80))
    plan = ChildProtectionPlan.objects.create(
        person=girl, episode=girl_episode, start_date=days_ago(30), initial_category="EMO", latest_category="EMO"
    )
    RestrictedAccess.objects.create(person=girl, user=worker)
    Person.objects.filter(pk=girl.pk).update(restricted=True)
    return {
        "worker": worker,
        "boy": boy,
        "period": period,
        "started": started,
        "girl": girl,
        "plan": plan,
        "team": team,
    }


def banner_of(page):
    banner = page.get_by_test_id("key-facts")
    expect(banner).to_be_visible()
    # A section named by its heading, before the page's h1.
    expect(banner).to_have_attribute("aria-labelledby", "key-facts-title")
    assert page.evaluate(
        """() => {
            const banner = document.querySelector('[data-testid="key-facts"]');
            const h1 = document.querySelector('h1');
            return !!(banner.compareDocumentPosition(h1) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    ), "the banner must come before the page's heading"
    return banner


def assert_reflows(page, width=320, whole_page=True):
    """At 320 CSS pixels wide (WCAG 2.2 1.4.10) nothing scrolls sideways: the banner always,
    and the whole page where ``whole_page`` (the care and case pages' wide data tables of due
    dates, placements and SSDA903 episodes still overflow: not the banner's doing)."""
    page.set_viewport_size({"width": width, "height": 800})
    found = page.evaluate(
        """() => {
            const banner = document.querySelector('[data-testid="key-facts"]');
            return {
                page: document.documentElement.scrollWidth,
                banner: banner ? Math.ceil(banner.getBoundingClientRect().right) : 0,
                inside: banner ? banner.scrollWidth - banner.clientWidth : 0,
            };
        }"""
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    assert found["banner"] <= width, f"the banner on {page.url} reaches {found['banner']} px at {width} px"
    assert found["inside"] <= 0, f"the banner on {page.url} overflows itself by {found['inside']} px"
    if whole_page:
        assert found["page"] <= width, f"{page.url} is {found['page']} px wide at {width} px"


def test_missing_now_and_looked_after_on_the_record_and_the_care_page(page, people):
    boy, started = people["boy"], people["started"]
    sign_in(page, people["worker"])
    for url in (f"/people/{boy.pk}/", f"/children-in-care/periods/{people['period'].pk}/"):
        page.goto(url)
        record = url.startswith("/people/")
        banner = banner_of(page)
        expect(banner.get_by_role("heading")).to_have_text(f"Key facts about {boy.full_name}")
        missing = banner.locator("[data-fact=missing]")
        expect(missing).to_contain_text("Missing now")
        expect(missing).to_contain_text(f"since 15:30 on {started:%-d %B %Y}")
        expect(missing).to_contain_text("police reference TS-2026-0042")
        expect(missing).to_contain_text("police risk: medium")
        cared = banner.locator("[data-fact=looked_after]")
        expect(cared).to_contain_text("Looked after")
        expect(cared).to_contain_text("Full care order")
        # The most urgent first, and the banner marked urgent.
        expect(banner.locator("[data-fact]").first).to_have_attribute("data-fact", "missing")
        expect(banner).to_have_class(re.compile(r"app-key-facts--urgent"))
        assert_basic_accessibility(page)
        assert_reflows(page, whole_page=record)
    screenshot(page, "key-facts-missing-looked-after")
    # The record's current involvement says he is looked after, once.
    page.goto(f"/people/{boy.pk}/")
    involvement = page.locator("h2:has-text('Current involvement') + p + dl, h2:has-text('Current involvement') ~ dl")
    expect(involvement.first).to_contain_text("Looked after")
    screenshot(page, "key-facts-record")


def test_a_plan_and_a_restricted_record_on_the_record_and_the_plan(page, people):
    girl = people["girl"]
    sign_in(page, people["worker"])
    for url in (f"/people/{girl.pk}/", f"/child-protection/plans/{people['plan'].pk}/", f"/cases/{girl.pk}/"):
        page.goto(url)
        banner = banner_of(page)
        plan = banner.locator("[data-fact=cp_plan]")
        expect(plan).to_contain_text("Child protection plan")
        expect(plan).to_contain_text(f"emotional abuse, since {days_ago(30):%-d %B %Y}")
        expect(banner.locator("[data-fact=restricted]")).to_contain_text("Restricted record")
        # Each tag says its fact in words: no meaning carried by colour alone.
        for tag in banner.locator(".govuk-tag").all():
            assert tag.inner_text().strip()
        assert_basic_accessibility(page)
        assert_reflows(page, whole_page=not url.startswith("/cases/"))
    screenshot(page, "key-facts-plan-restricted")


def test_no_banner_for_a_worker_whose_team_is_not_involved(page, people, user, la):
    from partners.models import User

    stranger = user(User.Role.SOCIAL_WORKER, team=builders.team(la, "Another team"))
    boy = people["boy"]
    sign_in(page, stranger)
    page.goto(f"/people/{boy.pk}/")
    expect(page.get_by_role("heading", name="If you need the full record")).to_be_visible()
    expect(page.get_by_test_id("key-facts")).to_have_count(0)
    expect(page.get_by_text("Missing now")).to_have_count(0)
    page.get_by_text("Open the full record").click()
    expect(page).to_have_url(re.compile(rf"/people/{boy.pk}/break-glass/$"))
    expect(page.get_by_test_id("key-facts")).to_have_count(0)
    expect(page.get_by_text("Looked after")).to_have_count(0)
    assert_basic_accessibility(page)
    assert_reflows(page)
