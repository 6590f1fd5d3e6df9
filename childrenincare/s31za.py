"""Family group decision-making before a care or supervision order (Children Act 1989 s31ZA,
inserted by the Children's Wellbeing and Schools Act 2026 s1; process specification 6.1 and
7), for the legal statuses that mean the authority applied for one: C1 (interim care order)
and C2 (full care order).

s31ZA(1): before a local authority in England applies for an order under Part 4 (a care or
supervision order), it must offer a family group decision-making meeting to the child's
parents or anyone else with parental responsibility; (2) if at least one accepts, the meeting
must be held before the application; (3) neither applies where the authority considers the
offer (or the meeting) would not be in the child's best interests. The duty is before any
application, an emergency route included: police protection (L1) or an emergency protection
order (L2) followed by an interim care order is no exception.

The duty is off until its commencement date, the setting S31ZA_COMMENCEMENT (an ISO date, from
SAFEGUARDING_S31ZA_COMMENCEMENT; none: not in force). From that date, recording C1 or C2
(becoming looked after with it, or a change of legal status into it from one that is not a
care order: a C1 becoming C2 is the same application) needs one of:

- an offer on the child's record on or before the day: the letter before proceedings that
  offered it (childprotection pre-proceedings), or a family group decision-making record
  (childrenincare, with a return-home decision); where the family accepted, the meeting held
  by the day (s31ZA(2)); or the letter before proceedings recording that it was not offered,
  with its best-interests reasons (s31ZA(3));
- or the best-interests reasons recorded with the change.

The day the order is recorded stands for the day of the application, which is not recorded
here [U]: an order applied for before commencement and made after it needs the reasons field
("applied for before s31ZA came into force").
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings

from childprotection.models import PreProceedings
from childprotection.pre_proceedings.selectors import fgdm_meeting_date
from kernel.rules import as_date, long_date

if TYPE_CHECKING:
    from kernel.rules import Errors
    from people.models import Person

CARE_ORDERS = ("C1", "C2")
S31ZA = "Children Act 1989 s31ZA, inserted by the Children's Wellbeing and Schools Act 2026 s1"
FIELD = "fgdm_reasons_not_offered"


def commencement() -> datetime.date | None:
    """The date s31ZA came into force here, or None while it is not in force."""
    found = getattr(settings, "S31ZA_COMMENCEMENT", None)
    if not found:
        return None
    return found if isinstance(found, datetime.date) else datetime.date.fromisoformat(str(found))


def in_force(day: datetime.date | None) -> bool:
    start = commencement()
    return start is not None and day is not None and as_date(day) >= start


def applies(code: str, previous_code: str | None, day: datetime.date | None) -> bool:
    """Whether recording legal status `code` on `day` (after `previous_code`, None at the start
    of care) follows an application s31ZA governs."""
    return code in CARE_ORDERS and previous_code not in CARE_ORDERS and in_force(day)


def reasons_kept(code: str, previous_code: str | None, day: datetime.date | None, reasons: str) -> str:
    """The best-interests reasons kept on the legal status: only where s31ZA applies."""
    return (reasons or "").strip() if applies(code, previous_code, day) else ""


def _pre_proceedings_offer(person, day):
    Response = PreProceedings.FamilyResponse
    found = (
        PreProceedings.objects.filter(
            person=person, letter_sent_on__isnull=False, letter_sent_on__lte=day, fgdm_offered__isnull=False
        )
        .select_related("fgdm_same_meeting_as")
        .order_by("-letter_sent_on", "-id")
    )
    for record in found:
        if record.fgdm_offered is False:
            if (record.fgdm_reasons_not_offered or "").strip():
                return (
                    f"Not offered, as not in the child's best interests: recorded with the letter before "
                    f"proceedings sent on {long_date(record.letter_sent_on)}"
                ), ""
            continue
        if record.fgdm_response == Response.ACCEPTED:
            held = fgdm_meeting_date(record)
            if held is None or held > day:
                return "", (
                    f"The family accepted family group decision-making offered in the letter before proceedings "
                    f"sent on {long_date(record.letter_sent_on)}: the meeting must be held before the "
                    f"application ({S31ZA}, subsection (2)). Record the meeting first"
                )
            return (
                f"Offered in the letter before proceedings sent on {long_date(record.letter_sent_on)}; held on "
                f"{long_date(held)}",
                "",
            )
        return f"Offered in the letter before proceedings sent on {long_date(record.letter_sent_on)}", ""
    return "", ""


def _return_home_offer(person, day):
    from .models import FamilyGroupDecisionMaking

    Response = FamilyGroupDecisionMaking.Response
    # A meeting not offered for a return home says nothing about care proceedings: only an offer counts.
    for record in (
        FamilyGroupDecisionMaking.objects.filter(decision__person=person)
        .exclude(response=Response.NOT_OFFERED)
        .order_by("-offered_on", "-id")
    ):
        if record.offered_on is None or record.offered_on > day:
            continue
        if record.response == Response.ACCEPTED and (record.meeting_on is None or record.meeting_on > day):
            return "", (
                f"The family accepted family group decision-making offered on {long_date(record.offered_on)}: "
                f"the meeting must be held before the application ({S31ZA}, subsection (2)). "
                "Record the meeting first"
            )
        return f"Offered on {long_date(record.offered_on)} (family group decision-making record)", ""
    return "", ""


def offer_on_record(person: Person, day: datetime.date) -> tuple[str, str]:
    """(what was found, why it does not do yet): the offer of family group decision-making
    on the child's record on or before `day`, or why it falls short (accepted, not yet held)."""
    day = as_date(day)
    found, gap = _pre_proceedings_offer(person, day)
    if found or gap:
        return found, gap
    return _return_home_offer(person, day)


def check(
    errors: Errors, person: Person, code: str, previous_code: str | None, day: datetime.date, reasons: str
) -> str:
    """Add the s31ZA refusal to `errors` when C1 or C2 is recorded without an offer on the
    record or the best-interests reasons. Returns the offer found (kept on the legal status)."""
    if not applies(code, previous_code, day):
        return ""
    found, gap = offer_on_record(person, day)
    if found or (reasons or "").strip():
        return found
    errors.add(
        FIELD,
        gap
        or (
            f"Before applying for a care or supervision order the local authority must offer the parents a family group "  # noqa: E501
            f"decision-making meeting ({S31ZA}), emergency routes included, and none is recorded for this child by "
            f"{long_date(as_date(day))}: record the letter before proceedings with the offer (or a family group "
            "decision-making record) first, or give the reasons offering it was not in the child's best interests "
            "(s31ZA(3))"
        ),
    )
    return ""
