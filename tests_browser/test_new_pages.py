"""The pages added for education (the education team's home, matching a notice, children missing
education, a school's pupils and its notice form) and for the safeguarding partnership (serious
incidents, information requests, rapid reviews, practice reviews, recommendations, the public
arrangements), each opened in a real browser by the role that uses it. The `page` fixture runs
axe-core on every page at 1,280 and 320 px and checks nothing scrolls sideways at 320 px."""

import datetime

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import sign_in

pytestmark = pytest.mark.browser
DAY = datetime.timedelta(days=1)


@pytest.fixture
def education_world(user, worker, child):
    from education import services
    from education.missing import services as missing
    from partners.models import Agency, User

    services.load_school_list(
        [
            {"urn": "999001", "name": "Testbrook Primary School", "phase": "primary"},
            {"urn": "999002", "name": "Testbrook Academy", "phase": "secondary"},
        ]
    )
    la = worker.agency
    officer = user(User.Role.EDUCATION_WELFARE_OFFICER, team=builders.team(la, "Education team", function="education"))
    school = Agency.objects.create(name="Testbrook Primary School", kind=Agency.Kind.SCHOOL, urn="999001")
    dsl = user(User.Role.PARTNER_PRACTITIONER, agency=school, team=None, first_name="Dee", last_name="Lead")
    notice = services.receive_deregistration_notice(
        dsl,
        agency=school,
        key="browser-notice",
        digest="0" * 64,
        urn="999001",
        given_names="Robin",
        family_name="Unfound",
        date_of_birth=datetime.date(2016, 6, 6),
        removal_date=datetime.date.today(),
        reason="other",
    )
    case = missing.open_missing_education_case(
        officer, child, opened_on=datetime.date.today() - 10 * DAY, source="authority", details="Not seen since"
    )
    return {"officer": officer, "dsl": dsl, "notice": notice, "case": case, "child": child}


def test_the_education_teams_and_schools_pages(page, education_world):
    world = education_world
    sign_in(page, world["officer"])
    page.goto("/education/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"/education/notices/{world['notice'].pk}/match/")
    expect(page.get_by_text("Robin").first).to_be_visible()
    page.goto("/education/missing/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    case = world["case"].pk
    for url in (
        f"/education/missing/{case}/",
        f"/education/missing/{case}/enquiries/new/",
        f"/education/missing/{case}/close/",
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"/education/people/{world['child'].pk}/")
    expect(page.locator("[data-fact]").first).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, world["dsl"])
    page.goto("/education/pupils/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto("/education/school-notices/new/")
    page.get_by_role("button").last.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


@pytest.fixture
def partnership_world(user, worker, child, police_officer):
    from demo.generator import nhs_number
    from partners.models import User
    from partnership import services
    from people.services import add_identifier

    number = nhs_number(7)
    add_identifier(worker, child, id_type="NHS", value=number)
    officer = user(User.Role.PARTNERSHIP_OFFICER, team=None, first_name="Pat", last_name="Partnership")
    aware = datetime.date.today() - 3 * DAY
    incident = services.record_serious_incident(
        officer, children=number, became_aware_on=aware, harm="seriously_harmed", summary="A synthetic incident"
    )
    services.notify_panel(officer, incident, notified_on=aware, notified_by="Pat Partnership")
    request = services.request_information(
        officer,
        incident,
        agency=police_officer.agency,
        question="What do you know?",
        due_on=datetime.date.today() + 5 * DAY,
    )
    review = services.start_practice_review(
        officer,
        kind="local",
        title="A synthetic review",
        decided_on=aware,
        reviewer="An independent reviewer",
        terms_of_reference="The terms",
        incident=incident,
    )
    recommendation = services.add_recommendation(
        officer,
        review,
        text="Share information sooner",
        owner=police_officer.agency,
        due_on=datetime.date.today() - DAY,
    )
    return {
        "officer": officer,
        "police": police_officer,
        "incident": incident,
        "request": request,
        "review": review,
        "recommendation": recommendation,
    }


def test_the_partnerships_pages(page, partnership_world):
    world = partnership_world
    sign_in(page, world["officer"])
    incident, review = world["incident"].pk, world["review"].pk
    for url in (
        "/partnership/",
        "/partnership/incidents/new/",
        f"/partnership/incidents/{incident}/",
        f"/partnership/incidents/{incident}/requests/new/",
        f"/partnership/incidents/{incident}/rapid-review/",
        "/partnership/reviews/new/",
        f"/partnership/reviews/{review}/",
        f"/partnership/reviews/{review}/findings/",
        "/partnership/recommendations/",
        f"/partnership/recommendations/{world['recommendation'].pk}/",
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto("/partnership/incidents/new/")
    page.get_by_role("button").last.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, world["police"])
    page.goto("/partnership/information-requests/")
    expect(page.get_by_text("What do you know?")).to_be_visible()
    page.goto(f"/partnership/information-requests/{world['request'].pk}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto("/safeguarding-arrangements/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
