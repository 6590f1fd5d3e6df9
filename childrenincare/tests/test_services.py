"""Periods of care, legal statuses and placements: the SSDA903 episodes derived from them
with their reasons (RNE, REC, placement change), the due dates care starts, approvals, and
every kind of bad input refused with a clear message and nothing written."""

import datetime

import pytest
from django.utils import timezone

from childrenincare import services
from childrenincare.models import Approval, CareEpisode, LegalStatus, PeriodOfCare, Placement
from childrenincare.testing import designate, foster_carer, foster_placement, looked_after
from exploitation.models import MissingEpisode
from familyhelp import services as family_help
from kernel.models import Deadline
from kernel.rules import RuleBroken

D = datetime.date


def errors_of(call):
    with pytest.raises(RuleBroken) as raised:
        call()
    return raised.value.errors


def episodes(period):
    return list(
        CareEpisode.objects.filter(period=period)
        .order_by("start_date")
        .values_list(
            "start_date",
            "new_episode_reason",
            "legal_status",
            "place",
            "end_date",
            "end_reason",
            "placement_change_reason",
        )
    )


def test_becoming_looked_after_starts_the_clocks(worker, child):
    # Monday 22 December 2025: 25 and 26 December and 1 January are bank holidays.
    period = looked_after(worker, child, D(2025, 12, 22))
    due = dict(Deadline.objects.filter(person=child, status="open").values_list("rule_slug", "due_date"))
    # 5 working days: 23, 24, 29, 30, 31 December.
    assert due["iro-appointment"] == D(2025, 12, 31)
    # 10 working days: 23, 24, 29, 30, 31 Dec, 2, 5, 6, 7, 8 Jan.
    assert due["care-plan"] == D(2026, 1, 8)
    assert due["personal-education-plan"] == D(2026, 1, 8)
    # 20 working days: the 10 above, then 9, 12, 13, 14, 15, 16, 19, 20, 21, 22 January.
    assert due["first-looked-after-review"] == D(2026, 1, 22)
    assert due["initial-health-assessment"] == D(2026, 1, 22)
    # Within one week of the placement (reg 28(2)(a)).
    assert due["looked-after-visit-new-placement"] == D(2025, 12, 29)
    assert episodes(period) == [(D(2025, 12, 22), "S", "V2", "U6", None, "", "")]


def test_episodes_follow_each_change_with_its_reason(worker, child):
    first = foster_carer(name="First carers")
    period = looked_after(worker, child, D(2026, 1, 5), placement=foster_placement(first))
    services.change_legal_status(worker, period, code="C1", on=D(2026, 2, 2))  # L
    second = foster_carer(name="Second carers", urn="SC900002")
    services.change_placement(worker, period, foster_placement(second), on=D(2026, 3, 2), change_reason="CREQB")  # P
    services.change_placement(
        worker, period, foster_placement(second, place="U4"), on=D(2026, 4, 1), change_reason="PLACE"
    )  # T: same carers
    services.change_legal_status(worker, period, code="C2", on=D(2026, 5, 4))  # L
    third = foster_carer(name="Third carers", urn="SC900003")
    services.change_placement(
        worker, period, foster_placement(third, place="U4"), on=D(2026, 6, 1), change_reason="ALLEG"
    )
    assert [e[1] for e in episodes(period)] == ["S", "L", "P", "T", "L", "P"]
    rows = episodes(period)
    # The reason a placement ended goes on the episode that ends with it.
    assert [row[6] for row in rows] == ["", "CREQB", "PLACE", "", "ALLEG", ""]
    assert [e[5] for e in rows] == ["X1"] * 5 + [""]
    assert all(a[4] == b[0] for a, b in zip(rows, rows[1:], strict=False)), "episodes are contiguous"


def test_legal_status_and_placement_the_same_day_is_one_episode_b_or_u(worker, child, nominated_officer):
    """SSDA903 RNE: B is a change of legal status and of placement and carers at the same time,
    U of legal status and placement with the same carers. The issue's case: V2 with carer A
    from 2 February 2026; on 10 March an interim care order (C1) and a move to carer B make one
    B episode from 10 March, not L then P."""
    carer_a = foster_carer(name="Carer A")
    period = looked_after(worker, child, D(2026, 2, 2), placement=foster_placement(carer_a))
    carer_b = foster_carer(name="Carer B", urn="SC900002")
    services.change_legal_status(worker, period, code="C1", on=D(2026, 3, 10))
    services.change_placement(worker, period, foster_placement(carer_b), on=D(2026, 3, 10), change_reason="CREQB")
    rows = episodes(period)
    assert [(row[0], row[1], row[2]) for row in rows] == [(D(2026, 2, 2), "S", "V2"), (D(2026, 3, 10), "B", "C1")]
    assert rows[0][6] == "CREQB"
    assert rows[0][4] == D(2026, 3, 10)
    # The placement date is the real one, and so is its visit within a week (reg 28(2)(a)).
    assert period.placements.order_by("start_date").last().start_date == D(2026, 3, 10)
    assert Deadline.objects.get(
        person=child, rule_slug="looked-after-visit-new-placement", status="open"
    ).due_date == D(2026, 3, 17)
    # In the other order too, and with the same carers it is U.
    services.change_placement(
        worker, period, foster_placement(carer_b, place="U4"), on=D(2026, 4, 6), change_reason="PLACE"
    )
    services.change_legal_status(worker, period, code="C2", on=D(2026, 4, 6))
    assert [row[1] for row in episodes(period)] == ["S", "B", "U"]


def test_a_second_change_of_the_same_kind_the_same_day_or_on_the_first_day_is_refused(worker, child):
    carer = foster_carer()
    period = looked_after(worker, child, D(2026, 2, 2), placement=foster_placement(carer))
    errors = errors_of(lambda: services.change_legal_status(worker, period, code="C1", on=D(2026, 2, 2)))
    assert "became looked after on 2 February 2026" in errors["on"][0]
    services.change_legal_status(worker, period, code="C1", on=D(2026, 3, 10))
    errors = errors_of(lambda: services.change_legal_status(worker, period, code="C2", on=D(2026, 3, 10)))
    assert errors["on"] == [
        "The legal status already changed on 10 March 2026: a second change that day would leave "
        "an episode that lasts no time (SSDA903)"
    ]
    errors = errors_of(
        lambda: services.change_placement(
            worker, period, foster_placement(carer, place="U4"), on=D(2026, 3, 9), change_reason="PLACE"
        )
    )
    assert "episodes cannot overlap" in errors["on"][0]
    assert [row[1] for row in episodes(period)] == ["S", "L"]


def test_moving_into_and_out_of_a_temporary_placement_gives_no_reason_rule_226(worker, child):
    """SSDA903 rule 226: REASON_PLACE_CHANGE is null on a temporary placement (T0 to T4) and on
    the episode before it. The issue's case: U6, then T2, then back to U6."""
    carer = foster_carer()
    period = looked_after(worker, child, D(2026, 1, 5), placement=foster_placement(carer))
    temporary = services.PlacementDetails(place="T2", postcode="TE3 3CC")
    errors = errors_of(
        lambda: services.change_placement(worker, period, temporary, on=D(2026, 2, 2), change_reason="OTHER")
    )
    assert "rule 226" in errors["change_reason"][0]
    services.change_placement(worker, period, temporary, on=D(2026, 2, 2))
    services.change_placement(worker, period, foster_placement(carer), on=D(2026, 2, 9))
    other = foster_carer(name="Other carers", urn="SC900009")
    errors = errors_of(lambda: services.change_placement(worker, period, foster_placement(other), on=D(2026, 3, 2)))
    assert errors["change_reason"] == ["Select the reason the last placement ended"]
    services.change_placement(worker, period, foster_placement(other), on=D(2026, 3, 2), change_reason="CARPL")
    assert [(row[3], row[6]) for row in episodes(period)] == [("U6", ""), ("T2", ""), ("U6", "CARPL"), ("U6", "")]


def test_a_temporary_placement_t0_to_t4_has_no_provider_rules_178_and_213(worker, child):
    period = looked_after(worker, child, D(2026, 1, 5))
    errors = errors_of(
        lambda: services.change_placement(
            worker, period, services.PlacementDetails(place="T4", provider="PR1", postcode="TE3 3CC"), on=D(2026, 2, 2)
        )
    )
    assert "Leave the provider blank" in errors["provider"][0]
    services.change_placement(
        worker, period, services.PlacementDetails(place="T4", postcode="TE3 3CC"), on=D(2026, 2, 2)
    )
    assert [row[3] for row in episodes(period)] == ["U6", "T4"]


def test_derived_rne_for_simultaneous_changes(worker, child):
    period = looked_after(worker, child, D(2026, 1, 5))
    carer = period.placements.get().carer
    statuses = [
        LegalStatus(period=period, code="V2", start_date=D(2026, 1, 5)),
        LegalStatus(period=period, code="C1", start_date=D(2026, 2, 2)),
    ]
    same = [
        Placement(period=period, place="U6", carer=carer, start_date=D(2026, 1, 5)),
        Placement(period=period, place="U4", carer=carer, start_date=D(2026, 2, 2)),
    ]
    assert [e.new_episode_reason for e in services.derive_episodes(period, statuses, same)] == ["S", "U"]
    other = foster_carer(name="Other")
    moved = [same[0], Placement(period=period, place="U6", carer=other, start_date=D(2026, 2, 2))]
    assert [e.new_episode_reason for e in services.derive_episodes(period, statuses, moved)] == ["S", "B"]


def test_bad_input_is_refused_and_nothing_is_written(worker, child):
    from familyhelp.testing import open_episode

    episode = open_episode(worker, child, D(2026, 3, 2))
    future = timezone.localdate() + datetime.timedelta(days=3)
    cases = [
        ({"on": D(2026, 3, 1)}, "on", "cannot be before the referral"),
        ({"on": future}, "on", "cannot be in the future"),
        ({"legal_status": "I1"}, "legal_status", "Select the legal status"),
        ({"category_of_need": "N9"}, "category_of_need", "N1 to N8"),
        ({"placement": foster_placement(place="H5")}, "place", "in use on the placement date"),
        ({"placement": services.PlacementDetails(place="U6", provider="PR1", postcode="TE1 1AA")}, "urn", "Ofsted"),
        ({"placement": services.PlacementDetails(place="T1", provider="PR1")}, "provider", "Leave the provider blank"),
        (
            {"placement": services.PlacementDetails(place="P1", provider="PR0", postcode="TE1 1AA")},
            "place",
            "section 20",
        ),
    ]
    for change, field, words in cases:
        arguments = {
            "on": D(2026, 3, 2),
            "legal_status": "V2",
            "placement": foster_placement(),
            "category_of_need": "N1",
            **change,
        }
        errors = errors_of(lambda: services.become_looked_after(worker, episode, **arguments))
        assert words in " ".join(errors[field]), (change, errors)
    assert not PeriodOfCare.objects.exists()
    assert not Placement.objects.exists()


def test_a_child_on_a_care_order_goes_to_parents_only_through_an_approved_decision(worker, child, nominated_officer):
    period = looked_after(worker, child, D(2026, 1, 5), legal_status="C1")
    home = services.PlacementDetails(place="P1", provider="PR0", postcode="TE3 3CC")
    errors = errors_of(lambda: services.change_placement(worker, period, home, on=D(2026, 2, 2), change_reason="CARPL"))
    assert "reg 18" in errors["place"][0]
    # An immediate placement under regulation 19 is possible once a nominated officer approved it
    # (childrenincare/tests/test_statutory_rules.py has the rule in full).
    home.immediate_with_parent = True
    errors = errors_of(lambda: services.change_placement(worker, period, home, on=D(2026, 2, 2), change_reason="CARPL"))
    assert "nominated officer's approval before" in errors["immediate_with_parent"][0]
    approval = services.request_approval(
        worker, period, kind=Approval.Kind.IMMEDIATE_WITH_PARENT, reasons="Interviewed"
    )
    services.decide_approval(nominated_officer, approval, approve=True)
    Approval.objects.filter(pk=approval.pk).update(decided_on=D(2026, 1, 30))
    placement = services.change_placement(worker, period, home, on=D(2026, 2, 2), change_reason="CARPL")
    approval = Approval.objects.get(placement=placement)
    assert approval.kind == Approval.Kind.IMMEDIATE_WITH_PARENT
    assert approval.status == Approval.Status.APPROVED


def test_overlapping_periods_are_refused(worker, child):
    period = looked_after(worker, child, D(2026, 1, 5))
    errors = errors_of(lambda: looked_after(worker, child, D(2026, 2, 2), episode=period.episode))
    assert "already looked after" in errors["__all__"][0]
    services.cease_care(worker, period, on=D(2026, 1, 20), reason="E4B")
    errors = errors_of(lambda: looked_after(worker, child, D(2026, 1, 20), episode=period.episode))
    assert "overlaps the period of care that ended on 20 January 2026" in errors["on"][0]


def test_placement_before_the_period_or_before_the_last_change_is_refused(worker, child):
    period = looked_after(worker, child, D(2026, 3, 2))
    other = foster_placement(foster_carer(name="Other", urn="SC900009"))
    errors = errors_of(
        lambda: services.change_placement(worker, period, other, on=D(2026, 2, 27), change_reason="CARPL")
    )
    assert "cannot be before the start of the period of care" in errors["on"][0]
    errors = errors_of(
        lambda: services.change_placement(worker, period, other, on=D(2026, 3, 2), change_reason="CARPL")
    )
    assert "The child became looked after on 2 March 2026" in errors["on"][0]
    services.change_legal_status(worker, period, code="C1", on=D(2026, 3, 6))
    errors = errors_of(
        lambda: services.change_placement(worker, period, other, on=D(2026, 3, 5), change_reason="CARPL")
    )
    assert "The last change was on 6 March 2026" in errors["on"][0]
    errors = errors_of(lambda: services.change_placement(worker, period, other, on=D(2026, 3, 9)))
    assert "Select the reason the last placement ended" in errors["change_reason"][0]
    assert period.placements.count() == 1


def test_care_that_ends_is_closed_with_its_reason_and_due_dates_withdrawn(worker, child):
    period = looked_after(worker, child, D(2026, 1, 5))
    errors = errors_of(lambda: services.cease_care(worker, period, on=D(2026, 1, 2), reason="E8"))
    assert "cannot be before the last change" in errors["on"][0]
    errors = errors_of(lambda: services.cease_care(worker, period, on=D(2026, 2, 2), reason="X1"))
    assert "reason" in errors
    errors = errors_of(lambda: services.cease_care(worker, period, on=D(2026, 2, 2), reason="E4A"))
    assert "return-home decision approved by a nominated officer" in errors["reason"][0]
    services.cease_care(worker, period, on=D(2026, 1, 16), reason="E13")
    period.refresh_from_db()
    assert (period.end_date, period.end_reason) == (D(2026, 1, 16), "E13")
    assert episodes(period)[-1][4:6] == (D(2026, 1, 16), "E13")
    assert not Deadline.objects.filter(subject_id=period.pk, status="open", rule_slug__in=services.START_RULES).exists()


def test_a_missing_child_s_care_ends_e8(worker, child):
    period = looked_after(worker, child, D(2026, 1, 5))
    MissingEpisode.objects.create(
        person=child, kind="M", started_at=timezone.make_aware(datetime.datetime(2026, 2, 1, 20)), recorded_by=worker
    )
    errors = errors_of(lambda: services.cease_care(worker, period, on=D(2026, 2, 3), reason="E13"))
    assert "E8" in errors["reason"][0]
    assert "rule 580" in errors["reason"][0]
    services.cease_care(worker, period, on=D(2026, 2, 3), reason="E8")


def test_section_20_for_20_working_days_needs_approval_to_cease(worker, child, nominated_officer):
    period = looked_after(worker, child, D(2026, 1, 5))
    errors = errors_of(lambda: services.cease_care(worker, period, on=D(2026, 3, 2), reason="E13"))
    assert "reg 39" in errors["__all__"][0]
    assert "nominated officer" in errors["__all__"][0]
    approval = services.request_approval(worker, period, kind=Approval.Kind.CEASE, reasons="Living with an aunt")
    errors = errors_of(lambda: services.decide_approval(worker, approval, approve=True))
    assert "Only nominated officer" in errors["__all__"][0]
    services.decide_approval(nominated_officer, approval, approve=True)
    services.cease_care(worker, period, on=D(2026, 3, 2), reason="E13")


def test_a_16_year_old_under_section_20_needs_the_director(worker, nominated_officer, user):
    from childrenincare.models import Designation
    from people.services import record_person

    young = record_person(None, kind="child", given_names="Jo", family_name="Testchild", date_of_birth=D(2009, 6, 1))
    period = looked_after(worker, young, D(2026, 1, 5))
    assert services.ceasing_approval_needed(period, D(2026, 3, 2), "E13") == Approval.Kind.CEASE_16_17
    approval = services.request_approval(worker, period, kind=Approval.Kind.CEASE_16_17, reasons="Own tenancy")
    errors = errors_of(lambda: services.decide_approval(nominated_officer, approval, approve=True))
    assert "director" in errors["__all__"][0]
    director = user("head_of_service", team=None)
    designate(director, Designation.Kind.DIRECTOR)
    services.decide_approval(director, approval, approve=True)


def test_a_distant_placement_waits_for_the_director(worker, child):
    period = looked_after(worker, child, D(2026, 1, 5))
    far = foster_placement(foster_carer(name="Far carers", urn="SC900010"), area=Placement.Area.DISTANT)
    placement = services.change_placement(worker, period, far, on=D(2026, 2, 2), change_reason="CARPL")
    assert Approval.objects.get(placement=placement).kind == Approval.Kind.DISTANT
    assert services.approver_kind(Approval.Kind.DISTANT) == "director"


def test_the_child_in_need_episode_cannot_close_while_the_child_is_looked_after(worker, child):
    period = looked_after(worker, child, D(2026, 1, 5))
    errors = errors_of(
        lambda: family_help.close_episode(worker, period.episode, closure_date=D(2026, 2, 2), reason="RC7")
    )
    assert any("looked after" in message for message in errors["__all__"])


def test_the_iro_loses_the_record_when_care_ends(worker, iro, child):
    from childrenincare.planning import services as care_planning
    from people.access import Level, level
    from people.models import Involvement

    period = looked_after(worker, child, D(2026, 1, 5))
    care_planning.appoint_iro(worker, period, iro=iro, on=D(2026, 1, 7))
    assert level(iro, child) == Level.FULL
    services.cease_care(worker, period, on=D(2026, 1, 16), reason="E13")
    assert Involvement.objects.get(worker=iro, person=child).end_date == D(2026, 1, 16)


def test_a_visit_says_whether_the_child_was_seen(worker, child):
    from childrenincare import visits

    period = looked_after(worker, child, D(2026, 1, 5))
    errors = errors_of(lambda: visits.record_visit(worker, period, visited_on=D(2026, 1, 9), seen=None))
    assert errors["seen"] == ["Say whether the child was seen"]


def test_care_ending_at_18_needs_no_reg_39_approval_and_a_17_year_old_needs_the_director(worker, nominated_officer):
    """Reg 39 (Care Planning, Placement and Case Review (England) Regulations 2010) concerns a
    child accommodated under section 20: the director approves for a child of 16 or 17; at 18
    the young person is no longer a child and care ends without the authority's decision."""
    from people.services import record_person

    young = record_person(None, kind="child", given_names="Sam", family_name="Testchild", date_of_birth=D(2008, 3, 2))
    period = looked_after(worker, young, D(2026, 1, 5))
    # 17 on the day before the 18th birthday: still the director.
    assert services.ceasing_approval_needed(period, D(2026, 3, 1), "E13") == Approval.Kind.CEASE_16_17
    # 18 on the birthday: no approval, and care can end.
    assert services.ceasing_approval_needed(period, D(2026, 3, 2), "E13") is None
    services.cease_care(worker, period, on=D(2026, 3, 2), reason="E13")
    assert not Approval.objects.filter(period=period).exists()
