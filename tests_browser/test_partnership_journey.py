"""Issue 23's journey in a real browser, through the real pages: a serious incident is recorded and
notified to the Panel → the police and health are asked for information and answer in their own
inboxes → the rapid review decides a local review → the local review and its recommendations →
a recommendation tracked to complete → the yearly report counts the incident and the review →
the lead partners approve it → it is published → the published PDF. The `page` fixture runs
axe-core on every page at 1,280 and 320 px (the report's own document included) and checks that
nothing scrolls sideways at 320 px."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import fill_date, sign_in

pytestmark = pytest.mark.browser
DAY = datetime.timedelta(days=1)


@pytest.fixture
def journey(user, worker, child):
    from demo.generator import nhs_number
    from partners.models import Agency, User
    from people.services import add_identifier

    number = nhs_number(11)
    add_identifier(worker, child, id_type="NHS", value=number)
    police = builders.police()
    health = builders.agency(Agency.Kind.HEALTH_PROVIDER, name="Testshire Community Health")
    return {
        "number": number,
        "officer": user(User.Role.PARTNERSHIP_OFFICER, team=None, first_name="Pat", last_name="Partnership"),
        "police": user(User.Role.PARTNER_PRACTITIONER, agency=police, team=None),
        "health": user(User.Role.PARTNER_PRACTITIONER, agency=health, team=None),
        "leads": [
            user(User.Role.LEAD_PARTNER, agency=worker.agency, team=None),
            user(User.Role.LEAD_PARTNER, agency=builders.agency(Agency.Kind.ICB, name="Testshire ICB"), team=None),
            user(User.Role.LEAD_PARTNER, agency=police, team=None),
        ],
        "police_agency": police,
        "health_agency": health,
    }


def submit(page, name):
    page.get_by_role("button", name=name).click()


def switch(page, account):
    page.context.clear_cookies()
    sign_in(page, account)


def test_an_incident_to_a_published_yearly_report(page, journey):
    world = journey
    today = datetime.date.today()
    aware = today - 10 * DAY
    sign_in(page, world["officer"])

    # 1. The incident, and the notification to the Panel (late: the reason is asked for).
    page.goto("/partnership/incidents/new/")
    page.get_by_label("The children").fill(world["number"])
    fill_date(page, "became_aware_on", aware)
    page.get_by_label("The child was seriously harmed").check()
    page.get_by_label("What happened").fill("A synthetic incident for the journey")
    submit(page, "Record the serious incident")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Serious incident")
    incident_url = page.url
    page.get_by_role("link", name="Record the notification").click()
    fill_date(page, "notified_on", today)
    page.get_by_label("Who notified the Panel").fill("Director of children's services")
    submit(page, "Record the notification")
    expect(page.locator(".govuk-error-summary")).to_contain_text("give the reason it is late")
    page.get_by_label("If the notification was late, why? (optional)").fill("The police told us late")
    submit(page, "Record the notification")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()

    # 2. The police and health are asked for information.
    for agency in (world["police_agency"], world["health_agency"]):
        page.goto(incident_url)
        page.get_by_role("link", name="Ask an agency for information").click()
        page.get_by_label("Agency to ask").select_option(label=agency.name)
        page.get_by_label("What the agency is asked", exact=False).first.fill("What did you know of the family?")
        fill_date(page, "due_on", today + 5 * DAY)
        page.get_by_role("button").last.click()
        expect(page.locator(".govuk-notification-banner")).to_be_visible()

    # 3. Each answers in its own inbox, seeing only its own request.
    for who, words in (("police", "Two domestic abuse call-outs"), ("health", "Missed health visits")):
        switch(page, world[who])
        page.goto("/partnership/information-requests/")
        links = page.get_by_role("link", name="answer the request", exact=False)
        expect(links).to_have_count(1)
        links.first.click()
        page.get_by_label("We hold information").check()
        page.get_by_label("The information your agency holds", exact=False).fill(words)
        page.get_by_role("button").last.click()
        expect(page.locator(".govuk-notification-banner")).to_be_visible()

    # 4. The rapid review decides a local review; the local review and its recommendation.
    switch(page, world["officer"])
    page.goto(incident_url)
    expect(page.get_by_text("Two domestic abuse call-outs")).to_be_visible()
    expect(page.get_by_text("Missed health visits")).to_be_visible()
    page.get_by_role("link", name="Record the rapid review").click()
    fill_date(page, "completed_on", today)
    page.get_by_label("A local child safeguarding practice review").check()
    page.get_by_label("Reasons for the decision").fill("Agencies each held part of the picture")
    page.get_by_role("button").last.click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    page.get_by_role("link", name="Record a practice review").click()
    page.get_by_label("Local child safeguarding practice review").check()
    page.get_by_label("Title of the review").fill("Child J: a local review")
    page.get_by_label("Terms of reference").fill("How agencies shared what they knew")
    fill_date(page, "decided_on", today)
    submit(page, "Record the review")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Child J")
    review_url = page.url
    page.get_by_role("link", name="Add a recommendation").click()
    page.get_by_label("Recommendation").first.fill("Share call-outs with health visitors the next day")
    page.get_by_label("Agency that owns it").select_option(label=world["police_agency"].name)
    fill_date(page, "due_on", today + 30 * DAY)
    page.get_by_role("button").last.click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()

    # 5. Tracked to complete.
    page.goto("/partnership/recommendations/")
    expect(page.get_by_text("Share call-outs with health visitors the next day", exact=False)).to_be_visible()
    page.goto(review_url)
    page.get_by_role("link", name=re.compile("update its progress")).first.click()
    page.get_by_label("Complete").check()
    page.get_by_label("Evidence of progress").fill("A daily list goes to the health visiting team")
    fill_date(page, "completed_on", today)
    page.get_by_role("button").last.click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()

    # 6. The yearly report counts them (the figure's page shows the count the report suppresses).
    page.goto("/partnership/reports/")
    page.get_by_role("link", name="Start a yearly report").click()
    page.get_by_label("Title").fill("Testshire partnership report")
    fill_date(page, "period_from", today - 300 * DAY)
    fill_date(page, "period_to", today)
    submit(page, "Start the report")
    expect(page.get_by_role("heading", level=1)).to_have_text("Testshire partnership report")
    report_url = page.url
    page.get_by_role("link", name="Edit the report").click()
    page.get_by_label("Introduction").fill("What we did this year")
    page.get_by_label("Priority 1", exact=True).fill("Sharing information about adults in the household")
    submit(page, "Save a new version")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 2 saved")
    page.goto(report_url + "report/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Testshire partnership report")
    expect(page.get_by_role("img", name="Chart:", exact=False).first).to_be_visible()
    row = page.get_by_role("row", name="Serious incidents notified to the Panel within 5 working days", exact=False)
    expect(row).to_contain_text("c")  # one incident: a suppressed count
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Serious incidents notified to the Panel within 5 working days"
    )
    expect(page.get_by_text("0 of 1 (published as c)")).to_be_visible()  # notified late
    expect(page.locator("pre.app-query")).to_contain_text("SELECT")
    page.goto(report_url.replace("/report/", "/") + "figures/recommendations-progress/")
    expect(page.get_by_text("Counted now")).to_be_visible()

    # 7. The three lead partners approve; the business unit publishes; the PDF is the published one.
    for lead in world["leads"]:
        switch(page, lead)
        page.goto(report_url)
        page.get_by_role("link", name="Approve version 2").click()
        submit(page, "Approve version 2")
        expect(page.locator(".govuk-notification-banner")).to_contain_text("You approved version 2")
    switch(page, world["officer"])
    page.goto(report_url)
    page.get_by_role("link", name="Publish the report").click()
    submit(page, "Publish the report")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("published")
    page.context.clear_cookies()
    page.goto("/safeguarding-arrangements/reports/")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.get_by_role("link", name="Testshire partnership report").click()
    expect(page.get_by_text("Sharing information about adults in the household")).to_be_visible()
