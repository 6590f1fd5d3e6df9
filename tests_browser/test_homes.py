"""Each role's home in a real browser: after signing in, a social worker, a MASH practitioner, a
school's safeguarding lead, a team manager and an analyst each land where their work is; the navigation holds
only their pages, fits one row at 1,280 px, and at 320 px folds behind GOV.UK's "Menu" button,
which opens and closes it, with nothing wider than the screen."""

import re

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, assert_styles_loaded, screenshot, sign_in, sign_out

pytestmark = pytest.mark.browser


@pytest.fixture
def people(user):
    from frontdoor import services
    from partners.models import User

    council = builders.local_authority()
    mash = builders.team(council, "Testshire MASH", function="MASH")
    practitioner = user(User.Role.MASH_PRACTITIONER, team=mash, first_name="Morgan", last_name="Mash")
    services.load_threshold_document(practitioner)
    return {
        "social worker": (user(User.Role.SOCIAL_WORKER, agency=council), r"/caseload/$", "Your caseload"),
        "team manager": (user(User.Role.TEAM_MANAGER, agency=council), r"/caseload/team/$", "caseload"),
        "MASH practitioner": (practitioner, r"/front-door/$", None),
        "school": (
            user(
                User.Role.PARTNER_PRACTITIONER,
                agency=builders.school("Oakfield Primary School", urn="100002"),
                team=None,
                first_name="Dana",
                last_name="Lead",
            ),
            r"/partner-home/$",
            "Your contacts and checks",
        ),
        "analyst": (user(User.Role.ANALYST, agency=council, team=None), r"/returns/$", "Statutory returns"),
    }


def navigation_items(page):
    return page.locator(".govuk-service-navigation__item")


def assert_fits_one_row(page):
    tops = page.eval_on_selector_all(
        ".govuk-service-navigation__item", "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert tops, "there is no navigation"
    assert len(set(tops)) == 1, f"the navigation wraps onto {len(set(tops))} rows: {tops}"
    assert len(tops) <= 5


def assert_menu_folds_at_320(page, name):
    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    menu = page.get_by_role("button", name="Menu")
    links = page.locator("#navigation")
    items = navigation_items(page)
    if items.count() > 1:
        expect(menu).to_be_visible()
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(links).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(links).to_be_visible()
        expect(items.first).to_be_visible()
        screenshot(page, name)
        menu.click()
        expect(links).to_be_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width} px wide at 320 px"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("who", ["social worker", "team manager", "MASH practitioner", "school", "analyst"])
def test_each_role_lands_where_its_work_is(page, people, who):
    account, landing, heading = people[who]
    sign_in(page, account)
    expect(page).to_have_url(re.compile(landing))
    if heading:
        expect(page.locator("h1")).to_contain_text(heading)
    assert_styles_loaded(page)
    assert_basic_accessibility(page)

    # "Home" is the page they are on; every other link of the bar opens.
    home = page.get_by_role("link", name="Home", exact=True)
    expect(home).to_have_attribute("aria-current", "page")
    assert_fits_one_row(page)
    hrefs = page.eval_on_selector_all(".govuk-service-navigation__link", "links => links.map(a => a.href)")
    for href in hrefs:
        assert page.request.get(href).status == 200, href
    screenshot(page, f"home-{who.replace(' ', '-')}")

    assert_menu_folds_at_320(page, f"home-{who.replace(' ', '-')}-320")
    sign_out(page)


def test_find_a_person_is_one_click_from_home(page, people):
    account, _, _ = people["social worker"]
    sign_in(page, account)
    page.get_by_role("link", name="Find a person").click()
    expect(page.get_by_label("Search for a person")).to_be_visible()
    expect(page.get_by_role("link", name="Find a person")).to_have_attribute("aria-current", "page")
    assert_fits_one_row(page)


def test_the_analyst_finds_statistics_and_no_person_pages(page, people):
    account, _, _ = people["analyst"]
    sign_in(page, account)
    names = [name.strip() for name in navigation_items(page).all_inner_texts()]
    # "More" holds the partners' feeds of records to link (linkage).
    assert names == ["Home", "Statistics", "More"]
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Statistics").click()
    expect(page).to_have_url(re.compile(r"/returns/statistics/$"))
    assert_fits_one_row(page)
