"""The child's record, recording people, editing with the version check, access and audit."""

import datetime

import pytest

from audit.models import AuditEvent
from partners.models import User
from people.models import Identifier, Person, PersonName
from people.services import record_address, record_person, record_relationship


def involve(person, worker, kind="Child in need"):
    """Make the worker's team involved with the person, so that the team sees the full record."""
    from people.models import Involvement

    return Involvement.objects.create(
        person=person, agency=worker.agency, team=worker.team, kind=kind, start_date=datetime.date(2024, 1, 1)
    )


@pytest.fixture
def family(db, user):
    child = record_person(
        None,
        kind="child",
        given_names="Ellis",
        family_name="Marsh",
        date_of_birth=datetime.date(2016, 2, 9),
        sex="F",
        ethnicity="WBRI",
    )
    mother = record_person(
        None, kind="adult", given_names="Dana", family_name="Marsh", date_of_birth=datetime.date(1988, 7, 1)
    )
    sibling = record_person(
        None, kind="child", given_names="Rory", family_name="Marsh", date_of_birth=datetime.date(2019, 5, 3)
    )
    for person in (child, mother, sibling):
        record_address(
            None,
            person,
            address_fields={"line_1": "4 Quarry Lane", "town": "Testford", "postcode": "TE1 4QL"},
            moved_in=datetime.date(2020, 1, 1),
        )
    record_relationship(None, child, mother, relationship="parent", description="Birth mother")
    record_relationship(None, child, sibling, relationship="sibling")
    # Every local-authority user the `user` fixture makes is in the same team: involve it.
    team_member = user()
    for person in (child, mother, sibling):
        involve(person, team_member)
    return child, mother, sibling


def test_record_shows_summary_household_relationships_and_audits_the_view(family, user, client):
    child, mother, sibling = family
    worker = user()
    client.force_login(worker)
    page = client.get(f"/people/{child.pk}/").content.decode()
    assert '<h1 class="govuk-heading-l">Ellis Marsh</h1>' in page
    assert child.identifiers.get(id_type="CI").value in page
    assert "TE1 4QL" in page
    assert "Dana Marsh" in page
    assert "Rory Marsh" in page
    assert "Parent (Birth mother)" in page
    assert "White British" in page
    view = AuditEvent.objects.get(action="view", person_id=child.pk)
    assert view.user == worker
    assert view.role == worker.role
    assert view.agency == str(worker.agency)
    # The mother's record shows the relationship from her side.
    assert "Child" in client.get(f"/people/{mother.pk}/").content.decode()


def test_partner_sees_only_people_their_agency_is_involved_with(family, user, client):
    child, *_ = family
    partner = user(User.Role.PARTNER_PRACTITIONER)
    client.force_login(partner)
    assert client.get(f"/people/{child.pk}/").status_code == 404
    involve(child, partner, kind="School nurse")
    assert client.get(f"/people/{child.pk}/").status_code == 200


def test_restricted_record_is_not_found_and_forged_ids_reveal_nothing(family, user, client):
    child, *_ = family
    Person.objects.filter(pk=child.pk).update(restricted=True)
    client.force_login(user())
    restricted = client.get(f"/people/{child.pk}/")
    missing = client.get("/people/999999/")
    assert restricted.status_code == missing.status_code == 404
    assert client.get(f"/api/v1/people/{child.pk}/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in_and_api_gets_problem_details(family, client):
    child, *_ = family
    response = client.get(f"/people/{child.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    api = client.get(f"/api/v1/people/{child.pk}/")
    assert api.status_code in (401, 403)
    assert api["Content-Type"].startswith("application/problem+json")
    assert api.json()["status"] == api.status_code


def test_new_person_form_errors_store_nothing(user, client, db):
    client.force_login(user())
    before = Person.objects.count()
    response = client.post(
        "/people/new/",
        {
            "kind": "child",
            "given_names": "",
            "family_name": "Bright",
            "date_of_birth_0": "31",
            "date_of_birth_1": "2",
            "date_of_birth_2": "2015",
            "sex": "M",
            "postcode": "NOT A POSTCODE",
            "nhs_number": "9434765918",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("govuk-error-summary") >= 1
    assert "Enter the person&#x27;s given names" in page
    assert "Date of birth must be a real date" in page
    assert "Enter a full UK postcode" in page
    assert "check digit" in page
    assert "<title>Error: " in page
    assert Person.objects.count() == before


def test_child_needs_date_of_birth_or_expected_date(user, client, db):
    client.force_login(user())
    response = client.post("/people/new/", {"kind": "child", "given_names": "Ash", "family_name": "Bright", "sex": "U"})
    assert "Enter the child&#x27;s date of birth, or an expected date of birth" in response.content.decode()


def test_unborn_child_is_recorded_with_expected_date(user, client, db):
    client.force_login(user())
    due = datetime.date.today() + datetime.timedelta(days=60)
    response = client.post(
        "/people/new/",
        {
            "kind": "child",
            "given_names": "Baby",
            "family_name": "Bright",
            "sex": "U",
            "expected_date_of_birth_0": due.day,
            "expected_date_of_birth_1": due.month,
            "expected_date_of_birth_2": due.year,
        },
    )
    assert response.status_code == 302
    baby = Person.objects.get(family_name="Bright")
    assert baby.is_unborn
    assert baby.expected_date_of_birth == due
    assert baby.identifiers.filter(id_type=Identifier.Type.CONSISTENT).count() == 1
    assert AuditEvent.objects.filter(action="create", person_id=baby.pk).exists()


def test_recording_a_likely_duplicate_shows_them_first(family, user, client):
    child, *_ = family
    client.force_login(user())
    data = {
        "kind": "child",
        "given_names": "Elis",
        "family_name": "Marsh",
        "date_of_birth_0": "9",
        "date_of_birth_1": "2",
        "date_of_birth_2": "2016",
        "sex": "F",
        "postcode": "TE1 4QL",
    }
    first = client.post("/people/new/", data)
    page = first.content.decode()
    assert first.status_code == 200
    assert "This person may already be recorded" in page
    assert f"/people/{child.pk}/" in page
    assert "None of these is the person I am recording" in page
    assert Person.objects.filter(family_name="Marsh", kind="child").count() == 2  # nothing new yet
    confirmed = client.post("/people/new/", {**data, "confirm_new": "on"})
    assert confirmed.status_code == 302
    assert Person.objects.filter(family_name="Marsh", kind="child").count() == 3


def _edit_data(person, **changes):
    data = {
        "given_names": person.given_names,
        "family_name": person.family_name,
        "date_of_birth_0": person.date_of_birth.day,
        "date_of_birth_1": person.date_of_birth.month,
        "date_of_birth_2": person.date_of_birth.year,
        "sex": person.sex or "U",
        "ethnicity": person.ethnicity,
        "first_language": "",
        "religion": "",
        "gender": "",
        "version": person.version,
    }
    data.update(changes)
    return data


def test_two_people_editing_at_once_never_overwrite_each_other(family, user, client):
    child, *_ = family
    first_worker, second_worker = user(first_name="First"), user(first_name="Second")
    opened_version = child.version

    client.force_login(first_worker)
    saved = client.post(f"/people/{child.pk}/edit/", _edit_data(child, family_name="Marsh-Hale"))
    assert saved.status_code == 302

    client.force_login(second_worker)
    clash = client.post(f"/people/{child.pk}/edit/", _edit_data(child, ethnicity="WIRI", version=opened_version))
    page = clash.content.decode()
    assert clash.status_code == 200
    assert "Someone else changed these details while you were editing them" in page
    assert "Family name: changed from ‘Marsh’ to ‘Marsh-Hale’" in page
    assert 'value="WIRI" selected' in page  # their input is kept
    child.refresh_from_db()
    assert child.family_name == "Marsh-Hale"
    assert child.ethnicity == "WBRI"
    assert AuditEvent.objects.filter(action="conflict", person_id=child.pk).exists()

    # Saving again from the re-shown form applies their change on top of the first.
    retry = client.post(f"/people/{child.pk}/edit/", _edit_data(child, ethnicity="WIRI"))
    assert retry.status_code == 302
    child.refresh_from_db()
    assert (child.family_name, child.ethnicity) == ("Marsh-Hale", "WIRI")


def test_name_change_keeps_the_previous_name_and_audits_old_and_new(family, user, client):
    child, *_ = family
    client.force_login(user())
    client.post(f"/people/{child.pk}/edit/", _edit_data(child, family_name="Hale"))
    names = {(n.name_type, n.family_name) for n in PersonName.objects.filter(person=child)}
    assert ("current", "Hale") in names
    assert ("previous", "Marsh") in names
    change = AuditEvent.objects.get(action="update", person_id=child.pk)
    assert change.detail["changes"]["family_name"] == ["Marsh", "Hale"]


def test_identifier_form_says_what_is_wrong(family, user, client):
    child, mother, _ = family
    client.force_login(user())
    url = f"/people/{child.pk}/identifiers/add/"
    page = client.post(url, {"id_type": "UPN", "value": "I20125001234"}).content.decode()
    assert "13 characters" in page
    assert client.post(url, {"id_type": "NHS", "value": "9434765919"}).status_code == 302
    duplicate = client.post(f"/people/{mother.pk}/identifiers/add/", {"id_type": "NHS", "value": "943 476 5919"})
    assert "Another person&#x27;s record already has this number" in duplicate.content.decode()


def test_api_lookup_by_consistent_identifier_and_bad_input(family, user, client):
    child, *_ = family
    client.force_login(user())
    ci = child.identifiers.get(id_type="CI").value
    found = client.get(f"/api/v1/children/{ci}/")
    assert found.status_code == 200
    assert found.json()["consistent_identifier"] == ci
    bad = client.get("/api/v1/children/CI123/")
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")
    assert "identifier" in bad.json()["errors"]
    unknown = client.get("/api/v1/children/" + ci[:-1] + str((int(ci[-1]) + 1) % 10) + "/")
    assert unknown.status_code == 400
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/children/" in schema.content


def test_disabilities_are_recorded_with_the_cin_codes(family, user, client):
    child, *_ = family
    client.force_login(user())
    both = client.post(f"/people/{child.pk}/edit/", _edit_data(child, disabilities=["NONE", "AUT"]))
    assert "Select &#x27;No disability&#x27; or the disabilities the person has, not both" in both.content.decode()
    assert not child.disabilities.exists()
    saved = client.post(f"/people/{child.pk}/edit/", _edit_data(child, disabilities=["AUT", "LD"]))
    assert saved.status_code == 302
    assert sorted(child.disabilities.values_list("code", flat=True)) == ["AUT", "LD"]
    assert "Autism or Asperger syndrome, Learning" in client.get(f"/people/{child.pk}/").content.decode()
    change = AuditEvent.objects.get(action="update", person_id=child.pk)
    assert change.detail["changes"]["disabilities"] == ["", "AUT, LD"]


def test_alert_is_shown_at_the_top_of_the_record(family, user, client):
    child, *_ = family
    client.force_login(user())
    empty = client.post(f"/people/{child.pk}/alerts/add/", {"kind": "", "detail": ""})
    assert "Select the kind of alert" in empty.content.decode()
    assert not child.alerts.exists()
    client.post(f"/people/{child.pk}/alerts/add/", {"kind": "do_not_disclose", "detail": "Family fled domestic abuse"})
    page = client.get(f"/people/{child.pk}/").content.decode()
    # In the key-facts banner above the heading (one warning, not a second copy of it)...
    banner = page[page.index('data-testid="key-facts"') : page.index("<h1")]
    assert "Do not disclose address</strong>" in banner
    assert "Family fled domestic abuse" in banner
    assert page.count("govuk-warning-text") == 0
    # ...and in the record's list of alerts, with the date it started.
    alerts = page[page.index('<h2 class="govuk-heading-m">Alerts</h2>') :]
    assert "<strong>Do not disclose address</strong>: Family fled domestic abuse" in alerts
    assert f"from {datetime.date.today():%-d %B %Y}" in alerts[:600]


def test_every_change_to_a_record_is_audited_with_its_values(family, user):
    from people import services

    child, mother, _ = family
    worker = user()
    start = AuditEvent.objects.count()
    services.add_name(worker, child, name_type="alias", given_names="Elly", family_name="Marsh")
    services.add_identifier(worker, child, id_type="NHS", value="943 476 5919")
    services.record_address(
        worker, child, address_fields={"line_1": "9 Mill Row", "town": "Testford", "postcode": "te1 9dr"}
    )
    services.record_relationship(worker, child, mother, relationship="pr_holder")
    services.add_alert(worker, child, kind="medical", detail="Severe nut allergy")
    events = list(AuditEvent.objects.order_by("id")[start:])
    assert [e.object_type for e in events] == [
        "people.personname",
        "people.identifier",
        "people.personaddress",
        "people.relationship",
        "people.personalert",
    ]
    assert all(e.action == "create" and e.person_id == child.pk and e.user == worker for e in events)
    assert events[0].detail["values"]["given_names"] == "Elly"
    assert events[1].detail["values"]["value"] == "9434765919"
    assert events[4].detail["values"]["detail"] == "Severe nut allergy"
