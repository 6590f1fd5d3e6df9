"""The demo authority's early help: for the front door's contacts decided "early help or Family
Help" with the family's consent, and for the Family Help episodes closed RC9 ("referred to
early help"), early help episodes for the children, with the lead practitioner, the early help
assessment, the family plan with its outcomes and reviews, closures, due dates
(kernel.Deadline, the local rules in familyhelp/data/timescales.json), involvements and
chronology, written in bulk as familyhelp.early_help would have written them step by step.

Called by demo.generator after demo.care (`EarlyHelp(generator).run()`); it reads back the
contacts, decisions and referrals. Its random stream is its own ("<seed>:early-help"), so the
same seed, size and `today` give the same early help.

No national early help statistics exist: early help is not in the CIN census or any DfE
collection, so every share here is ASSUMED [U] (from the shape of local early help reports),
to be replaced by local figures:

- Which contacts: every contact decided "early help" whose family gave consent at the front
  door (the front door's mix: 90% give consent); a child already in early help, or with an open
  child-in-need episode, on the day is left out. Every Family Help episode closed RC9 steps down
  to early help a few days after it closed.
- Start: 1 to 10 days after the decision (or the closure), consent given on the start day.
- Lead practitioners: the authority's Family Help teams 50%, the child's school's designated
  safeguarding lead 30% (children at school), a health visitor 15% (a child under 5), the
  voluntary family support worker 5%; otherwise a Family Help practitioner. A few open ones are
  led by the demo accounts family.help and school.dsl.
- The assessment (organisation: the lead's): started 0 to 7 days after early help starts;
  completed within the local 6 weeks 82%, late (with a reason) 18%; not finished by today:
  in progress.
- The family plan: 0 to 7 days after the assessment, 2 or 3 outcomes; reviews every 6 weeks
  (the local rule), 88% on time, late ones with a reason.
- Closure: a later referral of one of the children while early help is open steps it up (the
  referral's contact is the step-up contact, so the two are linked); otherwise after 3 to 10
  months, needs met 72%, consent withdrawn 12%, moved away 8%, declined 8% (declined early,
  before the assessment is complete). Episodes whose end falls after today stay open.
"""

import datetime as dt
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from chronology import services as chronology
from familyhelp.early_help import services
from familyhelp.models import (
    EarlyHelpAssessment,
    EarlyHelpChild,
    EarlyHelpEpisode,
    FamilyPlan,
    FamilyPlanOutcome,
    FamilyPlanReview,
    LeadPractitioner,
)
from frontdoor.models import Contact, ContactDecision, ContactPerson, Referral
from kernel import deadlines
from partners.models import Agency, User
from people.models import Involvement

LONDON = ZoneInfo("Europe/London")
DAY = dt.timedelta(days=1)
BATCH = 2000
CHILD_ROLES = (ContactPerson.Role.SUBJECT, ContactPerson.Role.CHILD_IN_HOUSEHOLD)

# --- Assumptions (no national early help statistics exist; see the module docstring) ---------
LEADS = {"family_help": 50, "school": 30, "health": 15, "voluntary": 5}  # ASSUMED [U]
ASSESSMENT_ON_TIME = 0.82  # ASSUMED [U]
REVIEW_ON_TIME = 0.88  # ASSUMED [U]
CLOSURES = {"needs_met": 72, "consent_withdrawn": 12, "moved_away": 8, "declined": 8}  # ASSUMED [U]
LENGTH_DAYS = (90, 300)  # ASSUMED [U]: from the start to the end of early help
CONSENT_FROM = [
    "Their mother",
    "Both parents",
    "Their father",
    "Their mother and stepfather",
    "Their grandmother (kinship carer)",
]
NEEDS = [
    "School attendance has fallen to under 85%; mornings at home are chaotic. Strengths: a loving home, the "
    "children want to go to school.",
    "The parents are struggling with the children's behaviour after a separation; money is tight and the rent is "
    "in arrears. Strengths: both parents want to keep things calm for the children.",
    "A parent's low mood means routines have slipped; the youngest has missed health appointments. Strengths: "
    "grandparents nearby who help.",
    "Arguments at home, no violence reported; the eldest is staying out late. Strengths: the family asked for help.",
]
FAMILY_VIEWS = [
    "We want help getting the mornings sorted and the children to school.",
    "We need someone to help us with the school and the housing office.",
    "We want the arguing to stop and to know where to go for help.",
    "Help with money and with the children's sleep would make the biggest difference.",
]
OUTCOMES = [
    ("Every child at school every day (attendance over 95%)", "Parents; the school's attendance officer"),
    ("A bedtime and morning routine the family keeps to", "Parents, with the family support worker"),
    ("Rent arrears on a repayment plan", "Parent, with the housing officer"),
    ("The parent sees the GP about their mood", "Parent; the health visitor to follow up"),
    ("Calmer evenings: fewer arguments, a plan for when things get heated", "Parents; lead practitioner"),
    ("The eldest joins a youth club twice a week", "Young person; the youth service"),
]
LATE = {
    "assessment": [
        "The family cancelled two visits",
        "The lead practitioner was off sick",
        "Waiting for the school's information",
    ],
    "review": ["Moved so that both parents could attend", "The family was away"],
}


def weighted(rng, mapping):
    keys = list(mapping)
    return rng.choices(keys, [mapping[k] for k in keys])[0]


def at(rng, day, first=9, last=17):
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(first, last), rng.choice((0, 15, 30, 45)), tzinfo=LONDON
    )


def age_on(dob, day):
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Planned:
    """An early help episode, as plain Python until it is written."""

    def __init__(self, children, start, route, contact_id=None, referral_id=None):
        self.children, self.start, self.route = children, start, route
        self.contact_id, self.referral_id = contact_id, referral_id
        self.lead = None
        self.assessment = None  # (start, completed or None, late reason)
        self.plan = None  # (start, [(description, who)], end or None)
        self.reviews = []  # (date, decision, late reason, due)
        self.closure = None  # (date, reason, step-up contact id)


class EarlyHelp:
    def __init__(self, generator):
        self.g = generator
        self.today = generator.today
        self.rng = random.Random(f"{generator.seed}:early-help")
        self.batch = deadlines.Batch()

    # --- helpers ---------------------------------------------------------------------------

    def due(self, slug, start):
        return self.batch.counted(slug, start)

    def deadline(self, slug, start, row, lead, done=None, late_reason="", withdrawn=False):
        """A child's due date issued by kernel.deadlines' rules: met on `done`, or withdrawn, or open."""
        issued = self.batch.issue(slug, start, person=row.person_id, subject=row, team=lead.team_id, worker=lead.pk)
        if done:
            deadlines.mark_met(issued, done, late_reason)
        elif withdrawn:
            deadlines.mark_withdrawn(issued, services.ENDED)

    def staff(self):
        g = self.g
        by_name = {u.username: u for u in g.staff}
        self.family_help = [w for _, workers in g.members.get("family help", []) for w in workers]
        self.health_visitors = [w for _, workers in g.members.get("health visiting", []) for w in workers]
        self.voluntary = [u for u in getattr(g, "voluntary_workers", [])[:1]]
        self.dsl_of = {
            u.agency.pk: u
            for u in g.staff
            if u.agency.kind == Agency.Kind.SCHOOL and u.role == User.Role.PARTNER_PRACTITIONER
        }
        self.demo_leads = [u for u in (by_name.get("family.help"), by_name.get("school.dsl")) if u is not None]
        self.appointer = by_name.get("mash.manager") or next(u for u in g.staff if u.role == User.Role.MASH_MANAGER)

    # --- reading ---------------------------------------------------------------------------

    def read(self):
        decisions = list(
            ContactDecision.objects.filter(
                outcome=ContactDecision.Outcome.EARLY_HELP, contact__consent=Contact.Consent.GIVEN
            )
            .order_by("decided_at", "contact_id")
            .values_list("contact_id", "decided_at")
        )
        children = defaultdict(list)
        ids = [c for c, _ in decisions]
        for start in range(0, len(ids), 900):
            for contact_id, person_id, dob in (
                ContactPerson.objects.filter(
                    contact_id__in=ids[start : start + 900], role__in=CHILD_ROLES, person__kind="child"
                )
                .order_by("id")
                .values_list("contact_id", "person_id", "person__date_of_birth")
            ):
                children[contact_id].append((person_id, dob))
        referrals = defaultdict(list)  # person -> [(referral date, closure date, contact id)]
        step_downs = []
        for row in Referral.objects.order_by("referral_date", "id").values(
            "id", "person_id", "referral_date", "closure_date", "closure_reason", "contact_id", "person__date_of_birth"
        ):
            referrals[row["person_id"]].append((row["referral_date"], row["closure_date"], row["contact_id"]))
            if (
                row["closure_reason"] == services.STEP_DOWN_REASON
                and row["closure_date"]
                and row["person__date_of_birth"]
            ):
                step_downs.append(row)
        schools = dict(
            Involvement.objects.filter(
                kind="pupil", end_date__isnull=True, agency__kind=Agency.Kind.SCHOOL
            ).values_list("person_id", "agency_id")
        )
        return decisions, children, referrals, step_downs, schools

    # --- planning --------------------------------------------------------------------------

    def in_children_social_care(self, person, day):
        return any(start <= day and (end is None or end > day) for start, end, _ in self.referrals[person])

    def plan_all(self):
        rng, today = self.rng, self.today
        decisions, children, self.referrals, step_downs, self.schools = self.read()
        busy = defaultdict(list)  # person -> [(start, end or None)]
        candidates = []
        for contact_id, decided_at in decisions:
            candidates.append((decided_at.astimezone(LONDON).date(), "contact", contact_id, children[contact_id]))
        for row in step_downs:
            candidates.append(
                (row["closure_date"], "step_down", row["id"], [(row["person_id"], row["person__date_of_birth"])])
            )
        candidates.sort(key=lambda c: (c[0], c[1], c[2]))
        planned = []
        for day, route, key, kids in candidates:
            start = day + rng.randint(1, 10) * DAY
            if start > today:
                continue
            chosen = [
                (p, dob)
                for p, dob in kids
                if dob is not None
                and dob <= start
                and age_on(dob, start) < 18
                and not any(s <= start and (e is None or e >= start) for s, e in busy[p])
                and not self.in_children_social_care(p, start)
            ]
            if not chosen:
                continue
            episode = Planned(
                chosen,
                start,
                route,
                contact_id=key if route == "contact" else None,
                referral_id=key if route == "step_down" else None,
            )
            self.history(episode)
            end = episode.closure[0] if episode.closure else None
            for p, _ in chosen:
                busy[p].append((start, end))
            planned.append(episode)
        # The demo accounts lead a few open ones (the most recent).
        open_ones = [e for e in planned if e.closure is None]
        for index, episode in enumerate(reversed(open_ones[-2 * len(self.demo_leads) :])):
            episode.lead = self.demo_leads[index % len(self.demo_leads)] if self.demo_leads else episode.lead
        return planned

    def choose_lead(self, episode):
        rng = self.rng
        kind = weighted(rng, LEADS)
        ages = [age_on(dob, episode.start) for _, dob in episode.children]
        if kind == "school":
            dsls = [self.dsl_of[self.schools[p]] for p, _ in episode.children if self.schools.get(p) in self.dsl_of]
            if dsls:
                return dsls[0]
        if kind == "health" and min(ages) < 5 and self.health_visitors:
            return rng.choice(self.health_visitors)
        if kind == "voluntary" and self.voluntary:
            return self.voluntary[0]
        return rng.choice(self.family_help)

    def history(self, episode):  # noqa: C901
        rng, today = self.rng, self.today
        episode.lead = self.choose_lead(episode)
        start = episode.start
        # A later referral of one of the children steps the early help up.
        step_up = None
        length = rng.randint(*LENGTH_DAYS)
        for person, _ in episode.children:
            for referral_date, _, contact_id in self.referrals[person]:
                if start + 14 * DAY <= referral_date <= min(today, start + length * DAY):
                    if step_up is None or referral_date < step_up[0]:
                        step_up = (referral_date, contact_id)
        reason = weighted(rng, CLOSURES)
        end = start + length * DAY
        if step_up is not None:
            end, reason = step_up[0], "step_up"
        elif reason == "declined":
            end = start + rng.randint(7, 25) * DAY
        # The assessment.
        a_start = start + rng.randint(0, 7) * DAY
        due = self.due(services.ASSESSMENT_RULE, start)[0].due_date
        if reason == "declined":
            completed, late = None, ""
        elif rng.random() < ASSESSMENT_ON_TIME:
            completed, late = min(due, a_start + rng.randint(10, 38) * DAY), ""
        else:
            completed, late = due + rng.randint(1, 20) * DAY, rng.choice(LATE["assessment"])
        closed_on = end if end <= today else None
        if completed is not None and (completed > today or (closed_on and completed > closed_on)):
            completed, late = None, ""
        if a_start > today or (closed_on and a_start > closed_on):
            a_start = None
        episode.assessment = (a_start, completed, late) if a_start else None
        # The family plan and its reviews.
        if completed is not None:
            p_start = completed + rng.randint(0, 7) * DAY
            if p_start <= today and (closed_on is None or p_start <= closed_on):
                outcomes = rng.sample(OUTCOMES, rng.choice((2, 3)))
                last = p_start
                while True:
                    review_due = self.due(services.REVIEW_RULE, last)[0].due_date
                    if rng.random() < REVIEW_ON_TIME:
                        day, late_reason = review_due - rng.randint(0, 7) * DAY, ""
                        day = max(day, last + DAY)
                    else:
                        day, late_reason = review_due + rng.randint(1, 10) * DAY, rng.choice(LATE["review"])
                    if day > today or (closed_on and day > closed_on):
                        break
                    ending = closed_on is not None and reason == "needs_met" and day + 30 * DAY > closed_on
                    episode.reviews.append((day, "end" if ending else "continue", late_reason, last))
                    last = day
                    if ending:
                        break
                plan_end = episode.reviews[-1][0] if episode.reviews and episode.reviews[-1][1] == "end" else closed_on
                episode.plan = (p_start, outcomes, plan_end)
        if closed_on is not None:
            if reason == "needs_met" and episode.reviews and episode.reviews[-1][1] == "end":
                closed_on = max(closed_on, episode.reviews[-1][0])
            episode.closure = (min(closed_on, today), reason, step_up[1] if step_up else None)

    # --- writing ---------------------------------------------------------------------------

    def run(self):
        self.staff()
        if not self.family_help:
            return {}
        planned = self.plan_all()
        return self.write(planned)

    def write(self, planned):
        rng = self.rng
        b = BATCH
        episodes = []
        for e in planned:
            closure = e.closure
            episodes.append(
                EarlyHelpEpisode(
                    person_id=e.children[0][0],
                    route=e.route,
                    contact_id=e.contact_id,
                    stepped_down_from_id=e.referral_id,
                    start_date=e.start,
                    consent_given_on=e.start,
                    consent_given_by=rng.choice(CONSENT_FROM),
                    consent_withdrawn_on=closure[0] if closure and closure[1] == "consent_withdrawn" else None,
                    closure_date=closure[0] if closure else None,
                    closure_reason=closure[1] if closure else "",
                    step_up_contact_id=closure[2] if closure else None,
                    created_by=self.appointer,
                )
            )
        EarlyHelpEpisode.objects.bulk_create(episodes, batch_size=b)
        rows, leads, involvements = [], [], []
        for e, made in zip(planned, episodes, strict=False):
            e.made = made
            e.rows = [EarlyHelpChild(episode=made, person_id=p) for p, _ in e.children]
            rows.extend(e.rows)
            end = e.closure[0] if e.closure else None
            leads.append(
                LeadPractitioner(
                    episode=made,
                    user=e.lead,
                    agency_id=e.lead.agency_id,
                    start_date=e.start,
                    end_date=end,
                    appointed_by=self.appointer,
                )
            )
            for p, _ in e.children:
                involvements.append(
                    Involvement(
                        person_id=p,
                        agency_id=e.lead.agency_id,
                        team_id=e.lead.team_id,
                        worker=e.lead,
                        kind=services.INVOLVEMENT_KIND,
                        start_date=e.start,
                        end_date=end,
                    )
                )
        EarlyHelpChild.objects.bulk_create(rows, batch_size=b)
        LeadPractitioner.objects.bulk_create(leads, batch_size=b)
        Involvement.objects.bulk_create(involvements, batch_size=b)
        assessments, plans = [], []
        for e in planned:
            if e.assessment:
                a_start, completed, late = e.assessment
                e.assessment_row = EarlyHelpAssessment(
                    episode=e.made,
                    start_date=a_start,
                    organisation_id=e.lead.agency_id,
                    assessor=e.lead,
                    completed_date=completed,
                    needs=rng.choice(NEEDS) if completed else "",
                    family_views=rng.choice(FAMILY_VIEWS) if completed else "",
                    consent_to_share=True if completed else None,
                    late_reason=late,
                    created_by=e.lead,
                )
                assessments.append(e.assessment_row)
            if e.plan:
                e.plan_row = FamilyPlan(episode=e.made, start_date=e.plan[0], end_date=e.plan[2], created_by=e.lead)
                plans.append(e.plan_row)
        EarlyHelpAssessment.objects.bulk_create(assessments, batch_size=b)
        FamilyPlan.objects.bulk_create(plans, batch_size=b)
        outcomes, reviews = [], []
        for e in planned:
            if e.plan:
                ended_well = e.closure is not None and e.closure[1] == "needs_met"
                for description, who in e.plan[1]:
                    outcomes.append(
                        FamilyPlanOutcome(plan=e.plan_row, description=description, who=who, achieved=ended_well)
                    )
                for day, decision, late, _ in e.reviews:
                    reviews.append(
                        FamilyPlanReview(
                            plan=e.plan_row,
                            review_date=day,
                            decision=decision,
                            progress="Progress discussed with the family against each outcome.",
                            family_views="Things are getting better.",
                            late_reason=late,
                            recorded_by=e.lead,
                        )
                    )
        FamilyPlanOutcome.objects.bulk_create(outcomes, batch_size=b)
        FamilyPlanReview.objects.bulk_create(reviews, batch_size=b)
        entries = self.deadlines_and_chronology(planned)
        due_rows = self.batch.write(batch_size=b)
        chronology.record_events(entries, batch_size=b)
        return {
            "early help episodes": len(episodes),
            "early help assessments": len(assessments),
            "family plans": len(plans),
            "family plan reviews": len(reviews),
            "early help due dates": len(due_rows),
            "early help chronology": len(entries),
        }

    def deadlines_and_chronology(self, planned):
        rng = self.rng
        entries = []

        due = self.deadline

        def chron(e, kind, day, title, source, detail=""):
            for row in e.rows:
                entries.append(
                    chronology.entry(
                        row.person_id, kind, at(rng, day), title, detail=detail, source=source, recorded_by=e.lead
                    )
                )

        for e in planned:
            lead, closed = e.lead, e.closure is not None
            chron(
                e,
                "early-help",
                e.start,
                f"Early help started ({e.made.get_route_display().lower()}); lead "
                f"practitioner {lead.get_full_name()} ({lead.agency})",
                e.made,
            )
            completed = e.assessment[1] if e.assessment else None
            for row in e.rows:
                due(
                    services.ASSESSMENT_RULE,
                    e.start,
                    row,
                    lead,
                    done=completed,
                    late_reason=e.assessment[2] if e.assessment else "",
                    withdrawn=closed and completed is None,
                )
            if e.assessment:
                chron(
                    e,
                    "early-help-assessment",
                    e.assessment[0],
                    f"Early help assessment started by {lead.agency}",
                    e.assessment_row,
                )
                if completed:
                    chron(
                        e,
                        "early-help-assessment",
                        completed,
                        "Early help assessment completed",
                        e.assessment_row,
                        e.assessment_row.needs,
                    )
            if e.plan:
                chron(
                    e,
                    "family-plan",
                    e.plan[0],
                    f"Family plan started on {e.plan[0]:%-d %B %Y}",
                    e.plan_row,
                    "\n".join(d for d, _ in e.plan[1]),
                )
                for day, decision, late, last in e.reviews:
                    for row in e.rows:
                        due(services.REVIEW_RULE, last, row, lead, done=day, late_reason=late)
                    chron(
                        e,
                        "family-plan-review",
                        day,
                        "Family plan review: " + ("end the plan" if decision == "end" else "continue the plan"),
                        e.plan_row,
                    )
                plan_open = e.plan[2] is None
                if plan_open or (closed and not (e.reviews and e.reviews[-1][1] == "end")):
                    last = e.reviews[-1][0] if e.reviews else e.plan[0]
                    for row in e.rows:
                        due(services.REVIEW_RULE, last, row, lead, withdrawn=closed)
            if closed:
                day, reason, contact_id = e.closure
                title = f"Early help ended: {EarlyHelpEpisode.Closure(reason).label.lower()}"
                chron(e, "early-help", day, title, e.made)
        return entries
