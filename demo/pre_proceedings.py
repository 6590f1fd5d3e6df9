"""The demo authority's pre-proceedings under the Public Law Outline (childprotection
PreProceedings, its meetings and decisions), written in bulk as the services
(childprotection/pre_proceedings/services.py) would have written them step by step, with their due
dates (kernel.Deadline) and chronology.

Called by demo.generator after demo.care (`PreProceedings(generator).run()` returns {what: how
many}); it reads back the child protection plans of the case work and the periods of care.
Its random stream is its own ("<seed>:pre-proceedings"), so the same seed, size and `today`
give the same pre-proceedings.

Who has pre-proceedings, and how they go. No national figures on pre-proceedings were found
(the DfE collects them from 2026/27, in the CIN census module this feeds), so every share
below is ASSUMED [U]:

- children who became looked after under an interim care order (legal status C1): care
  proceedings follow pre-proceedings for PLO_BEFORE_CARE of them when the referral was at
  least MIN_DAYS_BEFORE_CARE days before care began (the rest were urgent applications with
  no pre-proceedings); the decision to issue and the application come before the order, the
  letter to the parents that proceedings are issued the day of the application. The demo's
  history is one year of referrals and care starts within weeks of the referral (demo/care.py),
  so these pre-proceedings are compressed into those weeks (DERIVED, a limit of the one-year
  history; real ones last months);
- children on a child protection plan (open or ended): PLO_FROM_PLAN of them enter
  pre-proceedings some months into the plan; most step down, some issue, some are still in
  pre-proceedings today (a few extended);
- family group decision-making is offered in the letter before proceedings to FGDM_OFFERED
  (otherwise with the reasons, CWSA 2026 s1); the family accepts FGDM_RESPONSE, and an
  accepted offer is always held before any application (s31ZA);
- review meetings every 6 weeks or so; steps on time ON_TIME, late ones with a reason.
"""

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db.models import F

from childprotection.models import ChildProtectionPlan, PreProceedingsDecision, PreProceedingsMeeting
from childprotection.models import PreProceedings as Record
from childprotection.pre_proceedings.services import (
    APPLICATION_RULE,
    CHRONOLOGY_KIND,
    DECISION_RULE,
    EXTENDED_DECISION_RULE,
    INITIAL_MEETING_RULE,
    LETTER_RULE,
    REVIEW_RULE,
    ended_reason,
)
from childrenincare.models import LegalStatus
from chronology import services as chronology
from familyhelp.models import Allocation
from frontdoor.models import Referral
from kernel import deadlines
from partners.models import User

from .leaving_care import MIGRATED

LONDON = ZoneInfo("Europe/London")
DAY = dt.timedelta(days=1)
BATCH = 2000

PLO_BEFORE_CARE = 0.6  # ASSUMED [U]
MIN_DAYS_BEFORE_CARE = 7  # DERIVED: the one-year history leaves only weeks between referral and care
PLO_FROM_PLAN = 0.3  # ASSUMED [U]
PLAN_OUTCOME = {"step_down": 55, "issue": 20, "open": 25}  # ASSUMED [U]; "open" includes some extended
EXTENDED_SHARE = 0.3  # ASSUMED: of those still open past 16 weeks
FGDM_OFFERED = 0.85  # ASSUMED [U]
FGDM_RESPONSE = {"accepted": 60, "declined": 30, "no_response": 10}  # ASSUMED [U]
ON_TIME = 0.85  # ASSUMED
NOT_OFFERED = [
    "A family meeting would expose the mother to the father's abuse: not in the child's best interests",
    "The parents have no family network the child could safely be placed with or supported by, and a "
    "meeting now would delay the child's protection",
]
LATE = [
    "The parents' solicitor could not attend on the first date",
    "The meeting was moved for the parents' court hearing",
    "Waiting for the legal advice",
]
REASONS_START = [
    "Neglect continues despite the child protection plan",
    "Repeated domestic abuse incidents at home",
    "The parents have not engaged with the plan; the threshold may be met",
]
REASONS_DECISION = {
    "step_down": [
        "The parents have made and kept the changes agreed: step down to the child protection plan",
        "Family support keeps the child safe: step down",
    ],
    "issue": [
        "No sustained change for the child: apply for a care order",
        "The family plan could not keep the child safe: issue care proceedings",
    ],
    "extend": ["Extended to finish the parenting assessment", "Extended until after the birth"],
}


def weighted(rng, mapping):
    keys = list(mapping)
    return rng.choices(keys, [mapping[k] for k in keys])[0]


def at(rng, day):
    return dt.datetime(day.year, day.month, day.day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)), tzinfo=LONDON)


class PreProceedings:
    def __init__(self, generator):
        self.g = generator
        self.today = generator.today
        self.rng = random.Random(f"{generator.seed}:pre-proceedings")
        self.records, self.meetings, self.decisions, self.entries = [], [], [], []
        self.batch = deadlines.Batch()

    # --- reading --------------------------------------------------------------------------

    def read(self):
        episodes = {
            row["id"]: row
            for row in Referral.objects.order_by("id").values("id", "person_id", "referral_date", "closure_date")
        }
        holders = {}
        for row in Allocation.objects.order_by("start_date", "id").values("episode_id", "team_id", "worker_id"):
            holders[row["episode_id"]] = (row["team_id"], row["worker_id"])
        care = []  # (episode, care start) for periods that began on an interim care order
        for row in (
            LegalStatus.objects.filter(code="C1", start_date=F("period__start_date"))
            # Care that began before this system's records (a migrated referral, demo.care's
            # history) has no pre-proceedings recorded here.
            .exclude(period__episode__contact__decision_due_explanation=MIGRATED)
            .order_by("period_id")
            .values("period__episode_id", "period__start_date")
            .distinct()
        ):
            care.append((row["period__episode_id"], row["period__start_date"]))
        plans = list(ChildProtectionPlan.objects.order_by("id").values("episode_id", "start_date", "end_date"))
        return episodes, holders, care, plans

    # --- helpers --------------------------------------------------------------------------

    def due(self, slug, start):
        return self.batch.counted(slug, start)

    def on_time(self, slug, start, earliest, latest):
        """A day for the step the rule `slug` times from `start`: on time mostly, else late with a
        reason; never before `earliest` nor after `latest`."""
        counted, _ = self.due(slug, start)
        if self.rng.random() < ON_TIME:
            day = counted.due_date - dt.timedelta(days=self.rng.randint(0, 4))
        else:
            day = counted.due_date + dt.timedelta(days=self.rng.randint(1, 10))
        return min(max(day, earliest), latest)

    def deadline(self, record, slug, start, done=None, withdrawn=""):
        """A due date issued by kernel.deadlines' rules (a batch of them): met on `done` (late ones
        get a reason), or withdrawn, or open. Returns whether it was late."""
        row = self.batch.issue(slug, start, person=record.person_id, subject=record, episode=record.episode_id)
        row.record_ = record  # held by the record's team and worker when written
        if done is not None:
            late = deadlines.is_late(row, done)
            deadlines.mark_met(row, done, self.rng.choice(LATE) if late else "")
        elif withdrawn:
            deadlines.mark_withdrawn(row, withdrawn)
        return row.late

    def chron(self, record, day, title, detail=""):
        self.entries.append((record, at(self.rng, day), title, detail))

    # --- making ---------------------------------------------------------------------------

    def run(self):
        rng, today = self.rng, self.today
        episodes, holders, care, plans = self.read()
        staff = list(self.g.staff)
        managers = [u for u in staff if u.role == User.Role.TEAM_MANAGER] or staff
        workers = {u.pk: u for u in staff}
        taken = set()
        for episode_id, care_start in care:
            episode = episodes.get(episode_id)
            if episode is None or episode_id in taken or rng.random() >= PLO_BEFORE_CARE:
                continue
            start = episode["referral_date"] + dt.timedelta(days=rng.randint(0, 2))
            if (care_start - start).days < MIN_DAYS_BEFORE_CARE or care_start > today:
                continue
            taken.add(episode_id)
            self.make(
                episode, holders.get(episode_id), rng.choice(managers), workers, start, "issue", latest=care_start - DAY
            )
        for plan in plans:
            episode = episodes.get(plan["episode_id"])
            if episode is None or plan["episode_id"] in taken or rng.random() >= PLO_FROM_PLAN:
                continue
            start = plan["start_date"] + dt.timedelta(days=rng.randint(14, 60))
            ends = min(filter(None, [plan["end_date"], episode["closure_date"], today]))
            if start > ends - dt.timedelta(days=21):
                continue
            outcome = weighted(rng, PLAN_OUTCOME)
            if outcome != "open" and (ends - start).days < 50:
                outcome = "open" if ends == today else "step_down"
            if outcome == "open" and ends != today:
                outcome = "step_down"
            taken.add(plan["episode_id"])
            self.make(
                episode, holders.get(plan["episode_id"]), rng.choice(managers), workers, start, outcome, latest=ends
            )
        self.write()
        return {
            "pre-proceedings": len(self.records),
            "pre-proceedings meetings": len(self.meetings),
            "pre-proceedings decisions": len(self.decisions),
            "pre-proceedings due dates": len(self.batch.rows),
        }

    def make(self, episode, holder, manager, workers, start, outcome, latest):
        """One child's pre-proceedings from `start`, ending (or still open) by `latest`."""
        rng = self.rng
        team, worker_id = holder or (None, None)
        worker = workers.get(worker_id) or manager
        record = Record(
            person_id=episode["person_id"],
            episode_id=episode["id"],
            start_date=start,
            decided_by=manager,
            reasons=rng.choice(REASONS_START),
            recorded_by=worker,
        )
        record.team_, record.worker_ = team, worker_id
        self.records.append(record)
        self.chron(record, start, "Pre-proceedings started (Public Law Outline)", record.reasons)
        # The letter, with the offer of family group decision-making.
        letter = self.on_time(LETTER_RULE, start, start, latest)
        self.deadline(record, LETTER_RULE, start, letter)
        record.letter_sent_on = letter
        record.fgdm_offered = rng.random() < FGDM_OFFERED
        if record.fgdm_offered:
            record.fgdm_offered_to = "Mother and father"
        else:
            record.fgdm_reasons_not_offered = rng.choice(NOT_OFFERED)
        self.chron(record, letter, "Letter before proceedings sent")
        # The initial meeting and the reviews.
        decision_due = self.due(DECISION_RULE, start)[0].due_date
        initial = self.on_time(INITIAL_MEETING_RULE, letter, letter, latest)
        self.deadline(record, INITIAL_MEETING_RULE, letter, initial)
        held = [initial]
        self.meetings.append(
            PreProceedingsMeeting(
                pre_proceedings=record,
                kind="initial",
                held_on=initial,
                notes="The concerns and what must change, agreed with the parents and their lawyers",
                recorded_by=worker,
                parents_legally_represented=rng.random() < 0.8,
            )
        )
        self.chron(record, initial, "Initial pre-proceedings meeting")
        if record.fgdm_offered:
            record.fgdm_response = weighted(rng, FGDM_RESPONSE)
            if record.fgdm_response == "accepted":
                meeting = min(letter + dt.timedelta(days=rng.randint(10, 28)), latest)
                record.fgdm_meeting_on, record.fgdm_coordinator = meeting, "Family group conference service"
                record.fgdm_family_plan = "The grandparents to support the parents daily; family time agreed"
                record.fgdm_plan_response = "agreed" if rng.random() < 0.7 else "not_agreed"
                if record.fgdm_plan_response == "not_agreed":
                    record.fgdm_plan_response_reasons = "The plan relies on a relative the assessment ruled out"
                self.chron(record, meeting, "Family group decision-making meeting held", record.fgdm_family_plan)
        # The decision (or not yet).
        end = latest if outcome == "open" else min(latest, decision_due + dt.timedelta(days=rng.randint(-35, 10)))
        if outcome == "issue":
            end = min(latest - dt.timedelta(days=rng.randint(0, 6)), decision_due + dt.timedelta(days=10))
            end = min(latest, max(end, held[-1], record.fgdm_meeting_on or start))
        while True:
            last = held[-1]
            review = self.on_time(REVIEW_RULE, last, last + DAY, latest)
            if review >= end or review > self.today:
                break
            self.deadline(record, REVIEW_RULE, last, review)
            held.append(review)
            self.meetings.append(
                PreProceedingsMeeting(
                    pre_proceedings=record,
                    kind="review",
                    held_on=review,
                    notes="Progress against the plan reviewed",
                    recorded_by=worker,
                )
            )
            self.chron(record, review, "Pre-proceedings review meeting")
        if outcome == "open":
            self.deadline(record, REVIEW_RULE, held[-1])
            if end > decision_due and rng.random() < EXTENDED_SHARE:
                extended = max(decision_due - dt.timedelta(days=rng.randint(0, 7)), held[-1])
                self.decide(record, "extend", extended, manager, worker, DECISION_RULE, start)
                self.deadline(record, EXTENDED_DECISION_RULE, extended)
            else:
                self.deadline(record, DECISION_RULE, start)
            return
        decided = max(end, held[-1])
        self.deadline(record, REVIEW_RULE, held[-1], withdrawn=ended_reason(outcome))
        self.decide(record, outcome, decided, manager, worker, DECISION_RULE, start)
        record.concluded_on = decided
        if outcome == "issue":
            applied = max(decided, min(decided + dt.timedelta(days=rng.randint(0, 3)), latest))
            self.deadline(record, APPLICATION_RULE, decided, applied)
            record.court_application_date, record.order_sought = applied, "care"
            record.letter_of_issue_sent_on = applied
            self.chron(record, applied, "Application to court for a care order")
            self.chron(record, applied, "Letter to the parents: care proceedings issued")

    def decide(self, record, decision, day, manager, worker, rule, start):
        late = self.deadline(record, rule, start, day)
        reasons = self.rng.choice(REASONS_DECISION[decision])
        self.decisions.append(
            PreProceedingsDecision(
                pre_proceedings=record,
                decision=decision,
                decided_on=day,
                decided_by=manager,
                reasons=reasons,
                recorded_by=worker,
                late_reason=self.rng.choice(LATE) if late else "",
            )
        )
        record.decision, record.decision_date = decision, day
        self.chron(record, day, f"Pre-proceedings decision: {Record.Decision(decision).label.lower()}", reasons)

    # --- writing --------------------------------------------------------------------------

    def write(self):
        Record.objects.bulk_create(self.records, batch_size=BATCH)
        for item in self.meetings + self.decisions:
            item.pre_proceedings_id = item.pre_proceedings.pk
        PreProceedingsMeeting.objects.bulk_create(self.meetings, batch_size=BATCH)
        PreProceedingsDecision.objects.bulk_create(self.decisions, batch_size=BATCH)
        for row in self.batch.rows:
            row.team_id, row.worker_id = row.record_.team_, row.record_.worker_
        self.batch.write(batch_size=BATCH)
        chronology.record_events(
            [
                chronology.entry(
                    record.person_id,
                    CHRONOLOGY_KIND,
                    when,
                    title,
                    detail=detail or "",
                    source=record,
                    recorded_by=record.recorded_by,
                )
                for record, when, title, detail in self.entries
            ],
            batch_size=BATCH,
        )
