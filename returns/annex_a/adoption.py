"""Ofsted Annex A List 10 (adoption) and List 11 (adopters), from the adoption app.

Both look back 12 months from the inspection date D (window.year_start to D).

- List 10: one row per decision that a child should be placed for adoption made by D and, on
  D, still in force, or ended in the 12 months (the child adopted, or the decision that they
  should no longer be placed). The family identifier is the matched household's. Dates after
  D are left blank. The reason uses the template's drop-down strings.
- List 11: one row per prospective adopter of a household whose enquiry was received by D and
  who were in the process at some time in the 12 months: not left before the look-back, and
  not with every child they were matched with adopted before it. "Fostering for adoption" is
  Yes when approved for it by D. Matched, placed and adoption order dates are the latest by
  D of the household's children; the number placed counts children placed with them by D.

Strings from the template as liia-tools-pipeline reads it (SocialFinanceDigitalLabs/
liia-tools-pipeline, liiatools/annex_a_pipeline/spec/Annex_A_schema.yml, list_10 and list_11):
"a) Child’s needs changed", "b) Court did not make a PO", "c) Prospective adopters cannot be
found", "d) Any other reason"; "Yes"/"No" for fostering for adoption; "a) Withdrew",
"b) Process on hold", "c) Application refused".
"""

from django.db.models import Q

from adoption.models import AdopterHousehold, AdoptionDecision

from . import selectors as annex_a

REASON_NO_LONGER = {
    "RD1": "a) Child\u2019s needs changed",
    "RD2": "b) Court did not make a PO",
    "RD3": "c) Prospective adopters cannot be found",
    "RD4": "d) Any other reason",
}
FOSTERING_FOR_ADOPTION = {True: "Yes", False: "No"}
REASON_LEFT = {"withdrew": "a) Withdrew", "on_hold": "b) Process on hold", "refused": "c) Application refused"}
DISABILITY = {"yes": annex_a.YES, "no": annex_a.NO, "unknown": annex_a.UNKNOWN}


def _by(day, limit):
    return day if day is not None and day <= limit else None


def list_10(window):
    """The rows (dicts keyed by annex_a.HEADERS["List 10"]) for the inspection date window.day."""
    day, since = window.day, window.year_start
    found = list(
        AdoptionDecision.objects.filter(decided_on__lte=day)
        .filter(Q(ceased_on__isnull=True) | Q(ceased_on__gte=since))
        .filter(Q(adoption_order_on__isnull=True) | Q(adoption_order_on__gte=since))
        .select_related("person", "period", "household")
        .order_by("decided_on", "id")
    )
    children = annex_a.Children(annex_a._people(found), day)
    rows = []
    for decision in found:
        ceased = _by(decision.ceased_on, day)
        row = children.common(decision.person_id)
        row.update(
            {
                "Family identifier": decision.household.reference
                if decision.household_id and _by(decision.matched_on, day)
                else "",
                annex_a.DISABILITY: children.disability(decision.person_id),
                "Date the Child Entered Care": decision.period.start_date,
                "Date of Decision that Child Should be Placed for Adoption": decision.decided_on,
                "Date of Placement Order": _by(decision.placement_order_on, day),
                "Date of Matching Child and Prospective Adopters": _by(decision.matched_on, day),
                "Date Placed for Adoption": _by(decision.placed_on, day),
                "Date of Adoption Order": _by(decision.adoption_order_on, day),
                "Date of Decision that Child Should No Longer be Placed for Adoption": ceased,
                "Reason Why Child No Longer Placed for Adoption": REASON_NO_LONGER.get(decision.ceased_reason, "")
                if ceased
                else "",
                "Date the child was placed for fostering in FFA or concurrent planning placement": _by(
                    decision.early_placement_on, day
                ),
            }
        )
        rows.append({header: row.get(header, "") for header in annex_a.HEADERS["List 10"]})
    return rows


def list_11(window):
    """The rows (dicts keyed by annex_a.HEADERS["List 11"]) for the inspection date window.day."""
    day, since = window.day, window.year_start
    households = (
        AdopterHousehold.objects.filter(enquiry_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=since))
        .prefetch_related("adopters", "decisions")
        .order_by("reference")
    )
    rows = []
    for household in households:
        decisions = list(household.decisions.all())
        orders = [_by(d.adoption_order_on, day) for d in decisions]
        if decisions and all(d.adoption_order_on and d.adoption_order_on < since for d in decisions):
            continue  # every child they were matched with was adopted before the 12 months
        matched = [m for m in (_by(d.matched_on, day) for d in decisions) if m]
        placed = [p for p in (_by(d.placed_on, day) for d in decisions) if p]
        orders = [o for o in orders if o]
        left = _by(household.left_on, day)
        for adopter in household.adopters.all():
            row = {
                "Individual adopter identifier": f"{household.reference}-{adopter.number}",
                "Family identifier": household.reference,
                annex_a.SEX_HEADER: annex_a.SEX.get(adopter.sex, annex_a.SEX_NOT_RECORDED),
                "Ethnicity": annex_a.ETHNICITY.get(adopter.ethnicity, annex_a.ETHNICITY_NOT_OBTAINED),
                "Disability": DISABILITY.get(adopter.disability, annex_a.UNKNOWN),
                "Is the (prospective) adopter fostering for adoption?": FOSTERING_FOR_ADOPTION[
                    _by(household.ffa_approved_on, day) is not None
                ],
                "Date enquiry received": household.enquiry_on,
                "Date Stage 1 started": _by(household.stage_1_started_on, day),
                "Date Stage 1 ended": _by(household.stage_1_ended_on, day),
                "Date Stage 2 started": _by(household.stage_2_started_on, day),
                "Date Stage 2 ended": _by(household.stage_2_ended_on, day),
                "Date application submitted": _by(household.application_on, day),
                "Date application approved": _by(household.approved_on, day),
                "Date adopter matched with child(ren)": max(matched) if matched else None,
                "Date child/children placed with adopter(s)": max(placed) if placed else None,
                "No. of children placed": len(placed),
                "Date of Adoption Order": max(orders) if orders else None,
                "Date of leaving adoption process": left,
                "Reason for leaving adoption process": REASON_LEFT.get(household.left_reason, "") if left else "",
            }
            rows.append(row)
    return rows
