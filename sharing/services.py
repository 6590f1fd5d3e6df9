"""The writes of the information-sharing log: each one transaction, audited, and in the child's
chronology.

- ``record_disclosure``: information about a child given to another agency (s16LA Children Act
  2004 once in force; the basis in force before it until then: sharing.bases).
- ``record_withholding``: "not shared: more detrimental to the child". s16LA: the duty does not
  apply "if the holder considers that disclosure would be more detrimental to the child than not
  disclosing". An amendment to require a record of that decision was proposed in committee [U];
  the service records it anyway, with the reasons and the decision maker, and reports it to the
  decision maker's managers (sharing.selectors.withholdings_for_manager).
- ``notify_allocated_worker`` and ``read_notice``: a notice to the worker holding the child's case.
- ``log_partner_reads``: a partner agency's practitioner reading a child's record on the service
  is a disclosure to that agency (issue 20, item 7: "a linked record's view by a partner"). It
  listens to the audit trail's "view" events (audit.services.register_view_listener), so every
  page about a child that is audited is covered. One disclosure a reader, child and day, naming
  the first page read; the audit trail has every page.

The stages call ``record_disclosure`` where they disclose (a partner's answer to a front door
check, a strategy discussion, information shared at MACE): this app is below them.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from audit import services as audit
from casework.services import responsible
from chronology.services import record_event
from kernel.rules import Errors, RuleBroken, as_date, long_date
from partners.access import is_local_authority_staff
from partners.models import Agency, User
from people.access import shown
from people.models import Person

from . import bases
from .models import Disclosure, Notice, Withholding
from .selectors import consistent_identifier

if TYPE_CHECKING:
    from audit.models import AuditEvent
    from kernel.access import AnyUser

WHAT_MAX = 20000


def _member(user: AnyUser | None) -> User | None:
    return user if isinstance(user, User) else None


def _recipient(
    errors: Errors, to_agency: Agency | None, recipient: str, field: str = "to_agency", shared: bool = True
) -> str:
    recipient = (recipient or "").strip()
    if to_agency is None and not recipient:
        errors.add(field, f"Select or enter the agency the information was {'' if shared else 'not '}shared with")
    return recipient[:200]


@transaction.atomic
def record_disclosure(
    user: AnyUser | None,
    person: Person,
    *,
    what: str,
    to_agency: Agency | None = None,
    recipient: str = "",
    shared_at: datetime.datetime | None = None,
    lawful_basis: str = "",
    kind: str = Disclosure.Kind.RECORDED,
    from_agency: Agency | None = None,
    shared_by: AnyUser | None = None,
    source: Model | None = None,
    by_the_service: bool = False,
) -> Disclosure:
    """Log that information about `person` was given to another agency: what, to whom
    (`to_agency`, or `recipient` in words), when, by whom (`shared_by`, by default the user),
    from which agency (for a disclosure recorded by hand, by default the user's; a stage's hook
    names it, or leaves it unknown) and under which lawful basis (by default the one
    in force on the day: s16LA once commenced). The child's consistent identifier (s16LC) is
    included where known. `by_the_service`: the service itself disclosed it (a CP-IS answer),
    so no one is named as sharing it."""
    errors = Errors()
    shared_at = shared_at or timezone.now()
    if kind != Disclosure.Kind.RECORDED:
        # A stage's own moment (a discussion held later today) is logged as shared by now.
        shared_at = min(shared_at, timezone.now())
    if shared_at > timezone.now():
        errors.add("shared_at", "The date it was shared cannot be in the future")
    day = as_date(timezone.localtime(shared_at)) if timezone.is_aware(shared_at) else as_date(shared_at)
    recipient = _recipient(errors, to_agency, recipient)
    if not (what or "").strip():
        errors.add("what", "Enter what was shared")
    if kind not in Disclosure.Kind.values:
        errors.add("kind", "Select how it was shared")
    lawful_basis = lawful_basis or bases.default_basis(day)
    if lawful_basis == bases.S16LA and not bases.s16la_in_force(day):
        errors.add(
            "lawful_basis",
            f"Section 16LA of the Children Act 2004 was not in force on {long_date(day)}: "
            "select the basis the information was shared under then",
        )
    elif lawful_basis not in dict(bases.bases_on(day)):
        errors.add("lawful_basis", "Select the lawful basis for sharing it")
    errors.raise_if_any()
    member = _member(user)
    sharer = None if by_the_service else _member(shared_by) or member
    if from_agency is None and kind == Disclosure.Kind.RECORDED and sharer is not None and sharer.agency_id:
        from_agency = sharer.agency
    id_type, identifier = consistent_identifier(person, day)
    disclosure = Disclosure.objects.create(
        person=person,
        kind=kind,
        from_agency=from_agency,
        to_agency=to_agency,
        recipient="" if to_agency is not None else recipient,
        what=what.strip()[:WHAT_MAX],
        shared_at=shared_at,
        shared_by=sharer,
        lawful_basis=lawful_basis,
        identifier_type=id_type,
        identifier=identifier,
        source_type=source._meta.label_lower if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
        recorded_by=member,
    )
    title = f"Information shared with {disclosure.recipient_name}"
    record_event(
        person,
        "information-shared",
        shared_at,
        title,
        detail=f"{disclosure.get_kind_display()}. Basis: {bases.label(lawful_basis)}",
        agency=from_agency,
        source=disclosure,
        recorded_by=member,
    )
    audit.record_creation(member, disclosure, person=person, summary=title)
    return disclosure


def the_local_authority() -> Agency | None:
    """The service's local authority (the first, where a test world has several)."""
    return Agency.objects.filter(kind=Agency.Kind.LOCAL_AUTHORITY).order_by("pk").first()


def log_partner_reads(user: AnyUser | None, events: list[AuditEvent]) -> None:
    """Log a partner's reads of children's records as disclosures to the reader's agency (the
    local authority's record shown by the service), once per reader, child and day."""
    member = _member(user)
    if member is None or not member.agency_id or is_local_authority_staff(member):
        return
    today = timezone.localdate()
    first_page: dict[int, str] = {}
    for event in events:
        if event.person_id is not None:
            first_page.setdefault(event.person_id, event.summary)
    already = set(
        Disclosure.objects.filter(
            kind=Disclosure.Kind.RECORD_VIEW,
            recorded_by=member,
            person_id__in=first_page,
            shared_at__date__gte=today,
        ).values_list("person_id", flat=True)
    )
    people = Person.objects.in_bulk([pk for pk in first_page if pk not in already])
    if not people:
        return
    authority = the_local_authority()
    reader = member.get_full_name() or member.get_username()
    for person_id, person in sorted(people.items()):
        page = first_page[person_id] or "a page of the record"
        record_disclosure(
            member,
            person,
            what=f"{reader} ({member.agency}) read the child's record on the service: {page}",
            to_agency=member.agency,
            kind=Disclosure.Kind.RECORD_VIEW,
            from_agency=authority,
            by_the_service=True,
        )


@transaction.atomic
def record_withholding(
    user: AnyUser,
    person: Person,
    *,
    information: str,
    reasons: str,
    decision_maker: User | None,
    to_agency: Agency | None = None,
    recipient: str = "",
    decided_on: datetime.date | None = None,
) -> Withholding:
    """Record a decision not to share information about `person` with an agency because the
    decision maker considers disclosure would be more detrimental to the child than not
    disclosing (s16LA): the reasons and the decision maker are required."""
    errors = Errors()
    member = _member(user)
    if member is None:
        raise RuleBroken("Sign in to record a decision not to share")
    recipient = _recipient(errors, to_agency, recipient, shared=False)
    if not (information or "").strip():
        errors.add("information", "Enter what was not shared")
    if not (reasons or "").strip():
        errors.add("reasons", "Enter why sharing would be more detrimental to the child than not sharing")
    if decision_maker is None:
        errors.add("decision_maker", "Select who made the decision")
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        errors.add("decided_on", "The date of the decision cannot be in the future")
    errors.raise_if_any()
    assert decision_maker is not None
    id_type, identifier = consistent_identifier(person, decided_on)
    withholding = Withholding.objects.create(
        person=person,
        from_agency=decision_maker.agency if decision_maker.agency_id else member.agency,
        to_agency=to_agency,
        recipient="" if to_agency is not None else recipient,
        information=information.strip()[:WHAT_MAX],
        reasons=reasons.strip()[:WHAT_MAX],
        decided_on=decided_on,
        decided_by=decision_maker,
        team=decision_maker.team,
        identifier_type=id_type,
        identifier=identifier,
        recorded_by=member,
    )
    title = f"Not shared with {withholding.recipient_name}: more detrimental to the child"
    record_event(
        person,
        "information-withheld",
        timezone.make_aware(datetime.datetime.combine(decided_on, datetime.time(12)))
        if decided_on != timezone.localdate()
        else timezone.now(),
        title,
        detail=f"Decided by {decision_maker.get_full_name() or decision_maker.get_username()}",
        agency=withholding.from_agency,
        source=withholding,
        recorded_by=member,
    )
    audit.record_creation(member, withholding, person=person, summary=title)
    return withholding


def basis_if_allowed(code: str, day: datetime.date) -> str:
    """`code` if it is a lawful basis that may be given on `day`, else "" (the default for the
    day): a stage's own basis (MACE's list) carried into the log where it means the same."""
    return code if code in dict(bases.bases_on(day)) else ""


def at_noon(day: datetime.date) -> datetime.datetime:
    """A day's disclosure time when only the day is known: noon, or now if that is later than now."""
    return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))), timezone.now())


def allocated_workers(person: Person) -> list[User]:
    """The workers holding the child's open child-in-need episodes now
    (casework.services.responsible), without repeats."""
    workers: dict[int, User] = {}
    episodes: Any = person.referrals.filter(closure_date__isnull=True)
    for episode in episodes:
        _, worker = responsible(episode)
        if worker is not None and worker.is_active:
            workers[worker.pk] = worker
    return list(workers.values())


def notify_allocated_worker(
    person: Person, title: str, body: str = "", disclosure: Disclosure | None = None
) -> list[Notice]:
    """Tell the child's allocated worker(s): an unread notice on their caseload (their home).
    A worker who may not be shown the child (a restricted record they are not named on) is not
    told. Called inside the caller's transaction."""
    return [
        Notice.objects.create(user=worker, person=person, title=title[:200], body=body, disclosure=disclosure)
        for worker in allocated_workers(person)
        if shown(worker, [person])[person.pk]
    ]


@transaction.atomic
def read_notice(user: AnyUser, notice: Notice) -> Notice:
    """Mark the user's own notice read (once)."""
    if notice.user_id != user.pk:
        raise RuleBroken("This notice is not yours")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        audit.record_change(
            user, notice, {"read_at": (None, notice.read_at)}, person=notice.person_id, summary="Read a notice"
        )
    return notice
