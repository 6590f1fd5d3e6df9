"""Reads of the front door: the MASH queue and its RAG status, the children and household of a
contact, the checks waiting for an agency, the published threshold document, and the API's own
contacts and submissions. Writes are in frontdoor.services."""

import datetime
from typing import Any, cast

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone

from kernel.compiled import Compiled, Shaped, among
from partners.access import FRONT_DOOR_ROLES
from partners.models import Agency, User
from people import services as people_services
from people.access import shown_filter
from people.models import Identifier, Person, Relationship

from .models import (
    AgencyCheck,
    Contact,
    ContactAttachment,
    ContactDecision,
    ContactPerson,
    ContactSubmission,
    PatternAlert,
    Referral,
    ThresholdDocument,
)


def contact_children(contact: Contact) -> list[ContactPerson]:
    """The children in a contact, in the order they were named."""
    return [link for link in contact.people.select_related("person").order_by("id") if link.is_child]


def subject_of(contact: Contact) -> Person | None:
    """The first child the contact is about (for the audit trail and the queue)."""
    link = contact.people.filter(role=ContactPerson.Role.SUBJECT).select_related("person").order_by("id").first()
    return link.person if link else None


def household_not_in_contact(contact: Contact) -> list[tuple[Person, str]]:
    """Siblings and the other members of each child's household, not yet in the contact:
    [(person, how they are connected)]."""
    in_contact = set(contact.people.values_list("person_id", flat=True))
    found: dict[int, tuple[Person, str]] = {}
    today = timezone.localdate()
    for link in contact_children(contact):
        child = link.person
        # Everyone: the contact page keeps only those the user may see (frontdoor.views._household).
        for resident in people_services.household(child, today, user=None):
            if resident.person_id not in in_contact:
                found.setdefault(resident.person_id, (resident.person, f"Lives with {child.full_name}"))
        for other, label, rel in people_services.relationships(child, user=None):
            if other.pk in in_contact:
                continue
            if rel.relationship in {Relationship.Type.SIBLING, Relationship.Type.HALF_SIBLING}:
                found.setdefault(other.pk, (other, f"{label} of {child.full_name}"))
    return sorted(
        found.values(), key=lambda row: (row[0].kind != Person.Kind.CHILD, row[0].family_name, row[0].given_names)
    )


CHECK_AGENCY_KINDS = {
    AgencyCheck.Kind.POLICE: {Agency.Kind.POLICE},
    AgencyCheck.Kind.HEALTH: {Agency.Kind.ICB, Agency.Kind.HEALTH_PROVIDER},
    AgencyCheck.Kind.EDUCATION: {Agency.Kind.SCHOOL, Agency.Kind.EARLY_YEARS},
    AgencyCheck.Kind.OTHER: {Agency.Kind.VOLUNTARY, Agency.Kind.PROBATION, Agency.Kind.OTHER},
}


def check_kind_for(agency: Agency) -> str:
    """The kind of check an agency answers (by its own kind)."""
    for kind, agency_kinds in CHECK_AGENCY_KINDS.items():
        if agency.kind in agency_kinds:
            return kind
    return AgencyCheck.Kind.OTHER


def checks_for_agency(user: User) -> QuerySet[AgencyCheck]:
    """The open checks addressed to the user's agency."""
    if user.agency_id is None:
        return AgencyCheck.objects.none()
    kind = check_kind_for(cast(Agency, user.agency))  # there is one: agency_id is set
    return (
        AgencyCheck.objects.filter(Q(agency_id=user.agency_id) | Q(agency__isnull=True, kind=kind))
        .filter(status=AgencyCheck.Status.REQUESTED)
        .select_related("contact")
        .order_by("due_at")
    )


def published_threshold_document() -> ThresholdDocument | None:
    """The threshold document decisions are made against now (None before the first is published)."""
    return ThresholdDocument.objects.filter(status=ThresholdDocument.Status.PUBLISHED).first()


def rag(contact: Contact, now: datetime.datetime | None = None) -> str:
    """Red (overdue), amber (due within FRONT_DOOR_AMBER_HOURS) or green, for an open contact."""
    now = now or timezone.now()
    if contact.status == Contact.Status.DECIDED:
        return "decided"
    if now > contact.decision_due_at:
        return "red"
    if contact.decision_due_at - now <= datetime.timedelta(hours=settings.FRONT_DOOR_AMBER_HOURS):
        return "amber"
    return "green"


def time_in_words(delta: datetime.timedelta) -> str:
    """A length of time as people say it, rounded down: "2 days 3 hours", "1 day", "5 hours",
    "40 minutes", "less than a minute". Counted in elapsed time, weekends included: a deadline
    in working days already leaves the weekend out when it is set (kernel.timescales), and the
    time past it is time the child has waited."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)

    def counted(n: int, unit: str) -> str:
        return f"{n} {unit}{'s' if n != 1 else ''}"

    if days:
        return counted(days, "day") + (f" {counted(hours, 'hour')}" if hours else "")
    if hours:
        return counted(hours, "hour")
    if minutes:
        return counted(minutes, "minute")
    return "less than a minute"


def urgency(due_at: datetime.datetime, now: datetime.datetime) -> str:
    """ "Overdue by 2 days 3 hours" or "Due in 5 hours"."""
    if now > due_at:
        return f"Overdue by {time_in_words(now - due_at)}"
    return f"Due in {time_in_words(due_at - now)}"


def check_overdue(check: AgencyCheck, now: datetime.datetime) -> bool:
    """A check still waiting for its answer after the time it was due."""
    return check.status == AgencyCheck.Status.REQUESTED and now > check.due_at


def queue(status: str = Contact.Status.OPEN, now: datetime.datetime | None = None) -> QuerySet[Contact]:
    """Contacts awaiting a decision, soonest deadline first, immediate risk at the top, with
    their unanswered checks (`open_checks`), those past their time (`overdue_checks`) and their
    pattern alerts (`alert_count`)."""
    # The counts are subqueries, not joins with GROUP BY: PostgreSQL then works them out only
    # for the page shown, and the queue's totals (Paginator, the RAG counts) leave them out.
    now = now or timezone.now()
    waiting = AgencyCheck.objects.filter(status=AgencyCheck.Status.REQUESTED)
    return (
        Contact.objects.filter(status=status)
        .select_related("referrer_agency", "allocated_to")
        .annotate(
            open_checks=_count_of(waiting),
            overdue_checks=_count_of(waiting.filter(due_at__lt=now)),
            alert_count=_count_of(PatternAlert.objects.all()),
        )
        .order_by("-immediate_risk", "decision_due_at", "id")
    )


#: The views of the open queue: every contact, the user's own, those nobody has taken on.
QUEUE_VIEWS = ("all", "mine", "unassigned")


def open_queue(user: User, show: str = "all", now: datetime.datetime | None = None) -> QuerySet[Contact]:
    """The open contacts the user may know of (visible_contacts): all of them, those assigned
    to the user ("mine") or those assigned to nobody ("unassigned")."""
    contacts = visible_contacts(user, queue(now=now))
    if show == "mine":
        return contacts.filter(allocated_to=user)
    if show == "unassigned":
        return contacts.filter(allocated_to__isnull=True)
    return contacts


def queue_view_counts(contacts: QuerySet[Contact], user: User) -> dict[str, int]:
    """How many of the open contacts are the user's, and how many nobody's, in one query."""
    return contacts.order_by().aggregate(
        mine=Count("pk", filter=Q(allocated_to=user)),
        unassigned=Count("pk", filter=Q(allocated_to__isnull=True)),
    )


def front_door_colleagues(user: User) -> QuerySet[User]:
    """Who the user may give a contact to: the active front-door users of the same authority
    (frontdoor.services.may_work_on_contacts), by name."""
    if user.agency_id is None:
        return User.objects.none()
    return User.objects.filter(
        agency_id=user.agency_id,
        agency__kind=Agency.Kind.LOCAL_AUTHORITY,
        role__in=FRONT_DOOR_ROLES,
        is_active=True,
    ).order_by("first_name", "last_name", "username")


def contact_checks(contact: Contact) -> list[AgencyCheck]:
    """The contact's checks, with the agency asked and who asked and answered."""
    return list(contact.checks.select_related("agency", "requested_by", "answered_by"))


def contact_alerts(contact: Contact) -> list[PatternAlert]:
    """The contact's pattern alerts with the person each is about (the page keeps those it may show)."""
    return list(contact.alerts.select_related("person"))


def _count_of(rows: QuerySet[Any]) -> Coalesce:
    """How many of `rows` (a queryset with a `contact` foreign key) belong to the outer contact."""
    counted = rows.filter(contact=OuterRef("pk")).order_by().values("contact").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


# --- Matching the people a contact names ------------------------------------------------


def identifiers_held(pairs: list[tuple[str, str]]) -> list[Identifier]:
    """The identifiers of these (type, value) pairs, each with its person and the person it was
    merged into, in one query whose SQL is made once per connection and number of pairs."""
    if not pairs:
        return []
    return _IDENTIFIERS_HELD.run(len(pairs), *(part for pair in pairs for part in pair))


def _identifiers_held(count: int, *values: str) -> QuerySet[Identifier]:
    condition = Q()
    for index in range(count):
        condition |= Q(id_type=values[2 * index], value=values[2 * index + 1])
    return Identifier.objects.filter(condition).select_related("person__merged_into")


_IDENTIFIERS_HELD: Shaped[Identifier] = Shaped(_identifiers_held)


def people_named(rows: list[tuple[str, str, str, datetime.date]]) -> list[Person]:
    """The people (not merged into another) of each (kind, given names, family name, date of
    birth), the names in any case, in one query whose SQL is made once per connection and number
    of rows."""
    if not rows:
        return []
    return _PEOPLE_NAMED.run(len(rows), *(part for row in rows for part in row))


def _people_named(count: int, *values: Any) -> QuerySet[Person]:
    condition = Q()
    for index in range(count):
        kind, given, family, born = values[4 * index : 4 * index + 4]
        # UPPER on both sides, as PostgreSQL's iexact: SQLite's is a LIKE with the value escaped.
        condition |= Q(
            kind=kind, upper_given=Upper(Value(given)), upper_family=Upper(Value(family)), date_of_birth=born
        )
    return Person.objects.alias(upper_given=Upper("given_names"), upper_family=Upper("family_name")).filter(
        condition, merged_into__isnull=True
    )


_PEOPLE_NAMED: Shaped[Person] = Shaped(_people_named)


# --- What the pattern alerts read (frontdoor.services.pattern_alerts_for) ------------------


def referrals_within(
    person_ids: list[int], since: datetime.date, until: datetime.date, not_contact_id: int
) -> list[Referral]:
    """These people's referrals dated in a period (both days included), but the one from this
    contact, each with its person, by person and newest first: one query whose SQL is made once
    per connection."""
    return _REFERRALS_WITHIN.run(None, person_ids, since, until, not_contact_id)


_REFERRALS_WITHIN: Shaped[Referral] = Shaped(
    lambda _shape, person_ids, since, until, not_contact_id: (
        Referral.objects.filter(person_id__in=among(person_ids), referral_date__gte=since, referral_date__lte=until)
        .exclude(contact_id=not_contact_id)
        .select_related("person")
        .order_by("person_id", "-referral_date")
    )
)


def contacts_naming(
    person_ids: list[int], since: datetime.datetime, until: datetime.datetime, not_contact_id: int
) -> list[tuple[int, Contact]]:
    """[(person id, contact)] for the contacts but this one naming these people and received in a
    period, with only what the alerts read (when, and who referred: not the concerns, up to
    20,000 characters each, of every earlier contact about a child referred again and again).

    The people's links first, then their contacts by id, so that both queries follow an index
    whatever the planner's statistics say about recent dates (new contacts are always newer than
    the statistics, which would make a join on the date look cheap and scan every recent
    contact). Each query's SQL is made once per connection; none for no people."""
    if not person_ids:
        return []
    links = [(link.person_id, link.contact_id) for link in _LINKS_NAMING.run(None, person_ids, not_contact_id)]
    if not links:
        return []
    contacts = {
        contact.pk: contact
        for contact in _CONTACTS_RECEIVED.run(None, sorted({contact_id for _, contact_id in links}), since, until)
    }
    return [(person_id, contacts[contact_id]) for person_id, contact_id in links if contact_id in contacts]


_LINKS_NAMING: Shaped[ContactPerson] = Shaped(
    lambda _shape, person_ids, not_contact_id: (
        ContactPerson.objects.filter(person_id__in=among(person_ids))
        .exclude(contact_id=not_contact_id)
        .only("person", "contact")
        .order_by()
    )
)
_CONTACTS_RECEIVED: Shaped[Contact] = Shaped(
    lambda _shape, contact_ids, since, until: (
        Contact.objects.filter(pk__in=among(contact_ids), received_at__gte=since, received_at__lte=until)
        .select_related("referrer_agency")
        .only("received_at", "source", "referrer_name", "referrer_agency")
        .order_by()
    )
)


# --- The partner API ----------------------------------------------------------------------


def submission_with_key(agency_id: int, key: str) -> ContactSubmission | None:
    """The agency's submission with this Idempotency-Key, from whichever of its tokens sent it."""
    return _SUBMISSION_WITH_KEY.first(agency_id, key)


# One query, its SQL made once per connection: every partner's contact looks its key up first.
_SUBMISSION_WITH_KEY = Compiled(
    lambda agency_id, key: ContactSubmission.objects.filter(agency_id=agency_id, idempotency_key=key).select_related(
        "contact"
    )[:1]
)


def contact_people_answered(contact_id: int) -> list[ContactPerson]:
    """The contact's people as the API answers them, in the order named: each link's role and
    how the person was matched, with `consistent_identifier` (a child's, or None), in one query
    whose SQL is made once per connection."""
    return cast("list[ContactPerson]", _CONTACT_PEOPLE_ANSWERED.run(contact_id))


_CONTACT_PEOPLE_ANSWERED = Compiled(
    lambda contact_id: (
        ContactPerson.objects.filter(contact_id=contact_id)
        .only("role", "matched_by")
        .annotate(
            consistent_identifier=Subquery(
                Identifier.objects.filter(person_id=OuterRef("person_id"), id_type=Identifier.Type.CONSISTENT)
                .order_by("id")
                .values("value")[:1]
            )
        )
        .order_by("id")
    )
)


def contact_made_by(agency_id: int | None, contact_id: int) -> Contact | None:
    """A contact the agency made (None for any other, or with no agency)."""
    if not agency_id:
        return None
    return Contact.objects.filter(pk=contact_id, referrer_agency_id=agency_id).first()


def submission_sent_by(agency_id: int | None, submission_id: Any) -> ContactSubmission | None:
    """A submission the agency sent, with its contact once made (None for any other)."""
    if not agency_id:
        return None
    return (
        ContactSubmission.objects.filter(public_id=submission_id, agency_id=agency_id).select_related("contact").first()
    )


# --- The MASH pages -----------------------------------------------------------------------

#: The roles of the children in a contact (the others are adults).
CHILD_ROLES = [ContactPerson.Role.SUBJECT, ContactPerson.Role.CHILD_IN_HOUSEHOLD]


def hidden_contacts(user: User) -> QuerySet[ContactPerson, Any]:
    """A subquery: the contacts with a child whose record is restricted and not opened to this
    user, so that the contact does not exist for them (people.access.shown_filter). Not correlated with the
    contacts it filters: restricted records are few (an index holds just them), so PostgreSQL
    reads these once and checks each contact against them, however long the queue."""
    return (
        ContactPerson.objects.filter(role__in=CHILD_ROLES, person__restricted=True)
        .exclude(shown_filter(user, "person"))
        .values("contact_id")
    )


def visible_contacts(user: User, contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """The contacts without a child the user may not know of (hidden_contacts)."""
    return contacts.exclude(pk__in=hidden_contacts(user))


def people_prefetch() -> Prefetch:
    """A contact's people with their records, in the order they were named."""
    return Prefetch("people", queryset=ContactPerson.objects.select_related("person").order_by("id"))


def contact_with_people(contact_id: int) -> Contact | None:
    """The contact with who made and holds it, and its people (people_prefetch); None if there is none."""
    return (
        Contact.objects.filter(pk=contact_id)
        .select_related("referrer_agency", "recorded_by", "allocated_to")
        .prefetch_related(people_prefetch())
        .first()
    )


def decided_since(user: User, since: datetime.datetime) -> QuerySet[Contact]:
    """The contacts decided since then that the user may know of, most recent decision first."""
    return (
        visible_contacts(user, queue(status=Contact.Status.DECIDED))
        .filter(decision__decided_at__gte=since)
        .select_related("decision")
        .order_by("-decision__decided_at", "-id")
    )


def rag_counts(contacts: QuerySet[Contact], now: datetime.datetime) -> dict[str, int]:
    """How many of the open contacts are overdue, due soon (within FRONT_DOOR_AMBER_HOURS) and on track."""
    amber_from = now + datetime.timedelta(hours=settings.FRONT_DOOR_AMBER_HOURS)
    return contacts.order_by().aggregate(
        overdue=Count("pk", filter=Q(decision_due_at__lt=now)),
        due_soon=Count("pk", filter=Q(decision_due_at__gte=now, decision_due_at__lte=amber_from)),
        on_track=Count("pk", filter=Q(decision_due_at__gt=amber_from)),
    )


def decision_of(contact: Contact) -> ContactDecision | None:
    """The contact's decision, with its threshold level, document, decider and indicators."""
    return (
        ContactDecision.objects.filter(contact=contact)
        .select_related("level", "threshold_document", "decided_by")
        .prefetch_related("indicators__domain", "indicators__level")
        .first()
    )


def check_with_agency(check_id: int) -> AgencyCheck | None:
    """The check with the agency asked, or None."""
    return AgencyCheck.objects.select_related("agency").filter(pk=check_id).first()


def attachment(attachment_id: int) -> ContactAttachment | None:
    """The file sent with a contact, or None."""
    return ContactAttachment.objects.filter(pk=attachment_id).first()


def submissions_not_made() -> QuerySet[ContactSubmission]:
    """The partner submissions that are not contacts yet: failed first, then waiting, oldest first."""
    Status = ContactSubmission.Status
    return (
        ContactSubmission.objects.filter(status__in=[Status.FAILED, Status.RECEIVED])
        .select_related("api_token__agency")
        .order_by("status", "received_at", "id")
    )


def submission_counts(submissions: QuerySet[ContactSubmission]) -> dict[str, int]:
    """{status: how many} of these submissions."""
    return dict(submissions.order_by().values_list("status").annotate(n=Count("id")))


# --- The partners' pages ------------------------------------------------------------------


def own_contacts(user: User) -> QuerySet[Contact]:
    """The contacts this user recorded and, for a partner practitioner, those their agency made."""
    condition = Q(recorded_by=user)
    if user.role == User.Role.PARTNER_PRACTITIONER and user.agency_id:
        condition |= Q(referrer_agency_id=user.agency_id)
    return Contact.objects.filter(condition)


def own_contacts_listed(user: User) -> QuerySet[Contact]:
    """The user's own contacts (own_contacts), latest first, with the children they are about and the feedback."""
    return (
        own_contacts(user)
        .select_related("referrer_agency")
        .order_by("-received_at", "-id")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=ContactPerson.objects.filter(role=ContactPerson.Role.SUBJECT)
                .select_related("person")
                .order_by("id"),
            ),
            "feedback",
        )
    )


def own_contact(user: User, contact_id: int) -> Contact | None:
    """One of the user's own contacts (own_contacts) with its people, files and feedback; None for any other."""
    return (
        own_contacts(user)
        .select_related("referrer_agency")
        .prefetch_related(
            Prefetch("people", queryset=ContactPerson.objects.select_related("person", "address").order_by("id")),
            "attachments",
            "feedback",
        )
        .filter(pk=contact_id)
        .first()
    )


def check_children_prefetch() -> Prefetch:
    """A check's contact's children, as `check.contact.children`."""
    children = ContactPerson.objects.filter(role__in=CHILD_ROLES).select_related("person").order_by("id")
    return Prefetch("contact__people", queryset=children, to_attr="children")


def check_with_children(check_id: int) -> AgencyCheck | None:
    """The check with its contact, the agency asked and the contact's children; None if there is none."""
    return (
        AgencyCheck.objects.select_related("contact", "agency")
        .prefetch_related(check_children_prefetch())
        .filter(pk=check_id)
        .first()
    )


PUBLIC_THRESHOLD_STATUSES = [ThresholdDocument.Status.PUBLISHED, ThresholdDocument.Status.SUPERSEDED]


def threshold_domains(document: ThresholdDocument) -> QuerySet[Any]:
    """The document's domains with their indicators."""
    return document.domains.prefetch_related("indicators").all()


def other_threshold_versions(document: ThresholdDocument) -> list[ThresholdDocument]:
    """The versions published before or after this one (not drafts)."""
    return list(ThresholdDocument.objects.filter(status__in=PUBLIC_THRESHOLD_STATUSES).exclude(pk=document.pk))


def threshold_version(document_id: int) -> ThresholdDocument | None:
    """A published or superseded version of the threshold document (None for a draft or none)."""
    return ThresholdDocument.objects.filter(pk=document_id, status__in=PUBLIC_THRESHOLD_STATUSES).first()
