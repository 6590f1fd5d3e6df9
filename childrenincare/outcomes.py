"""The year's outcomes of a child looked after for 12 months at 31 March (SSDA903 OC2).

`in_care_for_a_year(period, year)`: looked after continuously for at least 12 months at 31 March
of the collection year (the period began by 1 April of the year before and was still open on
31 March), and not only for short breaks (V3, V4). For such a child the worker records once a
year what only they know (`record_year_outcomes`): the Strengths and Difficulties Questionnaire
score, or why there is none; whether the child was convicted or given a final warning or
reprimand; a substance misuse problem and the help offered and received; for a child under 5,
whether the development checks are up to date. The rest of OC2 comes from the health
assessments already recorded (`health_figures`). The rules are the 903 ones as returns.md
section 6 gives them: an SDQ score 0 to 40 or a reason (rule 196), HEALTH_CHECK only under 5
(rule 546); the age bands for the SDQ (4 to 16) and for convictions (10 and over) are [U].
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from chronology.services import record_event
from kernel import codelists
from kernel.rules import Errors
from people.ages import age_on

from .models import HealthAssessment, PeriodOfCare, YearOutcomes
from .services import lock_period

if TYPE_CHECKING:
    from kernel.access import SignedInUser

SHORT_BREAKS = {"V3", "V4"}
SDQ_AGES = (4, 16)  # [U] the SDQ is asked of children aged 4 to 16 at 31 March
CONVICTION_AGE = 10  # [U] the age of criminal responsibility
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the collection years the pages take


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 3, 31)


def in_care_for_a_year(period: PeriodOfCare, year: int) -> bool:
    end = year_end(year)
    if period.start_date > datetime.date(year - 1, 4, 1) or (period.end_date is not None and period.end_date <= end):
        return False
    return any(status.code not in SHORT_BREAKS for status in period.legal_statuses.all())


def years_due(period: PeriodOfCare, today: datetime.date | None = None) -> list[int]:
    """The collection years (newest first) for which this period needs its OC2 outcomes."""
    today = today or timezone.localdate()
    last = today.year if today > year_end(today.year) else today.year - 1
    return [year for year in range(last, period.start_date.year, -1) if in_care_for_a_year(period, year)]


def health_figures(
    period: PeriodOfCare, year: int, assessments: list[HealthAssessment] | None = None
) -> dict[str, int]:
    """IMMUNISATIONS, TEETH_CHECK and HEALTH_ASSESSMENT from the health assessments: an assessment
    in the 12 months to 31 March (6 months for a child under 5) is up to date; immunisations as
    the latest one found; a dentist's check in the 12 months."""
    end = year_end(year)
    if assessments is None:
        assessments = list(period.health_assessments.filter(held_on__lte=end).order_by("held_on"))
    year_ago = end - datetime.timedelta(days=365)
    age = age_on(period.person, end)
    window = end - datetime.timedelta(days=183) if age is not None and age < 5 else year_ago
    recent = [a for a in assessments if a.held_on > year_ago]
    latest = assessments[-1] if assessments else None
    return {
        "HEALTH_ASSESSMENT": int(any(a.held_on > window for a in assessments)),
        "IMMUNISATIONS": int(bool(latest and latest.immunisations_up_to_date)),
        "TEETH_CHECK": int(any(a.dental_check for a in recent)),
    }


@transaction.atomic
def record_year_outcomes(
    user: SignedInUser,
    period: PeriodOfCare,
    year: int,
    *,
    sdq_score: int | None = None,
    sdq_reason: str = "",
    convicted: bool | None = None,
    health_check: bool | None = None,
    substance_misuse: bool | None = None,
    intervention_received: bool | None = None,
    intervention_offered: bool | None = None,
) -> YearOutcomes:
    """Record (or correct) the year's outcomes for OC2; refused with a message for each answer missing or wrong."""
    period = lock_period(period)
    errors = Errors()
    if not in_care_for_a_year(period, year):
        errors.add(
            "__all__",
            f"The child was not looked after for 12 months at 31 March {year}: "
            "the outcomes are asked only for those who were",
        )
    age = age_on(period.person, year_end(year))
    if sdq_score is not None and not 0 <= sdq_score <= 40:
        errors.add("sdq_score", "Enter an SDQ score from 0 to 40")
    if sdq_reason and not codelists.is_valid("sdq-reason", sdq_reason):
        errors.add("sdq_reason", "Select why there is no SDQ score")
    if sdq_score is not None and sdq_reason:
        errors.add("sdq_reason", "Give a score or a reason there is none, not both")
    if age is not None and SDQ_AGES[0] <= age <= SDQ_AGES[1] and sdq_score is None and not sdq_reason:
        errors.add("sdq_score", "Enter the SDQ score, or select why there is none")
    if age is not None and age >= CONVICTION_AGE and convicted is None:
        errors.add("convicted", "Select whether the child was convicted, or given a final warning or reprimand")
    if age is not None and age < 5 and health_check is None:
        errors.add("health_check", "Select whether the child's development checks are up to date")
    if age is not None and age >= 5 and health_check is not None:
        errors.add("health_check", "Development checks are asked only for a child under 5")
    if substance_misuse is None:
        errors.add("substance_misuse", "Select whether the child was identified as having a substance misuse problem")
    elif substance_misuse and (intervention_received is None or intervention_offered is None):
        errors.add("intervention_offered", "Select whether an intervention was offered, and whether it was received")
    errors.raise_if_any()

    too_young = age is not None and age < CONVICTION_AGE  # not asked: kept blank
    values = {
        "sdq_score": sdq_score,
        "sdq_reason": sdq_reason or "",
        "convicted": None if too_young else convicted,
        "health_check": health_check,
        "substance_misuse": substance_misuse,
        "intervention_received": intervention_received if substance_misuse else None,
        "intervention_offered": intervention_offered if substance_misuse else None,
        "recorded_by": user,
    }
    outcomes, made = YearOutcomes.objects.update_or_create(period=period, year=year, defaults=values)
    label = f"{year - 1} to {year}"
    record_event(
        period.person,
        "health-education",
        timezone.now(),
        f"Outcomes for {label} recorded (SSDA903 OC2)",
        source=outcomes,
        recorded_by=user,
    )
    if made:
        audit.record_creation(user, outcomes, person=period.person, summary=f"Recorded the outcomes for {label}")
    else:
        audit.record(
            user,
            AuditEvent.Action.UPDATE,
            outcomes,
            person=period.person,
            summary=f"Corrected the outcomes for {label}",
            detail={"values": {k: v for k, v in values.items() if k != "recorded_by"}},
        )
    return outcomes


def in_scope(year: int) -> list[PeriodOfCare]:
    """The periods of care whose children are in OC2 for the year, with their legal statuses."""
    end = year_end(year)
    periods = (
        PeriodOfCare.objects.filter(start_date__lte=datetime.date(year - 1, 4, 1))
        .exclude(end_date__lte=end)
        .select_related("person")
        .prefetch_related("legal_statuses")
    )
    return [p for p in periods if in_care_for_a_year(p, year)]


def assessments_by_period(periods: Iterable[PeriodOfCare], year: int) -> dict[int, list[HealthAssessment]]:
    found: dict[int, list[HealthAssessment]] = {}
    for a in HealthAssessment.objects.filter(period__in=periods, held_on__lte=year_end(year)).order_by("held_on"):
        found.setdefault(a.period_id, []).append(a)
    return found
