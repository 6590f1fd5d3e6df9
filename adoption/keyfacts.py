"""What the child's record shows of adoption: the link to the adoption plan (people.keyfacts)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse

from kernel.together import Read
from people.keyfacts import Link, LinkProvider, Reads, Rows

from .models import AdoptionDecision

if TYPE_CHECKING:
    from kernel.access import AnyUser


def _reads(user: AnyUser, person_id: int, day: datetime.date) -> Reads:
    return {"decisions": Read(AdoptionDecision.objects.filter(person_id=person_id), ("pk",))}


def _link(rows: Rows, person_id: int) -> list[Link]:
    return [Link("Adoption plan", reverse("adoption:plan", args=[person_id]))] if rows["decisions"] else []


# The link from the child's record to their adoption plan, once a decision has been made.
adoption_link = LinkProvider(_reads, _link)
