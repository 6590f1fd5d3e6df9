"""A contact through the partner API makes a fixed number of queries: whatever the size of the
authority, however many people it names, and however many of them are matched to records with
households, siblings and earlier contacts that fire pattern alerts. The acknowledgement of
`Prefer: respond-async` likewise. (Behaviour, not time: benchmarks/bench_intake.py measures the
time and CPU; see docs/benchmarks.md.)"""

import datetime
import json
import types
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frontdoor import services
from frontdoor.models import Contact, ContactPerson, ContactSubmission, PatternAlert
from kernel import timescales
from people.models import Identifier, Involvement
from people.services import add_identifier, record_address, record_person, record_relationship

URL = "/api/v1/contacts/"
POSTGRES = connection.vendor == "postgresql"
FROZEN = types.SimpleNamespace(monotonic=lambda: 0.0)


@pytest.fixture(autouse=True)
def one_minute(monkeypatch, api_attachment_root):
    """The front-door team and the timescale rules are read once a minute: the counts are taken
    within one (as they would be between two contacts a second apart)."""
    monkeypatch.setattr(services, "time", FROZEN)
    monkeypatch.setattr(timescales, "time", FROZEN)


def nhs_number(serial):
    """A valid NHS number of the 999 test range."""
    while True:
        digits = f"999{serial:06d}"
        check = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check != 10:
            return digits + str(0 if check == 11 else check)
        serial += 1


def person_in(person, nhs=None, **fields):
    sent = {
        "given_names": person.given_names,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        **fields,
    }
    if nhs:
        sent["nhs_number"] = nhs
    return sent


def new_person(n, born="2015-05-05", **fields):
    return {"given_names": f"New{n}", "family_name": f"Family{n}", "date_of_birth": born, **fields}


def body(children, adults=()):
    return {
        "source": "3A",
        "referrer": {"name": "Dana Lead", "role": "Designated safeguarding lead"},
        "concerns": "The child arrived hungry and unkempt this week.",
        "consent": "given",
        "children": list(children),
        "adults": list(adults),
    }


def send(client, token, data, prefer=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    if prefer:
        headers["HTTP_PREFER"] = prefer
    with CaptureQueriesContext(connection) as captured:
        response = client.post(URL, data=json.dumps(data), content_type="application/json", **headers)
    assert response.status_code == (202 if prefer else 201), response.content
    return len(captured), response


_serials = iter(range(1, 10**6))


def known_family(receive, number):
    """A child with an NHS number, a sibling and a mother at the same home, the sibling recorded
    as such, and two earlier contacts about the child and one about the sibling: matching, the
    household, siblings and earlier contacts all have something to find."""
    tag = f"Known{number}"
    child = record_person(
        None, kind="child", given_names="Kid", family_name=tag, date_of_birth=datetime.date(2015, 1, 1 + number)
    )
    sibling = record_person(
        None, kind="child", given_names="Sib", family_name=tag, date_of_birth=datetime.date(2012, 2, 1 + number)
    )
    mother = record_person(
        None, kind="adult", given_names="Mum", family_name=tag, date_of_birth=datetime.date(1985, 3, 1 + number)
    )
    nhs = nhs_number(next(_serials) * 7)
    add_identifier(None, child, id_type=Identifier.Type.NHS, value=nhs)
    home = {"line_1": f"{number} Count Street", "town": "Testtown", "postcode": "NM1 1AA"}
    for person in (child, sibling, mother):
        record_address(None, person, address_fields=home, moved_in=datetime.date(2024, 1, 1))
    record_relationship(None, child, sibling, relationship="sibling")
    for days in (20, 10):
        receive(child, received_at=timezone.now() - datetime.timedelta(days=days))
    receive(sibling, received_at=timezone.now() - datetime.timedelta(days=5))
    return child, mother, nhs


def filler(receive, count):
    """Other children with contacts of their own: a bigger authority."""
    for n in range(count):
        other = record_person(
            None, kind="child", given_names="Other", family_name=f"Filler{n}", date_of_birth=datetime.date(2014, 1, 1)
        )
        receive(other)


def test_a_contact_about_new_people_makes_the_same_queries_for_one_person_or_many(client, token, receive):
    # The first contact writes the token's last use (once a minute) and reads the content types.
    send(client, token, body([new_person(0, nhs_number=nhs_number(100))]))
    # Alike in kind (an identifier to look up, a date of birth to match): one person, or five.
    one, _ = send(client, token, body([new_person(1, nhs_number=nhs_number(200))]))
    many, response = send(
        client,
        token,
        body(
            [new_person(2, nhs_number=nhs_number(500)), new_person(3), new_person(4, upn="A123456789012")],
            [{**new_person(5, born="1980-01-01"), "role": "adult_in_household"}, {**new_person(6), "role": "other"}],
        ),
    )
    assert [person["matched_by"] for person in response.json()["people"]] == ["new"] * 5
    filler(receive, 15)
    bigger, _ = send(client, token, body([new_person(7, nhs_number=nhs_number(300))]))
    assert one == many == bigger, (one, many, bigger)
    # The token, the key, the contact and its submission, people by identifier and by name, five
    # INSERTs recording people, the links, involvements, chronology, audit, the answer; the
    # transaction's two. On PostgreSQL the people's ids are taken in one statement and their rows
    # written in another (people.services.record_people), the contact's and its submission's ids
    # in one, and the contact, its submission, the links, involvements, chronology and audit are
    # one statement (CTEs).
    assert one == (11 if POSTGRES else 18)


def test_a_contact_matching_people_with_history_makes_the_same_queries_for_one_or_many(client, token, receive):
    families = [known_family(receive, n) for n in range(4)]
    send(client, token, body([new_person(0, nhs_number=nhs_number(100))]))
    child, mother, nhs = families[0]
    # Alike in kind (found by NHS number, new, found by name and date of birth): one of each, or more.
    one, response = send(
        client, token, body([person_in(child, nhs), new_person(8)], [person_in(mother, role="adult_in_household")])
    )
    contact = Contact.objects.get(pk=response.json()["id"])
    assert response.json()["people"][0]["matched_by"] == ContactPerson.Match.NHS_NUMBER
    assert {PatternAlert.Kind.REPEATED_CONTACTS, PatternAlert.Kind.SIBLINGS} <= set(
        contact.alerts.values_list("kind", flat=True)
    )
    children = [person_in(child, nhs) for child, _, nhs in families[1:]]
    adults = [person_in(mother, role="adult_in_household") for _, mother, _ in families[1:]]
    many, response = send(client, token, body(children + [new_person(9)], adults))
    matched = [person["matched_by"] for person in response.json()["people"]]
    assert matched == ["nhs_number"] * 3 + ["new"] + ["name_and_dob"] * 3
    contact = Contact.objects.get(pk=response.json()["id"])
    assert contact.alerts.filter(kind=PatternAlert.Kind.REPEATED_CONTACTS).count() == 3
    assert contact.alerts.filter(kind=PatternAlert.Kind.SIBLINGS).count() == 3
    filler(receive, 15)
    bigger, _ = send(
        client,
        token,
        body([person_in(child, nhs), new_person(10)], [person_in(mother, role="adult_in_household")]),
    )
    assert one == many == bigger, (one, many, bigger)
    # As above, and for the people found: their referrals, their households (the homes and who
    # lives there, one query), siblings, earlier contacts (links, then contacts), the education
    # sources (two), the alerts' INSERT (on PostgreSQL in the one statement with the links,
    # involvements, chronology and audit).
    assert one == (18 if POSTGRES else 26)


def test_the_contact_keeps_its_chronology_audit_and_involvements(client, token, mash_team):
    """What the fewer queries write: each new person's record, chronology and audit, and the
    contact's, in the same transaction; the front-door involvement of each child once."""
    from audit.models import AuditEvent
    from chronology.models import ChronologyEntry

    _, response = send(client, token, body([new_person(1, nhs_number=nhs_number(900)), new_person(2)]))
    contact = Contact.objects.get(pk=response.json()["id"])
    children = [link.person for link in contact.people.order_by("id")]
    for child in children:
        kinds = set(ChronologyEntry.objects.filter(person=child).values_list("kind", flat=True))
        assert {"person-recorded", "contact-received"} <= kinds
        assert Involvement.objects.filter(person=child, team=mash_team, end_date__isnull=True).count() == 1
    assert ChronologyEntry.objects.filter(person=children[0], kind="identifier-added").count() == 1
    summaries = list(AuditEvent.objects.order_by("id").values_list("summary", flat=True))
    assert summaries[-4:] == [
        "Recorded a person",
        "Recorded a person",
        "Added NHS number",
        f"Received contact {contact.reference}",
    ]
    # The same children again: still one open involvement each.
    send(client, token, body([person_in(child) for child in children]))
    for child in children:
        assert Involvement.objects.filter(person=child, team=mash_team, end_date__isnull=True).count() == 1


def test_the_acknowledgement_makes_the_same_queries_whatever_the_contact(client, token, receive):
    families = [known_family(receive, n) for n in range(2)]
    send(client, token, body([new_person(0)]), prefer="respond-async")
    one, _ = send(client, token, body([new_person(1)]), prefer="respond-async")
    many, _ = send(
        client,
        token,
        body([person_in(child, nhs) for child, _, nhs in families], [person_in(families[0][1], role="other")]),
        prefer="respond-async",
    )
    # The token, the key, then in one transaction the submission, its job and the audit entry
    # (its agency is the token's, read with it). On PostgreSQL: the submission's id, then the
    # submission, its job and the audit entry in one statement (here in the test's transaction,
    # so in a savepoint of its own).
    assert one == many == (6 if POSTGRES else 7)
    assert ContactSubmission.objects.count() == 3


def test_the_rows_written_together_are_those_the_orm_writes(client, token, receive):
    """On PostgreSQL the acknowledgement's rows, and the contact's links, involvements,
    chronology, alerts and audit entries, are written in one statement each: each audit entry's
    row hash holds for the row as stored, the job is the queue's, and the contact's rows are all
    there (on SQLite, the plain path: the same assertions)."""
    from django_tasks_db.models import DBTaskResult

    from audit.integrity import row_hash
    from audit.models import AuditEvent
    from chronology.models import ChronologyEntry

    child, mother, nhs = known_family(receive, 7)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    _, response = send(client, token, body([new_person(1)]), prefer="respond-async")
    submission = ContactSubmission.objects.get(public_id=response.json()["id"])
    assert submission.status == ContactSubmission.Status.RECEIVED
    assert submission.payload["children"]
    job = DBTaskResult.objects.get(args_kwargs={"args": [submission.pk], "kwargs": {}})
    assert job.status == "READY"
    assert job.task_path == "frontdoor.tasks.process_contact_submission"
    _, response = send(client, token, body([person_in(child, nhs), new_person(2)], [person_in(mother, role="other")]))
    contact = Contact.objects.get(pk=response.json()["id"])
    links = list(contact.people.order_by("id"))
    assert [link.role for link in links] == ["subject", "child_in_household", "other"]
    assert contact.alerts.filter(kind=PatternAlert.Kind.REPEATED_CONTACTS, person=child).exists()
    for link in links[:2]:
        assert (
            ChronologyEntry.objects.filter(
                person=link.person, kind="contact-received", source_id=str(contact.pk)
            ).count()
            == 1
        )
        assert Involvement.objects.filter(person=link.person, end_date__isnull=True).count() == 1
    written = list(AuditEvent.objects.filter(id__gt=before).order_by("id"))
    assert [event.summary for event in written] == [
        f"Received contact submission {submission.reference} (API, to be processed)",
        "Recorded a person",
        f"Received contact {contact.reference}",
    ]
    for event in written:
        assert event.row_hash == row_hash(event)
    # The contact and its submission, written in the one statement on PostgreSQL: the creation
    # entry's values are the row's as stored (its recorded time included), and the submission
    # is the token's agency's, linked to it.
    from audit.services import creation_entry

    stored = Contact.objects.get(pk=contact.pk)
    assert written[-1].detail["values"] == creation_entry(None, stored).detail["values"]
    assert stored.recorded_at is not None
    made = ContactSubmission.objects.get(contact=contact)
    assert made.agency_id == made.api_token.agency_id
    assert made.status == ContactSubmission.Status.PROCESSED
