"""Key facts from education (people.keyfacts): a child missing education, a child on the
children not in school register (once it is in force), a request for consent to home educate
waiting for a decision, and a relevant child (s434A), once the duty is in force. Its reads (the
relevant-child check's five among them, education.selectors.relevant_children_reads) go with
the other stages' in the key facts' one query, whatever the number of children."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse

from kernel.access import allowed
from kernel.rules import long_date
from kernel.together import Read
from people.keyfacts import Fact, Link, LinkProvider, Provider, Reads, Rows

from . import commencement, selectors
from .missing import selectors as missing
from .models import RegisterEntry, SchoolRegistration
from .rules import rules_on

if TYPE_CHECKING:
    from kernel.access import AnyUser


def _reads(person_ids: Sequence[int], day: datetime.date) -> Reads:
    reads: dict[str, Read] = {
        "missing": Read(missing.missing_on(person_ids, day), ("pk", "person_id", "opened_on", "school__name")),
    }
    if commencement.register_in_force(day):
        reads["register"] = Read(
            selectors.on_register(day).filter(person_id__in=person_ids), ("person_id", "added_on", "reason", "pk")
        )
    if commencement.in_force(day):
        reads["requests"] = Read(selectors.pending_requests(person_ids), ("pk", "person_id", "received_on"))
        rules = rules_on(day)
        for name, read in selectors.relevant_children_reads(person_ids, day, rules).items():
            reads[f"relevant:{name}"] = read
    return reads


def _education_facts(rows: Rows, day: datetime.date) -> dict[int, list[Fact]]:
    result: dict[int, list[Fact]] = {}
    cases = {
        person_id: (case_id, opened_on, school) for case_id, person_id, opened_on, school in sorted(rows["missing"])
    }
    for person_id, (case_id, opened_on, school) in cases.items():
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
    for person_id, added_on, reason, _ in sorted(rows.get("register", []), key=lambda row: row[3]):
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
    if "requests" not in rows:
        return result
    for pk, person_id, received_on in sorted(rows["requests"]):
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
    relevant_rows = {key.split(":", 1)[1]: found for key, found in rows.items() if key.startswith("relevant:")}
    for person_id, relevance in selectors.relevant_children_from(relevant_rows, day, rules_on(day)).items():
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


education_facts = Provider(_reads, _education_facts)


def _link_reads(user: AnyUser, person_id: int, day: datetime.date) -> Reads:
    """The child's school today and whether they are on the register, when the user's rules
    open the education pages."""
    if not allowed("education_work", user):
        return {}
    current = Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))
    return {
        "schools": Read(
            SchoolRegistration.objects.filter(current, person_id=person_id), ("start_date", "pk", "school__name")
        ),
        "register": Read(
            RegisterEntry.objects.filter(person_id=person_id, added_on__lte=day).filter(
                Q(removed_on__isnull=True) | Q(removed_on__gt=day)
            ),
            ("pk",),
        ),
    }


def _link(rows: Rows, person_id: int) -> list[Link]:
    schools = sorted(rows["schools"], reverse=True)  # the latest started first
    status = schools[0][2] if schools else ("Not in school" if rows["register"] else "School not known")
    return [Link("Education", reverse("education:person", args=[person_id]), status)]


# The link from the child's record and social care case pages to their education page, with
# their school today ("Not in school" on the register, or "School not known").
education_link = LinkProvider(_link_reads, _link)
