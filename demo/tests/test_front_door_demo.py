"""The demo authority's front door: a year of contacts made as the front-door services would
make them, with realistic sources, outcomes, deadlines, checks, referrals and an open queue.

One 2,000-child authority is made for the whole module (committed, and removed at the end)."""

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from chronology.models import ChronologyEntry
from demo.leaving_care import MIGRATED
from frontdoor import selectors, services
from frontdoor.models import (
    AgencyCheck,
    Contact,
    ContactDecision,
    ContactPerson,
    PatternAlert,
    Referral,
    ReferrerFeedback,
    ThresholdDocument,
)
from kernel import codelists, timescales
from people.models import Involvement, Person
from testing.demo import (
    demo_authority,
    name_keys,  # noqa: F401 - an autouse fixture
)

TODAY = dt.date(2025, 6, 13)  # a Friday: the last working day before it is Thursday 12 June
CHILDREN = 2000
CHILD_ROLES = {ContactPerson.Role.SUBJECT, ContactPerson.Role.CHILD_IN_HOUSEHOLD}


authority = demo_authority(children=CHILDREN, seed=3, today=TODAY, restart_ids=False)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("authority")]


def test_the_threshold_document_is_published_once():
    document = ThresholdDocument.objects.get()
    assert document.status == ThresholdDocument.Status.PUBLISHED
    assert document.levels.count() >= 2
    assert document.published_by.role == "mash_manager"
    assert document.effective_from <= TODAY - dt.timedelta(days=365)


def front_door_contacts():
    """The contacts the demo's front door received: all but the care leavers' historic contacts,
    migrated from a previous system and marked so (demo.leaving_care.MIGRATED), which have no
    decision and predate the timescale rules."""
    return Contact.objects.exclude(decision_due_explanation=MIGRATED)


def test_the_only_contacts_left_out_are_the_migrated_ones():
    migrated = Contact.objects.filter(decision_due_explanation=MIGRATED)
    assert migrated.exists()
    assert not migrated.filter(decision__isnull=False).exists()
    assert not migrated.filter(received_at__date__gte=TODAY - dt.timedelta(days=366)).exists()
    # Each is the referral of a migrated period of care: a care leaver's (demo.leaving_care) or an adopted
    # child's (demo.adoption), the history a real authority brings from its previous system.
    referrals = Referral.objects.filter(contact__in=migrated)
    assert referrals.count() == migrated.count()
    assert not referrals.filter(periods_of_care__isnull=True).exists()


def test_contacts_at_about_the_national_rate_with_sources_from_the_code_list():
    contacts = front_door_contacts()
    child_contacts = ContactPerson.objects.filter(role__in=CHILD_ROLES, contact__in=contacts).count()
    # 519 referrals a year per 10,000 children, contacts 3.5 times referrals: about 0.18 a child.
    assert 0.12 * CHILDREN < child_contacts < 0.27 * CHILDREN
    codes = {code for code, _ in codelists.codes("referral-source", TODAY)}
    sources = Counter(contacts.values_list("source", flat=True))
    assert set(sources) <= codes
    total = sum(sources.values())
    assert 0.18 < sources["6"] / total < 0.40  # police, the largest source
    assert 0.10 < sources["2A"] / total < 0.30  # schools
    for contact in contacts.filter(source="2A"):
        assert contact.referrer_agency.kind == "school"
    assert set(contacts.filter(source="6").values_list("referrer_agency__kind", flat=True)) == {"police"}
    assert all(c.referrer_name for c in contacts.filter(source="1A"))  # a family member is always named
    assert contacts.filter(immediate_risk=True).exists()
    assert not contacts.filter(immediate_risk=True, immediate_risk_detail="").exists()
    received = [timezone.localtime(c.received_at) for c in contacts]
    assert min(received).date() >= TODAY - dt.timedelta(days=366)
    working_hours = sum(1 for r in received if r.weekday() < 5 and 8 <= r.hour < 18)
    assert 0.5 < working_hours / len(received) < 0.95  # mostly, not only, in working hours
    assert any(r.weekday() >= 5 for r in received)


def test_stored_deadlines_are_those_kernel_timescales_gives_for_the_received_date():
    contacts = list(front_door_contacts())
    assert contacts
    for contact in contacts:
        due = timescales.due("contact-decision", timezone.localdate(contact.received_at))
        assert contact.decision_due_date == due.due_date
        assert contact.decision_due_at == due.due_at
        assert contact.decision_due_explanation == (
            f"Decision due by the end of {due.due_date:%A %-d %B %Y}: {due.explanation}"
        )


def test_checks_belong_to_contacts_and_have_kernel_due_times():
    checks = list(AgencyCheck.objects.select_related("contact", "agency", "answered_by"))
    assert len(checks) > 50
    assert {c.kind for c in checks} == {"police", "health", "education"}
    late = 0
    for check in checks:
        due = timescales.due(f"agency-check-{check.kind}", check.requested_at)
        assert check.due_at == due.due_at
        assert check.requested_at >= check.contact.received_at
        assert check.agency.kind in selectors.CHECK_AGENCY_KINDS[check.kind]
        if check.status in (AgencyCheck.Status.ANSWERED, AgencyCheck.Status.NOTHING_KNOWN):
            assert check.answered_at >= check.requested_at
            assert services.check_may_be_answered_by(check.answered_by, check)
            late += check.answered_at > check.due_at
        if check.status == AgencyCheck.Status.ANSWERED:
            assert check.information
        if check.status == AgencyCheck.Status.REQUESTED:
            assert check.contact.status == Contact.Status.OPEN
    assert 0 < late < len(checks) / 3  # mostly on time, some late


def test_decisions_follow_the_threshold_document_and_the_deadline():
    decisions = list(ContactDecision.objects.select_related("contact", "level", "decided_by"))
    outcomes = Counter(d.outcome for d in decisions)
    assert set(outcomes) == set(ContactDecision.Outcome.values)
    for decision in decisions:
        assert decision.outcome in decision.level.outcomes
        assert decision.level.document.status == ThresholdDocument.Status.PUBLISHED
        assert decision.decided_at >= decision.contact.received_at
        assert decision.decided_at < timezone.make_aware(dt.datetime.combine(TODAY, dt.time(0)))
        assert decision.on_time == (decision.decided_at <= decision.contact.decision_due_at)
        assert ("Reason for the late decision: " in decision.rationale) == (not decision.on_time)
        assert decision.contact.status == Contact.Status.DECIDED
        assert decision.decided_by.team.function == "MASH"
        assert decision.indicators.exists()
        assert all(i.level_id == decision.level_id for i in decision.indicators.all())
        if decision.outcome in services.REFERRAL_OUTCOMES:
            assert decision.primary_need in {f"N{n}" for n in range(1, 9)}
        else:
            assert decision.primary_need == ""
    on_time = sum(d.on_time for d in decisions) / len(decisions)
    assert 0.78 < on_time < 0.95
    total = len(decisions)
    assert 0.2 < outcomes["nfa"] / total < 0.5
    assert 0.15 < (outcomes["referral"] + outcomes["strategy"]) / total < 0.45
    feedback = ReferrerFeedback.objects.count()
    assert 0.6 * total < feedback < total
    for item in ReferrerFeedback.objects.select_related("contact__decision"):
        assert item.given_at >= item.contact.decision.decided_at


def test_referrals_for_each_child_with_primary_needs_and_about_one_in_five_re_referred():
    referrals = list(Referral.objects.filter(contact__in=front_door_contacts()).select_related("contact__decision"))
    assert referrals
    for referral in referrals:
        decision = referral.contact.decision
        assert decision.outcome in services.REFERRAL_OUTCOMES
        assert referral.primary_need == decision.primary_need
        assert referral.source == referral.contact.source
        assert referral.referral_date == timezone.localdate(referral.contact.received_at)
        assert Involvement.objects.filter(
            person=referral.person, kind="Referral: child in need", team=decision.decided_by.team
        ).exists()
    referred_contacts = ContactDecision.objects.filter(outcome__in=services.REFERRAL_OUTCOMES)
    children = ContactPerson.objects.filter(contact__decision__in=referred_contacts, role__in=CHILD_ROLES).count()
    assert children == len(referrals)
    needs = Counter(r.primary_need for r in referrals)
    assert needs.most_common(1)[0][0] == "N1"
    by_child = {}
    for referral in referrals:
        by_child.setdefault(referral.person_id, []).append(referral.referral_date)
    again = sum(
        1
        for r in referrals
        if any(r.referral_date - dt.timedelta(days=365) <= d < r.referral_date for d in by_child[r.person_id])
    )
    assert 0.12 < again / len(referrals) < 0.32  # England 2024-25: 22.6%


def test_the_queue_holds_the_open_contacts_some_overdue():
    open_contacts = set(Contact.objects.filter(status=Contact.Status.OPEN).values_list("pk", flat=True))
    queued = list(selectors.queue())
    assert {c.pk for c in queued} == open_contacts
    assert len(open_contacts) >= 3
    assert not ContactDecision.objects.filter(contact_id__in=open_contacts).exists()
    last_working_day = dt.date(2025, 6, 12)
    recent = Contact.objects.filter(
        received_at__gte=timezone.make_aware(dt.datetime.combine(last_working_day, dt.time(0)))
    )
    assert set(recent.values_list("status", flat=True)) <= {Contact.Status.OPEN}
    overdue = [c for c in queued if c.decision_due_date < TODAY]
    assert overdue
    assert len(overdue) < len(queued)
    assert {selectors.rag(c, now=timezone.make_aware(dt.datetime(2025, 6, 13, 17))) for c in queued} >= {"red", "amber"}
    assert {selectors.rag(c, now=timezone.make_aware(dt.datetime(2025, 6, 13, 7))) for c in queued} >= {"red", "green"}


def test_open_contacts_and_front_door_involvements_agree():
    team = services.front_door_team()
    open_children = set(
        ContactPerson.objects.filter(contact__status=Contact.Status.OPEN, role__in=CHILD_ROLES).values_list(
            "person_id", flat=True
        )
    )
    involved = set(
        Involvement.objects.filter(team=team, kind=services.INVOLVEMENT_KIND, end_date__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    assert open_children
    assert open_children == involved
    assert not Involvement.objects.filter(kind="front door contact").exists()
    # Decided contacts: the involvement ran from the contact to the decision.
    for decision in ContactDecision.objects.select_related("contact")[:50]:
        for link in decision.contact.people.filter(role__in=CHILD_ROLES):
            assert Involvement.objects.filter(
                person_id=link.person_id,
                team=team,
                kind=services.INVOLVEMENT_KIND,
                start_date__lte=timezone.localdate(decision.contact.received_at),
            ).exists()


def test_pattern_alerts_are_what_the_service_finds_for_the_open_contacts():
    open_contacts = Contact.objects.filter(status=Contact.Status.OPEN)
    stored = sorted(PatternAlert.objects.values_list("contact_id", "kind", "person_id", "explanation"))
    expected = sorted(
        (c.pk, a.kind, a.person_id, a.explanation) for c in open_contacts for a in services.pattern_alerts_for(c)
    )
    assert stored == expected
    assert stored
    assert {kind for _, kind, _, _ in stored} & {"re_referral", "repeated_contacts", "several_referrers"}


def test_every_child_in_a_contact_has_its_story_in_the_chronology():
    contact = (
        Contact.objects.filter(status=Contact.Status.DECIDED, decision__outcome="referral", checks__isnull=False)
        .order_by("id")
        .first()
    )
    assert contact is not None
    for link in contact.people.filter(role__in=CHILD_ROLES):
        entries = ChronologyEntry.objects.filter(
            person_id=link.person_id,
            kind__in=["contact-received", "agency-check", "contact-decision", "referral", "referrer-feedback"],
        )
        kinds_found = set(entries.values_list("kind", flat=True))
        assert {"contact-received", "agency-check", "contact-decision", "referral"} <= kinds_found
        received = entries.filter(kind="contact-received", occurred_at=contact.received_at).get()
        assert received.source == contact
        assert received.title.startswith("Contact received from ")
        decision = entries.get(kind="contact-decision", source_id=str(contact.decision.pk))
        assert decision.title == (
            f"Front-door decision: {contact.decision.get_outcome_display()} "
            f"(level {contact.decision.level.number}, {contact.decision.level.name})"
        )
        assert decision.detail == contact.decision.rationale
    # Adults in a contact get the contact in their chronology, and nothing else of it.
    adult = ContactPerson.objects.filter(role__in=["adult_in_household", "person_of_concern"]).first()
    assert adult is not None
    assert adult.person.kind == Person.Kind.ADULT
    assert ChronologyEntry.objects.filter(
        person_id=adult.person_id, kind="contact-received", source_id=str(adult.contact_id)
    ).exists()
