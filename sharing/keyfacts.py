"""The link from the child's record to their information-sharing history (people.keyfacts), with
how much is recorded."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse

from kernel.together import Read
from people.keyfacts import Link, LinkProvider, Reads, Rows

from .models import Disclosure, Withholding

if TYPE_CHECKING:
    from kernel.access import AnyUser


def _reads(user: AnyUser, person_id: int, day: datetime.date) -> Reads:
    return {
        "disclosures": Read(Disclosure.objects.filter(person_id=person_id), ("pk",)),
        "withholdings": Read(Withholding.objects.filter(person_id=person_id), ("pk",)),
    }


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _link(rows: Rows, person_id: int) -> list[Link]:
    shared, withheld = len(rows["disclosures"]), len(rows["withholdings"])
    parts = []
    if shared:
        parts.append(_count(shared, "disclosure", "disclosures"))
    if withheld:
        parts.append(_count(withheld, "decision not to share", "decisions not to share"))
    status = ", ".join(parts) if parts else "nothing recorded"
    return [Link("Information sharing", reverse("sharing:history", args=[person_id]), status)]


# The link from the child's record to their sharing history, always (it says when nothing is recorded).
sharing_link = LinkProvider(_reads, _link)
