"""Child protection information sharing (CP-IS) style look-ups, as NHS England's CP-IS: an
unscheduled care setting (an emergency department, a walk-in centre, out-of-hours GP, a
maternity unit) asks by NHS number whether a child is on a child protection plan, looked after,
or the subject of a pre-birth (unborn) child protection plan, and is told only that (the three
flags with their start dates) and the local authority's contact. The local authority is told
of the attendance: the child's allocated worker gets a notice with where and when.

Every look-up is audited; a look-up that finds a child is logged as a disclosure to the asking
agency (sharing.services.record_disclosure), under the basis in force on the day.

Choices (the specification's words are in sharing/README in the report of issue 20):

- A number that no child's record holds, or a child with none of the three, answers "not known"
  in the same words: the answer never says whether the authority knows the child otherwise.
- A restricted record answers its flags all the same (CP-IS exists so that a child at risk is
  recognised in an emergency), and its allocated worker is told; nothing else about the child
  (no name, no worker) is ever in the answer, so the restriction is not undone.
- The flags come from the key-facts providers (people.keyfacts), which the stages register, so
  this app does not import them: "cp_plan" and "looked_after"; a plan on a child not yet born is
  the pre-birth plan. CP-IS records an unborn child's plan against the expectant mother's NHS
  number [C2], since an unborn child has no number of its own: a look-up of a woman's number
  also finds the unborn children she is recorded as the mother of (`unborn_children_of`), and
  answers their plan as the pre-birth plan. Her own flags (a mother who is herself a child on a
  plan or looked after) are answered as before.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import services as audit
from kernel.rules import Errors, long_date
from partners.models import Agency, User
from people import keyfacts
from people.identifiers import format_nhs_number
from people.merging.selectors import live_people
from people.models import Identifier, Person, Relationship

from . import services
from .models import Disclosure

CARE_SETTING_MAX = 200
# How far ahead of the service's clock an attendance time may be (clocks differ a little).
CLOCK_SKEW = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class Flag:
    flag: bool = False
    start_date: datetime.date | None = None


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class Answer:
    known: bool = False
    child_protection_plan: Flag = field(default_factory=Flag)
    looked_after: Flag = field(default_factory=Flag)
    pre_birth_plan: Flag = field(default_factory=Flag)
    local_authority: Contact | None = None


NOT_KNOWN = Answer()


def _current(day: datetime.date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def unborn_children_of(mothers: list[Person], day: datetime.date) -> list[Person]:
    """The unborn children these people are recorded as the mother of on the day: a current
    parent relationship from the unborn child to a woman (her sex recorded as female, or the
    relationship described as the child's mother). An unborn child has no NHS number, so CP-IS
    asks by the mother's."""
    if not mothers:  # an expectant mother may be a child herself: any kind of person
        return []
    parents = Relationship.objects.filter(
        _current(day),
        related_person_id__in=[p.pk for p in mothers],
        relationship=Relationship.Type.PARENT,
    ).filter(Q(related_person__sex="F") | Q(description__icontains="mother"))
    return list(
        Person.objects.filter(
            pk__in=parents.values("person_id"),
            kind=Person.Kind.CHILD,
            date_of_birth__isnull=True,
            expected_date_of_birth__isnull=False,
            date_of_death__isnull=True,
        ).order_by("pk")
    )


def _people(nhs_number: str, day: datetime.date) -> list[Person]:
    """Whoever holds the number on the day, and the unborn children of a woman who does."""
    ids = Identifier.objects.filter(_current(day), id_type=Identifier.Type.NHS, value=nhs_number).values_list(
        "person_id", flat=True
    )
    # A record merged into another keeps its NHS number: the survivor holds the flags.
    holders = list(Person.objects.filter(pk__in=live_people(ids), date_of_death__isnull=True).order_by("pk"))
    return holders + [p for p in unborn_children_of(holders, day) if p not in holders]


def _earliest(dates: list[datetime.date | None]) -> Flag:
    if not dates:
        return Flag()
    known = [d for d in dates if d is not None]
    return Flag(True, min(known) if known else None)


def flagged(people: list[Person], day: datetime.date) -> dict[int, dict[str, list[datetime.date | None]]]:
    """For each of these people with any of the three flags on the day, the start dates of each
    ("cp_plan", "looked_after", "pre_birth"), from the stages' key-facts providers (no viewer: a
    CP-IS answer is the flags alone). A plan on a child not yet born is the pre-birth plan."""
    unborn = {p.pk for p in people if p.date_of_birth is None and p.expected_date_of_birth is not None}
    found: dict[int, dict[str, list[datetime.date | None]]] = {}
    ids = [p.pk for p in people]
    for provider in keyfacts.providers().values():
        for person_id, facts in provider(ids, day).items():
            for fact in facts:
                if fact.kind == "cp_plan":
                    flag = "pre_birth" if person_id in unborn else "cp_plan"
                elif fact.kind == "looked_after":
                    flag = "looked_after"
                else:
                    continue
                found.setdefault(person_id, {}).setdefault(flag, []).append(fact.since)
    return found


def _summarise(found: dict[int, dict[str, list[datetime.date | None]]]) -> tuple[Flag, Flag, Flag]:
    dates: dict[str, list[datetime.date | None]] = {"cp_plan": [], "looked_after": [], "pre_birth": []}
    for flags in found.values():
        for flag, since in flags.items():
            dates[flag].extend(since)
    return _earliest(dates["cp_plan"]), _earliest(dates["looked_after"]), _earliest(dates["pre_birth"])


def local_authority_of(people: list[Person]) -> Agency | None:
    """The local authority holding the child: the agency of an open local-authority involvement."""
    from people.models import Involvement

    found = (
        Involvement.objects.filter(person__in=people, agency__kind=Agency.Kind.LOCAL_AUTHORITY)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))
        .select_related("agency")
        .order_by("-start_date", "-id")
        .first()
    )
    return found.agency if found else None


def check_query(nhs_number: str, care_setting: str, attended_at: datetime.datetime | None) -> Errors:
    """The look-up's own rules, beyond the NHS number's format and check digit (the API checks
    those with people.identifiers.validate_nhs_number)."""
    errors = Errors()
    if not (care_setting or "").strip():
        errors.add("care_setting", "Enter where the child is being seen, like Emergency department, St Elsewhere")
    if attended_at is None:
        errors.add("attended_at", "Enter when the child attended")
    elif attended_at > timezone.now() + CLOCK_SKEW:
        errors.add("attended_at", "The time the child attended cannot be in the future")
    return errors


@transaction.atomic
def answer_query(user: User, *, nhs_number: str, care_setting: str, attended_at: datetime.datetime) -> Answer:
    """Answer a CP-IS look-up by a health agency (`user`: its practitioner or its system's
    service user), log it, and tell the child's allocated worker. `nhs_number` has passed the
    Modulus 11 check. Nothing is said about a child with none of the three flags."""
    check_query(nhs_number, care_setting, attended_at).raise_if_any()
    care_setting = care_setting.strip()[:CARE_SETTING_MAX]
    day = timezone.localdate()
    found = _people(nhs_number, day)
    # Only the people with a flag are told of, logged and their workers told: a mother found by
    # her number for her unborn child's plan is not herself disclosed.
    with_flags = flagged(found, day) if found else {}
    people = [p for p in found if p.pk in with_flags]
    plan, care, pre_birth = _summarise(with_flags)
    agency = user.agency
    where = f"{care_setting}, {timezone.localtime(attended_at):%H:%M} on {long_date(timezone.localdate(attended_at))}"
    if not (plan.flag or care.flag or pre_birth.flag):
        audit.record(
            user,
            "search",
            person=found[0].pk if found else None,
            summary="CP-IS look-up: not known",
            detail={"care_setting": care_setting, "attended_at": attended_at.isoformat(), "found": bool(found)},
        )
        return NOT_KNOWN
    authority = local_authority_of(people)
    contact = Contact(
        name=authority.name if authority else "",
        phone=getattr(settings, "CPIS_CONTACT_PHONE", ""),
        email=getattr(settings, "CPIS_CONTACT_EMAIL", ""),
    )
    told = [
        words
        for words, flag in (
            ("on a child protection plan", plan),
            ("looked after", care),
            ("the subject of a pre-birth child protection plan", pre_birth),
        )
        if flag.flag
    ]
    what = f"CP-IS look-up from {care_setting}: told the child is {' and '.join(told)}, with the start dates"
    for person in people:
        disclosure = services.record_disclosure(
            user,
            person,
            what=what,
            to_agency=agency,
            shared_at=timezone.now(),
            kind=Disclosure.Kind.CPIS,
            from_agency=authority or services.the_local_authority(),
            by_the_service=True,
        )
        services.notify_allocated_worker(
            person,
            f"Seen at {care_setting}"[:200],
            f"{agency or 'A health agency'} looked the child up on CP-IS: seen at {where}. "
            "Contact the setting if the child's plan needs them to know more.",
            disclosure=disclosure,
        )
    audit.record(
        user,
        "search",
        person=people[0].pk,
        summary="CP-IS look-up: answered",
        detail={
            "care_setting": care_setting,
            "attended_at": attended_at.isoformat(),
            "nhs_number": format_nhs_number(nhs_number),
            "people": [p.pk for p in people],
        },
    )
    return Answer(
        known=True, child_protection_plan=plan, looked_after=care, pre_birth_plan=pre_birth, local_authority=contact
    )
