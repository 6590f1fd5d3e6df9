"""Key facts from leaving care: a care leaver and their personal adviser (people.keyfacts)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse

from kernel.together import Read
from people.keyfacts import Fact, Link, LinkProvider, Provider, Reads, Rows, worker_name

from .models import CareLeaver, PersonalAdviser
from .services import PA_INVOLVEMENT

if TYPE_CHECKING:
    from kernel.access import AnyUser


def _reads(person_ids: Sequence[int], day: datetime.date) -> Reads:
    records = CareLeaver.objects.filter(person_id__in=person_ids, opened_on__lte=day)
    return {
        "records": Read(records, ("pk", "person_id", "opened_on")),
        "advisers": Read(
            PersonalAdviser.objects.filter(care_leaver__in=records, start_date__lte=day).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=day)
            ),
            ("care_leaver_id", "pk", "adviser__first_name", "adviser__last_name", "adviser__username"),
        ),
    }


def _care_leaver(rows: Rows, day: datetime.date) -> dict[int, list[Fact]]:
    result: dict[int, list[Fact]] = {}
    records = {pk: (person_id, opened) for pk, person_id, opened in sorted(rows["records"])}
    if not records:
        return result
    advisers: dict[int, str] = {}
    for care_leaver_id, _, first, last, username in sorted(rows["advisers"], key=lambda row: row[:2]):
        advisers[care_leaver_id] = worker_name(first, last, username)
    for pk, (person_id, opened) in records.items():
        adviser = advisers.get(pk)
        detail = f"personal adviser {adviser}" if adviser else "no personal adviser allocated"
        result.setdefault(person_id, []).append(
            Fact(
                "care_leaver",
                "Care leaver",
                f"{detail}, record opened {opened:%-d %B %Y}",
                since=opened,
                colour="turquoise",
                url=reverse("leavingcare:record", args=[pk]),
                holders=(("Personal adviser", adviser or "not allocated"),),
                covers=(PA_INVOLVEMENT,),
            )
        )
    return result


care_leaver = Provider(_reads, _care_leaver)


def _link_reads(user: AnyUser, person_id: int, day: datetime.date) -> Reads:
    return {"records": Read(CareLeaver.objects.filter(person_id=person_id), ("pk",))}


def _link(rows: Rows, person_id: int) -> list[Link]:
    return [Link("Care leaver record", reverse("leavingcare:record", args=[pk])) for (pk,) in rows["records"][:1]]


# The link from the young person's record to their care leaver record, when there is one.
care_leaver_link = LinkProvider(_link_reads, _link)
