"""Key facts from care: a looked-after child's legal status and placement, in words (people.keyfacts)."""

import datetime
from collections.abc import Sequence

from django.db.models import Q
from django.urls import reverse

from kernel.codelists import label
from people.keyfacts import Fact, worker_name

from .models import LegalStatus, PeriodOfCare, Placement
from .planning.services import IRO_INVOLVEMENT


def looked_after(person_ids: Sequence[int], day: datetime.date) -> dict[int, list[Fact]]:
    """A child in an open period of care on the day: the legal status and the placement type
    current that day, and the period's independent reviewing officer, in three queries whatever
    the number of children."""
    periods = {
        pk: (person_id, start, worker_name(first, last, username) if username else "")
        for pk, person_id, start, first, last, username in PeriodOfCare.objects.filter(
            person_id__in=person_ids, start_date__lte=day
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
        .values_list("pk", "person_id", "start_date", "iro__first_name", "iro__last_name", "iro__username")
    }
    if not periods:
        return {}
    statuses: dict[int, str] = {}
    for period_id, code in (
        LegalStatus.objects.filter(period_id__in=periods, start_date__lte=day)
        .order_by("period_id", "start_date", "pk")
        .values_list("period_id", "code")
    ):
        statuses[period_id] = code  # the latest started on or before the day
    places: dict[int, str] = {}
    for period_id, place in (
        Placement.objects.filter(period_id__in=periods, start_date__lte=day)
        .order_by("period_id", "start_date", "pk")
        .values_list("period_id", "place")
    ):
        places[period_id] = place
    result: dict[int, list[Fact]] = {}
    for period_id, (person_id, start, iro) in periods.items():
        status = statuses.get(period_id, "")
        place = places.get(period_id, "")
        parts = []
        if status:
            parts.append(label("legal-status", status))
        if place:
            parts.append(label("placement-type", place).lower() if parts else label("placement-type", place))
        parts.append(f"since {start:%-d %B %Y}")
        result.setdefault(person_id, []).append(
            Fact(
                "looked_after",
                "Looked after",
                ", ".join(parts),
                code=" ".join(code for code in (status, place) if code),
                since=start,
                colour="purple",
                url=reverse("childrenincare:period", args=[period_id]),
                holders=(("Independent reviewing officer", iro or "not appointed"),),
                covers=(IRO_INVOLVEMENT,),
            )
        )
    return result
