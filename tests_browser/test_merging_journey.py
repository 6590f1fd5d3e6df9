"""Merging two records of one child in a real browser: a duplicate check found a second record of
a child (the front door recorded her again with her NHS number); a social worker compares the two
and proposes the merge (first without a reason: the GOV.UK error summary); a manager signs it
off; the second record's page now leads to the first, which says so and shows the other record's
NHS number; the manager undoes the merge, and the two records are apart again. The `page`
fixture runs axe-core on every page at 1,280 and 320 px and checks nothing scrolls sideways at
320 px. Everyone is synthetic."""

import datetime

import pytest
from playwright.sync_api import expect

from partners.models import User
from people import services as people_services
from people.merging import services as merging
from people.models import Involvement
from testing import builders
from testing.browser import screenshot, sign_in

pytestmark = pytest.mark.browser
NHS = "9434765919"


@pytest.fixture
def two_records(worker, manager, team):
    first = builders.child(given_names="Harriet", family_name="Vellacott", sex="F")
    second = builders.child(given_names="Hattie", family_name="Vellacott", sex="F")
    people_services.add_identifier(worker, second, id_type="NHS", value=NHS)
    builders.allocated_episode(worker, manager, second, datetime.date.today() - datetime.timedelta(days=12))
    for person in (first, second):
        Involvement.objects.create(
            person=person, agency=team.agency, team=team, kind="Synthetic work", start_date=datetime.date(2024, 1, 1)
        )
    check = merging.request_duplicate_check(None, queue=False)
    merging.keep_duplicate_pairs(
        check,
        [
            merging.FoundPair(
                first.pk,
                second.pk,
                14.2,
                0.9999,
                {"first_name": 3.1, "family_name": 6.0, "dob": 9.4, "postcode": 0.0, "nhs_number": 0.0, "prior": -4.3},
            )
        ],
        model_version=1,
        counts={"people": 2, "pairs": 1},
    )
    return first, second


def test_propose_sign_off_follow_and_undo_a_merge(page, two_records, worker, user, team):
    first, second = two_records
    head = user(User.Role.HEAD_OF_SERVICE, team=team)

    sign_in(page, worker)
    page.goto(f"/people/{first.pk}/merge/{second.pk}/")
    expect(page.get_by_role("heading", level=1, name="Merge two records of one person")).to_be_visible()
    expect(page.get_by_text("1 child-in-need episode (referral)").first).to_be_visible()
    expect(page.get_by_role("heading", name="Why the check found them")).to_be_visible()
    page.get_by_role("button", name="Propose the merge for sign-off").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why these two records are the same person")
    page.get_by_label("Why are these two records the same person?").fill(
        "The same date of birth and family; Hattie is what she is called at school"
    )
    page.get_by_role("button", name="Propose the merge for sign-off").click()
    expect(page.get_by_text("The merge was proposed: a manager must sign it off")).to_be_visible()
    expect(page.get_by_text("Waiting for sign-off")).to_be_visible()
    screenshot(page, "merging-proposed")

    page.context.clear_cookies()
    sign_in(page, head, check_page=False)
    page.goto("/people/duplicates/")
    expect(page.get_by_role("heading", name="Merges waiting for sign-off")).to_be_visible()
    page.get_by_role("link", name="see the proposed merge").click()
    page.get_by_label("Yes, merge the records").check()
    page.get_by_role("button", name="Save your decision").click()
    expect(page.get_by_text("Merge signed off: the records were merged")).to_be_visible()
    expect(page.get_by_role("heading", name="What moved")).to_be_visible()
    screenshot(page, "merging-merged")

    page.goto(f"/people/{second.pk}/")
    expect(page.get_by_text("The record of Hattie Vellacott was merged into this record")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Harriet Vellacott")).to_be_visible()
    expect(page.get_by_role("heading", name="Records merged into this one")).to_be_visible()
    expect(page.get_by_text(NHS).first).to_be_visible()
    screenshot(page, "merging-redirected")

    page.get_by_role("link", name="See the merge").click()
    page.get_by_role("link", name="Undo this merge").click()
    page.get_by_label("Why are you undoing this merge?").fill("The school confirms Hattie is her cousin")
    page.get_by_role("button", name="Undo the merge").click()
    expect(page.get_by_text("The merge was undone: Hattie Vellacott has their own record again")).to_be_visible()
    page.goto(f"/people/{second.pk}/")
    expect(page.get_by_role("heading", level=1, name="Hattie Vellacott")).to_be_visible()
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto("/people/duplicates/")
    screenshot(page, "merging-duplicates-320")
