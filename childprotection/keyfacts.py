"""Key facts from child protection: a child on a plan, its category and since when (people.keyfacts)."""

import datetime
from collections.abc import Sequence

from django.db.models import Q
from django.urls import reverse

from kernel.codelists import label
from kernel.together import Read
from people.keyfacts import Fact, Provider, Reads, Rows, worker_name

from .models import ChildProtectionPlan


def _reads(person_ids: Sequence[int], day: datetime.date) -> Reads:
    return {
        "plans": Read(
            ChildProtectionPlan.objects.filter(person_id__in=person_ids, start_date__lte=day).filter(
                Q(end_date__isnull=True) | Q(end_date__gt=day)
            ),
            (
                "pk",
                "person_id",
                "latest_category",
                "start_date",
                "lead_practitioner__first_name",
                "lead_practitioner__last_name",
                "lead_practitioner__username",
            ),
        )
    }


def _on_a_plan(rows: Rows, day: datetime.date) -> dict[int, list[Fact]]:
    result: dict[int, list[Fact]] = {}
    for pk, person_id, category, start, first, last, username in sorted(rows["plans"], key=lambda row: row[0]):
        words = label("category-of-abuse", category)
        result.setdefault(person_id, []).append(
            Fact(
                "cp_plan",
                "Child protection plan",
                f"{words.lower() if words != category else category}, since {start:%-d %B %Y}",
                code=category,
                since=start,
                colour="red",
                url=reverse("childprotection:plan", args=[pk]),
                holders=(("Lead practitioner", worker_name(first, last, username)),) if username else (),
            )
        )
    return result


on_a_plan = Provider(_reads, _on_a_plan)
