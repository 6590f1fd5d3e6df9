"""Key facts from care: a looked-after child's legal status and placement, in words (people.keyfacts)."""

import datetime
from collections.abc import Sequence

from django.db.models import Q
from django.urls import reverse

from kernel.codelists import label
from kernel.together import Read
from people.keyfacts import Fact, Provider, Reads, Rows, worker_name

from .models import LegalStatus, PeriodOfCare, Placement
from .planning.services import IRO_INVOLVEMENT


def _reads(person_ids: Sequence[int], day: datetime.date) -> Reads:
    open_on_day = PeriodOfCare.objects.filter(person_id__in=person_ids, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=day)
    )
    return {
        "periods": Read(
            open_on_day, ("pk", "person_id", "start_date", "iro__first_name", "iro__last_name", "iro__username")
        ),
        "statuses": Read(
            LegalStatus.objects.filter(period__in=open_on_day, start_date__lte=day),
            ("period_id", "start_date", "pk", "code"),
        ),
        "places": Read(
            Placement.objects.filter(period__in=open_on_day, start_date__lte=day),
            ("period_id", "start_date", "pk", "place"),
        ),
    }


def _looked_after(rows: Rows, day: datetime.date) -> dict[int, list[Fact]]:
    """A child in an open period of care on the day: the legal status and the placement type
    current that day, and the period's independent reviewing officer."""
    periods = {
        pk: (person_id, start, worker_name(first, last, username) if username else "")
        for pk, person_id, start, first, last, username in sorted(rows["periods"], key=lambda row: row[0])
    }
    if not periods:
        return {}
    statuses: dict[int, str] = {}
    for period_id, _, _, code in sorted(rows["statuses"]):
        statuses[period_id] = code  # the latest started on or before the day
    places: dict[int, str] = {}
    for period_id, _, _, place in sorted(rows["places"]):
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


looked_after = Provider(_reads, _looked_after)
