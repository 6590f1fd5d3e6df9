"""The demo authority's safeguarding partnership (issue 23). Called by demo.generator after the
exploitation module: `Partnership(generator).run()` returns {what: how many}. Its random stream
is its own ("<seed>:partnership-work"), so no other module's records changed when it was added.

Everything is made through the partnership's services (partnership.services and
partnership.report.services), so the demo keeps their rules (the Panel notified within 5 working
days or with the reason, the rapid review within 15 working days, an owner for each
recommendation, the yearly report's versions and approvals):

- The published arrangements: the three lead partners (the council, the ICB and the police), a
  chair, an independent scrutineer, and relevant agencies (education and childcare among them).
- Serious incidents: one for every 5,000 children, at least two [U: about 500 notifications a
  year in England for some 12 million children is one for every 24,000 children a year; the demo
  shows two years' worth at a higher rate so that a small authority has something to see].
  Each is about a child on a child protection plan (or, failing that, any child), known some
  4 to 11 months before today; the Panel is notified (the second one a working day late, with the
  reason); the police and the ICB are asked for information and answer; the rapid review decides
  a local review for the first and none for the others, and the Panel agrees.
- The local review of the first incident (an independent reviewer, terms of reference, findings)
  with three recommendations owned by the council, the police and the ICB: one complete, one in
  progress and one overdue; and a national review adopted, with two recommendations.
- What children and families told us: two themes, a survey of children in care, six pieces of
  feedback (survey responses, a complaint, a compliment, a professional's comment) with their
  consent to be quoted, and one change made because of it; two multi-agency training courses
  (neglect, county lines) with three sessions each, attended by the council, the police and the
  ICB.
- The yearly report for the last complete year from 1 April to 31 March: two versions of the
  narrative (the partnership's, then the scrutineer's commentary) approved by the council and the
  ICB, and waiting for the police's approval, so that `police.lead` has something to approve.
"""

import datetime as dt
import random
from collections import defaultdict

from childprotection.models import ChildProtectionPlan
from partnership import services
from partnership.models import Member
from partnership.report import services as report_services
from partnership.training import services as training
from partnership.training.models import TrainingTopic
from partnership.voice import services as voice
from partnership.voice.models import FeedbackKind
from people.models import Identifier, Person

CHILDREN_PER_INCIDENT = 5000
DAY = dt.timedelta(days=1)


class Partnership:
    def __init__(self, generator):
        self.g = generator
        self.today = generator.today
        self.rng = random.Random(f"{generator.seed}:partnership-work")
        self.counts = defaultdict(int)

    def run(self):
        g = self.g
        staff = {u.username: u for u in g.staff}
        self.officer = staff["partnership.officer"]
        self.scrutineer = staff["scrutineer"]
        self.leads = {u.agency.kind: u for u in g.staff if u.role == "lead_partner"}
        self.police_officer = staff.get("police.officer")
        self.health = staff.get("health.visitor")
        self.arrangements()
        children = self.children(max(2, round(g.children / CHILDREN_PER_INCIDENT)))
        reviews = []
        for number, child in enumerate(children):
            reviews.append(self.incident(number, child))
        self.national_review()
        self.voice()
        self.training()
        self.yearly_report()
        return dict(self.counts)

    # --- The arrangements ----------------------------------------------------------------------

    def arrangements(self):
        g = self.g
        draft = services.draft_arrangements(self.officer, title="Northmoor safeguarding children partnership")
        draft.area = "Northmoor"
        draft.summary = (
            "The council, the integrated care board and the police lead the partnership together, "
            "with schools, early years settings and the voluntary sector as relevant agencies."
        )
        draft.save(update_fields=["area", "summary"])
        since = dt.date(self.today.year - 2, 9, 1)
        parts = [
            (Member.Part.LEAD_PARTNER, Member.Partner.LOCAL_AUTHORITY, "", g.la, "Chief executive"),
            (Member.Part.LEAD_PARTNER, Member.Partner.ICB, "", g.icb, "Chief executive"),
            (Member.Part.LEAD_PARTNER, Member.Partner.POLICE, "", g.police, "Chief constable"),
            (
                Member.Part.DELEGATED_PARTNER,
                Member.Partner.LOCAL_AUTHORITY,
                "",
                g.la,
                "Director of children's services",
            ),
            (Member.Part.CHAIR, "", "", None, "Independent chair"),
            (Member.Part.SCRUTINEER, "", "", None, "Independent scrutineer"),
            (Member.Part.RELEVANT_AGENCY, "", Member.Sector.EDUCATION, None, "Schools' safeguarding forum"),
            (Member.Part.RELEVANT_AGENCY, "", Member.Sector.CHILDCARE, None, "Early years providers' network"),
            (Member.Part.RELEVANT_AGENCY, "", Member.Sector.VOLUNTARY, None, "Northmoor voluntary action"),
            (Member.Part.MACPT, "", "", None, "Northmoor multi-agency child protection team"),
            (Member.Part.MACE_PANEL, "", "", None, "Northmoor MACE panel"),
        ]
        for order, (part, partner, sector, agency, holder) in enumerate(parts):
            Member.objects.create(
                arrangements=draft,
                part=part,
                partner=partner,
                sector=sector,
                agency=agency,
                organisation="" if agency else holder,
                holder=holder,
                date_from=since,
                order=order,
            )
        services.publish_arrangements(self.officer, draft, effective_from=since)
        self.counts["published arrangements"] += 1

    # --- Serious incidents -------------------------------------------------------------------------

    def children(self, wanted):
        """Children on a plan (the likeliest to be the subject of a serious incident), then others."""
        on_plan = list(
            Person.objects.filter(
                kind="child", restricted=False, pk__in=ChildProtectionPlan.objects.values("person_id")
            ).order_by("pk")[:200]
        )
        others = list(Person.objects.filter(kind="child", restricted=False).order_by("pk")[:200])
        pool = on_plan or others
        self.rng.shuffle(pool)
        return pool[:wanted]

    def incident(self, number, child):
        known = self.today - dt.timedelta(days=self.rng.randint(120, 330))
        identifier = child.identifiers.filter(id_type=Identifier.Type.LA_CHILD_ID).first() or child.identifiers.first()
        incident = services.record_serious_incident(
            self.officer,
            children=identifier.value,
            became_aware_on=known,
            incident_on=known - DAY,
            harm="seriously_harmed" if number % 3 else "died",
            summary="A synthetic serious incident for the demo: the child was admitted to hospital with injuries.",
        )
        self.counts["serious incidents"] += 1
        late = number == 1
        notified = incident.notification_due + (DAY if late else dt.timedelta(days=-1))
        while notified.weekday() >= 5:
            notified += DAY
        incident = services.notify_panel(
            self.officer,
            incident,
            notified_on=notified,
            notified_by="Director of children's services",
            late_reason="The police told the council of the incident a day after it was first recorded" if late else "",
        )
        for agency, answerer in ((self.g.police, self.police_officer), (self.g.icb, None)):
            request = services.request_information(
                self.officer,
                incident,
                agency=agency,
                question="What did your agency know of the child and family in the 12 months before the incident?",
                requested_on=notified,
                due_on=notified + dt.timedelta(days=7),
            )
            self.counts["information requests"] += 1
            services.answer_information_request(
                answerer if answerer is not None and answerer.agency_id == agency.pk else self.officer,
                request,
                status="answered",
                answer="Two contacts in the year before; both shared with the front door the same day.",
                answered_on=notified + dt.timedelta(days=5),
            )
        completed = min(incident.rapid_review_due - DAY, self.today - DAY)
        decision = "local" if number == 0 else "none"
        rapid = services.record_rapid_review(
            self.officer,
            incident,
            completed_on=completed,
            decision=decision,
            reasons=(
                "Agencies did not share what they knew about the adults in the household: there is "
                "learning for the whole partnership."
                if decision == "local"
                else "The agencies' work was timely and shared; the learning is for one agency, which has acted on it."
            ),
            learning="Health visitors to be told of every strategy discussion about a child under 5.",
        )
        self.counts["rapid reviews"] += 1
        services.record_panel_response(
            self.officer, rapid, response="agreed", responded_on=min(completed + dt.timedelta(days=14), self.today)
        )
        if decision == "local":
            self.local_review(incident, completed)

    def local_review(self, incident, decided):
        review = services.start_practice_review(
            self.officer,
            kind="local",
            title="Local child safeguarding practice review: Child A",
            decided_on=decided,
            reviewer="An independent reviewer (a former director of children's services)",
            terms_of_reference="How agencies shared what they knew of the adults in Child A's household.",
            incident=incident,
        )
        self.counts["practice reviews"] += 1
        services.record_findings(
            self.officer,
            review,
            findings="Agencies each held part of the picture; no one held all of it.",
        )
        owners = [self.g.la, self.g.police, self.g.icb]
        texts = [
            "Invite health visitors to every strategy discussion about a child under 5.",
            "Share domestic abuse notifications with schools by 9am the next school day.",
            "Train GP practices to record who lives in a child's household.",
        ]
        for i, (owner, text) in enumerate(zip(owners, texts, strict=True)):
            due = decided + dt.timedelta(days=[60, 240, 90][i])
            recommendation = services.add_recommendation(
                self.officer, review, text=text, owner=owner, due_on=due, actions="An action plan agreed by the board."
            )
            self.counts["recommendations"] += 1
            if i == 0:
                services.update_recommendation(
                    self.officer,
                    recommendation,
                    status="complete",
                    progress="Invitations now go to the health visiting team's duty inbox.",
                    completed_on=min(due, self.today),
                )
            elif i == 1:
                services.update_recommendation(
                    self.officer, recommendation, status="in_progress", progress="Agreed with the police; schools next."
                )

    def national_review(self):
        review = services.start_practice_review(
            self.officer,
            kind="national",
            title="National review: safeguarding children with disabilities in residential settings (adopted)",
            decided_on=self.today - dt.timedelta(days=200),
            reviewer="The Child Safeguarding Practice Review Panel",
        )
        self.counts["practice reviews"] += 1
        for owner, text, days in (
            (self.g.la, "Visit every child placed in a residential special school at least every 6 weeks.", 90),
            (self.g.icb, "Name a designated clinician for every child placed out of area.", 400),
        ):
            services.add_recommendation(
                self.officer,
                review,
                text=text,
                owner=owner,
                due_on=self.today - dt.timedelta(days=200) + dt.timedelta(days=days),
            )
            self.counts["recommendations"] += 1

    # --- What children and families told us, and training ----------------------------------------

    def voice(self):
        kinds = {k.slug: k for k in FeedbackKind.objects.all()}
        theme = voice.save_theme(self.officer, name="Being listened to", description="Whether children felt heard")
        other = voice.save_theme(self.officer, name="Knowing who my social worker is")
        self.counts["feedback themes"] += 2
        start = self.today - dt.timedelta(days=330)
        survey = voice.record_survey(
            self.officer,
            title="Children in care survey",
            period_from=start,
            period_to=start + dt.timedelta(days=60),
            number_sent=40,
        )
        words = [
            (
                "survey-response",
                "child",
                "11_to_15",
                "My social worker listens to me and tells me what is happening.",
                "quote",
                [theme],
            ),
            ("survey-response", "child", "16_to_17", "I have had three social workers this year.", "quote", [other]),
            ("survey-response", "parent", "18_plus", "Meetings were at times I could get to.", "summary", [theme]),
            ("complaint", "parent", "18_plus", "No one told me the conference had been moved.", "no", [theme]),
            ("compliment", "family", "18_plus", "The family group conference helped us make a plan.", "quote", []),
            ("comment", "professional", "", "Partners want the strategy discussion notes sooner.", "summary", []),
        ]
        for n, (kind, source, band, text, consent, themes) in enumerate(words):
            voice.record_feedback(
                self.officer,
                kind=kinds.get(kind),
                source=source,
                age_band=band,
                received_on=start + dt.timedelta(days=5 + 9 * n)
                if kind == "survey-response"
                else start + dt.timedelta(days=90 + 30 * n),
                words=text,
                consent=consent,
                survey=survey if kind == "survey-response" else None,
                themes=themes,
            )
            self.counts["feedback"] += 1
        voice.record_what_changed(
            self.officer,
            theme,
            what="Conference invitations now say the time and place in plain words, and are sent again if they change.",
            changed_on=start + dt.timedelta(days=200),
            agency=self.g.la,
            evidence="Every moved conference since has been re-sent within a day.",
        )
        self.counts["changes made"] += 1

    def training(self):
        topics = {t.slug: t for t in TrainingTopic.objects.all()}
        agencies = [self.g.la, self.g.police, self.g.icb]
        for title, topic in (
            ("Recognising and responding to neglect", "neglect"),
            ("Harm outside the home: county lines", "exploitation"),
        ):
            course = training.add_course(self.officer, title=title, topic=topics.get(topic))
            self.counts["training courses"] += 1
            for n in range(3):
                held = self.today - dt.timedelta(days=40 + 110 * n + self.rng.randint(0, 20))
                places = 30
                attendance = [(agency, self.rng.randint(3, 9)) for agency in agencies]
                training.record_session(
                    self.officer,
                    course,
                    held_on=held,
                    mode="in_person" if n % 2 == 0 else "online",
                    places=places,
                    attendance=attendance,
                )
                self.counts["training sessions"] += 1

    # --- The yearly report ---------------------------------------------------------------------------

    def yearly_report(self):
        end_year = self.today.year if self.today >= dt.date(self.today.year, 4, 1) else self.today.year - 1
        period_from, period_to = dt.date(end_year - 1, 4, 1), dt.date(end_year, 3, 31)
        report = report_services.start_report(
            self.officer,
            title=f"Northmoor safeguarding children partnership: yearly report {end_year - 1} to {end_year}",
            period_from=period_from,
            period_to=period_to,
        )
        report_services.revise_report(
            self.officer,
            report,
            introduction=(
                "This report sets out what the partnership did in the year and how effective it was, "
                "with the figures counted from the partners' records."
            ),
            learning="Our local review showed that agencies each held part of the picture of a child's household.",
            priorities=[
                {"priority": "Neglect", "evidence": "A multi-agency audit of children on a plan for neglect."},
                {"priority": "Harm outside the home", "evidence": "A context plan for one place in the year."},
                {"priority": "Hearing children's voices", "evidence": ""},
            ],
            next_steps="Audit the timeliness of return home interviews; publish the local review.",
            change_note="First full draft",
        )
        report_services.write_commentary(
            self.scrutineer,
            report,
            commentary=(
                "The partners have strengthened how they share information; "
                "the pace of the local review should improve."
            ),
        )
        version = report_services.latest_version(report)
        for kind in ("local_authority", "icb"):
            lead = self.leads.get(kind)
            if lead is not None:
                report_services.approve_report(lead, report, version_number=version.number)
        self.counts["yearly reports"] += 1
