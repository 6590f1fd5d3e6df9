"""The demo authority's adoptions (demo/adoption.py) on a generated authority: children who
came into care one to three years before the demo's year are adopted in the collection year,
at about the published England rate (at least demo.adoption.MIN_HISTORIC), with the journey
in order (V2, C1, the placement order E1, placed for adoption, the adoption order), and the
SSDA903 AD1 and PlacedAdoption of the year have them and pass the in-product checks.

One authority is made for the whole module (committed, and removed at the end)."""

import datetime as dt

import pytest

from adoption.models import AdoptionDecision
from childrenincare.models import PeriodOfCare
from demo import adoption
from demo.leaving_care import MIGRATED
from returns import ssda903, validation_adoption
from returns.collection import collection_period
from testing.demo import (
    demo_authority,
    name_keys,  # noqa: F401 - an autouse fixture
)

TODAY = dt.date(2026, 4, 20)
YEAR = 2026
CHILDREN = 2000


authority = demo_authority(children=CHILDREN, seed=4, today=TODAY)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("authority")]


def historic():
    """demo.adoption's historic adoptions (their referrals closed RC1 on the adoption order), not
    demo.care's earlier years of care, some of which end in adoption too."""
    return PeriodOfCare.objects.filter(
        episode__contact__decision_due_explanation=MIGRATED,
        end_reason__in=("E11", "E12"),
        episode__closure_reason="RC1",
    ).order_by("id")


def test_children_in_care_before_the_year_are_adopted_in_it_at_the_published_rate():
    start, end = collection_period(YEAR)
    periods = list(historic())
    assert len(periods) == max(adoption.MIN_HISTORIC, round(CHILDREN * adoption.ADOPTED_PER_10K / 10000))
    assert 2.3 < adoption.ADOPTED_PER_10K < 2.6
    demo_year = TODAY - dt.timedelta(days=366)
    for period in periods:
        assert demo_year - dt.timedelta(days=3 * 366) <= period.start_date <= demo_year - dt.timedelta(days=365)
        assert start <= period.end_date <= end
        assert period.end_date < TODAY
        assert period.episode.closure_date == period.end_date
        assert period.episode.closure_reason == "RC1"
        codes = list(period.legal_statuses.order_by("start_date").values_list("code", flat=True))
        assert codes == ["V2", "C1", "E1"]
        places = list(period.placements.order_by("start_date").values_list("place", flat=True))
        assert places[-1] in ("A5", "A6")
        decision = AdoptionDecision.objects.get(period=period)
        e1 = period.legal_statuses.get(code="E1").start_date
        assert period.start_date <= decision.decided_on <= e1 == decision.placement_order_on
        assert e1 < decision.matched_on < decision.placed_on < decision.adoption_order_on == period.end_date
        assert (decision.adoption_order_on - decision.placed_on).days >= 70
        assert decision.household.approved_on < decision.matched_on


def test_ad1_and_placed_adoption_have_the_adopted_children_and_pass_the_checks():
    tables = ssda903.build(YEAR)
    assert len(tables["AD1"]) >= adoption.MIN_HISTORIC
    assert len(tables["PlacedAdoption"]) >= adoption.MIN_HISTORIC
    assert validation_adoption.check(tables, YEAR) == []
