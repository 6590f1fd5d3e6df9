"""The statistics in a real browser: the headline summary and a section with its chart (drawn on
the server by kernel.charts, its one legend under the plot inside it) and its figures as a
table, at 1,280 px and at 320 px wide (WCAG 2.2 1.4.10 reflow: nothing wider than the screen,
the chart and every legend entry inside it); the education and the exploitation sections (its
period chosen with the date inputs, and its error summary). The page fixture runs axe-core on
every page shown."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser

LINES = ("This authority", "Statistical neighbours (median)", "Yorkshire and The Humber", "England")


@pytest.fixture
def statistics_world(user, settings):
    from childrenincare.testing import looked_after
    from partners.models import User
    from people.services import record_person

    settings.CHILD_POPULATION = 2000
    settings.S434A_COMMENCEMENT = datetime.date.today() - datetime.timedelta(days=400)
    settings.CNIS_COMMENCEMENT = datetime.date.today() - datetime.timedelta(days=400)
    council = builders.local_authority(la_code="383")
    team = builders.team(council, "Children in care team", function="Children in care")
    worker = user(User.Role.SOCIAL_WORKER, team=team)
    analyst = user(User.Role.ANALYST, agency=council, team=None, first_name="Ari", last_name="Analyst")
    today = datetime.date.today()
    children = []
    for n, (given, days) in enumerate((("Jordan", 40), ("Casey", 500), ("Morgan", 900))):
        child = record_person(
            None,
            kind="child",
            given_names=given,
            family_name="Fieldfare",
            date_of_birth=datetime.date(2012 + n, 5, 2),
            sex="M",
        )
        looked_after(worker, child, today - datetime.timedelta(days=days))
        children.append(child)
    exploitation_history(worker, children, today)
    return {"analyst": analyst}


def exploitation_history(worker, children, today):
    """For the exploitation section: risk assessments, a missing episode with its return
    interview and an NRM referral, through the services."""
    from django.utils import timezone

    from exploitation import services as missing
    from exploitation.risk import services as risk

    for n, (child, level, indicators) in enumerate(
        zip(
            children,
            ("significant", "moderate", "emerging"),
            (["cce-out-of-area"], ["cse-gifts"], ["cce-drugs"]),
            strict=True,
        )
    ):
        risk.assess_exploitation_risk(
            worker,
            child,
            kind="screening",
            assessed_on=today - datetime.timedelta(days=30 * (n + 1)),
            indicators=indicators,
            level=level,
            harm_from=["adults_outside"],
            reasons="Synthetic reasons",
        )
    back = timezone.now() - datetime.timedelta(days=20)
    episode = missing.report_missing(
        worker,
        children[0],
        kind="M",
        missing_from="placement",
        started_at=back - datetime.timedelta(hours=5),
        ended_at=back,
        where_found="A station",
    )
    missing.record_return_interview(
        worker,
        episode,
        held_at=back + datetime.timedelta(hours=20),
        what_child_said="Synthetic",
        held_by_name="Ari Independent",
        independent=True,
    )
    risk.refer_to_nrm(worker, children[0], referred_on=today - datetime.timedelta(days=10), exploitation_types=["cce"])


def fits(page, width=320):
    """Nothing wider than the screen (what sticks out is named, for the failure message; the side
    navigation and the tables scroll inside their own panes)."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """width => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width)
            .filter(e => !e.parentElement.closest('.moj-side-navigation, .moj-scrollable-pane'))
            .slice(0, 5)
            .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""",
        width,
    )
    assert scroll <= width, f"the page is {scroll} px wide at {width} px: {wide}"


def test_the_headline_and_a_section_fit_a_phone(page, statistics_world):
    sign_in(page, statistics_world["analyst"])
    page.goto("/returns/statistics/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Statistics")
    expect(page.get_by_role("heading", name="The key figures")).to_be_visible()
    expect(page.get_by_text("Children looked after, per 10,000 children", exact=True)).to_be_visible()
    assert_basic_accessibility(page)
    screenshot(page, "statistics-headline")

    nav = page.get_by_role("navigation", name="Statistics sections")
    nav.get_by_role("link", name="Children looked after").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children looked after")
    chart = page.locator("svg.app-chart").first
    expect(chart).to_be_visible()
    # Named by its title and its description (aria-labelledby both), which points to the table.
    expect(chart).to_have_accessible_name(
        re.compile(
            r"^Chart: Children looked after on 31 March, per 10,000 .* A line for each of This authority, .*table"
        )
    )
    # One legend, under the plot inside the chart: an entry for each of the four lines.
    legend = [chart.locator("text").filter(has_text=re.compile(f"^{re.escape(name)}$")) for name in LINES]
    for entry in legend:
        expect(entry).to_have_count(1)
    expect(page.get_by_text("Key to the lines")).to_have_count(0)
    page.get_by_text("Show the figures as a table").first.click()
    expect(page.locator("#looked-after-rate-table")).to_be_visible()
    assert_basic_accessibility(page)
    screenshot(page, "statistics-looked-after")

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/returns/statistics/")
    expect(page.get_by_role("heading", name="The key figures")).to_be_visible()
    fits(page)
    screenshot(page, "statistics-headline-320")
    page.goto("/returns/statistics/looked-after/")
    expect(chart).to_be_visible()
    fits(page)
    box = chart.bounding_box()
    assert box is not None and box["width"] <= 320  # noqa: PT018
    # The chart shrinks to the screen, its legend with it: every entry inside the screen.
    for entry in legend:
        right = entry.bounding_box()
        assert right is not None and right["x"] + right["width"] <= 320  # noqa: PT018
    page.get_by_text("Show the figures as a table").first.click()
    expect(page.locator("#looked-after-rate-table")).to_be_visible()
    screenshot(page, "statistics-looked-after-320")
    page.goto("/returns/statistics/why-care-ended/")
    fits(page)
    page.goto("/returns/statistics/education/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Education")
    fits(page)
    # The exploitation section: its tables stack at 320 px; the period chosen with the date inputs.
    page.goto("/returns/statistics/exploitation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Exploitation")
    expect(page.get_by_role("heading", name="Missing episodes", exact=True)).to_be_visible()
    fits(page)
    screenshot(page, "statistics-exploitation-320")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("navigation", name="Statistics sections").get_by_role("link", name="Exploitation").click()
    month_chart = page.locator("svg.app-chart")  # the month-by-month chart
    expect(month_chart).to_have_count(1)
    expect(month_chart).to_have_accessible_name(
        re.compile(r"at each risk level, by month A line for each of No risk identified, ")
    )
    assert_basic_accessibility(page)
    last_month = datetime.date.today() - datetime.timedelta(days=31)
    page.locator("#id_from_date_0").fill(str(last_month.day))
    page.locator("#id_from_date_1").fill(str(last_month.month))
    page.locator("#id_from_date_2").fill(str(last_month.year))
    page.get_by_role("button", name="Show the figures").click()
    expect(page.get_by_text(f"Counted from {last_month:%-d %B %Y} to")).to_be_visible()
    page.locator("#id_to_date_2").fill("20")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The end date must include a 4-digit year")
    screenshot(page, "statistics-exploitation")
