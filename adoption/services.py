"""Business rules of adoption, named as the field names them. Each is one transaction that
checks every rule before it writes (kernel.rules.RuleBroken), is audited, adds to the child's
chronology and issues or meets the due dates the timescale rules give
(adoption/data/timescales.json).

The child's journey, in the order the Adoption and Children Act 2002 and the Adoption
Agencies Regulations 2005 set it, and as the SSDA903 validator checks it (rule numbers):

- record_decision: the agency decision maker decides the child should be placed for
  adoption (reg 19). While the child is looked after, on or after care began (334, 1003),
  never while an earlier decision is open (579, 583).
- record_placement_order (s21: the legal status becomes E1 through childrenincare, on or
  after the decision, 554) or record_consent (s19).
- record_early_placement: a fostering for adoption or concurrent planning placement (U5, or
  U2 with a relative) with carers approved for it, through childrenincare.
- record_match: the adoption panel's recommendation and the ADM's match decision (regs 32
  and 33), on or after the decision (333), with an approved household.
- record_placement: placed for adoption (A3 to A6, through childrenincare): the code follows
  the authority (consent A3/A4, placement order A5/A6, 408) and whether the adopters are the
  child's current foster carers (A3/A5: 217, 335); after the match (331) and the decision (521).
- record_adoption_order: the period of care ends E11 or E12 through childrenincare (390),
  after the placement (582).
- record_no_longer_placed: the decision that the child should no longer be placed (RD1 to
  RD4, 119, 120), on or after the decision (522), not while the placement order stands (553).

Adopters: add_household, then start_stage_1, end_stage_1, start_stage_2, record_application,
end_stage_2, approve_household, approve_for_fostering_for_adoption and record_left.

Derived for the SSDA903 AD1, and what the pages read, are in adoption.selectors.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit import services as audit
from casework.services import due_to_meet, issue_due
from childrenincare import services as care
from childrenincare.models import Carer
from chronology.services import record_event
from kernel import codelists, deadlines, timescales
from kernel.rules import Errors, RuleBroken, as_date, check_date, long_date
from people.ages import age_on

from .models import Adopter, AdopterHousehold, AdoptionDecision
from .selectors import open_decision

if TYPE_CHECKING:
    from childrenincare.models import PeriodOfCare
    from kernel.access import SignedInUser

ENTRY_TO_PLACEMENT = "adoption-entry-to-placement"
ORDER_TO_MATCH = "adoption-order-to-match"
STAGE_1, STAGE_2 = "adopter-stage-1", "adopter-stage-2"
PLACEMENT_ORDER = "E1"
ADOPTED = ("E11", "E12")
FOSTER = {"U1", "U2", "U3", "U4", "U5", "U6"}
# (authority, with the child's current foster carers) -> the SSDA903 placement type.
A_CODE = {
    ("consent", True): "A3",
    ("consent", False): "A4",
    ("placement_order", True): "A5",
    ("placement_order", False): "A6",
}
CHANGE_REASON = "CARPL"  # a change to, or implementation of, the care plan (placement-change-reason)
NO_PLACEMENT_ORDER = "RD2"
# Why the decision's open due dates are withdrawn.
ADOPTED_REASON = "The child was adopted"
NO_LONGER_PLACED_REASON = "The child should no longer be placed for adoption"


# --- Derived ------------------------------------------------------------------------------


def placement_code(authority: str, with_current_foster_carers: object) -> str:
    return A_CODE[(authority, bool(with_current_foster_carers))]


def next_reference() -> str:
    """The next family identifier: AF0001, AF0002..."""
    numbers = [
        int(r[2:])
        for r in AdopterHousehold.objects.values_list("reference", flat=True)
        if r.startswith("AF") and r[2:].isdigit()
    ]
    return f"AF{max(numbers, default=0) + 1:04d}"


# --- Checks shared by the steps -----------------------------------------------------------


def _lock(decision):
    return (
        AdoptionDecision.objects.select_for_update(of=("self",))
        .select_related("period", "person", "household", "placement")
        .get(pk=decision.pk)
    )


def _check_open(errors, decision):
    if decision.adoption_order_on:
        errors.add("__all__", f"The child was adopted on {long_date(decision.adoption_order_on)}")
    elif decision.ceased_on:
        errors.add(
            "__all__",
            f"It was decided on {long_date(decision.ceased_on)} that the child should no longer be "
            "placed for adoption: a new decision starts again",
        )


def _day(errors, field, value, label, not_before=None, not_before_label=""):
    check_date(errors, field, value, label=label, not_before=not_before, not_before_label=not_before_label)
    return as_date(value) if value and field not in errors else None


def _care_rules(call):
    """Run a childrenincare service: its rule messages are this step's (the same fields)."""
    try:
        return call()
    except RuleBroken as error:
        raise RuleBroken(error.errors) from None


def _event(decision, kind, title, user, detail=""):
    record_event(decision.person, kind, timezone.now(), title, detail=detail, source=decision, recorded_by=user)


def _keep_late(decision, deadline, on, late_reason, what):
    reason = deadlines.reason_to_keep(deadline, on, late_reason)
    if reason:
        decision.late_reasons = (decision.late_reasons + "\n" if decision.late_reasons else "") + f"{what}: {reason}"


# --- The child's journey ------------------------------------------------------------------


@transaction.atomic
def record_decision(
    user: SignedInUser,
    period: PeriodOfCare,
    *,
    decided_on: datetime.date | None,
    decision_maker: str,
    panel_recommended_on: datetime.date | None = None,
) -> AdoptionDecision:
    """The agency decision maker's decision that the child should be placed for adoption."""
    period = care.lock_period(period)
    person = period.person
    errors = Errors()
    if period.end_date is not None:
        errors.add(
            "__all__",
            f"This period of care ended on {long_date(period.end_date)}: the decision is made "
            "while the child is looked after",
        )
    day = _day(
        errors, "decided_on", decided_on, "date of the decision", period.start_date, "the child became looked after"
    )
    if not (decision_maker or "").strip():
        errors.add("decision_maker", "Enter the name of the agency decision maker")
    if panel_recommended_on and day and as_date(panel_recommended_on) > day:
        errors.add("panel_recommended_on", "The panel's recommendation comes before the decision")
    if open_decision(person) is not None:
        errors.add(
            "__all__",
            "The child already has a decision that they should be placed for adoption: record that "
            "they should no longer be placed before a new decision (SSDA903 rules 579 and 583)",
        )
    last = AdoptionDecision.objects.filter(person=person, ceased_on__isnull=False).aggregate(last=Max("ceased_on"))[
        "last"
    ]
    if day and last and day < last:
        errors.add("decided_on", f"The last decision was reversed on {long_date(last)}: a new decision comes after it")
    errors.raise_if_any()
    decision = AdoptionDecision.objects.create(
        person=person,
        period=period,
        decided_on=day,
        panel_recommended_on=panel_recommended_on,
        decision_maker=decision_maker.strip(),
        created_by=user,
    )
    issue_due(ENTRY_TO_PLACEMENT, period.start_date, person=person, subject=decision, episode=period.episode)
    _event(
        decision,
        "adoption-decision",
        "Decision that the child should be placed for adoption",
        user,
        detail=f"Agency decision maker: {decision.decision_maker}",
    )
    audit.record_creation(
        user, decision, person=person, summary="Recorded the decision that the child should be placed for adoption"
    )
    return decision


@transaction.atomic
def record_placement_order(user: SignedInUser, decision: AdoptionDecision, *, on: datetime.date) -> AdoptionDecision:
    """The court's placement order (s21): the child's legal status becomes E1 from that day."""
    decision = _lock(decision)
    errors = Errors()
    _check_open(errors, decision)
    if decision.authority:
        errors.add("__all__", f"Already recorded: {decision.get_authority_display()}")
    _day(errors, "on", on, "date of the placement order", decision.decided_on, "the decision to place for adoption")
    errors.raise_if_any()
    _care_rules(lambda: care.change_legal_status(user, decision.period, code=PLACEMENT_ORDER, on=on))
    decision.authority, decision.placement_order_on = AdoptionDecision.Authority.PLACEMENT_ORDER, as_date(on)
    decision.save(update_fields=["authority", "placement_order_on"])
    if not decision.matched_on:
        issue_due(
            ORDER_TO_MATCH,
            decision.placement_order_on,
            person=decision.person,
            subject=decision,
            episode=decision.period.episode,
        )
    _event(decision, "adoption-authority", "Placement order made", user)
    audit.record_change(
        user,
        decision,
        {"placement_order_on": (None, decision.placement_order_on)},
        person=decision.person,
        summary="Recorded the placement order",
    )
    return decision


@transaction.atomic
def record_consent(user: SignedInUser, decision: AdoptionDecision, *, on: datetime.date) -> AdoptionDecision:
    """Each parent's consent to placement for adoption (s19), the authority to place."""
    decision = _lock(decision)
    errors = Errors()
    _check_open(errors, decision)
    if decision.authority:
        errors.add("__all__", f"Already recorded: {decision.get_authority_display()}")
    _day(errors, "on", on, "date consent was given", decision.period.start_date, "the child became looked after")
    errors.raise_if_any()
    decision.authority, decision.consent_on = AdoptionDecision.Authority.CONSENT, as_date(on)
    decision.save(update_fields=["authority", "consent_on"])
    _event(decision, "adoption-authority", "Consent to placement for adoption given", user)
    audit.record_change(
        user,
        decision,
        {"consent_on": (None, decision.consent_on)},
        person=decision.person,
        summary="Recorded consent to placement for adoption",
    )
    return decision


def household_details(household: AdopterHousehold, place: str, provider: str | None = None) -> care.PlacementDetails:
    return care.PlacementDetails(
        place=place,
        provider=provider or household.provider,
        carer=household.carer,
        postcode=household.postcode or (cast(Carer, household.carer).postcode if household.carer_id else ""),
        urn=household.agency_urn or (cast(Carer, household.carer).urn if household.carer_id else ""),
    )


def _check_household(errors, household, on, field="household", *, fostering=False):
    if household is None:
        errors.add(field, "Select the adopters")
        return
    if household.left_on and (on is None or household.left_on <= on):
        errors.add(field, f"{household.reference} left the process on {long_date(household.left_on)}")
    approved = household.ffa_approved_on if fostering else household.approved_on
    if approved is None or (on and approved > on):
        what = "approved as foster carers for fostering for adoption" if fostering else "approved as adopters"
        errors.add(field, f"{household.reference} were not {what} by that date")
    if household.carer_id is None:
        errors.add(field, f"{household.reference} have no carer record yet: record their approval first")


@transaction.atomic
def record_early_placement(
    user: SignedInUser,
    decision: AdoptionDecision,
    *,
    household: AdopterHousehold | None,
    on: datetime.date | None,
    kind: str = AdoptionDecision.EarlyPlacement.FFA,
    relative: bool = False,
) -> AdoptionDecision:
    """A fostering for adoption or concurrent planning placement (Children Act 1989 s22C(9A)):
    the child is placed as a foster child (U5, or U2 with a relative or friend) with carers who
    are approved prospective adopters, before the authority to place for adoption."""
    decision = _lock(decision)
    errors = Errors()
    _check_open(errors, decision)
    if decision.early_placement_on or decision.placed_on:
        errors.add("__all__", "The child has already been placed with these carers")
    if kind not in AdoptionDecision.EarlyPlacement.values:
        errors.add("kind", "Select fostering for adoption or concurrent planning")
    day = _day(errors, "on", on, "date of the placement", decision.period.start_date, "the child became looked after")
    _check_household(errors, household, day, fostering=True)
    if decision.household_id and household is not None and decision.household_id != household.pk:
        errors.add("household", "The child is matched with other adopters")
    errors.raise_if_any()
    placement = _care_rules(
        lambda: care.change_placement(
            user,
            decision.period,
            household_details(cast(AdopterHousehold, household), "U2" if relative else "U5"),
            on=day,
            change_reason=_change_reason(decision.period),
        )
    )
    decision.early_placement, decision.early_placement_on, decision.early_placement_record = kind, day, placement
    decision.household = household
    decision.save(update_fields=["early_placement", "early_placement_on", "early_placement_record", "household"])
    _event(
        decision,
        "adoption-placement",
        f"{decision.get_early_placement_display()} placement",
        user,
        detail=f"With {cast(AdopterHousehold, household).reference}",
    )
    audit.record_change(
        user,
        decision,
        {"early_placement_on": (None, day)},
        person=decision.person,
        summary="Recorded a fostering for adoption or concurrent planning placement",
    )
    return decision


def _change_reason(period):
    current = care.current_placement(period)
    return "" if current is None or current.place in care.TEMPORARY else CHANGE_REASON


@transaction.atomic
def record_match(
    user: SignedInUser,
    decision: AdoptionDecision,
    *,
    household: AdopterHousehold | None,
    matched_on: datetime.date | None,
    recommended_on: datetime.date | None = None,
    late_reason: str = "",
) -> AdoptionDecision:
    """The adoption panel's recommendation (reg 32) and the ADM's decision (reg 33) that the
    child should be placed with these prospective adopters (SSDA903 DATE_MATCH)."""
    decision = _lock(decision)
    errors = Errors()
    _check_open(errors, decision)
    if decision.matched_on:
        errors.add("__all__", f"The child was matched on {long_date(decision.matched_on)}")
    day = _day(
        errors,
        "matched_on",
        matched_on,
        "date of the match decision",
        decision.decided_on,
        "the decision to place for adoption (SSDA903 rule 333)",
    )
    if recommended_on and day and as_date(recommended_on) > day:
        errors.add("recommended_on", "The panel's recommendation comes before the match decision")
    _check_household(errors, household, day)
    if decision.early_placement_on and household is not None and decision.household_id not in (None, household.pk):
        errors.add("household", "The child is placed for fostering for adoption with other carers")
    deadline = due_to_meet(errors, decision, ORDER_TO_MATCH, day, late_reason)
    errors.raise_if_any()
    if deadline is not None:
        deadlines.complete(deadline, day, late_reason)
        _keep_late(decision, deadline, day, late_reason, "Match")
    decision.household, decision.matched_on = household, day
    decision.match_recommended_on = recommended_on
    decision.save(update_fields=["household", "matched_on", "match_recommended_on", "late_reasons"])
    _event(
        decision,
        "adoption-match",
        "Matched with prospective adopters",
        user,
        detail=f"With {cast(AdopterHousehold, household).reference}",
    )
    audit.record_change(
        user,
        decision,
        {"matched_on": (None, day), "household": (None, cast(AdopterHousehold, household).reference)},
        person=decision.person,
        summary="Recorded the match with prospective adopters",
    )
    return decision


def with_current_foster_carers(decision: AdoptionDecision) -> bool:
    """The adopters are the child's current foster carers (the placement now is a foster
    placement with their carer record)."""
    current = care.current_placement(decision.period)
    return bool(
        current
        and decision.household_id
        and cast(AdopterHousehold, decision.household).carer_id
        and current.carer_id == cast(AdopterHousehold, decision.household).carer_id
        and current.place in FOSTER
    )


@transaction.atomic
def record_placement(
    user: SignedInUser, decision: AdoptionDecision, *, on: datetime.date | None, late_reason: str = ""
) -> AdoptionDecision:
    """Placed for adoption with the matched adopters: the A code follows the authority to
    place and whether they are the child's current foster carers."""
    decision = _lock(decision)
    errors = Errors()
    _check_open(errors, decision)
    if decision.placed_on:
        errors.add("__all__", f"The child was placed for adoption on {long_date(decision.placed_on)}")
    if not decision.authority:
        errors.add("__all__", "There is no authority to place yet: record the placement order or the parents' consent")
    if not decision.matched_on:
        errors.add("__all__", "Match the child with adopters first (SSDA903 rule 331)")
    day = _day(
        errors, "on", on, "date of the placement", decision.matched_on or decision.decided_on, "the match decision"
    )
    status = care.current_legal_status(decision.period)
    if decision.authority == AdoptionDecision.Authority.PLACEMENT_ORDER and status and status.code != PLACEMENT_ORDER:
        errors.add("__all__", "The legal status is no longer a placement order (SSDA903 rule 408)")
    if decision.household_id:
        _check_household(errors, decision.household, day, field="__all__")
    deadline = due_to_meet(errors, decision, ENTRY_TO_PLACEMENT, day, late_reason)
    errors.raise_if_any()
    place = placement_code(decision.authority, with_current_foster_carers(decision))
    placement = _care_rules(
        lambda: care.change_placement(
            user,
            decision.period,
            household_details(cast(AdopterHousehold, decision.household), place),
            on=day,
            change_reason=_change_reason(decision.period),
        )
    )
    if deadline is not None:
        deadlines.complete(deadline, day, late_reason)
        _keep_late(decision, deadline, day, late_reason, "Placement")
    decision.placed_on, decision.placement = day, placement
    decision.save(update_fields=["placed_on", "placement", "late_reasons"])
    _event(
        decision,
        "adoption-placement",
        f"Placed for adoption ({place})",
        user,
        detail=f"With {cast(AdopterHousehold, decision.household).reference}",
    )
    audit.record_change(
        user,
        decision,
        {"placed_on": (None, day)},
        person=decision.person,
        summary="Recorded the placement for adoption",
    )
    return decision


@transaction.atomic
def record_adoption_order(
    user: SignedInUser, decision: AdoptionDecision, *, on: datetime.date | None, reason: str
) -> AdoptionDecision:
    """The adoption order: the period of care ends E11 (unopposed) or E12 (consent dispensed
    with) through childrenincare's cease_care."""
    decision = _lock(decision)
    errors = Errors()
    _check_open(errors, decision)
    if not decision.placed_on:
        errors.add("__all__", "The child has not been placed for adoption (SSDA903 rule 390)")
    day = _day(errors, "on", on, "date of the adoption order", decision.placed_on, "the placement for adoption")
    if day and decision.placed_on and day == decision.placed_on:
        errors.add("on", "The order comes after the placement for adoption began")
    if reason not in ADOPTED:
        errors.add("reason", "Select whether the application was unopposed or consent was dispensed with")
    age = age_on(decision.person, day) if day else None
    if age is not None and age >= 18:
        errors.add("on", "An adoption order cannot be made for someone aged 18 or over (SSDA903 rule 386)")
    errors.raise_if_any()
    _care_rules(lambda: care.cease_care(user, decision.period, on=day, reason=reason))
    decision.adoption_order_on, decision.adoption_order_reason = day, reason
    decision.save(update_fields=["adoption_order_on", "adoption_order_reason"])
    deadlines.withdraw(decision, reason=ADOPTED_REASON)
    _event(decision, "adoption-order", f"Adoption order: {codelists.label('episode-end-reason', reason)}", user)
    audit.record_change(
        user,
        decision,
        {"adoption_order_on": (None, day)},
        person=decision.person,
        summary="Recorded the adoption order",
    )
    return decision


@transaction.atomic
def record_no_longer_placed(
    user: SignedInUser, decision: AdoptionDecision, *, on: datetime.date | None, reason: str, detail: str = ""
) -> AdoptionDecision:
    """The decision that the child should no longer be placed for adoption, with the reason."""
    decision = _lock(decision)
    errors = Errors()
    _check_open(errors, decision)
    day = _day(
        errors,
        "on",
        on,
        "date of the decision",
        decision.decided_on,
        "the decision to place for adoption (SSDA903 rule 522)",
    )
    if not codelists.is_valid("adoption-placed-ceased-reason", reason, on=day):
        errors.add("reason", "Select why the child should no longer be placed for adoption")
    elif reason == NO_PLACEMENT_ORDER and decision.placement_order_on:
        errors.add("reason", "A placement order was made: choose another reason")
    status = care.current_legal_status(decision.period) if decision.period.end_date is None else None
    if status is not None and status.code == PLACEMENT_ORDER:
        errors.add(
            "__all__",
            "The placement order is still in force: record the legal status that follows its "
            "revocation on the care record first (SSDA903 rule 553)",
        )
    if day and decision.period.end_date and day > decision.period.end_date:
        errors.add("on", "The decision is made while the child is looked after (SSDA903 rule 117)")
    errors.raise_if_any()
    decision.ceased_on, decision.ceased_reason, decision.ceased_detail = day, reason, (detail or "").strip()
    decision.save(update_fields=["ceased_on", "ceased_reason", "ceased_detail"])
    deadlines.withdraw(decision, reason=NO_LONGER_PLACED_REASON)
    _event(
        decision,
        "adoption-decision-reversed",
        "Decision that the child should no longer be placed for adoption",
        user,
        detail=codelists.label("adoption-placed-ceased-reason", reason),
    )
    audit.record_change(
        user,
        decision,
        {"ceased_on": (None, day), "ceased_reason": ("", reason)},
        person=decision.person,
        summary="Recorded that the child should no longer be placed for adoption",
    )
    return decision


# --- Adopters -----------------------------------------------------------------------------

SEXES = ("M", "F")


def _check_adopter(errors, prefix, adopter):
    if not (adopter.get("given_names") or "").strip() or not (adopter.get("family_name") or "").strip():
        errors.add(prefix + "given_names", "Enter the adopter's given names and family name")
    if adopter.get("sex") not in SEXES:
        errors.add(prefix + "sex", "Select the adopter's sex")
    if adopter.get("ethnicity") and not codelists.is_valid("ethnicity", adopter["ethnicity"]):
        errors.add(prefix + "ethnicity", "Select the adopter's ethnicity")
    if adopter.get("disability", Adopter.Disability.UNKNOWN) not in Adopter.Disability.values:
        errors.add(prefix + "disability", "Select whether the adopter has a disability")


@transaction.atomic
def add_household(
    user: SignedInUser,
    *,
    name: str,
    relationship: str,
    enquiry_on: datetime.date | None,
    adopters: list[dict[str, Any]],
    postcode: str = "",
) -> AdopterHousehold:
    """An enquiry from one or two prospective adopters: the household and its identifier."""
    errors = Errors()
    if not (name or "").strip():
        errors.add("name", "Enter how the household is known")
    if relationship not in AdopterHousehold.Relationship.values:
        errors.add("relationship", "Select the adopters' relationship")
    _day(errors, "enquiry_on", enquiry_on, "date the enquiry was received")
    adopters = [a for a in adopters if any((a.get(k) or "").strip() for k in ("given_names", "family_name"))]
    single = relationship == AdopterHousehold.Relationship.SINGLE
    if single and len(adopters) != 1:
        errors.add("relationship", "A single adopter is one person: leave the second adopter blank")
    elif relationship and not single and len(adopters) != 2:
        errors.add("second_given_names", "Enter both adopters of a couple")
    for prefix, adopter in zip(("first_", "second_"), adopters, strict=False):
        _check_adopter(errors, prefix, adopter)
    errors.raise_if_any()
    household = AdopterHousehold.objects.create(
        reference=next_reference(),
        name=name.strip(),
        relationship=relationship,
        enquiry_on=as_date(cast(datetime.date, enquiry_on)),
        postcode=(postcode or "").strip().upper(),
        created_by=user,
    )
    for number, adopter in enumerate(adopters, 1):
        Adopter.objects.create(
            household=household,
            number=number,
            given_names=adopter["given_names"].strip(),
            family_name=adopter["family_name"].strip(),
            sex=adopter["sex"],
            ethnicity=adopter.get("ethnicity") or "",
            date_of_birth=adopter.get("date_of_birth"),
            disability=adopter.get("disability") or Adopter.Disability.UNKNOWN,
        )
    audit.record_creation(user, household, summary=f"Recorded an adoption enquiry ({household.reference})")
    return household


def _lock_household(household):
    return AdopterHousehold.objects.select_for_update().get(pk=household.pk)


def _stage(
    user,
    household,
    field,
    on,
    *,
    after,
    after_label,
    label,
    requires=None,
    requires_message="",
    late=None,
    late_reason="",
):
    """Record one dated step of the household's journey, in order."""
    household = _lock_household(household)
    errors = Errors()
    if household.left_on:
        errors.add("__all__", f"{household.reference} left the process on {long_date(household.left_on)}")
    if getattr(household, field):
        errors.add("__all__", f"Already recorded: {long_date(getattr(household, field))}")
    if requires and not getattr(household, requires):
        errors.add("__all__", requires_message)
    day = _day(errors, "on", on, label, getattr(household, after) if after else None, after_label)
    if late and day and getattr(household, late) and day > getattr(household, late) and not (late_reason or "").strip():
        errors.add("late_reason", f"This was due by {long_date(getattr(household, late))}: give the reason it is late")
    errors.raise_if_any()
    old = getattr(household, field)
    setattr(household, field, day)
    if late and getattr(household, late) and day > getattr(household, late):
        household.late_reasons = (
            household.late_reasons + "\n" if household.late_reasons else ""
        ) + f"{label[0].upper()}{label[1:]}: {late_reason.strip()}"
    return household, day, old


def _save_stage(user, household, fields, summary):
    household.save(update_fields=fields)
    audit.record_change(
        user,
        household,
        {f: (None, getattr(household, f)) for f in fields if f != "late_reasons"},
        summary=f"{summary} ({household.reference})",
    )
    return household


@transaction.atomic
def start_stage_1(user: SignedInUser, household: AdopterHousehold, *, on: datetime.date | None) -> AdopterHousehold:
    household, day, _ = _stage(
        user,
        household,
        "stage_1_started_on",
        on,
        after="enquiry_on",
        after_label="the enquiry",
        label="date stage 1 started",
    )
    household.stage_1_due_on = timescales.due(STAGE_1, day).due_date
    return _save_stage(user, household, ["stage_1_started_on", "stage_1_due_on"], "Started stage 1")


@transaction.atomic
def end_stage_1(
    user: SignedInUser, household: AdopterHousehold, *, on: datetime.date | None, late_reason: str = ""
) -> AdopterHousehold:
    household, day, _ = _stage(
        user,
        household,
        "stage_1_ended_on",
        on,
        after="stage_1_started_on",
        after_label="the start of stage 1",
        label="date stage 1 ended",
        requires="stage_1_started_on",
        requires_message="Stage 1 has not started",
        late="stage_1_due_on",
        late_reason=late_reason,
    )
    return _save_stage(user, household, ["stage_1_ended_on", "late_reasons"], "Ended stage 1")


@transaction.atomic
def record_application(
    user: SignedInUser, household: AdopterHousehold, *, on: datetime.date | None
) -> AdopterHousehold:
    household, day, _ = _stage(
        user,
        household,
        "application_on",
        on,
        after="stage_1_ended_on",
        after_label="the end of stage 1",
        label="date the application was submitted",
        requires="stage_1_ended_on",
        requires_message="Stage 1 has not ended",
    )
    return _save_stage(user, household, ["application_on"], "Recorded the application")


@transaction.atomic
def start_stage_2(user: SignedInUser, household: AdopterHousehold, *, on: datetime.date | None) -> AdopterHousehold:
    household, day, _ = _stage(
        user,
        household,
        "stage_2_started_on",
        on,
        after="application_on",
        after_label="the application",
        label="date stage 2 started",
        requires="application_on",
        requires_message="The application has not been submitted",
    )
    household.stage_2_due_on = timescales.due(STAGE_2, day).due_date
    return _save_stage(user, household, ["stage_2_started_on", "stage_2_due_on"], "Started stage 2")


@transaction.atomic
def end_stage_2(
    user: SignedInUser, household: AdopterHousehold, *, on: datetime.date | None, late_reason: str = ""
) -> AdopterHousehold:
    household, day, _ = _stage(
        user,
        household,
        "stage_2_ended_on",
        on,
        after="stage_2_started_on",
        after_label="the start of stage 2",
        label="date stage 2 ended",
        requires="stage_2_started_on",
        requires_message="Stage 2 has not started",
        late="stage_2_due_on",
        late_reason=late_reason,
    )
    return _save_stage(user, household, ["stage_2_ended_on", "late_reasons"], "Ended stage 2")


def _carer_for(household, user):
    if household.carer_id:
        return household.carer
    carer = Carer.objects.create(
        kind=Carer.Kind.ADOPTER,
        name=f"{household.reference} (prospective adopters)",
        provider=household.provider,
        urn=household.agency_urn,
        postcode=household.postcode,
        approval=Carer.Approval.APPROVED,
        approved_on=household.approved_on or household.ffa_approved_on,
        created_by=user,
    )
    household.carer = carer
    return carer


@transaction.atomic
def approve_household(user: SignedInUser, household: AdopterHousehold, *, on: datetime.date | None) -> AdopterHousehold:
    """The agency decision maker approves them as suitable to adopt (AAR 2005 reg 30B)."""
    household, day, _ = _stage(
        user,
        household,
        "approved_on",
        on,
        after="stage_2_ended_on",
        after_label="the end of stage 2",
        label="date of approval",
        requires="stage_2_ended_on",
        requires_message="Stage 2 has not ended",
    )
    _carer_for(household, user)
    return _save_stage(user, household, ["approved_on", "carer"], "Approved as prospective adopters")


@transaction.atomic
def approve_for_fostering_for_adoption(
    user: SignedInUser, household: AdopterHousehold, *, on: datetime.date | None
) -> AdopterHousehold:
    """Approval as foster carers for a fostering for adoption placement (Care Planning
    Regulations 2010 reg 25A: temporary approval of approved prospective adopters)."""
    household, day, _ = _stage(
        user,
        household,
        "ffa_approved_on",
        on,
        after="approved_on",
        after_label="approval as adopters",
        label="date of approval for fostering for adoption",
        requires="approved_on",
        requires_message="They must be approved as adopters first",
    )
    _carer_for(household, user)
    return _save_stage(user, household, ["ffa_approved_on", "carer"], "Approved for fostering for adoption")


@transaction.atomic
def record_left(
    user: SignedInUser, household: AdopterHousehold, *, on: datetime.date | None, reason: str
) -> AdopterHousehold:
    """They left the process: withdrew, put it on hold, or their application was refused."""
    household = _lock_household(household)
    errors = Errors()
    if household.left_on:
        errors.add("__all__", f"{household.reference} left the process on {long_date(household.left_on)}")
    _day(errors, "on", on, "date they left the process", household.enquiry_on, "the enquiry")
    if reason not in AdopterHousehold.LeftReason.values:
        errors.add("reason", "Select why they left the process")
    if reason == AdopterHousehold.LeftReason.REFUSED and household.approved_on:
        errors.add("reason", "They were approved: an approval is ended by withdrawal or putting the process on hold")
    if household.decisions.filter(
        placed_on__isnull=False, adoption_order_on__isnull=True, ceased_on__isnull=True
    ).exists():
        errors.add("__all__", "A child is placed with them for adoption")
    errors.raise_if_any()
    household.left_on, household.left_reason = as_date(cast(datetime.date, on)), reason
    household.save(update_fields=["left_on", "left_reason"])
    if household.carer_id:
        Carer.objects.filter(pk=household.carer_id).update(
            approval=Carer.Approval.ENDED, approval_ended_on=household.left_on
        )
    audit.record_change(
        user,
        household,
        {"left_on": (None, household.left_on), "left_reason": ("", reason)},
        summary=f"Recorded that they left the adoption process ({household.reference})",
    )
    return household


def one_day_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=1)
