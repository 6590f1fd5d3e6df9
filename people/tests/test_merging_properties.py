"""Property-based test (Hypothesis): any sequence of merges and unmerges over a small set of
people, driven through the services, keeps the invariants of issue 20, item 5:

- every row pointing at a person points at a live one, or stays with a tombstone for a reason:
  the tombstone's own identity (identifiers, names, search keys), the merge records, its
  "merged into" chronology entries, and the rows a merge left with it because the survivor held
  the same already;
- a tombstone always points at a live record (merging the survivor away moves the pointer on);
- no identifier ever changes owner, and the survivor keeps its consistent identifier;
- a refused step (a tombstone, a record with itself, two people recorded as related, a merge
  with a later one depending on it) says why and changes nothing;
- undoing every merge still in force, latest first, restores the original rows exactly.
"""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kernel.rules import RuleBroken
from leavingcare.testing import historic_referral
from partners.models import User
from people import services as people_services
from people.merging import kinds, services
from people.merging.models import MovedRow, PersonMerge
from people.models import Person, PersonDisability
from people.tests.merging_helpers import identifier_owners, snapshot

PEOPLE = 4
steps = st.lists(
    st.one_of(
        st.tuples(st.just("merge"), st.integers(0, PEOPLE - 1), st.integers(0, PEOPLE - 1)),
        st.tuples(st.just("unmerge"), st.integers(0, 7)),
    ),
    min_size=1,
    max_size=8,
)


class Rollback(Exception):
    pass


def _people(worker):
    """Four children, each with something recorded about them: P0 and P1 share a disability
    (it stays with a tombstone), P2 and P3 are recorded as siblings (never merged), P0 had a
    child-in-need episode long ago, P1 has an NHS number."""
    people = [
        people_services.record_person(
            None, kind="child", given_names=f"Prop{n}", family_name="Testchild", date_of_birth=datetime.date(2015, 1, 1)
        )
        for n in range(PEOPLE)
    ]
    for n, person in enumerate(people):
        people_services.add_alert(worker, person, kind="other", detail=f"Alert {n}")
        people_services.record_address(
            worker,
            person,
            address_fields={"line_1": f"{n} Property Row", "line_2": "", "town": "Testshire", "postcode": "LS1 4AP"},
            moved_in=datetime.date(2020, 1, 1),
        )
    PersonDisability.objects.create(person=people[0], code="HAND")
    PersonDisability.objects.create(person=people[1], code="HAND")
    PersonDisability.objects.create(person=people[1], code="VIS")
    people_services.record_relationship(worker, people[2], people[3], relationship="sibling")
    people_services.add_identifier(worker, people[1], id_type="NHS", value="9434765919")
    historic_referral(worker, people[0], datetime.date(2019, 1, 7), datetime.date(2019, 3, 1))
    return people


def check_invariants(people, original_owners, cis):
    ids = [p.pk for p in people]
    tombstones = dict(Person.objects.filter(pk__in=ids, merged_into__isnull=False).values_list("pk", "merged_into_id"))
    for survivor in tombstones.values():
        assert survivor not in tombstones, "a tombstone points at a live record"
    stays = set(
        MovedRow.objects.filter(moved=False, merge__status=PersonMerge.Status.MERGED).values_list(
            "model", "object_id", "field"
        )
    )
    own = set(kinds.NEVER_MOVED) | {"people.personmerge"}
    for (label, pk, column), value in snapshot(people).items():
        if value not in tombstones or label in own or (label, pk, column) in stays:
            continue
        if label == "chronology.chronologyentry":
            from chronology.models import ChronologyEntry

            assert ChronologyEntry.objects.get(pk=pk).kind in ("record-merged", "record-unmerged")
            continue
        raise AssertionError(f"{label} {pk}.{column} points at the tombstone {value}")
    assert identifier_owners() == original_owners, "no identifier changes owner"
    for person in people:
        assert people_services.consistent_identifier(Person.objects.get(pk=person.pk)) == cis[person.pk]


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_any_sequence_of_merges_and_unmerges_keeps_the_invariants(user, team, steps):
    worker = user(User.Role.SOCIAL_WORKER, team=team)
    manager = user(User.Role.HEAD_OF_SERVICE, team=team)
    try:
        with transaction.atomic():
            people = _people(worker)
            original = snapshot(people)
            owners = identifier_owners()
            cis = {p.pk: people_services.consistent_identifier(p) for p in people}
            merges = []
            for step in steps:
                before = (snapshot(people), list(PersonMerge.objects.values_list("pk", "status")))
                try:
                    if step[0] == "merge":
                        survivor, merged = (Person.objects.get(pk=people[i].pk) for i in step[1:])
                        merges.append(services.merge_people(manager, survivor, merged, reason="Property"))
                    else:
                        if not merges:
                            continue
                        merge = merges[step[1] % len(merges)]
                        services.unmerge_people(manager, merge, reason="Property")
                except RuleBroken as refused:
                    assert refused.errors, "a refusal says why"
                    after = (snapshot(people), list(PersonMerge.objects.values_list("pk", "status")))
                    assert after == before, f"a refused {step} changed something"
                check_invariants(people, owners, cis)
            in_force = PersonMerge.objects.filter(status=PersonMerge.Status.MERGED).order_by("-merged_at", "-id")
            for merge in in_force:
                services.unmerge_people(manager, merge, reason="Undo them all")
            restored = snapshot(people)
            assert {key: restored.get(key) for key in original} == original, "undoing every merge restores every row"
            new = {label for label, _, _ in set(restored) - set(original)}
            assert new <= {"chronology.chronologyentry", "people.personmerge"}
            assert not Person.objects.filter(pk__in=[p.pk for p in people], merged_into__isnull=False).exists()
            check_invariants(people, owners, cis)
            raise Rollback
    except Rollback:
        pass
