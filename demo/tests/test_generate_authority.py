"""The synthetic authority: reproducible, valid identifiers, every role, sane families, run-once."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from chronology import kinds
from chronology.models import ChronologyEntry
from demo import generator
from frontdoor.models import (
    AgencyCheck,
    Contact,
    ContactDecision,
    ContactPerson,
    PatternAlert,
    Referral,
    ReferrerFeedback,
)
from partners.models import Agency, Team, User
from people import search
from people.identifiers import (
    validate_consistent_identifier,
    validate_former_upn,
    validate_la_child_id,
    validate_nhs_number,
    validate_upn,
)
from people.models import (
    Address,
    ConsistentIdentifierSerial,
    Identifier,
    Involvement,
    NameKey,
    ParentalResponsibility,
    Person,
    PersonAddress,
    PersonAlert,
    PersonDisability,
    PersonName,
    Relationship,
)
from people.postcodes import validate_postcode
from testing.demo import (
    name_keys,  # noqa: F401 - an autouse fixture
    wipe,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 15)
CHILDREN = 60


def run(children=CHILDREN, seed=7, **options):
    out = StringIO()
    call_command("generate_authority", children=children, seed=seed, today=TODAY, stdout=out, **options)
    return out.getvalue()


def _none_first(row):
    """A sort key for rows where a column may be None beside values (a worker or agency not named)."""
    return tuple((value is not None, value if value is not None else 0) for value in row)


def front_door_snapshot():
    """The contacts and all that hangs on them, as tuples, with people by position and no database ids."""
    at = {pk: i for i, pk in enumerate(Person.objects.order_by("pk").values_list("pk", flat=True))}
    contacts = list(
        Contact.objects.order_by("pk").values_list(
            "pk",
            "received_at",
            "channel",
            "source",
            "referrer_name",
            "referrer_role",
            "referrer_agency__name",
            "referrer_relationship",
            "referrer_phone",
            "referrer_email",
            "concerns",
            "immediate_risk",
            "immediate_risk_detail",
            "consent",
            "status",
            "decision_due_date",
            "decision_due_at",
            "decision_due_explanation",
            "recorded_by__username",
            "allocated_to__username",
        )
    )
    number = {row[0]: i for i, row in enumerate(contacts)}
    return {
        "contacts": [row[1:] for row in contacts],
        "people": sorted(
            (number[c], at[p], *rest)
            for c, p, *rest in ContactPerson.objects.values_list(
                "contact_id", "person_id", "role", "relationship", "matched_by"
            )
        ),
        "checks": sorted(
            (number[c], *rest)
            for c, *rest in AgencyCheck.objects.values_list(
                "contact_id",
                "kind",
                "agency__name",
                "status",
                "requested_at",
                "due_at",
                "due_explanation",
                "answered_at",
                "answered_by__username",
                "information",
            )
        ),
        "decisions": sorted(
            (number[c], *rest)
            for c, *rest in ContactDecision.objects.values_list(
                "contact_id",
                "level__number",
                "outcome",
                "rationale",
                "primary_need",
                "decided_by__username",
                "decided_at",
                "on_time",
            )
        ),
        "indicators": sorted(
            (number[c], text) for c, text in ContactDecision.objects.values_list("contact_id", "indicators__text")
        ),
        "referrals": sorted(
            (number[c], at[p], *rest)
            for c, p, *rest in Referral.objects.values_list(
                "contact_id", "person_id", "referral_date", "source", "primary_need"
            )
        ),
        "feedback": sorted(
            (number[c], *rest)
            for c, *rest in ReferrerFeedback.objects.values_list(
                "contact_id", "method", "message", "given_at", "given_by__username"
            )
        ),
        "alerts": sorted(
            (number[c], kind, at.get(p), text)
            for c, kind, p, text in PatternAlert.objects.values_list("contact_id", "kind", "person_id", "explanation")
        ),
    }


def snapshot():
    """Everything generated, with database ids replaced by positions (ids differ between runs)."""
    people = list(
        Person.objects.order_by("pk").values_list(
            "pk",
            "kind",
            "given_names",
            "family_name",
            "date_of_birth",
            "date_of_birth_estimated",
            "expected_date_of_birth",
            "sex",
            "ethnicity",
            "first_language",
            "religion",
            "interpreter_needed",
        )
    )
    at = {row[0]: i for i, row in enumerate(people)}
    addresses = {
        pk: (a, b, c, d) for pk, a, b, c, d in Address.objects.values_list("pk", "line_1", "line_2", "town", "postcode")
    }
    return {
        "people": [row[1:] for row in people],
        "names": sorted(
            (at[p], *rest)
            for p, *rest in PersonName.objects.values_list(
                "person_id", "name_type", "given_names", "family_name", "valid_from", "valid_to"
            )
        ),
        "keys": sorted((at[p], key) for p, key in NameKey.objects.values_list("person_id", "key")),
        "identifiers": sorted(
            (at[p], *rest)
            for p, *rest in Identifier.objects.exclude(id_type="CI").values_list(
                "person_id", "id_type", "value", "valid_from", "valid_to"
            )
        ),
        "homes": sorted(
            (at[p], addresses[a], *rest)
            for p, a, *rest in PersonAddress.objects.values_list(
                "person_id", "address_id", "kind", "moved_in", "moved_out", "confidential"
            )
        ),
        "relationships": sorted(
            (at[p], at[r], *rest)
            for p, r, *rest in Relationship.objects.values_list(
                "person_id", "related_person_id", "relationship", "description", "valid_from"
            )
        ),
        "pr": sorted(
            (at[c], at[h], *rest)
            for c, h, *rest in ParentalResponsibility.objects.values_list(
                "child_id", "holder_id", "basis", "start_date", "end_date"
            )
        ),
        "alerts": sorted(
            (at[p], *rest) for p, *rest in PersonAlert.objects.values_list("person_id", "kind", "detail", "start_date")
        ),
        "disabilities": sorted((at[p], code) for p, code in PersonDisability.objects.values_list("person_id", "code")),
        "involvements": sorted(
            (
                (at[p], *rest)
                for p, *rest in Involvement.objects.values_list(
                    "person_id", "agency__name", "team__name", "worker__username", "kind", "start_date", "end_date"
                )
            ),
            key=_none_first,
        ),
        "chronology": sorted(
            (
                (at[p], *rest)
                for p, *rest in ChronologyEntry.objects.values_list(
                    "person_id", "kind", "occurred_at", "title", "detail", "agency__name", "manual"
                )
            ),
            key=_none_first,
        ),
        "agencies": list(Agency.objects.order_by("name").values_list("name", "kind", "la_code", "urn", "postcode")),
        "teams": list(Team.objects.order_by("agency__name", "name").values_list("agency__name", "name", "function")),
        "users": list(
            User.objects.order_by("username").values_list(
                "username", "first_name", "last_name", "role", "agency__name", "team__name", "job_title"
            )
        ),
    }


def test_the_same_seed_makes_the_same_authority():
    run()
    first = snapshot()
    first_cis = set(Identifier.objects.filter(id_type="CI").values_list("value", flat=True))
    wipe()
    run()
    second = snapshot()
    for part in first:
        assert first[part] == second[part], part
    assert len(first["people"]) > CHILDREN
    # Consistent identifiers come from the never-reused serial: new values, never the old ones.
    second_cis = set(Identifier.objects.filter(id_type="CI").values_list("value", flat=True))
    assert len(second_cis) == CHILDREN
    assert not first_cis & second_cis


def test_the_same_seed_and_today_make_the_same_contacts():
    run(children=400)
    first = front_door_snapshot()
    wipe()
    run(children=400)
    second = front_door_snapshot()
    assert len(first["contacts"]) > 20
    assert first["decisions"]
    assert first["checks"]
    assert first["referrals"]
    for part in first:
        assert first[part] == second[part], part
    wipe()
    run(children=400, seed=8)
    assert front_door_snapshot()["contacts"] != first["contacts"]


def test_another_seed_makes_other_people():
    run(seed=7)
    first = snapshot()["people"]
    wipe()
    run(seed=8)
    assert snapshot()["people"] != first


def test_the_batch_size_does_not_change_the_data(monkeypatch):
    monkeypatch.setattr(generator, "BLOCK", 20)  # several blocks of children even in a small run
    run(batch_size=1000)
    first = snapshot()
    wipe()
    run(batch_size=20)
    second = snapshot()
    for part in first:
        assert first[part] == second[part], part


def test_exactly_the_children_asked_for_aged_0_to_17_or_unborn():
    run()
    children = Person.objects.filter(kind=Person.Kind.CHILD)
    assert children.count() == CHILDREN
    for child in children:
        if child.date_of_birth is None:
            assert child.expected_date_of_birth > TODAY
        else:
            assert child.date_of_birth <= TODAY
            assert child.age_on(TODAY) <= 17
    assert Person.objects.filter(kind=Person.Kind.ADULT).exists()
    for adult in Person.objects.filter(kind=Person.Kind.ADULT):
        assert adult.age_on(TODAY) >= 18


def test_identifiers_are_valid_and_unique():
    run(children=300)
    values = list(Identifier.objects.values_list("id_type", "value"))
    validators = {
        "NHS": validate_nhs_number,
        "UPN": validate_upn,
        "FUPN": validate_former_upn,
        "LACID": validate_la_child_id,
        "CI": validate_consistent_identifier,
    }
    for id_type, value in values:
        assert validators[id_type](value) == value
    nhs = [v for t, v in values if t == "NHS"]
    assert len(nhs) == len(set(nhs)) > 300
    assert all(v.startswith("999") for v in nhs)  # the NHS's range for test data
    upns = [v for t, v in values if t in ("UPN", "FUPN")]
    assert len(upns) == len(set(upns)) > 100
    lacids = [v for t, v in values if t == "LACID"]
    assert len(lacids) == len(set(lacids)) > 0


def test_every_child_has_one_consistent_identifier_and_only_children_do():
    run()
    serials_before = ConsistentIdentifierSerial.objects.count()
    assert serials_before == CHILDREN
    cis = Identifier.objects.filter(id_type="CI")
    assert cis.count() == CHILDREN
    assert set(cis.values_list("person__kind", flat=True)) == {"child"}
    assert len(set(cis.values_list("person_id", flat=True))) == CHILDREN
    assert len(set(cis.values_list("value", flat=True))) == CHILDREN
    serials = set(ConsistentIdentifierSerial.objects.values_list("pk", flat=True))
    from people.identifiers import consistent_identifier_from_serial

    assert {consistent_identifier_from_serial(s) for s in serials} == set(cis.values_list("value", flat=True))


def test_unborn_children_have_no_nhs_number_upn_or_parental_responsibility():
    run(children=400)
    unborn = Person.objects.filter(kind="child", date_of_birth__isnull=True)
    assert unborn.exists()
    # A consistent identifier, and an LA child ID if children's services are involved before birth.
    assert set(Identifier.objects.filter(person__in=unborn).values_list("id_type", flat=True)) <= {"CI", "LACID"}
    assert not ParentalResponsibility.objects.filter(child__in=unborn).exists()
    assert not Identifier.objects.filter(id_type="UPN", person__date_of_birth__gt=TODAY - dt.timedelta(days=3 * 365))


def test_every_role_has_a_user_and_the_demo_accounts_sign_in():
    out = run()
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(User.Role.values)
    for username in generator.DEMO_USERNAMES:
        assert username in out
    social_worker = User.objects.get(username="social.worker")
    assert social_worker.check_password(generator.DEMO_PASSWORD)
    assert social_worker.team.function == "child in need"
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="police.officer").agency.kind == Agency.Kind.POLICE
    assert User.objects.get(username="school.dsl").agency.kind == Agency.Kind.SCHOOL
    # Every user shares the one precomputed hash.
    assert User.objects.values("password").distinct().count() == 1


def test_agencies_and_teams():
    run()
    kinds_made = set(Agency.objects.values_list("kind", flat=True))
    assert {"local_authority", "police", "icb", "health_provider", "school", "voluntary"} <= kinds_made
    la = Agency.objects.get(kind="local_authority")
    la.full_clean()
    schools = Agency.objects.filter(kind="school")
    # At least 3 (about one per 250 children), and two special schools (demo/education.py).
    assert schools.count() == 3 + 2
    for school in schools:
        school.full_clean()
        assert len(school.urn) == 6
    functions = set(Team.objects.filter(agency=la).values_list("function", flat=True))
    assert {
        "MASH",
        "assessment",
        "child in need",
        "child protection",
        "children in care",
        "care leavers",
        "family help",
        "IRO",
        "conference chairs",
        "performance",
    } <= functions


def test_postcodes_are_valid_and_in_normal_form():
    run()
    postcodes = list(Address.objects.values_list("postcode", flat=True)) + [
        p for p in Agency.objects.values_list("postcode", flat=True) if p
    ]
    assert postcodes
    for postcode in postcodes:
        assert validate_postcode(postcode) == postcode
    lines = list(Address.objects.values_list("line_1", "line_2", "postcode"))
    assert len(lines) == len(set(lines))


def test_households_have_relationships():
    run(children=200)
    pairs = set(Relationship.objects.values_list("person_id", "related_person_id"))
    households = {}
    for address, person in PersonAddress.objects.filter(kind="home", moved_out__isnull=True).values_list(
        "address_id", "person_id"
    ):
        households.setdefault(address, set()).add(person)
    shared = [members for members in households.values() if len(members) > 1]
    assert len(shared) > 20
    for members in shared:
        assert any((a, b) in pairs for a in members for b in members if a != b), members
    # Every born child living with a birth mother has parental responsibility recorded for her.
    for child_id, mother_id in Relationship.objects.filter(
        description="Birth mother", person__date_of_birth__isnull=False
    ).values_list("person_id", "related_person_id"):
        assert ParentalResponsibility.objects.filter(
            child_id=child_id, holder_id=mother_id, basis="birth_mother"
        ).exists()
    kinds_of_relationship = set(Relationship.objects.values_list("relationship", flat=True))
    assert {"parent", "sibling", "step_parent", "grandparent"} <= kinds_of_relationship


def test_name_keys_match_every_name():
    run()
    expected = {}
    for person_id, given, family in PersonName.objects.values_list("person_id", "given_names", "family_name"):
        expected.setdefault(person_id, set()).update(k[:40] for k in search.keys_for_name(given, family))
    actual = {}
    for person_id, key in NameKey.objects.values_list("person_id", "key"):
        actual.setdefault(person_id, set()).add(key)
    assert actual == expected
    assert set(Person.objects.values_list("pk", flat=True)) == set(expected)


def test_chronology_and_involvements_make_sense():
    run(children=200)
    registered = {k.slug for k in kinds.all_kinds()}
    entries = ChronologyEntry.objects.all()
    assert set(entries.values_list("kind", flat=True)) <= registered
    assert {"birth", "health-event", "education-event"} <= set(entries.values_list("kind", flat=True))
    for entry in entries.select_related("person"):
        assert entry.occurred_at.date() <= TODAY + dt.timedelta(days=1)
        assert entry.category == kinds.get(entry.kind).category
    for involvement in Involvement.objects.all():
        assert involvement.end_date is None or involvement.end_date >= involvement.start_date
        assert involvement.start_date <= TODAY
    open_kinds = set(Involvement.objects.filter(end_date__isnull=True).values_list("kind", flat=True))
    assert {"child in need", "pupil"} <= open_kinds
    assert Involvement.objects.filter(end_date__isnull=False).exists()
    moved = ChronologyEntry.objects.filter(kind="moved-address").first()
    assert moved is not None
    assert isinstance(moved.source, PersonAddress)


def test_education_is_made_and_the_duties_not_in_force_are_skipped():
    """Without the commencement settings (the default) the demo has the school list and the
    pupils' registrations, but no register entry and no request for consent."""
    from education.models import ConsentRequest, RegisterEntry, School, SchoolRegistration

    run(children=400)
    assert School.objects.count() == Agency.objects.filter(kind="school").count()
    assert SchoolRegistration.objects.exists()
    assert not RegisterEntry.objects.exists()
    assert not ConsentRequest.objects.exists()


def test_a_second_run_changes_nothing_and_prints_the_accounts_again():
    run()
    counts = {model: model.objects.count() for model in (Person, Identifier, User, Agency, ChronologyEntry)}
    out = run(children=500, seed=99)
    assert "nothing changed" in out
    assert "social.worker" in out
    assert {model: model.objects.count() for model in counts} == counts


def test_no_children_still_makes_the_authority_and_its_staff():
    run(children=0)
    assert not Person.objects.exists()
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)


def test_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        run()
    assert not Agency.objects.exists()


def test_nhs_numbers_from_the_allocator_are_distinct_and_valid():
    numbers = [generator.nhs_number(i) for i in range(0, 1_800_000, 997)]
    assert len(numbers) == len(set(numbers))
    for number in numbers[::50]:
        try:
            validate_nhs_number(number)
        except ValidationError as error:  # pragma: no cover - a failure message
            pytest.fail(f"{number}: {error}")
    assert numbers[0].startswith("999")
    assert numbers[-1].startswith("998")


def test_partner_feeds_are_linked_by_the_approved_model():
    """demo/linkage.py: the shipped model is stored and approved by a named person, and the
    health and police feeds about the authority's own children are received whole and scored:
    most link automatically, to children who are not restricted, and the rest wait for review
    or are new children."""
    from linkage.models import CandidatePair, LinkageModel, LinkageRun, LinkDecision, PartnerRecord, Submission

    run(children=400)
    (model,) = LinkageModel.objects.all()
    assert model.approved_by is not None
    assert model.approved_by.username == "head.of.service"
    assert set(Submission.objects.values_list("agency__kind", "status")) == {
        ("health_provider", "scored"),
        ("police", "scored"),
    }
    assert set(LinkageRun.objects.values_list("status", flat=True)) == {"finished"}
    auto = LinkDecision.objects.filter(outcome="auto")
    records = PartnerRecord.objects.count()
    assert auto.count() >= records // 2
    assert not auto.filter(person__restricted=True).exists()
    assert set(auto.values_list("person__kind", flat=True)) == {"child"}
    assert "auto" in set(CandidatePair.objects.filter(rank=1).values_list("band", flat=True))
    counts = [run.counts for run in LinkageRun.objects.all()]
    assert sum(c.get("review", 0) + c.get("none", 0) for c in counts) > 0
    assert sum(sum(v for k, v in c.items() if k != "records") for c in counts) == records
