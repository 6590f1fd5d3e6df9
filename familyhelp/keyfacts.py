"""Key facts from Family Help: a child in need, open episode, primary need in words (people.keyfacts)."""

import datetime
from collections.abc import Sequence

from django.db.models import Q
from django.urls import reverse

from frontdoor.models import Referral
from kernel.codelists import label
from kernel.together import Read
from people.keyfacts import Fact, Provider, Reads, Rows


def _reads(person_ids: Sequence[int], day: datetime.date) -> Reads:
    return {
        "episodes": Read(
            Referral.objects.filter(person_id__in=person_ids, referral_date__lte=day, referral_nfa=False).filter(
                Q(closure_date__isnull=True) | Q(closure_date__gt=day)
            ),
            ("person_id", "primary_need", "referral_date", "pk"),
        )
    }


def _child_in_need(rows: Rows, day: datetime.date) -> dict[int, list[Fact]]:
    """A child with an open child-in-need episode on the day (a referral not closed, and not a
    referral with no further action). The banner leaves it out where a CP plan or care says more."""
    result: dict[int, list[Fact]] = {}
    for person_id, need, start, _ in sorted(rows["episodes"], key=lambda row: (row[0], row[2], row[3])):
        words = label("primary-need", need)
        result[person_id] = [
            Fact(
                "child_in_need",
                "Child in need",
                f"primary need: {words.lower() if words != need else need}, since {start:%-d %B %Y}",
                code=need,
                since=start,
                colour="blue",
                url=reverse("familyhelp:case", args=[person_id]),
            )
        ]
    return result


child_in_need = Provider(_reads, _child_in_need)
