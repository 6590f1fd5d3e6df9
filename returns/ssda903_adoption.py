"""SSDA903 AD1 and PlacedAdoption, built from the adoption app (adoption.models).

Which children, as the DfE's rules (csc-validator-be-903) read them:

- Only children with an episode in the year (rule 1012): a care leaver in the OC3 cohort
  alone has no adoption rows.
- AD1: one row per child adopted in the year (a period of care ended E11 or E12 between 1
  April and 31 March, rules 601 and 602; once per child, INT31): DATE_INT the agency decision
  maker's decision that the child should be placed for adoption (the same date as
  PlacedAdoption DATE_PLACED, rule 523), DATE_MATCH the match decision, FOSTER_CARE from the
  placement (A3, A5: adopted by the foster carers, rule 335), NB_ADOPTR, SEX_ADOPTR and
  LS_ADOPTR from the adopters' household (adoption.selectors).
- PlacedAdoption: one row per decision that the child should be placed for adoption that was
  in force at some time in the year: made by 31 March and not reversed before 1 April (a
  reversal is reported in the year it happens, rule 118). DATE_PLACED_CEASED and
  REASON_PLACED_CEASED when it was reversed in the year (rule 119).
"""

from django.db.models import Q

from adoption import selectors
from adoption.models import AdoptionDecision
from childrenincare.models import CareEpisode

from .collection import collection_period, dmy


def tables(year, people, ids):
    """(AD1 rows, PlacedAdoption rows) for the collection year ending 31 March `year`.
    `people` is {person id: Person} of the children in the return, `ids` {person id: CHILD}."""
    start, end = collection_period(year)
    with_episodes = set()
    person_ids = list(people)
    for index in range(0, len(person_ids), 5000):
        chunk = person_ids[index : index + 5000]
        with_episodes.update(
            CareEpisode.objects.filter(person_id__in=chunk, start_date__lte=end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
            .values_list("person_id", flat=True)
        )
    decisions = []
    ordered = sorted(with_episodes)
    for index in range(0, len(ordered), 5000):
        decisions += list(
            AdoptionDecision.objects.filter(person_id__in=ordered[index : index + 5000], decided_on__lte=end)
            .filter(Q(ceased_on__isnull=True) | Q(ceased_on__gte=start))
            .select_related("household", "placement")
            .prefetch_related("household__adopters")
            .order_by("person_id", "decided_on", "id")
        )
    ad1, placed, adopted = [], [], set()
    for decision in decisions:
        person = people[decision.person_id]
        ceased = decision.ceased_on if decision.ceased_on and decision.ceased_on <= end else None
        placed.append(
            {
                "CHILD": ids[person.pk],
                "DOB": dmy(person.date_of_birth),
                "DATE_PLACED": dmy(decision.decided_on),
                "DATE_PLACED_CEASED": dmy(ceased),
                "REASON_PLACED_CEASED": decision.ceased_reason if ceased else "",
            }
        )
        order = decision.adoption_order_on
        if order and start <= order <= end and person.pk not in adopted:
            adopted.add(person.pk)
            household = decision.household
            ad1.append(
                {
                    "CHILD": ids[person.pk],
                    "DOB": dmy(person.date_of_birth),
                    "DATE_INT": dmy(decision.decided_on),
                    "DATE_MATCH": dmy(decision.matched_on),
                    "FOSTER_CARE": selectors.foster_care(decision),
                    "NB_ADOPTR": str(selectors.adopter_count(household)) if household else "",
                    "SEX_ADOPTR": selectors.adopter_sex(household) if household else "",
                    "LS_ADOPTR": selectors.adopter_legal_status(household) if household else "",
                }
            )
    return ad1, placed
