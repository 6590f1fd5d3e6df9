"""The pages for everyone who tells the front door about a child: making a contact (partners
through the web, local-authority staff recording a call), one's own contacts with the feedback
given, the checks asked of one's agency, and the public threshold document."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from frontdoor import services
from frontdoor.models import AgencyCheck, Contact
from partners.models import Agency, User
from people.models import Person
from testing import builders

NEW = "/contacts/new/"


@pytest.fixture(autouse=True)
def attachment_root(settings, tmp_path):
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"


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
    # GOV.UK Frontend's conditional reveal: only the choice that reveals something names it.
    markup = page.content.decode()
    assert markup.count("data-aria-controls=") == 1
    controlled = re.search(r'data-aria-controls="([^"]+)"', markup).group(1)
    assert f'id="{controlled}"' in markup
    assert not re.search(r"<input[^>]*\saria-controls=", markup)  # no radio names a part that is not there
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
