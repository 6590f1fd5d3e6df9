"""The demo authority's care leavers. Called by demo.generator after demo.care:
`LeavingCare(generator).run()` returns {what: how many}. Its random stream is its own
("<seed>:leaving-care"), so the same seed, size and `today` give the same care leavers.

The demo's case history spans one year, and demo.care's periods of care start in it or in
the five collection years before it (its history() of children aged 0 to 17 today), so care
leavers need care histories that ended before the demo's year. This module makes young people
aged 18 to 21 (people of the generator's own name pools), each
with a historic referral, a period of care after their 14th birthday (legal status,
placements and the SSDA903 episodes childrenincare.services.derive_episodes works out) that
ended at 16, 17 or 18, before the first 1 April on or before the start of the demo's year (so
that no episode, referral or review of theirs falls in a collection year the returns build
from the year's records). Each has a care leaver record, a personal adviser (one in five
changed once), a pathway plan reviewed about every 6 months (the due dates as
kernel.Deadline rows, some late with the reason, the next one open), keeping-in-touch
contacts over the last year and a birthday contact for each 17th to 21st birthday since care
ended (the SSDA903 OC3). Eligible children still looked after (16 or 17, 13 weeks since 14,
from demo.care) get a record, a personal adviser and a pathway plan too: they are the demo's
younger (eligible and relevant) care leavers.

Migrated history. A real authority moving to this system brings its care leavers' periods of
care, which began years before its front-door records; here each such period hangs on a
referral whose contact is marked MIGRATED (in its decision-due explanation): no decision, no
checks, no timescale rule (the rules in force begin with the demo's year). demo/tests leave
out exactly the contacts so marked, and nothing else. The young people are all 18 or over
today, so they are recorded as adults (Person.Kind.ADULT) without a consistent identifier,
which the model gives children only; the generator's "exactly N children aged 0 to 17" holds.
Their periods start on section 20 (V2), some followed by a full care order (C2) 5 to 7 months
on, so that no historic interim care order (C1) is taken for a demo pre-proceedings case.

Published figures (England, /work/shared/data/dfe-published):

- cla2025__cla_number_and_rate_per_10k_children.csv, 2025: 28 per 10,000 children ceased to be
  looked after in the year (demo.care's CEASED_PER_10K).
- cla2024__la_children_who_ceased_during_the_year.csv, 2024: age on ceasing (of 33,620): 16
  years 2,080, 17 years 1,940, 18 and over 13,080. So 28 x 17,100 / 33,620 = 14.2 per 10,000
  children leave care at 16 or over each year; five birthday cohorts (17 to 21) are kept.
- The care leavers' outcomes (in touch, activity, accommodation and its suitability) are not
  in those files: the shares below are the DfE's published 2024 figures for 19 to 21 year olds
  and 17 to 18 year olds as remembered, rounded [U: check against the "care leavers" tables of
  Children looked after in England including adoptions, 2024]. In touch about 92% (not in
  touch 4%, refused 2%, no longer required 1%, went home 1%); 19 to 21: in education,
  employment or training about 56% (higher education 7%), NEET 38%; 17 to 18: in education or
  training about 66%; accommodation suitable about 88% (19 to 21) and 91% (17 to 18);
  independent living 35%, semi-independent 17%, with parents or relatives 13%, staying put
  (19 to 21) 9%, supported lodgings 7%, other types the rest.
- Personal advisers from the generator's Care Leavers Service team; pathway plan reviews on
  time 85% (ASSUMED, late ones carry a reason); one keeping-in-touch contact every 6 to 10
  weeks over the last year (ASSUMED).
"""

import datetime as dt
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from childrenincare import services as care_services
from childrenincare.models import CareEpisode, LegalStatus, PeriodOfCare, Placement
from chronology import services as chronology
from frontdoor.models import Contact, ContactPerson, Referral
from kernel import deadlines
from leavingcare import eligibility
from leavingcare.eligibility import birthday
from leavingcare.models import BirthdayContact, CareLeaver, KeepingInTouchContact, PathwayPlanReview, PersonalAdviser
from leavingcare.services import (
    NO_ACTIVITY_OR_ACCOMMODATION,
    PA_INVOLVEMENT,
    PATHWAY_PLAN_REVIEW_RULE,
    accommodation_code,
    birthday_window,
)
from people.models import Involvement, Person
from returns.collection import collection_period, year_in_progress

from .generator import Batch

LONDON = ZoneInfo("Europe/London")
DAY = dt.timedelta(days=1)
BATCH = 2000

CEASED_PER_10K = 28  # cla2025
CEASED_AT = {16: 2080, 17: 1940, 18: 13080}  # cla2024 age on ceasing
CEASED_AT_16_OR_OVER = sum(CEASED_AT.values()) / 33620
COHORTS = 5  # birthdays 17 to 21
IN_TOUCH = {"YES": 92, "NO": 4, "REFU": 2, "NREQ": 1, "RHOM": 1}  # [U] published 2024, rounded
ACTIVITY_19_21 = {"F1": 6, "P1": 1, "F2": 10, "P2": 3, "F4": 4, "P4": 1, "F5": 24, "P5": 7, "G4": 12, "G5": 20, "G6": 6}
ACTIVITY_17_18 = {"F2": 48, "P2": 6, "F4": 5, "P4": 1, "F5": 5, "P5": 1, "G4": 7, "G5": 22, "G6": 3, "F1": 2}
ACCOMMODATION = {
    "U": 35,
    "D": 17,
    "B": 13,
    "Z": 9,
    "E": 7,
    "T": 4,
    "K": 3,
    "C": 2,
    "X": 2,
    "S": 1,
    "V": 1,
    "W": 1,
    "Y": 3,
    "R": 1,
    "G": 1,
}
SUITABLE = {17: 0.91, 18: 0.91}  # else 0.88
PLAN_REVIEW_ON_TIME = 0.85  # ASSUMED
LATE = [
    "The young person asked to move the review until after their exams",
    "The personal adviser was off sick; reallocated within the team",
    "The young person did not attend the first date offered",
]
CONTACT_NOTES = [
    "Met for coffee; talked about college and money.",
    "Phone call: settled, budgeting well.",
    "Visited the flat; repairs reported to the landlord.",
    "Text exchange; agreed to meet next month.",
    "No answer; left a message.",
    "Helped with a housing benefit form.",
]
# (place, provider, Ofsted URN), the URNs demo.care gives its carers and homes.
PLACES = [("U4", "PR1", "SC999001"), ("U6", "PR4", "SC999101"), ("K2", "PR4", "SC998000"), ("U4", "PR4", "SC999102")]
LATER_PLACE = ("H5", "PR4", "SC999301")  # semi-independent accommodation before 2025 (903 H5)
# Returns home (E4A, E4B) are left to demo.care, which makes each with its decision and monitoring;
# E13 (to live with relatives or others) stands for going home here [U].
END_REASON = {
    16: {"E5": 55, "E13": 25, "E8": 20},
    17: {"E5": 55, "E6": 10, "E13": 20, "E8": 15},
    18: {"E17": 25, "E5": 40, "E6": 20, "E8": 15},
}
HOME = {"E13"}
MIGRATED = "Migrated record: received before this system's records began (no decision or timescale recorded)"


def weighted(rng, mapping):
    keys = list(mapping)
    return rng.choices(keys, [mapping[k] for k in keys])[0]


def at(rng, day, first=9, last=17):
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(first, last), rng.choice((0, 15, 30, 45)), tzinfo=LONDON
    )


def between(rng, start, end):
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


class LeavingCare:
    def __init__(self, generator):
        self.g = generator
        self.today = generator.today
        self.rng = random.Random(f"{generator.seed}:leaving-care")
        self.counts = defaultdict(int)

    # --- who ---------------------------------------------------------------------------------

    def wanted(self):
        if not self.g.children:
            return 0  # an authority with no children has no care leavers
        return max(3, round(self.g.children * CEASED_PER_10K / 10000 * CEASED_AT_16_OR_OVER * COHORTS))

    def ended_by(self):
        """Care ends before the 1 April on or before the start of the demo's year of records."""
        first_day = self.today - dt.timedelta(days=366)
        return collection_period(year_in_progress(first_day))[0] - DAY

    def run(self):
        g = self.g
        if not g.children:
            return {}
        staff = {u.username: u for u in g.staff}
        self.advisers = [w for _, workers in g.members.get("care leavers", []) for w in workers] or [
            w for _, workers in g.members["children in care"] for w in workers
        ]
        self.cic_team, self.cic_workers = g.members["children in care"][0]
        self.recorder = staff.get("social.worker") or self.cic_workers[0]
        self.iro = staff.get("iro") or g.members["IRO"][0][1][0]
        self.records, self.advisers_rows, self.plans, self.contacts, self.birthdays = [], [], [], [], []
        self.entries, self.involvements = [], []
        self.batch = deadlines.Batch()
        leavers = self.people()
        self.histories(leavers)
        self.eligible_now()
        self.write(leavers)
        return dict(self.counts)

    def people(self):
        """Young people aged about 17 to 22, written through the generator's batch."""
        g, rng, today = self.g, self.rng, self.today  # noqa: F841
        ended_by = self.ended_by()
        batch = Batch()
        leavers = []
        for _ in range(self.wanted()):
            ceased_at = weighted(rng, CEASED_AT)
            # Old enough for care to have ended at that age before `ended_by`, young enough to have
            # a 17th to 21st birthday since.
            latest_dob = birthday(ended_by, -ceased_at) - dt.timedelta(days=rng.randint(1, 20))
            latest_dob = min(latest_dob, birthday(today, -18) - dt.timedelta(days=rng.randint(1, 20)))  # adults now
            earliest_dob = max(birthday(today, -22) + 30 * DAY, birthday(latest_dob, -3))
            if earliest_dob >= latest_dob:
                earliest_dob = latest_dob - 30 * DAY
            dob = between(rng, earliest_dob, latest_dob)
            heritage = g.heritages.pick(rng)
            pool = g.pools[rng.choice(heritage["child"])]
            sex = "F" if rng.random() < 0.44 else "M"  # [U] more boys than girls leave care at 16 and over
            given = pool.child[sex].pick(rng)
            family = pool.surnames.pick(rng)
            person = g.person(
                batch,
                Person.Kind.ADULT,
                given,
                family,
                dob,
                sex,
                heritage["ethnicity"],
                "eng" if rng.random() < pool.child_english else pool.languages.pick(rng),
                pool.religions.pick(rng) if rng.random() < 0.5 else "",
            )
            person.pool_ = pool
            leavers.append((person, ceased_at))
        g.write(batch)
        return leavers

    # --- care histories and what followed ------------------------------------------------------

    def histories(self, leavers):
        g, rng = self.g, self.rng
        ended_by = self.ended_by()
        self.contacts_made, self.referrals, self.periods, self.statuses, self.placements = [], [], [], [], []
        for person, ceased_at in leavers:
            dob = person.date_of_birth
            end = (
                birthday(dob, ceased_at)
                if ceased_at == 18
                else between(
                    rng, birthday(dob, ceased_at) + 30 * DAY, min(birthday(dob, ceased_at + 1) - DAY, ended_by)
                )
            )
            end = min(end, ended_by)
            if end <= birthday(dob, 16) + 30 * DAY:
                end = min(birthday(dob, 16) + 60 * DAY, ended_by)
            roll = rng.random()
            if roll < 0.45:
                start = between(rng, birthday(dob, 6), birthday(dob, 13))  # in care since childhood
            elif roll < 0.85:
                start = between(rng, birthday(dob, 14), birthday(dob, 15) + 300 * DAY)
            else:
                start = between(rng, birthday(dob, 15) + 300 * DAY, end - 150 * DAY)
            start = min(start, end - 150 * DAY)
            end_reason = weighted(rng, END_REASON[ceased_at])
            received = at(rng, start - dt.timedelta(days=rng.randint(10, 40)), 9, 16)
            contact = Contact(
                received_at=received,
                channel=Contact.Channel.PHONE,
                source=rng.choice(["2A", "6", "3F"]),
                concerns="Historic referral, migrated from the previous system.",
                consent=Contact.Consent.NOT_NEEDED,
                status=Contact.Status.DECIDED,
                decision_due_date=received.date() + DAY,
                decision_due_at=received + dt.timedelta(days=1),
                decision_due_explanation=MIGRATED,
                recorded_by=self.recorder,
            )
            referral = Referral(
                person_id=person.pk,
                contact=contact,
                referral_date=received.date(),
                source=contact.source,
                primary_need=rng.choice(["N1", "N1", "N4", "N5", "N8"]),
                closure_date=end,
                closure_reason="RC7",
            )
            period = PeriodOfCare(
                person_id=person.pk,
                episode=referral,
                start_date=start,
                category_of_need=referral.primary_need,
                home_postcode="",
                end_date=end,
                end_reason=end_reason,
                created_by=self.recorder,
                iro=self.iro,
                iro_appointed_on=start + 5 * DAY,
            )
            # Section 20, for some (all those in care since childhood) followed by a full care order
            # 5 to 7 months later; no historic interim orders (see the docstring).
            long_term = start < birthday(dob, 14)
            ordered = long_term or rng.random() < 0.4
            first = "V2"
            period.legal_ = [LegalStatus(period=period, code=first, start_date=start, recorded_by=self.recorder)]
            final = start + dt.timedelta(days=rng.randint(150, 210))
            if ordered and final < end - 30 * DAY:
                period.legal_[0].end_date = final
                period.legal_.append(
                    LegalStatus(period=period, code="C2", start_date=final, end_date=end, recorded_by=self.recorder)
                )
            else:
                period.legal_[0].end_date = end
            place, provider, urn = PLACES[rng.randrange(len(PLACES))]
            placed = [
                Placement(
                    period=period,
                    place=place,
                    provider=provider,
                    urn=urn,
                    start_date=start,
                    postcode=g.postcode(rng.randrange(20000, 40000), rng.randrange(5)),
                    recorded_by=self.recorder,
                )
            ]
            moved = max(start + 60 * DAY, birthday(dob, 16) + dt.timedelta(days=rng.randint(0, 120)))
            if end_reason in {"E5", "E6"} and moved < end - 30 * DAY:
                placed[0].end_date, placed[0].change_reason = moved, "CARPL"
                placed.append(
                    Placement(
                        period=period,
                        place=LATER_PLACE[0],
                        provider=LATER_PLACE[1],
                        urn=LATER_PLACE[2],
                        start_date=moved,
                        postcode=g.postcode(rng.randrange(20000, 40000), rng.randrange(5)),
                        recorded_by=self.recorder,
                    )
                )
            placed[-1].end_date = end
            period.placed_ = placed
            self.contacts_made.append(contact)
            self.referrals.append(referral)
            self.periods.append(period)
            self.statuses.extend(period.legal_)
            self.placements.extend(placed)
            self.entries.append((person.pk, "looked-after", at(rng, start), "Became looked after", "", period, None))
            self.entries.append(
                (person.pk, "care-ceased", at(rng, end), f"Ceased to be looked after ({end_reason})", "", period, None)
            )
            self.after_care(person, dob, start, end, end_reason)

    def after_care(self, person, dob, start, end, end_reason):
        rng, today = self.rng, self.today
        opened = max(birthday(dob, 16), start + 100 * DAY)
        opened = min(opened, end - DAY)
        record = CareLeaver(
            person_id=person.pk,
            opened_on=opened,
            created_by=self.recorder,
            home_with_parent_since=end if end_reason in HOME else None,
        )
        record.person_ = person
        self.records.append(record)
        self.entries.append(
            (person.pk, "care-leaver", at(rng, opened), "Care leaver record opened", "", record, self.recorder)
        )
        adviser = rng.choice(self.advisers)
        first = PersonalAdviser(care_leaver=record, adviser=adviser, start_date=opened, appointed_by=self.recorder)
        rows = [first]
        if rng.random() < 0.2 and len(self.advisers) > 1:
            changed = between(rng, opened + 180 * DAY, today - 30 * DAY)
            if changed > opened + DAY:
                first.end_date = changed - DAY
                adviser = rng.choice([a for a in self.advisers if a.pk != adviser.pk])
                rows.append(
                    PersonalAdviser(care_leaver=record, adviser=adviser, start_date=changed, appointed_by=self.recorder)
                )
        self.advisers_rows.extend(rows)
        for row in rows:
            self.entries.append(
                (
                    person.pk,
                    "personal-adviser",
                    at(rng, row.start_date),
                    f"Personal adviser appointed: {row.adviser}",
                    "",
                    row,
                    self.recorder,
                )
            )
        self.involvements.append(
            Involvement(
                person_id=person.pk,
                agency_id=adviser.agency_id,
                team_id=adviser.team_id,
                worker=adviser,
                kind=PA_INVOLVEMENT,
                start_date=rows[-1].start_date,
            )
        )
        record.adviser_ = adviser
        self.pathway(record, person, opened + dt.timedelta(days=rng.randint(20, 60)), adviser)
        self.keeping_in_touch(record, person, max(end, today - 365 * DAY))
        self.birthday_contacts(record, person, dob, end, end_reason)

    def pathway(self, record, person, first_day, adviser):
        """The pathway plan, then reviews about every 6 months; each meets the due date and the
        last leaves the next one open."""
        rng, today = self.rng, self.today
        day, kind, previous = first_day, PathwayPlanReview.Kind.PLAN, first_day
        while day <= today:
            due = None
            if kind == PathwayPlanReview.Kind.REVIEW:
                due = self.issue_review(previous, record, adviser)
            late = due is not None and deadlines.is_late(due, day)
            reason = rng.choice(LATE) if late else ""
            plan = PathwayPlanReview(
                care_leaver=record,
                kind=kind,
                held_on=day,
                late_reason=reason,
                summary="Accommodation, education and money reviewed with the young person.",
                young_person_took_part=rng.random() < 0.9,
                recorded_by=adviser,
            )
            self.plans.append(plan)
            self.entries.append(
                (
                    person.pk,
                    "pathway-plan",
                    at(rng, day),
                    "Pathway plan agreed" if kind == "plan" else "Pathway plan reviewed",
                    "",
                    plan,
                    adviser,
                )
            )
            if due is not None:
                deadlines.mark_met(due, day, reason)
            previous, kind = day, PathwayPlanReview.Kind.REVIEW
            due_next = self.due(day).due_date
            if rng.random() < PLAN_REVIEW_ON_TIME:
                day = due_next - dt.timedelta(days=rng.randint(0, 25))
            else:
                day = due_next + dt.timedelta(days=rng.randint(3, 30))
        self.issue_review(previous, record, adviser)

    def due(self, start):
        return self.batch.counted(PATHWAY_PLAN_REVIEW_RULE, start)[0]

    def issue_review(self, start, record, adviser):
        """The next pathway plan review's due date, issued by kernel.deadlines' rules."""
        return self.batch.issue(
            PATHWAY_PLAN_REVIEW_RULE,
            start,
            person=record.person_id,
            subject=record,
            team=adviser.team_id,
            worker=adviser.pk,
        )

    def keeping_in_touch(self, record, person, since):
        rng, today = self.rng, self.today
        day = since + dt.timedelta(days=rng.randint(5, 40))
        while day <= today:
            in_touch = rng.random() < 0.9
            contact = KeepingInTouchContact(
                care_leaver=record,
                contact_on=day,
                in_touch=in_touch,
                method=rng.choice(list(KeepingInTouchContact.Method.values)),
                notes=rng.choice(CONTACT_NOTES[:4] + CONTACT_NOTES[5:]) if in_touch else CONTACT_NOTES[4],
                recorded_by=record.adviser_,
            )
            self.contacts.append(contact)
            day += dt.timedelta(days=rng.randint(42, 70))

    def birthday_contacts(self, record, person, dob, end, end_reason):
        rng, today = self.rng, self.today
        for age in eligibility.oc3_rule("birthday_ages"):
            day = birthday(dob, age)
            window = birthday_window(dob, age)
            if day <= end or window[0] > today:
                continue  # still looked after on that birthday, or not yet near it
            in_touch = weighted(rng, {k: v for k, v in IN_TOUCH.items() if k != "RHOM"})
            if end_reason in HOME and rng.random() < 0.5:
                in_touch = "RHOM"
            contact_on = between(rng, window[0], min(window[1], today))
            if in_touch in NO_ACTIVITY_OR_ACCOMMODATION:
                activity, letter, suitable, code = "0", "", None, "0"
            elif in_touch != "YES":
                activity, letter, suitable, code = "0", "", None, "0"
            else:
                activity = weighted(rng, ACTIVITY_17_18 if age <= 18 else ACTIVITY_19_21)
                choices = dict(ACCOMMODATION)
                if age == 17:
                    choices.pop("Z")  # staying put starts at 18 (validator rule 3001)
                if age <= 18:
                    choices.pop("T")  # no foyer under 18 at the start of the year (rule 347)
                letter = weighted(rng, choices)
                suitable = False if letter in {"S", "X"} else rng.random() < SUITABLE.get(age, 0.88)
                code = accommodation_code(letter, suitable)
            found = BirthdayContact(
                care_leaver=record,
                birthday_age=age,
                contact_on=contact_on,
                in_touch=in_touch,
                activity=activity,
                accommodation_type=letter,
                accommodation_suitable=suitable,
                accommodation=code,
                recorded_by=record.adviser_,
            )
            self.birthdays.append(found)
            self.entries.append(
                (
                    person.pk,
                    "birthday-contact",
                    at(rng, contact_on),
                    f"{age}th birthday contact",
                    f"In touch {in_touch}, activity {activity}, accommodation {code}",
                    found,
                    record.adviser_,
                )
            )

    def eligible_now(self):
        """Eligible children looked after now (from demo.care): a record, a personal adviser and
        the pathway plan, due from the 16th birthday."""
        rng, today = self.rng, self.today
        open_periods = list(
            PeriodOfCare.objects.filter(end_date__isnull=True).select_related("person").order_by("person_id")
        )
        people = {p.person_id: p.person for p in open_periods if p.person.date_of_birth}
        found = eligibility.histories(list(people))
        for person_id, person in people.items():
            status = eligibility.categorise(person.date_of_birth, found[person_id], today)
            if status.category != eligibility.ELIGIBLE:
                continue
            opened = max(
                birthday(person.date_of_birth, 16), next(p.start for p in found[person_id] if p.end is None) + 91 * DAY
            )
            opened = min(opened, today)
            record = CareLeaver(person_id=person_id, opened_on=opened, created_by=self.recorder)
            self.records.append(record)
            adviser = rng.choice(self.advisers)
            record.adviser_ = adviser
            self.advisers_rows.append(
                PersonalAdviser(care_leaver=record, adviser=adviser, start_date=opened, appointed_by=self.recorder)
            )
            self.involvements.append(
                Involvement(
                    person_id=person_id,
                    agency_id=adviser.agency_id,
                    team_id=adviser.team_id,
                    worker=adviser,
                    kind=PA_INVOLVEMENT,
                    start_date=opened,
                )
            )
            self.entries.append(
                (
                    person_id,
                    "care-leaver",
                    at(rng, opened),
                    "Care leaver record opened: eligible child",
                    "",
                    record,
                    self.recorder,
                )
            )
            self.pathway(record, person, min(today, opened + dt.timedelta(days=rng.randint(5, 40))), adviser)
            self.counts["eligible children with a care leaver record"] += 1

    # --- writing -------------------------------------------------------------------------------

    def write(self, leavers):
        b = BATCH
        Contact.objects.bulk_create(self.contacts_made, batch_size=b)
        for referral in self.referrals:
            referral.contact_id = referral.contact.pk
        ContactPerson.objects.bulk_create(
            [
                ContactPerson(
                    contact=r.contact, person_id=r.person_id, role="subject", matched_by=ContactPerson.Match.CHOSEN
                )
                for r in self.referrals
            ],
            batch_size=b,
        )
        Referral.objects.bulk_create(self.referrals, batch_size=b)
        for period in self.periods:
            period.episode_id = period.episode.pk
        PeriodOfCare.objects.bulk_create(self.periods, batch_size=b)
        for status in self.statuses:
            status.period_id = status.period.pk
        for placement in self.placements:
            placement.period_id = placement.period.pk
        LegalStatus.objects.bulk_create(self.statuses, batch_size=b)
        Placement.objects.bulk_create(self.placements, batch_size=b)
        episodes = []
        for period in self.periods:
            episodes.extend(
                care_services.derive_episodes(period, legal_statuses=period.legal_, placements=period.placed_)
            )
        CareEpisode.objects.bulk_create(episodes, batch_size=b)
        CareLeaver.objects.bulk_create(self.records, batch_size=b)
        for rows in (self.advisers_rows, self.plans, self.contacts, self.birthdays):
            for row in rows:
                row.care_leaver_id = row.care_leaver.pk
        PersonalAdviser.objects.bulk_create(self.advisers_rows, batch_size=b)
        PathwayPlanReview.objects.bulk_create(self.plans, batch_size=b)
        KeepingInTouchContact.objects.bulk_create(self.contacts, batch_size=b)
        BirthdayContact.objects.bulk_create(self.birthdays, batch_size=b)
        Involvement.objects.bulk_create(self.involvements, batch_size=b)
        rows = self.batch.write(batch_size=b)
        entries = chronology.record_events(
            [
                chronology.entry(person_id, kind, when, title, detail=detail or "", source=source, recorded_by=by)
                for person_id, kind, when, title, detail, source, by in self.entries
            ],
            batch_size=b,
        )
        for name, items in (
            ("care leavers", leavers),
            ("care leaver records", self.records),
            ("care leavers' periods of care", self.periods),
            ("care leavers' episodes", episodes),
            ("personal adviser allocations", self.advisers_rows),
            ("pathway plans and reviews", self.plans),
            ("keeping-in-touch contacts", self.contacts),
            ("birthday contacts", self.birthdays),
            ("pathway plan due dates", rows),
            ("care leaver chronology", entries),
        ):
            self.counts[name] += len(items)
