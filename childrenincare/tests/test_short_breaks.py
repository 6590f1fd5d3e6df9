"""Short breaks (issue 25, finding 10), written from the regulation and the DfE rules, with
their dates.

Care Planning Regulations 2010 reg 48: where the child is not in care and placed in a series of
short breaks with the same carer, no single break intended to last more than 17 days and the
breaks not exceeding 75 days in any 12 months, reg 33 does not apply (the first review within 3
months of the start of the first break, then at most 6 months apart), reg 28(2) does not apply
(visits on the short-break schedule), and regs 5, 7 and 9 do not apply (the short break care
plan; no health assessment). SSDA903: 366, a V3 episode starts its period (RNE S); 367, V3
short breaks at most 75 days in the year; 384, no V3 or V4 in a long-term foster placement (U1,
U4).
"""

import datetime

import pytest

from childrenincare import services, short_breaks, visits
from childrenincare.models import LegalStatus, PeriodOfCare
from childrenincare.planning import services as care_planning
from childrenincare.testing import foster_carer, foster_placement, looked_after
from familyhelp.testing import open_episode
from kernel.models import Deadline
from kernel.rules import RuleBroken
from returns import validation

D = datetime.date


def errors_of(call):
    with pytest.raises(RuleBroken) as raised:
        call()
    return raised.value.errors


@pytest.fixture
def carer(db):
    return foster_carer(name="Short break carers", urn="SC900010")


def short_break(worker, child, start, end, carer, code="V3", place="U6"):
    """One short break: looked after from `start`, home again on `end`."""
    period = looked_after(worker, child, start, legal_status=code, placement=foster_placement(carer, place=place))
    if end is not None:
        services.cease_care(worker, period, on=end, reason="E8")
    return period


def open_due(child):
    return dict(Deadline.objects.filter(person=child, status="open").values_list("rule_slug", "due_date"))


class TestTheSchedule:
    def test_a_weekend_break_does_not_start_the_20_working_day_review(self, worker, child, carer):
        # Friday 4 September 2026, a weekend break.
        period = short_break(worker, child, D(2026, 9, 4), None, carer)
        found = open_due(child)
        assert "first-looked-after-review" not in found
        assert "initial-health-assessment" not in found
        assert "personal-education-plan" not in found
        assert "looked-after-visit-new-placement" not in found
        # Reg 48: the first review within 3 months of the start of the first short break.
        assert found[short_breaks.FIRST_REVIEW_RULE] == D(2026, 12, 4)
        assert found[short_breaks.FIRST_VISIT_RULE] == D(2026, 12, 4)
        review = Deadline.objects.get(rule_slug=short_breaks.FIRST_REVIEW_RULE)
        assert review.subject_id == child.pk
        assert review.episode == period.episode

    def test_the_series_clock_runs_across_the_breaks(self, worker, child, carer, iro):
        short_break(worker, child, D(2026, 6, 5), D(2026, 6, 7), carer)
        # The weekend ended: the review of the series is still due 3 months from the first break.
        assert open_due(child)[short_breaks.FIRST_REVIEW_RULE] == D(2026, 9, 5)
        short_break(worker, child, D(2026, 7, 3), D(2026, 7, 5), carer)
        assert Deadline.objects.filter(rule_slug=short_breaks.FIRST_REVIEW_RULE).count() == 1
        # Reviewed during a break on Saturday 29 August 2026: the next at most 6 months later.
        third = short_break(worker, child, D(2026, 8, 28), None, carer)
        care_planning.appoint_iro(worker, third, iro=iro, on=D(2026, 8, 28), late_reason="")
        care_planning.record_review(worker, third, held_on=D(2026, 8, 29), participation="PN1", chair=iro)
        met = Deadline.objects.get(rule_slug=short_breaks.FIRST_REVIEW_RULE)
        assert met.status == "met"
        assert met.late is False
        assert open_due(child)[short_breaks.REVIEW_RULE] == D(2027, 2, 28)  # 29 February does not exist in 2027
        assert "second-looked-after-review" not in open_due(child)
        # A visit on the break meets the series' visit due date; the next in 6 months [U].
        visits.record_visit(worker, third, visited_on=D(2026, 8, 30), seen=True)
        assert Deadline.objects.get(rule_slug=short_breaks.FIRST_VISIT_RULE).status == "met"
        assert open_due(child)[short_breaks.VISIT_RULE] == D(2027, 2, 28)

    def test_a_v4_agreement_ending_ends_the_series(self, worker, child, carer):
        period = short_break(worker, child, D(2026, 6, 1), None, carer, code="V4")
        assert open_due(child)[short_breaks.FIRST_REVIEW_RULE] == D(2026, 9, 1)
        services.cease_care(worker, period, on=D(2026, 6, 12), reason="E8")
        assert not any(slug in open_due(child) for slug in short_breaks.RULES)

    def test_care_other_than_short_breaks_ends_the_series(self, worker, child, carer):
        short_break(worker, child, D(2026, 6, 5), D(2026, 6, 7), carer)
        period = looked_after(worker, child, D(2026, 7, 6), episode=PeriodOfCare.objects.get().episode)
        found = open_due(child)
        assert not any(slug in found for slug in short_breaks.RULES)
        assert found["first-looked-after-review"]
        assert period.legal_statuses.get().code == "V2"

    def test_the_series_ends_when_the_breaks_stop(self, client, worker, child, carer):
        from django.urls import reverse

        period = short_break(worker, child, D(2026, 6, 5), None, carer)
        client.force_login(worker)
        url = reverse("childrenincare:short-breaks-ended", args=[period.pk])
        data = {"on_0": "30", "on_1": "10", "on_2": "2026", "reason": "The family moved away."}
        # Not while a break is open: refused, nothing withdrawn.
        assert client.post(url, data).status_code == 400
        assert open_due(child)[short_breaks.FIRST_REVIEW_RULE] == D(2026, 9, 5)
        services.cease_care(worker, period, on=D(2026, 6, 7), reason="E8")
        body = client.get(reverse("childrenincare:period", args=[period.pk])).content.decode()
        assert "Record that the short breaks ended" in body
        errors = errors_of(lambda: short_breaks.end_series(worker, child, on=D(2026, 10, 30), reason=" "))
        assert "Say why" in errors["reason"][0]
        assert client.post(url, data).status_code == 302
        assert not any(slug in open_due(child) for slug in short_breaks.RULES)
        assert client.get(url).status_code == 200  # says there is nothing due


class TestTheRules:
    def test_366_no_change_during_a_break(self, worker, child, carer):
        period = short_break(worker, child, D(2026, 9, 4), None, carer)
        other = foster_placement(foster_carer(name="Other", urn="SC900011"))
        errors = errors_of(
            lambda: services.change_placement(worker, period, other, on=D(2026, 9, 5), change_reason="CARPL")
        )
        assert "SSDA903 rule 366" in errors["__all__"][0]
        errors = errors_of(lambda: services.change_legal_status(worker, period, code="V2", on=D(2026, 9, 5)))
        assert "SSDA903 rule 366" in errors["code"][0]
        assert [p.place for p in period.placements.all()] == ["U6"]
        assert list(LegalStatus.objects.filter(period=period).values_list("code", flat=True)) == ["V3"]

    def test_366_no_change_into_v3(self, worker, child):
        period = looked_after(worker, child, D(2026, 9, 1))
        errors = errors_of(lambda: services.change_legal_status(worker, period, code="V3", on=D(2026, 9, 4)))
        assert "its own period of care" in errors["code"][0]

    def test_384_not_in_a_long_term_foster_placement(self, worker, child, carer):
        errors = errors_of(lambda: short_break(worker, child, D(2026, 9, 4), None, carer, place="U4"))
        assert "SSDA903 rule 384" in errors["place"][0]
        errors = errors_of(lambda: short_break(worker, child, D(2026, 9, 4), None, carer, code="V4", place="U1"))
        assert "SSDA903 rule 384" in errors["place"][0]
        assert not PeriodOfCare.objects.exists()

    def test_no_break_once_75_days_are_used_in_12_months(self, worker, child, carer):
        episode = open_episode(worker, child, D(2025, 11, 2))
        # Breaks recorded earlier, counted as the SSDA903 counts an episode (DEC - DECOM): 1 to 15
        # December 2025, 14 days; 5 January to 6 March 2026, 60 days.
        for start, end in ((D(2025, 12, 1), D(2025, 12, 15)), (D(2026, 1, 5), D(2026, 3, 6))):
            period = PeriodOfCare.objects.create(
                person=child,
                episode=episode,
                start_date=start,
                end_date=end,
                end_reason="E8",
                category_of_need="N2",
                created_by=worker,
            )
            LegalStatus.objects.create(period=period, code="V3", start_date=start, end_date=end, recorded_by=worker)
        # 74 days in the 12 months before Monday 2 November 2026: a break may start.
        assert short_breaks.days_used(child, D(2026, 11, 2)) == 74
        services.become_looked_after(
            worker,
            episode,
            on=D(2026, 11, 2),
            legal_status="V3",
            placement=foster_placement(carer),
            category_of_need="N2",
            previous_permanence="Z1",
        )
        services.cease_care(worker, PeriodOfCare.objects.get(start_date=D(2026, 11, 2)), on=D(2026, 11, 3), reason="E8")
        # 75 days used by 4 November 2026: no more short breaks (reg 48(2)(c)(iii); rule 367).
        assert short_breaks.days_used(child, D(2026, 11, 4)) == 75
        errors = errors_of(
            lambda: services.become_looked_after(
                worker,
                episode,
                on=D(2026, 11, 4),
                legal_status="V3",
                placement=foster_placement(carer),
                category_of_need="N2",
                previous_permanence="Z1",
            )
        )
        assert "75 days in 12 months" in errors["legal_status"][0]
        assert "rule 367" in errors["legal_status"][0]
        assert PeriodOfCare.objects.count() == 3
        # A stay accommodated under section 20 on its own (V2) is not a short break.
        looked_after(worker, child, D(2026, 11, 4), episode=episode)


def episode_row(child="C1", decom="01/04/2025", rne="S", ls="V3", place="U6", dec="03/04/2025", rec="E8"):
    return {"CHILD": child, "DECOM": decom, "RNE": rne, "LS": ls, "PLACE": place, "DEC": dec, "REC": rec}


class TestTheReturnChecks:
    """returns.validation.short_breaks, against the DfE rules as the Data to Insight validator
    reads them (lac_validator rules 366, 367, 384)."""

    def rules(self, rows, year=2026):
        return sorted((f.child, f.rule) for f in validation.short_breaks({"Episodes": rows}, year))

    def test_366(self):
        rows = [
            episode_row(child="A", rne="S"),
            episode_row(child="B", rne="P"),
            episode_row(child="C", ls="V4", rne="T"),
        ]
        assert self.rules(rows) == [("B", "366")]

    def test_384(self):
        rows = [
            episode_row(child="A", place="U1"),
            episode_row(child="B", ls="V4", place="U4"),
            episode_row(child="C", ls="V2", place="U4"),
            episode_row(child="D", place="U3"),
        ]
        assert self.rules(rows) == [("A", "384"), ("B", "384")]

    def test_367_counts_the_year_only(self):
        # 2025/26: 1 April 2025 to 31 March 2026. A break from 20 March 2025 counts from 1 April.
        rows = [
            episode_row(child="A", decom="20/03/2025", dec="30/04/2025"),  # 29 days in the year
            episode_row(child="A", decom="01/06/2025", dec="17/07/2025"),  # 46 days: 75 in all
            episode_row(child="B", decom="01/06/2025", dec="17/07/2025"),  # 46
            episode_row(child="B", decom="01/12/2025", dec="31/12/2025"),  # 30: 76 in all
            episode_row(child="C", decom="01/03/2026", dec="", rec=""),
        ]  # open: 30 days to 31 March
        assert self.rules(rows) == [("B", "367"), ("B", "367")]
