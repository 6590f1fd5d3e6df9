"""The front door in a real browser: a school's designated safeguarding lead makes a contact;
the MASH practitioner asks the police what they know; the police answer; the practitioner
decides against the published threshold document and refers the child for assessment; the
school sees the feedback."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, assert_styles_loaded, screenshot, sign_in, sign_out
from tests_browser.test_partner_contact import make_contact

pytestmark = pytest.mark.browser


@pytest.fixture
def front_door(user):
    from frontdoor import services
    from partners.models import User
    from people.services import record_person

    council = builders.local_authority()
    mash = builders.team(council, "Testshire MASH", function="MASH")
    school = builders.school("Oakfield Primary School", urn="100002")
    police = builders.police()
    practitioner = user(User.Role.MASH_PRACTITIONER, team=mash, first_name="Morgan", last_name="Mash")
    services.load_threshold_document(practitioner)
    sibling = record_person(
        None, kind="child", given_names="Riley", family_name="Brookfield", date_of_birth=date(2013, 9, 9), sex="F"
    )
    return {
        "practitioner": practitioner,
        "teacher": user(
            User.Role.PARTNER_PRACTITIONER,
            agency=school,
            team=None,
            first_name="Dana",
            last_name="Lead",
            job_title="Designated safeguarding lead",
        ),
        "officer": user(
            User.Role.PARTNER_PRACTITIONER, agency=police, team=None, first_name="Pat", last_name="Constable"
        ),
        "sibling": sibling,
    }


def test_a_schools_contact_is_checked_decided_and_referred(page, front_door):
    from frontdoor.models import Contact, Referral
    from people.services import record_address

    # 1. The school makes a contact through the question pages (tests_browser/test_partner_contact.py
    # goes through them in detail).
    sign_in(page, front_door["teacher"])
    contact = make_contact(
        page,
        given_names="Jamie",
        family_name="Brookfield",
        born=(4, 3, 2016),
        concerns="Jamie came to school with bruising to both arms and said an adult at home grabbed them.",
    )
    expect(page.locator(".govuk-panel")).to_contain_text(contact.reference)
    assert contact.source == "2A"
    assert contact.channel == Contact.Channel.WEB_FORM
    screenshot(page, "front-door-contact-sent")
    sign_out(page)

    # The child's sister lives at the same address: the front door should see her.
    jamie = contact.people.get().person
    home = {"line_1": "4 Quarry Lane", "town": "Testtown", "postcode": "NM2 4QL"}
    record_address(None, jamie, address_fields=home, moved_in=date(2023, 5, 1))
    record_address(None, front_door["sibling"], address_fields=home, moved_in=date(2023, 5, 1))

    # 2. The MASH practitioner finds it on the queue, brings the sister in and asks the police.
    sign_in(page, front_door["practitioner"])
    expect(page).to_have_url(re.compile(r"/front-door/$"))  # the queue is the MASH's home
    expect(page.locator("h1")).to_be_visible()
    assert_basic_accessibility(page)
    queue_row = page.locator("tr", has_text=contact.reference)
    expect(queue_row).to_contain_text("Jamie Brookfield")
    expect(queue_row).to_contain_text(re.compile("On track|Due soon"))
    queue_row.get_by_role("link", name=contact.reference).click()
    expect(page.locator("h1")).to_contain_text(contact.reference)
    expect(page.get_by_text(re.compile(r"Decision due by the end of"))).to_be_visible()
    assert_basic_accessibility(page)
    household = page.locator("form", has=page.locator(f"input[name=person_id][value='{front_door['sibling'].pk}']"))
    household.get_by_role("button").click()
    expect(page.locator("body")).to_contain_text("Riley Brookfield")
    assert {link.person.given_names for link in Contact.objects.get().people.all()} == {"Jamie", "Riley"}

    page.get_by_text("Request a check").click()
    check_form = page.locator("form[action$='/checks/']").or_(
        page.locator("form", has=page.locator("input[name='check-kind']"))
    )
    check_form.get_by_label("Police", exact=True).check()
    check_form.get_by_label(re.compile("What do you want to know")).fill("Any call-outs to the address?")
    check_form.get_by_role("button").click()
    expect(page.locator("#checks").locator("xpath=following::table[1]")).to_contain_text("Requested")
    screenshot(page, "front-door-contact-work-page")
    sign_out(page)

    # 3. The police answer the check from their inbox.
    sign_in(page, front_door["officer"])
    page.get_by_role("link", name="Checks for your agency").click()
    assert_basic_accessibility(page)
    page.get_by_role("link", name=re.compile(contact.reference)).first.click()
    page.get_by_label(re.compile("We hold information|holds information|We know", re.I)).first.check()
    page.get_by_label("What information does your agency hold?").fill(
        "Two domestic abuse call-outs to 4 Quarry Lane in the last three months."
    )
    page.get_by_role("button", name=re.compile("Send|Submit|Answer")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been sent")
    sign_out(page)

    # 4. The practitioner decides: level 4, referral for assessment.
    sign_in(page, front_door["practitioner"])
    page.goto(f"/front-door/contacts/{contact.pk}/")
    expect(page.locator("body")).to_contain_text("Two domestic abuse call-outs")
    page.get_by_role("link", name="Make the decision").first.click()
    assert_basic_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label(re.compile(r"Level 4")).check()
    page.get_by_label(re.compile("Disclosure of abuse")).check()
    page.get_by_label("Referral to children's social care for assessment").check()
    page.get_by_label("Primary need").select_option("N1")
    page.get_by_label("Reasons for the decision").fill(
        "Injuries with a disclosure, and police call-outs for domestic abuse: reasonable cause to assess."
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check your decision")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("h1")).to_contain_text(contact.reference)
    expect(page.locator("body")).to_contain_text("Referral to children's social care for assessment")
    referrals = Referral.objects.filter(contact=contact)
    assert {r.person.given_names for r in referrals} == {"Jamie", "Riley"}
    assert {r.primary_need for r in referrals} == {"N1"}

    page.get_by_text("Record feedback to the referrer").click()
    feedback = page.locator("form[action$='/feedback/']")
    feedback.get_by_label("Phone").check()
    feedback.get_by_label("What was the referrer told?").fill(
        "We are starting a child and family assessment for Jamie and Riley."
    )
    feedback.get_by_role("button", name="Record the feedback").click()
    expect(page.locator(".moj-timeline")).to_contain_text("We are starting a child and family assessment")
    assert_styles_loaded(page)
    screenshot(page, "front-door-decided")
    sign_out(page)

    # 5. The school sees the feedback on its contact, not the internal rationale.
    sign_in(page, front_door["teacher"])
    expect(page).to_have_url(re.compile(r"/partner-home/$"))  # the partner's home lists their contacts
    page.get_by_role("link", name=contact.reference).click()
    expect(page.locator("body")).to_contain_text("We are starting a child and family assessment")
    expect(page.locator("body")).not_to_contain_text("reasonable cause to assess")
    assert_basic_accessibility(page)


def assert_reflows_at_320(page):
    """WCAG 2.2 1.4.10: at 320 CSS pixels wide the page needs no horizontal scrolling."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{page.url} is {width} px wide at 320 px"
    finally:
        page.set_viewport_size(size)


def test_a_practitioner_takes_a_contact_and_decides_it_before_a_check_is_answered(page, front_door):
    """Assign to me, find it under "Assigned to you", decide with the police check unanswered
    (the reason is asked for and kept), check the decision, record it."""
    from frontdoor import services
    from frontdoor.models import AgencyCheck, Contact, ContactDecision, ContactPerson

    practitioner = front_door["practitioner"]
    contact = services.receive_contact(
        None,
        channel=Contact.Channel.PHONE,
        source="5D",
        concerns="A neighbour heard shouting and a child crying late at night, three nights running.",
        consent=Contact.Consent.NOT_ASKED,
        referrer_name="A neighbour",
        people=[services.PersonDetails(role=ContactPerson.Role.SUBJECT, person=front_door["sibling"])],
    )
    services.request_check(practitioner, contact, AgencyCheck.Kind.POLICE, question="Any call-outs?")
    other = services.receive_contact(
        None,
        channel=Contact.Channel.PHONE,
        source="5D",
        concerns="Another concern, about another child.",
        consent=Contact.Consent.NOT_ASKED,
        people=[services.PersonDetails(given_names="Robin", family_name="Otherchild", date_of_birth=date(2015, 2, 2))],
    )

    sign_in(page, practitioner)
    page.goto("/front-door/")
    assert_basic_accessibility(page)
    assert_reflows_at_320(page)
    row = page.locator("tr", has_text=contact.reference)
    expect(row).to_contain_text("Nobody")
    row.get_by_role("button", name=re.compile("Assign to me")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Contact {contact.reference} assigned to you")
    page.get_by_role("link", name=re.compile(r"Assigned to you \(1\)")).click()
    expect(page.locator("h1")).to_have_text("Contacts assigned to you")
    expect(page.locator("main")).to_contain_text(contact.reference)
    expect(page.locator("main")).not_to_contain_text(other.reference)
    expect(page.locator("tr", has_text=contact.reference)).to_contain_text("You")

    page.get_by_role("link", name=contact.reference).click()
    expect(page.locator("main")).to_contain_text("Assigned to you.")
    page.get_by_role("link", name="Make the decision").first.click()
    expect(page.locator("h1")).to_have_text("Decide the next steps")
    summary = page.locator("aside")
    expect(summary).to_contain_text("A neighbour heard shouting")
    expect(summary).to_contain_text("Riley Brookfield")
    expect(summary).to_contain_text("Police")
    expect(page.locator("main")).to_contain_text("This check is not answered yet: police")
    assert_basic_accessibility(page)
    assert_reflows_at_320(page)
    # Conditional reveals: every aria-controls names an element that is on the page.
    dangling = page.evaluate(
        """() => [...document.querySelectorAll('[aria-controls]')]
            .filter(e => !document.getElementById(e.getAttribute('aria-controls'))).map(e => e.outerHTML)"""
    )
    assert not dangling, dangling
    page.get_by_label("Yes", exact=True).check()
    expect(page.get_by_label("Why do you judge it malicious?")).to_be_visible()
    page.get_by_label("No", exact=True).check()
    expect(page.get_by_label("Why do you judge it malicious?")).to_be_hidden()

    page.get_by_label(re.compile(r"Level 2: Early help")).check()
    page.get_by_label("Early help or Family Help").check()
    page.get_by_label("Reasons for the decision").fill("Parenting under stress; the family needs early help.")
    page.get_by_role("button", name="Continue").click()
    errors = page.locator(".govuk-error-summary")
    expect(errors).to_contain_text("The police check is not answered yet")
    assert not ContactDecision.objects.exists()
    page.get_by_label("Why decide before the checks are answered?").fill(
        "Early help can start now; the police answer will go to the early help worker."
    )
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_have_text("Check your decision")
    assert_basic_accessibility(page)
    assert_reflows_at_320(page)
    answers = page.locator(".govuk-summary-list")
    expect(answers).to_contain_text("Level 2: Early help")
    expect(answers).to_contain_text("the police answer will go to the early help worker")
    # Change goes back with the answers kept.
    page.get_by_role("link", name=re.compile("Change reasons for the decision")).click()
    expect(page.get_by_label("Reasons for the decision")).to_have_value(
        "Parenting under stress; the family needs early help."
    )
    page.get_by_role("button", name="Continue").click()
    assert not ContactDecision.objects.exists(), "nothing is recorded before the last step"
    page.get_by_role("button", name="Record the decision").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision recorded: Early help or Family Help")
    expect(page.locator("main")).to_contain_text("Decided before checks were answered")
    decision = ContactDecision.objects.get(contact=contact)
    assert decision.unanswered_checks_reason.startswith("Early help can start now")
    assert decision.decided_by == practitioner
    screenshot(page, "front-door-decided-with-an-unanswered-check")
