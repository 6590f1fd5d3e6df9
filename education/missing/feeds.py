"""What education tells the lower layers, through their registries (registered in
education.apps): the front door's pattern alerts (frontdoor.patterns) and the return-home risk
signals (childrenincare.return_home.sources). Each source reads in one query for all the
children it is asked about.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from childrenincare.return_home.services import Signal
from frontdoor.models import PatternAlert
from kernel.compiled import Shaped, among
from kernel.rules import long_date
from people.models import Person

from ..models import MissingEducationCase, RegisterEntry
from ..rules import years_before

if TYPE_CHECKING:
    from frontdoor.models import Contact


def missing_education_alerts(
    contact: Contact, child_ids: Sequence[int], day: datetime.date
) -> list[tuple[str, int, str]]:
    """A pattern alert for each of the contact's children missing education on the day."""
    if not child_ids:
        return []
    found = []
    for case in _MISSING_ON.run(None, list(child_ids), day):
        school = case.school.name if case.school is not None else ""
        left = f" (left {school} with no known destination)" if school else ""
        found.append(
            (
                PatternAlert.Kind.MISSING_EDUCATION.value,
                case.person_id,
                f"{case.person.given_names} {case.person.family_name} has been missing education since "
                f"{long_date(case.opened_on)}{left}: "
                "the education team does not know where they are being educated.",
            )
        )
    return found


def not_in_school_alerts(contact: Contact, child_ids: Sequence[int], day: datetime.date) -> list[tuple[str, int, str]]:
    """A pattern alert for each of the contact's children on the children not in school
    register on the day."""
    if not child_ids:
        return []
    found = []
    for entry in _ON_THE_REGISTER.run(None, list(child_ids), day):
        given, family = entry.person.given_names, entry.person.family_name
        person_id, added_on, reason, source = entry.person_id, entry.added_on, entry.reason, entry.source
        found.append(
            (
                PatternAlert.Kind.NOT_IN_SCHOOL.value,
                person_id,
                f"{given} {family} is not in school: on the children not in school register since "
                f"{long_date(added_on)} ({str(RegisterEntry.Reason(reason).label).lower()}; "
                f"{str(RegisterEntry.Source(source).label).lower()}).",
            )
        )
    return found


# The alerts' reads, each one query whose SQL is made once per connection (every contact asks).
_MISSING_ON: Shaped[MissingEducationCase] = Shaped(
    lambda _shape, person_ids, day: (
        MissingEducationCase.objects.filter(person_id__in=among(person_ids), opened_on__lte=day)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .select_related("person", "school")
        .only("person__given_names", "person__family_name", "opened_on", "school__name", "person", "school")
        .order_by("person_id", "pk")
    )
)
_ON_THE_REGISTER: Shaped[RegisterEntry] = Shaped(
    lambda _shape, person_ids, day: (
        RegisterEntry.objects.filter(person_id__in=among(person_ids), added_on__lte=day)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=day))
        .select_related("person")
        .only("person__given_names", "person__family_name", "added_on", "reason", "source", "person")
        .order_by("person_id", "pk")
    )
)


def _who(person: Person, child: Person, name_of: Callable[[Person], str]) -> str:
    return "This child" if person.pk == child.pk else name_of(person)


def missing_education_signals(
    child: Person, family: Mapping[int, Person], name_of: Callable[[Person], str]
) -> list[Signal]:
    """The child or a sibling missing education now, or in the last 12 months."""
    people = {child.pk: child, **family}
    today = timezone.localdate()
    year_ago = years_before(today, 1)
    found = []
    for case in (
        MissingEducationCase.objects.filter(person_id__in=list(people))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=year_ago))
        .select_related("school")
        .order_by("opened_on", "pk")
    ):
        who = _who(people[case.person_id], child, name_of)
        left = f", after leaving {case.school.name} with no known destination" if case.school else ""
        when = (
            "still missing"
            if case.closed_on is None
            else f"to {long_date(case.closed_on)} ({case.get_closure_reason_display().lower()})"
        )
        found.append(
            Signal(
                f"missing-education:{case.pk}",
                "Missing education",
                f"{who}: missing education from {long_date(case.opened_on)}{left}, {when}",
                case.opened_on,
            )
        )
    return found


def not_in_school_signals(
    child: Person, family: Mapping[int, Person], name_of: Callable[[Person], str]
) -> list[Signal]:
    """The child or a sibling on the children not in school register now or in the last 12
    months (taken off a school's roll, or never on one)."""
    people = {child.pk: child, **family}
    year_ago = years_before(timezone.localdate(), 1)
    found = []
    for entry in (
        RegisterEntry.objects.filter(person_id__in=list(people))
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gte=year_ago))
        .order_by("added_on", "pk")
    ):
        who = _who(people[entry.person_id], child, name_of)
        until = "still on it" if entry.removed_on is None else f"removed on {long_date(entry.removed_on)}"
        found.append(
            Signal(
                f"not-in-school:{entry.pk}",
                "Not in school",
                f"{who}: on the children not in school register from {long_date(entry.added_on)}, {until} "
                f"({entry.get_reason_display().lower()}; {entry.get_source_display().lower()})",
                entry.added_on,
            )
        )
    return found
