"""The contact's question pages (frontdoor.partner.journey): each page's checks, the "add
another" lists with and without JavaScript, the postcode look-up, files kept across errors,
check your answers with its Change links, and one contact however often it is sent."""

import datetime
import html
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from audit.models import AuditEvent
from frontdoor.models import Contact, ContactAttachment, ContactDraft, ContactPerson, PatternAlert
from partners.models import Agency, User
from people.models import Person, PersonAddress
from testing.pages import date_data

NEW = "/contacts/new/"
IN_AREA = "BD10 0FE"  # in the demo authority's postcode data, in its own area (E08000035)
NOT_IN_DATA = "SW1A 1AA"


@pytest.fixture(autouse=True)
def attachment_root(settings, tmp_path):
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"


def errors_of(response):
    """The messages in the page's GOV.UK error summary."""
    page = response.content.decode()
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "no error summary on the page"
    return [html.unescape(text) for text in re.findall(r'<li><a href="[^"]+">([^<]+)</a></li>', summary.group(0))]


def start(client, person=None):
    """Press Start; the URL of the first question page."""
    response = client.post(NEW + (f"?person={person.pk}" if person else ""))
    assert response.status_code == 302
    return response["Location"]


def url_of(first, page):
    return re.sub(r"/[a-z]+/$", f"/{page}/", first)


CHILD = {
    "given_names": "Robin",
    "family_name": "Testpupil",
    "born": "yes",
    **date_data("date_of_birth", datetime.date(2015, 9, 3)),
}
ADDRESS = {"action": "save", "line_1": "1 Test Street", "town": "Testtown", "postcode": IN_AREA}
CONCERNS = {
    "concerns": "Robin came to school with bruises on both arms.",
    "child_said": "My arms hurt.",
    "immediate_risk": "no",
}
CONSENT = {"family_told": "no", "consent": Contact.Consent.NOT_NEEDED}
REFERRER = {"referrer_name": "Dana Lead", "referrer_role": "Designated safeguarding lead"}


def staff_referrer(**changes):
    now = timezone.localtime() - datetime.timedelta(minutes=10)
    data = {
        "channel": Contact.Channel.PHONE,
        "source": "6",
        "referrer_name": "PC Test Officer",
        **date_data("received_on", now.date()),
        "received_time": now.strftime("%H:%M"),
    }
    data.update(changes)
    return data


def answer_all(client, first, referrer=REFERRER, child=True):
    """Answer every required page; the check-your-answers URL."""
    pages = [("address", ADDRESS), ("concerns", CONCERNS), ("consent", CONSENT), ("referrer", referrer)]
    if child:
        pages.insert(0, ("child", CHILD))
    for page, data in pages:
        response = client.post(url_of(first, page), data)
        assert response.status_code == 302, (page, errors_of(response))
    return url_of(first, "check")


def test_the_start_page_warns_and_nothing_is_kept_until_start(client, school_user):
    client.force_login(school_user)
    page = client.get(NEW).content.decode()
    assert "If a child is in immediate danger, call 999." in page
    assert not ContactDraft.objects.exists()
    first = start(client)
    assert first.endswith("/child/")
    assert ContactDraft.objects.get().user == school_user


def test_a_school_makes_a_contact_through_the_pages(
    client, school_user, school, mash_team, settings, django_capture_on_commit_callbacks
):
    client.force_login(school_user)
    first = start(client)
    page = client.get(first).content.decode()
    assert "question 1 of 8" in page
    # The GOV.UK conditional reveal, in GOV.UK Frontend's own markup: no aria-controls to nothing.
    assert 'data-aria-controls="conditional-born-1"' in page
    assert 'id="conditional-born-1"' in page
    assert not re.search(r"<input[^>]*\saria-controls=", page)  # no radio names a part that is not there
    check = answer_all(client, first)
    assert (
        client.post(
            url_of(first, "children"),
            {
                "children[0][given_names]": "Sky",
                "children[0][family_name]": "Testpupil",
                "children[0][relationship]": "Sister",
            },
        ).status_code
        == 302
    )
    upload = SimpleUploadedFile("note.txt", b"A synthetic note about the bruises.", content_type="text/plain")
    assert client.post(url_of(first, "files"), {"upload": [upload], "action": "upload"}).status_code == 302
    assert not Contact.objects.exists()
    assert not Person.objects.exists()
    answers = client.get(check).content.decode()
    for shown in ("Robin Testpupil", "3 September 2015", "1 Test Street", "Sky Testpupil", "note.txt", "My arms hurt."):
        assert shown in answers
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check)
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contacts/{contact.pk}/"
    assert (contact.source, contact.channel, contact.referrer_agency) == ("2A", Contact.Channel.WEB_FORM, school)
    assert contact.recorded_by == school_user
    assert "What the child said:\nMy arms hurt." in contact.concerns
    assert "The family does not know about this contact." in contact.consent_detail
    subject = contact.people.get(role=ContactPerson.Role.SUBJECT)
    assert (subject.person.given_names, subject.person.date_of_birth) == ("Robin", datetime.date(2015, 9, 3))
    assert subject.address.postcode == IN_AREA
    assert PersonAddress.objects.get(person=subject.person).address == subject.address  # a new record: its home
    assert contact.people.get(role=ContactPerson.Role.CHILD_IN_HOUSEHOLD).relationship == "Sister"
    assert contact.attachments.get().original_name == "note.txt"
    assert contact.decision_due_at is not None
    assert AuditEvent.objects.filter(
        action="create", object_type="frontdoor.contact", object_id=str(contact.pk)
    ).exists()
    confirmation = client.get(response["Location"]).content.decode()
    assert "govuk-panel--confirmation" in confirmation
    assert f"1 Test Street, Testtown, {IN_AREA}" in confirmation  # the address given, as sent
    assert contact.reference in confirmation
    # What the draft held is now the contact's; its files are gone from the draft.
    draft = ContactDraft.objects.get()
    assert draft.contact == contact
    assert draft.answers == {}
    assert not list(settings.ATTACHMENT_ROOT.glob("draft*"))  # the uploaded file is now the attachment
    assert (settings.ATTACHMENT_ROOT / contact.attachments.get().stored_name).exists()


def test_sending_twice_makes_one_contact(client, school_user, mash_team):
    client.force_login(school_user)
    first = start(client)
    check = answer_all(client, first)
    one = client.post(check)
    two = client.post(check)
    assert Contact.objects.count() == 1
    contact = Contact.objects.get()
    assert one["Location"] == two["Location"] == f"/contacts/{contact.pk}/"
    assert PatternAlert.objects.filter(contact=contact).count() == 0
    # The pages of a sent draft lead to the contact, not to the questions again.
    assert client.get(url_of(first, "concerns"))["Location"] == f"/contacts/{contact.pk}/"


def test_the_service_sends_a_draft_once(client, school_user, mash_team):
    from frontdoor.partner import services as drafts

    client.force_login(school_user)
    first = start(client)
    answer_all(client, first)
    draft_id = uuid.UUID(first.split("/")[3])
    contact, made_now = drafts.send_draft(school_user, draft_id, for_others=False, source_for_partner="2A")
    again, made_again = drafts.send_draft(school_user, draft_id, for_others=False, source_for_partner="2A")
    assert (made_now, made_again) == (True, False)
    assert again == contact
    assert Contact.objects.count() == 1


def test_the_child_page_checks_each_answer(client, school_user):
    client.force_login(school_user)
    first = start(client)
    response = client.post(first, {"given_names": "", "family_name": "", "nhs_number": "123"})
    assert response.status_code == 400
    messages = errors_of(response)
    for expected in (
        "Enter the child's given names",
        "Enter the child's family name",
        "Select yes if the child has been born",
    ):
        assert expected in messages
    assert any("NHS" in message for message in messages)
    future = timezone.localdate() + datetime.timedelta(days=3)
    born_later = client.post(first, {**CHILD, **date_data("date_of_birth", future)})
    assert "The date of birth must be today or in the past" in errors_of(born_later)
    unborn = client.post(first, {**CHILD, "born": "no"})
    assert "Enter when the baby is due" in errors_of(unborn)
    due = timezone.localdate() + datetime.timedelta(days=60)
    assert client.post(first, {**CHILD, "born": "no", **date_data("expected_date", due)}).status_code == 302
    assert ContactDraft.objects.get().answers["child"]["expected_date"] == due.isoformat()
    assert ContactDraft.objects.get().answers["child"]["date_of_birth"] == ""


def test_the_concerns_consent_and_referrer_pages_check_their_answers(client, school_user):
    client.force_login(school_user)
    first = start(client)
    concerns = client.post(url_of(first, "concerns"), {"concerns": "", "immediate_risk": "yes"})
    assert errors_of(concerns) == ["Describe what has happened", "Describe the immediate risk to the child"]
    consent = client.post(url_of(first, "consent"), {})
    assert errors_of(consent) == [
        "Select whether the family knows you are telling the front door",
        "Select whether the family agrees to early help",
    ]
    referrer = client.post(url_of(first, "referrer"), {"referrer_name": "", "referrer_email": "not-an-email"})
    assert "Enter your name" in errors_of(referrer)
    assert "Enter an email address in the correct format, like name@example.com" in errors_of(referrer)
    assert not ContactDraft.objects.get().answers


def test_the_postcode_look_up_finds_a_postcode_in_the_area(client, school_user):
    client.force_login(school_user)
    address = url_of(start(client), "address")
    found = client.post(address, {"action": "find", "postcode": "bd100fe"})
    page = found.content.decode()
    assert found.status_code == 200
    assert f"{IN_AREA} is in the council's area." in page
    assert f'value="{IN_AREA}"' in page  # the address form, its postcode filled in
    assert client.post(address, ADDRESS).status_code == 302
    saved = ContactDraft.objects.get().answers["address"]
    assert (saved["postcode"], saved["postcode_known"], saved["in_area"]) == (IN_AREA, True, True)


def test_a_postcode_not_in_the_data_may_still_be_entered(client, school_user):
    client.force_login(school_user)
    address = url_of(start(client), "address")
    page = client.post(address, {"action": "find", "postcode": NOT_IN_DATA}).content.decode()
    assert f"We could not find {NOT_IN_DATA} in the council's postcode list" in page
    assert client.post(address, {**ADDRESS, "postcode": NOT_IN_DATA}).status_code == 302
    saved = ContactDraft.objects.get().answers["address"]
    assert (saved["postcode"], saved["postcode_known"], saved["in_area"]) == (NOT_IN_DATA, False, False)


def test_an_invalid_postcode_is_refused(client, school_user):
    client.force_login(school_user)
    address = url_of(start(client), "address")
    refused = client.post(address, {"action": "find", "postcode": "NOT A CODE"})
    assert refused.status_code == 400
    assert errors_of(refused) == ["Enter a full UK postcode, like SW1A 1AA"]
    blank = client.post(address, {"action": "find", "postcode": ""})
    assert errors_of(blank) == ["Enter the child's postcode"]
    manual = client.post(address, {"action": "save", "line_1": "", "town": "Testtown", "postcode": "12345"})
    assert errors_of(manual) == ["Enter the first line of the address", "Enter a full UK postcode, like SW1A 1AA"]
    assert "address" not in ContactDraft.objects.get().answers


def test_the_address_may_be_not_known(client, school_user):
    client.force_login(school_user)
    address = url_of(start(client), "address")
    response = client.post(address, {"action": "unknown", "postcode": ""})
    assert response["Location"].endswith("/children/")
    assert ContactDraft.objects.get().answers["address"] == {"known": "no"}


def test_add_another_adds_and_removes_people_without_javascript(client, school_user):
    client.force_login(school_user)
    children = url_of(start(client), "children")
    page = client.get(children).content.decode()
    assert 'data-module="moj-add-another"' in page
    assert page.count('class="moj-add-another__item"') == 1
    assert "Remove child 1" not in page  # one person: nothing to remove
    row = {"children[0][given_names]": "Sky", "children[0][family_name]": "Testpupil"}
    added = client.post(children, {**row, "add": "1"}).content.decode()
    assert added.count('class="moj-add-another__item"') == 2
    assert 'value="Sky"' in added  # what was typed is kept
    assert 'name="children[1][given_names]"' in added
    assert "Remove child 2" in added
    two = {**row, "children[1][given_names]": "Lee", "children[1][family_name]": "Testpupil"}
    three = client.post(children, {**two, "add": "1"}).content.decode()
    assert three.count('class="moj-add-another__item"') == 3
    removed = client.post(children, {**two, "children[2][given_names]": "", "remove": "0"}).content.decode()
    assert removed.count('class="moj-add-another__item"') == 2
    assert 'value="Sky"' not in removed
    assert 'value="Lee"' in removed
    # Continue: the blank row is left out, the others kept in order.
    response = client.post(
        children,
        {"children[0][given_names]": "Lee", "children[0][family_name]": "Testpupil", "children[1][given_names]": ""},
    )
    assert response.status_code == 302
    assert [row["given_names"] for row in ContactDraft.objects.get().answers["children"]] == ["Lee"]


def test_add_another_checks_each_person(client, school_user):
    client.force_login(school_user)
    adults = url_of(start(client), "adults")
    response = client.post(
        adults,
        {
            "adults[0][given_names]": "Casey",
            "adults[1][given_names]": "Jordan",
            "adults[1][family_name]": "Testadult",
            "adults[1][dob_day]": "31",
            "adults[1][dob_month]": "2",
            "adults[1][dob_year]": "1990",
            "adults[1][role]": ContactPerson.Role.PERSON_OF_CONCERN,
        },
    )
    assert response.status_code == 400
    assert errors_of(response) == [
        "Enter the family name of adult 1",
        "Select why you are telling us about adult 1",
        "The date of birth of adult 2 must be a real date, like 27 3 2015",
    ]
    page = response.content.decode()
    assert 'href="#adults-0-family-name"' in page
    assert 'id="adults-0-family-name"' in page
    assert 'href="#adults-1-dob-day"' in page
    assert 'id="adults-1-dob-day"' in page
    assert "adults" not in ContactDraft.objects.get().answers


def test_files_are_kept_across_errors_and_may_be_removed(client, school_user, settings):
    client.force_login(school_user)
    first = start(client)
    files = url_of(first, "files")
    note = SimpleUploadedFile("note.txt", b"A synthetic note.", content_type="text/plain")
    assert client.post(files, {"upload": [note], "action": "upload"}).status_code == 302
    # A refused file says why, and the file uploaded before is still there.
    program = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="application/pdf")
    refused = client.post(files, {"upload": [program], "action": "continue"})
    assert refused.status_code == 400
    [message] = errors_of(refused)
    assert "letter.pdf" in message
    assert "a Windows program" in message
    assert "note.txt" in refused.content.decode()
    # An error on another page leaves it too.
    assert client.post(url_of(first, "concerns"), {"concerns": ""}).status_code == 400
    assert "note.txt" in client.get(files).content.decode()
    [kept] = ContactDraft.objects.get().answers["files"]
    path = settings.ATTACHMENT_ROOT / kept["stored"]
    assert path.read_bytes() == b"A synthetic note."
    # Removed: gone from the page and from the disk.
    assert client.post(files, {"remove": kept["stored"]}).status_code == 302
    assert "note.txt" not in client.get(files).content.decode()
    assert not path.exists()
    assert not ContactAttachment.objects.exists()


def test_check_your_answers_has_change_links_that_come_back(client, school_user):
    client.force_login(school_user)
    first = start(client)
    check = answer_all(client, first)
    page = client.get(check).content.decode()
    for part in ("child", "address", "children", "adults", "concerns", "consent", "referrer", "files"):
        assert f'href="{url_of(first, part)}?change=1"' in page
    changed = client.post(f"{url_of(first, 'concerns')}?change=1", {**CONCERNS, "concerns": "Something else happened."})
    assert changed["Location"] == check
    assert "Something else happened." in client.get(check).content.decode()
    # Back from a change goes to the answers, and the answers given are filled in.
    concerns_page = client.get(f"{url_of(first, 'concerns')}?change=1").content.decode()
    assert f'href="{check}" class="govuk-back-link"' in concerns_page
    assert "Something else happened." in concerns_page


def test_check_your_answers_asks_for_what_is_missing_first(client, school_user):
    client.force_login(school_user)
    first = start(client)
    assert client.get(url_of(first, "check"))["Location"] == first


def test_another_users_draft_does_not_exist_for_them(client, school_user, user, school):
    client.force_login(school_user)
    first = start(client)
    other = user(User.Role.PARTNER_PRACTITIONER, agency=school, team=None, username="other-lead")
    client.force_login(other)
    assert client.get(first).status_code == 404
    assert client.post(url_of(first, "check")).status_code == 404


def test_a_health_practitioner_may_say_which_health_service(client, user, mash_team):
    clinic = Agency.objects.create(name="Testshire Community Health", kind=Agency.Kind.HEALTH_PROVIDER)
    client.force_login(user(User.Role.PARTNER_PRACTITIONER, agency=clinic, team=None))
    first = start(client)
    check = answer_all(client, first, referrer={**REFERRER, "health_source": "3B"})
    assert client.post(check).status_code == 302
    assert Contact.objects.get().source == "3B"


def test_a_family_member_contact_recorded_by_mash_staff_needs_a_name(client, mash_worker):
    client.force_login(mash_worker)
    first = start(client)
    response = client.post(url_of(first, "referrer"), staff_referrer(source="1A", referrer_name=""))
    assert "Enter the name of the family member who made the contact" in errors_of(response)
    assert "Enter the family member's relationship to the child" in errors_of(response)
    check = answer_all(
        client,
        first,
        referrer=staff_referrer(source="1A", referrer_name="Pat Testgran", referrer_relationship="Grandmother"),
    )
    assert client.post(check).status_code == 302
    contact = Contact.objects.get()
    assert (contact.source, contact.channel, contact.referrer_relationship) == ("1A", "phone", "Grandmother")
    assert contact.recorded_by == mash_worker
    assert contact.referrer_agency is None


def test_the_time_received_must_not_be_in_the_future(client, mash_worker):
    client.force_login(mash_worker)
    first = start(client)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url_of(first, "referrer"), staff_referrer(**date_data("received_on", tomorrow)))
    assert "The time the contact was received must be in the past" in errors_of(response)


def test_staff_start_from_a_childs_record(client, mash_worker, child):
    client.force_login(mash_worker)
    page = client.get(f"{NEW}?person={child.pk}").content.decode()
    assert "Alex Testchild" in page
    first = start(client, person=child)
    assert first.endswith("/address/")  # no questions about who the child is
    assert client.get(url_of(first, "child")).status_code == 404
    check = answer_all(client, first, referrer=staff_referrer(), child=False)
    assert "Alex Testchild" in client.get(check).content.decode()
    response = client.post(check)
    contact = Contact.objects.get()
    link = contact.people.get()
    assert (link.person, link.matched_by) == (child, ContactPerson.Match.CHOSEN)
    assert link.address.postcode == IN_AREA
    assert not PersonAddress.objects.filter(person=child).exists()  # an existing record is not changed
    # The same address again is the same record, so that a household shows.
    again = start(client, person=child)
    client.post(url_of(again, "address"), {**ADDRESS, "line_1": " 1 Test Street "})
    client.post(url_of(again, "concerns"), CONCERNS)
    client.post(url_of(again, "consent"), CONSENT)
    client.post(url_of(again, "referrer"), staff_referrer())
    client.post(url_of(again, "check"))
    assert Contact.objects.count() == 2
    assert len({link.address_id for link in ContactPerson.objects.all()}) == 1
    try:
        expected = reverse("frontdoor:contact", args=[contact.pk])
    except NoReverseMatch:
        expected = f"/contacts/{contact.pk}/"
    assert response["Location"] == expected


def test_a_child_one_may_not_see_cannot_be_chosen(client, school_user, child):
    client.force_login(school_user)
    assert client.get(f"{NEW}?person={child.pk}").status_code == 404
    assert client.post(f"{NEW}?person={child.pk}").status_code == 404
    assert client.get(f"{NEW}?person=999999").status_code == 404
    assert AuditEvent.objects.filter(action="denied", person_id=child.pk).exists()
    assert not ContactDraft.objects.exists()


def test_drafts_left_for_two_days_are_swept_with_their_files(client, school_user, settings):
    import io

    from django.core.management import call_command

    client.force_login(school_user)
    first = start(client)
    note = SimpleUploadedFile("note.txt", b"A synthetic note.", content_type="text/plain")
    client.post(url_of(first, "files"), {"upload": [note], "action": "upload"})
    recent = start(client)
    [kept] = ContactDraft.objects.get(pk=first.split("/")[3]).answers["files"]
    ContactDraft.objects.filter(pk=first.split("/")[3]).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    out = io.StringIO()
    call_command("sweep_attachments", stdout=out)
    assert "Removed 1 draft contact not touched for 2 days." in out.getvalue()
    assert list(ContactDraft.objects.values_list("pk", flat=True)) == [uuid.UUID(recent.split("/")[3])]
    assert not (settings.ATTACHMENT_ROOT / kept["stored"]).exists()
