"""A personal adviser's care leaver journey in a real browser: from the young person's record
to their care leaver record (eligibility and why), appointing the personal adviser, and the
birthday contact the SSDA903 asks for: a date outside the window around the birthday is
refused with the GOV.UK error summary and what was typed kept, then saved with the
accommodation type and suitability asked as two questions and shown as one answer."""

import datetime

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def leaver_world(user):
    from leavingcare import services
    from leavingcare.eligibility import birthday
    from leavingcare.testing import care_period
    from partners.models import User
    from people.models import Involvement
    from people.services import record_person

    council = builders.local_authority(la_code="383")
    team = builders.team(council, "Care leavers service", function="Care leavers")
    adviser = user(User.Role.SOCIAL_WORKER, team=team, first_name="Pat", last_name="Adviser")
    today = datetime.date.today()
    dob = today.replace(year=today.year - 19) - datetime.timedelta(days=20)
    person = record_person(None, kind="child", given_names="Robin", family_name="Fieldfare", date_of_birth=dob, sex="M")
    care_period(adviser, person, birthday(dob, 13), birthday(dob, 18), end_reason="E17")
    Involvement.objects.create(
        person=person, agency=council, team=team, kind="Care leavers", start_date=today - datetime.timedelta(days=300)
    )
    record = services.open_record(adviser, person)
    return {"adviser": adviser, "person": person, "record": record, "birthday": birthday(dob, 19)}


def test_a_personal_adviser_records_the_birthday_contact(page, leaver_world):
    person, day = leaver_world["person"], leaver_world["birthday"]
    sign_in(page, leaver_world["adviser"])
    page.goto(f"/people/{person.pk}/")
    page.get_by_role("link", name="Care leaver record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(person.full_name)
    expect(page.get_by_text("Former relevant young person").first).to_be_visible()
    expect(page.locator(".govuk-warning-text").get_by_text("No personal adviser")).to_be_visible()
    assert_basic_accessibility(page)

    page.get_by_role("link", name="Appoint a personal adviser").click()
    page.get_by_label("Pat Adviser").check()
    today = datetime.date.today()
    page.locator("#id_on_0").fill(str(today.day))
    page.locator("#id_on_1").fill(str(today.month))
    page.locator("#id_on_2").fill(str(today.year))
    page.get_by_role("button", name="Appoint the personal adviser").click()
    expect(page.get_by_text("Pat Adviser is the personal adviser")).to_be_visible()

    page.get_by_role("link", name="Record the 19 birthday contact").click()
    wrong = day - datetime.timedelta(days=150)
    page.get_by_label("Yes, in touch").check()
    page.locator("#id_contact_on_0").fill(str(wrong.day))
    page.locator("#id_contact_on_1").fill(str(wrong.month))
    page.locator("#id_contact_on_2").fill(str(wrong.year))
    page.get_by_label("Full-time in higher education").check()
    page.get_by_label("Independent living, for example a flat or tenancy").check()
    page.locator("input[name=accommodation_suitable][value=yes]").check()
    page.get_by_role("button", name="Save the birthday contact").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("3 months before to 1 month after")
    expect(page.locator("#id_contact_on_2")).to_have_value(str(wrong.year))
    assert_basic_accessibility(page)
    screenshot(page, "leaving-care-birthday-error")

    page.locator("#id_contact_on_0").fill(str(day.day))
    page.locator("#id_contact_on_1").fill(str(day.month))
    page.locator("#id_contact_on_2").fill(str(day.year))
    page.get_by_role("button", name="Save the birthday contact").click()
    expect(page.get_by_text("Birthday contact saved")).to_be_visible()
    expect(page.get_by_text("Independent living, for example a flat or tenancy: suitable")).to_be_visible()
    assert_basic_accessibility(page)
    screenshot(page, "leaving-care-record")
