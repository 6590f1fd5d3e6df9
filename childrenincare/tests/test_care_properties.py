"""Property-based tests (Hypothesis): any sequence of legal status changes, placements (temporary
ones included, on the same day as a legal status change or not) and the end of care, driven
through the services, keeps the SSDA903 invariants:

- the episodes are contiguous, from the day care began to the day it ended;
- each episode's reason for a new episode (RNE) is what an independent reading of the 903
  definitions gives (S, L, P, T, B, U);
- rule 226: no reason for a placement change on a temporary episode or on the one before it,
  and rule 225: a reason on every other episode whose placement changes next;
- at most one open due date per rule and record;
- a refused step is a rule error that changes nothing.
"""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from childrenincare import services
from childrenincare.models import CareEpisode, LegalStatus, PeriodOfCare, Placement
from childrenincare.testing import foster_carer, foster_placement, looked_after
from kernel.models import Deadline
from kernel.rules import RuleBroken
from people.services import record_person

D = datetime.date
START = D(2025, 1, 6)
LEGAL = ["V2", "C1", "C2"]
# (carer, placement type): carer A re-coded (U6 to U4) is the same carers; T1 and T4 are temporary.
PLACES = [("A", "U6"), ("A", "U4"), ("B", "U6"), (None, "T1"), (None, "T4")]

steps = st.lists(
    st.one_of(
        st.tuples(st.just("legal"), st.sampled_from(LEGAL), st.integers(-2, 30)),
        st.tuples(st.just("place"), st.sampled_from(PLACES), st.integers(-2, 30), st.sampled_from(["", "CARPL"])),
        st.tuples(st.just("cease"), st.sampled_from(["E13", "E8"]), st.integers(0, 30)),
    ),
    min_size=1,
    max_size=7,
)


class Rollback(Exception):
    pass


def snapshot(period):
    return (
        list(LegalStatus.objects.filter(period=period).order_by("id").values_list("code", "start_date", "end_date")),
        list(
            Placement.objects.filter(period=period)
            .order_by("id")
            .values_list("place", "carer_id", "start_date", "end_date", "change_reason")
        ),
        list(
            CareEpisode.objects.filter(period=period)
            .order_by("start_date")
            .values_list("start_date", "end_date", "new_episode_reason", "placement_change_reason")
        ),
        PeriodOfCare.objects.filter(pk=period.pk).values_list("end_date", "end_reason").get(),
        Deadline.objects.filter(person=period.person).count(),
    )


def expected_rne(period):
    """The 903 reasons from the legal statuses and placements alone (not services.new_episode_reason)."""
    statuses = list(period.legal_statuses.order_by("start_date", "id"))
    places = list(period.placements.order_by("start_date", "id"))
    days = sorted({s.start_date for s in statuses} | {p.start_date for p in places})
    reasons = ["S"]
    for before, day in zip(days, days[1:], strict=False):
        legal = any(s.start_date == day for s in statuses)
        placed_now = [p for p in places if p.start_date <= day][-1]
        placed_before = [p for p in places if p.start_date <= before][-1]
        moved = any(p.start_date == day for p in places)
        same = moved and placed_now.carer_id is not None and placed_now.carer_id == placed_before.carer_id
        reasons.append(("U" if same else "B") if legal and moved else ("T" if same else "P") if moved else "L")
    return reasons


def check_invariants(period):
    period.refresh_from_db()
    episodes = list(CareEpisode.objects.filter(period=period).order_by("start_date"))
    assert episodes[0].start_date == period.start_date
    for current, following in zip(episodes, episodes[1:], strict=False):
        assert current.end_date == following.start_date, "episodes are contiguous"
        assert current.end_reason == "X1"
    assert episodes[-1].end_date == period.end_date
    assert [e.new_episode_reason for e in episodes] == expected_rne(period)
    for before, current in zip([None] + episodes, episodes, strict=False):
        if current.place in services.TEMPORARY:
            assert current.placement_change_reason == "", "rule 226: the temporary episode"
            assert before is None or before.placement_change_reason == "", "rule 226: the episode before it"
    for current, following in zip(episodes, episodes[1:], strict=False):
        if (
            following.placement_id != current.placement_id
            and current.place not in services.TEMPORARY
            and following.place not in services.TEMPORARY
        ):
            assert current.placement_change_reason, "rule 225: the reason the placement ended"
    open_dues = list(
        Deadline.objects.filter(person=period.person, status="open").values_list(
            "rule_slug", "subject_type_id", "subject_id"
        )
    )
    assert len(open_dues) == len(set(open_dues)), "one open due date per rule and record"


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_any_sequence_of_changes_keeps_the_903_invariants(user, steps):
    worker = user()  # outside the example's transaction: the factory keeps its agency between examples
    try:
        with transaction.atomic():
            child = record_person(
                None, kind="child", given_names="Prop", family_name="Testchild", date_of_birth=D(2012, 3, 3)
            )
            carers = {"A": foster_carer(name="Carer A"), "B": foster_carer(name="Carer B", urn="SC900002")}
            period = looked_after(worker, child, START, placement=foster_placement(carers["A"]))
            day = START
            for step in steps:
                kind, offset = step[0], step[2]
                on = day + datetime.timedelta(days=offset)
                before = snapshot(period)
                try:
                    if kind == "legal":
                        services.change_legal_status(worker, period, code=step[1], on=on)
                    elif kind == "place":
                        carer, place = step[1]
                        details = (
                            foster_placement(carers[carer], place=place)
                            if carer
                            else services.PlacementDetails(place=place, postcode="TE3 3CC")
                        )
                        services.change_placement(worker, period, details, on=on, change_reason=step[3])
                    else:
                        services.cease_care(worker, period, on=on, reason=step[1])
                except RuleBroken as refused:
                    assert refused.errors, "a refusal says why"
                    assert snapshot(period) == before, f"a refused {kind} changed something"
                else:
                    day = max(day, on)
                check_invariants(period)
            raise Rollback
    except Rollback:
        pass
