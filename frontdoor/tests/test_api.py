"""The partner API for contacts: a partner system's token with the contacts:create scope sends a
contact; retries with the same Idempotency-Key never make a second one; bad input is refused
with problem details by field and leaves nothing behind; the referrer can follow the contact up."""

import base64
import copy
import datetime
import json

import pytest
from django.test import Client

from audit.models import AuditEvent
from frontdoor import services
from frontdoor.api.views import ContactListView
from frontdoor.models import Contact, ContactAttachment, ContactPerson, ContactSubmission, ReferrerFeedback
from partners.models import Agency
from partners.tokens import issue_token
from people.models import Person
from people.services import add_identifier, consistent_identifier
from testing import builders

from .synthetic_files import HTML_PDF, PDF, PNG

URL = "/api/v1/contacts/"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode"
)


@pytest.fixture(autouse=True)
def attachment_root(api_attachment_root):
    return api_attachment_root


def body(**changes):
    data = {
        "received_at": "2026-11-26T09:30:00+00:00",
        "source": "3A",
        "referrer": {
            "name": "Dana Lead",
            "role": "Designated safeguarding lead",
            "phone": "01632 960000",
            "email": "dsl@school.example",
        },
        "concerns": "Alex arrived hungry three days this week and has a bruise on the arm.",
        "immediate_risk": False,
        "consent": "given",
        "consent_detail": "Mother agreed on the phone.",
        "children": [
            {
                "given_names": "Alex",
                "family_name": "Apitest",
                "date_of_birth": "2016-04-01",
                "sex": "M",
                "relationship": "Subject",
            },
            {"given_names": "Sam", "family_name": "Apitest", "date_of_birth": "2019-02-02", "relationship": "Sister"},
        ],
        "adults": [
            {
                "given_names": "Robin",
                "family_name": "Apitest",
                "date_of_birth": "1990-03-03",
                "role": "adult_in_household",
                "relationship": "Mother",
            }
        ],
    }
    data.update(changes)
    return data


def post(client, token, data, key="key-1", raw=None, content_type="application/json", **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    payload = raw if raw is not None else json.dumps(data)
    return client.post(URL, data=payload, content_type=content_type, **headers)


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["detail"]
    return problem


def assert_nothing_kept(attachment_root, people_before=0):
    assert not Contact.objects.exists()
    assert not ContactSubmission.objects.exists()
    assert Person.objects.count() == people_before
    left = [p.name for p in attachment_root.iterdir()] if attachment_root.exists() else []
    assert all(name.startswith(".incoming-") for name in left), left


# --- Accepted ------------------------------------------------------------------------------


def test_a_contact_is_stored_with_its_deadline_people_and_audit(
    client, token, school, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, token, body())
    assert response.status_code == 201, response.content
    answer = response.json()
    contact = Contact.objects.get()
    assert answer["id"] == contact.pk
    assert answer["reference"] == contact.reference
    assert response["Location"] == f"/api/v1/contacts/{contact.pk}/"
    assert contact.channel == Contact.Channel.API
    assert contact.referrer_agency == school
    assert contact.source == "3A"
    assert contact.referrer_name == "Dana Lead"
    assert contact.consent == Contact.Consent.GIVEN
    # Thursday 26 November 2026: due by the end of Friday.
    assert answer["decision_due_date"] == "2026-11-27"
    assert contact.decision_due_date == datetime.date(2026, 11, 27)
    assert "Friday 27 November 2026" in answer["decision_due_explanation"]
    assert answer["status"] == "open"
    roles = [p["role"] for p in answer["people"]]
    assert sorted(roles) == ["adult_in_household", "child_in_household", "subject"]
    subject = contact.people.get(role=ContactPerson.Role.SUBJECT).person
    assert subject.given_names == "Alex"
    assert subject.kind == Person.Kind.CHILD
    by_role = {p["role"]: p for p in answer["people"]}
    assert by_role["subject"] == {
        "role": "subject",
        "matched_by": "new",
        "consistent_identifier": consistent_identifier(subject),
    }
    assert by_role["adult_in_household"]["consistent_identifier"] == ""
    submission = ContactSubmission.objects.get()
    assert submission.contact == contact
    assert submission.idempotency_key == "key-1"
    created = AuditEvent.objects.get(action="create", object_type="frontdoor.contact", object_id=str(contact.pk))
    assert created.username.startswith("api-sgk_")
    assert created.agency == "Testshire Primary School"
    assert created.person_id == subject.pk


def test_a_contact_by_api_shows_the_people_matched_by_nhs_number(client, token, child):
    add_identifier(None, child, id_type="NHS", value="9990000018")
    data = body(
        children=[{"given_names": "Alexander", "family_name": "Othername", "nhs_number": "999 000 0018"}], adults=[]
    )
    response = post(client, token, data)
    assert response.status_code == 201, response.content
    (person,) = response.json()["people"]
    assert person == {
        "role": "subject",
        "matched_by": "nhs_number",
        "consistent_identifier": child.identifiers.get(id_type="CI").value,
    }
    # Nothing else about the existing record is given back: not its name, nor its date of birth.
    text = response.content.decode()
    assert "Testchild" not in text
    assert "2016-04-01" not in text
    contact = Contact.objects.get()
    assert contact.people.get().person == child
    assert Person.objects.filter(kind=Person.Kind.CHILD).count() == 1


def test_a_child_is_matched_by_consistent_identifier_and_upn(client, token, child):
    ci = child.identifiers.get(id_type="CI").value
    response = post(
        client, token, body(children=[{"given_names": "A", "family_name": "B", "consistent_identifier": ci}], adults=[])
    )
    assert response.json()["people"][0]["matched_by"] == "consistent_identifier"


def test_an_attached_file_is_in_place_once_the_contact_is_committed(
    client, token, attachment_root, django_capture_on_commit_callbacks
):
    files = [
        {"filename": "letter.pdf", "content_base64": base64.b64encode(PDF).decode()},
        {"filename": "note.txt", "content_base64": base64.b64encode(b"A synthetic note.").decode()},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, token, body(attachments=files))
    assert response.status_code == 201, response.content
    stored = {a.original_name: a for a in ContactAttachment.objects.all()}
    assert stored["letter.pdf"].content_type == "application/pdf"
    assert stored["note.txt"].content_type == "text/plain"
    assert (attachment_root / stored["letter.pdf"].stored_name).read_bytes() == PDF
    assert not list(attachment_root.glob(".incoming-*"))


# --- Retries -------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_and_body_answers_the_first_contact_again(client, token):
    first = post(client, token, body())
    people = Person.objects.count()
    again = post(client, token, body())
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Contact.objects.count() == 1
    assert Person.objects.count() == people
    assert (
        AuditEvent.objects.filter(action="view", object_type="frontdoor.contact", summary__contains="retried").count()
        == 1
    )


def test_the_same_key_with_another_body_is_refused(client, token):
    post(client, token, body())
    problem = assert_problem(post(client, token, body(concerns="Something else entirely.")), 422)
    assert problem["errors"] == {"Idempotency-Key": ["This key was used for a different submission"]}
    assert Contact.objects.count() == 1


def test_another_key_makes_another_contact(client, token):
    post(client, token, body())
    assert post(client, token, body(), key="key-2").status_code == 201
    assert Contact.objects.count() == 2


def test_a_duplicate_arriving_while_the_first_is_being_stored_gives_the_first_contact(client, token, monkeypatch):
    """Two requests with the same key at once: both look, find nothing, and try to store. The
    unique constraint stops the second, which then answers with the first one's contact."""
    first = post(client, token, body())
    people = Person.objects.count()
    real = ContactListView.submission
    calls = []

    def not_yet_seen(api_token, key):
        calls.append(key)
        return None if len(calls) == 1 else real(api_token, key)

    monkeypatch.setattr(ContactListView, "submission", staticmethod(not_yet_seen))
    again = post(client, token, body())
    assert len(calls) == 2  # looked, found nothing, hit the constraint, looked again
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Contact.objects.count() == 1
    assert Person.objects.count() == people


def test_a_key_is_the_agencys_so_a_second_token_of_the_agency_gets_the_first_contact(client, token, school):
    """Keys were once unique per token: a partner system with two tokens (two servers, or a token
    rotated between a submission and its retry) made a second contact with the same key."""
    first = post(client, token, body())
    people = Person.objects.count()
    second_token = issue_token(school, "School information system (second server)", ["contacts:create"])[1]
    again = post(client, second_token, body())
    assert again.status_code == 201, again.content
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Contact.objects.count() == 1
    assert ContactSubmission.objects.count() == 1
    assert Person.objects.count() == people
    # The same key with another body, from the second token: refused as from the first.
    problem = assert_problem(post(client, second_token, body(concerns="Something else entirely.")), 422)
    assert problem["errors"] == {"Idempotency-Key": ["This key was used for a different submission"]}
    assert Contact.objects.count() == 1


def test_another_agencys_same_key_is_its_own(client, token, school):
    post(client, token, body())
    police = builders.police()
    police_token = issue_token(police, "Police case system", ["contacts:create"])[1]
    theirs = post(client, police_token, body(source="6"))
    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert Contact.objects.count() == 2
    assert {s.agency for s in ContactSubmission.objects.all()} == {school, police}


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "Send an Idempotency-Key header"),
        ("", "Send an Idempotency-Key header"),
        ("k" * 201, "200 characters or fewer"),
        ("clé-1", "visible ASCII characters"),
        ("key\x01", "visible ASCII characters"),
    ],
)
def test_the_idempotency_key_is_required(client, token, attachment_root, key, message):
    problem = assert_problem(post(client, token, body(), key=key), 400)
    assert message in problem["errors"]["Idempotency-Key"][0]
    assert_nothing_kept(attachment_root)


# --- Refused -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"{not json", "body"),
        (b'{"source": "3A",', "body"),
        (b"[1, 2]", "body"),
        (b"\xff\xfe", "body"),
        (b"", "body"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(client, token, attachment_root, raw, field):
    problem = assert_problem(post(client, token, None, raw=raw), 400)
    assert field in problem["errors"]
    assert_nothing_kept(attachment_root)


def test_a_body_that_is_not_json_by_its_content_type_is_refused(client, token, attachment_root):
    problem = assert_problem(
        post(client, token, None, raw=b"source=3A", content_type="application/x-www-form-urlencoded"), 415
    )
    assert "JSON" in problem["errors"]["body"][0]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"concerns": 123}, ("concerns",)),
        ({"concerns": ["a list"]}, ("concerns",)),
        ({"immediate_risk": "yes"}, ("immediate_risk",)),
        ({"received_at": "yesterday"}, ("received_at",)),
        ({"children": "Alex Apitest"}, ("children",)),
        ({"children": [{"given_names": 7, "family_name": "Apitest"}]}, ("children", "0", "given_names")),
        (
            {"children": [{"given_names": "Alex", "family_name": "Apitest", "date_of_birth": "01/04/2016"}]},
            ("children", "0", "date_of_birth"),
        ),
        ({"children": [{"given_names": "Alex", "family_name": "Apitest", "sex": "X"}]}, ("children", "0", "sex")),
        ({"adults": [{"given_names": "Robin", "family_name": "Apitest", "role": "subject"}]}, ("adults", "0", "role")),
        ({"referrer": {"email": "not an email"}}, ("referrer", "email")),
        ({"attachments": {"filename": "a.txt"}}, ("attachments",)),
    ],
)
def test_wrong_types_are_refused_by_field(client, token, attachment_root, changes, path):
    problem = assert_problem(post(client, token, body(**changes)), 400)
    errors = problem["errors"]
    for step in path:
        errors = errors[step]
    assert errors
    assert_nothing_kept(attachment_root)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"source": "ZZ"}, "source"),
        ({"source": ""}, "source"),
        ({"consent": "maybe"}, "consent"),
        ({"concerns": "   "}, "concerns"),
        ({"immediate_risk": True, "immediate_risk_detail": ""}, "immediate_risk_detail"),
        ({"children": []}, "children"),
        ({"received_at": "2099-01-01T09:00:00+00:00"}, "received_at"),
    ],
)
def test_unknown_codes_and_missing_details_are_refused(client, token, attachment_root, changes, field):
    problem = assert_problem(post(client, token, body(**changes)), 400)
    assert field in problem["errors"], problem
    assert_nothing_kept(attachment_root)


def test_source_and_consent_are_required(client, token, attachment_root):
    data = body()
    del data["source"], data["consent"], data["children"]
    problem = assert_problem(post(client, token, data), 400)
    assert {"source", "consent", "children"} <= set(problem["errors"])


@pytest.mark.parametrize(
    ("child", "field", "message"),
    [
        ({"nhs_number": "999 000 0019"}, "nhs_number", "check digit"),
        ({"nhs_number": "12345"}, "nhs_number", "10 digits"),
        ({"upn": "A12345678901X"}, "upn", ""),
        ({"consistent_identifier": "CI0000000019"}, "consistent_identifier", ""),
    ],
)
def test_invalid_identifiers_are_refused(client, token, attachment_root, child, field, message):
    data = body(children=[{"given_names": "Alex", "family_name": "Apitest", **child}])
    problem = assert_problem(post(client, token, data), 400)
    assert message in problem["errors"]["children"]["0"][field][0]
    assert_nothing_kept(attachment_root)


def attachment(name, content):
    return {"filename": name, "content_base64": base64.b64encode(content).decode()}


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("letter.pdf", EXE, "a Windows program"),
        ("photo.pdf", PNG, "a PNG image but its name ends .pdf"),
        ("script.sh", b"#!/bin/sh\necho hello\n", "a text file but its name ends .sh"),
        ("empty.txt", b"", "empty"),
        (
            "letter.pdf",
            HTML_PDF,
            "letter.pdf must be a PDF, Word (.docx), PNG, JPEG or plain text (.txt): its content starts "
            "like a PDF but does not open as one",
        ),
    ],
)
def test_disguised_or_empty_files_are_refused_and_nothing_is_kept(client, token, attachment_root, name, content, says):
    data = body(attachments=[attachment("note.txt", b"A synthetic note."), attachment(name, content)])
    problem = assert_problem(post(client, token, data), 400)
    assert any(says in message for message in problem["errors"]["attachments"]), problem
    assert_nothing_kept(attachment_root)


def test_an_attachment_over_the_size_limit_is_refused(client, token, attachment_root, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    problem = assert_problem(post(client, token, body(attachments=[attachment("big.txt", b"x" * 1001)])), 400)
    assert "smaller than 1 KB" in problem["errors"]["attachments"]["0"]["content_base64"][0]
    # Far over the limit: refused from the length of its base64, before it is decoded.
    problem = assert_problem(post(client, token, body(attachments=[attachment("big.txt", b"x" * 50_000)])), 400)
    assert "smaller than" in problem["errors"]["attachments"]["0"]["content_base64"][0]
    assert_nothing_kept(attachment_root)


def test_bad_base64_is_refused(client, token, attachment_root):
    problem = assert_problem(
        post(client, token, body(attachments=[{"filename": "a.txt", "content_base64": "no*base64!"}])), 400
    )
    assert problem["errors"]["attachments"]["0"]["content_base64"] == ["Must be the file's content in base64"]
    assert_nothing_kept(attachment_root)


def test_a_body_over_the_request_size_limit_answers_413(client, token, attachment_root, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5000
    problem = assert_problem(post(client, token, body(attachments=[attachment("big.txt", b"x" * 6000)])), 413)
    assert "too large" in problem["errors"]["body"][0]
    assert_nothing_kept(attachment_root)


def test_a_failure_after_a_file_was_written_keeps_nothing_but_the_temporary_file(token, attachment_root, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a synthetic failure after the attachment was written")

    monkeypatch.setattr(services, "pattern_alerts_for", broken)
    client = Client(raise_request_exception=False)
    people = Person.objects.count()
    response = post(client, token, body(attachments=[attachment("note.txt", b"A synthetic note.")]))
    assert response.status_code == 500
    assert list(attachment_root.glob(".incoming-*"))
    assert_nothing_kept(attachment_root, people_before=people)


# --- Who may -------------------------------------------------------------------------------


def test_without_a_token_the_api_answers_401(client, threshold, attachment_root):
    response = post(client, None, body())
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert_problem(post(client, "sgk_" + "A" * 43, body()), 401)
    assert_problem(post(client, "not-a-token", body()), 401)
    assert not Contact.objects.exists()


def test_a_token_without_the_scope_is_refused_403(client, school, threshold, attachment_root):
    _, reader = issue_token(school, "Read-only system", ["people:read"])
    problem = assert_problem(post(client, reader, body()), 403)
    assert "contacts:create" in problem["detail"]
    assert not Contact.objects.exists()


def test_a_revoked_tokens_agency_cannot_send(client, school, threshold):
    from partners.tokens import revoke_token

    api_token, secret = issue_token(school, "Old system", ["contacts:create"])
    revoke_token(api_token)
    assert_problem(post(client, secret, body()), 401)


def test_a_signed_in_person_uses_the_web_form_not_this_route(client, school_user, threshold):
    client.force_login(school_user)
    problem = assert_problem(post(client, None, body()), 403)
    assert "API token" in problem["detail"]


# --- Following the contact up ----------------------------------------------------------------


def test_the_referrers_system_sees_the_status_and_feedback_of_its_contact(client, token, school, mash_worker):
    made = post(client, token, body()).json()
    contact = Contact.objects.get()
    services.give_feedback(
        mash_worker,
        contact,
        method=ReferrerFeedback.Method.EMAIL,
        message="Thank you: the family is being offered early help.",
    )
    response = client.get(f"/api/v1/contacts/{contact.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["id"] == made["id"]
    assert answer["status"] == "open"
    assert answer["people"] == made["people"]
    assert [f["message"] for f in answer["feedback"]] == ["Thank you: the family is being offered early help."]
    assert answer["feedback"][0]["method"] == "email"
    viewed = AuditEvent.objects.get(action="view", object_type="frontdoor.contact", summary__contains="status")
    assert viewed.username.startswith("api-sgk_")
    assert viewed.object_id == str(contact.pk)
    assert viewed.person_id == contact.people.get(role="subject").person_id
    # A token with contacts:read alone may follow it up too.
    _, reader = issue_token(school, "Follow-up system", ["contacts:read"])
    assert client.get(f"/api/v1/contacts/{contact.pk}/", HTTP_AUTHORIZATION=f"Bearer {reader}").status_code == 200


def test_another_agencys_contact_is_not_found(client, token, school, receive, child):
    post(client, token, body())
    mine = Contact.objects.get()
    phoned = receive(child)  # by the police, by phone: not the school's
    other = Agency.objects.create(name="Testshire Academy", kind=Agency.Kind.SCHOOL)
    _, theirs = issue_token(other, "Academy system", ["contacts:create"])
    assert_problem(client.get(f"/api/v1/contacts/{mine.pk}/", HTTP_AUTHORIZATION=f"Bearer {theirs}"), 404)
    assert_problem(client.get(f"/api/v1/contacts/{phoned.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}"), 404)
    assert_problem(client.get("/api/v1/contacts/999999/", HTTP_AUTHORIZATION=f"Bearer {token}"), 404)
    _, people_reader = issue_token(school, "People system", ["people:read"])
    assert_problem(client.get(f"/api/v1/contacts/{mine.pk}/", HTTP_AUTHORIZATION=f"Bearer {people_reader}"), 403)
    assert_problem(client.get(f"/api/v1/contacts/{mine.pk}/"), 401)


def test_a_get_on_the_collection_is_not_allowed(client, token):
    assert_problem(client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}"), 405)


# --- The schema ----------------------------------------------------------------------------


def test_the_schema_documents_the_contacts_api(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    create = schema["paths"]["/api/v1/contacts/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" and p["required"] for p in create["parameters"])
    assert {"201", "400", "413", "422"} <= set(create["responses"])
    request_schema = create["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = schema["components"]["schemas"][request_schema]
    assert {"source", "consent", "children", "concerns"} <= set(fields["required"])
    assert {"adults", "attachments", "referrer", "immediate_risk"} <= set(fields["properties"])
    assert "get" in schema["paths"]["/api/v1/contacts/{contact_id}/"]


def test_the_body_sent_is_the_body_compared(client, token):
    """The digest is of the bytes sent: the same JSON with other spacing is another body."""
    data = body()
    post(client, token, data)
    problem = assert_problem(post(client, token, None, raw=json.dumps(copy.deepcopy(data), indent=2)), 422)
    assert problem["errors"]
