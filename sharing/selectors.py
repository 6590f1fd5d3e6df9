"""The reads of the information-sharing log."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from partners.access import is_local_authority_staff
from partners.models import User
from people.access import only_shown, shown_filter
from people.models import Identifier, Person

from .models import Disclosure, Notice, Withholding

if TYPE_CHECKING:
    from kernel.access import AnyUser


def identifier_type() -> str:
    """The people.Identifier type that is the consistent identifier of s16LC (the setting
    S16LC_IDENTIFIER_TYPE, NHS number unless set [U])."""
    return str(getattr(settings, "S16LC_IDENTIFIER_TYPE", "") or Identifier.Type.NHS)


def consistent_identifier(person: Person, on: datetime.date | None = None) -> tuple[str, str]:
    """(type, value) of the child's consistent identifier (s16LC) current on the day, or
    ("", "") when it is not known."""
    day = on or timezone.localdate()
    kind = identifier_type()
    found = (
        person.identifiers.filter(id_type=kind)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from", "-id")
        .values_list("value", flat=True)
        .first()
    )
    return (kind, found) if found else ("", "")


def history(person: Person) -> tuple[list[Disclosure], list[Withholding]]:
    """A child's disclosures and decisions not to share, latest first (the caller has decided,
    through people.access.person_for, that the user may see the child in full)."""
    disclosures = list(
        person.disclosures.select_related("from_agency", "to_agency", "shared_by").order_by("-shared_at", "-id")
    )
    withholdings = list(
        person.withholdings.select_related("from_agency", "to_agency", "decided_by").order_by("-decided_on", "-id")
    )
    return disclosures, withholdings


def withholdings_for_manager(user: AnyUser) -> QuerySet[Withholding]:
    """The decisions not to share a manager oversees: a team manager's team's, a head of
    service's (or front-door manager's) whole authority's; only children the manager may be
    shown (people.access.shown_filter)."""
    found = Withholding.objects.select_related("person", "decided_by", "team", "to_agency").filter(
        shown_filter(user, "person")
    )
    if not isinstance(user, User) or not is_local_authority_staff(user):
        return found.none()
    if user.role == User.Role.TEAM_MANAGER:
        return found.filter(team_id=user.team_id) if user.team_id else found.none()
    return found.filter(Q(team__agency_id=user.agency_id) | Q(decided_by__agency_id=user.agency_id))


def unread_notices(user: AnyUser) -> list[Notice]:
    """The user's unread notices about children they may be shown."""
    if not getattr(user, "is_authenticated", False):
        return []
    notices = Notice.objects.filter(user_id=user.pk or 0, read_at__isnull=True).select_related("person")
    return only_shown(user, list(notices[:50]), lambda notice: notice.person)


def notices(user: AnyUser) -> list[Notice]:
    """The user's notices, unread first, the latest 100, about children they may be shown."""
    found = Notice.objects.filter(user_id=user.pk or 0).select_related("person").order_by("-read_at", "-created_at")
    unread = [n for n in found.filter(read_at__isnull=True)[:100]]
    read = [n for n in found.filter(read_at__isnull=False)[:100]]
    return only_shown(user, unread + read, lambda notice: notice.person)


def disclosures_of(person: Person) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(person=person)
