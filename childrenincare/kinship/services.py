"""Kinship care (process specification 2.19, 2.15, 6.6 and 7): carers and providers, the
temporary approval of a connected person (Care Planning Regulations 2010 reg 24, extendable
once by reg 25), full approval as a foster carer, the end of an approval, and the child's
family network. Rules named as the field names them; each is one transaction that checks
every rule first (kernel.rules.RuleBroken), then writes, adds to the chronology of the
children concerned (kind "kinship") and is audited.

- add_carer: any kind of carer or provider. A connected person needs their relationship to
  the child and is linked to their record when the child's record holds one; a parent's
  provider is PR0; an Ofsted URN is 6 to 8 letters and numbers.
- approve_temporarily / extend_temporary_approval: a connected person only; 16 weeks
  (timescale rule temporary-approval-ends), then once only 8 more weeks from the end of the
  first approval (temporary-approval-extension-ends), approved by a nominated officer after
  the fostering panel's views were sought and the IRO informed (reg 25(4), (5)). The due date
  is the child's, about the carer.
- approve_carer: full approval as a foster carer; it meets the open temporary-approval due
  date. end_approval: the approval ends, with the reason.
- add_family_network_member / change_network_role: the child's family network.
- summary: what the child's care page shows (template childrenincare/kinship/_summary.html).

The durations in reg 24 and 25 are marked [U] in the process specification: they are data
(kernel/data/timescales.json), not written here.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent
from casework.services import due_to_meet, issue_due
from childrenincare.models import Carer, Designation, FamilyNetworkMember, PeriodOfCare, Placement
from chronology.services import record_event
from kernel import codelists, deadlines
from kernel import selectors as deadline_reads
from kernel.models import Deadline
from kernel.rules import Errors, as_date, check_date, long_date
from kernel.templatetags import due_dates as due_tags
from people.models import Person
from people.postcodes import looks_like_postcode, normalise_postcode
from people.services import relationships

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from kernel.access import SignedInUser

FIRST_RULE = "temporary-approval-ends"
EXTENSION_RULE = "temporary-approval-extension-ends"
TEMPORARY_RULES = (EXTENSION_RULE, FIRST_RULE)
PARENT_PROVIDER = "PR0"
KINSHIP_PLACEMENTS = ("U1", "U2", "U3")
# 903 REC of the orders by which a child leaves care to live with family or friends.
KINSHIP_ORDERS = ("E41", "E45", "E46", "E47", "E48")
FOSTER_KINDS = (Carer.Kind.LA_FOSTER_CARER, Carer.Kind.AGENCY_FOSTER_CARER, Carer.Kind.CONNECTED_PERSON)
# Kinds that may be linked to a person's record, with their relationship to the child.
PERSONAL_KINDS = (Carer.Kind.CONNECTED_PERSON, Carer.Kind.PARENT, Carer.Kind.ADOPTER)
NAME_MAX, RELATIONSHIP_MAX = 200, 100
ADULT_AGE = 18
NOMINATED_OFFICER = Designation.Kind.NOMINATED_OFFICER


def _clean(value):
    return (value or "").strip()


def lock_carer(carer: Carer) -> Carer:
    return Carer.objects.select_for_update().get(pk=carer.pk)


def approval_label(carer: Carer) -> str:
    """The approval as a practitioner reads it: a foster carer or connected person with no
    approval recorded yet is "not approved yet", not "not needed"."""
    if carer.approval == Carer.Approval.NOT_NEEDED and carer.kind in FOSTER_KINDS:
        return "Not approved yet"
    return carer.get_approval_display()


def open_temporary_deadline(carer: Carer) -> Deadline | None:
    """The open due date of the carer's temporary approval (extended or first), or None."""
    for slug in TEMPORARY_RULES:
        found = deadline_reads.open_deadline(carer, slug)
        if found is not None:
            return found
    return None


def current_placements(carer: Carer) -> QuerySet[Placement]:
    """The open placements with this carer, in open periods of care."""
    return (
        Placement.objects.filter(carer=carer, end_date__isnull=True, period__end_date__isnull=True)
        .select_related("period__person")
        .order_by("start_date", "id")
    )


def _children_concerned(carer, also=None):
    """The children a change to the carer's approval concerns: those placed there now and the
    child of the temporary approval, each once."""
    found = {}
    if also is not None:
        found[also.pk] = also
    for placement in current_placements(carer):
        found.setdefault(placement.period.person_id, placement.period.person)
    return list(found.values())


def _record(user, carer, children, title, *, changes, summary, detail=""):
    """The chronology of each child concerned, and one audit entry of the change."""
    now = timezone.now()
    for child in children:
        record_event(child, "kinship", now, title, detail=detail, source=carer, recorded_by=user)
    audit.record_change(user, carer, changes, person=children[0] if children else carer.person_id, summary=summary)


def _related_adults(user, child):
    return [other for other, _label, _rel in relationships(child, user=user) if other.kind != Person.Kind.CHILD]


# --- Carers -------------------------------------------------------------------------------


def _check_person(errors, person, kind, child):
    if person is None:
        return
    if kind not in PERSONAL_KINDS:
        errors.add("person", "Link a person's record only for a connected person, a parent or a prospective adopter")
    elif person.kind == Person.Kind.PROFESSIONAL:
        errors.add("person", f"{person.full_name} is recorded as a professional: choose the carer's own record")
    elif child is not None and person.pk == child.pk:
        errors.add("person", "A child cannot be their own carer")
    else:
        age = person.age_on(timezone.localdate())
        if age is not None and age < ADULT_AGE:
            errors.add("person", f"{person.full_name} is under 18: a carer is an adult")
    if kind in PERSONAL_KINDS and Carer.objects.filter(person=person).exclude(approval=Carer.Approval.ENDED).exists():
        errors.add("person", f"{person.full_name} is already recorded as a carer: use that record")


@transaction.atomic
def add_carer(  # noqa: C901
    user: SignedInUser,
    *,
    kind: str,
    name: str,
    provider: str = "",
    urn: str = "",
    postcode: str = "",
    person: Person | None = None,
    relationship_to_child: str = "",
    child: Person | None = None,
) -> Carer:
    """A carer or provider. `child`: the child the carer is being added for (when known), so
    that a connected person whose record the child's record holds is linked to it."""
    errors = Errors()
    name, relationship = _clean(name), _clean(relationship_to_child)
    provider, urn = _clean(provider).upper(), _clean(urn).upper()
    postcode = _clean(postcode)
    if kind not in Carer.Kind.values:
        errors.add("kind", "Select the kind of carer or provider")
    if not name and person is not None:
        name = person.full_name
    if not name:
        errors.add("name", "Enter the carer's or provider's name")
    elif len(name) > NAME_MAX:
        errors.add("name", f"The name must be {NAME_MAX} characters or fewer")
    if kind == Carer.Kind.CONNECTED_PERSON and not relationship:
        errors.add(
            "relationship_to_child",
            "Enter how the connected person is related to or knows the child, "
            "for example: maternal aunt, family friend",
        )
    elif len(relationship) > RELATIONSHIP_MAX:
        errors.add("relationship_to_child", f"The relationship must be {RELATIONSHIP_MAX} characters or fewer")
    _check_person(errors, person, kind, child)
    if person is None and child is not None and kind in PERSONAL_KINDS and name:
        known = [p for p in _related_adults(user, child) if p.full_name.casefold() == name.casefold()]
        if known:
            errors.add(
                "person",
                f"{known[0].full_name} has a record linked to the child's: select it, so the "
                "carer is linked to their record",
            )
    if kind == Carer.Kind.PARENT:
        provider = provider or PARENT_PROVIDER
        if provider != PARENT_PROVIDER:
            errors.add(
                "provider", "A parent's provider is 'parents or other people with parental responsibility' (PR0)"
            )
        if urn:
            errors.add("urn", "Leave the Ofsted reference blank for a parent")
    elif not codelists.is_valid("placement-provider", provider):
        errors.add("provider", "Select the provider")
    elif provider == PARENT_PROVIDER:
        errors.add(
            "provider",
            "Parents or other people with parental responsibility (PR0) is the provider only for "
            "a parent: choose the kind 'parent' or another provider",
        )
    if urn and not (6 <= len(urn) <= 8 and urn.isalnum()):
        errors.add("urn", "An Ofsted unique reference number is 6 to 8 letters and numbers, like SC123456")
    if postcode and not looks_like_postcode(postcode):
        errors.add("postcode", "Enter a full UK postcode, like SW1A 1AA")
    errors.raise_if_any()
    carer = Carer.objects.create(
        kind=kind,
        name=name,
        person=person,
        relationship_to_child=relationship,
        provider=provider,
        urn=urn,
        postcode=normalise_postcode(postcode) if postcode else "",
        created_by=user,
    )
    audit.record_creation(
        user, carer, person=child or person, summary=f"Added a carer: {carer.get_kind_display().lower()}"
    )
    if child is not None:
        record_event(
            child,
            "kinship",
            timezone.now(),
            f"Carer added: {carer.name}",
            detail=carer.get_kind_display() + (f" ({relationship})" if relationship else ""),
            source=carer,
            recorded_by=user,
        )
    return carer


def _open_period(child):
    return PeriodOfCare.objects.filter(person=child, end_date__isnull=True).select_related("episode").first()


def _check_child(errors, child):
    if child is None:
        errors.add("child", "Select the child the carer is approved for")
    elif child.kind != Person.Kind.CHILD:
        errors.add("child", "Select a child")


@transaction.atomic
def approve_temporarily(user: SignedInUser, carer: Carer, *, on: datetime.date | None, child: Person | None) -> Carer:
    """Temporary approval of a connected person as the child's foster carer (CPR10 reg 24),
    for 16 weeks: the due date is issued for the child."""
    carer = lock_carer(carer)
    errors = Errors()
    if carer.kind != Carer.Kind.CONNECTED_PERSON:
        errors.add(
            "__all__",
            f"Only a connected person (a relative, friend or other person connected with the child) "
            f"can be temporarily approved: {carer.name} is recorded as "
            f"{carer.get_kind_display()[0].lower()}{carer.get_kind_display()[1:]} "
            "(Care Planning Regulations 2010 reg 24)",
        )
    elif carer.approval == Carer.Approval.TEMPORARY:
        errors.add(
            "__all__", f"{carer.name} was already temporarily approved on {long_date(carer.temporarily_approved_on)}"
        )
    elif carer.approval == Carer.Approval.APPROVED:
        errors.add(
            "__all__",
            f"{carer.name} was approved as a foster carer on {long_date(carer.approved_on)}: "
            "temporary approval is for before full approval",
        )
    elif carer.approval == Carer.Approval.ENDED:
        errors.add(
            "__all__",
            f"{carer.name}'s approval ended on {long_date(carer.approval_ended_on)}: "
            "temporary approval is given once, before full approval",
        )
    _check_child(errors, child)
    check_date(errors, "on", on, label="date of the temporary approval")
    errors.raise_if_any()
    child = cast(Person, child)  # checked: the child is chosen
    day = as_date(cast(datetime.date, on))  # checked: the date is given
    period = _open_period(child)
    if period is not None:
        due = issue_due(FIRST_RULE, day, person=child, subject=carer, episode=period.episode)
    else:
        due = deadlines.issue(FIRST_RULE, day, person=child, subject=carer)
    Carer.objects.filter(pk=carer.pk).update(approval=Carer.Approval.TEMPORARY, temporarily_approved_on=day)
    _record(
        user,
        carer,
        _children_concerned(carer, also=child),
        f"{carer.name} temporarily approved as a connected person (regulation 24)",
        detail=f"Temporary approval ends on {long_date(due.due_date)}",
        changes={"approval": (carer.approval, Carer.Approval.TEMPORARY), "temporarily_approved_on": (None, day)},
        summary="Temporarily approved a connected person",
    )
    carer.approval, carer.temporarily_approved_on = Carer.Approval.TEMPORARY, day
    return carer


@transaction.atomic
def extend_temporary_approval(
    user: SignedInUser,
    carer: Carer,
    *,
    on: datetime.date | None,
    child: Person | None,
    panel_consulted_on: datetime.date | None = None,
    panel_views: str = "",
    reasons: str = "",
    iro_informed_on: datetime.date | None = None,
) -> Carer:
    """Extend a temporary approval once, for 8 weeks from the end of the first (CPR10 reg 25):
    the temporary approval is likely to end before the full assessment is complete (25(1)(a),
    (2)); before deciding, the authority considers whether the placement is still the most
    appropriate available (`reasons`, 25(4)(a)), seeks the views of the fostering panel
    (`panel_consulted_on`, `panel_views`, 25(4)(b)) and informs the IRO (`iro_informed_on`,
    25(4)(c)); the decision is approved by a nominated officer (25(5)): `user`, designated on
    the day of the extension."""
    from childrenincare.selectors import is_designated

    carer = lock_carer(carer)
    errors = Errors()
    first = deadline_reads.open_deadline(carer, FIRST_RULE)
    if carer.approval != Carer.Approval.TEMPORARY:
        errors.add("__all__", f"{carer.name} is not temporarily approved: only a temporary approval can be extended")
    elif carer.temporary_approval_extended_on is not None:
        errors.add(
            "__all__",
            f"The temporary approval was already extended on {long_date(carer.temporary_approval_extended_on)}: "
            "it can be extended only once (Care Planning Regulations 2010 reg 25)",
        )
    elif first is None:
        errors.add("__all__", "There is no open temporary approval due date to extend")
    _check_child(errors, child)
    if child is not None and first is not None and first.person_id != child.pk:
        errors.add("child", "The temporary approval was given for another child: extend it from that child's record")
    check_date(
        errors,
        "on",
        on,
        label="date of the extension",
        not_before=carer.temporarily_approved_on,
        not_before_label="the temporary approval",
    )
    if on and "on" not in errors and first is not None and as_date(on) > first.due_date:
        errors.add(
            "on",
            f"The temporary approval ended on {long_date(first.due_date)}: it can be extended only "
            "before it ends (reg 25)",
        )
    day = as_date(on) if on and "on" not in errors else None
    if day and not is_designated(user, NOMINATED_OFFICER, day):
        errors.add(
            "__all__",
            "Only a nominated officer may approve the extension of a temporary approval "
            "(Care Planning Regulations 2010 reg 25(5))",
        )
    if not _clean(reasons):
        errors.add(
            "reasons",
            "Say why the placement with the connected person is still the most appropriate "
            "placement available (reg 25(4)(a))",
        )
    check_date(
        errors,
        "panel_consulted_on",
        panel_consulted_on,
        label="date the fostering panel's views were sought",
        not_before=carer.temporarily_approved_on,
        not_before_label="the temporary approval",
    )
    if day and panel_consulted_on and "panel_consulted_on" not in errors and as_date(panel_consulted_on) > day:
        errors.add(
            "panel_consulted_on",
            "The fostering panel's views are sought before the extension is decided (reg 25(4)(b))",
        )
    if not _clean(panel_views):
        errors.add(
            "panel_views",
            "Record the fostering panel's views: they are sought before deciding to extend (reg 25(4)(b))",
        )
    check_date(
        errors,
        "iro_informed_on",
        iro_informed_on,
        label="date the IRO was informed",
        not_before=carer.temporarily_approved_on,
        not_before_label="the temporary approval",
    )
    if day and iro_informed_on and "iro_informed_on" not in errors and as_date(iro_informed_on) > day:
        errors.add("iro_informed_on", "The IRO is informed before the extension is decided (reg 25(4)(c))")
    errors.raise_if_any()
    child, first = cast(Person, child), cast(Deadline, first)  # checked: the child is chosen, the approval open
    deadlines.withdraw(carer, FIRST_RULE, reason="The temporary approval was extended (regulation 25)")
    period = _open_period(child)
    if period is not None:
        due = issue_due(EXTENSION_RULE, first.due_date, person=child, subject=carer, episode=period.episode)
    else:
        due = deadlines.issue(EXTENSION_RULE, first.due_date, person=child, subject=carer)
    fields = {
        "temporary_approval_extended_on": day,
        "temporary_approval_extended_by": user,
        "extension_panel_consulted_on": as_date(cast(datetime.date, panel_consulted_on)),
        "extension_panel_views": _clean(panel_views),
        "extension_reasons": _clean(reasons),
        "extension_iro_informed_on": as_date(cast(datetime.date, iro_informed_on)),
    }
    Carer.objects.filter(pk=carer.pk).update(**fields)
    _record(
        user,
        carer,
        _children_concerned(carer, also=child),
        f"Temporary approval of {carer.name} extended by a nominated officer (regulation 25)",
        detail=(
            f"Temporary approval now ends on {long_date(due.due_date)}. The fostering panel's views, sought on "
            f"{long_date(as_date(cast(datetime.date, panel_consulted_on)))}: {_clean(panel_views)}"
        ),
        changes={"temporary_approval_extended_on": (None, day)},
        summary="Extended a temporary approval",
    )
    for name, value in fields.items():
        setattr(carer, name, value)
    return carer


@transaction.atomic
def approve_carer(user: SignedInUser, carer: Carer, *, on: datetime.date | None, late_reason: str = "") -> Carer:
    """Full approval as a foster carer (for a connected person, after the assessment). It
    meets the open temporary-approval due date; after that date it needs the reason."""
    carer = lock_carer(carer)
    errors = Errors()
    if carer.kind not in FOSTER_KINDS:
        errors.add(
            "__all__",
            f"Only a foster carer or connected person is approved as a foster carer: {carer.name} is "
            f"recorded as {carer.get_kind_display()[0].lower()}{carer.get_kind_display()[1:]}",
        )
    elif carer.approval == Carer.Approval.APPROVED:
        errors.add("__all__", f"{carer.name} was already approved on {long_date(carer.approved_on)}")
    elif carer.approval == Carer.Approval.ENDED:
        errors.add(
            "__all__",
            f"{carer.name}'s approval ended on {long_date(carer.approval_ended_on)}: a new approval is "
            "a new assessment, recorded as a new carer",
        )
    check_date(
        errors,
        "on",
        on,
        label="date of approval",
        not_before=carer.temporarily_approved_on,
        not_before_label="the temporary approval",
    )
    day = as_date(on) if on else None
    found = None
    if day and "on" not in errors:
        found = due_to_meet(errors, carer, TEMPORARY_RULES, day, late_reason)
    errors.raise_if_any()
    child = found.person if found is not None else None
    if found is not None:
        deadlines.complete(found, cast(datetime.date, day), late_reason)  # found only for a day given
    Carer.objects.filter(pk=carer.pk).update(approval=Carer.Approval.APPROVED, approved_on=day)
    _record(
        user,
        carer,
        _children_concerned(carer, also=child),
        f"{carer.name} approved as a foster carer",
        detail=(
            f"Approved after the temporary approval ended: {late_reason.strip()}"
            if found is not None and deadlines.is_late(found, cast(datetime.date, day))
            else ""
        ),
        changes={"approval": (carer.approval, Carer.Approval.APPROVED), "approved_on": (None, day)},
        summary="Approved a foster carer",
    )
    carer.approval, carer.approved_on = Carer.Approval.APPROVED, day
    return carer


@transaction.atomic
def end_approval(user: SignedInUser, carer: Carer, *, on: datetime.date | None, reason: str) -> Carer:
    """The carer's approval (temporary or full) ends, with the reason. Children still placed
    there need a new placement (903 reason APPRR)."""
    carer = lock_carer(carer)
    errors = Errors()
    reason = _clean(reason)
    approved_from = carer.approved_on or carer.temporarily_approved_on
    if carer.approval == Carer.Approval.ENDED:
        errors.add("__all__", f"{carer.name}'s approval already ended on {long_date(carer.approval_ended_on)}")
    elif carer.approval not in (Carer.Approval.TEMPORARY, Carer.Approval.APPROVED):
        errors.add("__all__", f"{carer.name} has not been approved: there is no approval to end")
    else:
        check_date(
            errors, "on", on, label="date the approval ended", not_before=approved_from, not_before_label="the approval"
        )
    if not reason:
        errors.add(
            "reason",
            "Give the reason the approval ended, for example: the carer resigned, or was not "
            "approved after the assessment",
        )
    errors.raise_if_any()
    day = as_date(cast(datetime.date, on))  # checked: the date is given
    found = open_temporary_deadline(carer)
    child = found.person if found is not None else None
    deadlines.withdraw(carer, reason="The carer's approval ended")
    Carer.objects.filter(pk=carer.pk).update(approval=Carer.Approval.ENDED, approval_ended_on=day)
    _record(
        user,
        carer,
        _children_concerned(carer, also=child),
        f"Approval of {carer.name} ended",
        detail=reason,
        changes={
            "approval": (carer.approval, Carer.Approval.ENDED),
            "approval_ended_on": (None, day),
            "reason": ("", reason),
        },
        summary="Ended a carer's approval",
    )
    carer.approval, carer.approval_ended_on = Carer.Approval.ENDED, day
    return carer


def end_reason(carer: Carer) -> str:
    """Why the carer's approval ended: the model has no field for it, so it is read from the
    audit entry of the change (end_approval records it there and in the chronology)."""
    if carer.approval != Carer.Approval.ENDED:
        return ""
    events = AuditEvent.objects.filter(
        object_type=carer._meta.label_lower, object_id=str(carer.pk), action=AuditEvent.Action.UPDATE
    ).order_by("-at", "-id")
    for event in events:
        change = (event.detail or {}).get("changes", {}).get("reason")
        if change:
            return change[1]
    return ""


# --- The family network -------------------------------------------------------------------


def member_name(member: FamilyNetworkMember) -> str:
    return cast(Person, member.person).full_name if member.person_id else member.name


def _check_role(errors, role, notes):
    if role not in FamilyNetworkMember.Role.values:
        errors.add("role", "Select their role in the child's network")
    elif role == FamilyNetworkMember.Role.RULED_OUT and not _clean(notes):
        errors.add("notes", "Say why they were ruled out as a carer, and who decided")


@transaction.atomic
def add_family_network_member(
    user: SignedInUser,
    child: Person,
    *,
    person: Person | None = None,
    name: str = "",
    relationship: str,
    role: str,
    notes: str = "",
) -> FamilyNetworkMember:
    """Someone in the child's family network: their record, or their name when they have none."""
    child = Person.objects.select_for_update().get(pk=child.pk)
    errors = Errors()
    name, relationship = _clean(name), _clean(relationship)
    if child.kind != Person.Kind.CHILD:
        errors.add("__all__", "A family network is recorded for a child")
    if person is not None and name:
        errors.add("name", "Either select their record or enter a name, not both")
    elif person is None and not name:
        errors.add("person", "Select their record, or enter the name of someone who has no record here")
    elif len(name) > NAME_MAX:
        errors.add("name", f"The name must be {NAME_MAX} characters or fewer")
    if person is not None and person.pk == child.pk:
        errors.add("person", "The child is not part of their own family network")
    if not relationship:
        errors.add("relationship", "Enter their relationship to the child, for example: maternal grandmother")
    elif len(relationship) > RELATIONSHIP_MAX:
        errors.add("relationship", f"The relationship must be {RELATIONSHIP_MAX} characters or fewer")
    _check_role(errors, role, notes)
    existing = FamilyNetworkMember.objects.filter(child=child)
    if person is not None and existing.filter(person=person).exists():
        errors.add("person", f"{person.full_name} is already in the child's family network: change their role instead")
    if name and any(
        _clean(other).casefold() == name.casefold()
        for other in existing.filter(person__isnull=True).values_list("name", flat=True)
    ):
        errors.add("name", f"{name} is already in the child's family network: change their role instead")
    errors.raise_if_any()
    member = FamilyNetworkMember.objects.create(
        child=child,
        person=person,
        name=name,
        relationship=relationship,
        role=role,
        notes=_clean(notes),
        added_on=timezone.localdate(),
        added_by=user,
    )
    record_event(
        child,
        "kinship",
        timezone.now(),
        f"Family network: {member_name(member)} ({relationship})",
        detail=member.get_role_display(),
        source=member,
        recorded_by=user,
    )
    audit.record_creation(user, member, person=child, summary="Added someone to the child's family network")
    return member


@transaction.atomic
def change_network_role(
    user: SignedInUser, member: FamilyNetworkMember, *, role: str, notes: str
) -> FamilyNetworkMember:
    member = FamilyNetworkMember.objects.select_for_update().get(pk=member.pk)
    errors = Errors()
    notes = _clean(notes)
    _check_role(errors, role, notes)
    if role == member.role and notes == member.notes:
        errors.add(
            "role",
            f"Nothing has changed: {member_name(member)}'s role is already "
            f"{member.get_role_display()[0].lower()}{member.get_role_display()[1:]}",
        )
    errors.raise_if_any()
    before = (member.role, member.notes)
    FamilyNetworkMember.objects.filter(pk=member.pk).update(role=role, notes=notes)
    member.role, member.notes = role, notes
    record_event(
        member.child,
        "kinship",
        timezone.now(),
        f"Family network: {member_name(member)} now {member.get_role_display()[0].lower()}"
        f"{member.get_role_display()[1:]}",
        detail=notes,
        source=member,
        recorded_by=user,
    )
    changes = {"role": (before[0], role)}
    if before[1] != notes:
        changes["notes"] = (before[1], notes)
    audit.record_change(user, member, changes, person=member.child, summary="Changed a family network member's role")
    return member


# --- The child's care page ----------------------------------------------------------------


def summary(child: Person, today: datetime.date | None = None) -> dict[str, Any]:
    """What the child's care page shows about kinship care (template
    childrenincare/kinship/_summary.html): the family network by role, the connected-person
    carers caring for the child now with their approval and when a temporary approval ends,
    and the periods of care that ended with a child arrangements or special guardianship
    order."""
    today = today or timezone.localdate()
    members = list(FamilyNetworkMember.objects.filter(child=child).select_related("person").order_by("role", "id"))
    network = []
    for value, label in FamilyNetworkMember.Role.choices:
        found = [m for m in members if m.role == value]
        if found:
            network.append(
                {"role": value, "label": label, "members": [{"member": m, "name": member_name(m)} for m in found]}
            )
    placements = list(
        Placement.objects.filter(
            period__person=child, period__end_date__isnull=True, end_date__isnull=True, carer__isnull=False
        )
        .filter(Q(carer__kind=Carer.Kind.CONNECTED_PERSON) | Q(place__in=KINSHIP_PLACEMENTS))
        .select_related("carer")
        .order_by("start_date", "id")
    )
    carer_ids = [cast(int, p.carer_id) for p in placements]  # each has a carer
    due = {
        d.subject_id: d
        for d in Deadline.objects.filter(
            subject_type__app_label="childrenincare",
            subject_type__model="carer",
            subject_id__in=carer_ids,
            rule_slug__in=TEMPORARY_RULES,
            status=Deadline.Status.OPEN,
        )
    }
    carers = []
    for placement in placements:
        carer = cast(Carer, placement.carer)  # placements with a carer (above)
        ends = due.get(carer.pk)
        carers.append(
            {
                "carer": carer,
                "placement": placement,
                "approval": approval_label(carer),
                "ends": ends,
                "tag": due_tags.tag(ends, today) if ends else None,
                "for_this_child": ends is not None and ends.person_id == child.pk,
                "may_approve_temporarily": (
                    carer.kind == Carer.Kind.CONNECTED_PERSON and carer.approval == Carer.Approval.NOT_NEEDED
                ),
                "may_extend": (
                    carer.approval == Carer.Approval.TEMPORARY
                    and carer.temporary_approval_extended_on is None
                    and ends is not None
                    and ends.rule_slug == FIRST_RULE
                    and ends.person_id == child.pk
                ),
                "may_approve": (
                    carer.kind in FOSTER_KINDS
                    and carer.approval in (Carer.Approval.NOT_NEEDED, Carer.Approval.TEMPORARY)
                ),
            }
        )
    outcomes = [
        {
            "period": p,
            "code": p.end_reason,
            "reason": codelists.label("episode-end-reason", p.end_reason),
            "order": "Child arrangements order" if p.end_reason == "E41" else "Special guardianship order",
        }
        for p in PeriodOfCare.objects.filter(person=child, end_reason__in=KINSHIP_ORDERS)
        .exclude(end_date__isnull=True)
        .order_by("-end_date", "-id")
    ]
    return {"network": network, "network_count": len(members), "carers": carers, "outcomes": outcomes, "child": child}


def children_placed(carer: Carer) -> list[Placement]:
    """Every placement with the carer, the current ones first, with the child."""
    return list(
        Placement.objects.filter(carer=carer)
        .select_related("period__person")
        .order_by(F("end_date").desc(nulls_first=True), "-start_date", "-id")
    )
