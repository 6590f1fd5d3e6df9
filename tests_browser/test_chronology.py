"""A practitioner opens a child's record, filters the chronology to the key events and opens
the printable chronology; on a 320-pixel-wide screen neither page scrolls sideways (WCAG 2.2
1.4.10 Reflow)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from testing.browser import assert_basic_accessibility, assert_styles_loaded, screenshot, sign_in

pytestmark = pytest.mark.browser


def assert_reflows(page):
    """At 320 CSS pixels wide the page needs no horizontal scrolling."""
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} px wide at 320 px"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def child(user):
    from django.utils import timezone

    from chronology.services import record_event
    from people.services import record_person
    from testing import builders

    person = record_person(
        None, kind="child", given_names="Ruby", family_name="Testmoor", date_of_birth=datetime.date(2014, 7, 9)
    )
    police = builders.police()

    def at(*args):
        return timezone.make_aware(datetime.datetime(*args))

    record_event(person, "referral", at(2025, 4, 2, 10), "Referral from the school about bruising")
    record_event(person, "police-event", at(2025, 3, 28, 22), "Police called to a disturbance", agency=police)
    record_event(person, "strategy-discussion", at(2025, 4, 3, 11), "Strategy discussion: section 47 enquiry")
    record_event(
        person,
        "family-event",
        at(2024, 12, 24, 9),
        "Father moved back into the family home",
        detail="A long note with a long unbroken reference: " + "ABCDEFGHIJ" * 8,
    )
    return person


def test_filter_the_chronology_to_key_events_and_print_it(page, user, child):
    from people.models import Involvement

    worker = user(first_name="Kai", last_name="Osei")
    Involvement.objects.create(
        person=child,
        agency=worker.agency,
        team=worker.team,
        worker=worker,
        kind="Child in need",
        start_date=datetime.date(2025, 4, 2),
    )
    sign_in(page, worker)
    page.goto(f"/people/{child.pk}/")
    chronology = page.locator("main")
    expect(chronology.get_by_role("heading", name="2025", exact=True)).to_be_visible()
    expect(chronology.get_by_role("heading", name="April 2025")).to_be_visible()
    expect(chronology.get_by_role("heading", name="December 2024")).to_be_visible()
    expect(page.get_by_label("Key events only")).to_be_visible()  # the filters are not hidden
    assert_styles_loaded(page)
    assert_basic_accessibility(page)
    assert_reflows(page)

    page.get_by_label("Key events only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"key=1"))
    expect(page.get_by_text("2 key events matching the filters")).to_be_visible()
    expect(page.get_by_role("heading", name="Referral from the school about bruising")).to_be_visible()
    expect(page.get_by_role("heading", name="Father moved back into the family home")).to_have_count(0)
    expect(page.locator(".moj-timeline .govuk-tag", has_text="Key event")).to_have_count(2)
    assert_basic_accessibility(page)
    assert_reflows(page)
    screenshot(page, "chronology-key-events")

    page.get_by_role("link", name=re.compile("Printable chronology")).click()
    expect(page).to_have_url(re.compile(rf"/people/{child.pk}/chronology/print/\?key=1$"))
    expect(page.locator("h1")).to_have_text(re.compile(r"Ruby Testmoor"))
    expect(page.get_by_text("Key events only")).to_be_visible()
    expect(page.get_by_text("Strategy discussion: section 47 enquiry")).to_be_visible()
    expect(page.get_by_text("Police called to a disturbance")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)  # no navigation
    assert_basic_accessibility(page)
    assert_reflows(page)

    # The whole chronology, including the long note, still reflows.
    page.goto(f"/people/{child.pk}/chronology/print/")
    expect(page.get_by_text("Father moved back into the family home")).to_be_visible()
    assert_reflows(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Back to the record")).to_be_hidden()
    screenshot(page, "chronology-print")
