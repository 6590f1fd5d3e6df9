"""Key facts from education (people.keyfacts): a child missing education (one query), a child on
the children not in school register
(once it is in force, one query), a request for consent to home educate waiting
for a decision, and a relevant child (s434A), once the duty is in force. One query for the
requests and the five of education.selectors.relevant_children, whatever the number of
children."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.urls import reverse

from kernel.rules import long_date
from people.keyfacts import Fact

from . import commencement, selectors
from .missing import selectors as missing
from .models import RegisterEntry


def education_facts(person_ids: Sequence[int], day: datetime.date) -> dict[int, list[Fact]]:
    result: dict[int, list[Fact]] = {}
    if not person_ids:
        return result
    for person_id, (case_id, opened_on, school) in missing.missing_since(person_ids, day).items():
        result.setdefault(person_id, []).append(
            Fact(
                "missing_education",
                "Missing education",
                f"since {long_date(opened_on)}" + (f": left {school} with no known destination" if school else ""),
                since=opened_on,
                colour="red",
                url=reverse("education:missing_case", args=[case_id]),
            )
        )
    if commencement.register_in_force(day):
        for person_id, added_on, reason in (
            selectors.on_register(day).filter(person_id__in=person_ids).values_list("person_id", "added_on", "reason")
        ):
            result.setdefault(person_id, []).append(
                Fact(
                    "not_in_school",
                    "Not in school",
                    f"on the children not in school register since {long_date(added_on)}: "
                    + str(RegisterEntry.Reason(reason).label).lower(),
                    since=added_on,
                    colour="yellow",
                    url=reverse("education:person", args=[person_id]),
                )
            )
    if not commencement.in_force(day):
        return result
    for pk, person_id, received_on in selectors.pending_requests(person_ids).values_list(
        "pk", "person_id", "received_on"
    ):
        result.setdefault(person_id, []).append(
            Fact(
                "home_education_request",
                "Consent to home educate asked",
                f"received on {long_date(received_on)}, waiting for a decision",
                since=received_on,
                colour="orange",
                url=reverse("education:consent", args=[pk]),
            )
        )
    for person_id, relevance in selectors.relevant_children(person_ids, day).items():
        if relevance.relevant:
            result.setdefault(person_id, []).append(
                Fact(
                    "relevant_child",
                    "Relevant child for home education",
                    "consent needed before removal from the school roll: " + "; ".join(relevance.reasons),
                    code=" and ".join(relevance.conditions),
                    colour="purple",
                    url=reverse("education:person", args=[person_id]),
                )
            )
    return result
