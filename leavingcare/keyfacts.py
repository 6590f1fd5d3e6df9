"""Key facts from leaving care: a care leaver and their personal adviser (people.keyfacts)."""

import datetime
from collections.abc import Sequence

from django.db.models import Q
from django.urls import reverse

from people.keyfacts import Fact, worker_name

from .models import CareLeaver, PersonalAdviser
from .services import PA_INVOLVEMENT


def care_leaver(person_ids: Sequence[int], day: datetime.date) -> dict[int, list[Fact]]:
    result: dict[int, list[Fact]] = {}
    records = {
        pk: (person_id, opened)
        for pk, person_id, opened in CareLeaver.objects.filter(
            person_id__in=person_ids, opened_on__lte=day
        ).values_list("pk", "person_id", "opened_on")
    }
    if not records:
        return result
    advisers: dict[int, str] = {}
    for care_leaver_id, first, last, username in (
        PersonalAdviser.objects.filter(care_leaver_id__in=records, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("care_leaver_id", "adviser__first_name", "adviser__last_name", "adviser__username")
    ):
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
