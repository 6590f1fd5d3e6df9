"""What the adoption records hold, read without writing: the child's decisions and what is
next, the due dates of the plan, the prospective adopters and their journey, and what the
SSDA903 AD1 derives (foster_care: FOSTER_CARE from the placement; adopter_sex: SEX_ADOPTR;
adopter_count: NB_ADOPTR; adopter_legal_status: LS_ADOPTR)."""

from __future__ import annotations

import datetime

from django.http import Http404

from kernel import selectors as due_dates
from kernel.models import Deadline
from people.models import Person

from .models import AdopterHousehold, AdoptionDecision

PLACED_FOR_ADOPTION = {"A3", "A4", "A5", "A6"}
WITH_FOSTER_CARERS = {"A3", "A5"}


def foster_care(decision: AdoptionDecision) -> str:
    """SSDA903 FOSTER_CARE: 1 when adopted by the child's foster carers (A3, A5), else 0."""
    place = decision.placement.place if decision.placement is not None else ""
    if place not in PLACED_FOR_ADOPTION:
        return ""
    return "1" if place in WITH_FOSTER_CARERS else "0"


def adopter_count(household: AdopterHousehold) -> int:
    return len(list(household.adopters.all()))


def adopter_sex(household: AdopterHousehold) -> str:
    """SSDA903 SEX_ADOPTR: M1 or F1 for one adopter; MM, FF or MF for two."""
    sexes = sorted(a.sex for a in household.adopters.all())
    if len(sexes) == 1 and sexes[0] in ("M", "F"):
        return sexes[0] + "1"
    if len(sexes) == 2 and set(sexes) <= {"M", "F"}:
        same: dict[tuple[str, ...], str] = {("F", "F"): "FF", ("M", "M"): "MM"}
        return same.get(tuple(sexes), "MF")
    return ""


def adopter_legal_status(household: AdopterHousehold) -> str:
    """SSDA903 LS_ADOPTR, read as the validator's rules 514 and 517 to 524 read the codes: L0
    a single adopter; L11 a married couple of different sexes, L12 of the same sex; L2 civil
    partners; L3 an unmarried couple of different sexes, L4 of the same sex."""
    sex = adopter_sex(household)
    relationship = household.relationship
    if relationship == AdopterHousehold.Relationship.SINGLE:
        return "L0" if sex in ("M1", "F1") else ""
    if sex not in ("MM", "FF", "MF"):
        return ""
    if relationship == AdopterHousehold.Relationship.CIVIL_PARTNERS:
        return "L2"
    if relationship == AdopterHousehold.Relationship.MARRIED:
        return "L11" if sex == "MF" else "L12"
    return "L3" if sex == "MF" else "L4"


def open_decision(person: Person) -> AdoptionDecision | None:
    """The child's open decision to place for adoption, or None."""
    return (
        AdoptionDecision.objects.filter(person=person, ceased_on__isnull=True, adoption_order_on__isnull=True)
        .order_by("-decided_on", "-id")
        .first()
    )


def next_step(decision: AdoptionDecision) -> str | None:
    """What is due next, in plain words (None once the journey has ended)."""
    if not decision.is_open:
        return None
    if not decision.authority:
        return "Record the placement order or the parents' consent"
    if not decision.matched_on:
        return "Match the child with approved adopters"
    if not decision.placed_on:
        return "Record the placement for adoption"
    return "Record the adoption order"


def household_rows(household: AdopterHousehold) -> list[tuple[str, datetime.date | None, datetime.date | None]]:
    """The household's journey: (label, date, due) in order, for the page."""
    return [
        ("Enquiry received", household.enquiry_on, None),
        ("Stage 1 started", household.stage_1_started_on, None),
        ("Stage 1 ended", household.stage_1_ended_on, household.stage_1_due_on),
        ("Application submitted", household.application_on, None),
        ("Stage 2 started", household.stage_2_started_on, None),
        ("Stage 2 ended", household.stage_2_ended_on, household.stage_2_due_on),
        ("Approved as adopters", household.approved_on, None),
        ("Approved for fostering for adoption", household.ffa_approved_on, None),
    ]


def decisions_of(person: Person) -> list[AdoptionDecision]:
    """The child's decisions to place for adoption, latest first."""
    return list(
        AdoptionDecision.objects.filter(person=person)
        .select_related("household", "placement", "period")
        .order_by("-decided_on", "-id")
    )


def plan_due_dates(person: Person, decisions: list[AdoptionDecision]) -> list[Deadline]:
    """The open adoption due dates of the decisions, decision by decision, soonest first."""
    due: list[Deadline] = []
    for decision in decisions:
        due.extend(due_dates.open_for(person).filter(subject_id=decision.pk, rule_slug__startswith="adoption-"))
    return due


def households_to_choose(fostering: bool = False) -> list[AdopterHousehold]:
    """Approved households still in the process (approved for fostering for adoption too, if
    `fostering`), by family identifier."""
    found = AdopterHousehold.objects.filter(left_on__isnull=True, approved_on__isnull=False)
    if fostering:
        found = found.filter(ffa_approved_on__isnull=False)
    return list(found.order_by("reference"))


def household_chosen(pk: str | int | None) -> AdopterHousehold | None:
    """The household a form's choice names, or None."""
    return AdopterHousehold.objects.filter(pk=int(pk)).first() if pk and str(pk).isdigit() else None


def households() -> list[AdopterHousehold]:
    """Every prospective adopters' household with its adopters, by family identifier."""
    return list(AdopterHousehold.objects.prefetch_related("adopters").order_by("reference"))


def household_or_404(adopter_household_id: int) -> AdopterHousehold:
    """One household with its adopters, or 404."""
    found = AdopterHousehold.objects.filter(pk=adopter_household_id).prefetch_related("adopters").first()
    if found is None:
        raise Http404("No such household")
    return found


def matched_decisions(household: AdopterHousehold) -> list[AdoptionDecision]:
    """The decisions matched with the household, latest match first."""
    return list(household.decisions.select_related("person").order_by("-matched_on", "-id"))
