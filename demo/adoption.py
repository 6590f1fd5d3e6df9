"""The demo authority's adoption: the journey of each child demo.care gave a placement order
(E1), the children whose decision was reversed, and the agency's prospective adopters,
written in bulk as adoption.services would have written them step by step.

Called by demo.generator after demo.care (`Adoption(generator).run()` returns {what: how
many}); it reads the care records back. Its random stream is its own ("<seed>:adoption"), so
the same seed, size and `today` give the same journeys and adopters.

What it reads. demo.care ends 9% of ceased periods E11 or E12 (adopted: 2,980 of 33,620 in
2024, cla2024__la_children_who_ceased_during_the_year.csv, "Reason episode ceased: Adopted",
9%), each after a care order (C1) and a placement order (E1), with an A6 placement 20 to 60
days after the order; and gives a third of the children under 4 it keeps looked after on an
interim care order a placement order instead of a full care order (some placed for adoption
by now). Every child with E1 here has a decision that they should be placed for adoption
(903 rules 553, 554): made by the agency decision maker 10 to 50 days before the order (on
or after care began, 334 and 1003), the match 5 to 19 days before the placement for adoption
(331), the adopters approved before it. Those adopted have the adoption order on the day
care ended.

Published figures used (England, /work/shared/data/dfe-published, OGL):

- cla2024__national_cla_on_31_march_by_characteristics.csv, 2024: 4,690 children on a
  placement order on 31 March; in fostering for adoption or concurrent planning placements
  460 (U2 and U5, with relatives 40, with other carers 420): about one in ten of the children
  with a placement order (DERIVED), so one in ten of the placed children here moved to their
  adopters first as a fostering for adoption placement (U5), and so were placed for adoption
  with their current foster carers (A5, FOSTER_CARE 1; RNE T, rule 217).

ASSUMED (no published figure found): a decision reversed for 15% of the children under 6 on a
full care order (C2), with the reasons RD1 40%, RD3 30%, RD4 15%, RD2 15% (RD2 "the court did
not make a placement order" dated when the care order was made); matched but not yet placed
45% of the children on a placement order with no A placement; prospective adopters: couples
85% (a man and a woman 85%, two women 10%, two men 5%), married 70%, unmarried 20%, civil
partners 10%; ethnicity mostly WBRI; disability "no" 90%. Households besides those matched:
approved and waiting a quarter of the matched, in stage 1 or 2 as many, and a tenth left the
process (withdrew, on hold, refused). Stages take 6 to 10 weeks (stage 1) and 3 to 5 months
(stage 2), a few late with the reason.

Adoptions in the year. demo.care's periods of care all start in the demo's one year, so few
of its children reach an adoption order; most adopted children came into care one to three
years before. So this module first makes ADOPTED_PER_10K historic journeys (at least
MIN_HISTORIC): a child of the generator's own, aged 2 to 7 now, with no referral or care of
their own, looked after 1 to 3 years before the demo's year on section 20 (V2) in foster care
(U4), an interim care order (C1) 10 to 40 days later, the placement order (E1) 110 to 190 days
after that, placed for adoption (A6) and adopted (E11 or E12, as demo.care's shares) 100 to
300 days after the placement, inside the collection year the demo's year begins in (so never
looked after on its 31 March). The rest of the journey (decision, match, adopters, due dates)
is what this module gives every child with E1. The child's historic referral hangs on a
contact marked demo.leaving_care.MIGRATED (records from before this system's), closed on the
day of the adoption order (RC1, adopted). Published figure: 2,980 children adopted in 2024 (cla2024,
above) of 12,183,016 children aged 0 to 17 in England in mid-2024
(cin2025__ons_mid-year_population_estimates_2012_to_2024.csv): 2.4 per 10,000 children a year.
At least MIN_HISTORIC so that a small demo shows the SSDA903 AD1 and PlacedAdoption [U].

Adopters are synthetic, named from the generator's name pools (staff_name).
"""

import datetime as dt
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from adoption import services as adoption_services
from adoption.models import Adopter, AdopterHousehold, AdoptionDecision
from childrenincare import services as care
from childrenincare.models import Carer, LegalStatus, PeriodOfCare, Placement
from chronology import services as chronology
from kernel import deadlines, timescales
from kernel.models import Deadline

LONDON = ZoneInfo("Europe/London")
DAY = dt.timedelta(days=1)
BATCH = 2000
PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")
FFA_SHARE = 460 / 4690  # cla2024 31 March: FFA or concurrent planning placements / placement orders
REVERSED_SHARE = 0.15  # ASSUMED
REVERSED_REASONS = {"RD1": 40, "RD3": 30, "RD4": 15, "RD2": 15}  # ASSUMED
MATCHED_NOT_PLACED = 0.45  # ASSUMED
SEX_MIX = {"MF": 85, "FF": 10, "MM": 5}  # ASSUMED, couples
RELATIONSHIP_MIX = {"married": 70, "unmarried": 20, "civil_partners": 10}  # ASSUMED, couples
ETHNICITY_MIX = {"WBRI": 80, "WIRI": 2, "WOTH": 4, "MWBC": 3, "AIND": 3, "APKN": 3, "BCRB": 2, "BAFR": 2, "OOTH": 1}
AGENCY_URN = "SC999201"  # the authority's adoption agency (demo.care's adopters' carers carry it)
LEFT_REASONS = {"withdrew": 60, "on_hold": 25, "refused": 15}  # ASSUMED
ADOPTED_PER_10K = 2980 / 12183016 * 10000  # cla2024 adopted / ONS mid-2024 children: 2.4
MIN_HISTORIC = 5  # ASSUMED: enough for the demo to show AD1 and PlacedAdoption
ADOPTED_REASON = {"E11": 1790, "E12": 1190}  # demo.care's split (cla2024 adopted, ASSUMED split)
STAGE_LATE = [
    "Waiting for the adopters' medical reports",
    "The references took longer than expected",
    "The adopters asked to pause for a family bereavement",
]


def weighted(rng, mapping):
    keys = list(mapping)
    return rng.choices(keys, [mapping[k] for k in keys])[0]


def age_on(dob, day):
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def at(rng, day):
    return dt.datetime(day.year, day.month, day.day, rng.randint(9, 16), rng.choice((0, 15, 30, 45)), tzinfo=LONDON)


class Adoption:
    def __init__(self, generator):
        self.g = generator
        self.today = generator.today
        self.rng = random.Random(f"{generator.seed}:adoption")
        self.households, self.adopters, self.decisions = [], [], []
        self.entries, self.changed_periods = [], set()
        self.batch = deadlines.Batch()
        self.number = 0

    # --- reading what demo.care made ---------------------------------------------------------

    def read(self):
        periods = {p.pk: p for p in PeriodOfCare.objects.select_related("person").order_by("id")}
        statuses, placements = defaultdict(list), defaultdict(list)
        for status in LegalStatus.objects.order_by("period_id", "start_date", "id"):
            statuses[status.period_id].append(status)
        for placement in Placement.objects.select_related("carer").order_by("period_id", "start_date", "id"):
            placements[placement.period_id].append(placement)
        return periods, statuses, placements

    def holder(self, period):
        """The team and worker holding the child's case (the open due dates follow them)."""
        found = Deadline.objects.filter(episode_id=period.episode_id).exclude(team__isnull=True).order_by("-id").first()
        return (found.team_id, found.worker_id) if found else (None, None)

    # --- the adopters ------------------------------------------------------------------------

    def household(self, *, approved_on=None, carer=None, ffa_on=None, stage=None, left=None, family=None):
        """A household with its journey up to approval on `approved_on` (or only to `stage`)."""
        rng, g = self.rng, self.g
        self.number += 1
        couple = rng.random() < 0.85
        sexes = weighted(rng, SEX_MIX) if couple else rng.choice(["F1", "F1", "F1", "M1"])
        relationship = weighted(rng, RELATIONSHIP_MIX) if couple else "single"
        if relationship == "civil_partners" and sexes == "MF" and rng.random() < 0.5:
            relationship = "married"
        people = []
        for sex in (sexes[:1], sexes[1:2]) if couple else (sexes[:1],):
            first, last = g.staff_name(rng, 1.0 if sex == "F" else 0.0)
            family = family or last
            people.append((sex, first, last if rng.random() < 0.3 else family))
        end = approved_on or (self.today - dt.timedelta(days=rng.randint(10, 120)))
        if approved_on:
            stage_2_end = approved_on - dt.timedelta(days=rng.randint(21, 60))
        else:
            stage_2_end = end
        stage_2_start = stage_2_end - dt.timedelta(days=rng.randint(90, 150))
        application = stage_2_start - dt.timedelta(days=rng.randint(1, 10))
        stage_1_end = application - dt.timedelta(days=rng.randint(0, 5))
        stage_1_start = stage_1_end - dt.timedelta(days=rng.randint(42, 70))
        enquiry = stage_1_start - dt.timedelta(days=rng.randint(7, 40))
        made = AdopterHousehold(
            reference=f"AF{self.number:04d}",
            name=f"The {family} household",
            relationship=relationship,
            postcode=carer.postcode if carer else g.postcode(rng.randrange(20000, 40000), rng.randrange(5)),
            provider="PR1",
            agency_urn=AGENCY_URN,
            enquiry_on=enquiry,
            carer=carer,
        )
        steps = [
            ("stage_1_started_on", stage_1_start),
            ("stage_1_ended_on", stage_1_end),
            ("application_on", application),
            ("stage_2_started_on", stage_2_start),
            ("stage_2_ended_on", stage_2_end),
            ("approved_on", approved_on),
        ]
        if stage is not None:
            steps = steps[:stage]
        for field, day in steps:
            if day is not None and day <= self.today:
                setattr(made, field, day)
        if made.stage_1_started_on:
            made.stage_1_due_on = timescales.due(adoption_services.STAGE_1, made.stage_1_started_on).due_date
        if made.stage_2_started_on:
            made.stage_2_due_on = timescales.due(adoption_services.STAGE_2, made.stage_2_started_on).due_date
        late = []
        if made.stage_1_ended_on and made.stage_1_due_on and made.stage_1_ended_on > made.stage_1_due_on:
            late.append("Date stage 1 ended: " + rng.choice(STAGE_LATE))
        if made.stage_2_ended_on and made.stage_2_due_on and made.stage_2_ended_on > made.stage_2_due_on:
            late.append("Date stage 2 ended: " + rng.choice(STAGE_LATE))
        made.late_reasons = "\n".join(late)
        made.ffa_approved_on = ffa_on
        if left is not None:
            made.left_on, made.left_reason = left
        self.households.append(made)
        for number, (sex, first, last) in enumerate(people, 1):
            self.adopters.append(
                Adopter(
                    household=made,
                    number=number,
                    given_names=first,
                    family_name=last,
                    sex=sex,
                    ethnicity=weighted(rng, ETHNICITY_MIX),
                    disability="no" if rng.random() < 0.9 else rng.choice(["yes", "unknown"]),
                    date_of_birth=enquiry - dt.timedelta(days=rng.randint(27 * 365, 50 * 365)),
                )
            )
        return made

    def carer_for(self, household, postcode=None):
        carer = Carer(
            kind=Carer.Kind.ADOPTER,
            name=f"{household.reference} (prospective adopters)",
            provider="PR1",
            urn=AGENCY_URN,
            postcode=postcode or household.postcode,
            approval=Carer.Approval.APPROVED,
            approved_on=household.approved_on,
        )
        carer.save()
        household.carer = carer
        return carer

    # --- the children ------------------------------------------------------------------------

    def run(self):
        rng, today = self.rng, self.today
        historic = self.historic()
        periods, statuses, placements = self.read()
        # Family identifiers continue after any already issued (they are never reused).
        self.number = int(adoption_services.next_reference()[2:]) - 1
        counts = defaultdict(int)
        for period_id, period in periods.items():
            legal = statuses.get(period_id, [])
            e1 = next((s for s in legal if s.code == "E1"), None)
            placed = placements.get(period_id, [])
            if e1 is not None:
                self.with_placement_order(period, legal, placed, e1, counts)
            elif (
                period.end_date is None
                and period.person.date_of_birth
                and age_on(period.person.date_of_birth, today) < 6
                and any(s.code == "C2" for s in legal)
                and rng.random() < REVERSED_SHARE
            ):
                self.reversed(period, legal, counts)
        self.spare_households(counts)
        self.write()
        for period_id in sorted(self.changed_periods):
            care.derive_episodes(periods[period_id])
        counts["children adopted after care that began before the demo's year"] = historic
        counts["adopter households"] = len(self.households)
        counts["prospective adopters"] = len(self.adopters)
        counts["adoption due dates"] = len(self.batch.rows)
        return dict(counts)

    def historic(self):
        """Adoption journeys that began 1 to 3 years before the demo's year and end with an
        adoption order in its collection year (see the docstring). Returns how many."""
        from demo.leaving_care import MIGRATED  # noqa: PLC0415
        from frontdoor.models import Contact, ContactPerson, Referral  # noqa: PLC0415
        from kernel.models import TimescaleRule  # noqa: PLC0415
        from people.models import Person, PersonAddress  # noqa: PLC0415
        from returns.collection import collection_period, year_in_progress  # noqa: PLC0415

        g, rng, today = self.g, random.Random(f"{self.g.seed}:adoption:historic"), self.today
        if not getattr(g, "children", 0):
            return 0  # no generated children to draw from (adoption/tests/test_demo.py's own records)
        first_day = today - dt.timedelta(days=366)
        year_start, year_end = collection_period(year_in_progress(first_day))
        last_order = min(today - 10 * DAY, year_end)
        first_order = max(first_day, year_start) + 10 * DAY
        rules_from = max(
            (
                TimescaleRule.objects.filter(slug=slug)
                .order_by("valid_from")
                .values_list("valid_from", flat=True)
                .first()
                or today
            )
            for slug in (
                adoption_services.ENTRY_TO_PLACEMENT,
                adoption_services.ORDER_TO_MATCH,
                "adopter-stage-1",
                "adopter-stage-2",
            )
        )
        if last_order <= first_order:
            return 0
        wanted = max(MIN_HISTORIC, round(g.children * ADOPTED_PER_10K / 10000))
        candidates = list(
            Person.objects.filter(
                kind=Person.Kind.CHILD,
                referrals__isnull=True,
                periods_of_care__isnull=True,
                date_of_birth__range=(today - dt.timedelta(days=7 * 365), today - dt.timedelta(days=2 * 365)),
            )
            .order_by("id")
            .values_list("pk", "date_of_birth")
        )
        rng.shuffle(candidates)
        homes = {}
        for row in (
            PersonAddress.objects.filter(
                person_id__in=[pk for pk, _ in candidates[: wanted * 20]], kind=PersonAddress.Kind.HOME
            )
            .order_by("moved_in", "id")
            .values("person_id", "address__postcode")
        ):
            homes[row["person_id"]] = row["address__postcode"]
        staff = {u.username: u for u in g.staff}
        worker = staff.get("social.worker") or g.members["children in care"][0][1][0]
        iro = staff.get("iro") or g.members["IRO"][0][1][0]
        made = 0
        for person_id, dob in candidates[: wanted * 20]:
            if made >= wanted:
                break
            if not homes.get(person_id):
                continue  # the 903 wants the home postcode (rules 392a, 392b)
            # The adopters' assessment begins up to about 535 days before care does (household(),
            # from a fostering for adoption placement at the start of care), and on or after the
            # first day of the adopters' timescale rules.
            earliest = max(dob + 60 * DAY, first_day - dt.timedelta(days=3 * 365), rules_from + 560 * DAY)
            latest = first_day - dt.timedelta(days=365)
            if earliest > latest:
                continue
            start = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
            c1 = start + dt.timedelta(days=rng.randint(10, 40))
            e1 = c1 + dt.timedelta(days=rng.randint(110, 190))
            order_on = first_order + dt.timedelta(days=rng.randint(0, (last_order - first_order).days))
            placed = max(
                e1 + dt.timedelta(days=rng.randint(20, 60)), order_on - dt.timedelta(days=rng.randint(100, 300))
            )
            if (order_on - placed).days < 70:
                continue
            received = at(rng, start - dt.timedelta(days=rng.randint(5, 30)))
            contact = Contact.objects.create(
                received_at=received,
                channel=Contact.Channel.PHONE,
                source=rng.choice(["6", "3F", "2A"]),
                concerns="Historic referral, migrated from the previous system.",
                consent=Contact.Consent.NOT_NEEDED,
                status=Contact.Status.DECIDED,
                decision_due_date=received.date() + DAY,
                decision_due_at=received + DAY,
                decision_due_explanation=MIGRATED,
                recorded_by=worker,
            )
            ContactPerson.objects.create(
                contact=contact, person_id=person_id, role="subject", matched_by=ContactPerson.Match.CHOSEN
            )
            referral = Referral.objects.create(
                person_id=person_id,
                contact=contact,
                referral_date=received.date(),
                source=contact.source,
                primary_need="N1",
                closure_date=order_on,
                closure_reason="RC1",
            )
            reason = weighted(rng, ADOPTED_REASON)
            period = PeriodOfCare.objects.create(
                person_id=person_id,
                episode=referral,
                start_date=start,
                category_of_need="N1",
                home_postcode=homes[person_id],
                previous_permanence="Z1",
                end_date=order_on,
                end_reason=reason,
                created_by=worker,
                iro=iro,
                iro_appointed_on=start + 5 * DAY,
            )
            for code, begin, end in (("V2", start, c1), ("C1", c1, e1), ("E1", e1, order_on)):
                LegalStatus.objects.create(period=period, code=code, start_date=begin, end_date=end, recorded_by=worker)
            Placement.objects.create(
                period=period,
                place="U4",
                provider="PR1",
                urn="SC999001",
                start_date=start,
                end_date=placed,
                change_reason="CARPL",
                recorded_by=worker,
                postcode=g.postcode(rng.randrange(20000, 40000), rng.randrange(5)),
            )
            adopters = Carer.objects.create(
                kind=Carer.Kind.ADOPTER,
                name=f"{g.staff_name(rng)[1]} family (prospective adopters)",
                provider="PR1",
                urn=AGENCY_URN,
                postcode=g.postcode(rng.randrange(20000, 40000), rng.randrange(5)),
                approval=Carer.Approval.APPROVED,
            )
            Placement.objects.create(
                period=period,
                place="A6",
                provider="PR1",
                urn=AGENCY_URN,
                carer=adopters,
                postcode=adopters.postcode,
                start_date=placed,
                end_date=order_on,
                recorded_by=worker,
            )
            care.derive_episodes(period)
            for kind, day, title in (
                ("looked-after", start, "Became looked after"),
                ("care-ceased", order_on, f"Ceased to be looked after ({reason})"),
            ):
                chronology.record_event(person_id, kind, at(rng, day), title, source=period, recorded_by=worker)
            made += 1
        return made

    def decision(self, period, decided_on, **fields):
        rng = self.rng
        made = AdoptionDecision(
            person_id=period.person_id,
            period=period,
            decided_on=decided_on,
            panel_recommended_on=decided_on - dt.timedelta(days=rng.randint(3, 14)),
            decision_maker="Agency decision maker, Northmoor adoption service",
            created_by=self.g.staff[0],
            **fields,
        )
        made.period_ = period
        self.decisions.append(made)
        self.chron(
            period, "adoption-decision", decided_on, "Decision that the child should be placed for adoption", made
        )
        return made

    def with_placement_order(self, period, legal, placed, e1, counts):
        rng, today = self.rng, self.today
        earliest = period.start_date + DAY
        decided = max(earliest, e1.start_date - dt.timedelta(days=rng.randint(10, 50)))
        adoption = next((p for p in placed if p.place in PLACED_FOR_ADOPTION), None)
        decision = self.decision(
            period, decided, authority=AdoptionDecision.Authority.PLACEMENT_ORDER, placement_order_on=e1.start_date
        )
        self.chron(period, "adoption-authority", e1.start_date, "Placement order made", decision)
        if adoption is not None:
            gap = (adoption.start_date - e1.start_date).days
            matched = adoption.start_date - dt.timedelta(days=rng.randint(5, max(5, min(19, gap - 1))))
            matched = max(matched, e1.start_date + DAY)
            before = [p for p in placed if p.start_date < adoption.start_date]
            ffa = (
                before
                and before[-1].place in ("U4", "U6")
                and rng.random() < FFA_SHARE / 0.5
                and before[-1].start_date > period.start_date - DAY
            )
            carer = adoption.carer
            approved = min(matched, before[-1].start_date if ffa else matched) - dt.timedelta(days=rng.randint(30, 240))
            surname = carer.name.split(" family")[0] if carer and " family" in carer.name else None
            household = self.household(
                approved_on=approved, carer=carer, ffa_on=approved if ffa else None, family=surname
            )
            if ffa:
                foster = before[-1]
                Placement.objects.filter(pk=foster.pk).update(
                    place="U5",
                    carer=carer,
                    provider=carer.provider,
                    urn=carer.urn,
                    postcode=carer.postcode,
                    intended_until_18=False,
                )
                Placement.objects.filter(pk=adoption.pk).update(place="A5")
                self.changed_periods.add(period.pk)
                decision.early_placement = AdoptionDecision.EarlyPlacement.FFA
                decision.early_placement_on = foster.start_date
                decision.early_placement_record = foster
                counts["fostering for adoption placements"] += 1
            decision.household, decision.matched_on = household, matched
            decision.match_recommended_on = matched - dt.timedelta(days=rng.randint(1, 4))
            decision.placed_on, decision.placement = adoption.start_date, adoption
            self.chron(period, "adoption-match", matched, "Matched with prospective adopters", decision)
            self.chron(
                period,
                "adoption-placement",
                adoption.start_date,
                f"Placed for adoption ({'A5' if ffa else adoption.place})",
                decision,
            )
            if period.end_reason in ("E11", "E12"):
                decision.adoption_order_on, decision.adoption_order_reason = period.end_date, period.end_reason
                self.chron(period, "adoption-order", period.end_date, "Adoption order", decision)
                counts["children adopted"] += 1
            else:
                counts["children placed for adoption"] += 1
        elif period.end_date is None and rng.random() < MATCHED_NOT_PLACED and (today - e1.start_date).days > 20:
            matched = e1.start_date + dt.timedelta(days=rng.randint(10, max(10, (today - e1.start_date).days - 3)))
            household = self.household(approved_on=matched - dt.timedelta(days=rng.randint(20, 200)))
            self.carer_for(household)
            decision.household, decision.matched_on = household, matched
            decision.match_recommended_on = matched - dt.timedelta(days=rng.randint(1, 4))
            self.chron(period, "adoption-match", matched, "Matched with prospective adopters", decision)
            counts["children matched, not yet placed"] += 1
        else:
            counts["children waiting to be matched"] += 1
        self.due(period, decision)

    def reversed(self, period, legal, counts):
        """A decision that the child should be placed for adoption, reversed (RD1 to RD4)."""
        rng, today = self.rng, self.today
        c2 = next(s for s in legal if s.code == "C2")
        reason = weighted(rng, REVERSED_REASONS)
        decided = max(period.start_date + DAY, c2.start_date - dt.timedelta(days=rng.randint(20, 60)))
        if reason == "RD2":
            ceased = c2.start_date  # the court made a care order, not a placement order
        else:
            ceased = c2.start_date + dt.timedelta(days=rng.randint(20, 200))
        ceased = min(ceased, today - DAY)
        if ceased < decided:
            return
        decision = self.decision(
            period,
            decided,
            ceased_on=ceased,
            ceased_reason=reason,
            ceased_detail="Recorded at the looked-after review.",
        )
        self.chron(
            period,
            "adoption-decision-reversed",
            ceased,
            "Decision that the child should no longer be placed for adoption",
            decision,
        )
        self.due(period, decision)
        counts["adoption decisions reversed"] += 1

    def spare_households(self, counts):
        """Prospective adopters not matched: approved and waiting, in the stages, or left."""
        rng, today = self.rng, self.today
        matched = len(self.households)
        for _ in range(max(2, matched // 4)):
            approved = today - dt.timedelta(days=rng.randint(10, 300))
            household = self.household(approved_on=approved, ffa_on=approved if rng.random() < 0.3 else None)
            self.carer_for(household)
        for _ in range(max(2, matched // 4)):
            self.household(stage=rng.choice([1, 2, 3, 4]))
        for _ in range(max(1, matched // 10)):
            reason = weighted(rng, LEFT_REASONS)
            household = self.household(stage=2 if reason == "refused" else rng.choice([1, 2, 4]))
            last = max(
                d
                for d in (
                    household.stage_1_started_on,
                    household.stage_1_ended_on,
                    household.stage_2_started_on,
                    household.enquiry_on,
                )
                if d
            )
            household.left_on = min(today - DAY, last + dt.timedelta(days=rng.randint(5, 60)))
            household.left_reason = reason
        counts["adopter households left the process"] = sum(1 for h in self.households if h.left_on)

    # --- due dates and the chronology ----------------------------------------------------------

    def due(self, period, decision):
        team, worker = self.holder(period)
        ended = decision.adoption_order_on or decision.ceased_on
        for slug, start, done in (
            (adoption_services.ENTRY_TO_PLACEMENT, period.start_date, decision.placed_on),
            (adoption_services.ORDER_TO_MATCH, decision.placement_order_on, decision.matched_on),
        ):
            if start is None:
                continue
            row = self.batch.issue(
                slug,
                start,
                person=period.person_id,
                subject=decision,
                episode=period.episode_id,
                team=team,
                worker=worker,
            )
            if done:
                late = deadlines.is_late(row, done)
                deadlines.mark_met(
                    row, done, "The child's needs called for a careful search for adopters" if late else ""
                )
            elif ended:
                deadlines.mark_withdrawn(
                    row,
                    adoption_services.ADOPTED_REASON
                    if decision.adoption_order_on
                    else adoption_services.NO_LONGER_PLACED_REASON,
                )

    def chron(self, period, kind, day, title, decision):
        self.entries.append((period.person_id, kind, at(self.rng, day), title, decision))

    def write(self):
        AdopterHousehold.objects.bulk_create(self.households, batch_size=BATCH)
        Adopter.objects.bulk_create(self.adopters, batch_size=BATCH)
        for decision in self.decisions:
            decision.household = decision.household  # the saved household's id
        AdoptionDecision.objects.bulk_create(self.decisions, batch_size=BATCH)
        self.batch.write(batch_size=BATCH)
        user = self.g.staff[0]
        chronology.record_events(
            [
                chronology.entry(person, kind, when, title, source=decision, recorded_by=user)
                for person, kind, when, title, decision in self.entries
            ],
            batch_size=BATCH,
        )
