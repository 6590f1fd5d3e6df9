"""The demo authority's case work after the front door: every referral (child-in-need episode)
made by demo.frontdoor is taken on through allocation, the child and family assessment,
strategy discussions, section 47 enquiries, conferences, child protection plans with their
core group, child in need plans with reviews and visits, and closure, at the national rates,
written in bulk exactly as familyhelp.services and childprotection.services would have written
it step by step (the same order, dates, due dates, late reasons and chronology entries).

Called by demo.generator once all batches are written (`Casework(generator).run()`); it reads
the referrals back, so it does not change the people or the contacts. Its random stream is its
own ("<seed>:casework"), so the same seed, size and `today` give the same case histories.

National figures (England, reporting year 2025, /work/shared/data/dfe-published):

- c1: 632,830 referrals; 41,340 (6.5%) no further action at referral (closed RC7, no assessment).
- c3: 513,250 episodes with assessment factors. Completed assessments are taken as referrals
  less NFA referrals (591,490), so 86.8% of assessments have factors and 13.2% "21" (no
  factors identified; DERIVED). Factors are drawn from the c3 counts per code (mean about
  3.0 factors per assessment with factors).
- Assessment duration: ASSUMED lognormal, median 30 working days from the referral, sigma
  0.5, so about 79% of all within 45 working days (national figures: 80-85%; fewer of
  those finished by today are late, since the long ones are still under way).
- c4: 230,590 section 47 enquiries (36.4% of referrals); 72,100 ICPCs (31.3% of section 47s);
  ICPC timing from the strategy discussion: 0-10 working days 8.7%, 11-15 72.7%, 16-20 8.9%,
  21+ 9.7% (median 14).
- d3: 61,840 plans started, 85.8% of ICPCs; 24.5% second or subsequent (previous_plans).
- d5: plans at 31 March by duration (used as the length of a plan): up to 3 months 31.5%,
  3-6 months 25.5%, 6-12 months 26.3%, 1-2 years 14.4%, 2 years or more 2.3%. A plan ends at
  the first review conference after its drawn length.
- Categories of abuse: no file gives them, so ASSUMED NEG 50%, EMO 35%, PHY 7%, SAB 4%, MUL 4%.
- Strategy discussions: 85% decide a section 47 (ASSUMED). Front-door "strategy discussion"
  outcomes go straight to one; enough assessment-route episodes are added to reach the c4 rate.
- Closure reasons (ASSUMED shares): RC8 after an assessment with no further action, RC9 after
  an assessment referred to early help, RC7 after plans and NFA referrals, a few RC5 (moved),
  RC6 (adult services, 17-year-olds), RC3/RC4 (orders) and RC2 (died, very rare).

Some cases are put at points a demonstrator needs: an assessment waiting for authorisation, a
strategy discussion due, an initial conference due in the next few days, a plan with its core
group meeting overdue.
"""

import datetime as dt
import math
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from childprotection import services as cp_services
from childprotection.models import (
    AgencyKind,
    ChildProtectionPlan,
    Conference,
    ConferenceChild,
    ConferenceParticipant,
    CoreGroupMeeting,
    CoreGroupMember,
    MACPTMember,
    MultiAgencyChildProtectionTeam,
    Section47Enquiry,
    StrategyAttendee,
    StrategyDiscussion,
    StrategyDiscussionChild,
)
from chronology import services as chronology
from familyhelp import services as fh_services
from familyhelp.models import (
    Assessment,
    AssessmentFactor,
    ChildInNeedPlan,
    ChildInNeedReview,
    PlanOutcome,
    Visit,
)
from frontdoor.models import REFERRAL_INVOLVEMENT_KIND, ContactDecision, Referral
from kernel import deadlines, working_days
from kernel.models import Deadline
from partners.models import User
from people.models import Involvement, Relationship

LONDON = ZoneInfo("Europe/London")
DAY = dt.timedelta(days=1)
BATCH = 2000

# --- Published figures (see the module docstring) -------------------------------------------

REFERRALS = 632_830
NFA_REFERRAL = 41_340 / REFERRALS  # c1
S47_PER_REFERRAL = 230_590 / REFERRALS  # c4
ICPC_PER_S47 = 72_100 / 230_590  # c4
PLAN_PER_ICPC = 61_840 / 72_100  # d3 plans started over c4 ICPCs
SUBSEQUENT_PLAN = 0.245  # d3
WITH_FACTORS = 513_250 / (REFERRALS - 41_340)  # c3 over completed assessments (derived)
SD_TO_S47 = 0.85  # assumption
# c4: working days from the strategy discussion to the ICPC.
ICPC_TIMING = [((3, 10), 6240), ((11, 15), 52430), ((16, 20), 6430), ((21, 30), 6990)]
# d5: plan lengths in days.
PLAN_LENGTH = [((30, 91), 31.5), ((92, 182), 25.5), ((183, 364), 26.3), ((365, 729), 14.4), ((730, 1000), 2.3)]
CATEGORIES = {"NEG": 50, "EMO": 35, "PHY": 7, "SAB": 4, "MUL": 4}  # assumption: no file gives them
# c3, England 2025: episodes with each factor.
FACTORS = {
    "1A": 10620,
    "1B": 73250,
    "1C": 11600,
    "2A": 24550,
    "2B": 72620,
    "2C": 15930,
    "3A": 57930,
    "3B": 162890,
    "3C": 25560,
    "4A": 90400,
    "4B": 171780,
    "4C": 23600,
    "5A": 63240,
    "5B": 15170,
    "5C": 7510,
    "6A": 24220,
    "6B": 27600,
    "6C": 5310,
    "7A": 18960,
    "8F": 1950,
    "9A": 6340,
    "10A": 16940,
    "11A": 12400,
    "12A": 2250,
    "13A": 8860,
    "14A": 35980,
    "15A": 25470,
    "16A": 90370,
    "17A": 97700,
    "18B": 15270,
    "18C": 61410,
    "19B": 12590,
    "19C": 18900,
    "22A": 780,
    "23A": 2240,
    "24A": 16250,
    "20": 83770,
}
FACTOR_MEAN = sum(FACTORS.values()) / 513_250
# Outcomes of assessments that lead to no section 47 (shares of those; assumption fitted to
# c1's 30.8% of referrals assessed as not in need).
ASSESSMENT_OUTCOMES = {"nfa": 55, "family_help": 25, "cin_plan": 20}
# Section 47 outcomes other than a conference (assumption).
S47_OTHER = {"s17": 40, "continue_assessment": 25, "nfa": 20, "monitor": 10, "other": 5}
# What follows a section 47 that calls for no conference.
AFTER_S47 = {
    "icpc": "continue",
    "s17": "cin_plan",
    "continue_assessment": "cin_plan",
    "nfa": "nfa",
    "monitor": "family_help",
    "other": "nfa",
}
# Assessments with no factors identified ("21"): 13.2% of all (derived, see above), put on the
# assessments that end in no further action or early help (about 45% of them).
NO_FACTORS_SHARE = 0.29
ODD_CLOSURES = {"RC5": 3, "RC6": 1, "RC3": 1, "RC4": 1, "RC2": 0.2}

LATE = {
    "assessment": [
        "Waiting for information from the GP and the school",
        "The family cancelled two visits",
        "The worker was off sick and the case was reallocated",
        "Waiting for the manager's sign-off",
    ],
    "strategy": ["Police could not attend until the next day", "Health could not be reached the same day"],
    "icpc": [
        "The chair and the police were not available within 15 working days",
        "Rearranged so that the parents could attend with an advocate",
        "Waiting for the medical report",
    ],
    "core": ["Rearranged because the school was closed", "Members were not available; moved by a week"],
    "review": ["No chair available on the due date", "Moved so that the family's solicitor could attend"],
    "visit": ["The family were away; visited on their return", "No answer at the door at the planned visit"],
    "cin_review": ["The family asked to move the meeting", "The worker was on leave"],
}
SUMMARIES = [
    "The child's needs are met at home with support; the parents engaged with the assessment.",
    "Concerns about the home conditions and supervision; the parents accept some of the concerns.",
    "Domestic abuse between the adults has affected the child; the non-abusing parent is protective.",
    "A parent's mental health is affecting their care of the child; family support is in place.",
]
PLAN_OUTCOMES = [
    ("The child attends school every day", "Attendance above 95% each half term"),
    ("The home is safe and clean", "Home conditions checked at each visit"),
    ("The child is free from domestic abuse", "No police call-outs; the child says they feel safe"),
    ("The parents work with support services", "Attends every appointment with the family support worker"),
    ("The child's health needs are met", "Health appointments kept; immunisations up to date"),
]

# Why a social worker changed within a team, in turn (903 SW_REASON; a move between teams is TSPROC).
WORKER_CHANGE_REASONS = ["LEFTRL", "MANAGE", "LEFTRL", "ABSENC", "ORGRST", "CHCHAN", "OTHERS"]


def weighted(rng, mapping):
    keys = list(mapping)
    return rng.choices(keys, [mapping[k] for k in keys])[0]


def next_wd(day):
    while not working_days.is_working_day(day):
        day += DAY
    return day


def add_wd(day, n):
    """`n` working days after `day` (the start day not counted)."""
    return working_days.add_working_days(day, n, counting="day_zero").due


def prev_wd(day):
    while not working_days.is_working_day(day):
        day -= DAY
    return day


def at(rng, day, first=9, last=16):
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(first, last), rng.choice((0, 15, 30, 45)), tzinfo=LONDON
    )


class Group:
    """The children of one contact that was referred: they go through case work together."""

    __slots__ = ("contact", "episodes", "referral_date", "decided", "fd_strategy", "decider", "cap", "scenario")

    def __init__(self, contact):
        self.contact = contact
        self.episodes = []  # dicts: id, person, dob
        self.scenario = None
        self.cap = None


class Casework:
    def __init__(self, generator):
        self.g = generator
        self.today = generator.today
        self.rng = random.Random(f"{generator.seed}:casework")
        self.counts = defaultdict(int)
        self.batch = deadlines.Batch()

    # --- helpers ---------------------------------------------------------------------------

    def due(self, slug, start):
        return self.batch.counted(slug, start)

    def deadline(self, slug, start, ep, subject, *, done=None, late_reason="", withdrawn=""):
        """A due date issued by kernel.deadlines' rules (a batch of them); met on `done` (late
        ones get a reason), or withdrawn, or open. Returns (due date, whether late)."""
        if isinstance(subject, tuple):
            subject = (Referral, subject[1])
        row = self.batch.issue(slug, start, person=ep["person"], subject=subject, episode=ep["id"])
        row.ep_ = ep
        if done is not None:
            late = deadlines.is_late(row, done)
            deadlines.mark_met(row, done, (late_reason or self.rng.choice(LATE["assessment"])) if late else "")
        elif withdrawn:
            deadlines.mark_withdrawn(row, withdrawn)
        self.deadlines.append(row)
        return row.due_date, row.late

    def due_date(self, slug, start):
        return self.due(slug, start)[0].due_date

    def chron(self, ep, kind, when, title, source, by, detail=""):
        if isinstance(when, dt.date) and not isinstance(when, dt.datetime):
            when = at(self.rng, when)
        self.entries.append((ep["person"], kind, when, title, detail, source, by))

    def allocate(self, ep, on, function, by=None, holder=None):
        rng = self.rng
        if holder is None:
            team, workers = rng.choice(self.g.members[function])
            worker = rng.choice(workers)
        else:
            team, worker = holder
        managers = self.managers.get(team.pk) or [worker]
        allocated_by = by or rng.choice(managers)
        history = self.holders[ep["id"]]
        change_reason = ""
        if history:
            previous = history[-1]
            previous.end_date = on
            previous.involvement.end_date = on
            if previous.worker_id != worker.pk:  # why the social worker changed (903 SW_REASON)
                change_reason = (
                    "TSPROC"
                    if previous.team_id != team.pk
                    else WORKER_CHANGE_REASONS[len(self.allocations) % len(WORKER_CHANGE_REASONS)]
                )
        allocation = fh_services.new_allocation(
            ep["person"], ep["id"], team=team, worker=worker, on=on, by=allocated_by, change_reason=change_reason
        )
        history.append(allocation)
        self.allocations.append(allocation)
        self.chron(ep, "allocation", at(rng, on), fh_services.allocation_title(team, worker), allocation, allocated_by)
        return allocation

    # --- set-up ----------------------------------------------------------------------------

    def setup(self):
        g = self.g
        self.managers = defaultdict(list)
        for user in g.staff:
            if user.role == User.Role.TEAM_MANAGER and user.team is not None:
                self.managers[user.team.pk].append(user)
        self.demo_worker = next((u for u in g.staff if u.username == "social.worker" and u.team is not None), None)
        self.chairs = g.members["conference chairs"][0][1] + g.members["IRO"][0][1][:1]
        self.police = g.members["police"][0][1]
        self.health_visitors = g.members["health visiting"][0][1]
        self.dsl = {u.agency.pk: u for u in g.staff if u.job_title == "Designated safeguarding lead"}
        self.named_nurse = next((u for u in g.staff if u.job_title.startswith("Named nurse")), self.health_visitors[0])
        # One or two multi-agency child protection teams, with the core members the act requires.
        self.macpts = []
        members = []
        schools = list(self.dsl.values())
        started = self.today - dt.timedelta(days=420)
        for number in range(1 if g.children < 20_000 else 2):
            name = "Northmoor Multi-Agency Child Protection Team" + (f" {number + 1}" if g.children >= 20_000 else "")
            team = MultiAgencyChildProtectionTeam(name=name, area="Northmoor" if not number else "Northmoor east")
            self.macpts.append(team)
            cp_workers = g.members["child protection"][number % len(g.members["child protection"])][1]
            core = [
                (schools[number % len(schools)] if schools else cp_workers[0], AgencyKind.EDUCATION),
                (cp_workers[0], AgencyKind.LOCAL_AUTHORITY),
                (self.health_visitors[number % len(self.health_visitors)], AgencyKind.HEALTH),
                (self.police[number % len(self.police)], AgencyKind.POLICE),
            ]
            members += [(team, user, kind) for user, kind in core]
        MultiAgencyChildProtectionTeam.objects.bulk_create(self.macpts)
        MACPTMember.objects.bulk_create(
            MACPTMember(team=t, user=u, agency_kind=k, start_date=started) for t, u, k in members
        )
        self.counts["multi-agency child protection teams"] += len(self.macpts)

    # --- reading the referrals -------------------------------------------------------------

    def groups(self):
        decisions = {
            row["contact_id"]: row
            for row in ContactDecision.objects.values("contact_id", "outcome", "decided_at", "decided_by_id")
        }
        groups = {}
        by_person = defaultdict(list)
        rows = Referral.objects.order_by("id").values(
            "id", "person_id", "contact_id", "referral_date", "person__date_of_birth"
        )
        for row in rows:
            group = groups.get(row["contact_id"])
            if group is None:
                group = groups[row["contact_id"]] = Group(row["contact_id"])
                decision = decisions[row["contact_id"]]
                group.referral_date = row["referral_date"]
                group.decided = max(row["referral_date"], decision["decided_at"].astimezone(LONDON).date())
                group.fd_strategy = decision["outcome"] == "strategy_discussion"
                group.decider = decision["decided_by_id"]
            ep = {"id": row["id"], "person": row["person_id"], "dob": row["person__date_of_birth"], "group": group}
            group.episodes.append(ep)
            by_person[row["person_id"]].append((row["referral_date"], row["id"], group))
        for items in by_person.values():
            items.sort(key=lambda item: (item[0], item[1]))
            for (_, _, group), (later, _, _) in zip(items, items[1:], strict=False):
                if group.cap is None or later < group.cap:
                    group.cap = later
        return list(groups.values())

    # --- running ---------------------------------------------------------------------------

    def run(self):
        self.setup()
        groups = self.groups()
        today = self.today  # noqa: F841
        self.allocations, self.holders = [], defaultdict(list)
        self.assessments, self.factors = [], []
        self.discussions, self.sd_children, self.attendees, self.enquiries = [], [], [], []
        self.conferences, self.conf_children, self.participants, self.plans = [], [], [], []
        self.core_members, self.meetings, self.visits = [], [], []
        self.cin_plans, self.outcomes, self.reviews = [], [], []
        self.deadlines, self.entries, self.closures, self.involvement_ends = [], [], [], []
        self.plan_count = defaultdict(int)
        self.parents = self.parent_names(groups)
        self.schools = self.schools_of(groups)
        # Section 47s through the assessment route: enough to reach the national rate.
        referrals = sum(len(g.episodes) for g in groups)
        direct = sum(len(g.episodes) for g in groups if g.fd_strategy and g.cap is None)
        # Only episodes referred long enough ago have an authorised assessment to start from.
        settled = self.today - dt.timedelta(days=70)
        rest = sum(
            len(g.episodes) for g in groups if not g.fd_strategy and g.cap is None and g.referral_date <= settled
        ) * (1 - NFA_REFERRAL)
        wanted = S47_PER_REFERRAL * referrals - direct * SD_TO_S47
        self.p_sd = min(0.9, max(0.0, wanted / (rest * SD_TO_S47))) if rest else 0.0
        self.choose_scenarios(groups)
        for group in groups:
            self.case(group)
        self.write()
        return dict(self.counts)

    def choose_scenarios(self, groups):
        today = self.today
        free = [g for g in groups if g.cap is None and not g.fd_strategy and len(g.episodes) <= 2]

        def pick(low, high, name):
            for group in free:
                if group.scenario is None and today - dt.timedelta(
                    days=high
                ) <= group.referral_date <= today - dt.timedelta(days=low):
                    group.scenario = name
                    return

        pick(12, 40, "awaiting_authorisation")
        pick(15, 45, "strategy_due")
        pick(25, 45, "icpc_due")
        pick(95, 200, "core_group_overdue")
        pick(12, 40, "awaiting_authorisation")

    # --- one family's case -----------------------------------------------------------------

    def case(self, group):  # noqa: C901
        rng, today = self.rng, self.today
        R, D = group.referral_date, group.decided
        eps = group.episodes
        for ep in eps:
            ep["assess_due"] = self.due_date("assessment-completion", R)
        # No further action at referral.
        if (
            not group.fd_strategy
            and group.scenario is None
            and (rng.random() < NFA_REFERRAL or (group.cap is not None and (group.cap - D).days < 6))
        ):
            for ep in eps:
                self.deadline(
                    "assessment-completion", R, ep, ("referral", ep["id"]), withdrawn=fh_services.EPISODE_CLOSED
                )
            self.close(group, D, "RC7", nfa=True)
            return
        # Allocation to an assessment team's social worker.
        alloc_on = D if rng.random() < 0.7 else add_wd(D, rng.randint(1, 2))
        if group.cap is not None:
            alloc_on = max(R, min(alloc_on, group.cap - 4 * DAY))
        if alloc_on > today:
            for ep in eps:
                self.deadline("assessment-completion", R, ep, ("referral", ep["id"]))
                if group.fd_strategy:
                    self.deadline("strategy-discussion", D, ep, ("referral", ep["id"]))
            return
        first = None
        # The demo's social.worker account holds the demonstration cases and a few others, so
        # signing in as it shows a caseload with due dates.
        demo = (
            self.demo_worker
            if self.demo_worker is not None and (group.scenario is not None or eps[0]["id"] % 25 == 0)
            else None
        )
        for ep in eps:  # the family has one worker
            allocation = self.allocate(
                ep,
                alloc_on,
                "assessment",
                holder=(first.team, first.worker) if first else (demo.team, demo) if demo else None,
            )
            first = first or allocation
        worker = first.worker
        manager = first.allocated_by
        # The assessment's dates (working days from the referral).
        duration = max(3, int(rng.lognormvariate(math.log(30), 0.5)))
        authorised = add_wd(R, duration)
        start = min(today, alloc_on + dt.timedelta(days=rng.choice((0, 0, 1, 2))))  # not after today
        scenario = group.scenario
        if group.cap is not None:
            authorised = min(authorised, group.cap - 3 * DAY)
        if scenario == "awaiting_authorisation":
            authorised = today + 2 * DAY
        elif scenario == "strategy_due":
            authorised = prev_wd(today - DAY)
        elif scenario == "icpc_due":  # the strategy discussion 15 working days before a day or two ahead
            authorised = prev_wd(today - 28 * DAY)
            while add_wd(authorised, 15) < today + 2 * DAY:
                authorised = add_wd(authorised, 1)
        elif scenario == "core_group_overdue":
            authorised = add_wd(R, 8)
        authorised = max(authorised, start)
        completed = max(start, authorised - dt.timedelta(days=rng.choice((0, 1, 1, 2, 3))))
        if scenario == "awaiting_authorisation":
            completed = prev_wd(today - DAY)
        # The route.
        route = "assessment"
        if scenario in ("icpc_due", "core_group_overdue"):
            route = "s47"
        elif scenario == "strategy_due":
            route = "sd_pending"
        elif group.cap is None and group.fd_strategy:
            route = "fd_strategy"
        elif group.cap is None and scenario is None and rng.random() < self.p_sd:
            route = "s47"
        # The strategy discussion.
        sd_day = None
        if route == "fd_strategy":
            sd_day = add_wd(D, 1) if rng.random() < 0.1 else (D if rng.random() < 0.6 else add_wd(D, 1))
            if rng.random() < 0.1:
                sd_day = add_wd(D, 2)
        elif route == "s47":
            sd_day = authorised if rng.random() < 0.5 else add_wd(authorised, 1)
            if rng.random() < 0.08:
                sd_day = add_wd(authorised, 2)
            if scenario == "icpc_due":
                sd_day = authorised
        s47 = route == "s47" or (route == "fd_strategy" and rng.random() < SD_TO_S47)
        # What the section 47 finds.
        icpc = None
        s47_outcome = None
        if s47:
            if scenario in ("icpc_due", "core_group_overdue") or rng.random() < ICPC_PER_S47:
                s47_outcome = "icpc"
                lo_hi = ICPC_TIMING[rng.choices(range(4), [w for _, w in ICPC_TIMING])[0]][0]
                icpc = add_wd(sd_day, rng.randint(*lo_hi))
                if scenario == "icpc_due":
                    icpc = today + 3 * DAY
            else:
                s47_outcome = weighted(rng, S47_OTHER)
        # The assessment's outcome.
        if route == "sd_pending":
            outcome = "strategy_discussion"
        elif route == "s47":
            outcome = "strategy_discussion"
        elif s47:
            outcome = AFTER_S47[s47_outcome]
        elif group.cap is not None:
            outcome = "nfa" if rng.random() < 0.7 else "family_help"
        else:
            outcome = weighted(rng, ASSESSMENT_OUTCOMES)
        # Write the assessment for each child.
        assessments = {}
        for ep in eps:
            assessments[ep["id"]] = self.assessment(
                ep, start, completed, authorised, outcome, worker, manager, R, route
            )
        if route == "sd_pending":
            for ep in eps:
                self.deadline("strategy-discussion", authorised, ep, ("referral", ep["id"]))
            return
        if route == "fd_strategy":
            for ep in eps:
                self.deadline(
                    "strategy-discussion",
                    D,
                    ep,
                    ("referral", ep["id"]),
                    done=sd_day if sd_day <= today else None,
                    late_reason=rng.choice(LATE["strategy"]),
                )
        elif route == "s47" and authorised <= today:
            for ep in eps:
                self.deadline(
                    "strategy-discussion",
                    authorised,
                    ep,
                    ("referral", ep["id"]),
                    done=sd_day if sd_day <= today else None,
                    late_reason=rng.choice(LATE["strategy"]),
                )
        if authorised > today and not (sd_day and sd_day <= today):
            return  # assessment still under way
        after = authorised  # the day from which the rest can follow  # noqa: F841
        if sd_day is not None:
            if sd_day > today:
                return
            enquiries = self.strategy(group, sd_day, s47, worker, manager)
            if not s47:
                return self.after_assessment(group, outcome, authorised, worker, manager)
            # The enquiry's outcome.
            if s47_outcome == "icpc":
                outcome_day = min(icpc - DAY, add_wd(sd_day, rng.randint(5, 10)))
                outcome_day = max(outcome_day, sd_day)
            else:
                outcome_day = add_wd(sd_day, rng.randint(5, 15))
            if outcome_day > today:
                for ep in eps:
                    self.deadline(cp_services.ICPC_RULE, sd_day, ep, enquiries[ep["id"]])
                return
            for ep in eps:
                enquiry = enquiries[ep["id"]]
                enquiry.outcome, enquiry.outcome_date = s47_outcome, outcome_day
                enquiry.findings = (
                    "Significant harm is likely: an initial conference is needed."
                    if s47_outcome == "icpc"
                    else "The concerns were not substantiated at the level of significant harm."
                )
                enquiry.initial_conference_not_required = s47_outcome != "icpc"
                self.chron(
                    ep,
                    "section-47",
                    outcome_day,
                    f"Section 47 enquiry outcome: {Section47Enquiry.Outcome(s47_outcome).label}",
                    enquiry,
                    worker,
                    enquiry.findings,
                )
            if s47_outcome != "icpc":
                for ep in eps:
                    self.deadline(
                        cp_services.ICPC_RULE,
                        sd_day,
                        ep,
                        enquiries[ep["id"]],
                        withdrawn=cp_services.NO_CONFERENCE,
                    )
                if authorised > today:
                    return
                return self.after_assessment(
                    group, AFTER_S47[s47_outcome], max(authorised, outcome_day), worker, manager, after_s47=True
                )
            if icpc > today:
                for ep in eps:
                    self.deadline(cp_services.ICPC_RULE, sd_day, ep, enquiries[ep["id"]])
                return
            self.icpc(group, icpc, sd_day, enquiries, authorised, worker, manager)
            return
        self.after_assessment(group, outcome, authorised, worker, manager)

    def assessment(self, ep, start, completed, authorised, outcome, worker, manager, R, route):
        rng, today = self.rng, self.today
        done = authorised <= today
        status = (
            Assessment.Status.AUTHORISED
            if done
            else (Assessment.Status.SUBMITTED if completed <= today else Assessment.Status.IN_PROGRESS)
        )
        late = done and authorised > ep["assess_due"]
        reason = rng.choice(LATE["assessment"]) if late else ""
        a = Assessment(episode_id=ep["id"], person_id=ep["person"], start_date=start, worker=worker, status=status)
        if status != Assessment.Status.IN_PROGRESS:
            a.outcome, a.summary, a.completed_date = outcome, rng.choice(SUMMARIES), completed
            a.next_steps = Assessment.Outcome(outcome).label
            if route != "assessment" or outcome not in ("nfa", "family_help") or rng.random() >= NO_FACTORS_SHARE:
                count = max(1, min(8, 1 + self.poisson(FACTOR_MEAN - 1)))
                codes = set()
                while len(codes) < count:
                    codes.add(weighted(rng, FACTORS))
            else:
                codes = {fh_services.NO_FACTORS}
            for code in sorted(codes):
                self.factors.append(AssessmentFactor(assessment=a, code=code))
        if done:
            a.authorised_date, a.authorised_by, a.late_reason = authorised, manager, reason
        self.assessments.append(a)
        ep["assessment"] = a
        self.chron(ep, "assessment", start, f"Child and family assessment started on {start:%-d %B %Y}", a, worker)
        if status != Assessment.Status.IN_PROGRESS:
            self.chron(
                ep, "assessment", completed, f"Assessment completed: {a.get_outcome_display()}", a, worker, a.next_steps
            )
        if done:
            self.chron(
                ep,
                "assessment",
                authorised,
                f"Assessment authorised by {manager}: {a.get_outcome_display()}",
                a,
                manager,
            )
        self.deadline(
            "assessment-completion",
            R,
            ep,
            ("referral", ep["id"]),
            done=authorised if done else None,
            late_reason=reason,
        )
        return a

    def poisson(self, mean):
        limit, count, product = math.exp(-mean), 0, self.rng.random()
        while product > limit:
            count += 1
            product *= self.rng.random()
        return count

    def strategy(self, group, day, s47, worker, manager):
        rng = self.rng
        held_at = at(rng, day, 9, 17)
        police = rng.choice(self.police)
        decision = "s47" if s47 else rng.choice(["assessment", "assessment", "nfa"])
        discussion = StrategyDiscussion(
            held_at=held_at,
            information_shared="Police, health and children's social care shared what they know of the household.",
            immediate_safety_actions="The child is staying with a relative tonight." if rng.random() < 0.3 else "",
            police_decision=rng.choice(["investigation", "single_agency"]) if s47 else "none",
            chair=manager,
            recorded_by=worker,
        )
        late = any(
            d.rule_slug == "strategy-discussion" and d.ep_["group"] is group and d.late for d in self.deadlines[-8:]
        )
        if late:
            discussion.late_reason = rng.choice(LATE["strategy"])
        self.discussions.append(discussion)
        for name, role, kind, agency, user in (
            (f"{worker.first_name} {worker.last_name}", "Social worker", AgencyKind.LOCAL_AUTHORITY, self.g.la, worker),
            (f"{police.first_name} {police.last_name}", police.job_title, AgencyKind.POLICE, self.g.police, police),
            (
                f"{self.named_nurse.first_name} {self.named_nurse.last_name}",
                self.named_nurse.job_title,
                AgencyKind.HEALTH,
                self.named_nurse.agency,
                self.named_nurse,
            ),
        ):
            self.attendees.append(
                StrategyAttendee(
                    discussion=discussion, name=name, role=role, agency_kind=kind, agency=agency, user=user
                )
            )
        enquiries = {}
        target = self.due_date(cp_services.ICPC_RULE, day)
        macpt = rng.choice(self.macpts)
        for ep in group.episodes:
            self.sd_children.append(
                StrategyDiscussionChild(
                    discussion=discussion, person_id=ep["person"], episode_id=ep["id"], decision=decision
                )
            )
            self.chron(
                ep,
                "strategy-discussion",
                held_at,
                f"Strategy discussion: {StrategyDiscussionChild.Decision(decision).label}",
                discussion,
                worker,
                discussion.immediate_safety_actions,
            )
            if s47:
                enquiry = Section47Enquiry(
                    person_id=ep["person"],
                    episode_id=ep["id"],
                    strategy_discussion=discussion,
                    start_date=day,
                    initial_conference_target=target,
                    lead_practitioner=worker,
                    macpt=macpt,
                )
                self.enquiries.append(enquiry)
                enquiries[ep["id"]] = enquiry
                self.chron(ep, "section-47", held_at, "Section 47 enquiry started", enquiry, worker)
        return enquiries

    def participants_for(self, conference, ep, worker, day):
        rng = self.rng
        parent = self.parents.get(ep["person"])
        police = rng.choice(self.police)
        people = [
            (f"{worker.first_name} {worker.last_name}", "Social worker", AgencyKind.LOCAL_AUTHORITY, self.g.la),
            (f"{police.first_name} {police.last_name}", police.job_title, AgencyKind.POLICE, self.g.police),
        ]
        school = self.schools.get(ep["person"])
        if school is not None:
            people.append(
                (f"{school.first_name} {school.last_name}", school.job_title, AgencyKind.EDUCATION, school.agency)
            )
        else:
            hv = rng.choice(self.health_visitors)
            people.append((f"{hv.first_name} {hv.last_name}", hv.job_title, AgencyKind.HEALTH, hv.agency))
        if parent:
            people.append((parent, "Parent", "family", None))
        for name, role, kind, agency in people:
            attendance = "attended" if rng.random() < 0.85 else rng.choice(["apologies", "dna"])
            self.participants.append(
                ConferenceParticipant(
                    conference=conference,
                    name=name,
                    role=role,
                    agency_kind=kind,
                    agency=agency,
                    invited_on=day - dt.timedelta(days=rng.randint(5, 10)),
                    attendance=attendance,
                    report_received=kind != "family" and rng.random() < 0.8,
                )
            )

    def icpc(self, group, day, sd_day, enquiries, authorised, worker, manager):
        rng, today = self.rng, self.today
        chair = rng.choice(self.chairs)
        conference = Conference(
            kind="initial",
            held_on=day,
            chair=chair,
            recorded_by=worker,
            parents_participation="Both parents were invited; the mother attended.",
        )
        self.conferences.append(conference)
        plan_made = group.scenario == "core_group_overdue" or rng.random() < PLAN_PER_ICPC
        category = weighted(rng, CATEGORIES)
        self.participants_for(conference, group.episodes[0], worker, day)
        late_reason = rng.choice(LATE["icpc"])
        plans = {}
        new_worker = None
        for ep in group.episodes:
            _, late = self.deadline(
                cp_services.ICPC_RULE, sd_day, ep, enquiries[ep["id"]], done=day, late_reason=late_reason
            )
            link = ConferenceChild(
                conference=conference,
                person_id=ep["person"],
                episode_id=ep["id"],
                enquiry=enquiries[ep["id"]],
                decision="plan" if plan_made else "no_plan",
                category=category if plan_made else "",
                reasons="Risk of significant harm: a plan is needed."
                if plan_made
                else "Not at risk of significant harm; needs support as a child in need.",
                late_reason=late_reason if late else "",
            )
            self.conf_children.append(link)
            self.chron(
                ep,
                "conference",
                dt.datetime.combine(day, dt.time(9), tzinfo=LONDON),
                f"Initial child protection conference: {link.get_decision_display()}",
                conference,
                worker,
                link.reasons,
            )
            if plan_made:
                allocation = self.allocate(
                    ep, day, "child protection", holder=(new_worker.team, new_worker.worker) if new_worker else None
                )
                new_worker = new_worker or allocation
                previous = self.plan_count[ep["person"]]
                if rng.random() < SUBSEQUENT_PLAN:
                    previous += 1 + (rng.random() < 0.25)
                plan = ChildProtectionPlan(
                    person_id=ep["person"],
                    episode_id=ep["id"],
                    start_date=day,
                    initial_category=category,
                    latest_category=category,
                    previous_plans=previous,
                    lead_practitioner=new_worker.worker,
                    outline="Keep the child safe from "
                    + {
                        "NEG": "neglect",
                        "EMO": "emotional harm",
                        "PHY": "physical harm",
                        "SAB": "sexual abuse",
                        "MUL": "harm",
                    }[category]
                    + ".",
                )
                self.plan_count[ep["person"]] += 1
                link.plan = plan
                plans[ep["id"]] = plan
                self.plans.append(plan)
                self.chron(ep, "cp-plan", day, f"Child protection plan started: {category}", plan, worker)
        if not plan_made:
            basis = max(day, authorised)
            if authorised > today:
                return
            if rng.random() < 0.65:
                return self.cin_plan(group, basis + dt.timedelta(days=rng.randint(0, 7)), worker, manager)
            return self.close(group, basis + dt.timedelta(days=rng.randint(0, 10)), "RC7")
        self.cp_plan(group, day, plans, new_worker.worker, new_worker.allocated_by, authorised)

    def cp_plan(self, group, start, plans, worker, manager, authorised):  # noqa: C901
        rng, today = self.rng, self.today
        eps = group.episodes
        low, high = PLAN_LENGTH[rng.choices(range(5), [w for _, w in PLAN_LENGTH])[0]][0]
        target_end = start + dt.timedelta(days=rng.randint(low, high))
        overdue_scenario = group.scenario == "core_group_overdue"
        if overdue_scenario:
            target_end = today + 400 * DAY
        # The core group.
        core = {}
        for ep in eps:
            plan = plans[ep["id"]]
            members = [(worker, "Lead social worker", AgencyKind.LOCAL_AUTHORITY)]
            school = self.schools.get(ep["person"])
            if school is not None:
                members.append((school, school.job_title, AgencyKind.EDUCATION))
            members.append((rng.choice(self.health_visitors), "Health visitor", AgencyKind.HEALTH))
            rows = []
            for user, role, kind in members:
                involvement = None
                if user.agency_id != self.g.la.pk:
                    involvement = Involvement(
                        person_id=ep["person"],
                        agency_id=user.agency_id,
                        team_id=user.team_id,
                        worker=user,
                        kind=cp_services.CORE_GROUP_KIND,
                        start_date=start,
                    )
                rows.append(
                    CoreGroupMember(
                        plan=plan,
                        user=user,
                        name=f"{user.first_name} {user.last_name}",
                        role=role,
                        agency_kind=kind,
                        agency_id=user.agency_id,
                        start_date=start,
                        involvement=involvement,
                    )
                )
            parent = self.parents.get(ep["person"])
            if parent:
                rows.append(
                    CoreGroupMember(plan=plan, name=parent, role="Parent", agency_kind="family", start_date=start)
                )
            self.core_members.extend(rows)
            core[ep["id"]] = rows
        # Events in time order: core groups, visits, reviews.
        cg_rule, cg_start = cp_services.FIRST_CORE_GROUP_RULE, start
        cg_day = add_wd(start, rng.randint(3, 10) if rng.random() < 0.85 else rng.randint(11, 14))
        visit_start = start
        visit_day = add_wd(start, rng.randint(2, 10) if rng.random() < 0.9 else rng.randint(11, 13))
        review_rule, review_start = cp_services.FIRST_REVIEW_RULE, start
        review_due = self.due_date(review_rule, start)
        review_day = (
            review_due - dt.timedelta(days=rng.randint(0, 14))
            if rng.random() < 0.9
            else review_due + dt.timedelta(days=rng.randint(1, 14))
        )
        meetings_held = 0
        while True:
            nxt = min(cg_day, visit_day, review_day)
            if nxt > today:
                break
            if cg_day == nxt:
                if overdue_scenario and meetings_held >= 1:
                    cg_day = today + 1000 * DAY
                    continue
                late_reason = rng.choice(LATE["core"])
                lates = []
                for ep in eps:
                    _, late = self.deadline(
                        cg_rule, cg_start, ep, plans[ep["id"]], done=cg_day, late_reason=late_reason
                    )
                    lates.append(late)
                    meeting = CoreGroupMeeting(
                        plan=plans[ep["id"]],
                        held_on=cg_day,
                        progress="Progress against the plan reviewed; actions agreed.",
                        recorded_by=worker,
                        late_reason=late_reason if late else "",
                    )
                    self.meetings.append((meeting, [m for m in core[ep["id"]] if rng.random() < 0.85]))
                    self.chron(ep, "core-group", cg_day, "Core group meeting", meeting, worker, meeting.progress)
                meetings_held += 1
                cg_rule, cg_start = cp_services.CORE_GROUP_RULE, cg_day
                cg_day = cg_day + dt.timedelta(days=rng.randint(28, 42) if rng.random() < 0.9 else rng.randint(43, 55))
            elif visit_day == nxt:
                late_reason = rng.choice(LATE["visit"])
                for ep in eps:
                    _, late = self.deadline(
                        cp_services.CP_VISIT_RULE,
                        visit_start,
                        ep,
                        plans[ep["id"]],
                        done=visit_day,
                        late_reason=late_reason,
                    )
                    self.visit(ep, "child_protection", visit_day, worker, late_reason if late else "")
                visit_start = visit_day
                visit_day = add_wd(visit_day, rng.randint(5, 10) if rng.random() < 0.9 else rng.randint(11, 13))
            else:
                end = review_day >= target_end
                chair = rng.choice(self.chairs)
                conference = Conference(kind="review", held_on=review_day, chair=chair, recorded_by=worker)
                self.conferences.append(conference)
                self.participants_for(conference, eps[0], worker, review_day)
                late_reason = rng.choice(LATE["review"])
                for ep in eps:
                    plan = plans[ep["id"]]
                    _, late = self.deadline(
                        review_rule, review_start, ep, plan, done=review_day, late_reason=late_reason
                    )
                    category = plan.latest_category
                    if not end and rng.random() < 0.05:
                        category = weighted(rng, CATEGORIES)
                        plan.latest_category = category
                    link = ConferenceChild(
                        conference=conference,
                        person_id=ep["person"],
                        episode_id=ep["id"],
                        plan=plan,
                        decision="end" if end else "continue",
                        category="" if end else category,
                        reasons="The child is no longer at risk of significant harm."
                        if end
                        else "The risks remain: the plan continues.",
                        late_reason=late_reason if late else "",
                    )
                    self.conf_children.append(link)
                    self.chron(
                        ep,
                        "conference",
                        dt.datetime.combine(review_day, dt.time(9), tzinfo=LONDON),
                        f"Review child protection conference: {link.get_decision_display()}",
                        conference,
                        worker,
                        link.reasons,
                    )
                    if end:
                        plan.end_date, plan.end_reason, plan.ended_by = review_day, "no_longer_needed", conference
                        self.chron(
                            ep,
                            "cp-plan",
                            review_day,
                            "Child protection plan ended: a review conference judged a plan no longer needed",
                            plan,
                            worker,
                        )
                if end:
                    for ep in eps:
                        for member in core[ep["id"]]:
                            member.end_date = review_day
                            if member.involvement is not None:
                                member.involvement.end_date = review_day
                        for slug, begin in ((cg_rule, cg_start), (cp_services.CP_VISIT_RULE, visit_start)):
                            self.deadline(slug, begin, ep, plans[ep["id"]], withdrawn=cp_services.CP_PLAN_ENDED)
                    if rng.random() < 0.7:
                        return self.cin_plan(group, review_day, worker, manager)
                    return self.close(group, review_day + dt.timedelta(days=rng.randint(0, 14)), "RC7")
                review_rule, review_start = cp_services.REVIEW_RULE, review_day
                review_due = self.due_date(review_rule, review_day)
                review_day = (
                    review_due - dt.timedelta(days=rng.randint(0, 14))
                    if rng.random() < 0.9
                    else review_due + dt.timedelta(days=rng.randint(1, 14))
                )
        for ep in eps:  # the plan is open: its next due dates
            plan = plans[ep["id"]]
            self.deadline(cg_rule, cg_start, ep, plan)
            self.deadline(cp_services.CP_VISIT_RULE, visit_start, ep, plan)
            self.deadline(review_rule, review_start, ep, plan)

    def visit(self, ep, kind, day, worker, late_reason):
        rng = self.rng
        seen = rng.random() < 0.93
        visit = Visit(
            person_id=ep["person"],
            episode_id=ep["id"],
            kind=kind,
            visit_date=day,
            seen=seen,
            seen_alone=seen and rng.random() < 0.6,
            bedroom_seen=rng.random() < 0.5,
            notes="",
            visited_by=worker,
            late_reason=late_reason,
        )
        self.visits.append(visit)
        label = Visit.Kind(kind).label
        self.chron(
            ep,
            "visit",
            day,
            f"{label}: child {('seen alone' if visit.seen_alone else 'seen') if seen else 'not seen'}",
            visit,
            worker,
        )

    def after_assessment(self, group, outcome, authorised, worker, manager, after_s47=False):
        # RC8 and RC9 are closures straight after the assessment: an episode with a section 47
        # enquiry closes RC7 (CIN census rule 2990).
        rng = self.rng
        if outcome == "nfa":
            return self.close(group, authorised + dt.timedelta(days=rng.randint(0, 3)), "RC7" if after_s47 else "RC8")
        if outcome == "family_help":
            return self.close(group, authorised + dt.timedelta(days=rng.randint(0, 5)), "RC7" if after_s47 else "RC9")
        return self.cin_plan(group, authorised + dt.timedelta(days=rng.randint(0, 7)), worker, manager)

    def cin_plan(self, group, start, worker, manager):
        rng, today = self.rng, self.today
        if start > today:
            return
        eps = group.episodes
        if group.cap is not None:
            return self.close(group, min(start, group.cap - DAY), "RC7")
        allocation = None
        for ep in eps:
            made = self.allocate(
                ep, start, "child in need", holder=(allocation.team, allocation.worker) if allocation else None
            )
            allocation = allocation or made
        worker = allocation.worker
        target_end = start + dt.timedelta(days=rng.randint(120, 420))
        plans = {}
        for ep in eps:
            plan = ChildInNeedPlan(
                episode_id=ep["id"],
                person_id=ep["person"],
                start_date=start,
                services="Family support worker weekly; parenting programme; school support.",
                created_by=worker,
            )
            plans[ep["id"]] = plan
            self.cin_plans.append(plan)
            chosen = rng.sample(PLAN_OUTCOMES, rng.randint(2, 3))
            self.outcomes.extend(PlanOutcome(plan=plan, description=d, measure=m) for d, m in chosen)
            self.chron(
                ep,
                "cin-plan",
                start,
                f"Child in need plan started on {start:%-d %B %Y}",
                plan,
                worker,
                "\n".join(d for d, _ in chosen),
            )
        visit_start, visit_day = (
            start,
            start + dt.timedelta(days=rng.randint(10, 42) if rng.random() < 0.9 else rng.randint(43, 50)),
        )
        review_start = start
        review_due = self.due_date(fh_services.CIN_REVIEW_RULE, start)
        review_day = (
            review_due - dt.timedelta(days=rng.randint(0, 10))
            if rng.random() < 0.88
            else review_due + dt.timedelta(days=rng.randint(1, 14))
        )
        while True:
            nxt = min(visit_day, review_day)
            if nxt > today:
                break
            if visit_day == nxt:
                late_reason = rng.choice(LATE["visit"])
                for ep in eps:
                    _, late = self.deadline(
                        fh_services.CIN_VISIT_RULE,
                        visit_start,
                        ep,
                        plans[ep["id"]],
                        done=visit_day,
                        late_reason=late_reason,
                    )
                    self.visit(ep, "child_in_need", visit_day, worker, late_reason if late else "")
                visit_start = visit_day
                visit_day = visit_day + dt.timedelta(
                    days=rng.randint(21, 42) if rng.random() < 0.9 else rng.randint(43, 50)
                )
                continue
            end = review_day >= target_end
            late_reason = rng.choice(LATE["cin_review"])
            for ep in eps:
                plan = plans[ep["id"]]
                _, late = self.deadline(
                    fh_services.CIN_REVIEW_RULE, review_start, ep, plan, done=review_day, late_reason=late_reason
                )
                review = ChildInNeedReview(
                    plan=plan,
                    review_date=review_day,
                    decision="end" if end else "continue",
                    progress="Good progress against the outcomes." if end else "Some progress; the plan continues.",
                    recorded_by=worker,
                    late_reason=late_reason if late else "",
                )
                self.reviews.append(review)
                self.chron(
                    ep,
                    "cin-review",
                    review_day,
                    f"Child in need review: {review.get_decision_display()}",
                    review,
                    worker,
                    review.progress,
                )
            if end:
                for ep in eps:
                    plan = plans[ep["id"]]
                    plan.end_date, plan.end_reason = review_day, "Ended at a review"
                    self.deadline(
                        fh_services.CIN_VISIT_RULE, visit_start, ep, plan, withdrawn=fh_services.CIN_PLAN_ENDED
                    )
                    self.chron(ep, "cin-plan", review_day, "Child in need plan ended: Ended at a review", plan, worker)
                reason = "RC7"
                if rng.random() < 0.08:
                    reason = weighted(rng, ODD_CLOSURES)
                    if reason == "RC6" and not all(
                        ep["dob"] and (review_day - ep["dob"]).days > 17 * 365 for ep in eps
                    ):
                        reason = "RC7"
                return self.close(group, review_day + dt.timedelta(days=rng.randint(0, 7)), reason)
            review_start = review_day
            review_due = self.due_date(fh_services.CIN_REVIEW_RULE, review_day)
            review_day = (
                review_due - dt.timedelta(days=rng.randint(0, 10))
                if rng.random() < 0.88
                else review_due + dt.timedelta(days=rng.randint(1, 14))
            )
        for ep in eps:
            self.deadline(fh_services.CIN_REVIEW_RULE, review_start, ep, plans[ep["id"]])
            self.deadline(fh_services.CIN_VISIT_RULE, visit_start, ep, plans[ep["id"]])

    def close(self, group, day, reason, nfa=False):
        today = self.today
        if group.cap is not None:
            day = min(day, group.cap - DAY)
        if day > today:
            return
        for ep in group.episodes:
            assessment = ep.get("assessment")
            if assessment is not None and assessment.status != Assessment.Status.AUTHORISED:
                continue  # an episode closes once its assessment is authorised
            day_ep = max(day, group.referral_date, assessment.authorised_date if assessment else day)
            if day_ep > today or (group.cap is not None and day_ep > group.cap):
                continue
            self.closures.append((ep, day_ep, reason, nfa))
            for allocation in self.holders[ep["id"]]:
                if allocation.end_date is None:
                    allocation.end_date = day_ep
                    allocation.involvement.end_date = day_ep
            self.chron(
                ep,
                "episode-closed",
                day_ep,
                fh_services.closure_title(reason),
                ("referral", ep["id"]),
                self.holders[ep["id"]][-1].worker if self.holders[ep["id"]] else None,
            )

    # --- context read once -----------------------------------------------------------------

    def parent_names(self, groups):
        people = [ep["person"] for g in groups for ep in g.episodes]
        names = {}
        for start in range(0, len(people), 5000):
            chunk = people[start : start + 5000]
            for row in Relationship.objects.filter(
                person_id__in=chunk, relationship=Relationship.Type.PARENT, related_person__sex="F"
            ).values("person_id", "related_person__given_names", "related_person__family_name"):
                names.setdefault(
                    row["person_id"],
                    f"{row['related_person__given_names'].split()[0]} {row['related_person__family_name']}",
                )
        return names

    def schools_of(self, groups):
        people = [ep["person"] for g in groups for ep in g.episodes]
        found = {}
        for start in range(0, len(people), 5000):
            for row in Involvement.objects.filter(
                person_id__in=people[start : start + 5000], kind="pupil", end_date__isnull=True
            ).values("person_id", "agency_id"):
                user = self.dsl.get(row["agency_id"])
                if user is not None:
                    found[row["person_id"]] = user
        return found

    # --- writing ---------------------------------------------------------------------------

    def write(self):  # noqa: C901
        b = BATCH
        today = self.today
        fh_services.record_allocations(self.allocations, batch_size=b)
        Assessment.objects.bulk_create(self.assessments, batch_size=b)
        AssessmentFactor.objects.bulk_create(self.factors, batch_size=b)
        StrategyDiscussion.objects.bulk_create(self.discussions, batch_size=b)
        StrategyDiscussionChild.objects.bulk_create(self.sd_children, batch_size=b)
        StrategyAttendee.objects.bulk_create(self.attendees, batch_size=b)
        Section47Enquiry.objects.bulk_create(self.enquiries, batch_size=b)
        Conference.objects.bulk_create(self.conferences, batch_size=b)
        ConferenceParticipant.objects.bulk_create(self.participants, batch_size=b)
        ChildProtectionPlan.objects.bulk_create(self.plans, batch_size=b)
        ConferenceChild.objects.bulk_create(self.conf_children, batch_size=b)
        Involvement.objects.bulk_create(
            [m.involvement for m in self.core_members if m.involvement is not None], batch_size=b
        )
        CoreGroupMember.objects.bulk_create(self.core_members, batch_size=b)
        CoreGroupMeeting.objects.bulk_create([m for m, _ in self.meetings], batch_size=b)
        through = CoreGroupMeeting.attended.through
        through.objects.bulk_create(
            [
                through(coregroupmeeting_id=m.pk, coregroupmember_id=a.pk)
                for m, attended in self.meetings
                for a in attended
            ],
            batch_size=b,
        )
        ChildInNeedPlan.objects.bulk_create(self.cin_plans, batch_size=b)
        PlanOutcome.objects.bulk_create(self.outcomes, batch_size=b)
        ChildInNeedReview.objects.bulk_create(self.reviews, batch_size=b)
        Visit.objects.bulk_create(self.visits, batch_size=b)
        # Closures: the episodes, and the front door's "Referral: child in need" involvements.
        by_day = defaultdict(list)
        for ep, day, reason, nfa in self.closures:
            by_day[(day, reason, nfa)].append(ep["id"])
        for (day, reason, nfa), ids in sorted(by_day.items()):
            for start in range(0, len(ids), 900):
                Referral.objects.filter(pk__in=ids[start : start + 900]).update(
                    closure_date=day, closure_reason=reason, referral_nfa=nfa
                )
        people_by_day = defaultdict(list)
        for ep, day, _, _ in self.closures:
            people_by_day[day].append(ep["person"])
        for day, people in sorted(people_by_day.items()):
            for start in range(0, len(people), 900):
                Involvement.objects.filter(
                    person_id__in=people[start : start + 900],
                    kind=REFERRAL_INVOLVEMENT_KIND,
                    end_date__isnull=True,
                    start_date__lte=day,
                ).update(end_date=day)
        # Due dates: the team and worker are the allocation's when it was done (or now, if open).
        mash = self.g.members["MASH"][0][0]
        closed = {ep["id"] for ep, _, _, _ in self.closures}
        for row in self.batch.rows:
            team, worker = mash, None
            history = self.holders[row.episode_id]
            when = row.done_on or today
            for number, allocation in enumerate(history):
                if number == 0 or allocation.start_date < when:
                    team, worker = allocation.team, allocation.worker
            if not row.done_on and history:
                team, worker = history[-1].team, history[-1].worker
            row.team, row.worker = team, worker
            # Closed episodes: their open due dates are withdrawn (familyhelp.services.close_episode).
            if row.status == Deadline.Status.OPEN and row.episode_id in closed:
                deadlines.mark_withdrawn(row, fh_services.EPISODE_CLOSED)
        rows = self.batch.write(batch_size=b)
        # The chronology, made by chronology.services.entry.
        entries = chronology.record_events(
            [
                chronology.entry(
                    person,
                    kind,
                    when,
                    title,
                    detail=detail,
                    source=(Referral, source[1]) if isinstance(source, tuple) else source,
                    recorded_by=by,
                )
                for person, kind, when, title, detail, source, by in self.entries
            ],
            batch_size=b,
        )
        for name, items in (
            ("allocations", self.allocations),
            ("assessments", self.assessments),
            ("assessment factors", self.factors),
            ("strategy discussions", self.discussions),
            ("section 47 enquiries", self.enquiries),
            ("conferences", self.conferences),
            ("child protection plans", self.plans),
            ("core group meetings", self.meetings),
            ("child in need plans", self.cin_plans),
            ("child in need reviews", self.reviews),
            ("visits", self.visits),
            ("episodes closed", self.closures),
            ("case due dates", rows),
            ("case chronology", entries),
        ):
            self.counts[name] += len(items)
