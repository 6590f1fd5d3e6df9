"""The children in need census (CIN census) for a collection year, as the DfE's XML, built
from the case records, never re-typed (shared/domain/returns.md section 7).

Scope. Every child with a child-in-need episode (frontdoor.Referral) open at any point in
the collection year ending 31 March `year` (1 April year-1 to 31 March year: 2026 for
2025/26): referred on or before 31 March and not closed before 1 April. One Child per child,
with one CINdetails for each of their episodes open in the year. Inside an episode, the
modules are filtered to the year as the DfE guide asks:

- Assessments (familyhelp.Assessment and its AssessmentFactor codes): started by 31 March and
  not authorised before 1 April. The authorisation date, and the factors identified at the
  end of the assessment, only when authorised by 31 March.
- CINPlanDates (familyhelp.ChildInNeedPlan): plans open at any point in the year.
- Section47 (childprotection.Section47Enquiry): enquiries started in the year, or open on
  1 April (no outcome yet, or an outcome or initial conference in the year); not one whose
  initial conference was before 1 April. DateOfInitialCPC is the initial (or pre-birth)
  conference that followed that enquiry, held in the year (rule 8715).
- CINdetails DateOfInitialCPC: an initial conference of the episode held in the year that no
  exported enquiry led to (never both, DfE rule 2884). Transfer-in conferences are not
  initial conferences here.
- ChildProtectionPlans (childprotection.ChildProtectionPlan): plans open at any point in the
  year, with the initial and latest category of abuse, the number of previous plans and the
  review conferences (Conference kind review, ConferenceChild.plan) held in the year.
- A closure (CINclosureDate, ReasonForClosure), a plan's end or a death after 31 March is not
  part of this year's return and is left out, as in the SSDA903.
- ReferralNFA is 1 for a referral that led to no further action: the episode closed RC7 with
  nothing after the referral (familyhelp.services.close_episode records it on the referral,
  frontdoor.Referral.referral_nfa; the DfE's rules 8831, 4000 and 8832 say such a referral has
  no assessment, section 47 enquiry, initial conference or plan, and 8825Q that RC8 and RC9
  need an assessment, so neither can close one). It is written 1 only when the closure is in
  this return (by 31 March: before then the referral is still open and the outcome unknown)
  and the referral was made on or after the working day before 1 April (rule 8569Q: "a case
  with referral date before one working day prior to the collection start date must not be
  flagged as a no further action case"); 0 otherwise.
- PreProceedingsandFGDM (from 2026/27, collection year 2027; childprotection.PreProceedings
  and its meetings): every pre-proceedings of the episode open at any point in the year, each
  date written only when it falls in the year, as the year's rules ask of every date they
  check (9005, 9006, 9008, 9009, 9012, 9013: "must fall within the reporting year") [U: the
  DfE guide was not found; the rules are Data to Insight's, branch pre-proceedings-rules].
  FGDMMeetingOffer goes with the letter before proceedings that carries the offer (rule
  9007), FGDMMeetingFac with the offer (1 when the family meeting was held by 31 March,
  rule 9010Q), ReviewMeetingsCount with the initial meeting (the reviews held by 31 March,
  rule 9015Q [U]), PPOutcome with the step decision (its A/B/C code from
  childprotection/data/pre_proceedings.json [U]). The module is written last in CINdetails,
  after ChildProtectionPlans: no 2026/27 schema was found to confirm the position [U]. For
  2025/26 and before nothing of it is read or written: those files are unchanged.

The child: people.Person (sex, date of birth or expected date of birth, ethnicity, date of
death), people.PersonDisability (codes), and people.Identifier current (valid_to empty): the
local authority child ID (LAchildID; the record id where none is recorded, as the SSDA903
does), UPN and former UPN. A child with no UPN gets UPNunknown UN7 when every episode in the
year is a referral with no further action (rule 8772) and UN1 when not of school age on 31
March (rule 8770Q's reckoning) or unborn; otherwise neither, and returns.cin.validation asks
for the UPN. Nothing the records hold is changed or made up: a missing sex or ethnicity is
written empty and reported by the checks, so a child is never silently dropped.

Header: Collection CIN, Year, ReferenceDate (31 March), SourceLevel L, LEA (the local
authority's partners.Agency.la_code), SoftwareCode, Release, SerialNo (three digits or
more), DateTime.

The schema. No DfE XSD is kept in the repository: the one found for 2025/26 is Social Finance's
copy in liia-tools-pipeline (liiatools/cin_census_pipeline/spec/CIN_schema_2026.xsd, commit
5d290ec), whose licence the repository does not state and which keeps 18A and 19A "due to
client request", so it is not the DfE's text. Point CIN_CENSUS_XSD at the DfE's published
schema to run returns/tests/test_cin_census.py's schema test. The element order here follows it.

`build(year)` returns plain data in a handful of queries, whatever the number of children
(each query filtered by a subquery of the episodes in the year, read with .values() and
.iterator(), grouped in Python); `write(data, path)` writes the XML with lxml's incremental
writer, one Child at a time, elements in the CIN schema's order.
"""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from lxml import etree

from audit.models import AuditEvent
from childprotection.models import (
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    PreProceedings,
    PreProceedingsMeeting,
    Section47Enquiry,
)
from childprotection.pre_proceedings.selectors import outcome_code
from familyhelp.models import Assessment, AssessmentFactor, ChildInNeedPlan
from frontdoor.models import Referral
from kernel.working_days import is_working_day
from people.models import Identifier, Person, PersonDisability

from ..collection import authority, child_id, collection_period

SOFTWARE_CODE = "Safeguarding children (open source)"
RELEASE = "1"
CHUNK = 2000

# The CIN schema's element order. A value is written when it is not None; a list of dicts
# is written as repeated elements; the wrapped lists name their wrapper and item.
CHILD_IDENTIFIERS = [
    "LAchildID",
    "UPN",
    "FormerUPN",
    "UPNunknown",
    "PersonBirthDate",
    "ExpectedPersonBirthDate",
    "Sex",
    "PersonDeathDate",
]
CIN_DETAILS = [
    "CINreferralDate",
    "ReferralSource",
    "PrimaryNeedCode",
    "CINclosureDate",
    "ReasonForClosure",
    "DateOfInitialCPC",
    "Assessments",
    "CINPlanDates",
    "Section47",
    "ReferralNFA",
    "ChildProtectionPlans",
]
ASSESSMENT = [
    "AssessmentActualStartDate",
    "AssessmentInternalReviewDate",
    "AssessmentAuthorisationDate",
    "FactorsIdentifiedAtAssessment",
]
CIN_PLAN = ["CINPlanStartDate", "CINPlanEndDate"]
SECTION_47 = ["S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"]
CP_PLAN = [
    "CPPstartDate",
    "CPPendDate",
    "InitialCategoryOfAbuse",
    "LatestCategoryOfAbuse",
    "NumberOfPreviousCPP",
    "Reviews",
]
# 2026/27 (collection year 2027) adds module 5, pre-proceedings and family group decision-making.
PRE_PROCEEDINGS_FROM = 2027
PRE_PROCEEDINGS = [
    "PPStartDate",
    "LBPSentDate",
    "FGDMMeetingOffer",
    "FGDMMeetingFac",
    "InitialPPMeetingDate",
    "ReviewMeetingsCount",
    "StepDecisionDate",
    "PPOutcome",
    "CourtAppDate",
    "LetterInitCPDate",
]
CIN_DETAILS_FROM_2027 = CIN_DETAILS + ["PreProceedingsandFGDM"]  # position [U]: no 2026/27 XSD found
ORDER = {
    "Assessments": ASSESSMENT,
    "CINPlanDates": CIN_PLAN,
    "Section47": SECTION_47,
    "ChildProtectionPlans": CP_PLAN,
    "PreProceedingsandFGDM": PRE_PROCEEDINGS,
}
WRAPPED = {
    "Disabilities": "Disability",
    "FactorsIdentifiedAtAssessment": "AssessmentFactors",
    "Reviews": "CPPreviewDate",
}
INITIAL = {Conference.Kind.INITIAL, Conference.Kind.PRE_BIRTH}


def cin_details_fields(year):
    """The elements of CINdetails, in the schema's order, for the collection year."""
    return CIN_DETAILS_FROM_2027 if int(year) >= PRE_PROCEEDINGS_FROM else CIN_DETAILS


def iso(day):
    return day.isoformat() if day else None


def flag(value):
    return "1" if value else "0"


def la_code():
    """The local authority's 3-digit DfE code: the first local authority agency that has one."""
    found = authority()
    return found.la_code if found else ""


def episodes_in_year(year):
    """The child-in-need episodes open at any point in the collection year."""
    start, end = collection_period(year)
    return Referral.objects.filter(referral_date__lte=end).filter(
        Q(closure_date__isnull=True) | Q(closure_date__gte=start)
    )


def no_further_action_from(start):
    """The earliest referral date a referral with no further action may have in the return for
    the year starting `start` (1 April): the working day before it (DfE rule 8569Q)."""
    day = start - datetime.timedelta(days=1)
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def school_age(birth, reference):
    """Of school age on the reference date, as the validator's rule 8770Q reckons it: born on or
    before 31 August six years before the 31 August that follows the reference date (on or before
    31 August 2020 for 2025/26)."""
    return birth is not None and birth <= datetime.date(reference.year - 6, 8, 31)


def build(year, children=None, *, serial=1, now=None):
    """The census for the collection year ending 31 March `year`, as plain data:
    {"header": {element: text}, "children": [child]}. Each child is
    {"person_id", "ChildIdentifiers": {...}, "ChildCharacteristics": {"Ethnicity", "Disabilities": [...]},
    "CINdetails": [{element: text or list, "episode_id"}]}, dates as yyyy-mm-dd. Pass a dict as
    `children` to have it filled with {LAchildID: person id}, for links to the records."""
    start, end = collection_period(year)
    episodes_qs = episodes_in_year(year)
    episode_ids = episodes_qs.values("id")
    person_ids = episodes_qs.values("person_id")

    episodes = defaultdict(list)
    for row in (
        episodes_qs.order_by("person_id", "referral_date", "id")
        .values(
            "id",
            "person_id",
            "referral_date",
            "source",
            "primary_need",
            "referral_nfa",
            "closure_date",
            "closure_reason",
        )
        .iterator(chunk_size=CHUNK)
    ):
        episodes[row["person_id"]].append(row)

    people = {
        row["id"]: row
        for row in Person.objects.filter(pk__in=person_ids)
        .values("id", "sex", "date_of_birth", "expected_date_of_birth", "date_of_death", "ethnicity")
        .iterator(chunk_size=CHUNK)
    }
    disabilities = defaultdict(list)
    for person_id, code in (
        PersonDisability.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "id")
        .values_list("person_id", "code")
        .iterator(chunk_size=CHUNK)
    ):
        disabilities[person_id].append(code.strip().upper())
    identifiers = defaultdict(dict)
    for person_id, id_type, value in (
        Identifier.objects.filter(
            person_id__in=person_ids,
            valid_to__isnull=True,
            id_type__in=[Identifier.Type.LA_CHILD_ID, Identifier.Type.UPN, Identifier.Type.FORMER_UPN],
        )
        .order_by("person_id", "valid_from", "id")
        .values_list("person_id", "id_type", "value")
        .iterator(chunk_size=CHUNK)
    ):
        identifiers[person_id][id_type] = value  # the latest current one of each type

    modules = _modules(episode_ids, start, end)
    nfa_from = no_further_action_from(start)
    if year >= PRE_PROCEEDINGS_FROM:
        modules["pre_proceedings"] = _pre_proceedings(episode_ids, start, end)

    out = []
    for person_id, person_episodes in episodes.items():
        person = people[person_id]
        ids = identifiers.get(person_id, {})
        la_child_id = child_id(ids.get(Identifier.Type.LA_CHILD_ID), person_id)
        if children is not None:
            children[la_child_id] = person_id
        details = [_cin_details(e, modules, end, nfa_from) for e in person_episodes]
        upn = ids.get(Identifier.Type.UPN)
        unknown = None
        if not upn:
            if all(d["ReferralNFA"] == "1" for d in details):
                unknown = "UN7"
            elif not school_age(person["date_of_birth"], end):
                unknown = "UN1"
        born = person["date_of_birth"]
        died = person["date_of_death"] if person["date_of_death"] and person["date_of_death"] <= end else None
        out.append(
            {
                "person_id": person_id,
                "ChildIdentifiers": {
                    "LAchildID": la_child_id,
                    "UPN": upn,
                    "FormerUPN": ids.get(Identifier.Type.FORMER_UPN),
                    "UPNunknown": unknown,
                    "PersonBirthDate": iso(born),
                    "ExpectedPersonBirthDate": iso(person["expected_date_of_birth"]) if born is None else None,
                    "Sex": person["sex"] or "",
                    "PersonDeathDate": iso(died),
                },
                "ChildCharacteristics": {
                    "Ethnicity": person["ethnicity"] or "",
                    "Disabilities": disabilities.get(person_id, []),
                },
                "CINdetails": details,
            }
        )
    stamp = (now or timezone.localtime()).replace(microsecond=0, tzinfo=None)
    header = {
        "Collection": "CIN",
        "Year": str(year),
        "ReferenceDate": iso(end),
        "SourceLevel": "L",
        "LEA": la_code(),
        "SoftwareCode": SOFTWARE_CODE,
        "Release": RELEASE,
        "SerialNo": f"{serial:03d}",
        "DateTime": stamp.isoformat(),
    }
    return {"header": header, "children": out}


def _modules(episode_ids, start, end):
    """Assessments, CIN plans, section 47 enquiries, conferences and CP plans of the episodes
    in the year, grouped by episode: six queries."""
    assessments = defaultdict(list)
    assessment_rows = Assessment.objects.filter(episode_id__in=episode_ids, start_date__lte=end).filter(
        Q(authorised_date__isnull=True) | Q(authorised_date__gte=start)
    )
    factors = defaultdict(list)
    for assessment_id, code in (
        AssessmentFactor.objects.filter(assessment__in=assessment_rows.values("id"))
        .order_by("assessment_id", "id")
        .values_list("assessment_id", "code")
        .iterator(chunk_size=CHUNK)
    ):
        factors[assessment_id].append(code)
    for row in (
        assessment_rows.order_by("start_date", "id")
        .values("id", "episode_id", "start_date", "internal_review_date", "authorised_date")
        .iterator(chunk_size=CHUNK)
    ):
        authorised = row["authorised_date"] if row["authorised_date"] and row["authorised_date"] <= end else None
        review = (
            row["internal_review_date"] if row["internal_review_date"] and row["internal_review_date"] <= end else None
        )
        assessments[row["episode_id"]].append(
            {
                "AssessmentActualStartDate": iso(row["start_date"]),
                "AssessmentInternalReviewDate": iso(review),
                "AssessmentAuthorisationDate": iso(authorised),
                "FactorsIdentifiedAtAssessment": factors.get(row["id"], []) if authorised else [],
            }
        )

    plans = defaultdict(list)
    for row in (
        ChildInNeedPlan.objects.filter(episode_id__in=episode_ids, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by("start_date", "id")
        .values("episode_id", "start_date", "end_date")
        .iterator(chunk_size=CHUNK)
    ):
        plans[row["episode_id"]].append(
            {
                "CINPlanStartDate": iso(row["start_date"]),
                "CINPlanEndDate": iso(row["end_date"]) if row["end_date"] and row["end_date"] <= end else None,
            }
        )

    # Conferences of the episodes, held by 31 March: initial ones (by enquiry and episode) and reviews (by plan).
    icpc_by_enquiry, icpc_by_episode, reviews = {}, defaultdict(list), defaultdict(list)
    for row in (
        ConferenceChild.objects.filter(episode_id__in=episode_ids, conference__held_on__lte=end)
        .order_by("conference__held_on", "id")
        .values("episode_id", "enquiry_id", "plan_id", "conference__kind", "conference__held_on")
        .iterator(chunk_size=CHUNK)
    ):
        kind, held = row["conference__kind"], row["conference__held_on"]
        if kind in INITIAL:
            if row["enquiry_id"]:
                icpc_by_enquiry.setdefault(row["enquiry_id"], held)
            icpc_by_episode[row["episode_id"]].append((held, row["enquiry_id"]))
        elif kind == Conference.Kind.REVIEW and row["plan_id"] and held >= start:
            reviews[row["plan_id"]].append(held)

    enquiries, exported_enquiries = defaultdict(list), set()
    for row in (
        Section47Enquiry.objects.filter(episode_id__in=episode_ids, start_date__lte=end)
        .order_by("start_date", "id")
        .values(
            "id",
            "episode_id",
            "start_date",
            "initial_conference_target",
            "initial_conference_not_required",
            "outcome_date",
        )
        .iterator(chunk_size=CHUNK)
    ):
        icpc = icpc_by_enquiry.get(row["id"])
        if icpc is not None and icpc < start:
            continue  # its initial conference was before the year: the enquiry ended then
        if not (
            row["start_date"] >= start
            or icpc is not None
            or row["outcome_date"] is None
            or row["outcome_date"] >= start
        ):
            continue
        exported_enquiries.add(row["id"])
        enquiries[row["episode_id"]].append(
            {
                "S47ActualStartDate": iso(row["start_date"]),
                "InitialCPCtarget": iso(row["initial_conference_target"]),
                "DateOfInitialCPC": iso(icpc),
                "ICPCnotRequired": flag(row["initial_conference_not_required"]),
            }
        )
    # An initial conference that no exported enquiry led to goes on the episode (never both: rule 2884).
    episode_icpc = {}
    for episode_id, held in icpc_by_episode.items():
        for day, enquiry_id in held:
            if day >= start and enquiry_id not in exported_enquiries:
                episode_icpc[episode_id] = day
                break

    cp_plans = defaultdict(list)
    for row in (
        ChildProtectionPlan.objects.filter(episode_id__in=episode_ids, start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by("start_date", "id")
        .values("id", "episode_id", "start_date", "end_date", "initial_category", "latest_category", "previous_plans")
        .iterator(chunk_size=CHUNK)
    ):
        ended = row["end_date"] if row["end_date"] and row["end_date"] <= end else None
        cp_plans[row["episode_id"]].append(
            {
                "CPPstartDate": iso(row["start_date"]),
                "CPPendDate": iso(ended),
                "InitialCategoryOfAbuse": row["initial_category"],
                "LatestCategoryOfAbuse": row["latest_category"],
                "NumberOfPreviousCPP": str(row["previous_plans"]),
                "Reviews": [
                    iso(day)
                    for day in reviews.get(row["id"], [])
                    if day >= row["start_date"] and (ended is None or day <= ended)
                ],
            }
        )
    return {
        "assessments": assessments,
        "plans": plans,
        "enquiries": enquiries,
        "icpc": episode_icpc,
        "cp_plans": cp_plans,
    }


def _pre_proceedings(episode_ids, start, end):
    """The PreProceedingsandFGDM entries of the episodes, by episode: two queries."""

    def in_year(day):
        return iso(day) if day and start <= day <= end else None

    in_scope = PreProceedings.objects.filter(episode_id__in=episode_ids, start_date__lte=end).filter(
        Q(concluded_on__isnull=True)
        | Q(concluded_on__gte=start)
        | Q(court_application_date__gte=start)
        | Q(letter_of_issue_sent_on__gte=start)
    )
    rows = list(
        in_scope.order_by("start_date", "id")
        .values(
            "id",
            "episode_id",
            "start_date",
            "letter_sent_on",
            "fgdm_offered",
            "fgdm_meeting_on",
            "fgdm_same_meeting_as__meeting_on",
            "decision",
            "decision_date",
            "court_application_date",
            "letter_of_issue_sent_on",
        )
        .iterator(chunk_size=CHUNK)
    )
    meetings = defaultdict(list)
    for row in (
        PreProceedingsMeeting.objects.filter(pre_proceedings_id__in=in_scope.values("id"), held_on__lte=end)
        .order_by("held_on", "id")
        .values_list("pre_proceedings_id", "kind", "held_on")
        .iterator(chunk_size=CHUNK)
    ):
        meetings[row[0]].append(row[1:])
    found = defaultdict(list)
    for row in rows:
        held = meetings.get(row["id"], [])
        initial = next((day for kind, day in held if kind == PreProceedingsMeeting.Kind.INITIAL), None)
        letter = in_year(row["letter_sent_on"])
        family_meeting = row["fgdm_meeting_on"] or row["fgdm_same_meeting_as__meeting_on"]
        decided = in_year(row["decision_date"])
        found[row["episode_id"]].append(
            {
                "PPStartDate": in_year(row["start_date"]),
                "LBPSentDate": letter,
                "FGDMMeetingOffer": flag(row["fgdm_offered"]) if letter and row["fgdm_offered"] is not None else None,
                "FGDMMeetingFac": flag(family_meeting is not None and family_meeting <= end)
                if letter and row["fgdm_offered"] is not None
                else None,
                "InitialPPMeetingDate": in_year(initial),
                "ReviewMeetingsCount": str(sum(1 for kind, _ in held if kind == PreProceedingsMeeting.Kind.REVIEW))
                if initial is not None
                else None,
                "StepDecisionDate": decided,
                "PPOutcome": outcome_code(row["decision"]) if decided else None,
                "CourtAppDate": in_year(row["court_application_date"]),
                "LetterInitCPDate": in_year(row["letter_of_issue_sent_on"]),
            }
        )
    return found


def _cin_details(episode, modules, end, nfa_from):
    closed = episode["closure_date"] if episode["closure_date"] and episode["closure_date"] <= end else None
    pk = episode["id"]
    nfa = episode["referral_nfa"] and closed is not None and episode["referral_date"] >= nfa_from
    details = {
        "episode_id": pk,
        "CINreferralDate": iso(episode["referral_date"]),
        "ReferralSource": episode["source"],
        "PrimaryNeedCode": episode["primary_need"] or None,
        "CINclosureDate": iso(closed),
        "ReasonForClosure": (episode["closure_reason"] or None) if closed else None,
        "DateOfInitialCPC": iso(modules["icpc"].get(pk)),
        "Assessments": modules["assessments"].get(pk, []),
        "CINPlanDates": modules["plans"].get(pk, []),
        "Section47": modules["enquiries"].get(pk, []),
        "ReferralNFA": flag(nfa),
        "ChildProtectionPlans": modules["cp_plans"].get(pk, []),
    }
    if "pre_proceedings" in modules:  # 2026/27 on
        details["PreProceedingsandFGDM"] = modules["pre_proceedings"].get(pk, [])
    return details


def _add(parent, name, value, order=None):
    """Append `name` to `parent`: text, a wrapped list (Disabilities...), or repeated modules."""
    if value is None:
        return
    if name in WRAPPED:
        if value:
            wrapper = etree.SubElement(parent, name)
            for item in value:
                etree.SubElement(wrapper, WRAPPED[name]).text = item
        return
    if isinstance(value, list):
        for item in value:
            element = etree.SubElement(parent, name)
            for field in ORDER[name]:
                _add(element, field, item.get(field))
        return
    etree.SubElement(parent, name).text = value


def child_element(child, cin_details=CIN_DETAILS):
    element = etree.Element("Child")
    identifiers = etree.SubElement(element, "ChildIdentifiers")
    for field in CHILD_IDENTIFIERS:
        _add(identifiers, field, child["ChildIdentifiers"].get(field))
    characteristics = etree.SubElement(element, "ChildCharacteristics")
    _add(characteristics, "Ethnicity", child["ChildCharacteristics"]["Ethnicity"])
    _add(characteristics, "Disabilities", child["ChildCharacteristics"]["Disabilities"])
    for details in child["CINdetails"]:
        cin = etree.SubElement(element, "CINdetails")
        for field in cin_details:
            _add(cin, field, details.get(field))
    return element


def write(data, path):
    """Write the census XML to `path` (a file name or a binary file), one Child at a time."""
    cin_details = cin_details_fields(data["header"]["Year"])
    with etree.xmlfile(path, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            header = etree.Element("Header")
            details = etree.SubElement(header, "CollectionDetails")
            for field in ("Collection", "Year", "ReferenceDate"):
                etree.SubElement(details, field).text = data["header"][field]
            source = etree.SubElement(header, "Source")
            for field in ("SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"):
                etree.SubElement(source, field).text = data["header"][field]
            xf.write(header, pretty_print=True)
            with xf.element("Children"):
                for child in data["children"]:
                    xf.write(child_element(child, cin_details), pretty_print=True)


def counts(data):
    """How many children, episodes and module entries the census holds (for the audit and the page)."""
    result = {
        "children": len(data["children"]),
        "CINdetails": 0,
        "Assessments": 0,
        "CINPlanDates": 0,
        "Section47": 0,
        "ChildProtectionPlans": 0,
    }
    if int(data["header"]["Year"]) >= PRE_PROCEEDINGS_FROM:
        result["PreProceedingsandFGDM"] = 0
    for child in data["children"]:
        for details in child["CINdetails"]:
            result["CINdetails"] += 1
            for module in ("Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans"):
                result[module] += len(details[module])
            if "PreProceedingsandFGDM" in details:  # 2026/27 on
                result["PreProceedingsandFGDM"] += len(details["PreProceedingsandFGDM"])
    return result


def next_serial(year):
    """The serial number of the next file for a year: one more than the CIN census exports audited for it."""
    return (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.EXPORT, summary__startswith="CIN census", detail__year=year
        ).count()
        + 1
    )
