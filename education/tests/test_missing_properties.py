"""Property-based (Hypothesis): whatever sequence of opening a case, putting the child on a
school's roll, adding them to or removing them from the children not in school register, and
closing the case, driven through the services (refusals allowed), a child has at most one open
case, a closed case always has its reason and a day of closure on or after the day it opened,
an open case never sits beside a current school registration begun in it nor an open register
entry, and a refused step changes nothing."""

import datetime

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from education import services
from education.missing import services as missing
from education.models import MissingEducationCase, RegisterEntry, SchoolRegistration
from kernel.rules import RuleBroken
from testing import builders

from .conftest import SCHOOLS, TODAY

DAY = datetime.timedelta(days=1)

steps = st.lists(
    st.one_of(
        st.tuples(st.just("open"), st.integers(0, 40), st.sampled_from(["", "999001"])),
        st.tuples(st.just("roll"), st.integers(0, 40), st.sampled_from(["999001", "999002"]), st.booleans()),
        st.tuples(st.just("register"), st.integers(0, 40)),
        st.tuples(st.just("unregister"), st.integers(0, 40)),
        st.tuples(st.just("close"), st.integers(0, 40), st.sampled_from(["abroad", "on_roll", "on_register", "died"])),
    ),
    min_size=1,
    max_size=8,
)


class Rollback(Exception):
    pass


def snapshot(child):
    return (
        list(MissingEducationCase.objects.filter(person=child).order_by("pk").values_list()),
        list(SchoolRegistration.objects.filter(person=child).order_by("pk").values_list()),
        list(RegisterEntry.objects.filter(person=child).order_by("pk").values_list()),
    )


def take(user, child, step):
    kind, ago = step[0], step[1]
    day = TODAY() - ago * DAY
    case = MissingEducationCase.objects.filter(person=child, status="open").first()
    if kind == "open":
        missing.open_missing_education_case(user, child, opened_on=day, source="authority", urn=step[2])
    elif kind == "roll":
        services.record_school_registration(
            user, child, urn=step[2], start_date=day, end_date=day + 3 * DAY if step[3] else None
        )
    elif kind == "register":
        services.add_to_register(
            user, child, added_on=day, reason="not_known", source="agency", parents="Pat", address="1 Test Street"
        )
    elif kind == "unregister":
        entry = RegisterEntry.objects.filter(person=child, removed_on__isnull=True).first()
        if entry is None:
            raise RuleBroken("nothing to remove")
        services.remove_from_register(user, entry, removed_on=day, reason="left_area")
    elif kind == "close":
        if case is None:
            raise RuleBroken("nothing to close")
        missing.close_missing_education_case(user, case, closed_on=day, reason=step[2], urn="999002")


def check_invariants(child):
    cases = list(MissingEducationCase.objects.filter(person=child))
    open_cases = [c for c in cases if c.status == "open"]
    assert len(open_cases) <= 1
    for case in cases:
        if case.status == "closed":
            assert case.closure_reason
            assert case.closed_on is not None
            assert case.closed_on >= case.opened_on
            if case.closure_reason == "on_roll":
                assert case.registration is not None
                assert case.registration.current_on(case.closed_on)
            if case.closure_reason == "on_register":
                assert case.register_entry is not None
        else:
            assert case.closed_on is None
            assert not case.closure_reason
    for case in open_cases:
        # The child was not put on a roll during the case, nor on the register.
        assert not SchoolRegistration.objects.filter(person=child, start_date__gt=case.opened_on).exists()
        assert not RegisterEntry.objects.filter(person=child, removed_on__isnull=True).exists()
        assert not RegisterEntry.objects.filter(person=child, removed_on__gt=case.opened_on).exists()


@pytest.mark.django_db
@override_settings(CNIS_COMMENCEMENT="2026-04-29")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_any_sequence_keeps_one_open_case_and_closed_cases_whole(user, steps):
    try:
        with transaction.atomic():
            services.load_school_list(SCHOOLS)
            worker = user("social_worker")
            child = builders.child()
            for step in steps:
                before = snapshot(child)
                try:
                    with transaction.atomic():
                        take(worker, child, step)
                except RuleBroken:
                    assert snapshot(child) == before
                check_invariants(child)
            raise Rollback
    except Rollback:
        pass
