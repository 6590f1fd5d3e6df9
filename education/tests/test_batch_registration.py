"""The batch of school registrations (record_school_registrations, for a school's roll and the
demo authority) applies the same rules as one at a time (record_school_registration): for any
sequence of registrations, each refused or accepted alike, with the same messages, and a batch
with one refused row saves nothing."""

import datetime

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from chronology.models import ChronologyEntry
from education import services
from education.models import SchoolRegistration
from kernel.rules import RuleBroken
from testing import builders

from .conftest import TODAY

URNS = ["999001", "999002", "999003", "123456", ""]
SOURCES = [SchoolRegistration.Source.SCHOOL, SchoolRegistration.Source.UPN, "nonsense"]
DAY = datetime.timedelta(days=1)


def dates():
    return st.one_of(
        st.none(), st.integers(min_value=-3, max_value=40).map(lambda n: TODAY() - datetime.timedelta(days=n * 100))
    )


rows = st.lists(
    st.tuples(
        st.sampled_from(["child", "adult"]),
        st.sampled_from(URNS),
        dates(),
        dates(),
        st.booleans(),
        st.sampled_from(SOURCES),
    ),
    min_size=1,
    max_size=6,
)


def _one_at_a_time(worker, people, candidates):
    outcomes = []
    with transaction.atomic():
        for who, urn, start, end, arranged, source in candidates:
            try:
                services.record_school_registration(
                    worker,
                    people[who],
                    urn=urn,
                    start_date=start,
                    end_date=end,
                    under_authority_arrangements=arranged,
                    source=source,
                )
            except RuleBroken as refused:
                outcomes.append(sorted(m for messages in refused.errors.values() for m in messages))
            else:
                outcomes.append(None)
        transaction.set_rollback(True)
    return outcomes


def _row(people, who, urn, start, end, arranged, source):
    return services.RegistrationRow(people[who].pk, urn, start, end, arranged, source)


def _in_batches_of_one(worker, people, candidates):
    outcomes = []
    with transaction.atomic():
        for candidate in candidates:
            try:
                services.record_school_registrations(worker, [_row(people, *candidate)])
            except RuleBroken as refused:
                outcomes.append(sorted(m.removeprefix("Row 1: ") for m in refused.errors["__all__"]))
            else:
                outcomes.append(None)
        transaction.set_rollback(True)
    return outcomes


@pytest.mark.django_db
def test_the_batch_and_one_at_a_time_refuse_and_accept_the_same(child, worker, school_list):
    people = {"child": child, "adult": builders.adult("Sam", "Testparent", datetime.date(1980, 1, 1), "F")}

    @settings(max_examples=60, deadline=None)
    @given(rows)
    def check(candidates):
        single = _one_at_a_time(worker, people, candidates)
        assert _in_batches_of_one(worker, people, candidates) == single
        # All at once: refused if any row is refused, naming those rows; otherwise all saved.
        with transaction.atomic():
            try:
                made = services.record_school_registrations(worker, [_row(people, *c) for c in candidates])
            except RuleBroken as refused:
                numbers = {int(m.split(":")[0].removeprefix("Row ")) for m in refused.errors["__all__"]}
                assert numbers == {n for n, outcome in enumerate(single, start=1) if outcome is not None}
                assert not SchoolRegistration.objects.exists()
            else:
                assert all(outcome is None for outcome in single)
                assert len(made) == len(candidates) == SchoolRegistration.objects.count()
            transaction.set_rollback(True)

    check()


def test_the_batch_writes_the_chronology_and_the_audit(child, worker, school_list):
    made = services.record_school_registrations(
        worker,
        [
            services.RegistrationRow(child.pk, "999001", datetime.date(2021, 9, 1), datetime.date(2022, 8, 31)),
            services.RegistrationRow(child.pk, "999002", datetime.date(2022, 9, 1), source="school"),
        ],
    )
    assert [r.school.urn for r in made] == ["999001", "999002"]
    titles = set(ChronologyEntry.objects.filter(person=child).values_list("title", flat=True))
    assert {"Registered at Testbrook Primary School", "Registered at Testbrook Academy"} <= titles
    assert AuditEvent.objects.filter(person_id=child.pk, summary="Recorded a school registration").count() == 2


def test_rows_of_the_same_batch_cannot_overlap(child, worker, school_list):
    with pytest.raises(RuleBroken, match="Row 2: The child is already on the roll of Testbrook Primary School"):
        services.record_school_registrations(
            worker,
            [
                services.RegistrationRow(child.pk, "999001", datetime.date(2021, 9, 1)),
                services.RegistrationRow(child.pk, "999001", datetime.date(2022, 9, 1)),
            ],
        )
    assert not SchoolRegistration.objects.exists()
