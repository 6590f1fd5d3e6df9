"""The demo authority's education records (issue 22). Called by demo.generator after the
case work, care, leaving care, early help, adoption and pre-proceedings modules:
`Education(generator).run()` returns {what: how many}. Its random stream is its own
("<seed>:education"), so the same seed, size and `today` give the same records.

Everything is made through education.services, so the demo keeps the services' rules:

- The authority's school list (load_school_list): the generator's school agencies (their
  synthetic URNs, demo.generator.school_urn), primary or secondary, maintained by the
  authority or not by the kind of school the name says (community, church and "High" schools
  are maintained; academies and free schools are not), and special schools made here as school
  agencies too: one for every 30 schools, at least two, the first an independent special
  school, the rest maintained by the authority (all-through).
- School registrations (record_school_registrations, the batch service, source "the school's
  own records"): every child of compulsory school age today with a current "pupil"
  involvement, from the start of the school year they joined (the involvement's start). A
  secondary pupil has a closed registration at the primary school they started Reception at
  (to the day before Year 7). About 4% of pupils changed school in-year [U] (an earlier
  registration at another school of the same phase, the involvement then starts on the move);
  about 1.5% moved to a special school under arrangements made by the authority (s434A
  condition A; DfE Special educational needs in England: about 2% of pupils are in special
  schools [U: rounded]).
- Home education: about 0.8% of children of compulsory school age [U: DfE Elective home
  education statistics put children in EHE at around 1% of the school population; 0.5 to 1%
  at any time] left their school's roll (the registration ends; the pupil involvement too).
  Children with a child protection plan, a section 47 enquiry or a period of care are never
  chosen, so no relevant child left without consent. While the children not in school
  register is in force (education.commencement, CNIS_COMMENCEMENT), each comes onto it through
  add_to_register: the day after leaving, or, for those who left before the register began, on
  the commencement day ("the authority's own enquiries"), with the parents, the address, the
  provider (parents, or a tutor or online school for about 15%) and the hours (10 to 25).
- Consent to home educate (s434A, while S434A_COMMENCEMENT is in force): a parent of a child on
  a child protection plan asks for consent (receive_consent_request: a relevant child, the
  social worker and the school told); the school's, the social worker's and the child's views
  and a visit are gathered; the best-interests analysis; consent REFUSED by the head of service
  with reasons and the day the parent may ask again (record_consent_decision). A second such
  request, if there is a second child, waits for a decision (the school's view gathered).
- The education team ("Education", education.officer, made by the generator) is involved with
  every child on the register and every child with a request (Involvement kinds below), so the
  education welfare officer sees them.

When a duty is not in force on the days the demo would use, that part is skipped (counted as
nothing made). scripts/serve-demo.sh sets both commencement days for the demo [U].
"""

import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from childprotection.models import ChildProtectionPlan, Section47Enquiry
from childrenincare.models import PeriodOfCare
from chronology.models import ChronologyEntry
from education import commencement, services
from education.models import ConsentInformation, ConsentRequest, RegisterEntry, School
from education.rules import compulsory_school_age_starts, of_compulsory_school_age
from partners.models import Agency
from people.models import Involvement, Person, PersonAddress, Relationship

from .generator import school_urn

DAY = dt.timedelta(days=1)
BATCH = 2000
MOVED_IN_YEAR = 0.04  # [U]
SPECIAL = 0.015  # [U]
HOME_EDUCATED = 0.008  # [U]
OTHER_PROVIDER = 0.15  # [U]
REGISTER_INVOLVEMENT = "Education: children not in school register"
CONSENT_INVOLVEMENT = "Education: consent to home educate"
PROVIDERS = ["Moorside Tutors (a tutor at home)", "Northmoor Online School", "Eastdale Learning Hub (part-time)"]


def between(rng, start, end):
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def maintained(name):
    """Whether the school's name says it is maintained by the authority (a community, church or
    'High' school), not an academy or a free school."""
    return "Academy" not in name and not (name.endswith(" School") and len(name.split()) == 2)


class Education:
    def __init__(self, generator):
        self.g = generator
        self.today = generator.today
        self.rng = random.Random(f"{generator.seed}:education")
        self.counts = defaultdict(int)

    def run(self):
        g = self.g
        staff = {u.username: u for u in g.staff}
        self.officer = staff["education.officer"]
        self.team = g.members["education"][0][0]
        self.decider = staff.get("head.of.service")
        self.involvements = []
        started = time.monotonic()

        def done(step):
            g.log(f"  education: {step} ({time.monotonic() - started:.1f} s)")

        self.school_list()
        if not g.children:
            return dict(self.counts)
        current, leavers = self.registrations()
        done("school registrations")
        self.register(leavers)
        done("children not in school register")
        self.consent(current, leavers)
        Involvement.objects.bulk_create(self.involvements, batch_size=BATCH)
        done("consent and involvements")
        self.missing_education(current, leavers)
        done("children missing education")
        self.counts["education team involvements"] += len(self.involvements)
        return dict(self.counts)

    # --- The school list -------------------------------------------------------------------

    def school_list(self):
        g = self.g
        mainstream = g.all_secondaries + g.all_primaries
        count = max(2, round(len(mainstream) / 30))
        towns = g.localities
        specials = []
        for k in range(count):
            name = (
                "Moorfield House School (independent special school)"
                if k == 0
                else f"{towns[k % len(towns)]} Special School" + (f" {k // len(towns) + 1}" if k >= len(towns) else "")
            )
            specials.append(Agency(name=name, kind=Agency.Kind.SCHOOL, urn=school_urn(len(mainstream) + k)))
        Agency.objects.bulk_create(specials)
        self.specials = specials
        self.secondary_ids = {s.pk for s in g.all_secondaries}
        self.primary_ids = [s.pk for s in g.all_primaries]
        self.by_id = {s.pk: s for s in mainstream + specials}
        rows = [
            {
                "urn": s.urn,
                "name": s.name,
                "phase": School.Phase.SECONDARY if s.pk in self.secondary_ids else School.Phase.PRIMARY,
                "maintained_by_authority": maintained(s.name),
            }
            for s in mainstream
        ] + [
            {
                "urn": s.urn,
                "name": s.name,
                "phase": School.Phase.ALL_THROUGH,
                "special": True,
                "maintained_by_authority": k > 0,
            }
            for k, s in enumerate(specials)
        ]
        self.counts["schools on the list"] += services.load_school_list(rows)

    # --- Pupils' school histories ------------------------------------------------------------

    def registrations(self):
        """Registrations of every pupil of compulsory school age, and home education: returns
        ({person id: (current registration's row, date of birth)} of the pupils at a mainstream
        school, [(person id, date of birth, day they left)] of those who left for home education)."""
        rng, today = self.rng, self.today
        pupils = list(
            Involvement.objects.filter(kind="pupil", agency__kind=Agency.Kind.SCHOOL, end_date__isnull=True)
            .order_by("person_id", "pk")
            .values_list("pk", "person_id", "agency_id", "start_date", "person__date_of_birth")
        )
        reception = dict(
            ChronologyEntry.objects.filter(kind="education-event", title__startswith="Started in Reception at ")
            .order_by("person_id", "occurred_at")
            .values_list("person_id", "agency_id")
        )
        # Children known to children's social care at this level are never made to leave for home
        # education: no relevant child leaves without the authority's consent.
        known = set()
        for model in (ChildProtectionPlan, Section47Enquiry, PeriodOfCare):
            known.update(model.objects.order_by().values_list("person_id", flat=True).distinct())
        secondaries = sorted(self.secondary_ids)
        rows, moved, ended, current, leavers, seen = [], [], [], {}, [], set()
        for involvement_id, person_id, agency_id, start, born in pupils:
            if person_id in seen or agency_id not in self.by_id or not of_compulsory_school_age(born, today):
                continue
            seen.add(person_id)
            urn = self.by_id[agency_id].urn
            secondary = agency_id in self.secondary_ids
            primary = reception.get(person_id)
            if secondary and primary in self.by_id and start.month == 9:
                began = dt.date(start.year - 7, 9, 1)
                rows.append(
                    services.RegistrationRow(person_id, self.by_id[primary].urn, began, start - DAY, source="school")
                )
            roll = rng.random()
            joined = start
            if roll < MOVED_IN_YEAR + SPECIAL and start < today - 400 * DAY:
                move = between(rng, start + 120 * DAY, today - 30 * DAY)
                new_agency = None
                if roll < SPECIAL:
                    special = self.specials[0] if rng.random() < 0.2 else rng.choice(self.specials[1:] or self.specials)
                    new_agency, arranged = special.pk, True
                else:
                    others = [s for s in (secondaries if secondary else self.primary_ids) if s != agency_id]
                    if others:
                        # In-year moves: the earlier school is another of the same phase.
                        new_agency, arranged = agency_id, False
                        agency_id = rng.choice(others)
                        urn = self.by_id[agency_id].urn
                if new_agency is not None:
                    rows.append(services.RegistrationRow(person_id, urn, start, move - DAY, source="school"))
                    urn, joined = self.by_id[new_agency].urn, move
                    moved.append((involvement_id, new_agency, move))
                    self.counts["pupils who changed school"] += 1
                    if arranged:
                        self.counts["pupils at a special school (authority arrangements)"] += 1
                        rows.append(services.RegistrationRow(person_id, urn, joined, None, True, "school"))
                        continue
            left = None
            if person_id not in known and rng.random() < HOME_EDUCATED:
                earliest = max(joined + 60 * DAY, compulsory_school_age_starts(born), today - 3 * 365 * DAY)
                if earliest <= today - 14 * DAY:
                    left = between(rng, earliest, today - 14 * DAY)
                    leavers.append((person_id, born, left))
                    ended.append((involvement_id, left))
            row = services.RegistrationRow(person_id, urn, joined, left, source="school")
            rows.append(row)
            if left is None:
                current[person_id] = (row, born)
        made = services.record_school_registrations(self.officer, rows, batch_size=BATCH)
        self.counts["school registrations"] += len(made)
        self.counts["children who left school for home education"] += len(leavers)
        # The generator's pupil involvements follow the school history.
        changed = Involvement.objects.in_bulk([pk for pk, _, _ in moved] + [pk for pk, _ in ended])
        for pk, agency_id, day in moved:
            changed[pk].agency_id, changed[pk].start_date = agency_id, day
        for pk, day in ended:
            changed[pk].end_date = day
        Involvement.objects.bulk_update(changed.values(), ["agency_id", "start_date", "end_date"], batch_size=BATCH)
        return current, leavers

    def register(self, leavers):
        rng, today = self.rng, self.today
        start = commencement.commencement("CNIS_COMMENCEMENT")
        if start is None or start > today or not leavers:
            return
        ids = [person_id for person_id, _, _ in leavers]
        parents = defaultdict(list)
        for child_id, given, family in (
            Relationship.objects.filter(person_id__in=ids, relationship=Relationship.Type.PARENT)
            .order_by("person_id", "related_person_id")
            .values_list("person_id", "related_person__given_names", "related_person__family_name")
        ):
            parents[child_id].append(f"{given} {family}")
        homes = {}
        for person_id, *address in (
            PersonAddress.objects.filter(person_id__in=ids, moved_out__isnull=True)
            .order_by("person_id", "moved_in")
            .values_list("person_id", "address__line_1", "address__town", "address__postcode")
        ):
            homes[person_id] = ", ".join(part for part in address if part)
        people = Person.objects.in_bulk(ids)
        for person_id, born, left in leavers:
            added = max(left + dt.timedelta(days=rng.randint(1, 10)), start)
            if added > today or not of_compulsory_school_age(born, added):
                continue
            other = rng.random() < OTHER_PROVIDER
            entry = services.add_to_register(
                self.officer,
                people[person_id],
                added_on=added,
                reason=RegisterEntry.Reason.OTHER_PROVIDER if other else RegisterEntry.Reason.HOME_EDUCATED,
                source=(
                    RegisterEntry.Source.AUTHORITY
                    if left < start
                    else rng.choice([RegisterEntry.Source.SCHOOL, RegisterEntry.Source.PARENT])
                ),
                parents=" and ".join(parents[person_id]) or "Not known yet: the family to be asked",
                address=homes.get(person_id) or "Not known yet",
                provider=rng.choice(PROVIDERS) if other else "The parents",
                hours_per_week=Decimal(rng.randint(20, 50)) / 2,
                notes="Was on the school's roll before the register began" if left < start else "",
            )
            self.involve(person_id, REGISTER_INVOLVEMENT, entry.added_on)
            self.counts["children on the children not in school register"] += 1

    # --- Consent to home educate (s434A) ------------------------------------------------------

    def consent(self, current, leavers):
        rng, today = self.rng, self.today
        start = commencement.commencement()
        if start is None or start > today or self.decider is None:
            return
        gone = {person_id for person_id, _, _ in leavers}
        plans = dict(
            ChildProtectionPlan.objects.filter(end_date__isnull=True, start_date__lte=today - 30 * DAY)
            .order_by("person_id", "start_date")
            .values_list("person_id", "start_date")
        )
        candidates = [
            person_id
            for person_id in sorted(plans)
            if person_id in current and person_id not in gone and not current[person_id][0].under_authority_arrangements
        ]
        rng.shuffle(candidates)
        people = Person.objects.in_bulk(candidates[:2])
        for number, person_id in enumerate(candidates[:2]):
            row = current[person_id][0]
            received = max(start, plans[person_id] + DAY, today - (70 if number == 0 else 6) * DAY, row.start_date)
            if received > today:
                continue
            self.request(people[person_id], row, received, decide=number == 0)

    def request(self, person, row, received, decide):
        today, officer = self.today, self.officer
        parent = (
            Relationship.objects.filter(person=person, relationship=Relationship.Type.PARENT)
            .select_related("related_person")
            .order_by("related_person_id")
            .first()
        )
        asking = parent.related_person.full_name if parent else "The child's parent"
        request = services.receive_consent_request(
            officer,
            person,
            source=ConsentRequest.Source.PARENT,
            received_on=received,
            requested_by=asking,
            urn=row.urn,
            details="The parent wrote asking to withdraw the child from school to educate them at home.",
        )
        self.involve(person.pk, CONSENT_INVOLVEMENT, received)
        self.counts["requests for consent to home educate"] += 1
        if not request.relevant_child:
            return

        def on(days):
            return min(received + dt.timedelta(days=days), today, timezone.localdate())

        school = School.objects.get(urn=row.urn).name
        K = ConsentInformation.Kind
        views = [
            (
                K.SCHOOL_VIEW,
                3,
                f"Designated safeguarding lead, {school}",
                "Attendance 88% this year. The school sees the child every day and is part of the core "
                "group; the school is a protective factor and does not support withdrawal.",
            ),
            (
                K.SOCIAL_WORKER_VIEW,
                5,
                "The allocated social worker",
                "The child protection plan relies on the school seeing the child daily. Education at home "
                "would remove the main independent professional who sees the child.",
            ),
            (
                K.CHILD_VIEW,
                8,
                "The child, seen alone at school",
                "Says they like their friends and their teacher and would miss school; worried about "
                "being at home all day.",
            ),
            (
                K.VISIT,
                9,
                officer.get_full_name(),
                "Home visit: the parent could not describe a plan for the child's education or who would "
                "teach them; no resources seen.",
            ),
        ]
        for kind, days, who, summary in views if decide else views[:1]:
            services.gather_consent_information(
                officer, request, kind=kind, gathered_on=on(days), given_by=who, summary=summary
            )
        self.counts["consent information gathered"] += len(views) if decide else 1
        if not decide:
            return
        services.record_best_interests_analysis(
            officer,
            request,
            analysis=(
                "Education at home is not in the child's best interests: the child is on a child protection "
                "plan, the school is the main place the child is seen, the child wants to stay, and the parent "
                "has no plan for a suitable education."
            ),
            completed_on=on(12),
        )
        services.record_consent_decision(
            officer,
            request,
            decision=ConsentRequest.Status.REFUSED,
            decided_on=on(14),
            decision_maker=self.decider,
            reasons=(
                "Consent refused: withdrawal is not in the child's best interests while the child protection "
                "plan is in place; the school's daily contact is part of the plan."
            ),
        )
        self.counts["consent refused"] += 1

    # --- Children missing education ----------------------------------------------------------

    def missing_education(self, current, leavers):
        """A few pupils who left their school with no known destination (about 1 in 2,000, at
        least 2 [U]), each a child missing education from the day they left, with the enquiries
        made (education.missing.services); every other one found later on another school's
        roll, whose registration closes the case by itself (close_when_found)."""
        from education.missing import services as missing
        from education.models import MissingEducationCase, MissingEducationEnquiry
        from kernel.rules import RuleBroken

        rng, today, officer = self.rng, self.today, self.officer
        gone = {person_id for person_id, _, _ in leavers}
        asked = set(ConsentRequest.objects.values_list("person_id", flat=True))
        candidates = sorted(
            person_id
            for person_id, (row, _born) in current.items()
            if person_id not in gone
            and person_id not in asked
            and not row.under_authority_arrangements
            and row.start_date is not None
            and row.start_date < today - 400 * DAY
        )
        if not candidates:
            return
        chosen = rng.sample(candidates, min(len(candidates), max(2, len(candidates) // 2000)))
        people = Person.objects.in_bulk(chosen)
        schools = list(School.objects.filter(open=True, special=False).order_by("urn"))
        by_urn = {school.urn: school for school in schools}
        for number, person_id in enumerate(chosen):
            person, row = people[person_id], current[person_id][0]
            school = by_urn.get(row.urn)
            if school is None:
                continue
            left = today - rng.randint(60, 150) * DAY
            if not of_compulsory_school_age(person.date_of_birth, left):
                continue
            try:
                case = missing.open_missing_education_case(
                    officer,
                    person,
                    opened_on=left,
                    source=MissingEducationCase.Source.AUTHORITY,
                    urn=school.urn,
                    details=f"Stopped attending {school.name}; the family was not at home and no new school asked "
                    "for the child's records",
                )
            except RuleBroken:
                continue
            self.counts["children missing education"] += 1
            Involvement.objects.filter(person=person, kind="pupil", end_date=None).update(end_date=left)
            Kind = MissingEducationEnquiry.Kind
            for days, kind, made_with, outcome in (
                (2, Kind.SCHOOL, school.name, "Not seen since the last day; no forwarding address given"),
                (5, Kind.HOME_VISIT, "The family's last address", "No one at home; a neighbour thought they had moved"),
                (9, Kind.LOST_PUPILS, "DfE School2School", "No record of the child's file being requested"),
            ):
                if left + days * DAY <= today:
                    missing.record_missing_education_enquiry(
                        officer, case, made_on=left + days * DAY, kind=kind, made_with=made_with, outcome=outcome
                    )
            others = [other for other in schools if other.pk != school.pk and other.phase == school.phase] or [
                other for other in schools if other.pk != school.pk
            ]
            if number % 2 == 0 and others:
                found = left + rng.randint(20, 50) * DAY
                new_school = rng.choice(others)
                services.record_school_registration(
                    officer, person, urn=new_school.urn, start_date=min(found, today), source="school"
                )
                Involvement.objects.create(
                    person=person,
                    agency=Agency.objects.get(kind=Agency.Kind.SCHOOL, urn=new_school.urn),
                    kind="pupil",
                    start_date=min(found, today),
                )
                self.counts["children missing education found on a roll"] += 1

    def involve(self, person_id, kind, start):
        self.involvements.append(
            Involvement(
                person_id=person_id,
                agency_id=self.officer.agency_id,
                team_id=self.team.pk,
                worker=self.officer,
                kind=kind,
                start_date=start,
            )
        )
