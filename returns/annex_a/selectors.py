"""Ofsted ILACS Annex A: the child-level lists an inspection asks for, as one xlsx workbook,
built from the case records for an inspection date D, never re-typed.

Source of the strings. The column headers, in order, and the lettered drop-down values are
those of the Ofsted Annex A template as read by the sector's cleaning pipeline,
SocialFinanceDigitalLabs/liia-tools-pipeline: `liiatools/annex_a_pipeline/spec/Annex_A_schema.yml`
(the `column_map` of list_1 to list_11: the header keys, and the first, lettered, name of each
category, which is the template's drop-down string), its `pipeline.json` (the tables "List 1"
to "List 11", used here as the sheet names) and `Annex_A_schema_2026.diff.yml`, which renames
the "Gender" column "Sex" in every list for the 2026 template; the drop-down values under it
are unchanged ("a) Male" ...). shared/domain/returns.md section 8 gives the scopes.

Scopes, for the inspection date D. "The last 6 months" is from D less 6 calendar months to D,
both included; lists 10 and 11 look back 12 months.

- List 1 Contacts: every child (the child the contact is about and other children of the
  household) of every contact received in the last 6 months: one row per child per contact.
- List 2 Early help: early help assessments started in the last 6 months, and those of early
  help open on D (returns/annex_a/early_help.py, from familyhelp.early_help).
- List 3 Referrals: referrals (child-in-need episodes, frontdoor.Referral) with a referral
  date in the last 6 months, one row per referral; the count of the child's referrals in
  the 12 months to D; the team and worker allocated on D (familyhelp.Allocation).
- List 4 Assessments: child and family assessments started by D and either not authorised by
  D or authorised in the last 6 months. "Child seen" is a visit during the assessment (from
  its start to its authorisation, or D) at which the child was seen; "requiring LA social
  care support" is answered once the assessment is authorised (yes for a child in need plan,
  a strategy discussion, accommodation or proceedings, or continuing a plan).
- List 5 Section 47 enquiries and ICPCs: enquiries that started in the last 6 months, one row
  per enquiry; the initial (or pre-birth) conference that followed it, by D; counts of the
  child's enquiries and initial conferences in the 12 months to D.
- List 6 Children in need: child-in-need episodes open on D or closed in the last 6 months,
  except referrals closed with no further action at the referral. Case status on D: looked
  after, then on a child protection plan, then on a child in need plan, then an open episode
  (shown as "d) Open assessment", the template having no other value for an open episode),
  else closed. The date last seen is the latest Family Help or children-in-care visit at
  which the child was seen.
- List 7 Child protection: plans open on D or ended in the last 6 months; the last child
  protection visit on the plan, the latest review conference; "emergency protection order or
  police protection in the last six months" from the legal statuses L1 and L2.
- List 8 Children in care: children looked after on D or who ceased in the last 6 months, one
  row per child (their latest period). "Date of Last IRO Visit / Contact to the Child" is left
  blank: an IRO's contact with the child is not recorded apart from the reviews. "Date of Last
  Dental Check" is the latest health assessment that included one. "LA of Placement" is the
  local authority the placement is in, by the DfE's name for it (as the template's drop-down
  and the sector's pipeline name authorities): the authority's own for a placement inside its
  area; for one outside, the authority of the placement's postcode (returns.placement_areas,
  from the ONS postcode directory), blank when the postcode is not one the service knows.
  Placement counts leave out temporary placements (T0 to T4). Placement types are the
  template's strings, kept as data by the template's year (returns/data/
  annex_a_placement_types.json); the codes introduced after the template have no letter of
  their own and are written as the entry they replaced: K3 as H5 (903 rule 503D), Z11 to Z14
  as Z1 (903 rule 146).
- List 9 Care leavers: young people entitled to care leaver support on D (eligible, relevant,
  former relevant, qualifying), from leavingcare (returns/annex_a/care_leavers.py).
- List 10 Adoption and List 11 Adopters: children with a decision that they should be placed
  for adoption, adopted or whose decision was reversed in the last 12 months, and adopter
  households in contact with the agency in the last 12 months, from the adoption app
  (returns/annex_a/adoption.py).

The Child Unique ID is the child's local authority child ID where one is recorded, otherwise
the record id (as the SSDA903 return). Ages are in whole years on D. Sex U or not recorded is
"c) Not stated/recorded"; an ethnicity not recorded is "t) NOBT" (information not yet
obtained); disability is "a) Yes" for any CIN census disability code but NONE, "b) No" for
NONE alone and "c) Unknown" when none is recorded. Dates are written as
Excel dates shown dd/mm/yyyy. Each list takes a few queries whatever the number of children
(ids are sent in chunks), so the workbook scales to a large authority.
"""

import datetime
from collections import Counter, defaultdict

from django.db.models import Max, Q
from django.utils import timezone

from childprotection.models import ChildProtectionPlan, Conference, ConferenceChild, Section47Enquiry
from childrenincare.models import (
    CarePlan,
    CareVisit,
    HealthAssessment,
    LegalStatus,
    LookedAfterReview,
    PeriodOfCare,
    Placement,
)
from exploitation.models import MissingEpisode, ReturnInterview
from familyhelp.models import Allocation, Assessment, ChildInNeedPlan, Visit
from frontdoor.models import ContactPerson, Referral
from kernel.timescales import add_months
from people.models import PersonDisability

from .. import placement_areas
from ..collection import authority
from ..ssda903 import _child_ids

CHUNK = 5000
LOOK_BACK_MONTHS = 6
LONG_LOOK_BACK_MONTHS = 12

# --- The template's strings ---------------------------------------------------------------------

SEX_HEADER = "Sex"  # "Gender" before the 2026 template (liia-tools-pipeline Annex_A_schema_2026.diff.yml)
COMMON = ["Child Unique ID", SEX_HEADER, "Ethnicity", "Date of Birth", "Age of Child (Years)"]
DISABILITY = "Does the Child have a Disability"
TEAM, WORKER = "Allocated Team", "Allocated Worker"

HEADERS = {
    "List 1": COMMON + ["Date of Contact", "Contact Source"],
    "List 2": COMMON + ["Assessment start date", "Assessment completion date", "Organisation completing assessment"],
    "List 3": COMMON
    + ["Date of referral", "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months", TEAM, WORKER],
    "List 4": COMMON
    + [
        DISABILITY,
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        TEAM,
        WORKER,
    ],
    "List 5": COMMON
    + [
        DISABILITY,
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        TEAM,
        WORKER,
    ],
    "List 6": COMMON
    + [
        DISABILITY,
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        TEAM,
        WORKER,
    ],
    "List 7": COMMON
    + [
        DISABILITY,
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Number of Previous Child Protection Plans",
        TEAM,
        WORKER,
    ],
    "List 8": COMMON
    + [
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
        DISABILITY,
        "Date Started to be Looked After",
        "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        "Start date of current legal status",
        "Child's Legal Status",
        "Date of Latest Statutory Review",
        "Date of Last Social Work Visit",
        "What is the permanence plan for this child?",
        "Date of Last IRO Visit / Contact to the Child",
        "Date of Last Health Assessment",
        "Date of Last Dental Check",
        "Number of Placements in the Last 12 months",
        "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Placement Provider",
        "Placement postcode",
        "URN of Placement",
        "Placement Location",
        "LA of Placement",
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
        TEAM,
        WORKER,
    ],
    "List 9": COMMON
    + [
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
        DISABILITY,
        TEAM,
        WORKER,
        "Allocated Personal Advisor",
        "Eligibility Category",
        "Latest Pathway Plan Review Date",
        "LA in Touch",
        "Latest Date of Contact",
        "Type of Accommodation",
        "Suitability of Accommodation",
        "Activity Status",
    ],
    "List 10": [
        "Child Unique ID",
        "Family identifier",
        SEX_HEADER,
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        DISABILITY,
        "Date the Child Entered Care",
        "Date of Decision that Child Should be Placed for Adoption",
        "Date of Placement Order",
        "Date of Matching Child and Prospective Adopters",
        "Date Placed for Adoption",
        "Date of Adoption Order",
        "Date of Decision that Child Should No Longer be Placed for Adoption",
        "Reason Why Child No Longer Placed for Adoption",
        "Date the child was placed for fostering in FFA or concurrent planning placement",
    ],
    "List 11": [
        "Individual adopter identifier",
        "Family identifier",
        SEX_HEADER,
        "Ethnicity",
        "Disability",
        "Is the (prospective) adopter fostering for adoption?",
        "Date enquiry received",
        "Date Stage 1 started",
        "Date Stage 1 ended",
        "Date Stage 2 started",
        "Date Stage 2 ended",
        "Date application submitted",
        "Date application approved",
        "Date adopter matched with child(ren)",
        "Date child/children placed with adopter(s)",
        "No. of children placed",
        "Date of Adoption Order",
        "Date of leaving adoption process",
        "Reason for leaving adoption process",
    ],
}

TITLES = {
    "List 1": "Contacts",
    "List 2": "Early help",
    "List 3": "Referrals",
    "List 4": "Assessments",
    "List 5": "Section 47 enquiries and initial child protection conferences",
    "List 6": "Children in need",
    "List 7": "Child protection",
    "List 8": "Children in care",
    "List 9": "Care leavers",
    "List 10": "Adoption",
    "List 11": "Adopters",
}

# Lists whose records this service does not keep yet: the sheet has its headers and no rows.
HEADERS_ONLY: dict[str, str] = {}

YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"

SEX = {"M": "a) Male", "F": "b) Female"}
SEX_NOT_RECORDED = "c) Not stated/recorded"

ETHNICITY = {
    code: f"{letter}) {code}"
    for letter, code in zip(
        "abcdefghijklmnopqrst",
        [
            "WBRI",
            "WIRI",
            "WIRT",
            "WOTH",
            "WROM",
            "MWBC",
            "MWBA",
            "MWAS",
            "MOTH",
            "AIND",
            "APKN",
            "ABAN",
            "AOTH",
            "BCRB",
            "BAFR",
            "BOTH",
            "CHNE",
            "OOTH",
            "REFU",
            "NOBT",
        ],
        strict=False,
    )
}
ETHNICITY_NOT_OBTAINED = ETHNICITY["NOBT"]

SOURCE = {
    "1A": "a) 1A: Individual",
    "1B": "b) 1B: Individual",
    "1C": "c) 1C: Individual",
    "1D": "d) 1D: Individual",
    "2A": "e) 2A: Schools",
    "2B": "f) 2B: Education services",
    "3A": "g) 3A: Health services",
    "3B": "h) 3B: Health services",
    "3C": "i) 3C: Health services",
    "3D": "j) 3D: Health services",
    "3E": "k) 3E: Health services",
    "3F": "l) 3F: Health services",
    "4": "m) 4: Housing",
    "5A": "n) 5A: LA services",
    "5B": "o) 5B: LA services",
    "5C": "p) 5C: LA services",
    "5D": "p1) 5D: LA services",
    "6": "q) 6: Police",
    "7": "r) 7: Other legal agency",
    "8": "s) 8: Other",
    "9": "t) 9: Anonymous",
    "10": "u) 10: Unknown",
}

PRIMARY_NEED = {
    "N1": "N1 - Abuse or neglect",
    "N2": "N2 - Child\u2019s disability",
    "N3": "N3 - Parental disability or illness",
    "N4": "N4 - Family in acute stress",
    "N5": "N5 - Family dysfunction",
    "N6": "N6 - Socially unacceptable behaviour",
    "N7": "N7 - Low income",
    "N8": "N8 - Absent parenting",
    "N9": "N9 - Cases other than children in need",
    "N0": "N0 - Not stated",
}

CLOSURE_REASON = {
    "RC1": "RC1 - Adopted",
    "RC2": "RC2 - Died",
    "RC3": "RC3 - Child arrangements order",
    "RC4": "RC4 - Special guardianship order",
    "RC5": "RC5 - Transferred to services of another local authority",
    "RC6": "RC6 - Transferred to adult social care services",
    "RC7": "RC7 - Services ceased for any other reason, including child no longer in need",
    "RC8": "RC8 - Case closed after assessment, no further action",
    "RC9": "RC9 - Case closed after assessment, referred to early help",
}

CASE_STATUS_LOOKED_AFTER = "a) Looked after child"
CASE_STATUS_CP = "b) Child Protection plan"
CASE_STATUS_CIN = "c) Child in need plan"
CASE_STATUS_OPEN = "d) Open assessment"
CASE_STATUS_CLOSED = "e) Closed episode"

ABUSE = {
    "NEG": "a) Neglect",
    "PHY": "b) Physical abuse",
    "SAB": "c) Sexual abuse",
    "EMO": "d) Emotional abuse",
    "MUL": "e) Multiple/not recommended",
}

LEGAL_STATUS = {
    "C1": "C1: ICO",
    "C2": "C2: FCO",
    "D1": "D1: Freeing order",
    "E1": "E1: Placement order",
    "V2": "V2: Single period under S20",
    "V3": "V3: Short term breaks, episodes recorded",
    "V4": "V4: Short term breaks, agreements recorded",
    "L1": "L1: Police protection LA accommodation",
    "L2": "L2: EPO",
    "L3": "L3: Child assessment order LA accommodation",
    "J1": "J1: Remanded to LA or youth detention",
    "J2": "J2: LA accommodation under PACE",
    "J3": "J3: Youth rehabilitation order",
}
POLICE_PROTECTION_OR_EPO = ("L1", "L2")

PERMANENCE = {
    CarePlan.Permanence.RETURN_HOME: "a) Return to family",
    CarePlan.Permanence.ADOPTION: "b) Adoption",
    CarePlan.Permanence.KINSHIP: "c) SGO/CAO",
    CarePlan.Permanence.INDEPENDENT_LIVING: "d) Supported living in the community",
    CarePlan.Permanence.RESIDENTIAL: "e) Long-term residential placement",
    CarePlan.Permanence.LONG_TERM_FOSTERING: "f) Long-term fostering",
    CarePlan.Permanence.NOT_YET: "g) Other",
}

REASON_CEASED = {
    "E11": "a) E11: Adopted - application unopposed",
    "E12": "b) E12: Adopted - consent dispensed",
    "E2": "c) E2: Died",
    "E3": "d) E3: Care taken by another LA",
    "E4A": "e) E4A: Returned home to live with parents or relatives - part of planning",
    "E4B": "f) E4B: Returned home to live with parents or relatives - not part of planning",
    "E13": "g) E13: Parents, relatives or other with no parental responsibility",
    "E41": "h) E41: Residence order granted",
    "E45": "i) E45: Special Guardianship Orders - former carer relative/friend",
    "E46": "j) E46: Special Guardianship Orders - former carer other",
    "E47": "k) E47: Special Guardianship Orders - relative/friend",
    "E48": "l) E48: Special Guardianship Orders - other",
    "E5": "m) E5: Moved into independent living - supported",
    "E6": "n) E6: Moved into independent living - no support",
    "E7": "o) E7: Transferred to residential care funded by adult social services",
    "E9": "p) E9: Sentenced to custody",
    "E14": "q) E14: Accommodation on remand ended",
    "E15": "r) E15: Age assessment determined child was 18 or over",
    "E16": "s) E16: Child moved abroad",
    "E8": "t) E8: Care ceased for any other reason",
    "E17": "v) E17: Aged 18+ and remained with current carers",
}

# The template's placement type strings, by the template's year: returns.placement_areas
# .placement_types(day) for an inspection date; this is the latest template's.
PLACEMENT_TYPE = placement_areas.placement_types(datetime.date.max)
TEMPORARY_PLACEMENTS = ("T0", "T1", "T2", "T3", "T4")

PROVIDER = {
    "PR0": "a) PR0: Parents/Parental responsibility",
    "PR1": "b) PR1: Own provision",
    "PR2": "c) PR2: Other LA provision",
    "PR3": "d) PR3: Other public provision",
    "PR4": "e) PR4: Private provision",
    "PR5": "f) PR5: Voluntary/third sector",
}

LOCATION_IN, LOCATION_OUT = "a) In", "b) Out"

# Assessment outcomes that mean the child needs children's social care support.
NEEDS_SUPPORT = {
    Assessment.Outcome.CHILD_IN_NEED_PLAN,
    Assessment.Outcome.STRATEGY_DISCUSSION,
    Assessment.Outcome.LOOKED_AFTER,
    Assessment.Outcome.CONTINUE_PLAN,
}
INITIAL_CONFERENCES = (Conference.Kind.INITIAL, Conference.Kind.PRE_BIRTH)
CHILD_ROLES = (ContactPerson.Role.SUBJECT, ContactPerson.Role.CHILD_IN_HOUSEHOLD)


# --- Building -----------------------------------------------------------------------------------


class Window:
    """The inspection date and the look-backs from it."""

    def __init__(self, day):
        self.day = day
        self.start = add_months(day, -LOOK_BACK_MONTHS)
        self.year_start = add_months(day, -LONG_LOOK_BACK_MONTHS)

    def moments(self, start):
        """Aware datetimes from the start of `start` to the start of the day after D, local time."""
        tz = timezone.get_current_timezone()
        first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min), tz)
        after = timezone.make_aware(
            datetime.datetime.combine(self.day + datetime.timedelta(days=1), datetime.time.min), tz
        )
        return first, after


def build(inspection_date=None, progress=None):
    """{sheet name: list of rows (dicts keyed by the template's headers)} for inspection date D.
    `progress`, if given, is called as progress(the list now being built, lists) before each list."""
    from . import adoption as annex_a_adoption  # noqa: PLC0415  (they use this module)
    from . import care_leavers as annex_a_care_leavers  # noqa: PLC0415
    from . import early_help as annex_a_early_help  # noqa: PLC0415

    window = Window(inspection_date or timezone.localdate())
    tables = {name: [] for name in HEADERS}
    steps = [
        ("List 1", _contacts),
        ("List 2", annex_a_early_help.list_2),
        ("List 3", _referrals),
        ("List 4", _assessments),
        ("List 5", _section_47),
        ("List 6", _children_in_need),
        ("List 7", _child_protection),
        ("List 8", _children_in_care),
        ("List 9", annex_a_care_leavers.list_9),
        ("List 10", annex_a_adoption.list_10),
        ("List 11", annex_a_adoption.list_11),
    ]
    for index, (name, make) in enumerate(steps):
        if progress is not None:
            progress(index + 1, len(steps))
        tables[name] = make(window)
    return tables


def counts(tables):
    return {name: len(tables.get(name, [])) for name in HEADERS}


def _chunks(ids):
    ids = list(ids)
    for index in range(0, len(ids), CHUNK):
        yield ids[index : index + CHUNK]


def _in(queryset, field, ids):
    """The rows of `queryset` whose `field` is one of `ids`, a chunk of ids per query."""
    for chunk in _chunks(ids):
        yield from queryset.filter(**{f"{field}__in": chunk})


class Children:
    """What every list says about a child: the id, sex, ethnicity, date of birth, age on D and
    disability, read for all the list's children at once."""

    def __init__(self, people, day):
        self.people = {person.pk: person for person in people}
        self.day = day
        self.ids = {}
        for chunk in _chunks(self.people):
            self.ids.update(_child_ids(dict.fromkeys(chunk)))
        self.disabilities = defaultdict(set)
        for person_id, code in _in(PersonDisability.objects.values_list("person_id", "code"), "person_id", self.people):
            self.disabilities[person_id].add(code)

    def common(self, person_id):
        person = self.people[person_id]
        return {
            "Child Unique ID": self.ids[person_id],
            SEX_HEADER: SEX.get(person.sex, SEX_NOT_RECORDED),
            "Ethnicity": ETHNICITY.get(person.ethnicity, ETHNICITY_NOT_OBTAINED),
            "Date of Birth": person.date_of_birth,
            "Age of Child (Years)": person.age_on(self.day),
        }

    def disability(self, person_id):
        codes = self.disabilities.get(person_id)
        if not codes:
            return UNKNOWN
        return YES if codes - {"NONE"} else NO


def _people(rows, attribute="person"):
    return {getattr(row, attribute).pk: getattr(row, attribute) for row in rows}.values()


def _allocations(episode_ids, day):
    """{episode id: (team name, worker name)}: the allocation current on D, else the latest before it."""
    chosen = {}
    found = (
        Allocation.objects.filter(start_date__lte=day)
        .select_related("team", "worker")
        .order_by("episode_id", "start_date", "id")
    )
    for allocation in _in(found, "episode_id", set(episode_ids)):
        current = allocation.end_date is None or allocation.end_date >= day
        held = chosen.get(allocation.episode_id)
        if held is None or current or not held[1]:
            chosen[allocation.episode_id] = (allocation, current)
    return {
        episode_id: (a.team.name, a.worker.get_full_name() if a.worker else "") for episode_id, (a, _) in chosen.items()
    }


def _allocated(allocations, episode_id):
    team, worker = allocations.get(episode_id, ("", ""))
    return {TEAM: team, WORKER: worker}


def _yes_no(value):
    if value is None:
        return ""
    return YES if value else NO


def _on_or_before(day, limit):
    return day if day is not None and day <= limit else None


def _contacts(window):
    first, after = window.moments(window.start)
    found = list(
        ContactPerson.objects.filter(
            contact__received_at__gte=first, contact__received_at__lt=after, role__in=CHILD_ROLES, person__kind="child"
        )
        .select_related("contact", "person")
        .order_by("contact__received_at", "contact_id", "id")
    )
    children = Children(_people(found), window.day)
    rows = []
    for entry in found:
        row = children.common(entry.person_id)
        row.update(
            {
                "Date of Contact": timezone.localtime(entry.contact.received_at).date(),
                "Contact Source": SOURCE.get(entry.contact.source, entry.contact.source),
            }
        )
        rows.append(row)
    return rows


def _referrals(window):
    day = window.day
    found = list(
        Referral.objects.filter(referral_date__range=(window.start, day))
        .select_related("person")
        .order_by("referral_date", "id")
    )
    children = Children(_people(found), day)
    in_year = Counter(
        _in(
            Referral.objects.filter(referral_date__range=(window.year_start, day)).values_list("person_id", flat=True),
            "person_id",
            children.people,
        )
    )
    allocations = _allocations([r.pk for r in found], day)
    rows = []
    for referral in found:
        row = children.common(referral.person_id)
        row.update(
            {
                "Date of referral": referral.referral_date,
                "Referral Source": SOURCE.get(referral.source, referral.source),
                "Referral NFA?": _yes_no(referral.referral_nfa),
                "Number of Referrals in Last 12 Months": in_year[referral.person_id],
            }
        )
        row.update(_allocated(allocations, referral.pk))
        rows.append(row)
    return rows


def _assessments(window):
    day = window.day
    found = list(
        Assessment.objects.filter(start_date__lte=day)
        .filter(Q(authorised_date__isnull=True) | Q(authorised_date__gte=window.start))
        .select_related("person")
        .order_by("start_date", "id")
    )
    children = Children(_people(found), day)
    seen_on = defaultdict(list)
    visits = Visit.objects.filter(seen=True, visit_date__lte=day).values_list("episode_id", "person_id", "visit_date")
    for episode_id, person_id, visited in _in(visits, "episode_id", {a.episode_id for a in found}):
        seen_on[(episode_id, person_id)].append(visited)
    allocations = _allocations({a.episode_id for a in found}, day)
    rows = []
    for assessment in found:
        authorised = _on_or_before(assessment.authorised_date, day)
        until = authorised or day
        seen = any(assessment.start_date <= d <= until for d in seen_on[(assessment.episode_id, assessment.person_id)])
        row = children.common(assessment.person_id)
        row.update(
            {
                DISABILITY: children.disability(assessment.person_id),
                "Continuous Assessment Start Date": assessment.start_date,
                "Child Seen During Continuous Assessment": YES if seen else NO,
                "Continuous Assessment Date of Authorisation": authorised,
                "Was the child assessed as requiring LA children's social care support?": _yes_no(
                    assessment.outcome in NEEDS_SUPPORT
                )
                if authorised
                else "",
            }
        )
        row.update(_allocated(allocations, assessment.episode_id))
        rows.append(row)
    return rows


def _section_47(window):
    day = window.day
    found = list(
        Section47Enquiry.objects.filter(start_date__range=(window.start, day))
        .select_related("person")
        .order_by("start_date", "id")
    )
    children = Children(_people(found), day)
    enquiries_in_year = Counter(
        _in(
            Section47Enquiry.objects.filter(start_date__range=(window.year_start, day)).values_list(
                "person_id", flat=True
            ),
            "person_id",
            children.people,
        )
    )
    initial = ConferenceChild.objects.filter(conference__kind__in=INITIAL_CONFERENCES, conference__held_on__lte=day)
    icpcs_in_year = Counter(
        _in(
            initial.filter(conference__held_on__gte=window.year_start).values_list("person_id", flat=True),
            "person_id",
            children.people,
        )
    )
    conference_of = {}
    for enquiry_id, held_on, decision in _in(
        initial.order_by("conference__held_on", "id").values_list("enquiry_id", "conference__held_on", "decision"),
        "enquiry_id",
        [e.pk for e in found],
    ):
        conference_of.setdefault(enquiry_id, (held_on, decision))
    allocations = _allocations({e.episode_id for e in found}, day)
    rows = []
    for enquiry in found:
        held_on, decision = conference_of.get(enquiry.pk, (None, None))
        outcome_known = enquiry.outcome and (enquiry.outcome_date is None or enquiry.outcome_date <= day)
        no_conference = outcome_known and enquiry.outcome != Section47Enquiry.Outcome.INITIAL_CONFERENCE
        if enquiry.initial_conference_not_required or no_conference:
            unnecessary = YES
        elif held_on or outcome_known:
            unnecessary = NO
        else:
            unnecessary = ""
        row = children.common(enquiry.person_id)
        row.update(
            {
                DISABILITY: children.disability(enquiry.person_id),
                "Strategy discussion initiating Section 47 Enquiry Start Date": enquiry.start_date,
                "Was an Initial Child Protection Conference deemed unnecessary?": unnecessary,
                "Date of Initial Child Protection Conference": held_on,
                "Did the Initial Child Protection Conference Result in a Child Protection Plan": _yes_no(
                    decision == ConferenceChild.Decision.PLAN
                )
                if held_on
                else "",
                "Number of Section 47 Enquiries in the last 12 months": enquiries_in_year[enquiry.person_id],
                "Number of ICPCs in the last 12 months": icpcs_in_year[enquiry.person_id],
            }
        )
        row.update(_allocated(allocations, enquiry.episode_id))
        rows.append(row)
    return rows


def _open_on(queryset, day, start="start_date", end="end_date"):
    return queryset.filter(**{f"{start}__lte": day}).filter(Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def _children_in_need(window):
    day = window.day
    found = list(
        Referral.objects.filter(referral_date__lte=day, referral_nfa=False)
        .filter(Q(closure_date__isnull=True) | Q(closure_date__gte=window.start))
        .select_related("person")
        .order_by("referral_date", "id")
    )
    children = Children(_people(found), day)
    episode_ids = [r.pk for r in found]
    looked_after = set(
        _in(_open_on(PeriodOfCare.objects, day).values_list("person_id", flat=True), "person_id", children.people)
    )
    on_cp_plan = set(
        _in(_open_on(ChildProtectionPlan.objects, day).values_list("episode_id", flat=True), "episode_id", episode_ids)
    )
    on_cin_plan = set(
        _in(_open_on(ChildInNeedPlan.objects, day).values_list("episode_id", flat=True), "episode_id", episode_ids)
    )
    last_seen = {}
    for rows in (
        _in(
            Visit.objects.filter(seen=True, visit_date__lte=day)
            .values("person_id")
            .annotate(last=Max("visit_date"))
            .values_list("person_id", "last"),
            "person_id",
            children.people,
        ),
        _in(
            CareVisit.objects.filter(seen=True, visited_on__lte=day)
            .values("period__person_id")
            .annotate(last=Max("visited_on"))
            .values_list("period__person_id", "last"),
            "period__person_id",
            children.people,
        ),
    ):
        for person_id, last in rows:
            if last_seen.get(person_id) is None or last > last_seen[person_id]:
                last_seen[person_id] = last
    allocations = _allocations(episode_ids, day)
    rows = []
    for referral in found:
        closed = _on_or_before(referral.closure_date, day)
        if closed:
            status = CASE_STATUS_CLOSED
        elif referral.person_id in looked_after:
            status = CASE_STATUS_LOOKED_AFTER
        elif referral.pk in on_cp_plan:
            status = CASE_STATUS_CP
        elif referral.pk in on_cin_plan:
            status = CASE_STATUS_CIN
        else:
            status = CASE_STATUS_OPEN
        row = children.common(referral.person_id)
        row.update(
            {
                DISABILITY: children.disability(referral.person_id),
                "CIN Start Date": referral.referral_date,
                "Primary Need Code": PRIMARY_NEED.get(referral.primary_need, referral.primary_need),
                "Date Child Was Last Seen": last_seen.get(referral.person_id),
                "CIN Closure Date": closed,
                "Reason for Closure": CLOSURE_REASON.get(referral.closure_reason, referral.closure_reason)
                if closed
                else "",
                "Case Status": status,
            }
        )
        row.update(_allocated(allocations, referral.pk))
        rows.append(row)
    return rows


def _child_protection(window):
    day = window.day
    found = list(
        ChildProtectionPlan.objects.filter(start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=window.start))
        .select_related("person")
        .order_by("start_date", "id")
    )
    children = Children(_people(found), day)
    visits = defaultdict(list)
    for person_id, visited, alone in _in(
        Visit.objects.filter(kind=Visit.Kind.CHILD_PROTECTION, visit_date__lte=day)
        .order_by("visit_date", "id")
        .values_list("person_id", "visit_date", "seen_alone"),
        "person_id",
        children.people,
    ):
        visits[person_id].append((visited, alone))
    reviews = dict(
        _in(
            ConferenceChild.objects.filter(conference__kind=Conference.Kind.REVIEW, conference__held_on__lte=day)
            .values("plan_id")
            .annotate(last=Max("conference__held_on"))
            .values_list("plan_id", "last"),
            "plan_id",
            [p.pk for p in found],
        )
    )
    protected = set(
        _in(
            LegalStatus.objects.filter(code__in=POLICE_PROTECTION_OR_EPO, start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=window.start))
            .values_list("period__person_id", flat=True),
            "period__person_id",
            children.people,
        )
    )
    allocations = _allocations({p.episode_id for p in found}, day)
    rows = []
    for plan in found:
        ended = _on_or_before(plan.end_date, day)
        until = ended or day
        on_plan = [v for v in visits[plan.person_id] if plan.start_date <= v[0] <= until]
        last_visit = on_plan[-1] if on_plan else (None, None)
        row = children.common(plan.person_id)
        row.update(
            {
                DISABILITY: children.disability(plan.person_id),
                "Child Protection Plan Start Date": plan.start_date,
                "Initial Category of Abuse": ABUSE.get(plan.initial_category, plan.initial_category),
                "Latest Category of Abuse": ABUSE.get(plan.latest_category, plan.latest_category),
                "Date of the Last Statutory Visit": last_visit[0],
                "Was the Child Seen Alone?": _yes_no(last_visit[1]),
                "Date of latest review conference": reviews.get(plan.pk),
                "Child Protection Plan End Date": ended,
                "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)": _yes_no(  # noqa: E501
                    plan.person_id in protected
                ),
                "Number of Previous Child Protection Plans": plan.previous_plans,
            }
        )
        row.update(_allocated(allocations, plan.episode_id))
        rows.append(row)
    return rows


def _latest_by(queryset, field, ids, date_field):
    """{id: the row with the latest `date_field`} among `queryset`'s rows for `ids`."""
    latest = {}
    for row in _in(queryset.order_by(date_field, "id"), field, ids):
        latest[getattr(row, field)] = row
    return latest


def _children_in_care(window):
    day = window.day
    in_scope = (
        PeriodOfCare.objects.filter(start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=window.start))
        .select_related("person")
        .order_by("person_id", "start_date", "id")
    )
    latest = {}
    for period in in_scope:
        latest[period.person_id] = period  # one row per child: their latest period in scope
    found = sorted(latest.values(), key=lambda p: (p.start_date, p.pk))
    children = Children(_people(found), day)
    person_ids, period_ids = list(children.people), [p.pk for p in found]

    periods_in_year = Counter()
    uasc = set()
    for person_id, start, end, asylum, ceased in _in(  # noqa: B007
        PeriodOfCare.objects.filter(start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=window.year_start))
        .values_list("person_id", "start_date", "end_date", "unaccompanied_asylum_seeker", "uasc_ceased_on"),
        "person_id",
        person_ids,
    ):
        periods_in_year[person_id] += 1
        if asylum and (ceased is None or ceased >= window.year_start):
            uasc.add(person_id)
    statuses = _latest_by(LegalStatus.objects.filter(start_date__lte=day), "period_id", period_ids, "start_date")
    placements = _latest_by(Placement.objects.filter(start_date__lte=day), "period_id", period_ids, "start_date")
    reviews = _latest_by(LookedAfterReview.objects.filter(held_on__lte=day), "period_id", period_ids, "held_on")
    visits = _latest_by(CareVisit.objects.filter(visited_on__lte=day), "period_id", period_ids, "visited_on")
    plans = _latest_by(CarePlan.objects.filter(agreed_on__lte=day), "period_id", period_ids, "agreed_on")
    health, dental = {}, {}
    for person_id, held_on, dental_check in _in(
        HealthAssessment.objects.filter(held_on__lte=day)
        .order_by("held_on")
        .values_list("period__person_id", "held_on", "dental_check"),
        "period__person_id",
        person_ids,
    ):
        health[person_id] = held_on
        if dental_check:
            dental[person_id] = held_on
    placements_in_year = Counter(
        _in(
            Placement.objects.filter(start_date__lte=day)
            .exclude(place__in=TEMPORARY_PLACEMENTS)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=window.year_start))
            .values_list("period__person_id", flat=True),
            "period__person_id",
            person_ids,
        )
    )
    first, after = window.moments(window.year_start)
    missing, absent, last_episode = Counter(), Counter(), {}
    for episode_id, person_id, kind in _in(
        MissingEpisode.objects.filter(started_at__gte=first, started_at__lt=after)
        .order_by("started_at", "id")
        .values_list("id", "person_id", "kind"),
        "person_id",
        person_ids,
    ):
        (missing if kind == "M" else absent)[person_id] += 1
        last_episode[person_id] = episode_id
    interviews = {i.episode_id: i for i in _in(ReturnInterview.objects.all(), "episode_id", last_episode.values())}
    allocations = _allocations({p.episode_id for p in found}, day)
    own_la = authority()
    own_name = (placement_areas.name_of(own_la.la_code) or own_la.name) if own_la else ""
    placement_type = placement_areas.placement_types(day)
    rows = []
    for period in found:
        person_id = period.person_id
        status, placement, plan = statuses.get(period.pk), placements.get(period.pk), plans.get(period.pk)
        ceased = _on_or_before(period.end_date, day)
        offered = accepted = ""
        if person_id in last_episode:
            interview = interviews.get(last_episode[person_id])
            was_offered = interview is not None and (interview.offered_at is not None or interview.held_at is not None)
            offered = _yes_no(was_offered)
            if was_offered:
                accepted = _yes_no(
                    interview.held_at is not None or interview.response == ReturnInterview.Response.ACCEPTED
                )
        inside = placement is not None and placement.area == Placement.Area.INSIDE
        if placement is None:
            placed_in = ""
        elif inside:
            placed_in = own_name
        else:
            placed_in = placement_areas.name_of(placement_areas.authority_of(placement.postcode)) or ""
        row = children.common(person_id)
        row.update(
            {
                "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)": _yes_no(person_id in uasc),
                DISABILITY: children.disability(person_id),
                "Date Started to be Looked After": period.start_date,
                "Child's Category of Need": PRIMARY_NEED.get(period.category_of_need, period.category_of_need),
                "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)": _yes_no(  # noqa: E501
                    periods_in_year[person_id] > 1
                ),
                "Start date of current legal status": status.start_date if status else None,
                "Child's Legal Status": LEGAL_STATUS.get(status.code, status.code) if status else "",
                "Date of Latest Statutory Review": reviews[period.pk].held_on if period.pk in reviews else None,
                "Date of Last Social Work Visit": visits[period.pk].visited_on if period.pk in visits else None,
                "What is the permanence plan for this child?": PERMANENCE.get(plan.permanence_plan, "") if plan else "",
                "Date of Last IRO Visit / Contact to the Child": None,
                "Date of Last Health Assessment": health.get(person_id),
                "Date of Last Dental Check": dental.get(person_id),
                "Number of Placements in the Last 12 months": placements_in_year[person_id],
                "Date Ceased to be Looked After": ceased,
                "Reason Ceased to be Looked After": REASON_CEASED.get(period.end_reason, period.end_reason)
                if ceased
                else "",
                "Start Date of Most Recent Placement": placement.start_date if placement else None,
                "Placement Type": placement_type.get(placement.place, placement.place) if placement else "",
                "Placement Provider": PROVIDER.get(placement.provider, placement.provider) if placement else "",
                "Placement postcode": placement.postcode if placement else "",
                "URN of Placement": placement.urn if placement else "",
                "Placement Location": (LOCATION_IN if inside else LOCATION_OUT) if placement else "",
                "LA of Placement": placed_in,
                "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months": missing[
                    person_id
                ],
                "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months": absent[
                    person_id
                ],
                "Was the child offered a Return Interview after their last missing episode (Y/N)?": offered,
                "Did the child accept a Return Interview after their last missing episode (Y/N)?": accepted,
            }
        )
        row.update(_allocated(allocations, period.episode_id))
        rows.append(row)
    return rows


# --- Writing ------------------------------------------------------------------------------------

DATE_FORMAT = "DD/MM/YYYY"


def write(tables, target):
    """The workbook: one sheet per list, named as the template's tables ("List 1" ...), the
    exact headers in the first row, dates as Excel dates shown dd/mm/yyyy. `target` is a path
    or a binary file-like object."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    for name, header in HEADERS.items():
        sheet = workbook.create_sheet(title=name)
        bold = []
        for title in header:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in tables.get(name, []):
            values = []
            for title in header:
                value = row.get(title)
                if isinstance(value, datetime.date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = DATE_FORMAT
                    value = cell
                elif value == "":
                    value = None
                values.append(value)
            sheet.append(values)
    workbook.save(target)
    return target
