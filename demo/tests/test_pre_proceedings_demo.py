"""The demo authority's pre-proceedings (demo/pre_proceedings.py): some children on child
protection plans and some who became looked after on an interim care order after the Public
Law Outline; the dates in the services' order, family group decision-making offered to most
(with the reasons where not), an accepted offer held before any application, due dates and
chronology, the CIN census 2026/27 module passing its checks, and the same seed making the
same pre-proceedings."""

import datetime as dt

import pytest

from childprotection.models import PreProceedings, PreProceedingsMeeting
from childrenincare.models import LegalStatus
from chronology.models import ChronologyEntry
from kernel.models import Deadline
from returns.cin import census as cin_census
from returns.cin import validation as cin_validation
from testing.demo import (
    demo_authority,
    generate,
    name_keys,  # noqa: F401 - an autouse fixture
    wipe,
)

TODAY = dt.date(2026, 11, 20)  # a Friday in 2026/27, the first year of the census module
CHILDREN = 5000
SEED = 5


def snapshot():
    return sorted(
        PreProceedings.objects.values_list(
            "person__given_names",
            "person__family_name",
            "start_date",
            "letter_sent_on",
            "fgdm_offered",
            "fgdm_response",
            "fgdm_meeting_on",
            "decision",
            "decision_date",
            "court_application_date",
            "concluded_on",
        )
    )


authority = demo_authority(children=CHILDREN, seed=SEED, today=TODAY)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("authority")]


def test_some_children_on_plans_and_some_before_care_orders():
    records = list(PreProceedings.objects.select_related("episode"))
    assert len(records) >= 5
    on_order = set(LegalStatus.objects.filter(code="C1").values_list("period__episode_id", flat=True))
    issued_before_care = [r for r in records if r.episode_id in on_order and r.decision == "issue"]
    from_plans = [r for r in records if r.episode.cp_plans.exists()]
    assert issued_before_care
    assert from_plans
    assert {r.decision for r in records} >= {"issue", "step_down"}
    assert any(r.is_open for r in records)


def test_the_dates_follow_the_services_order():
    for record in PreProceedings.objects.select_related("episode"):
        assert record.episode.referral_date <= record.start_date <= record.letter_sent_on <= TODAY
        meetings = list(record.meetings.order_by("held_on", "id"))
        assert meetings[0].kind == PreProceedingsMeeting.Kind.INITIAL
        assert meetings[0].held_on >= record.letter_sent_on
        assert all(a.held_on <= b.held_on for a, b in zip(meetings, meetings[1:], strict=False))
        if record.decision_date:
            assert record.decision_date >= meetings[-1].held_on
        if record.court_application_date:
            assert record.decision == "issue"
            assert record.court_application_date >= record.decision_date
            assert record.letter_of_issue_sent_on >= record.court_application_date
            if record.fgdm_response == "accepted":  # s31ZA: held before applying
                assert record.fgdm_meeting_on <= record.court_application_date
        assert record.fgdm_offered or record.fgdm_reasons_not_offered
        assert (record.concluded_on is None) == (record.decision in ("", "extend"))


def test_family_group_decision_making_offered_to_most():
    total = PreProceedings.objects.count()
    offered = PreProceedings.objects.filter(fgdm_offered=True).count()
    assert offered / total >= 0.6


def test_due_dates_and_chronology():
    for record in PreProceedings.objects.all():
        rows = Deadline.objects.filter(
            subject_id=record.pk,
            rule_slug__in=[
                "letter-before-proceedings",
                "initial-pre-proceedings-meeting",
                "pre-proceedings-decision",
                "pre-proceedings-extended-decision",
                "pre-proceedings-review",
                "care-proceedings-application",
            ],
        )
        assert rows.filter(rule_slug="letter-before-proceedings", status="met").exists()
        if record.is_open:
            assert rows.filter(status="open").exists()
        else:
            assert not rows.filter(status="open").exists()
        assert all(row.late_reason for row in rows.filter(late=True))
        assert ChronologyEntry.objects.filter(person=record.person, kind="pre-proceedings").exists()


def test_the_2027_census_module_passes_its_checks():
    data = cin_census.build(2027)
    entries = [e for c in data["children"] for d in c["CINdetails"] for e in d.get("PreProceedingsandFGDM", [])]
    assert entries
    failures = [f for f in cin_validation.check(data, 2027) if f.table == "PreProceedingsandFGDM"]
    assert failures == [], failures[:3]


def test_the_same_seed_makes_the_same_pre_proceedings():
    first = snapshot()
    wipe()
    generate(CHILDREN, SEED, TODAY)
    assert snapshot() == first
