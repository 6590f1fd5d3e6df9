"""The demo authority's children in care: which referred children become looked after, their
periods of care with legal statuses, placements (carers shared by several children) and the
SSDA903 episodes derived from them (childrenincare.services.derive_episodes), care plans,
looked-after reviews chaired by the IRO, statutory visits, health assessments and personal
education plans, the reasons care ended, returns home (with the decision, its gates, the
household, the support plan, family group decision-making, the approval and 12 months of
monitoring, a third of them breaking down), missing episodes with their return interviews,
their due dates (kernel.Deadline) and chronology, written in bulk as the services would have
written them step by step.

Called by demo.generator after demo.casework (`Care(generator).run()`); it reads the
referrals and allocations back. Its random stream is its own ("<seed>:care"), so the same seed,
size and `today` give the same care histories.

Published figures (England, /work/shared/data/dfe-published; national counts rounded to 10):

- cla2025__cla_number_and_rate_per_10k_children.csv, 2025: 81,770 looked after on 31 March,
  67 per 10,000 children; 34,450 ceased in the year, 28 per 10,000; 32,270 started, 26 per
  10,000. The generator's case history covers one year of referrals, and a period of care
  starts after its referral. Care in the five collection years before this one (history())
  hangs on migrated referrals (demo.leaving_care.MIGRATED, as the care leavers' and the
  historic adoptions' do): 26 per 10,000 start in each year (from the first day every timescale
  rule care uses is in force, so the earliest year has only its part after that), lasting
  PERIOD_LENGTH, some still looked after today, returns home breaking down bring children back
  (re-entries), and each has its reviews, visits, health assessments, PEPs and, for each 31
  March it was looked after 12 months, the year's OC2 outcomes (year_outcomes()). With the care
  leavers' earlier care, each 31 March of those years has about the published stock. The
  demo's year adds periods that start in it until the authority has the published stock (67
  per 10,000 looked after on the day it is made) and the published number who ceased (28 per
  10,000), counting the history's still looked after and ceased in the year, so its starts in
  the year are still more than the published 26 per 10,000 (DERIVED, a limit of a one-year
  history of referrals).
- cla2024__national_cla_started_to_be_looked_after.csv, 2024 (of 33,050 starts): legal status
  at start s20 57%, care order (interim) 31%, detained for child protection 10%, youth justice
  2%; category of need N1 56%, N2 2%, N3 2%, N4 7%, N5 10%, N6 2%, N7 0.1%, N8 21%; first
  placement foster 55% (with relatives or friends 17%), placed with parents 7%, homes 4%,
  supported or independent 20%, other residential 6%, other 8%.
- cla2024__national_cla_on_31_march_by_placement_provider_placement_type_and_locality.csv,
  2024: foster placements' providers own LA 60%, private 32%, voluntary 8%; children's homes
  own 19%, private 77%, voluntary 4%; supported accommodation private 87%, voluntary 9%,
  own 4%.
- cla2025__la_cla_placement_stability.csv, 2025: 10% of children looked after on 31 March had
  3 or more placements in the year.
- cla2025__la_cla_during_year_new_placements.csv, 2025: reasons placements changed (of
  59,140): CARPL 34%, OTHER 25%, PLACE 18%, CREQB 8%, CREQO 7%, CHILD 3%, LAREQ 2%, ALLEG,
  STAND, CLOSE 1% each, APPRR 0.4%, CUSTOD 0.3%; new placements inside the boundary 51%,
  outside within 20 miles 20%, outside beyond 20 miles 16%, not known 13%.
- cla2024__la_children_who_ceased_during_the_year.csv, 2024 (of 33,620): E4A 17%, E4B 3%,
  E17 16%, E5 13%, SGO (E45-E48) 11%, adopted (E11, E12) 9%, E8 8%, E3 6%, E13 6%, E6 3%, E41
  3%, E15, E9, E7 1% each, E14, E16, E2 under 0.5%. Reasons a child cannot have (E17 before 18,
  adoption without a placement order) are drawn again from those the child can.
- cla2024__official_statistics_cla_who_were_missing.csv and
  cla2024__la_children_who_were_missing_or_away_from_placement_without_authorisation.csv,
  2024: 13,010 of 116,420 children looked after in the year (11%) went missing, 8,210 of them
  (63%) more than once, 6.5 incidents each on average (83,920 incidents); 99.8% of incidents
  by children aged 10 or over; away without authorisation 10,780 incidents; durations: under a
  day 33%, 1 to 2 days 57%, 3 to 7 days 8%, longer 2%; 300 children missing on 31 March.
- Return interviews held within 72 hours: about 63% [U] (one study; no national figure is
  published); the rest later with a reason, declined or not answered (ASSUMED shares).
- Returns home that break down within 12 months: about a third [U] (research on re-entry
  after reunification, e.g. Farmer and Wijedasa; the 903 files here give no re-entry figure):
  the child comes back into care (a new period) or is referred again, flagged on the
  monitoring row.
- Looked-after reviews on time 90%, visits 92%, care plans 92%, personal education plans
  85%, initial health assessments 75% (ASSUMED; late ones carry a reason); reviews'
  participation codes (ASSUMED mix; PN0 for children under 4). Placement moves per period
  ASSUMED (none 56%, one 26%, two 12%, three 6%), fitted to the 10% with three or more.
- A decision that took effect has every recorded gate met, the adults of the household
  assessed, three support services, family group decision-making accepted and agreed, each
  risk signal weighed, and the approval of the nominated officer (head.of.service, designated
  here) or, for a 16 or 17 year old under section 20, the director (the third head of
  service, designated here for the demo).

Some children are put at demonstration points held by the `social.worker` demo account: a
child in care with a return-home decision in draft with gates open, a child home within the
last 12 months with an unseen re-referral flag, a child missing now, and a child whose return
interview is overdue.
"""

import datetime as dt
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType

from childrenincare import outcomes, services, visits
from childrenincare.models import (
    Approval,
    CareEpisode,
    CarePlan,
    Carer,
    CareVisit,
    Designation,
    FamilyGroupDecisionMaking,
    GateRecord,
    HealthAssessment,
    HouseholdMember,
    LegalStatus,
    LookedAfterReview,
    MonitoringFlag,
    PeriodOfCare,
    PersonalEducationPlan,
    Placement,
    ReturnHomeMonitoring,
    ReunificationDecision,
    RiskSignalWeighing,
    SupportPlanItem,
    YearOutcomes,
)
from childrenincare.planning import services as care_planning
from childrenincare.return_home import services as reunification
from childrenincare.visits import NEW_PLACEMENT, USUAL
from chronology import kinds as chronology_kinds
from chronology import services as chronology
from exploitation.models import MissingEpisode, ReturnInterview, ReturnInterviewIndicator
from exploitation.services import RETURN_INTERVIEW_RULE
from exploitation.services import interview_due_after as rule
from familyhelp import services as familyhelp
from familyhelp.models import Allocation
from frontdoor.models import Contact, ContactPerson, Referral
from kernel import codelists, deadlines, working_days
from kernel.models import Deadline, TimescaleRule
from partners.models import User
from people.ages import one_year_after
from people.models import Involvement, Person, PersonAddress, Relationship
from returns.collection import collection_period, year_in_progress

LONDON = ZoneInfo("Europe/London")
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
BATCH = 2000
FOSTER = {"U1", "U2", "U3", "U4", "U5", "U6"}
NEW_CODES_FROM = dt.date(2025, 4, 1)  # Z11-Z14 from, H5, P2 and Z1 to the day before (903 2025-26)
OLD_CODES = {"H5": "K3", "Z1": "Z1"}  # the new code of a placement open on NEW_CODES_FROM (Z1: Z11-Z14)

# --- Published figures (see the module docstring) -------------------------------------------

LOOKED_AFTER_PER_10K = 67  # cla2025 number and rate, 31 March 2025
CEASED_PER_10K = 28  # cla2025 number and rate, ceased in 2024-25
START_LEGAL_STATUS = {
    "V2": 18980,
    "C1": 10210,
    "L1": 2010,
    "L2": 1340,
    "J1": 510,
}  # cla2024 starts (detained 3,350 split ASSUMED 60:40)
CATEGORY_OF_NEED = {
    "N1": 18510,
    "N2": 590,
    "N3": 720,
    "N4": 2420,
    "N5": 3150,
    "N6": 550,
    "N7": 30,
    "N8": 7090,
}  # cla2024 starts
FIRST_PLACEMENT = {
    "foster": 12570,
    "connected": 5720,
    "parents": 2190,
    "home": 1160,
    "supported": 6670,
    "residential": 2130,
    "other": 2580,
}  # cla2024 starts, placement group
FOSTER_PROVIDER = {"PR1": 24380 + 9200, "PR4": 5510 + 12390, "PR5": 2550 + 2080}  # cla2024 31 March
HOME_PROVIDER = {"PR1": 990, "PR4": 1600 + 5440, "PR5": 190 + 300}
SUPPORTED_PROVIDER = {"PR1": 250, "PR4": 2780 + 2650, "PR5": 500 + 80}
CHANGE_REASON = {
    "CARPL": 20170,
    "OTHER": 14570,
    "PLACE": 10500,
    "CREQB": 5010,
    "CREQO": 4230,
    "CHILD": 1870,
    "LAREQ": 1000,
    "STAND": 600,
    "CLOSE": 400,
    "ALLEG": 390,
    "APPRR": 250,
    "CUSTOD": 150,
}  # cla2025
AREA = {"inside": 41990 + 4310 + 11840, "adjoining": 18220, "distant": 14560}  # cla2025 new placements
# cla2024 ceased: SGO split across E45-E48 and adoption across E11/E12 ASSUMED.
CEASED = {
    "E4A": 5740,
    "E4B": 1100,
    "E17": 5380,
    "E5": 4230,
    "E45": 1700,
    "E46": 700,
    "E47": 1160,
    "E48": 300,
    "E11": 1790,
    "E12": 1190,
    "E8": 2660,
    "E3": 2140,
    "E13": 1970,
    "E6": 1100,
    "E41": 1150,
    "E15": 380,
    "E9": 220,
    "E7": 460,
    "E14": 150,
    "E16": 70,
    "E2": 60,
}
STARTED_PER_10K = 26  # cla2025 number and rate, started in 2024-25
# The sector's 903 validator (rule 197B) wants an SDQ score or reason at 17 too (the service asks
# from outcomes.SDQ_AGES, 4 to 16 [U]): the worker records one at 17.
SDQ_TO = 17
HISTORY_YEARS = 5  # the collection years before this one that the statistics pages show
# ASSUMED: how long the history's periods last (days); with STARTED_PER_10K a year, about the
# published stock (67 per 10,000 is 2.6 years of starts at 26).
PERIOD_LENGTH = {(14, 180): 30, (181, 730): 30, (731, 2200): 40}
# The timescale rules a period of care uses: the history begins once all of them are in force.
HISTORY_RULES = (
    "iro-appointment",
    "care-plan",
    "first-looked-after-review",
    "second-looked-after-review",
    "looked-after-review",
    "initial-health-assessment",
    "health-assessment-review",
    "health-assessment-review-under-5",
    "personal-education-plan",
    "personal-education-plan-review",
    NEW_PLACEMENT,
    USUAL,
)
ADOPTER_RULES = ("adopter-stage-1", "adopter-stage-2")
ADOPTERS_BEFORE = 560  # days: demo.adoption's households begin up to about 535 days before care
THREE_OR_MORE_PLACEMENTS = 0.10  # cla2025 placement stability
MISSING_SHARE = 13010 / 116420  # cla2024 missing: children who went missing in the year
MISSING_MORE_THAN_ONCE = 8210 / 13010
MISSING_INCIDENTS_PER_CHILD = 83920 / 13010
AWAY_SHARE = 10780 / (83920 + 10780)  # incidents "away from placement without authorisation"
MISSING_HOURS = [
    ((2, 23), 28000),
    ((24, 71), 47460),
    ((72, 191), 6630),
    ((192, 263), 650),
    ((264, 383), 420),
    ((384, 503), 180),
    ((504, 743), 190),
    ((744, 900), 400),
]  # cla2024 durations
RETURN_INTERVIEW = {"held_in_72h": 63, "held_late": 17, "declined": 14, "no_response": 6}  # 63% [U]; rest ASSUMED
BREAKDOWN = 1 / 3  # [U] returns home breaking down within 12 months
ON_TIME = 0.90  # ASSUMED
PARTICIPATION = {"PN1": 45, "PN2": 8, "PN3": 4, "PN4": 8, "PN5": 10, "PN6": 12, "PN7": 13}  # ASSUMED
SHORT_BREAK_IN_HOSPITAL = 0.04  # ASSUMED: a temporary placement (T1 to T4) during the period
# ASSUMED: of those, the child moves on to new carers soon after coming back (back first: a child in
# a temporary placement returns to the normal one, 903 rule 383).
TEMPORARY_THEN_MOVE = 0.3
# ASSUMED: a child who moves on the day a care order (or an order after police protection) is
# made: one SSDA903 episode B (or U with the same carers), not L then P.
MOVE_WITH_ORDER = 0.25
EXTRA_MOVE = "foster:extra"

LATE = {
    "review": [
        "The IRO was not available on the due date",
        "Moved so that the parents could attend",
        "Rearranged: the child was in hospital",
    ],
    "visit": ["The child was away with the carers; visited on their return", "The worker was off sick; reallocated"],
    "health": [
        "Waiting for an appointment with the looked-after children's nurse",
        "The child did not attend the first appointment",
    ],
    "pep": ["The school could not meet until the new term", "Waiting for the designated teacher"],
    "interview": [
        "The child was not available until the weekend",
        "The child asked to wait until after school",
        "The return interview service had no worker free within 72 hours",
    ],
}
WHERE_FOUND = [
    "At a friend's house",
    "In the town centre, found by the police",
    "At a relative's home",
    "Came back to the placement on their own",
    "At the bus station",
    "At a known address in another town",
]
INDICATORS = {"CCE": 30, "CSE": 25, "CL": 15, "SUB": 20, "GANG": 8, "ONL": 10, "OTH": 5}  # ASSUMED


def weighted(rng, mapping):
    keys = list(mapping)
    return rng.choices(keys, [mapping[k] for k in keys])[0]


def at(rng, day, first=9, last=16):
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(first, last), rng.choice((0, 15, 30, 45)), tzinfo=LONDON
    )


def age_on(dob, day):
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def birthday(dob, years):
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return dob.replace(year=dob.year + years, day=28)


class Child:
    """A child who becomes looked after, with what the generator knows of them."""

    __slots__ = (
        "person",
        "dob",
        "referral",
        "referral_date",
        "closure",
        "team",
        "worker",
        "demo",
        "parents",
        "grandparents",
        "postcode",
        "later",
        "periods",
        "role",
    )

    def __init__(self, row):
        self.person = row["person_id"]
        self.dob = row["person__date_of_birth"]
        self.referral = row["id"]
        self.referral_date = row["referral_date"]
        self.closure = row["closure_date"]
        self.team = self.worker = None
        self.demo = False
        self.parents, self.grandparents = [], []
        self.postcode = ""
        self.later = []  # later referrals: (date, id)
        self.periods = []
        self.role = None


class Care:
    def __init__(self, generator):
        self.g = generator
        self.today = generator.today
        self.rng = random.Random(f"{generator.seed}:care")
        # Who holds a case depends on demo.casework's allocations, some of which follow database
        # ids (not the same after the database is emptied): its own stream keeps the rest reproducible.
        self.staff_rng = random.Random(f"{generator.seed}:care:staff")
        self.counts = defaultdict(int)
        self.batch = deadlines.Batch()
        self._in_progress = defaultdict(list)

    # --- helpers ---------------------------------------------------------------------------

    def due(self, slug, start):
        return self.batch.counted(slug, start)

    def due_date(self, slug, start):
        return self.due(slug, start)[0].due_date

    def deadline(self, slug, start, child, subject, *, done=None, late_reason="", withdrawn=""):
        """A due date issued by kernel.deadlines' rules (a batch of them): met on `done` (a date,
        or the moment for rules in hours), or withdrawn, or open. Returns (due date, whether late)."""
        row = self.batch.issue(slug, start, person=child.person, subject=subject, episode=child.referral)
        row.child_ = child  # held by the child's team and worker when written
        if done is not None:
            deadlines.mark_met(row, done, late_reason)
        elif withdrawn:
            deadlines.mark_withdrawn(row, withdrawn)
        return row.due_date, row.late

    def chron(self, child, kind, when, title, source, by, detail=""):
        if isinstance(when, dt.date) and not isinstance(when, dt.datetime):
            when = at(self.rng, when)
        self.entries.append((child.person, kind, when, title, detail, source, by))

    def on_time(self, due, earliest, window, reasons, late_share=1 - ON_TIME):
        """A day for something due on `due`: mostly up to `window` days early (not before
        `earliest`), sometimes late, with the reason."""
        rng = self.rng
        if rng.random() < late_share:
            return due + dt.timedelta(days=rng.randint(1, 12)), rng.choice(reasons)
        day = due - dt.timedelta(days=rng.randint(0, window))
        return max(day, earliest), ""

    # --- set-up ----------------------------------------------------------------------------

    def setup(self):
        g = self.g
        staff = {u.username: u for u in g.staff}
        self.demo_worker = staff.get("social.worker")
        self.iro = staff.get("iro") or g.members["IRO"][0][1][0]
        heads = [u for u in g.staff if u.role == User.Role.HEAD_OF_SERVICE]
        self.nominated = staff.get("head.of.service") or heads[0]
        self.director = heads[-1] if len(heads) > 1 else self.nominated
        self.cic = g.members["children in care"]
        self.la = g.la
        self.return_service = g.voluntary[0].name + " (return interview service)"
        since = self.today - dt.timedelta(days=(HISTORY_YEARS + 1) * 365)  # from before history() begins
        self.designations = [
            Designation(user=self.nominated, kind=Designation.Kind.NOMINATED_OFFICER, valid_from=since)
        ]
        if self.director is not self.nominated:
            self.designations.append(Designation(user=self.director, kind=Designation.Kind.DIRECTOR, valid_from=since))
        # Carers: a pool of foster carers shared by several children, fostering agencies, homes.
        rng = self.rng
        self.carers = []
        self.fostering_urn = "SC999001"
        self.ifa_urns = ["SC999101", "SC999102", "SC999103"]
        self.pools = defaultdict(list)
        size = max(6, round(g.children * LOOKED_AFTER_PER_10K / 10000 * 0.6))
        for number in range(size):
            provider = weighted(rng, FOSTER_PROVIDER)
            first, last = g.staff_name(rng, 0.7)
            kind = Carer.Kind.LA_FOSTER_CARER if provider == "PR1" else Carer.Kind.AGENCY_FOSTER_CARER
            urn = self.fostering_urn if provider == "PR1" else self.ifa_urns[number % len(self.ifa_urns)]
            self.pools[provider].append(
                self.carer(
                    kind,
                    f"{first} and {g.staff_name(rng, 0.3)[0]} {last}",
                    provider,
                    urn,
                    approval=Carer.Approval.APPROVED,
                )
            )
        homes = max(3, round(size / 6))
        for number in range(homes):
            provider = weighted(rng, HOME_PROVIDER)
            name = [
                "Moorview House",
                "Beckside Lodge",
                "The Willows",
                "Larch Court",
                "Heather Lodge",
                "Fellside",
                "Brookfield House",
                "Oakleigh",
            ][number % 8] + (f" {number // 8 + 1}" if number >= 8 else "")
            self.pools["home" + provider].append(
                self.carer(Carer.Kind.CHILDRENS_HOME, name + " children's home", provider, f"SC{998000 + number}")
            )
        for number in range(max(2, homes // 2)):
            provider = weighted(rng, SUPPORTED_PROVIDER)
            self.pools["supported" + provider].append(
                self.carer(
                    Carer.Kind.SUPPORTED_ACCOMMODATION,
                    f"Northmoor Supported Living {number + 1}",
                    provider,
                    f"2{number + 100000:06d}"[:7],
                )
            )

    def carer(
        self,
        kind,
        name,
        provider,
        urn,
        approval=Carer.Approval.NOT_NEEDED,
        person=None,
        relationship="",
        postcode=None,
        approved_on=None,
    ):
        made = Carer(
            kind=kind,
            name=name[:200],
            provider=provider,
            urn=urn,
            person_id=person,
            relationship_to_child=relationship,
            postcode=postcode or self.g.postcode(self.rng.randrange(20000, 40000), self.rng.randrange(5)),
            approval=approval,
            approved_on=approved_on
            or (
                self.today - dt.timedelta(days=self.rng.randint(400, 3000))
                if approval == Carer.Approval.APPROVED
                else None
            ),
        )
        self.carers.append(made)
        return made

    # --- reading what casework made ----------------------------------------------------------

    def read(self):
        today = self.today
        rows = list(
            Referral.objects.order_by("id").values(
                "id", "person_id", "referral_date", "closure_date", "person__date_of_birth"
            )
        )
        by_person = defaultdict(list)
        for row in rows:
            if row["person__date_of_birth"] is not None:
                by_person[row["person_id"]].append(row)
        allocations = {}  # the latest allocation of each episode (open, or the last before closure)
        for row in Allocation.objects.order_by("start_date", "id").values(
            "id", "episode_id", "team_id", "worker_id", "start_date", "end_date", "involvement_id"
        ):
            allocations[row["episode_id"]] = row
        children = []
        for person, items in by_person.items():  # noqa: B007
            items.sort(key=lambda r: (r["referral_date"], r["id"]))
            for index, row in enumerate(items):
                child = Child(row)
                if age_on(child.dob, row["referral_date"]) >= 18 or age_on(child.dob, today) >= 18:
                    continue
                child.later = [(r["referral_date"], r["id"]) for r in items[index + 1 :]]
                child.role = allocations.get(row["id"])
                children.append(child)
        return children

    def context(self, chosen):
        """Parents, grandparents and home postcodes of the chosen children."""
        ids = sorted({c.person for c in chosen})
        parents, grandparents, postcodes, names = defaultdict(list), defaultdict(list), {}, {}
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            for row in (
                Relationship.objects.filter(
                    person_id__in=chunk, relationship__in=(Relationship.Type.PARENT, Relationship.Type.GRANDPARENT)
                )
                .order_by("id")
                .values(
                    "person_id",
                    "related_person_id",
                    "relationship",
                    "related_person__given_names",
                    "related_person__family_name",
                    "related_person__sex",
                )
            ):
                name = f"{row['related_person__given_names'].split()[0]} {row['related_person__family_name']}"
                names[row["related_person_id"]] = name
                target = parents if row["relationship"] == Relationship.Type.PARENT else grandparents
                target[row["person_id"]].append((row["related_person_id"], name, row["related_person__sex"]))
            for row in (
                PersonAddress.objects.filter(person_id__in=chunk, kind=PersonAddress.Kind.HOME)
                .order_by("moved_in", "id")
                .values("person_id", "address__postcode")
            ):
                postcodes[row["person_id"]] = row["address__postcode"]
        for child in chosen:
            child.parents = parents.get(child.person, [])
            child.grandparents = grandparents.get(child.person, [])
            child.postcode = postcodes.get(child.person, "")

    # --- running ---------------------------------------------------------------------------

    def run(self):
        self.setup()
        today, rng = self.today, self.rng
        self.periods, self.statuses, self.placements, self.episodes = [], [], [], []
        self.plans, self.reviews, self.visits, self.health, self.peps = [], [], [], [], []
        self.approvals, self.decisions, self.gates, self.household, self.support, self.fgdm = [], [], [], [], [], []
        self.carer_links, self.monitoring, self.flags = [], [], []
        self.missing, self.interviews, self.indicators = [], [], []
        self.allocations, self.involvements, self.ended_allocations = [], [], []
        self.entries, self.closures, self.reopened = [], [], []
        candidates = self.read()
        rng.shuffle(candidates)
        history = self.history()
        first_day = today - dt.timedelta(days=365)
        wanted_now = round(self.g.children * LOOKED_AFTER_PER_10K / 10000)
        wanted_ceased = round(self.g.children * CEASED_PER_10K / 10000)
        # The history's children still looked after, and those who ceased in the demo's year, are
        # part of the published stock and of the year's ceased.
        wanted_now = max(1, wanted_now - sum(1 for _, _, end in history if end is None))
        wanted_ceased = max(1, wanted_ceased - sum(1 for _, _, end in history if end and end >= first_day))
        taken = set()

        def take(test, limit):
            found = []
            for child in candidates:
                if len(found) >= limit:
                    break
                if child.person not in taken and test(child):
                    taken.add(child.person)
                    found.append(child)
            return found

        # Demonstration points first (held by social.worker), then the rest.
        settled = today - dt.timedelta(days=60)
        demo = {}
        if self.demo_worker is not None:
            demo["decision"] = take(
                lambda c: (
                    c.closure is None and not c.later and c.referral_date <= settled and age_on(c.dob, today) < 16
                ),
                1,
            )
            demo["flag"] = take(
                lambda c: (
                    c.later
                    and c.later[0][0] - c.referral_date >= dt.timedelta(days=45)
                    and c.later[0][0] <= today - 2 * DAY
                ),
                1,
            )
            demo["missing"] = take(
                lambda c: (
                    c.closure is None and not c.later and c.referral_date <= settled and 12 <= age_on(c.dob, today) < 17
                ),
                1,
            )
            demo["interview"] = take(
                lambda c: (
                    c.closure is None and not c.later and c.referral_date <= settled and 12 <= age_on(c.dob, today) < 17
                ),
                1,
            )
        now = take(
            lambda c: c.closure is None and not c.later and c.referral_date <= today - 3 * DAY,
            max(0, wanted_now - sum(len(v) for k, v in demo.items() if k != "flag")),
        )
        wanted = max(0, wanted_ceased - len(demo.get("flag", [])))
        # Episodes that closed first (their periods end before the closure, so they spread over the
        # year and a return home has time to break down: a re-referral, or care again, which opens
        # the episode again), then open ones.
        ceased = take(
            lambda c: (
                (c.closure is not None or c.later)
                and ((c.later[0][0] if c.later else c.closure) - c.referral_date).days >= 21
            ),
            wanted,
        )
        ceased += take(
            lambda c: c.closure is None and not c.later and (today - c.referral_date).days >= 21, wanted - len(ceased)
        )
        chosen = now + ceased + [c for v in demo.values() for c in v]
        self.context(chosen + [child for child, _, _ in history])
        for role, found in demo.items():
            for child in found:
                child.demo = role
        for child in chosen:
            self.holder(child)
        for child in now + [c for k, v in demo.items() if k != "flag" for c in v]:
            start = self.start_day(child, today - (30 if child.demo else 1) * DAY)
            self.period(child, start, None, "")
        for child in ceased + demo.get("flag", []):
            limit = min(child.closure or today, child.later[0][0] if child.later else today) - DAY
            if child.demo == "flag":
                limit = child.later[0][0] - dt.timedelta(days=10)
            start = self.start_day(child, limit - 14 * DAY)
            end = start + dt.timedelta(days=rng.randint(14, max(14, (limit - start).days)))
            reason = "E4A" if child.demo == "flag" else self.end_reason(child, start, end, limit)
            if reason == "E17":
                end = birthday(child.dob, 18)
            self.period(child, start, end, reason)
        for child, start, end in history:  # the earlier years' care (see history())
            self.holder(child)
            reason = self.end_reason(child, start, end, end) if end else ""
            self.period(child, start, end, reason)
        chosen += [child for child, _, _ in history]
        self.missing_episodes([p for c in chosen for p in c.periods])
        self.demonstration(demo)
        self.write()
        return dict(self.counts)

    def history(self):
        """Care that began in the five collection years before this one (HISTORY_YEARS), for
        children of the generator with no referral in the demo's year: each has a migrated
        referral (demo.leaving_care.MIGRATED) 5 to 30 days before care began. STARTED_PER_10K
        start in each year (in its part on or after the first day of every timescale rule care
        uses, and before the demo's year), the first of them ceasing within the year, the rest
        staying PERIOD_LENGTH; a period that would end after today is still open. Returns
        [(Child, start, end or None)], in the order made; the periods are made by period()
        like the rest (returns home that break down bring the child back into care)."""
        from demo.leaving_care import MIGRATED  # noqa: PLC0415

        g, today = self.g, self.today
        rng = random.Random(f"{g.seed}:care:history")
        if not g.children:
            return []
        first_day = today - dt.timedelta(days=365)
        rules_from = max(
            TimescaleRule.objects.filter(slug=slug).order_by("valid_from").values_list("valid_from", flat=True).first()
            or today
            for slug in HISTORY_RULES
        )
        # A child who could be adopted (under 8) starts care once the adopters' rules have been in
        # force long enough for demo.adoption to give the adopters their assessment before it (as
        # demo.adoption.historic does).
        adopters_from = (
            max(
                TimescaleRule.objects.filter(slug=slug)
                .order_by("valid_from")
                .values_list("valid_from", flat=True)
                .first()
                or today
                for slug in ADOPTER_RULES
            )
            + ADOPTERS_BEFORE * DAY
        )
        pool = list(
            Person.objects.filter(
                kind=Person.Kind.CHILD, referrals__isnull=True, addresses__kind=PersonAddress.Kind.HOME
            )
            .order_by("id")
            .values_list("pk", "date_of_birth")
            .distinct()
        )
        rng.shuffle(pool)
        used, planned = set(), []
        current = year_in_progress(today)
        for year in range(current - HISTORY_YEARS, current):
            year_start, year_end = collection_period(year)
            earliest, latest = max(year_start, rules_from + 7 * DAY), min(year_end, first_day - 40 * DAY)
            if latest <= earliest:
                continue
            wanted = max(1, round(g.children * STARTED_PER_10K / 10000 * (latest - earliest).days / 365))
            for number in range(wanted):
                start = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
                if number == 0:  # one ceases within its year
                    start = earliest + dt.timedelta(days=rng.randint(0, max(0, (latest - earliest).days // 2)))
                    end = start + dt.timedelta(days=rng.randint(14, max(14, (year_end - start).days - 1)))
                else:
                    low, high = weighted(rng, PERIOD_LENGTH)
                    end = start + dt.timedelta(days=rng.randint(low, high))
                found = next(
                    (
                        (pk, dob)
                        for pk, dob in pool
                        if pk not in used
                        and dob is not None
                        and dob + 30 * DAY <= start
                        and (8 if start < adopters_from else 0) <= age_on(dob, start) < 17
                    ),
                    None,
                )
                if found is None:
                    continue
                used.add(found[0])
                planned.append((found, start, None if end >= today - 3 * DAY else end))
        contacts, links, referrals = [], [], []
        for (pk, _), start, end in planned:
            received = at(rng, start - dt.timedelta(days=rng.randint(5, 30)))
            contact = Contact(
                received_at=received,
                channel=Contact.Channel.PHONE,
                source=rng.choice(["2A", "6", "3F", "5A"]),
                concerns="Historic referral, migrated from the previous system.",
                consent=Contact.Consent.NOT_NEEDED,
                status=Contact.Status.DECIDED,
                decision_due_date=received.date() + DAY,
                decision_due_at=received + DAY,
                decision_due_explanation=MIGRATED,
                recorded_by=self.nominated,
            )
            contacts.append(contact)
            links.append(
                ContactPerson(contact=contact, person_id=pk, role="subject", matched_by=ContactPerson.Match.CHOSEN)
            )
            referrals.append(
                Referral(
                    person_id=pk,
                    contact=contact,
                    referral_date=received.date(),
                    source=contact.source,
                    primary_need=rng.choice(["N1", "N1", "N2", "N4", "N5", "N8"]),
                    closure_date=end,
                    closure_reason="RC7" if end else "",
                )
            )
        Contact.objects.bulk_create(contacts, batch_size=BATCH)
        for link, referral, contact in zip(links, referrals, contacts, strict=True):
            link.contact_id = referral.contact_id = contact.pk
        ContactPerson.objects.bulk_create(links, batch_size=BATCH)
        Referral.objects.bulk_create(referrals, batch_size=BATCH)
        self.counts["historic referrals"] += len(referrals)
        history = []
        for ((pk, dob), start, end), referral in zip(planned, referrals, strict=True):
            child = Child(
                {
                    "person_id": pk,
                    "person__date_of_birth": dob,
                    "id": referral.pk,
                    "referral_date": referral.referral_date,
                    "closure_date": referral.closure_date,
                }
            )
            history.append((child, start, end))
        return history

    def start_day(self, child, latest):
        rng = self.rng
        earliest = child.referral_date + DAY * rng.choice((0, 1, 2, 5, 10))
        span = (latest - earliest).days
        if span <= 0:
            return max(child.referral_date, min(earliest, latest))
        return earliest + dt.timedelta(days=min(span, int(rng.random() ** 1.5 * span)))

    def end_reason(self, child, start, end, limit):
        """The reason care ended, drawn from the published mix among the reasons this child can
        have (E17 only at 18, independent living from 16, adoption under 8 after 200 days...).
        The generator's children are all under 18 today, so E17's share goes to the others."""
        age = age_on(child.dob, end)
        eighteen = birthday(child.dob, 18)
        total = sum(CEASED.values())
        if child.parents:  # returns home keep their published shares (17% and 3%)
            roll = self.rng.random()
            if roll < CEASED["E4A"] / total:
                return "E4A"
            if roll < (CEASED["E4A"] + CEASED["E4B"]) / total:
                return "E4B"
        possible = {}
        for reason, weight in CEASED.items():
            if reason in ("E4A", "E4B"):
                continue
            if reason == "E17" and not start < eighteen <= limit:
                continue
            if reason in ("E5", "E6", "E15") and age < 16:
                continue
            if reason in ("E11", "E12") and (age >= 8 or (end - start).days < 200):
                continue
            if reason == "E7" and age < 16:  # adult social care (903 rule 389)
                continue
            if reason in ("E9", "E14") and age < 12:
                continue
            possible[reason] = weight
        return weighted(self.rng, possible or {"E8": 1})

    def holder(self, child):
        """Who holds the child's case: the open allocation, social.worker for a demonstration
        point, otherwise a children-in-care social worker."""
        rng = self.staff_rng
        role = child.role
        if child.demo:
            team, worker = self.demo_worker.team, self.demo_worker
        elif role is not None:
            child.team, child.worker = role["team_id"], role["worker_id"]
            return
        else:
            team, worker = rng.choice(self.cic)
            worker = rng.choice(worker)
        # The children-in-care worker takes over a week after the last allocation began (never the
        # same day: two social workers from one day is not a handover, 903 rules SW10 and SW19).
        start = max(child.referral_date, role["start_date"] + 7 * DAY if role else child.referral_date)
        if role is not None and (
            role["worker_id"] == worker.pk
            or start > self.today
            or (role["end_date"] is not None and role["end_date"] <= start + DAY)
        ):
            child.team, child.worker = role["team_id"], role["worker_id"]
            return
        if role is not None:
            self.ended_allocations.append((role, start))
        allocation = familyhelp.new_allocation(
            child.person,
            child.referral,
            team=team,
            worker=worker,
            on=start,
            by=self.nominated,
            change_reason="TSPROC" if role is not None else "",
        )
        end = role["end_date"] if role else child.closure
        allocation.end_date = allocation.involvement.end_date = end
        self.involvements.append(allocation.involvement)
        self.allocations.append(allocation)
        child.team, child.worker = team.pk, worker.pk
        self.chron(child, "allocation", start, familyhelp.allocation_title(team, worker), allocation, self.nominated)

    # --- one period of care ------------------------------------------------------------------

    def period(self, child, start, end, reason, *, re_entry=False):  # noqa: C901
        """A period of care from `start` to `end` (None: still looked after) with its reason."""
        rng, today = self.rng, self.today
        limit = end or today
        age = age_on(child.dob, start)
        worker = self.worker_of(child)
        category = weighted(rng, CATEGORY_OF_NEED) if age >= 1 else "N1"
        if reason in ("E15",):
            category = "N8"
        period = PeriodOfCare(
            person_id=child.person,
            episode_id=child.referral,
            start_date=start,
            category_of_need=category,
            home_postcode=child.postcode,
            end_date=end,
            end_reason=reason if end else "",
            previous_permanence="Z1",
            iro=self.iro,
            iro_appointed_on=min(
                limit, working_days.add_working_days(start, rng.randint(1, 5), counting="day_zero").due
            ),
            created_by=worker,
        )
        period.child_ = child
        self.periods.append(period)
        child.periods.append(period)
        # Legal statuses.
        first = weighted(rng, START_LEGAL_STATUS)
        if first == "J1" and age < 10:
            first = "V2"
        if reason in ("E11", "E12", "E45", "E46", "E47", "E48", "E41"):
            first = "C1" if first not in ("L1", "L2") else first
        if reason == "E14":
            first = "J1"
        if reason in ("E4B",) and first not in ("V2",):
            first = "V2"
        statuses = [(first, start)]
        day = start
        if first in ("L1", "L2"):
            day = start + dt.timedelta(days=rng.randint(1, 3) if first == "L1" else rng.randint(3, 8))
            nxt = "C1" if rng.random() < 0.7 or reason in ("E11", "E12", "E45", "E46", "E47", "E48", "E41") else "V2"
            if day < limit:
                statuses.append((nxt, day))
        current = statuses[-1][0]
        # A placement order (E1) only for a child adopted, or still looked after with adoption
        # the plan: a child whose care ends another way has no order to revoke (903 rules 553, 557;
        # demo.adoption gives the others with a decision reversed a care order instead).
        adoption = reason in ("E11", "E12") or (current == "C1" and age < 4 and rng.random() < 0.35 and not reason)
        if current == "V2" and reason not in ("E4A", "E4B", "E17", "E5", "E6", "E13") and rng.random() < 0.1:
            day = day + dt.timedelta(days=rng.randint(20, 90))
            if day < limit:
                statuses.append(("C1", day))
                current = "C1"
        if current == "C1":
            final = day + dt.timedelta(days=rng.randint(110, 190))
            if reason in ("E11", "E12"):
                final = min(final, start + dt.timedelta(days=(limit - start).days // 2))
            if final < limit:
                statuses.append(("E1" if adoption else "C2", final))
                current = statuses[-1][0]
        statuses = [(code, d) for n, (code, d) in enumerate(statuses) if n == 0 or d > statuses[n - 1][1]]
        legal = []
        for number, (code, day) in enumerate(statuses):
            status = LegalStatus(
                period=period,
                code=code,
                start_date=day,
                recorded_by=worker,
                end_date=statuses[number + 1][1] if number + 1 < len(statuses) else end,
            )
            legal.append(status)
            if number:
                self.chron(
                    child, "legal-status", day, f"Legal status: {self.label('legal-status', code)}", status, worker
                )
        self.statuses.extend(legal)
        # Placements.
        kinds = self.placement_plan(child, start, limit, legal, reason, adoption)
        placed = []
        for number, (day, kind) in enumerate(kinds):
            code_now = [s for s in legal if s.start_date <= day][-1].code
            draw = rng
            if kind == EXTRA_MOVE:
                # The moves of same_day_and_temporary_moves draw from their own stream.
                draw = self.moves_rng(child)
                self.rng = draw
                try:
                    placement = self.placement(child, "foster", day, code_now, worker)
                finally:
                    self.rng = rng
                kind = "foster"
            else:
                placement = self.placement(child, kind, day, code_now, worker)
            placement.period = period
            if number:
                previous = placed[-1]
                previous.end_date = day
                if services.needs_change_reason(previous, placement.place):
                    previous.change_reason = (
                        "CARPL" if kind in ("adoption", "parents") else weighted(draw, CHANGE_REASON)
                    )
                    if placement.place == "P1" and previous.place == "P1":
                        previous.change_reason = "PLACE"
                self.chron(
                    child,
                    "placement",
                    day,
                    f"New placement: {self.label('placement-type', placement.place)}",
                    placement,
                    worker,
                    f"Last placement ended: {self.label('placement-change-reason', previous.change_reason)}"
                    if previous.change_reason
                    else "",
                )
            placed.append(placement)
        if end:
            placed[-1].end_date = end
        if reason in ("E45", "E46") and placed[-1].place not in FOSTER:
            # An SGO to former foster carers needs a foster placement (903 rule 516); to other carers.
            reason = period.end_reason = {"E45": "E47", "E46": "E48"}[reason]
        placed = self.recoded(child, placed, worker)
        placed[0].immediate_with_parent = placed[0].place == "P1"
        self.placements.extend(placed)
        for placement in placed:
            if (
                placement.area in (Placement.Area.ADJOINING, Placement.Area.DISTANT)
                and placement.place not in services.TEMPORARY
                and not getattr(placement, "recoded_", False)
            ):
                distant = placement.area == Placement.Area.DISTANT
                self.approvals.append(
                    Approval(
                        period=period,
                        placement=placement,
                        kind=Approval.Kind.DISTANT if distant else Approval.Kind.OUT_OF_AREA,
                        status=Approval.Status.APPROVED,
                        requested_by=worker,
                        requested_on=placement.start_date,
                        decided_by=self.director if distant else self.nominated,
                        decided_on=placement.start_date,
                        reasons="No suitable placement inside the area: the child's needs are met here.",
                    )
                )
        period.legal_ = legal
        period.placed_ = placed
        if placed[0].place == "P1":  # an immediate placement with a parent (reg 19)
            self.approvals.append(
                Approval(
                    period=period,
                    placement=placed[0],
                    kind=Approval.Kind.IMMEDIATE_WITH_PARENT,
                    status=Approval.Status.APPROVED,
                    requested_by=worker,
                    requested_on=start,
                    decided_by=self.nominated,
                    decided_on=start,
                    reasons="The parent can meet the child's needs while the assessment is completed.",
                )
            )
        for number, placement in enumerate(placed[1:], 1):  # route B: placed with parents, still looked after
            if placement.place == "P1" and placed[number - 1].place != "P1":
                decision = self.decision(
                    child,
                    period,
                    ReunificationDecision.Route.PLACED_WITH_PARENTS,
                    placement.start_date,
                    worker,
                    ReunificationDecision.Status.TOOK_EFFECT,
                )
                monitoring = self.monitor(child, period, placement.start_date, decision)
                if number + 1 < len(placed):
                    after = placed[number + 1]
                    self.flag(
                        child,
                        monitoring,
                        MonitoringFlag.Kind.RE_ENTRY,
                        after.start_date,
                        after,
                        seen=after.start_date < today - 14 * DAY,
                    )
        self.chron(
            child,
            "looked-after",
            start,
            f"Became looked after: {self.label('legal-status', legal[0].code)}",
            period,
            worker,
            f"Placement: {self.label('placement-type', placed[0].place)}",
        )
        self.planning(child, period, limit, reason, adoption, worker)
        if end:
            self.cease(child, period, worker, re_entry)
        else:
            self.open_deadlines(child, period)
        return period

    def recoded(self, child, placed, worker):
        """A placement with a code withdrawn on NEW_CODES_FROM (H5, Z1) still open that day takes
        its new code the day before, the same carers: the placement ends with reason PLACE (a
        change in the status of the placement only) and one with the new code begins, so the 2025-26
        903 has only its codes (903 rule 146; an episode ending on 1 April would be in it). K3 is
        valid in 2024-25 too; Z11 to Z14 are not, so a Z1 recoded shows its new code on the last day
        of 2024-25 (DERIVED: no code is valid in both years)."""
        made = []
        for placement in placed:
            made.append(placement)
            ends = placement.end_date
            if placement.place not in OLD_CODES or placement.start_date >= NEW_CODES_FROM:
                continue
            if ends is not None and ends < NEW_CODES_FROM:
                continue
            place = OLD_CODES[placement.place]
            if place == "Z1":
                place = ("Z11", "Z12", "Z13", "Z14")[child.dob.toordinal() % 4]
            if placement.start_date >= NEW_CODES_FROM - DAY:  # begun the day before: the new code from the start
                placement.place = place
                if place.startswith("Z"):
                    placement.provider, placement.urn = "", ""
                continue
            following = Placement(
                period=placement.period,
                place=place,
                provider="" if place.startswith("Z") else placement.provider,
                carer=placement.carer,
                postcode=placement.postcode,
                urn="" if place.startswith("Z") or place in services.NO_URN else placement.urn,
                area=placement.area,
                start_date=NEW_CODES_FROM - DAY,
                end_date=ends,
                change_reason=placement.change_reason,
                recorded_by=worker,
            )
            following.recoded_ = True  # not a new placement: no approval of its own
            placement.end_date, placement.change_reason = NEW_CODES_FROM - DAY, "PLACE"
            made.append(following)
        return made

    def worker_of(self, child):
        return self.user(child.worker)

    def user(self, pk):
        if not hasattr(self, "_users"):
            self._users = {u.pk: u for u in self.g.staff}
        return self._users.get(pk) or self.nominated

    def label(self, slug, code):
        return codelists.label(slug, code)

    def placement_plan(self, child, start, limit, legal, reason, adoption):  # noqa: C901
        """(day, kind) of each placement of the period."""
        rng = self.rng
        age = age_on(child.dob, start)
        first_code = legal[0].code
        first = weighted(rng, FIRST_PLACEMENT)
        if first == "supported" and age < 16:
            first = "foster"
        if first == "parents" and first_code not in services.CARE_ORDERS:
            first = "foster"
        if first == "home" and age < 8:
            first = "foster"
        if first == "residential" and not (age < 1 or age >= 12):
            first = "foster"
        if first_code == "J1":
            first = "home" if age < 15 else "supported"
        plan = [(start, first)]
        span = (limit - start).days
        moves = rng.choices([0, 1, 2, 3], [56, 26, 12, 6])[0]
        if first in ("residential", "other"):
            moves = max(moves, 1)
        moves = min(moves, span // 14)
        day = start
        for _ in range(moves):
            room = (limit - day).days // (moves + 1)
            if room < 7:
                break
            day = day + dt.timedelta(days=rng.randint(7, max(7, room)))
            kind = "foster" if age < 16 or rng.random() < 0.5 else "supported"
            if age >= 12 and rng.random() < 0.15:
                kind = "home"
            if kind == plan[-1][1] and kind != "foster":
                kind = "foster"
            plan.append((day, kind))
        if rng.random() < SHORT_BREAK_IN_HOSPITAL and span > 40:
            day = plan[-1][0] + dt.timedelta(days=rng.randint(5, max(5, (limit - plan[-1][0]).days - 15)))
            if day + 10 * DAY < limit:
                back = plan[-1][1]
                plan.append((day, "temporary"))
                plan.append((day + dt.timedelta(days=rng.randint(2, 7)), back + ":same"))
        plan = self.same_day_and_temporary_moves(child, plan, legal, limit)
        c2 = next((s.start_date for s in legal if s.code == "C2"), None)
        if c2 is not None and reason == "" and child.parents and rng.random() < 0.25:
            home = c2 + dt.timedelta(days=rng.randint(20, 90))
            if home < limit - 7 * DAY:
                plan = [p for p in plan if p[0] < home] + [(home, "parents")]
                back = home + dt.timedelta(days=rng.randint(30, 200))
                if rng.random() < BREAKDOWN and back < limit - 3 * DAY:
                    plan.append((back, "foster"))
        e1 = next((s.start_date for s in legal if s.code == "E1"), None)
        if adoption and e1 is not None:
            adopt_on = e1 + dt.timedelta(days=rng.randint(20, 60))
            if adopt_on < limit:
                plan = [p for p in plan if p[0] < adopt_on] + [(adopt_on, "adoption")]
        # A temporary placement is followed by the return to the same carers (903 rule 383): one
        # that a later step (going home, adoption) cut short is left out.
        return [
            p
            for n, p in enumerate(plan)
            if p[1] != "temporary" or (n + 1 < len(plan) and plan[n + 1][1].endswith(":same"))
        ]

    def same_day_and_temporary_moves(self, child, plan, legal, limit):
        """Moves the SSDA903 reasons B, U and rules 226 and 383 are about, drawn from a stream of
        their own (so the rest of the demo is as it was): a move on the day a later legal status
        begins, and after a temporary placement and the return to the same carers (rule 383), a
        move to new carers soon after."""
        rng = self.moves_rng(child)
        days = {day for day, _ in plan}
        for status in legal[1:]:
            if status.code in ("C1", "C2", "E1") and status.start_date not in days and rng.random() < MOVE_WITH_ORDER:
                before = [kind for day, kind in plan if day < status.start_date]
                if before and (before[-1] in ("foster", "home", "supported") or before[-1].endswith(":same")):
                    plan = sorted(plan + [(status.start_date, EXTRA_MOVE)], key=lambda p: p[0])
                    days.add(status.start_date)
        for number, (day, kind) in enumerate(plan):
            if (
                kind.endswith(":same")
                and number
                and plan[number - 1][1] == "temporary"
                and rng.random() < TEMPORARY_THEN_MOVE
            ):
                moved = day + dt.timedelta(days=rng.randint(7, 28))
                following = plan[number + 1][0] if number + 1 < len(plan) else limit
                if moved < min(following, limit - 3 * DAY):
                    return sorted(plan + [(moved, EXTRA_MOVE)], key=lambda p: p[0])
        return plan

    def moves_rng(self, child):
        if not hasattr(self, "_moves_rng"):
            self._moves_rng = {}
        if child.person not in self._moves_rng:
            # Keyed by what the child is, not their database id (ids differ between runs).
            key = f"{child.dob}:{child.referral_date}"
            self._moves_rng[child.person] = random.Random(f"{self.g.seed}:care:moves:{key}")
        return self._moves_rng[child.person]

    def away_postcode(self, area):
        """Where a placement with no carer of ours is: in the area, or in a neighbouring authority."""
        rng = self.rng
        if area == Placement.Area.INSIDE:
            return self.g.postcode(rng.randrange(20000, 40000), rng.randrange(5))
        return self.g.neighbour_postcode(rng)

    def placement(self, child, kind, day, legal_code, worker):  # noqa: C901
        """A Placement of a kind on a day, with a valid code, provider, URN, carer and postcode."""
        rng = self.rng
        age = age_on(child.dob, day)
        new_codes = day >= NEW_CODES_FROM
        area = {
            "inside": Placement.Area.INSIDE,
            "adjoining": Placement.Area.ADJOINING,
            "distant": Placement.Area.DISTANT,
        }[weighted(rng, AREA)]
        same = kind.endswith(":same")
        kind = kind.split(":")[0]
        carer = None
        if same:
            previous = [p for p in self.placements_in_progress(child) if p.place not in services.TEMPORARY]
            if previous:
                base = previous[-1]
                made = Placement(
                    place=base.place,
                    provider=base.provider,
                    carer=base.carer,
                    postcode=base.postcode,
                    urn=base.urn,
                    area=base.area,
                    start_date=day,
                    recorded_by=worker,
                )
                self._in_progress[child.person].append(made)
                return made
            kind = "foster"
        if kind == "temporary":  # T0 to T4 have no provider (903 rules 178 and 213)
            place = rng.choice(["T1", "T2", "T3", "T4"])
            made = Placement(
                place=place,
                provider="",
                urn="",
                # where the child stays (903 rules 392b, 169), without a draw from the
                # generator's random stream, so the rest of the demo is unchanged
                postcode=self.g.postcode(20000 + child.dob.toordinal() % 20000, child.dob.toordinal() % 5),
                area=Placement.Area.INSIDE,
                start_date=day,
                recorded_by=worker,
            )
            self._in_progress[child.person].append(made)
            return made
        if kind == "connected" and not child.grandparents:
            kind = "foster"
        if kind == "parents" and not child.parents:
            kind = "foster"
        if kind == "foster":
            provider, carer = self.pick(rng, "", FOSTER_PROVIDER, child)
            place = "U4" if rng.random() < 0.25 and age >= 5 else ("U5" if age < 2 and rng.random() < 0.1 else "U6")
        elif kind == "connected":
            person, name, sex = child.grandparents[0]
            carer = self.carer(
                Carer.Kind.CONNECTED_PERSON,
                name,
                "PR1",
                self.fostering_urn,
                approval=Carer.Approval.TEMPORARY if rng.random() < 0.4 else Carer.Approval.APPROVED,
                person=person,
                relationship="Maternal grandmother" if sex == "F" else "Grandfather",
                approved_on=day + dt.timedelta(days=rng.randint(60, 110)),
            )
            if carer.approval == Carer.Approval.TEMPORARY:
                carer.temporarily_approved_on, carer.approved_on = day, None
            place = rng.choice(["U3", "U3", "U1"])
            provider = "PR1"
        elif kind == "parents":
            person, name, _ = child.parents[0]
            carer = self.carer(Carer.Kind.PARENT, name, "PR0", "", person=person, postcode=child.postcode or None)
            made = Placement(
                place="P1",
                provider="PR0",
                carer=carer,
                postcode=carer.postcode,
                urn="",
                area=Placement.Area.INSIDE,
                start_date=day,
                recorded_by=worker,
                immediate_with_parent=False,
            )
            self._in_progress[child.person].append(made)
            return made
        elif kind == "home":
            provider, carer = self.pick(rng, "home", HOME_PROVIDER, child)
            place = "K1" if rng.random() < 0.04 else "K2"
        elif kind == "supported":
            provider, carer = self.pick(rng, "supported", SUPPORTED_PROVIDER, child)
            place = "K3" if age < 18 else "H5"
            if not new_codes and rng.random() < 0.4:
                place = "H5"
        elif kind == "adoption":
            carer = self.carer(
                Carer.Kind.ADOPTER,
                f"{self.g.staff_name(rng)[1]} family (prospective adopters)",
                "PR1",
                "SC999201",
                approval=Carer.Approval.APPROVED,
            )
            place, provider = "A6", "PR1"
        elif kind == "residential":
            if age < 1:
                place, provider, urn = "R3", "PR4", "SC997001"
            else:
                place, provider, urn = "R2", "PR3", ""
            made = Placement(
                place=place,
                provider=provider,
                urn=urn,
                area=area,
                start_date=day,
                recorded_by=worker,
                postcode=self.away_postcode(area),
            )
            self._in_progress[child.person].append(made)
            return made
        else:  # other
            if new_codes:
                place, provider, urn = rng.choice(["Z11", "Z12", "Z13", "Z14"]), "", ""
            else:
                place, provider, urn = "Z1", "PR4", "SC997101"
            made = Placement(
                place=place,
                provider=provider,
                urn=urn,
                area=area,
                start_date=day,
                recorded_by=worker,
                postcode=self.away_postcode(area),
            )
            self._in_progress[child.person].append(made)
            return made
        if place in ("H5",) and new_codes:
            place = "K3"
        if place == "K3" and day < dt.date(2024, 4, 1):
            place = "H5"
        made = Placement(
            place=place,
            provider=provider,
            carer=carer,
            postcode=carer.postcode,
            urn="" if place in services.NO_URN else carer.urn,
            area=area,
            start_date=day,
            recorded_by=worker,
            intended_until_18=place in ("U1", "U4"),
        )
        self._in_progress[child.person].append(made)
        return made

    def pick(self, rng, prefix, providers, child=None):
        """A provider by the published mix, among those the pool has, and one of its carers
        (other than the child's carers now: a move is to someone else)."""
        now = (
            self._in_progress[child.person][-1].carer if child is not None and self._in_progress[child.person] else None
        )
        # Providers with a carer other than the child's now (a provider whose only carer is the
        # child's would make a move to the same carers, which the SSDA903 rule 435 rejects).
        mix = {p: w for p, w in providers.items() if any(c is not now for c in self.pools[prefix + p])}
        mix = mix or {p: w for p, w in providers.items() if self.pools[prefix + p]}
        provider = weighted(rng, mix)
        pool = self.pools[prefix + provider]
        others = [c for c in pool if c is not now] or pool
        return provider, rng.choice(others)

    def placements_in_progress(self, child):
        return self._in_progress[child.person]

    # --- care planning -----------------------------------------------------------------------

    def planning(self, child, period, limit, reason, adoption, worker):
        rng = self.rng
        start = period.start_date
        placements = period.placed_
        # The IRO, the care plan.
        self.deadline("iro-appointment", start, child, period, done=period.iro_appointed_on)
        agreed, late_reason = self.on_time(self.due_date("care-plan", start), start, 6, LATE["review"], 0.08)
        if agreed <= limit:
            age = age_on(child.dob, start)
            permanence = (
                CarePlan.Permanence.ADOPTION
                if adoption
                else CarePlan.Permanence.RETURN_HOME
                if reason in ("E4A", "E4B") or child.demo == "decision"
                else CarePlan.Permanence.KINSHIP
                if reason in ("E45", "E46", "E47", "E48", "E41")
                else CarePlan.Permanence.INDEPENDENT_LIVING
                if age >= 16
                else rng.choice(
                    [
                        CarePlan.Permanence.LONG_TERM_FOSTERING,
                        CarePlan.Permanence.NOT_YET,
                        CarePlan.Permanence.RETURN_HOME,
                    ]
                )
            )
            plan = CarePlan(
                period=period,
                agreed_on=agreed,
                permanence_plan=permanence,
                permanence_detail=CarePlan.Permanence(permanence).label + ", reviewed at each looked-after review.",
                placement_plan_agreed_on=placements[0].start_date,
                recorded_by=worker,
                late_reason=late_reason,
                health="Initial health assessment; dentist and optician registered.",
                family_and_contact="Family time with the parents, supervised, twice a week.",
                wishes_and_feelings="The child's views were sought by the social worker and the IRO.",
            )
            self.plans.append(plan)
            self.deadline("care-plan", start, child, period, done=agreed, late_reason=late_reason)
            self.chron(
                child, "care-plan", agreed, f"Care plan agreed: {plan.get_permanence_plan_display()}", plan, worker
            )
        # Reviews: 20 working days, then 3 months, then 6 months (CPR10 reg 33).
        rule, rule_start, number = "first-looked-after-review", start, 0
        period.last_review_ = None
        while True:
            due = self.due_date(rule, rule_start)
            held, late_reason = self.on_time(due, rule_start + DAY, 7, LATE["review"])
            if held > limit or (period.end_date and held >= period.end_date):
                break
            number += 1
            age = age_on(child.dob, held)
            review = LookedAfterReview(
                period=period,
                number=number,
                held_on=held,
                participation="PN0" if age < 4 else weighted(rng, PARTICIPATION),
                chair=self.iro,
                considered_return_home=reason in ("E4A",) or child.demo == "decision",
                decisions="The care plan continues; the placement meets the child's needs.",
                recorded_by=self.iro,
                late_reason=late_reason,
            )
            self.reviews.append(review)
            period.last_review_ = review
            self.deadline(rule, rule_start, child, period, done=held, late_reason=late_reason)
            self.chron(
                child, "looked-after-review", held, f"Looked-after review {number}", review, self.iro, review.decisions
            )
            rule = "second-looked-after-review" if number == 1 else "looked-after-review"
            rule_start = held
        period.next_review_ = (rule, rule_start)
        # Visits: within a week of each placement, then at most 6 weeks apart.
        starts = sorted(p.start_date for p in placements[1:] if p.place not in services.TEMPORARY)
        rule, rule_start = NEW_PLACEMENT, start
        while True:
            due = self.due_date(rule, rule_start)
            window = 5 if rule == NEW_PLACEMENT else 14
            day, late_reason = self.on_time(due, rule_start + DAY, window, LATE["visit"], 0.08)
            moved = next((s for s in starts if rule_start < s <= day), None)
            if moved is not None:
                self.deadline(rule, rule_start, child, period, withdrawn=visits.SCHEDULE_CHANGED)
                rule, rule_start = NEW_PLACEMENT, moved
                continue
            if day > limit or (period.end_date and day >= period.end_date):
                break
            seen = rng.random() < 0.95
            visit = CareVisit(
                period=period,
                visited_on=day,
                seen=seen,
                seen_alone=seen and rng.random() < 0.7,
                bedroom_seen=rng.random() < 0.6,
                visited_by=worker,
                late_reason=late_reason,
            )
            self.visits.append(visit)
            self.deadline(rule, rule_start, child, period, done=day, late_reason=late_reason)
            self.chron(
                child,
                "looked-after-visit",
                day,
                "Statutory visit" + ("" if seen else " (child not seen)"),
                visit,
                worker,
            )
            rule, rule_start = USUAL, day
        period.next_visit_ = (rule, rule_start)
        # Health assessments and personal education plans.
        held, late_reason = self.on_time(
            self.due_date("initial-health-assessment", start), start + DAY, 8, LATE["health"], 0.25
        )
        if held <= limit and not (period.end_date and held >= period.end_date):
            self.health.append(
                HealthAssessment(
                    period=period,
                    kind=HealthAssessment.Kind.INITIAL,
                    held_on=held,
                    carried_out_by="Looked-after children's doctor",
                    recorded_by=worker,
                    dental_check=rng.random() < 0.8,
                    immunisations_up_to_date=rng.random() < 0.85,
                    late_reason=late_reason,
                )
            )
            self.deadline("initial-health-assessment", start, child, period, done=held, late_reason=late_reason)
            self.chron(child, "health-education", held, "Initial health assessment", self.health[-1], worker)
            while True:  # reviews: every 6 months under 5, every 12 months after
                slug = "health-assessment-review-under-5" if age_on(child.dob, held) < 5 else "health-assessment-review"
                period.next_health_ = (slug, held)
                due = self.due_date(slug, held)
                day, late_reason = self.on_time(due, held + DAY, 20, LATE["health"], 0.12)
                if day > limit or (period.end_date and day >= period.end_date):
                    break
                self.health.append(
                    HealthAssessment(
                        period=period,
                        kind=HealthAssessment.Kind.REVIEW,
                        held_on=day,
                        carried_out_by="Looked-after children's nurse",
                        recorded_by=worker,
                        dental_check=rng.random() < 0.85,
                        immunisations_up_to_date=rng.random() < 0.88,
                        late_reason=late_reason,
                    )
                )
                self.deadline(slug, held, child, period, done=day, late_reason=late_reason)
                self.chron(child, "health-education", day, "Review health assessment", self.health[-1], worker)
                held = day
        else:
            period.next_health_ = ("initial-health-assessment", start)
        period.next_pep_ = None
        if 3 <= age_on(child.dob, start) < 18:
            rule, rule_start = "personal-education-plan", start
            while True:
                held, late_reason = self.on_time(
                    self.due_date(rule, rule_start), rule_start + DAY, 6, LATE["pep"], 0.15
                )
                if held > limit or (period.end_date and held >= period.end_date):
                    break
                pep = PersonalEducationPlan(
                    period=period,
                    held_on=held,
                    school="The child's school",
                    designated_teacher="Designated teacher for looked-after children",
                    targets="Attendance above 95%; reading support twice a week.",
                    recorded_by=worker,
                    late_reason=late_reason,
                )
                self.peps.append(pep)
                self.deadline(rule, rule_start, child, period, done=held, late_reason=late_reason)
                self.chron(child, "health-education", held, "Personal education plan", pep, worker)
                rule, rule_start = "personal-education-plan-review", held
            period.next_pep_ = (rule, rule_start)

    def open_deadlines(self, child, period):
        """A child still looked after: the next review, visit, health assessment and PEP due."""
        rule, start = period.next_review_
        self.deadline(rule, start, child, period)
        rule, start = period.next_visit_
        self.deadline(rule, start, child, period)
        rule, start = period.next_health_
        self.deadline(rule, start, child, period)
        if period.next_pep_:
            self.deadline(*period.next_pep_, child, period)

    def withdraw_open(self, child, period):
        for found in (period.next_review_, period.next_visit_, period.next_health_, period.next_pep_):
            if found is not None:
                self.deadline(*found, child, period, withdrawn=services.CARE_ENDED)

    # --- ending care, and the return home ------------------------------------------------------

    def cease(self, child, period, worker, re_entry):
        rng, today = self.rng, self.today
        reason, end = period.end_reason, period.end_date
        self.withdraw_open(child, period)
        status = period.legal_[-1].code
        decision = None
        if reason == "E4A" or (reason in ("E41", "E45", "E46", "E47", "E48") and rng.random() < 0.9):
            route = (
                ReunificationDecision.Route.SECTION_20
                if status in services.SECTION_20 and reason == "E4A"
                else ReunificationDecision.Route.ORDER
            )
            decision = self.decision(
                child,
                period,
                route,
                end,
                worker,
                ReunificationDecision.Status.TOOK_EFFECT,
                order_end_reason=reason if route == ReunificationDecision.Route.ORDER else "",
            )
        elif (
            status in services.SECTION_20
            and reason not in services.NOT_A_DECISION
            and working_days.working_days_between(period.start_date, end) >= 20
        ):
            kind = Approval.Kind.CEASE_16_17 if age_on(child.dob, end) >= 16 else Approval.Kind.CEASE
            self.approvals.append(
                Approval(
                    period=period,
                    kind=kind,
                    status=Approval.Status.APPROVED,
                    requested_by=worker,
                    requested_on=end - dt.timedelta(days=rng.randint(3, 10)),
                    decided_by=self.director if kind == Approval.Kind.CEASE_16_17 else self.nominated,
                    decided_on=end - dt.timedelta(days=rng.randint(0, 2)),
                    reasons="Care can end safely: the support after care is in place.",
                )
            )
        self.chron(
            child,
            "care-ceased",
            end,
            f"Stopped being looked after: {self.label('episode-end-reason', reason)}",
            period,
            worker,
        )
        if reason in services.RETURNED_HOME or decision is not None:  # any route, as return_home monitors
            monitoring = self.monitor(child, period, end, decision)
            if child.demo == "flag":
                later_date, later_id = child.later[0]
                self.flag(child, monitoring, MonitoringFlag.Kind.RE_REFERRAL, later_date, ("referral", later_id))
                # social.worker keeps the family through the monitoring, so the record opens for them.
                self.involvements.append(
                    Involvement(
                        person_id=child.person,
                        agency=self.la,
                        team=self.demo_worker.team,
                        worker=self.demo_worker,
                        kind="Return home monitoring",
                        start_date=end,
                    )
                )
            elif not re_entry and rng.random() < BREAKDOWN:
                back = end + dt.timedelta(days=rng.randint(14, max(14, min(330, (today - end).days - 4))))
                if child.later and child.later[0][0] <= min(today, end + dt.timedelta(days=364)):
                    later_date, later_id = child.later[0]
                    self.flag(
                        child,
                        monitoring,
                        MonitoringFlag.Kind.RE_REFERRAL,
                        later_date,
                        ("referral", later_id),
                        seen=later_date < today - 14 * DAY,
                    )
                elif back < today - 3 * DAY and not child.later:
                    if child.closure is not None:
                        self.reopen(child, back)
                    again = self.period(child, back, None, "", re_entry=True)
                    self.flag(
                        child, monitoring, MonitoringFlag.Kind.RE_ENTRY, back, again, seen=back < today - 14 * DAY
                    )
        if child.closure is not None and child.closure <= end:
            self.closures.append((child, end + DAY))

    def reopen(self, child, day):
        """The child comes back into care after their child-in-need episode closed: the
        episode is open again while they are looked after, held by a children-in-care worker."""
        self.reopened.append(child.referral)
        child.closure = None
        team, workers = self.staff_rng.choice(self.cic)
        worker = self.staff_rng.choice(workers)
        start = max(day, (child.role or {}).get("end_date") or day)
        allocation = familyhelp.new_allocation(
            child.person,
            child.referral,
            team=team,
            worker=worker,
            on=start,
            by=self.nominated,
            change_reason="TSPROC" if child.role else "",
        )
        self.involvements.append(allocation.involvement)
        self.allocations.append(allocation)
        child.team, child.worker = team.pk, worker.pk
        self.chron(child, "allocation", start, familyhelp.allocation_title(team, worker), allocation, self.nominated)

    def decision(self, child, period, route, day, worker, status, order_end_reason=""):
        """A return-home decision with its gates, household, support, family group
        decision-making and (when decided) the nominated officer's approval."""
        rng = self.rng
        parents = child.parents[:2]
        names = " and ".join(name for _, name, _ in parents) or "the child's mother"
        proposed = day
        started = day - dt.timedelta(days=rng.randint(28, 70))
        started = max(started, period.start_date)
        decision = ReunificationDecision(
            period=period,
            person_id=child.person,
            route=route,
            order_end_reason=order_end_reason,
            proposed_date=proposed,
            proposed_home=f"At the family home with {names}",
            reasons="The parents have made the changes the care plan "
            "asked for; the child wants to go home and the review agreed a plan to return.",
            status=status,
            created_by=worker,
        )
        decision.started_ = started
        decision.child_ = child
        decision.carers_ = [pk for pk, _, _ in parents]
        self.decisions.append(decision)
        gates = [g for g in reunification.gates_for(route, started) if g.kind != "derived"]
        if status == ReunificationDecision.Status.DRAFT:
            gates = gates[: max(1, len(gates) // 2)]
        for gate in gates:
            self.gates.append(
                GateRecord(
                    decision=decision,
                    gate=gate.key,
                    state=GateRecord.State.MET,
                    done_on=min(self.today, started + dt.timedelta(days=rng.randint(1, 20))),
                    evidence=f"{gate.label}: recorded on the child's file.",
                    recorded_by=worker,
                )
            )
        for number, (pk, name, sex) in enumerate(parents):  # noqa: B007
            assessed = status != ReunificationDecision.Status.DRAFT or number == 0
            self.household.append(
                HouseholdMember(
                    decision=decision,
                    person_id=pk,
                    relationship="Mother" if sex == "F" else "Father",
                    assessed_on=min(self.today, started + dt.timedelta(days=rng.randint(5, 20))) if assessed else None,
                    outcome=HouseholdMember.Outcome.NO_CONCERNS if assessed else "",
                    summary="Police and health checks returned nothing of concern." if assessed else "",
                )
            )
        if status != ReunificationDecision.Status.DRAFT:
            until = one_year_after(proposed)
            for what, who in (
                ("Family support worker weekly", "Family Help Team"),
                ("Parenting programme", self.g.voluntary[0].name),
                ("School support and attendance checks", "The child's school"),
            ):
                self.support.append(
                    SupportPlanItem(
                        decision=decision, what=what, who=who, until=until, status=SupportPlanItem.Status.IN_PLACE
                    )
                )
            self.fgdm.append(
                FamilyGroupDecisionMaking(
                    decision=decision,
                    offered_on=started + DAY,
                    offered_to=names,
                    response=FamilyGroupDecisionMaking.Response.ACCEPTED,
                    coordinator="Independent family group conference coordinator",
                    meeting_on=started + dt.timedelta(days=14),
                    family_plan="The grandparents help with school runs; "
                    "the family meet monthly to check how things are going.",
                    la_response=FamilyGroupDecisionMaking.LaResponse.AGREED,
                    recorded_by=worker,
                )
            )
            decided = max(started + dt.timedelta(days=21), proposed - dt.timedelta(days=rng.randint(3, 10)))
            decided = min(decided, proposed)
            decision.decided_by, decision.decided_on = self.nominated, decided
            decision.decision_reasons = "Every gate is met and the risks are managed by the support plan."
            age = age_on(child.dob, decided)
            if route == ReunificationDecision.Route.PLACED_WITH_PARENTS:
                kind = Approval.Kind.PLACEMENT_WITH_PARENT
            elif route == ReunificationDecision.Route.SECTION_20 and age >= 16:
                kind = Approval.Kind.CEASE_16_17
            else:
                kind = Approval.Kind.CEASE
            if kind == Approval.Kind.CEASE_16_17:
                decision.decided_by = self.director
            self.approvals.append(
                Approval(
                    period=period,
                    kind=kind,
                    decision=decision,
                    requested_by=worker,
                    requested_on=started,
                    decided_by=decision.decided_by,
                    decided_on=decided,
                    status=Approval.Status.APPROVED,
                    reasons=decision.decision_reasons,
                )
            )
            self.chron(
                child,
                "approval",
                decided,
                f"{Approval.Kind(kind).label}: approved",
                self.approvals[-1],
                decision.decided_by,
            )
            self.chron(
                child,
                "return-home",
                decided,
                f"Return home approved by {decision.decided_by.get_full_name()}",
                decision,
                decision.decided_by,
            )
            if status == ReunificationDecision.Status.TOOK_EFFECT:
                decision.took_effect_on = proposed
                self.chron(child, "return-home", proposed, "Returned home", decision, worker)
        return decision

    def monitor(self, child, period, returned_on, decision):
        monitoring = ReturnHomeMonitoring(
            person_id=child.person,
            period=period,
            decision=decision,
            team_id=child.team,
            returned_on=returned_on,
            until=self.due_date(reunification.MONITORING_RULE, returned_on),
            planned=decision is not None,
        )
        self.monitoring.append(monitoring)
        return monitoring

    def flag(self, child, monitoring, kind, day, subject, seen=False):
        flag = MonitoringFlag(monitoring=monitoring, kind=kind, occurred_on=day)
        flag.subject_ = subject
        if seen:
            flag.seen_by = self.user(child.worker) if child.worker else self.nominated
            flag.seen_at = at(self.rng, min(self.today, day + dt.timedelta(days=self.rng.randint(1, 5))))
            flag.action = "Discussed with the team manager: a child and family assessment is under way."
        self.flags.append(flag)
        self.chron(
            child,
            "return-home-flag",
            day,
            f"{MonitoringFlag.Kind(kind).label} within 12 months of returning home",
            flag,
            None,
        )

    # --- missing episodes ----------------------------------------------------------------------

    def missing_episodes(self, periods):
        rng, today = self.rng, self.today
        older = [
            p for p in periods if age_on(p.child_.dob, today) >= 10 and p.child_.demo not in ("missing", "interview")
        ]
        share = min(
            0.6, MISSING_SHARE * len({p.child_.person for p in periods}) / max(1, len({p.child_.person for p in older}))
        )
        seen_children = set()
        for period in older:
            child = period.child_
            if child.person in seen_children or rng.random() >= share:
                continue
            seen_children.add(child.person)
            self.missing_for(child, [p for p in child.periods])
        self.missing_children = len(seen_children)

    def incidents(self):
        rng = self.rng
        if rng.random() >= MISSING_MORE_THAN_ONCE:
            return 1
        mean = (MISSING_INCIDENTS_PER_CHILD - (1 - MISSING_MORE_THAN_ONCE)) / MISSING_MORE_THAN_ONCE - 2
        return 2 + min(40, int(rng.expovariate(1 / mean)))

    def missing_for(self, child, periods, count=None, special=None):
        """Missing episodes in the child's periods of care, one after another, never
        overlapping, all ended; `special` adds a last one still open ("open") or one whose
        return interview is overdue ("overdue")."""
        rng, today = self.rng, self.today
        windows = [(p.start_date + DAY, (p.end_date or today) - DAY, p) for p in periods]
        windows = [w for w in windows if w[1] > w[0]]
        if not windows:
            return
        days_in = sum((b - a).days for a, b, _ in windows)
        # The published incidents per child are for children looked after during the year
        # (not per year in care), as is the share who went missing: not scaled by time in care.
        count = count if count is not None else min(self.incidents(), max(1, days_in // 4))
        moments = []
        for _ in range(count):
            a, b, period = rng.choices(windows, [(b - a).days for a, b, _ in windows])[0]
            moments.append((at(rng, a + dt.timedelta(days=rng.randint(0, (b - a).days)), 15, 23), period))
        moments.sort(key=lambda m: m[0])
        limit = dt.datetime.combine(today, dt.time(0), tzinfo=LONDON) - 6 * HOUR
        previous_end = None
        made = []
        for start, period in moments:
            if previous_end is not None and start <= previous_end:
                start = previous_end + dt.timedelta(hours=rng.randint(6, 48))
            period_end = dt.datetime.combine(period.end_date, dt.time(0), tzinfo=LONDON) if period.end_date else limit
            if start >= period_end - 2 * HOUR:
                continue
            low, high = MISSING_HOURS[rng.choices(range(len(MISSING_HOURS)), [w for _, w in MISSING_HOURS])[0]][0]
            ended = start + dt.timedelta(hours=rng.randint(low, high), minutes=rng.choice((0, 15, 30, 45)))
            ended = min(ended, period_end - HOUR)
            made.append((start, ended, period, False))
            previous_end = ended
        if special:
            period = periods[-1]
            if special == "open":
                start, ended = limit - dt.timedelta(hours=rng.randint(2, 10)), None
            else:
                ended = limit - dt.timedelta(days=4, hours=rng.randint(0, 20))
                start = ended - dt.timedelta(hours=rng.randint(8, 30))
            made = [m for m in made if m[1] < start - HOUR] + [(start, ended, period, special == "overdue")]
        for start, ended, period, overdue in made:
            self.episode(child, period, start, ended, overdue=overdue)

    def episode(self, child, period, started, ended, overdue=False):
        rng, today = self.rng, self.today
        worker = self.worker_of(child)
        kind = "A" if rng.random() < AWAY_SHARE and not overdue else "M"
        police = kind == "M" and rng.random() < 0.9
        found = rng.choice(WHERE_FOUND)
        episode = MissingEpisode(
            person_id=child.person,
            kind=kind,
            missing_from=MissingEpisode.MissingFrom.PLACEMENT,
            started_at=started,
            ended_at=ended,
            reported_to_police=police,
            police_reference=f"NM-{started:%y%m%d}-{rng.randint(1000, 9999)}" if police else "",
            police_risk=weighted(rng, {"medium": 60, "low": 25, "high": 10, "no_apparent_risk": 5}) if police else "",
            where_found=found if ended else "",
            returned_to="The placement" if ended else "",
            safe_and_well_at=ended + dt.timedelta(hours=rng.randint(1, 6)) if ended and police else None,
            safe_and_well_by_name="Northmoor Police" if ended and police else "",
            notes="Carers reported the child had not come home at the agreed time.",
            recorded_by=worker,
            return_recorded_by=worker if ended else None,
        )
        self.missing.append(episode)
        title = {"M": "Reported missing", "A": "Away from placement without authorisation"}[kind]
        self.entries.append(
            (
                child.person,
                missing_kind(),
                started,
                f"{title} from a looked-after placement",
                episode.notes,
                episode,
                worker,
            )
        )
        if ended is None:
            return
        self.entries.append(
            (
                child.person,
                missing_kind(),
                ended,
                "Came back after being missing",
                found + ". Returned to: The placement",
                episode,
                worker,
            )
        )
        if not interview_due_after(kind):
            return  # the local protocol offers no return interview after an away episode
        rule = return_interview_rule()
        now = dt.datetime.combine(today, dt.time(0), tzinfo=LONDON)
        due = self.due(rule, ended)[0]
        offered = ended + dt.timedelta(hours=rng.randint(2, 30))
        outcome = weighted(rng, RETURN_INTERVIEW)
        if outcome.startswith("held"):
            done = offered + dt.timedelta(hours=rng.randint(1, 36))
            done = (
                min(done, due.due_at - HOUR)
                if outcome == "held_in_72h"
                else due.due_at + dt.timedelta(hours=rng.randint(2, 120))
            )
            done = max(done, offered)
        else:
            done = offered + dt.timedelta(hours=rng.randint(4, 60))
        if done > due.due_at and done.astimezone(LONDON).date() <= due.due_date:
            done = at(rng, due.due_date + DAY, 9, 17)  # late: on a later day (so late by the date too)
        if overdue or done >= now:  # not yet held or answered: the offer only, and the open due date
            if offered < now:
                interview = ReturnInterview(episode=episode, offered_at=offered, offered_by=worker, recorded_by=worker)
                self.interviews.append(interview)
                self.entries.append(
                    (child.person, "return-interview", offered, "Return interview offered", "", interview, worker)
                )
            self.deadline(rule, ended, child, episode)
            return
        late = done > due.due_at
        late_reason = rng.choice(LATE["interview"]) if late else ""
        interview = ReturnInterview(
            episode=episode, offered_at=offered, offered_by=worker, recorded_by=worker, late_reason=late_reason
        )
        if outcome.startswith("held"):
            independent = rng.random() < 0.9
            interview.held_at, interview.response = done, ReturnInterview.Response.ACCEPTED
            interview.held_by_name = self.return_service if independent else worker.get_full_name()
            interview.held_by = None if independent else worker
            interview.independent = independent
            interview.not_independent_reason = (
                "" if independent else "The child asked to talk to their social worker, whom they trust"
            )
            interview.what_child_said = "Went to see friends in town; did not want to say who they were with."
            interview.outcome = "Safety plan updated with the carers."
            interview.information_shared_with = "Police missing person coordinator; the IRO"
            if rng.random() < 0.25:
                for code in rng.sample(list(INDICATORS), rng.randint(1, 2)):
                    self.indicators.append(ReturnInterviewIndicator(interview=interview, code=code))
            title = "Return interview held" + ("" if independent else " (not independent)")
        else:
            interview.response, interview.responded_at = outcome, done
            interview.follow_up_actions = "The social worker will talk with the child at the next visit."
            title = (
                "Return interview declined"
                if outcome == "declined"
                else "No response to the offer of a return interview"
            )
        self.interviews.append(interview)
        self.entries.append((child.person, "return-interview", done, title, interview.outcome, interview, worker))
        self.deadline(rule, ended, child, episode, done=done, late_reason=late_reason)

    # --- demonstration points -----------------------------------------------------------------

    def demonstration(self, demo):
        rng = self.rng
        for child in demo.get("decision", []):
            period = child.periods[-1]
            route = (
                ReunificationDecision.Route.SECTION_20
                if period.legal_[-1].code in services.SECTION_20
                else ReunificationDecision.Route.PLACED_WITH_PARENTS
                if period.legal_[-1].code in services.CARE_ORDERS
                else ReunificationDecision.Route.ORDER
            )
            self.decision(
                child,
                period,
                route,
                self.today + dt.timedelta(days=rng.randint(14, 35)),
                self.worker_of(child),
                ReunificationDecision.Status.DRAFT,
                order_end_reason="E41" if route == ReunificationDecision.Route.ORDER else "",
            )
            self.decisions[-1].started_ = self.today
        for child in demo.get("missing", []):
            self.missing_for(child, child.periods, count=1, special="open")
        for child in demo.get("interview", []):
            self.missing_for(child, child.periods, count=1, special="overdue")

    # --- writing ---------------------------------------------------------------------------

    def write(self):  # noqa: C901
        b = BATCH
        today = self.today
        Designation.objects.bulk_create(self.designations)
        Carer.objects.bulk_create(self.carers, batch_size=b)
        # The SSDA903 episodes, derived once the carers have ids (RNE T: the same carers).
        for placement in self.placements:
            if placement.carer is not None:
                placement.carer_id = placement.carer.pk
        for period in self.periods:
            self.episodes.extend(
                services.derive_episodes(period, legal_statuses=period.legal_, placements=period.placed_)
            )
        for role, start in self.ended_allocations:
            Allocation.objects.filter(pk=role["id"]).update(end_date=start)
            if role["involvement_id"]:
                Involvement.objects.filter(pk=role["involvement_id"]).update(end_date=start)
        Involvement.objects.bulk_create(self.involvements, batch_size=b)
        Allocation.objects.bulk_create(self.allocations, batch_size=b)
        for allocation in self.allocations:  # the episode's open due dates follow it (kernel.deadlines.reassign)
            if allocation.end_date is None:
                Deadline.objects.filter(episode_id=allocation.episode_id, status=Deadline.Status.OPEN).update(
                    team=allocation.team, worker=allocation.worker
                )
        # The IRO's involvement, so they see the records of the children they review.
        extra = []
        for period in self.periods:
            child = period.child_
            extra.append(
                Involvement(
                    person_id=child.person,
                    agency=self.la,
                    team_id=self.iro.team_id,
                    worker=self.iro,
                    kind=care_planning.IRO_INVOLVEMENT,  # as care_planning.appoint_iro writes it
                    start_date=period.iro_appointed_on,
                    end_date=period.end_date,
                )
            )
        Involvement.objects.bulk_create(extra, batch_size=b)
        PeriodOfCare.objects.bulk_create(self.periods, batch_size=b)
        LegalStatus.objects.bulk_create(self.statuses, batch_size=b)
        Placement.objects.bulk_create(self.placements, batch_size=b)
        CareEpisode.objects.bulk_create(self.episodes, batch_size=b)
        CarePlan.objects.bulk_create(self.plans, batch_size=b)
        LookedAfterReview.objects.bulk_create(self.reviews, batch_size=b)
        CareVisit.objects.bulk_create(self.visits, batch_size=b)
        HealthAssessment.objects.bulk_create(self.health, batch_size=b)
        PersonalEducationPlan.objects.bulk_create(self.peps, batch_size=b)
        ReunificationDecision.objects.bulk_create(self.decisions, batch_size=b)
        for decision in self.decisions:  # the day it was started (created_at is set on insert)
            ReunificationDecision.objects.filter(pk=decision.pk).update(created_at=at(self.rng, decision.started_))
        through = ReunificationDecision.carers.through
        through.objects.bulk_create(
            [through(reunificationdecision_id=d.pk, person_id=p) for d in self.decisions for p in d.carers_],
            batch_size=b,
        )
        GateRecord.objects.bulk_create(self.gates, batch_size=b)
        HouseholdMember.objects.bulk_create(self.household, batch_size=b)
        SupportPlanItem.objects.bulk_create(self.support, batch_size=b)
        FamilyGroupDecisionMaking.objects.bulk_create(self.fgdm, batch_size=b)
        Approval.objects.bulk_create(self.approvals, batch_size=b)
        ReturnHomeMonitoring.objects.bulk_create(self.monitoring, batch_size=b)
        types = {
            model: ContentType.objects.get_for_model(model)
            for model in (Referral, PeriodOfCare, MissingEpisode, MonitoringFlag)
        }
        for flag in self.flags:
            subject = flag.subject_
            if isinstance(subject, tuple):
                flag.subject_type, flag.subject_id = types[Referral], subject[1]
            else:
                flag.subject_type, flag.subject_id = ContentType.objects.get_for_model(subject), subject.pk
        MonitoringFlag.objects.bulk_create(self.flags, batch_size=b)
        MissingEpisode.objects.bulk_create(self.missing, batch_size=b)
        ReturnInterview.objects.bulk_create(self.interviews, batch_size=b)
        ReturnInterviewIndicator.objects.bulk_create(self.indicators, batch_size=b)
        for start in range(0, len(self.reopened), 900):  # looked after again: the episode is open again
            Referral.objects.filter(pk__in=self.reopened[start : start + 900]).update(
                closure_date=None, closure_reason="", referral_nfa=False
            )
        for child, day in self.closures:  # a child-in-need episode stays open while the child is looked after
            if day <= today:
                Referral.objects.filter(pk=child.referral, closure_date__lt=day).update(
                    closure_date=day, closure_reason="RC7"
                )
        # How the nominated officer weighed the risk signals of each decision that took effect
        # (the gate "risk signals weighed"); the demonstration draft leaves them to weigh.
        weighings = []
        for decision in self.decisions:
            if decision.status == ReunificationDecision.Status.DRAFT:
                continue
            for signal in reunification.risk_signals(decision):
                weighings.append(
                    RiskSignalWeighing(
                        decision=decision,
                        signal=signal.key[:80],
                        kind=signal.kind[:80],
                        summary=signal.summary[:400],
                        how_weighed="Considered with the family and the support plan: the risk is managed.",
                        recorded_by=decision.decided_by,
                    )
                )
        RiskSignalWeighing.objects.bulk_create(weighings, batch_size=b)
        self.year_outcomes()
        # Due dates.
        for row in self.batch.rows:
            row.team_id, row.worker_id = row.child_.team, row.child_.worker
        rows = self.batch.write(batch_size=b)
        # The chronology, made by chronology.services.entry.
        entries = chronology.record_events(
            [
                chronology.entry(
                    person,
                    kind,
                    when,
                    title,
                    detail=detail or "",
                    source=(Referral, source[1]) if isinstance(source, tuple) else source,
                    recorded_by=by,
                )
                for person, kind, when, title, detail, source, by in self.entries
            ],
            batch_size=b,
        )
        for name, items in (
            ("periods of care", self.periods),
            ("legal statuses", self.statuses),
            ("placements", self.placements),
            ("carers", self.carers),
            ("care episodes", self.episodes),
            ("care plans", self.plans),
            ("looked-after reviews", self.reviews),
            ("looked-after visits", self.visits),
            ("health assessments", self.health),
            ("year outcomes (OC2)", self.outcomes),
            ("personal education plans", self.peps),
            ("return-home decisions", self.decisions),
            ("return-home monitoring", self.monitoring),
            ("return-home flags", self.flags),
            ("approvals", self.approvals),
            ("missing episodes", self.missing),
            ("return interviews", self.interviews),
            ("care due dates", rows),
            ("care chronology", entries),
        ):
            self.counts[name] += len(items)

    def year_outcomes(self):
        """What the worker records once a year for a child looked after for 12 months at 31
        March (SSDA903 OC2, childrenincare.outcomes): for each collection year up to today that
        outcomes.years_due gives, an SDQ score (ages SDQ_AGES), convictions (from
        CONVICTION_AGE), substance misuse and its help, development checks under 5; the shares
        are ASSUMED. Written with their chronology entries, once the periods exist."""
        rng = random.Random(f"{self.g.seed}:care:outcomes")
        long = [p for p in self.periods if p.start_date <= self.today - dt.timedelta(days=365)]
        self.outcomes = []
        for start in range(0, len(long), 900):
            chunk = {p.pk: p for p in long[start : start + 900]}
            for period in PeriodOfCare.objects.filter(pk__in=list(chunk)).prefetch_related("legal_statuses"):
                made = chunk[period.pk]
                for year in sorted(outcomes.years_due(period, self.today)):
                    age = age_on(made.child_.dob, outcomes.year_end(year))
                    misuse = age >= outcomes.CONVICTION_AGE and rng.random() < 0.04
                    row = YearOutcomes(
                        period_id=period.pk,
                        year=year,
                        sdq_score=rng.randint(2, 30) if outcomes.SDQ_AGES[0] <= age <= SDQ_TO else None,
                        convicted=rng.random() < 0.03 if age >= outcomes.CONVICTION_AGE else None,
                        health_check=rng.random() < 0.9 if age < 5 else None,
                        substance_misuse=misuse,
                        intervention_offered=True if misuse else None,
                        intervention_received=rng.random() < 0.7 if misuse else None,
                        recorded_by=self.worker_of(made.child_),
                    )
                    self.outcomes.append(row)
        YearOutcomes.objects.bulk_create(self.outcomes, batch_size=BATCH)
        by_pk = {p.pk: p for p in long}
        for row in self.outcomes:
            period = by_pk[row.period_id]
            self.chron(
                period.child_,
                "health-education",
                min(self.today, outcomes.year_end(row.year) + dt.timedelta(days=rng.randint(5, 40))),
                f"Outcomes for {row.year - 1} to {row.year} recorded (SSDA903 OC2)",
                row,
                row.recorded_by,
            )


def missing_kind():
    """The chronology kind exploitation registers for missing episodes (its name changed while
    that app was being written)."""
    for slug in ("missing-episode", "missing"):
        try:
            chronology_kinds.get(slug)
            return slug
        except KeyError:
            continue
    raise KeyError("exploitation registers no chronology kind for missing episodes")


def return_interview_rule():
    return RETURN_INTERVIEW_RULE


def interview_due_after(kind):
    return rule(kind)
