"""The SSDA903 children looked after return for a collection year (1 April to 31 March),
built from the case records, never re-typed: one table per CSV the DfE portal and the
Data to Insight validator read, with their exact headers (shared/domain/returns.md
section 5) and dates as dd/mm/yyyy.

`build(year)` returns {table name: list of rows (dicts keyed by header)} for the year ending
31 March `year` (2026 for 2025/26). Built here from the records: Header, Episodes (the
derived childrenincare.CareEpisode rows), Reviews, UASC, Missing, PrevPerm (asked when a
child starts to be looked after) and SWEpisodes (the social workers allocated to the child's
episodes, familyhelp.Allocation, with the reason each changed) and OC2 (children looked after
for 12 months at 31 March: childrenincare.outcomes), OC3 (care leavers in touch around their
17th to 21st birthdays: returns.ssda903_leaving_care, from leavingcare; they are in the Header
without an episode) and AD1 and PlacedAdoption (returns.ssda903_adoption, from adoption).
"""

import csv
from pathlib import Path

from django.db.models import Q

from childrenincare import outcomes
from childrenincare.models import CareEpisode, LookedAfterReview, PeriodOfCare, YearOutcomes
from exploitation.models import MissingEpisode
from familyhelp.models import Allocation
from people.ages import age_on
from people.models import Identifier, Relationship

from . import ssda903_adoption, ssda903_leaving_care
from .collection import child_id, collection_period, dmy

HEADERS = {
    "Header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "Episodes": [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ],
    "Reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "UASC": ["CHILD", "SEX", "DOB", "DUC"],
    "OC2": [
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ],
    "OC3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "AD1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
    "PlacedAdoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "PrevPerm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "Missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "SWEpisodes": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
    "DoLo": ["CHILD", "DOB", "DOLO_START", "DOLO_END"],
}
# Tables that begin in a later collection year (the year it ends): deprivation of liberty
# orders from 2026/27 (returns.md section 5), written with headers only until they are kept.
FIRST_YEAR = {"DoLo": 2027}


def tables_for(year):
    """The table names of the return for the collection year ending 31 March `year`."""
    return [name for name in HEADERS if FIRST_YEAR.get(name, 0) <= year]


UPN_NOT_KNOWN_NEW = "UN4"  # newly looked after, UPN not yet known (903 UPN codes)
UPN_NOT_AT_SCHOOL = "UN1"  # under school age, not yet at school (rule 209: never for school age)


def upn_for(person, recorded, end):
    """The UPN, or the code for why there is none: UN1 for a child under 5 at 31 March, else UN4
    (which the checks list as rule 210 for a child looked after for more than a week)."""
    if recorded:
        return recorded
    age = age_on(person, end)
    if age is not None and age < 5:
        return UPN_NOT_AT_SCHOOL
    return UPN_NOT_KNOWN_NEW


SHORT_BREAKS = {"V3", "V4"}


def motherhood(episodes, people, end):
    """{person id: (MOTHER, MC_DOB as a date or None)} for the Header, from the person index: a
    looked-after girl or young woman is a mother when the index records her as the parent of a
    child born by the end of the year, or by the day she stopped being looked after if that
    came first (rule 625); MC_DOB is her first child's date of birth. A baby not yet in the
    index is recorded there (a person, with the relationship "parent"), never typed into the
    return. Asked only of those looked after in the year, and not of a child looked after only
    under short breaks, V3 or V4 (rules 393, 399, 628)."""
    last_day, asked = {}, set()
    for e in episodes:
        left = e.end_date if e.end_date is not None and e.end_date <= end else end
        last_day[e.person_id] = max(last_day.get(e.person_id, left), left)
        if e.legal_status not in SHORT_BREAKS:
            asked.add(e.person_id)
    females = [pk for pk in asked if people[pk].sex == "F"]
    first_child = {}
    for mother_id, born in Relationship.objects.filter(
        related_person_id__in=females, relationship=Relationship.Type.PARENT, person__date_of_birth__isnull=False
    ).values_list("related_person_id", "person__date_of_birth"):
        if born <= last_day[mother_id] and (mother_id not in first_child or born < first_child[mother_id]):
            first_child[mother_id] = born
    return {pk: ("1", first_child[pk]) if pk in first_child else ("0", None) for pk in females}


def _in_year(day, start, end):
    return day is not None and start <= day <= end


def build(year, children=None):
    """The return's tables for the collection year ending 31 March `year`. Pass a dict as
    `children` to have it filled with {CHILD as in the return: person id}, for links to records."""
    start, end = collection_period(year)
    episodes = list(
        CareEpisode.objects.filter(start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .select_related("person")
        .order_by("person_id", "start_date", "id")
    )
    people = {e.person_id: e.person for e in episodes}
    # Care leavers in the OC3 cohort are in the return (Header, OC3) without an episode this year.
    leavers = ssda903_leaving_care.oc3(year)
    for person, _ in leavers:
        people.setdefault(person.pk, person)
    ids = _child_ids(people)
    if children is not None:
        children.update({child: pk for pk, child in ids.items()})
    upns = _current(people, Identifier.Type.UPN)
    tables = {name: [] for name in tables_for(year)}
    mothers = motherhood(episodes, people, end)
    for person in people.values():
        mother, first_born = mothers.get(person.pk, ("", None))
        tables["Header"].append(
            {
                "CHILD": ids[person.pk],
                "SEX": person.sex or "U",
                "DOB": dmy(person.date_of_birth),
                "ETHNIC": person.ethnicity,
                "UPN": upn_for(person, upns.get(person.pk), end),
                "MOTHER": mother,
                "MC_DOB": dmy(first_born) if first_born else "",
            }
        )
    for e in episodes:
        ended = _in_year(e.end_date, start, end)
        tables["Episodes"].append(
            {
                "CHILD": ids[e.person_id],
                "DECOM": dmy(e.start_date),
                "RNE": e.new_episode_reason,
                "LS": e.legal_status,
                "CIN": e.category_of_need,
                "PLACE": e.place,
                "PLACE_PROVIDER": e.provider,
                "DEC": dmy(e.end_date) if ended else "",
                "REC": e.end_reason if ended else "",
                "REASON_PLACE_CHANGE": e.placement_change_reason if ended else "",
                "HOME_POST": e.home_postcode,
                "PL_POST": e.placement_postcode,
                "URN": e.urn,
            }
        )
    reviews = (
        LookedAfterReview.objects.filter(held_on__range=(start, end), period__person_id__in=list(people))
        .select_related("period")
        .order_by("period__person_id", "held_on")
    )
    for review in reviews:
        person = people[review.period.person_id]
        tables["Reviews"].append(
            {
                "CHILD": ids[person.pk],
                "DOB": dmy(person.date_of_birth),
                "REVIEW": dmy(review.held_on),
                "REVIEW_CODE": review.participation,
            }
        )
    uasc = PeriodOfCare.objects.filter(person_id__in=list(people), unaccompanied_asylum_seeker=True).order_by(
        "person_id", "-start_date"
    )
    seen = set()
    for period in uasc:
        if period.person_id in seen:
            continue
        seen.add(period.person_id)
        person = people[period.person_id]
        tables["UASC"].append(
            {
                "CHILD": ids[person.pk],
                "SEX": person.sex or "U",
                "DOB": dmy(person.date_of_birth),
                "DUC": dmy(period.uasc_ceased_on),
            }
        )
    tables["Missing"] = _missing(people, ids, episodes, start, end)
    tables["PrevPerm"] = _previous_permanence(people, ids, start, end)
    tables["OC2"] = _outcomes(year, people, ids)
    tables["SWEpisodes"] = _social_worker_episodes(people, ids, start, end)
    tables["OC3"] = [{"CHILD": ids[person.pk], "DOB": dmy(person.date_of_birth), **row} for person, row in leavers]
    tables["AD1"], tables["PlacedAdoption"] = ssda903_adoption.tables(year, people, ids)
    return tables


def _yes_no(value):
    return "" if value is None else str(int(value))


def _outcomes(year, people, ids):
    """OC2: each child looked after for 12 months at 31 March, the health figures from the health
    assessments and the rest from the year's outcomes the worker recorded (blank until they do,
    which the checks list)."""
    periods = [p for p in outcomes.in_scope(year) if p.person_id in people]
    recorded = {o.period_id: o for o in YearOutcomes.objects.filter(period__in=periods, year=year)}
    assessments = outcomes.assessments_by_period(periods, year)
    rows = []
    for period in periods:
        person, found = people[period.person_id], recorded.get(period.pk)
        health = outcomes.health_figures(period, year, assessments.get(period.pk, []))
        age = age_on(person, outcomes.year_end(year))
        rows.append(
            {
                "CHILD": ids[person.pk],
                "DOB": dmy(person.date_of_birth),
                "SDQ_SCORE": "" if found is None or found.sdq_score is None else str(found.sdq_score),
                "SDQ_REASON": found.sdq_reason if found else "",
                "CONVICTED": _yes_no(found.convicted) if found else "",
                "HEALTH_CHECK": _yes_no(found.health_check) if found and age is not None and age < 5 else "",
                "IMMUNISATIONS": str(health["IMMUNISATIONS"]),
                "TEETH_CHECK": str(health["TEETH_CHECK"]),
                "HEALTH_ASSESSMENT": str(health["HEALTH_ASSESSMENT"]),
                "SUBSTANCE_MISUSE": _yes_no(found.substance_misuse) if found else "",
                "INTERVENTION_RECEIVED": _yes_no(found.intervention_received) if found else "",
                "INTERVENTION_OFFERED": _yes_no(found.intervention_offered) if found else "",
            }
        )
    return rows


def _previous_permanence(people, ids, start, end):
    """A row for each child who started to be looked after in the year (rule 630), from the
    latest such period of care."""
    rows = {}
    for period in PeriodOfCare.objects.filter(person_id__in=list(people), start_date__range=(start, end)).order_by(
        "person_id", "start_date"
    ):
        person = people[period.person_id]
        rows[period.person_id] = {
            "CHILD": ids[person.pk],
            "DOB": dmy(person.date_of_birth),
            "PREV_PERM": period.previous_permanence,
            "LA_PERM": period.previous_permanence_la,
            "DATE_PERM": dmy(period.previous_permanence_date),
        }
    return list(rows.values())


def social_worker_id(worker_id):
    """SW_ID: 'SW' and the worker's number in this service (rule SW02STG1: starts SW, 4 or more
    characters). [U] The DfE guide suggests the Social Work England number where known."""
    return f"SW{worker_id:06d}"


FIRST_CONTACT = "FCONTA"


def _social_worker_episodes(people, ids, start, end):
    """The social workers of each child over the year, looked after or not (rule SW12STG2):
    one episode per worker in a row (a move of team with the same worker is not a new episode),
    the reason on each new one as recorded at allocation, except that the first allocation, or
    one after a gap of more than 7 days, is a first contact, FCONTA (rule SW10aSTG2)."""
    rows = []
    allocations = (
        Allocation.objects.filter(episode__person_id__in=list(people), worker__isnull=False, start_date__lte=end)
        .values("episode__person_id", "episode_id", "worker_id", "start_date", "end_date", "change_reason")
        .order_by("episode__person_id", "start_date", "id")
    )
    by_child = {}
    for a in allocations:
        by_child.setdefault(a["episode__person_id"], []).append(a)
    for pk, history in by_child.items():
        merged = []
        for a in history:
            if a["end_date"] is not None and a["end_date"] <= a["start_date"]:
                continue  # [U] under a day: not a social worker episode (rule SW09STG2)
            last = merged[-1] if merged else None
            if (
                last is not None
                and last["worker_id"] == a["worker_id"]
                and last["end_date"] is not None
                and a["start_date"] <= last["end_date"]
                and last["episode_id"] == a["episode_id"]
            ):
                last["end_date"] = a["end_date"]
                continue
            # A new involvement (the first, a new referral, or after a gap of more than a week) is a
            # first contact.
            fresh = (
                last is None
                or last["episode_id"] != a["episode_id"]
                or (last["end_date"] is not None and (a["start_date"] - last["end_date"]).days > 7)
            )
            merged.append(dict(a, reason=FIRST_CONTACT if fresh else a["change_reason"]))
        person = people[pk]
        for index, a in enumerate(merged):
            if a["end_date"] is not None and a["end_date"] < start:
                continue
            # [U] The child's last social worker episode is reported open, with no SW_DEC, even
            # when the case has closed since (the validator's SW17STG2); confirm with the DfE guide.
            last = index == len(merged) - 1
            ended = _in_year(a["end_date"], start, end) and not last
            rows.append(
                {
                    "CHILD": ids[pk],
                    "DOB": dmy(person.date_of_birth),
                    "SW_ID": social_worker_id(a["worker_id"]),
                    "SW_DECOM": dmy(a["start_date"]),
                    "SW_DEC": dmy(a["end_date"]) if ended else "",
                    "SW_REASON": a["reason"],
                }
            )
    return rows


def _missing(people, ids, episodes, start, end):
    """Missing or away episodes that began while the child was looked after and overlap the year."""
    care = {}
    for e in episodes:
        care.setdefault(e.person_id, []).append((e.start_date, e.end_date))
    rows = []
    found = (
        MissingEpisode.objects.filter(person_id__in=list(people), started_at__date__lte=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__date__gte=start))
        .order_by("person_id", "started_at")
    )
    for episode in found:
        began = episode.started_at.date()
        if not any(s <= began and (e is None or began <= e) for s, e in care.get(episode.person_id, ())):
            continue
        person = people[episode.person_id]
        rows.append(
            {
                "CHILD": ids[person.pk],
                "DOB": dmy(person.date_of_birth),
                "MISSING": episode.kind,
                "MIS_START": dmy(began),
                # Blank while the child is still missing at 31 March (903 rule 571: within the year).
                "MIS_END": dmy(episode.ended_at.date()) if episode.ended_at and episode.ended_at.date() <= end else "",
            }
        )
    return rows


def _current(people, id_type):
    """{person id: value} of each person's current identifier of a type, in one query."""
    return dict(
        Identifier.objects.filter(person_id__in=list(people), id_type=id_type, valid_to__isnull=True).values_list(
            "person_id", "value"
        )
    )


def _child_ids(people):
    """CHILD: the local authority child ID where one is recorded, otherwise the record id."""
    found = _current(people, Identifier.Type.LA_CHILD_ID)
    return {pk: child_id(found.get(pk), pk) for pk in people}


def write(tables, directory):
    """One CSV per table of the return (those in `tables`), exact headers, UTF-8. Returns the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, header in HEADERS.items():
        if name not in tables:
            continue
        path = directory / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(tables.get(name, []))
        paths.append(path)
    return paths


class _Echo:
    def write(self, value):
        return value


def csv_lines(tables, name):
    """One table of the return as CSV text, a line at a time, exactly as `write` writes the file
    (for a StreamingHttpResponse: a large table is never held as one string)."""
    writer = csv.DictWriter(_Echo(), fieldnames=HEADERS[name], lineterminator="\r\n")
    yield writer.writeheader()
    for row in tables.get(name, []):
        yield writer.writerow(row)
