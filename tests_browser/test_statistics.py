"""The statistics in a real browser: the headline summary and a section with its chart, its
legend and its figures as a table, at 1,280 px and at 320 px wide (WCAG 2.2 1.4.10 reflow:
nothing wider than the screen, the legend wrapping under the chart)."""

import datetime

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser


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
    return {"analyst": analyst}


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
    chart = page.locator("svg[role=img]").first
    expect(chart).to_be_visible()
    legend = page.get_by_role("list", name="Key to the lines").first
    expect(legend.get_by_role("listitem")).to_have_count(4)
    expect(legend).to_contain_text("England")
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
    # The legend wraps: every entry inside the screen.
    for item in legend.get_by_role("listitem").all():
        right = item.bounding_box()
        assert right is not None and right["x"] + right["width"] <= 320  # noqa: PT018
    page.get_by_text("Show the figures as a table").first.click()
    expect(page.locator("#looked-after-rate-table")).to_be_visible()
    screenshot(page, "statistics-looked-after-320")
    page.goto("/returns/statistics/why-care-ended/")
    fits(page)
    page.goto("/returns/statistics/education/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Education")
    fits(page)
