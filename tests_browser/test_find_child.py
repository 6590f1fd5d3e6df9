"""A practitioner signs in, finds a child by a misspelt name and opens the child's record."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from testing.browser import assert_basic_accessibility, assert_styles_loaded, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def child(user):
    from people.services import record_person

    recorder = user()
    return record_person(
        recorder, kind="child", given_names="Jonathon", family_name="Smith", date_of_birth=date(2015, 3, 4)
    )


def test_find_a_child_by_a_misspelt_name_and_open_their_record(page, user, child):
    from people.models import Involvement

    practitioner = user(first_name="Sam", last_name="Patel")
    # The practitioner's team works with the child, so the full record opens (need-to-know).
    Involvement.objects.create(
        person=child,
        agency=practitioner.agency,
        team=practitioner.team,
        worker=practitioner,
        kind="Child in need",
        start_date=date(2025, 1, 6),
    )

    sign_in(page, practitioner)
    page.get_by_role("link", name="Find a person").click()  # one click from every home
    search_box = page.get_by_label("Search for a person")
    expect(search_box).to_be_visible()
    expect(search_box).to_have_attribute("name", "q")
    assert_basic_accessibility(page)

    search_box.fill("Jon Smyth")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=Jon(\+|%20)Smyth"))
    assert_basic_accessibility(page)

    page.get_by_role("table").get_by_role("link", name="Jonathon Smith").click()
    expect(page).to_have_url(re.compile(rf"/people/{child.pk}/$"))
    expect(page.locator("h1")).to_have_text(re.compile(r"^\s*Jonathon Smith\s*$"))
    expect(page.get_by_role("heading", name="Chronology")).to_be_visible()
    assert_styles_loaded(page)
    assert_basic_accessibility(page)
    screenshot(page, "find-child-record")
