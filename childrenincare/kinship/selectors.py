"""Reads for the kinship care pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from childrenincare.models import Carer, FamilyNetworkMember, Placement
from kernel.models import Deadline
from kernel.templatetags import due_dates as due_tags
from partners.models import User
from people.access import Level, levels
from people.models import Person

from .services import children_placed, member_name


def carers(user: User, kind: str = "") -> QuerySet[Carer]:
    """Every carer and provider (of one kind, if given), by name, with `placements_count` and
    `placed_now`: counts that leave out restricted children the user is not named on."""
    found = Carer.objects.all()
    if kind:
        found = found.filter(kind=kind)
    visible = Q(placements__period__person__restricted=False) | Q(
        placements__period__person__restricted_access__user=user
    )
    return found.annotate(
        placements_count=Count("placements", filter=visible, distinct=True),
        placed_now=Count(
            "placements",
            filter=visible & Q(placements__end_date__isnull=True, placements__period__end_date__isnull=True),
            distinct=True,
        ),
    ).order_by("name", "id")


def carer_record(
    user: User, carer: Carer, today: datetime.date
) -> tuple[list[Placement], dict[int, Person], list[Deadline]]:
    """What a carer's page shows: the placements of children whose full record the user may see,
    those children (and the children of the carer's due dates the user may see) by id, and the
    carer's due dates, each with `child` (None for a child the user may not see: its dates only)
    and, when open, its GOV.UK `tag` for today."""
    placements = children_placed(carer)
    seen = levels(user, [p.period.person for p in placements])
    shown = [p for p in placements if seen[p.period.person_id] >= Level.FULL]
    children = {p.period.person_id: p.period.person for p in shown}
    carer_type = ContentType.objects.get_for_model(Carer)
    due = list(
        Deadline.objects.filter(subject_type=carer_type, subject_id=carer.pk)
        .select_related("person")
        .order_by("start_date", "id")
    )
    others = {d.person_id: d.person for d in due if d.person_id is not None and d.person_id not in children}
    for pk, level in levels(user, list(others.values())).items():
        if level >= Level.FULL:
            children[pk] = others[pk]
    for deadline in due:
        # For the template: a due date about a child the user may not see shows its dates only.
        deadline.child = children.get(deadline.person_id)  # type: ignore[attr-defined]
        tag = due_tags.tag(deadline, today) if deadline.status == Deadline.Status.OPEN else None
        deadline.tag = tag  # type: ignore[attr-defined]
    return shown, children, due


def network_groups(child: Person) -> list[dict[str, Any]]:
    """The child's family network by role, in the order of the roles: [{"label", "members"}],
    each member with its `display_name`."""
    members = list(FamilyNetworkMember.objects.filter(child=child).select_related("person").order_by("role", "id"))
    groups = []
    for value, label in FamilyNetworkMember.Role.choices:
        found = [m for m in members if m.role == value]
        for member in found:
            member.display_name = member_name(member)  # type: ignore[attr-defined]  # for the template
        if found:
            groups.append({"label": label, "members": found})
    return groups
