"""The partner's contact in a real browser: a school's designated safeguarding lead goes through
the question pages, adds two other children with MOJ "add another" (JavaScript on), finds the
child's postcode, makes mistakes on the way (the GOV.UK error summary shows, and the file
already uploaded is still there), checks the answers, sends, and sees the reference. Every page
is also checked at 320 px wide: nothing wider than the screen (WCAG 2.2 1.4.10 Reflow)."""

import re

import pytest
from playwright.sync_api import expect

from testing import builders
from testing.browser import assert_basic_accessibility, sign_in

pytestmark = pytest.mark.browser

PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def attachment_root(settings, tmp_path):
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"


@pytest.fixture
def teacher(user):
    from partners.models import User

    council = builders.local_authority()
    builders.team(council, "Testshire MASH", function="MASH")
    school = builders.school("Oakfield Primary School", urn="100002")
    return user(
        User.Role.PARTNER_PRACTITIONER,
        agency=school,
        team=None,
        first_name="Dana",
        last_name="Lead",
        job_title="Designated safeguarding lead",
    )


def assert_reflows(page):
    """At 320 px wide the page is no wider than the screen; back to 1,280 px after."""
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 320, f"{page.url} is {width} px wide at 320 px"


def question(page, heading):
    """On the question page with this heading: checked, and reflowing at 320 px."""
    expect(page.locator("h1")).to_have_text(heading)
    assert_basic_accessibility(page)
    assert_reflows(page)


def continue_(page):
    page.get_by_role("button", name="Continue", exact=True).click()


def make_contact(page, *, given_names, family_name, born, concerns):
    """From a partner's signed-in page, the whole journey with no detours; the contact made."""
    from frontdoor.models import Contact

    page.get_by_role("link", name="Make a contact").click()
    page.get_by_role("button", name="Start").click()
    page.get_by_label("Given names").fill(given_names)
    page.get_by_label("Family name").fill(family_name)
    page.get_by_label("Yes").check()
    for part, value in zip(("0", "1", "2"), born, strict=True):
        page.locator(f"#id_date_of_birth_{part}").fill(str(value))
    continue_(page)
    page.get_by_role("button", name="I do not know the address").click()
    continue_(page)  # other children
    continue_(page)  # adults
    page.get_by_label("What has happened?").fill(concerns)
    page.locator("input[name=immediate_risk][value=no]").check()
    continue_(page)
    page.get_by_label("Yes").check()
    page.get_by_label(re.compile("Not sought")).check()
    continue_(page)
    continue_(page)  # about you: filled in from the account
    continue_(page)  # no files
    page.get_by_role("button", name="Send the contact").click()
    expect(page.locator(".govuk-panel")).to_be_visible()
    return Contact.objects.latest("pk")


def test_a_school_makes_a_contact_page_by_page(page, teacher):
    from frontdoor.models import Contact, ContactPerson

    sign_in(page, teacher)
    page.get_by_role("link", name="Make a contact").click()
    question(page, "Tell the front door about a child")
    page.get_by_role("button", name="Start").click()

    # About the child: a mistake first, then the answers.
    question(page, "About the child")
    continue_(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter the child's given names")
    assert_reflows(page)
    page.get_by_label("Given names").fill("Jamie")
    page.get_by_label("Family name").fill("Brookfield")
    page.get_by_label("Yes").check()
    date_of_birth = page.locator("#id_date_of_birth_0")
    expect(date_of_birth).to_be_visible()  # revealed by the radio
    # GOV.UK Frontend's conditional reveal: the radio controls the part that exists.
    for choice in ("yes", "no"):
        controls = page.locator(f"input[name=born][value={choice}]").get_attribute("aria-controls")
        assert controls
        assert page.locator(f"[id='{controls}'].govuk-radios__conditional").count() == 1
    date_of_birth.fill("4")
    page.locator("#id_date_of_birth_1").fill("3")
    page.locator("#id_date_of_birth_2").fill("2016")
    continue_(page)

    # The address: the postcode is looked up in the council's data.
    question(page, "What is the child's address?")
    page.get_by_label("Postcode").fill("bd10 0fe")
    page.get_by_role("button", name="Find the postcode").click()
    expect(page.locator("#postcode-found")).to_contain_text("BD10 0FE is in the council's area")
    assert_reflows(page)
    page.get_by_label("Address line 1").fill("4 Quarry Lane")
    page.get_by_label("Town or city").fill("Testtown")
    continue_(page)

    # Two other children, added with "Add another" (no page load: JavaScript is on).
    question(page, "Other children in the household")
    page.locator("#children-0-given-names").fill("Riley")
    page.locator("#children-0-family-name").fill("Brookfield")
    page.locator("#children-0-relationship").fill("Sister")
    url = page.url
    page.get_by_role("button", name="Add another child").click()
    expect(page.locator(".moj-add-another__item")).to_have_count(2)
    assert page.url == url
    page.locator("#children-1-given-names").fill("Sam")
    page.locator("#children-1-family-name").fill("Brookfield")
    page.locator("#children-1-dob-day").fill("1")
    page.locator("#children-1-dob-month").fill("6")
    page.locator("#children-1-dob-year").fill("2019")
    # A third, removed again.
    page.get_by_role("button", name="Add another child").click()
    expect(page.locator(".moj-add-another__item")).to_have_count(3)
    page.get_by_role("button", name=re.compile("Remove child 3")).click()
    expect(page.locator(".moj-add-another__item")).to_have_count(2)
    assert_reflows(page)
    continue_(page)

    question(page, "Adults in the household")
    continue_(page)  # none known

    question(page, "What are your concerns about the child?")
    page.get_by_label("What has happened?").fill(
        "Jamie came to school with bruising to both arms and said an adult at home grabbed them."
    )
    page.get_by_label("What has the child said? (optional)").fill("He grabbed my arms.")
    page.locator("input[name=immediate_risk][value=no]").check()
    continue_(page)

    question(page, "The family and consent")
    page.get_by_label("No: telling them could put the child at risk").check()
    page.get_by_label(re.compile("Not sought")).check()
    continue_(page)

    question(page, "About you")
    expect(page.get_by_label("Your name")).to_have_value("Dana Lead")
    continue_(page)

    # Files: one uploaded; then a program dressed as a PDF is refused, and the first is still there.
    question(page, "Upload files")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "note.txt", "mimeType": "text/plain", "buffer": b"What Jamie said, written down."}]
    )
    page.get_by_role("button", name="Upload file").click()
    expect(page.locator("#files-uploaded")).to_contain_text("note.txt")
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": PROGRAM}]
    )
    continue_(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("letter.pdf")
    expect(page.locator("#files-uploaded")).to_contain_text("note.txt")
    assert_reflows(page)
    continue_(page)

    # Check your answers; a change with a mistake on the way; the file is still there.
    question(page, "Check your answers before sending the contact")
    answers = page.locator("main")
    for shown in (
        "Jamie Brookfield",
        "4 March 2016",
        "4 Quarry Lane",
        "BD10 0FE",
        "Riley Brookfield",
        "Sam Brookfield",
        "note.txt",
    ):
        expect(answers).to_contain_text(shown)
    page.get_by_role("link", name="Change your concerns").click()
    page.get_by_label("What has happened?").fill("")
    continue_(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Describe what has happened")
    page.get_by_label("What has happened?").fill("Jamie came to school with bruising to both arms.")
    continue_(page)
    expect(page.locator("h1")).to_have_text("Check your answers before sending the contact")
    expect(answers).to_contain_text("note.txt")
    assert Contact.objects.count() == 0
    page.get_by_role("button", name="Send the contact").click()

    # The confirmation, with the reference.
    expect(page.locator(".govuk-panel")).to_be_visible()
    contact = Contact.objects.get()
    expect(page.locator(".govuk-panel")).to_contain_text(contact.reference)
    assert_reflows(page)
    assert contact.people.filter(role=ContactPerson.Role.CHILD_IN_HOUSEHOLD).count() == 2
    assert contact.attachments.get().original_name == "note.txt"
    assert contact.people.get(role=ContactPerson.Role.SUBJECT).address.postcode == "BD10 0FE"


def test_add_another_works_without_javascript(browser, live_server, teacher):
    """With JavaScript off, "Add another" and "Remove" post the page and come back with the list."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, teacher)
        page.goto("/contacts/new/")
        page.get_by_role("button", name="Start").click()
        page.goto(page.url.replace("/child/", "/children/"))
        page.locator("#children-0-given-names").fill("Riley")
        page.locator("#children-0-family-name").fill("Brookfield")
        page.get_by_role("button", name="Add another child").click()
        expect(page.locator(".moj-add-another__item")).to_have_count(2)
        expect(page.locator("#children-0-given-names")).to_have_value("Riley")
        page.locator("#children-1-given-names").fill("Sam")
        page.get_by_role("button", name="Remove child 1").click()
        expect(page.locator(".moj-add-another__item")).to_have_count(1)
        expect(page.locator("#children-0-given-names")).to_have_value("Sam")
        # A half-given person: the error summary, and what was typed kept.
        page.get_by_role("button", name="Continue", exact=True).click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the family name of child 1")
        expect(page.locator("#children-0-given-names")).to_have_value("Sam")
    finally:
        context.close()
