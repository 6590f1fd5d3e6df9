"""Reads for the care planning pages: the history of a period's care planning."""

from __future__ import annotations

from childrenincare.models import (
    CarePlan,
    CareVisit,
    HealthAssessment,
    LookedAfterReview,
    PeriodOfCare,
    PersonalEducationPlan,
    YearOutcomes,
)
from kernel import codelists


def care_plans(period: PeriodOfCare) -> list[CarePlan]:
    """The versions of the care plan, newest first, each with its `version` number."""
    plans = list(period.care_plans.select_related("recorded_by").order_by("-agreed_on", "-id"))
    for version, plan in zip(range(len(plans), 0, -1), plans, strict=False):
        plan.version = version  # type: ignore[attr-defined]  # for the template
    return plans


def reviews(period: PeriodOfCare) -> list[LookedAfterReview]:
    """The looked-after reviews, newest first, each with its `participation_label`."""
    found = list(period.reviews.select_related("chair", "recorded_by").order_by("-number"))
    for review in found:
        label = codelists.label("review-participation", review.participation)
        review.participation_label = label  # type: ignore[attr-defined]  # for the template
    return found


def visits(period: PeriodOfCare) -> list[CareVisit]:
    return list(period.visits.select_related("visited_by").order_by("-visited_on", "-id"))


def health_assessments(period: PeriodOfCare) -> list[HealthAssessment]:
    return list(period.health_assessments.select_related("recorded_by"))


def education_plans(period: PeriodOfCare) -> list[PersonalEducationPlan]:
    return list(period.education_plans.select_related("recorded_by"))


def year_outcomes(period: PeriodOfCare, year: int) -> YearOutcomes | None:
    """The OC2 outcomes recorded for the period's collection year, if any."""
    return period.year_outcomes.filter(year=year).first()
