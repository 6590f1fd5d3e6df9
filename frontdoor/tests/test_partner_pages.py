"""The pages for everyone who tells the front door about a child: making a contact (partners
through the web, local-authority staff recording a call), one's own contacts with the feedback
given, the checks asked of one's agency, and the public threshold document."""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from audit.models import AuditEvent
from frontdoor import services
from frontdoor.models import AgencyCheck, Contact, ContactAttachment, ContactPerson
from partners.models import Agency, User
from people.models import Person
from testing import builders
from testing.pages import date_data

NEW = "/contacts/new/"


@pytest.fixture(autouse=True)
def attachment_root(settings, tmp_path):
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"


def partner_form(**changes):
    data = {
        "child_given_names": "Robin",
        "child_family_name": "Testpupil",
        **date_data("child_date_of_birth", datetime.date(2015, 9, 3)),
        "referrer_name": "Dana Lead",
        "referrer_role": "Designated safeguarding lead",
        "concerns": "Robin came to school with bruises on both arms and said not to tell anyone.",
        "immediate_risk": "no",
        "consent": Contact.Consent.NOT_NEEDED,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def staff_form(**changes):
    now = timezone.localtime() - datetime.timedelta(minutes=10)
    data = partner_form(
        channel=Contact.Channel.PHONE,
        source="6",
        referrer_name="PC Test Officer",
        **date_data("received_on", now.date()),
        received_time=now.strftime("%H:%M"),
    )
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def errors_of(response):
    """The messages in the page's GOV.UK error summary."""
    page = response.content.decode()
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "no error summary on the page"
    return [html.unescape(text) for text in re.findall(r'<li><a href="#[^"]+">([^<]+)</a></li>', summary.group(0))]


@pytest.fixture
def police(db):
    return builders.police()


@pytest.fixture
def officer(user, police):
    return user(User.Role.PARTNER_PRACTITIONER, agency=police, team=None)


# --- Making a contact -------------------------------------------------------------------------


def test_a_school_practitioner_makes_a_contact_and_sees_the_reference_and_deadline(
    client, school_user, school, mash_team
):
    client.force_login(school_user)
    form = client.get(NEW)
    assert form.status_code == 200
    page = form.content.decode()
    assert "If a child is in immediate danger, call 999." in page
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    assert " multiple" in page
    assert "Testshire Primary School" in page
    upload = SimpleUploadedFile("note.txt", b"A synthetic note about the bruises.", content_type="text/plain")
    response = client.post(NEW, partner_form(attachments=[upload]))
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contacts/{contact.pk}/"
    assert contact.source == "2A"
    assert contact.channel == Contact.Channel.WEB_FORM
    assert contact.referrer_agency == school
    assert contact.recorded_by == school_user
    assert contact.referrer_name == "Dana Lead"
    child = contact.people.get(role=ContactPerson.Role.SUBJECT).person
    assert (child.given_names, child.family_name, child.date_of_birth) == (
        "Robin",
        "Testpupil",
        datetime.date(2015, 9, 3),
    )
    assert contact.attachments.get().original_name == "note.txt"
    assert AuditEvent.objects.filter(
        action="create",
        object_type="frontdoor.contact",
        object_id=str(contact.pk),
        user=school_user,
        person_id=child.pk,
    ).exists()

    confirmation = client.get(response["Location"]).content.decode()
    assert "govuk-panel--confirmation" in confirmation
    assert contact.reference in confirmation
    due = timezone.localtime(contact.decision_due_at)
    assert f"by {due:%A} {due.day} {due:%B %Y} at {due:%H:%M}" in confirmation
    # The panel is shown once; coming back shows the contact without it.
    assert "govuk-panel--confirmation" not in client.get(response["Location"]).content.decode()


def test_missing_details_give_field_errors_and_nothing_is_saved(client, school_user):
    client.force_login(school_user)
    response = client.post(
        NEW,
        partner_form(
            child_given_names="",
            child_family_name="",
            concerns="",
            consent="",
            immediate_risk="yes",
            immediate_risk_detail="",
        ),
    )
    assert response.status_code == 200
    messages = errors_of(response)
    for expected in (
        "Enter the child's given names",
        "Enter the child's family name",
        "Describe the concerns about the child",
        "Select whether the family agrees to early help",
        "Describe the immediate risk to the child",
    ):
        assert expected in messages
    assert response.content.decode().count("govuk-form-group--error") >= 4
    assert not Contact.objects.exists()
    assert not Person.objects.exists()


def test_a_program_disguised_as_a_pdf_is_refused_and_nothing_is_saved(client, school_user):
    client.force_login(school_user)
    program = SimpleUploadedFile(
        "letter.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="application/pdf"
    )
    response = client.post(NEW, partner_form(attachments=[program]))
    assert response.status_code == 200
    [message] = errors_of(response)
    assert "letter.pdf" in message
    assert "a Windows program" in message
    assert 'href="#id_attachments"' in response.content.decode()
    assert not Contact.objects.exists()
    assert not Person.objects.exists()
    assert not ContactAttachment.objects.exists()


def test_a_web_page_that_starts_like_a_pdf_is_refused_and_nothing_is_saved(client, school_user):
    from .synthetic_files import HTML_PDF

    client.force_login(school_user)
    page = SimpleUploadedFile("letter.pdf", HTML_PDF, content_type="application/pdf")
    response = client.post(NEW, partner_form(attachments=[page]))
    assert response.status_code == 200
    [message] = errors_of(response)
    assert message == (
        "The file letter.pdf must be a PDF, Word (.docx), PNG, JPEG or plain text (.txt): its content "
        "starts like a PDF but does not open as one"
    )
    assert not Contact.objects.exists()
    assert not Person.objects.exists()
    assert not ContactAttachment.objects.exists()


def test_blank_household_rows_are_ignored_and_given_ones_recorded(client, school_user):
    client.force_login(school_user)
    response = client.post(
        NEW,
        partner_form(
            other_child_1_given_names="Sky",
            other_child_1_family_name="Testpupil",
            other_child_1_relationship="Sister",
            adult_2_given_names="Jordan",
            adult_2_family_name="Testadult",
            adult_2_relationship="Mother's partner",
            adult_2_role=ContactPerson.Role.PERSON_OF_CONCERN,
            adult_1_role=ContactPerson.Role.ADULT_IN_HOUSEHOLD,
        ),
    )
    assert response.status_code == 302
    links = {link.role: link for link in Contact.objects.get().people.select_related("person")}
    assert set(links) == {
        ContactPerson.Role.SUBJECT,
        ContactPerson.Role.CHILD_IN_HOUSEHOLD,
        ContactPerson.Role.PERSON_OF_CONCERN,
    }
    assert links[ContactPerson.Role.PERSON_OF_CONCERN].person.kind == Person.Kind.ADULT
    assert links[ContactPerson.Role.PERSON_OF_CONCERN].relationship == "Mother's partner"
    # A row with only a given name is an error, not a silently dropped person.
    half = client.post(NEW, partner_form(adult_1_given_names="Casey"))
    assert "Enter the family name of adult 1" in errors_of(half)
    assert Contact.objects.count() == 1


def test_a_health_practitioner_may_say_which_health_service(client, user):
    clinic = Agency.objects.create(name="Testshire Community Health", kind=Agency.Kind.HEALTH_PROVIDER)
    client.force_login(user(User.Role.PARTNER_PRACTITIONER, agency=clinic, team=None))
    assert client.post(NEW, partner_form(health_source="3B")).status_code == 302
    assert Contact.objects.get().source == "3B"


def test_a_family_member_contact_recorded_by_mash_staff_needs_a_name(client, mash_worker):
    client.force_login(mash_worker)
    response = client.post(NEW, staff_form(source="1A", referrer_name="", referrer_relationship=""))
    assert response.status_code == 200
    messages = errors_of(response)
    assert "Enter the name of the family member who made the contact" in messages
    assert "Enter the family member's relationship to the child" in messages
    assert not Contact.objects.exists()
    done = client.post(NEW, staff_form(source="1A", referrer_name="Pat Testgran", referrer_relationship="Grandmother"))
    assert done.status_code == 302
    contact = Contact.objects.get()
    assert (contact.source, contact.channel, contact.referrer_relationship) == ("1A", "phone", "Grandmother")
    assert contact.recorded_by == mash_worker
    assert contact.referrer_agency is None


def test_the_time_received_must_not_be_in_the_future(client, mash_worker):
    client.force_login(mash_worker)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(NEW, staff_form(**date_data("received_on", tomorrow)))
    assert "The time the contact was received must be in the past" in errors_of(response)
    assert not Contact.objects.exists()


def test_staff_start_from_a_childs_record(client, mash_worker, child, user):
    client.force_login(mash_worker)
    page = client.get(f"{NEW}?person={child.pk}").content.decode()
    assert "Alex Testchild" in page
    assert 'name="child_given_names"' not in page
    response = client.post(f"{NEW}?person={child.pk}", staff_form(child_given_names=None, child_family_name=None))
    assert response.status_code == 302
    contact = Contact.objects.get()
    link = contact.people.get()
    assert link.person == child
    assert link.matched_by == ContactPerson.Match.CHOSEN
    # Front-door staff go on to the MASH work page for the contact (or this module's own page
    # while that does not exist).
    try:
        expected = reverse("frontdoor:contact", args=[contact.pk])
    except NoReverseMatch:
        expected = f"/contacts/{contact.pk}/"
    assert response["Location"] == expected


def test_a_child_one_may_not_see_cannot_be_chosen(client, school_user, child):
    client.force_login(school_user)
    assert client.get(f"{NEW}?person={child.pk}").status_code == 404
    assert client.get(f"{NEW}?person=999999").status_code == 404
    assert AuditEvent.objects.filter(action="denied", person_id=child.pk).exists()


# --- Your contacts --------------------------------------------------------------------------


@pytest.fixture
def contacts(receive, child, school, school_user, officer, police):
    """A contact the school made, one the police made and one MASH recorded from the school by phone."""
    other = Person.objects.create(
        kind=Person.Kind.CHILD, given_names="Quinn", family_name="Otherchild", date_of_birth=datetime.date(2014, 1, 1)
    )
    from_school = receive(
        child,
        user=school_user,
        channel=Contact.Channel.WEB_FORM,
        source="2A",
        referrer_agency=school,
        referrer_name="Dana Lead",
        concerns="Bruising seen at school.",
    )
    from_police = receive(
        other,
        user=officer,
        channel=Contact.Channel.WEB_FORM,
        source="6",
        referrer_agency=police,
        concerns="Police concern about Quinn.",
    )
    phoned = receive(
        child,
        channel=Contact.Channel.PHONE,
        source="2A",
        referrer_agency=school,
        referrer_name="Another Teacher",
        concerns="Phoned in by the school.",
    )
    return from_school, from_police, phoned


def test_a_partner_sees_only_their_agencys_contacts(client, school_user, contacts):
    from_school, from_police, phoned = contacts
    client.force_login(school_user)
    page = client.get("/contacts/").content.decode()
    assert from_school.reference in page
    assert phoned.reference in page
    assert from_police.reference not in page
    assert "Quinn" not in page
    assert "Alex Testchild" in page
    assert "Awaiting decision" in page
    assert page.index(phoned.reference) < page.index(from_school.reference)  # newest first


def test_staff_see_the_contacts_they_recorded(client, mash_worker, contacts):
    from_school, from_police, phoned = contacts
    client.force_login(mash_worker)
    page = client.get("/contacts/").content.decode()
    assert phoned.reference in page
    assert from_school.reference not in page
    assert from_police.reference not in page


def test_the_detail_shows_the_feedback_but_not_the_decision_rationale(
    client, school_user, mash_worker, contacts, threshold
):
    from_school, *_ = contacts
    services.request_check(mash_worker, from_school, AgencyCheck.Kind.HEALTH, question="Known to the health visitor?")
    services.decide_contact(
        mash_worker,
        from_school,
        level=threshold.levels.get(number=2),
        outcome="early_help",
        rationale="Internal rationale: mother's history noted by MASH.",
        unanswered_checks_reason="Internal: the health visitor is on leave.",
    )
    services.give_feedback(
        mash_worker, from_school, method="email", message="Thank you. We are offering the family early help."
    )
    client.force_login(school_user)
    response = client.get(f"/contacts/{from_school.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Thank you. We are offering the family early help." in page
    assert "Email" in page
    assert "Decided" in page
    assert "Bruising seen at school." in page
    assert "Internal rationale" not in page
    assert "the health visitor is on leave" not in page
    assert "Known to the health visitor?" not in page
    assert "govuk-panel--confirmation" not in page
    view = AuditEvent.objects.filter(
        action="view", object_type="frontdoor.contact", object_id=str(from_school.pk)
    ).get()
    assert view.user == school_user
    assert view.person_id == from_school.people.get().person_id


def test_another_agencys_contact_is_not_found_like_a_missing_one(client, school_user, contacts):
    _, from_police, _ = contacts
    client.force_login(school_user)
    other = client.get(f"/contacts/{from_police.pk}/")
    missing = client.get("/contacts/999999/")
    assert other.status_code == missing.status_code == 404
    assert "Police concern" not in other.content.decode()
    assert AuditEvent.objects.filter(action="denied", detail__asked_for=str(from_police.pk)).exists()


# --- Checks for your agency ---------------------------------------------------------------


@pytest.fixture
def checks(receive, child, mash_worker, police):
    other_force = Agency.objects.create(name="Otherland Police", kind=Agency.Kind.POLICE)
    contact = receive(child)
    ours = services.request_check(
        mash_worker, contact, AgencyCheck.Kind.POLICE, agency=police, question="Any call-outs to the home?"
    )
    theirs = services.request_check(
        mash_worker, contact, AgencyCheck.Kind.POLICE, agency=other_force, question="Anything known in Otherland?"
    )
    health = services.request_check(mash_worker, contact, AgencyCheck.Kind.HEALTH, question="Known to health?")
    return ours, theirs, health


def test_the_inbox_shows_only_the_agencys_checks_with_the_children(client, officer, checks):
    ours, theirs, health = checks
    client.force_login(officer)
    page = client.get("/agency-checks/").content.decode()
    assert "Any call-outs to the home?" in page
    assert "Anything known in Otherland?" not in page
    assert "Known to health?" not in page
    assert "Alex Testchild" in page
    assert "1 April 2016" in page
    assert ours.contact.reference in page
    assert "Overdue" not in page
    inbox = AuditEvent.objects.get(action="view", user=officer, object_type="")
    assert inbox.detail["checks"] == [ours.pk]
    AgencyCheck.objects.filter(pk=ours.pk).update(due_at=timezone.now() - datetime.timedelta(minutes=1))
    assert "Overdue" in client.get("/agency-checks/").content.decode()


def test_a_partner_answers_a_check_of_their_agency(client, officer, checks):
    ours, *_ = checks
    client.force_login(officer)
    page = client.get(f"/agency-checks/{ours.pk}/")
    assert page.status_code == 200
    assert "What does your agency know?" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="view",
        object_type="frontdoor.agencycheck",
        object_id=str(ours.pk),
        person_id=ours.contact.people.get().person_id,
    ).exists()
    refused = client.post(f"/agency-checks/{ours.pk}/", {"status": AgencyCheck.Status.ANSWERED, "information": ""})
    assert "Enter the information the agency holds" in errors_of(refused)
    done = client.post(
        f"/agency-checks/{ours.pk}/",
        {"status": AgencyCheck.Status.ANSWERED, "information": "Two call-outs in March for noise."},
    )
    assert done.status_code == 302
    assert done["Location"] == "/agency-checks/"
    ours.refresh_from_db()
    assert ours.status == AgencyCheck.Status.ANSWERED
    assert ours.answered_by == officer
    assert ours.information == "Two call-outs in March for noise."
    assert "Any call-outs to the home?" not in client.get("/agency-checks/").content.decode()
    # Answered once: the page says so, and a second answer changes nothing.
    again = client.post(f"/agency-checks/{ours.pk}/", {"status": AgencyCheck.Status.NOTHING_KNOWN})
    assert again.status_code == 200
    assert "This check was answered" in again.content.decode()
    ours.refresh_from_db()
    assert ours.status == AgencyCheck.Status.ANSWERED


def test_another_agencys_check_is_not_found(client, officer, checks):
    _, theirs, health = checks
    client.force_login(officer)
    for check in (theirs, health):
        assert client.get(f"/agency-checks/{check.pk}/").status_code == 404
        response = client.post(f"/agency-checks/{check.pk}/", {"status": AgencyCheck.Status.NOTHING_KNOWN})
        assert response.status_code == 404
        check.refresh_from_db()
        assert check.status == AgencyCheck.Status.REQUESTED
    assert client.get("/agency-checks/999999/").status_code == 404


# --- The threshold document --------------------------------------------------------------


def test_the_threshold_document_is_public_and_drafts_are_hidden(client, mash_worker):
    empty = client.get("/threshold-document/")
    assert empty.status_code == 200
    assert "has not published a threshold document" in empty.content.decode()
    first = services.load_threshold_document(mash_worker)
    page = client.get("/threshold-document/").content.decode()
    assert first.title in page
    assert "Universal" in page
    assert "Family Help" in page
    indicator = first.domains.first().indicators.first()
    assert indicator.text in page
    draft = services.draft_threshold_document(mash_worker, copy_from=first, title="A draft not yet agreed")
    assert "A draft not yet agreed" not in client.get("/threshold-document/").content.decode()
    assert client.get(f"/threshold-document/versions/{draft.pk}/").status_code == 404
    assert client.get(f"/threshold-document/versions/{first.pk}/").status_code == 200
    services.publish_threshold_document(mash_worker, draft)
    old = client.get(f"/threshold-document/versions/{first.pk}/").content.decode()
    assert "This version has been replaced" in old
    assert "A draft not yet agreed" in client.get("/threshold-document/").content.decode()
    assert client.get("/threshold-document/versions/999999/").status_code == 404


# --- Access by role ------------------------------------------------------------------------


def test_only_partner_practitioners_have_the_checks_inbox(client, mash_worker):
    client.force_login(mash_worker)
    assert client.get("/agency-checks/").status_code == 403


def test_url_names(db):
    assert reverse("contacts:new") == NEW
    assert reverse("contacts:mine") == "/contacts/"
    assert reverse("contacts:threshold") == "/threshold-document/"
