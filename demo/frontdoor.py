"""The demo authority's front door: a year of contacts, checks, decisions, referrals and
feedback, written in bulk exactly as frontdoor.services would have written them one by one.

Called by demo.generator: `FrontDoorFlow.setup()` once (publishes the example threshold
document), `family()` for every household (plans its contacts, as plain Python objects, from
the block's own contact random stream), `write()` for every batch once the people have ids,
and `finish()` at the end (pattern alerts of the open contacts, by the service itself).

Volumes and mixes (assumptions, from published DfE figures where there are any):

- Referrals: 519 a year per 10,000 children (England 2024-25: 632,830 referrals in the
  CIN census, c1 file in /work/shared/data/dfe-published, over 12,183,016 children aged 0-17,
  ONS mid-2024). Contacts: ASSUMED 3.5 for every referral (no national contact count is
  published; local front doors report 3 to 4). So about 0.18 child-contacts a child a year,
  spread over the families with more for families known to children's services.
- Sources: the shares of referrals by source in England (CIN census; the c5 file is not in
  the curated copy, so rounded national shares): police 29%, schools 20%, health 14%, local
  authority services 10%, individuals 8%, others 19%.
- Outcomes of the decided contacts: about 35% no further action, 15% advice or signposting,
  20% early help or Family Help, 25% referral, 5% strategy discussion; the level is drawn
  from the published threshold document's levels that allow the outcome.
- Re-referrals: about 21% of referrals are of a child referred in the 12 months before
  (England 2024-25: 22.6% of referrals, 21.0% of children).
- Decisions: within the stored deadline (kernel.timescales "contact-decision") about 87% of
  the time; a late one carries a late reason as services.decide_contact appends it.
- Primary need of a referral: N1 abuse or neglect for well over half, then family
  dysfunction, family in acute stress, absent parenting, disability and the rest.

The last working day's contacts (and the night's until 7:00 today) stay open in the MASH
queue, with a few older ones, overdue, so that red, amber and green all show.
"""

import bisect
import datetime as dt
import math
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from chronology import kinds as chronology_kinds
from chronology.models import ChronologyEntry
from frontdoor import services
from frontdoor.models import (
    REFERRAL_INVOLVEMENT_KIND,
    AgencyCheck,
    Contact,
    ContactDecision,
    ContactPerson,
    Referral,
    ReferrerFeedback,
)
from kernel import codelists, timescales, working_days
from partners.models import Agency, User
from people.models import Involvement

# --- Published figures and assumptions ------------------------------------------------------

REFERRALS_PER_10K = 519  # England 2024-25 (c1 file): 632,830 / 12,183,016 children x 10,000
CONTACTS_PER_REFERRAL = 3.5  # assumption: contacts are 3 to 4 times referrals
CHILD_CONTACTS_A_YEAR = REFERRALS_PER_10K / 10_000 * CONTACTS_PER_REFERRAL
WINDOW_DAYS = 365
LONDON = ZoneInfo("Europe/London")
CHILD_ROLES = {ContactPerson.Role.SUBJECT, ContactPerson.Role.CHILD_IN_HOUSEHOLD}

# Referral sources (CIN census code list), national shares in per cent.
SOURCES = {
    "6": 29.0,  # police
    "2A": 20.0,  # schools
    "3A": 3.0,
    "3B": 2.0,
    "3C": 1.0,
    "3D": 1.0,
    "3E": 3.0,
    "3F": 4.0,  # health: 14
    "5A": 2.0,
    "5B": 3.0,
    "5C": 2.0,
    "5D": 3.0,  # local authority services: 10
    "1A": 4.0,
    "1B": 1.5,
    "1C": 1.0,
    "1D": 1.5,  # individuals: 8
    "2B": 1.0,
    "4": 2.5,
    "7": 3.0,
    "8": 7.0,
    "9": 3.5,
    "10": 2.0,  # the rest: 19
}
SCHOOL_SOURCES = {"2A", "2B", "3C"}

# Outcome mixes of contacts from the general flow. The anchored contacts (a referral before
# every assessment now under way) add referrals on top, so the flow has fewer.
FLOW_OUTCOMES = {"nfa": 31, "advice": 16, "early_help": 30, "referral": 19, "strategy": 4}
# Families already open to children's social care: the information goes to the allocated worker.
OPEN_CASE_OUTCOMES = {"nfa": 72, "advice": 14, "early_help": 2, "referral": 9, "strategy": 3}
OPEN_CASE_STATES = {"cin", "cp", "lac", "care_leaver"}
# Relative contact rates of families by their state with children's services.
STATE_RATES = {
    "none": 0.45,
    "past": 1.6,
    "mash": 1.0,
    "assessment": 1.0,
    "family_help": 2.0,
    "cin": 2.6,
    "cp": 3.5,
    "lac": 1.6,
    "care_leaver": 1.5,
}
# After a referral, the chance that the same child is referred again within the year.
RE_REFERRAL_FOLLOW_UP = 0.6
# Before a referral that opened an assessment now under way: the chance of an earlier one in the year.
RE_REFERRAL_BEFORE = 0.3
ON_TIME = 0.87
FLOW_SHARE = 0.85
IMMEDIATE_RISK = {"strategy": 0.55, "referral": 0.08, "early_help": 0.0, "advice": 0.0, "nfa": 0.0}

PRIMARY_NEEDS = {"N1": 62, "N2": 4, "N3": 3, "N4": 12, "N5": 14, "N6": 3, "N7": 1, "N8": 6}

# Concerns: (primary need it points to, source groups it suits, templates). {child} is the
# child's first name, {adult} who the concern is about, {agency} the referrer's agency.
CONCERNS = [
    (
        "N1",
        {"police", "individual", "other", "health", "school"},
        [
            "Police attended a domestic incident at the home overnight. {child} was in the house and heard the shouting; "  # noqa: E501
            "{adult} was arrested and has been released on bail with conditions not to attend the address.",
            "A neighbour heard screaming and a child crying at the address late at night and called the police. "
            "Officers found {child} awake and upset; {adult} had left before they arrived.",
        ],
    ),
    (
        "N1",
        {"school", "health", "other", "individual"},
        [
            "{child} came to school with a bruise on the cheek and gave two different accounts of how it happened.",
            "{child} told a member of staff that {adult} hits them with a belt when they are naughty.",
            "{child} has been coming to school hungry and in the same clothes for several days; staff have given "
            "breakfast and spare uniform.",
        ],
    ),
    (
        "N1",
        {"health"},
        [
            "{child} was brought to the emergency department with a fracture that does not fit the explanation given; "
            "the paediatrician has asked for a safeguarding referral.",
            "Several missed health visitor appointments and {child} is not gaining weight; the home was cold and dirty "
            "at the last visit.",
        ],
    ),
    (
        "N1",
        {"police", "school", "other"},
        [
            "{child} has been reported missing three times in a month and was found in another town with older "
            "young people; concerns about criminal exploitation.",
            "{child} is spending time with an adult met online who buys gifts and a phone; concerns about sexual "
            "exploitation.",
        ],
    ),
    (
        "N1",
        {"individual", "other", "la"},
        [
            "A relative is worried that the children are left alone in the evenings while {adult} goes out.",
            "The house is in a very poor state and {child} is often seen outside late at night without an adult.",
        ],
    ),
    (
        "N5",
        {"police", "la", "individual", "other"},
        [
            "Third police call-out this year to arguments between the adults at the home; {child} was present each time.",  # noqa: E501
            "{adult} has been drinking heavily since a relationship broke down and the children are often late for school.",  # noqa: E501
        ],
    ),
    (
        "N3",
        {"health", "la", "other"},
        [
            "{adult} has been admitted to hospital under the Mental Health Act; {child} is staying with a relative and "
            "the plan for care is unclear.",
            "{adult} has a serious illness and is struggling to care for {child}; the family is asking for help.",
        ],
    ),
    (
        "N4",
        {"school", "la", "individual", "other", "health"},
        [
            "The family has been served notice by the landlord and may become homeless; {adult} is not coping and "
            "{child}'s attendance has dropped.",
            "{adult} has asked for help with {child}'s behaviour at home, saying the family is at breaking point.",
        ],
    ),
    (
        "N6",
        {"school", "police", "la"},
        [
            "{child} was arrested for shoplifting with a group of older teenagers and has been excluded from school twice.",  # noqa: E501
            "{child} has been in several fights and was found carrying a knife near the school gates.",
        ],
    ),
    (
        "N2",
        {"health", "school", "la"},
        [
            "{child}'s parents are exhausted caring for {child}'s complex needs and have asked for short breaks.",
        ],
    ),
    (
        "N7",
        {"school", "la", "other"},
        [
            "The family has no money for food or heating this month; the school has made a food bank referral.",
        ],
    ),
    (
        "N8",
        {"police", "la", "other", "individual"},
        [
            "{child} has been staying with friends for a week and says they cannot go home; {adult} will not say "
            "when they are coming back.",
        ],
    ),
    (
        "N1",
        {"school", "health", "other"},
        [
            "{child} has been self-harming and says things at home are bad but will not say more.",
            "{child} disclosed to a teacher that an adult in the family touched them inappropriately.",
        ],
    ),
]

RATIONALES = {
    "nfa": [
        "No concerns about significant harm or unmet need that universal services cannot meet; the school and "
        "health visitor will continue to support the family.",
        "The information has been passed to the allocated social worker, who is already working with the family.",
        "The checks show no concerns; the incident was isolated and the parents acted protectively.",
    ],
    "advice": [
        "The referrer was given advice on supporting the child in school; the family was signposted to the local "
        "family hub.",
        "The parent was given information about local parenting support and the domestic abuse helpline.",
    ],
    "early_help": [
        "Emerging needs that a coordinated plan can meet; the family agrees to early help and a lead practitioner "
        "will be identified by the Family Help team.",
        "The family would benefit from Family Help with a lead practitioner; consent was given on the phone.",
    ],
    "referral": [
        "The child may be a child in need (section 17): needs at this level call for a child and family assessment.",
        "Multiple needs and concerns about parenting capacity; referred for a social work assessment.",
    ],
    "strategy": [
        "Reasonable cause to suspect the child is suffering, or likely to suffer, significant harm: a strategy "
        "discussion with police and health is arranged today (section 47).",
        "A disclosure of harm: strategy discussion arranged with police and health; the child is safe tonight.",
    ],
}
LATE_REASONS = [
    "Waiting for the police check, which came back after the deadline",
    "An unusually high number of contacts came in that day",
    "The referrer could not be reached to clarify the concerns",
    "Waiting for health information from the GP practice",
]
RISK_DETAILS = [
    "The child says they are scared to go home tonight.",
    "The person alleged to have caused the injury is still living at the home.",
    "The child is missing and was last seen with adults known to police.",
]
CHECK_QUESTIONS = {
    "police": "Any police information about the household, including domestic abuse call-outs?",
    "health": "Health history of the child and the household: attendance, missed appointments, concerns?",
    "education": "Attendance, behaviour and any safeguarding concerns held by the school?",
}
CHECK_ANSWERS = {
    "police": [
        "Two domestic abuse call-outs to the address in the last year; no charges.",
        "One of the adults has a caution for assault (2019); no other information.",
        "A missing episode reported last month; found safe.",
    ],
    "health": [
        "Immunisations up to date; two missed appointments this year.",
        "Registered with a GP; a parent is under the community mental health team.",
        "Attended the emergency department twice this year with minor injuries.",
    ],
    "education": [
        "Attendance 86% this term; the school has noticed the child is withdrawn.",
        "Attendance good; no concerns in school.",
        "Two fixed-term suspensions this year; the school has an early help plan.",
    ],
}
FEEDBACK = {
    "nfa": "No further action by children's social care. Please continue to support the family and contact us "
    "again if anything changes.",
    "advice": "We have given advice and signposted the family to support. Please get in touch again if the "
    "concerns continue.",
    "early_help": "The family will be offered Family Help with a lead practitioner. You may be asked to join the "
    "team around the family.",
    "referral": "A social worker will carry out a child and family assessment. They may contact you for more "
    "information.",
    "strategy": "A strategy discussion has been arranged. Police and health are involved; you may be asked to "
    "attend or share information.",
}
REFERRER_ROLES = {
    "6": "Police constable",
    "2A": "Designated safeguarding lead",
    "2B": "Education welfare officer",
    "3A": "GP",
    "3B": "Health visitor",
    "3C": "School nurse",
    "3D": "Practice nurse",
    "3E": "Emergency department nurse",
    "3F": "CAMHS practitioner",
    "4": "Housing officer",
    "5A": "Adult social care worker",
    "5B": "Youth worker",
    "5C": "Social worker, Eastdale Council",
    "5D": "Family hub worker",
    "7": "Probation officer",
    "8": "Family support worker",
}
RELATIVES = ["Aunt", "Uncle", "Grandmother", "Grandfather", "Older cousin"]
GROUPS = {
    "6": "police",
    "2A": "school",
    "2B": "school",
    "4": "la",
    "7": "other",
    "8": "other",
    "9": "individual",
    "10": "other",
}


def group_of(source):
    if source in GROUPS:
        return GROUPS[source]
    return {"1": "individual", "3": "health", "5": "la"}.get(source[0], "other")


def poisson(rng, mean):
    """A Poisson draw (Knuth's method; means here are small)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


class Planned:
    """A contact being made, with its people, checks, decision and feedback."""

    __slots__ = (
        "pk",
        "received_at",
        "channel",
        "source",
        "referrer_name",
        "referrer_role",
        "agency",
        "relationship",
        "phone",
        "email",
        "concerns",
        "immediate_risk",
        "risk_detail",
        "consent",
        "due",
        "recorded_by",
        "allocated_to",
        "people",
        "checks",
        "decision",
        "feedback",
        "decision_pk",
    )

    def __init__(self):
        self.pk = self.decision_pk = None
        self.people = []  # (someone, role, relationship, matched_by)
        self.checks = []  # [kind, agency, question, status, requested_at, by, due, answered_at, answered_by, info]
        self.decision = None  # (level, outcome, rationale, indicators, need, by, at, on_time)
        self.feedback = None  # (method, message, given_at, by)


class FrontDoorFlow:
    def __init__(self, generator):
        self.g = generator
        self.today = generator.today
        self.due_cache = {}

    # --- Set-up ------------------------------------------------------------------------------

    def setup(self, staff):
        """Publish the example threshold document (by the front-door manager) and note who works where."""
        g = self.g
        from demo.generator import Weighted  # noqa: PLC0415 - the generator imports this module

        self.Weighted = Weighted
        by_name = {u.username: u for u in staff}
        manager = by_name.get("mash.manager") or next(u for u in staff if u.role == User.Role.MASH_MANAGER)
        self.document = services.load_threshold_document(
            manager, effective_from=self.today - dt.timedelta(days=WINDOW_DAYS + 30)
        )
        self.levels = list(self.document.levels.order_by("number"))
        self.indicators = {}
        for indicator in services.ThresholdIndicator.objects.filter(domain__document=self.document).order_by("id"):
            self.indicators.setdefault(indicator.level_id, []).append(indicator.pk)
        self.mash_team = g.members["MASH"][0][0]
        self.practitioners = g.members["MASH"][0][1]
        self.managers = [u for u in staff if u.role == User.Role.MASH_MANAGER]
        self.agency_users = {}
        for u in staff:
            if u.role == User.Role.PARTNER_PRACTITIONER:
                self.agency_users.setdefault(u.agency.pk, []).append(u)
        self.sources = Weighted.from_dict(SOURCES)
        self.flow_outcomes = Weighted.from_dict(FLOW_OUTCOMES)
        self.open_case_outcomes = Weighted.from_dict(OPEN_CASE_OUTCOMES)
        self.needs = Weighted.from_dict(PRIMARY_NEEDS)
        self.concerns_by_group = {}
        for need, groups, templates in CONCERNS:
            for group in groups:
                for template in templates:
                    self.concerns_by_group.setdefault(group, []).append((need, template))
        # Days of the window: working days much more often than weekends and bank holidays.
        today = self.today
        days = [today - dt.timedelta(days=n) for n in range(WINDOW_DAYS, 0, -1)]
        self.window_days = Weighted(days, [1.0 if working_days.is_working_day(d) else 0.35 for d in days])
        day = today - dt.timedelta(days=1)
        while not working_days.is_working_day(day):
            day -= dt.timedelta(days=1)
        self.last_working_day = day  # its contacts, and later ones, stay open
        recent = []
        while len(recent) < 5:
            day -= dt.timedelta(days=1)
            if working_days.is_working_day(day):
                recent.append(day)
        self.before_last = recent  # the five working days before it
        self.today_start = dt.datetime(today.year, today.month, today.day, tzinfo=LONDON)
        # The mean rate multiplier over the families' states, so the flow matches the national rate.
        weights = g.services
        mean_rate = (
            sum(
                STATE_RATES[s] * (w - (weights.cum[i - 1] if i else 0))
                for i, (s, w) in enumerate(zip(weights.items, weights.cum, strict=False))
            )
            / weights.total
        )
        # The flow makes about half the child-contacts: the rest come with families' states (an
        # assessment under way, a contact with the front door now) and their follow-ups.
        self.rate_scale = CHILD_CONTACTS_A_YEAR * FLOW_SHARE / mean_rate / 1.8  # 1.8 children a contact
        self.content_types = {
            model: ContentType.objects.get_for_model(model).pk
            for model in (Contact, AgencyCheck, ContactDecision, Referral, ReferrerFeedback)
        }
        self.categories = {
            slug: chronology_kinds.get(slug).category
            for slug in ("contact-received", "agency-check", "contact-decision", "referral", "referrer-feedback")
        }

    def start_block(self, block):
        """Called before each block of children (blocks, not batches, so the batch size changes nothing)."""
        self.overdue_wanted = block % 3 == 0

    def due(self, slug, start):
        key = (slug, start)
        found = self.due_cache.get(key)
        if found is None:
            found = self.due_cache[key] = timescales.due(slug, start)
        return found

    # --- Times -------------------------------------------------------------------------------

    def received(self, rng, day, source):
        if day >= self.today:
            hour = rng.randint(0, 6)
        elif working_days.is_working_day(day) and rng.random() < (0.6 if source == "6" else 0.85):
            hour = rng.randint(8, 17)
        else:
            hour = rng.choice((18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 6, 7))
        return dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=LONDON)

    def next_working_moment(self, rng, moment):
        """When the front door picks something up: soon in working hours, else the next working morning."""
        day = moment.date()
        if working_days.is_working_day(day) and 9 <= moment.hour < 17:
            return moment + dt.timedelta(minutes=rng.randint(10, 90))
        if not (working_days.is_working_day(day) and moment.hour < 9):
            day += dt.timedelta(days=1)
            while not working_days.is_working_day(day):
                day += dt.timedelta(days=1)
        return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON) + dt.timedelta(
            minutes=rng.randint(0, 120)
        )

    # --- One family ---------------------------------------------------------------------------

    def family(self, batch, rng, state, kids, home_adults, man, anchor):  # noqa: C901
        """Plan the family's contacts over the year, in time order (rng: the block's contact stream)."""
        born = [k for k in kids if k.date_of_birth is not None]
        if not born:
            return
        today = self.today
        events = []  # (day, order, kind, subject)
        order = 0
        mean = self.rate_scale * len(born) * STATE_RATES[state]
        for _ in range(poisson(rng, mean)):
            events.append((self.window_days.pick(rng), order, "flow", None))
            order += 1
        if state == "mash":
            roll = rng.random()
            if roll < 0.4:
                day = self.last_working_day if rng.random() < 0.8 else today
                events.append((day, order, "open", None))
            else:
                day = rng.choice(self.before_last)
                events.append((day, order, "open" if rng.random() < 0.1 else "flow", None))
            order += 1
            if rng.random() < 0.3:  # referred before, within the year: a re-referral if referred again
                events.append((day - dt.timedelta(days=rng.randint(40, 330)), order, "referral", None))
                order += 1
            if rng.random() < 0.2:
                for _ in range(2):
                    events.append((day - dt.timedelta(days=rng.randint(10, 170)), order, "flow", None))
                    order += 1
        elif state == "assessment" and anchor.get("assessment_start"):
            start = anchor["assessment_start"]
            day = start - dt.timedelta(days=1)
            while not working_days.is_working_day(day):
                day -= dt.timedelta(days=1)
            events.append((day, order, "referral", None))
            order += 1
            if rng.random() < RE_REFERRAL_BEFORE:
                events.append((day - dt.timedelta(days=rng.randint(40, 330)), order, "referral", None))
                order += 1
        events.sort()
        index = 0
        while index < len(events):
            day, _, kind, subject = events[index]
            index += 1
            if day > today or day < today - dt.timedelta(days=WINDOW_DAYS):
                continue
            eligible = [k for k in born if k.date_of_birth <= day]
            if not eligible:
                continue
            contact = self.contact(batch, rng, state, day, kind, subject, eligible, home_adults, man)
            if contact is None or contact.decision is None:
                continue
            outcome = contact.decision[1]
            if outcome in ("referral", "strategy") and kind != "follow-up" and rng.random() < RE_REFERRAL_FOLLOW_UP:
                later = day + dt.timedelta(days=rng.randint(30, 330))
                if later < today:
                    subject = contact.people[0][0]
                    bisect.insort(events, (later, order, "follow-up", subject), lo=index)
                    order += 1

    def contact(self, batch, rng, state, day, kind, subject, eligible, home_adults, man):  # noqa: C901
        g = self.g
        if subject is None or subject not in eligible:
            subject = rng.choice(eligible)
        # The source, suited to the child's age.
        for _ in range(6):
            source = self.sources.pick(rng)
            if source in SCHOOL_SOURCES and subject.school_ is None:
                schooled = [k for k in eligible if k.school_ is not None]
                if schooled:
                    subject = rng.choice(schooled)
                else:
                    continue
            if source == "3B" and subject.date_of_birth < day - dt.timedelta(days=5 * 365):
                continue
            break
        else:
            source = "6"
        received_at = self.received(rng, day, source)
        planned = Planned()
        planned.received_at = received_at
        planned.source = source
        planned.immediate_risk = False
        planned.risk_detail = ""
        group = group_of(source)
        # Who is in the contact: the child, often the brothers and sisters, sometimes an adult.
        siblings = [k for k in eligible if k is not subject]
        matched = rng.choices(
            ["chosen", "nhs_number", "name_and_dob", "upn", "consistent_identifier"], [40, 25, 15, 10, 10]
        )[0]
        if matched == "upn" and subject.school_ is None:
            matched = "chosen"
        planned.people.append((subject, ContactPerson.Role.SUBJECT, "", matched))
        if siblings and rng.random() < 0.6:
            for sibling in siblings:
                planned.people.append((sibling, ContactPerson.Role.CHILD_IN_HOUSEHOLD, "Sibling", "chosen"))
        need, template = rng.choice(self.concerns_by_group[group])
        concern_adult = None
        if home_adults and ("{adult}" in template or rng.random() < 0.3):
            concern_adult = (
                man
                if (man is not None and any(p is man for p, _ in home_adults) and rng.random() < 0.6)
                else rng.choice(home_adults)[0]
            )
        adult_label = "a parent"
        if concern_adult is not None:
            label = next(lab for p, lab in home_adults if p is concern_adult)
            adult_label = f"the child's {label.lower()}"
            role = (
                ContactPerson.Role.PERSON_OF_CONCERN
                if "{adult}" in template and rng.random() < 0.6
                else ContactPerson.Role.ADULT_IN_HOUSEHOLD
            )
            planned.people.append((concern_adult, role, label, "chosen"))
        first_name = subject.given_names.split()[0]
        planned.concerns = template.format(child=first_name, adult=adult_label)
        # The referrer.
        self.referrer(rng, planned, source, subject, home_adults)
        planned.due = self.due("contact-decision", day)
        # Open or decided: the last working day's contacts (and later ones) are still open, and a few overdue ones.
        is_open = day >= self.last_working_day or kind == "open"
        if not is_open and day in self.before_last:
            # A few overdue in the queue: the first of every third block's, and some others.
            is_open = self.overdue_wanted or rng.random() < 0.03
            self.overdue_wanted = False
        worker = rng.choice(self.practitioners)
        planned.allocated_to = worker if (not is_open or rng.random() < 0.5) else None
        if planned.recorded_by is None and planned.channel in (
            Contact.Channel.PHONE,
            Contact.Channel.EMAIL,
            Contact.Channel.IN_PERSON,
        ):
            planned.recorded_by = worker
        # The outcome (known now; it shapes consent, risk and checks).
        if kind in ("referral", "follow-up"):
            outcome = "strategy" if rng.random() < 0.1 else "referral"
        elif state in OPEN_CASE_STATES:
            outcome = self.open_case_outcomes.pick(rng)
        else:
            outcome = self.flow_outcomes.pick(rng)
        levels = [level for level in self.levels if outcome in level.outcomes]
        if not levels:
            outcome = self.levels[0].outcomes[0]
            levels = [self.levels[0]]
        level = rng.choice(levels)
        if rng.random() < IMMEDIATE_RISK[outcome]:
            planned.immediate_risk = True
            planned.risk_detail = rng.choice(RISK_DETAILS)
        planned.consent = self.consent(rng, outcome)
        # Checks: asked in working time once the contact is picked up.
        start = self.next_working_moment(rng, received_at)
        if day >= self.today or (is_open and start >= self.today_start):
            start = None  # not picked up yet
        if start is not None and (outcome != "nfa" or rng.random() < 0.5) and rng.random() < 0.8:
            kinds = []
            if rng.random() < (0.45 if source == "6" else 0.75):
                kinds.append(("police", g.police))
            if rng.random() < 0.65:
                young = subject.date_of_birth > day - dt.timedelta(days=5 * 365)
                kinds.append(("health", g.community if young else rng.choice((g.icb, g.hospital, g.community))))
            if subject.school_ is not None and rng.random() < 0.7 and source != "2A":
                kinds.append(("education", subject.school_))
            for check_kind, agency in kinds:
                requested = start + dt.timedelta(minutes=rng.randint(0, 60))
                requested = requested.replace(minute=requested.minute - requested.minute % 5, second=0)
                due = self.due(f"agency-check-{check_kind}", requested)
                span = (due.due_at - requested).total_seconds()
                if rng.random() < 0.85:
                    answered = requested + dt.timedelta(seconds=int(span * rng.uniform(0.1, 0.95)))
                else:
                    answered = due.due_at + dt.timedelta(minutes=rng.randint(30, 20 * 60))
                status = AgencyCheck.Status.ANSWERED if rng.random() < 0.65 else AgencyCheck.Status.NOTHING_KNOWN
                info = rng.choice(CHECK_ANSWERS[check_kind]) if status == AgencyCheck.Status.ANSWERED else ""
                answerers = self.agency_users.get(agency.pk)
                by = rng.choice(answerers) if answerers and rng.random() < 0.8 else worker
                planned.checks.append(
                    [
                        check_kind,
                        agency,
                        CHECK_QUESTIONS[check_kind],
                        status,
                        requested,
                        worker,
                        due,
                        answered,
                        by,
                        info,
                    ]
                )
        if is_open:
            now = self.today_start + dt.timedelta(hours=7)
            for check in planned.checks:
                if check[7] > now or rng.random() < 0.3:  # not answered yet
                    check[3], check[7], check[8], check[9] = AgencyCheck.Status.REQUESTED, None, None, ""
            batch.contacts.append(planned)
            return planned
        # The decision: on time mostly, after the checks that came back.
        due_at = planned.due.due_at
        base = start or self.next_working_moment(rng, received_at)
        base = max([base] + [c[4] + dt.timedelta(minutes=5) for c in planned.checks])
        ready = max([base] + [c[7] for c in planned.checks]) + dt.timedelta(minutes=rng.randint(10, 90))
        on_time_decision = (
            ready
            if ready <= due_at
            else max(
                base,
                dt.datetime(
                    due_at.year, due_at.month, due_at.day, rng.randint(15, 16), rng.randrange(60), tzinfo=LONDON
                ),
            )
        )
        decided = on_time_decision
        if rng.random() >= ON_TIME:
            late_day = planned.due.due_date + dt.timedelta(days=1 + rng.randint(0, 2))
            while not working_days.is_working_day(late_day):
                late_day += dt.timedelta(days=1)
            late = max(
                ready,
                dt.datetime(
                    late_day.year, late_day.month, late_day.day, rng.randint(9, 16), rng.randrange(60), tzinfo=LONDON
                ),
            )
            if late < self.today_start - dt.timedelta(hours=6):  # decisions are all in the past
                decided = late
        decided = max(decided, received_at + dt.timedelta(minutes=5))
        on_time = decided <= due_at
        for check in planned.checks:
            if check[7] > decided:  # asked, but not back in time: withdrawn at the decision
                check[3], check[7], check[8], check[9] = AgencyCheck.Status.WITHDRAWN, decided, None, ""
        rationale = rng.choice(RATIONALES[outcome])
        if state in OPEN_CASE_STATES and outcome == "nfa":
            rationale = RATIONALES["nfa"][1]
        if not on_time:
            rationale += f"\n\nReason for the late decision: {rng.choice(LATE_REASONS)}"
        choices = self.indicators.get(level.pk, [])
        indicators = sorted(rng.sample(choices, min(len(choices), rng.randint(1, 3)))) if choices else []
        primary_need = ""
        if outcome in services.REFERRAL_OUTCOMES:
            primary_need = need if rng.random() < 0.5 else self.needs.pick(rng)
        decider = rng.choice(self.managers) if (outcome in ("referral", "strategy") and rng.random() < 0.7) else worker
        planned.decision = (level, outcome, rationale, indicators, primary_need, decider, decided, on_time)
        if source not in ("9", "10") and rng.random() < 0.85:
            given = decided + dt.timedelta(minutes=rng.randint(10, 6 * 60))
            given = min(given, self.today_start - dt.timedelta(minutes=1))
            method = {
                Contact.Channel.API: "in_service",
                Contact.Channel.WEB_FORM: "in_service",
                Contact.Channel.EMAIL: "email",
            }.get(planned.channel, "phone")
            if method == "phone" and rng.random() < 0.2:
                method = "letter"
            message = f"Thank you for your contact about {first_name} on {day:%-d %B %Y}. {FEEDBACK[outcome]}"
            planned.feedback = (method, message, max(given, decided), decider)
        batch.contacts.append(planned)
        return planned

    def consent(self, rng, outcome):
        C = Contact.Consent
        weights = {
            "nfa": {C.NOT_ASKED: 50, C.GIVEN: 30, C.REFUSED: 20},
            "advice": {C.GIVEN: 50, C.NOT_ASKED: 40, C.REFUSED: 10},
            "early_help": {C.GIVEN: 90, C.NOT_ASKED: 10},
            "referral": {C.GIVEN: 55, C.NOT_NEEDED: 30, C.REFUSED: 10, C.NOT_ASKED: 5},
            "strategy": {C.NOT_NEEDED: 90, C.NOT_ASKED: 10},
        }[outcome]
        return rng.choices(list(weights), list(weights.values()))[0]

    def referrer(self, rng, planned, source, subject, home_adults):  # noqa: C901
        g = self.g
        agency = None
        name = role = relationship = phone = email = ""
        user = None
        channel = Contact.Channel.PHONE
        if source == "6":
            agency = g.police
            channel = rng.choices([Contact.Channel.API, Contact.Channel.EMAIL, Contact.Channel.PHONE], [60, 25, 15])[0]
        elif source == "2A":
            agency = subject.school_
            channel = rng.choices(
                [Contact.Channel.WEB_FORM, Contact.Channel.PHONE, Contact.Channel.EMAIL], [60, 30, 10]
            )[0]
        elif source in ("2B", "5A", "5B", "5D"):
            agency = g.la
            channel = rng.choice([Contact.Channel.EMAIL, Contact.Channel.PHONE])
        elif source in ("3B", "3C", "3D"):
            agency = g.community
            channel = rng.choice([Contact.Channel.WEB_FORM, Contact.Channel.PHONE])
        elif source == "3E":
            agency = g.hospital
            channel = rng.choice([Contact.Channel.WEB_FORM, Contact.Channel.PHONE, Contact.Channel.EMAIL])
        elif source == "3F":
            agency = rng.choice((g.mental_health, g.hospital))
            channel = rng.choice([Contact.Channel.WEB_FORM, Contact.Channel.EMAIL])
        elif source == "8":
            agency = rng.choice(g.voluntary)
            channel = rng.choice([Contact.Channel.EMAIL, Contact.Channel.PHONE])
        elif source == "3A":
            channel = rng.choice([Contact.Channel.EMAIL, Contact.Channel.PHONE])
        elif source in ("4", "5C", "7"):
            channel = rng.choice([Contact.Channel.EMAIL, Contact.Channel.PHONE])
        elif source == "1C":
            channel = rng.choice([Contact.Channel.PHONE, Contact.Channel.IN_PERSON])
        if agency is not None:
            users = self.agency_users.get(agency.pk)
            if users and source in ("6", "2A", "3B", "3C", "3E", "3F", "8"):
                user = rng.choice(users)
        if user is not None:
            name, role, email = f"{user.first_name} {user.last_name}", user.job_title, user.email
        elif source in REFERRER_ROLES:
            first, last = g.staff_name(rng)
            name = f"Dr {first} {last}" if source == "3A" else f"{first} {last}"
            role = REFERRER_ROLES[source]
            domain = (
                "northmoor.example"
                if agency is None or agency.kind == Agency.Kind.LOCAL_AUTHORITY
                else {
                    Agency.Kind.POLICE: "police.northmoor.example",
                    Agency.Kind.SCHOOL: "schools.northmoor.example",
                    Agency.Kind.VOLUNTARY: "charity.northmoor.example",
                }.get(agency.kind, "nhs.northmoor.example")
            )
            if source == "5C":
                domain = "eastdale.example"
            email = f"{first.lower()}.{last.lower()}@{domain}".replace(" ", "").replace("'", "")
            if not email.isascii():
                email = ""
        elif source == "1A":
            first, _ = g.staff_name(rng, 0.7)
            name = f"{first} {subject.family_name}"
            relationship = rng.choice(RELATIVES)
        elif source == "1B":
            first, last = g.staff_name(rng, 0.6)
            name, relationship = f"{first} {last}", rng.choice(["Neighbour", "Childminder", "Family friend"])
        elif source == "1C":
            name, relationship = f"{subject.given_names.split()[0]} {subject.family_name}", "Self"
        elif source == "1D":
            first, last = g.staff_name(rng, 0.5)
            name, relationship = f"{first} {last}", "Member of the public"
        # Ofcom's range for drama (01632 960000 to 960999): never a real number.
        phone = f"01632 960{rng.randrange(1000):03d}" if source not in ("9",) else ""
        planned.channel = channel
        planned.referrer_name = name
        planned.referrer_role = role
        planned.agency = agency
        planned.relationship = relationship
        planned.phone = phone
        planned.email = email
        planned.recorded_by = user if channel == Contact.Channel.WEB_FORM else None

    # --- Writing ------------------------------------------------------------------------------

    def write(self, batch):  # noqa: C901
        contacts = batch.contacts
        if not contacts:
            return
        writer = self.g.writer
        ids = writer.insert(
            Contact,
            (
                "received_at",
                "channel",
                "source",
                "referrer_name",
                "referrer_role",
                "referrer_agency_id",
                "referrer_relationship",
                "referrer_phone",
                "referrer_email",
                "concerns",
                "immediate_risk",
                "immediate_risk_detail",
                "consent",
                "consent_detail",
                "status",
                "decision_due_date",
                "decision_due_at",
                "decision_due_explanation",
                "recorded_by_id",
                "allocated_to_id",
            ),
            (
                (
                    c.received_at,
                    c.channel,
                    c.source,
                    c.referrer_name,
                    c.referrer_role,
                    c.agency.pk if c.agency else None,
                    c.relationship,
                    c.phone,
                    c.email,
                    c.concerns,
                    c.immediate_risk,
                    c.risk_detail,
                    c.consent,
                    "",
                    Contact.Status.DECIDED if c.decision else Contact.Status.OPEN,
                    c.due.due_date,
                    c.due.due_at,
                    f"Decision due by the end of {c.due.due_date:%A %-d %B %Y}: {c.due.explanation}"[:500],
                    c.recorded_by.pk if c.recorded_by else None,
                    c.allocated_to.pk if c.allocated_to else None,
                )
                for c in contacts
            ),
            ids=True,
        )
        for contact, pk in zip(contacts, ids, strict=False):
            contact.pk = pk
        writer.insert(
            ContactPerson,
            ("contact_id", "person_id", "role", "relationship", "matched_by", "added_by_id"),
            (
                (c.pk, p.pk, role, relationship, matched, c.recorded_by.pk if c.recorded_by else None)
                for c in contacts
                for p, role, relationship, matched in c.people
            ),
        )
        checks = [(c, check) for c in contacts for check in c.checks]
        check_ids = writer.insert(
            AgencyCheck,
            (
                "contact_id",
                "kind",
                "agency_id",
                "question",
                "status",
                "requested_at",
                "requested_by_id",
                "due_at",
                "due_explanation",
                "answered_at",
                "answered_by_id",
                "information",
            ),
            (
                (
                    c.pk,
                    k,
                    a.pk,
                    q,
                    s,
                    r,
                    by.pk,
                    due.due_at,
                    f"Due {timezone.localtime(due.due_at):%-d %B %Y at %H:%M}: {due.explanation}"[:500],
                    at,
                    ab.pk if ab else None,
                    info,
                )
                for c, (k, a, q, s, r, by, due, at, ab, info) in checks
            ),
            ids=True,
        )
        decided = [c for c in contacts if c.decision]
        decision_ids = writer.insert(
            ContactDecision,
            (
                "contact_id",
                "threshold_document_id",
                "level_id",
                "outcome",
                "rationale",
                "primary_need",
                "malicious",
                "malicious_reason",
                "decided_by_id",
                "decided_at",
                "on_time",
            ),
            (
                (c.pk, self.document.pk, d[0].pk, d[1], d[2], d[4], False, "", d[5].pk, d[6], d[7])
                for c in decided
                for d in (c.decision,)
            ),
            ids=True,
        )
        for contact, pk in zip(decided, decision_ids, strict=False):
            contact.decision_pk = pk
        writer.insert(
            ContactDecision.indicators.through,
            ("contactdecision_id", "thresholdindicator_id"),
            ((c.decision_pk, ind) for c in decided for ind in c.decision[3]),
        )
        referrals = [
            (c, p)
            for c in decided
            if c.decision[1] in services.REFERRAL_OUTCOMES
            for p, role, _, _ in c.people
            if role in CHILD_ROLES
        ]
        referral_ids = writer.insert(
            Referral,
            (
                "person_id",
                "contact_id",
                "referral_date",
                "source",
                "primary_need",
                "referral_nfa",
                "closure_date",
                "closure_reason",
            ),
            (
                (p.pk, c.pk, timezone.localdate(c.received_at), c.source, c.decision[4], False, None, "")
                for c, p in referrals
            ),
            ids=True,
        )
        with_feedback = [c for c in decided if c.feedback]
        feedback_ids = writer.insert(
            ReferrerFeedback,
            ("contact_id", "method", "message", "given_at", "given_by_id"),
            ((c.pk, f[0], f[1], f[2], f[3].pk) for c in with_feedback for f in (c.feedback,)),
            ids=True,
        )

        # Involvements: a child is with the front door from the contact until the decision
        # (one involvement while contacts overlap); a referral opens "Referral: child in need".
        la, team = self.g.la.pk, self.mash_team.pk
        spans = {}
        for c in contacts:
            end = c.decision[6] if c.decision else None
            for p, role, _, _ in c.people:
                if role in CHILD_ROLES:
                    spans.setdefault(p.pk, []).append((c.received_at, end))
        involvements = []
        for person, periods in spans.items():
            periods.sort(key=lambda period: period[0])
            current = None
            for start, end in periods:
                if current is not None and (current[1] is None or start <= current[1]):
                    if current[1] is not None and (end is None or end > current[1]):
                        current[1] = end
                    continue
                if current is not None:
                    involvements.append((person, current[0], current[1]))
                current = [start, end]
            involvements.append((person, current[0], current[1]))
        rows = [
            (p, la, team, None, services.INVOLVEMENT_KIND, timezone.localdate(s), timezone.localdate(e) if e else None)
            for p, s, e in involvements
        ]
        rows += [
            (p.pk, la, c.decision[5].team_id, None, REFERRAL_INVOLVEMENT_KIND, timezone.localdate(c.decision[6]), None)
            for c, p in referrals
        ]
        writer.insert(
            Involvement, ("person_id", "agency_id", "team_id", "worker_id", "kind", "start_date", "end_date"), rows
        )

        # The chronology, as the services write it.
        ct = self.content_types
        cat = self.categories
        entries = []
        for c in contacts:
            children = [p for p, role, _, _ in c.people if role in CHILD_ROLES]
            title = services.contact_received_title(
                c.agency.name if c.agency else codelists.label("referral-source", c.source), c.immediate_risk
            )
            for p, role, _, _ in c.people:
                entries.append(
                    (
                        p.pk,
                        "contact-received",
                        c.received_at,
                        title,
                        services.contact_received_detail(ContactPerson.Role(role).label, len(children)),
                        c.agency.pk if c.agency else None,
                        ct[Contact],
                        str(c.pk),
                        c.recorded_by.pk if c.recorded_by else None,
                    )
                )
        for (c, check), pk in zip(checks, check_ids, strict=False):
            kind, agency, _, status, requested, by, _, answered, answered_by, _ = check
            kind_label = AgencyCheck.Kind(kind).label
            for p, role, _, _ in c.people:
                if role not in CHILD_ROLES:
                    continue
                entries.append(
                    (
                        p.pk,
                        "agency-check",
                        requested,
                        services.check_requested_title(kind_label, agency),
                        "",
                        agency.pk,
                        ct[AgencyCheck],
                        str(pk),
                        by.pk,
                    )
                )
                if status in (AgencyCheck.Status.ANSWERED, AgencyCheck.Status.NOTHING_KNOWN):
                    entries.append(
                        (
                            p.pk,
                            "agency-check",
                            answered,
                            services.check_answered_title(kind_label, status),
                            "",
                            answered_by.agency_id,
                            ct[AgencyCheck],
                            str(pk),
                            answered_by.pk,
                        )
                    )
        for c in decided:
            level, outcome, rationale, _, need, by, at, _ = c.decision
            title = services.decision_title(ContactDecision.Outcome(outcome).label, level)
            for p, role, _, _ in c.people:
                if role in CHILD_ROLES:
                    entries.append(
                        (
                            p.pk,
                            "contact-decision",
                            at,
                            title,
                            rationale,
                            None,
                            ct[ContactDecision],
                            str(c.decision_pk),
                            by.pk,
                        )
                    )
        for (c, p), pk in zip(referrals, referral_ids, strict=False):
            entries.append(
                (
                    p.pk,
                    "referral",
                    c.decision[6],
                    services.referral_title(c.decision[4]),
                    "",
                    None,
                    ct[Referral],
                    str(pk),
                    c.decision[5].pk,
                )
            )
        for c, pk in zip(with_feedback, feedback_ids, strict=False):
            method, _, given, by = c.feedback
            title = services.feedback_title(ReferrerFeedback.Method(method).label)
            for p, role, _, _ in c.people:
                if role in CHILD_ROLES:
                    entries.append(
                        (p.pk, "referrer-feedback", given, title, "", None, ct[ReferrerFeedback], str(pk), by.pk)
                    )
        writer.insert(
            ChronologyEntry,
            (
                "person_id",
                "kind",
                "category",
                "occurred_at",
                "title",
                "detail",
                "agency_id",
                "source_type_id",
                "source_id",
                "recorded_by_id",
                "manual",
            ),
            (
                (p, kind, cat[kind], when, title[:200], detail, agency, st, sid, by, False)
                for p, kind, when, title, detail, agency, st, sid, by in entries
            ),
        )
        g = self.g
        for name, number in (
            ("contacts", len(contacts)),
            ("people in contacts", sum(len(c.people) for c in contacts)),
            ("agency checks", len(checks)),
            ("contact decisions", len(decided)),
            ("referrals", len(referrals)),
            ("referrer feedback", len(with_feedback)),
            ("front-door involvements", len(rows)),
            ("front-door chronology", len(entries)),
        ):
            g.count(name, number)

    def finish(self):
        """Pattern alerts of the open contacts, by the service (few: a day's contacts and some overdue)."""
        made = 0
        for contact in Contact.objects.filter(status=Contact.Status.OPEN).order_by("id"):
            made += len(services.refresh_pattern_alerts(contact))
        self.g.count("pattern alerts", made)
