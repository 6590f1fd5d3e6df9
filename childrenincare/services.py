"""Business rules of periods of care, legal statuses and placements, named as the field
names them. Each is one transaction that locks the period (or the child-in-need episode),
checks every rule before it writes (kernel.rules.RuleBroken), rebuilds the SSDA903 episodes,
adds to the chronology, is audited and issues the due dates the timescale rules give.

- become_looked_after: a period of care starts, with its legal status and first placement;
  the care plan, IRO, health assessment, personal education plan, first review and first
  visit clocks start.
- change_legal_status / change_placement: a new legal status or placement from a date; the
  SSDA903 episode it starts, and its reason (RNE), follow (derive_episodes).
- cease_care: the period ends with its reason (REC): a missing child's care ends E8 (903
  rule 580), a planned return home (E4A) needs an approved return-home decision, and a
  section 20 child looked after for 20 working days or more needs an approval (reg 39).
- request_approval / decide_approval: approvals reserved to a nominated officer or the
  director (regs 11, 18, 19, 39).

RNE, derived (903 rules 143, 434 to 436): S the first episode; L legal status only; P
placement and carers; T placement, same carers; B legal status and placement and carers; U
legal status and placement, same carers.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from casework.services import check_open, issue_due, lock_episode
from chronology.services import record_event
from exploitation.selectors import open_missing_episode
from kernel import codelists, deadlines, working_days
from kernel.rules import Errors, as_date, check_date, long_date
from people.ages import age_on
from people.models import Involvement

from . import s31za, short_breaks
from .models import Approval, CareEpisode, Carer, Designation, LegalStatus, PeriodOfCare, Placement
from .selectors import approver_kind, current_legal_status, current_placement, is_designated, latest_change, open_period
from .with_parent import services as with_parent

if TYPE_CHECKING:
    from frontdoor.models import Referral
    from kernel.access import SignedInUser

    from .models import ReunificationDecision

# 903 rules 178, 213, 218, 222: no provider for these; no URN for these.
TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}
# No provider for a temporary placement or Z11 to Z14 (903 rules 178 and 213: T0 to T4 too, in
# the DfE's rules as the sector's validator reads them for 2022/23 to 2025/26).
NO_PROVIDER = {"T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}
NO_URN = {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}
WITH_PARENT = "P1"
CARE_ORDERS = {"C1", "C2"}
SECTION_20 = {"V2", "V3", "V4"}
RETURNED_HOME = {"E4A", "E4B"}
# Reasons that are not a decision of the authority to cease looking after (no reg 39 approval).
NOT_A_DECISION = {"E2", "E3", "E4B", "E9", "E11", "E12", "E14", "E15", "E16", "E41", "E45", "E46", "E47", "E48"}
MISSING_END_REASON = "E8"
START_RULES = ("care-plan", "iro-appointment", "initial-health-assessment", "first-looked-after-review")
SHORT_BREAK_START_RULES = ("care-plan", "iro-appointment")  # reg 48(3): see childrenincare.short_breaks
PEP_RULE = "personal-education-plan"
PEP_FROM_AGE = 3  # [U] statutory PEPs are for school age; many authorities start them in early years


@dataclasses.dataclass
class PlacementDetails:
    place: str
    provider: str = ""
    carer: Carer | None = None
    postcode: str = ""
    urn: str = ""
    area: str = Placement.Area.INSIDE
    intended_until_18: bool = False
    immediate_with_parent: bool = False


# --- Looking things up --------------------------------------------------------------------


CARE_ENDED = "The child stopped being looked after"  # why the period's open due dates are withdrawn


def lock_period(period: PeriodOfCare) -> PeriodOfCare:
    return PeriodOfCare.objects.select_for_update().select_related("person", "episode").get(pk=period.pk)


ADULT_AGE = 18


def is_16_or_17(age: int | None) -> bool:
    """A child of 16 or 17: the ages for which the director approves the end of care (reg 39)
    and a return home under section 20 (approval_kind). An 18-year-old is not a child."""
    return age is not None and 16 <= age < ADULT_AGE


def looked_after_working_days(period: PeriodOfCare, on: datetime.date) -> int:
    return working_days.working_days_between(period.start_date, as_date(on))


# --- Checks shared by the services --------------------------------------------------------


def check_placement(
    errors: Errors, details: PlacementDetails, on: datetime.date, *, legal_status: str, prefix: str = ""
) -> None:
    """A placement the SSDA903 can hold: a code valid on the day, a provider where one is
    needed and none where it must be blank, an Ofsted URN where one is needed."""
    place = details.place
    if not codelists.is_valid("placement-type", place, on=on):
        errors.add(prefix + "place", "Select a placement type that is in use on the placement date")
        return
    if place in NO_PROVIDER:
        if details.provider:
            errors.add(
                prefix + "provider", "Leave the provider blank for a temporary or other placement (SSDA903 rule 178)"
            )
    elif not codelists.is_valid("placement-provider", details.provider, on=on):
        errors.add(prefix + "provider", "Select the placement provider")
    elif place == WITH_PARENT and details.provider != "PR0":
        errors.add(
            prefix + "provider",
            "A placement with parents has the provider 'parents or other people with parental responsibility'",
        )
    needs_urn = place not in NO_URN and details.area != Placement.Area.OUTSIDE_ENGLAND
    urn = (details.urn or "").strip().upper()
    if needs_urn and not urn:
        errors.add(prefix + "urn", "Enter the provider's Ofsted unique reference number (SSDA903 rule 218)")
    elif not needs_urn and urn:
        errors.add(
            prefix + "urn", "Leave the Ofsted reference blank for this placement type or a placement outside England"
        )
    elif urn and not (6 <= len(urn) <= 8 and urn.isalnum()):
        errors.add(prefix + "urn", "An Ofsted unique reference number is 6 to 8 letters and numbers, like SC123456")
    if not (details.postcode or "").strip():
        # Every placement, a temporary one too (where the child is staying), has a postcode:
        # SSDA903 rules 392b and 169 ask for it on every episode but short breaks (V3, V4).
        errors.add(prefix + "postcode", "Enter the placement's postcode")
    if details.immediate_with_parent and place != WITH_PARENT:
        errors.add(
            prefix + "immediate_with_parent",
            "Only a placement with parents can be an immediate placement under regulation 19",
        )
    if place == WITH_PARENT and legal_status in SECTION_20:
        errors.add(
            prefix + "place",
            "A child accommodated under section 20 who goes home ceases to be looked after: "
            "record a return home instead of a placement with parents",
        )
    short_breaks.check_place(errors, legal_status, place, prefix + "place")


def _placement(period, details, on, user):
    return Placement.objects.create(
        period=period,
        place=details.place,
        provider=details.provider,
        carer=details.carer,
        postcode=(details.postcode or "").strip().upper(),
        urn=(details.urn or "").strip().upper(),
        area=details.area,
        intended_until_18=details.intended_until_18,
        immediate_with_parent=details.immediate_with_parent,
        start_date=on,
        recorded_by=user,
    )


def approvals_for_placement(
    period: PeriodOfCare,
    placement: Placement,
    legal_status: str,
    user: SignedInUser,
    return_decision: ReunificationDecision | None = None,
    approved_before: Approval | None = None,
) -> list[str]:
    """The approvals a placement needs (CPR10 reg 11, 18, 19): outside the area by a nominated
    officer, at a distance by the director, with a parent by a nominated officer (through an
    approved return-home decision, or as an immediate placement). An immediate placement with
    a parent approved before it was made (`approved_before`, reg 19) is linked to that
    approval; one that began with the period (the child living with the parent already, reg
    15(2)) asks for it the same day."""
    kinds: list[str] = []
    if placement.area in (Placement.Area.ADJOINING, Placement.Area.OUTSIDE_ENGLAND):
        kinds.append(Approval.Kind.OUT_OF_AREA)
    elif placement.area == Placement.Area.DISTANT:
        kinds.append(Approval.Kind.DISTANT)
    if placement.place == WITH_PARENT and placement.immediate_with_parent:
        if approved_before is not None:
            Approval.objects.filter(pk=approved_before.pk).update(placement=placement)
        else:
            kinds.append(Approval.Kind.IMMEDIATE_WITH_PARENT)
    for kind in kinds:
        Approval.objects.create(
            period=period, kind=kind, placement=placement, requested_by=user, requested_on=placement.start_date
        )
    return kinds


def check_with_parent(
    errors: Errors,
    period: PeriodOfCare | None,
    details: PlacementDetails,
    legal_status: str,
    return_decision: ReunificationDecision | None,
) -> None:
    """A child on a care order is placed with parents only after an approved return-home
    decision (route B, reg 18), or immediately under reg 19 with a nominated officer's approval."""
    if details.place != WITH_PARENT or legal_status not in CARE_ORDERS:
        return
    if return_decision is None and not details.immediate_with_parent:
        errors.add(
            "place",
            "A child on a care order is placed with parents only after a return-home decision "
            "approved by a nominated officer (Care Planning Regulations 2010 reg 18), or as an "
            "immediate placement under regulation 19",
        )


# --- The SSDA903 episodes -----------------------------------------------------------------


def new_episode_reason(previous: tuple[LegalStatus, Placement] | None, current: tuple[LegalStatus, Placement]) -> str:
    """RNE from what changed between two consecutive (legal status, placement) states."""
    if previous is None:
        return "S"
    (ls_before, pl_before), (ls_now, pl_now) = previous, current
    legal = ls_before is not ls_now
    moved = pl_before is not pl_now
    same_carers = moved and pl_now.carer_id is not None and pl_now.carer_id == pl_before.carer_id
    if legal and moved:
        return "U" if same_carers else "B"
    if moved:
        return "T" if same_carers else "P"
    return "L"


def derive_episodes(
    period: PeriodOfCare,
    legal_statuses: Iterable[LegalStatus] | None = None,
    placements: Iterable[Placement] | None = None,
) -> list[CareEpisode]:
    """Rebuild the period's SSDA903 episodes from its legal statuses and placements: a new
    episode on each day either changes, ended X1 when care continues and with the period's
    reason when it ends. Returns the unsaved episodes when given the rows (the demo uses
    that); otherwise replaces the stored ones."""
    store = legal_statuses is None
    statuses = list(
        legal_statuses if legal_statuses is not None else period.legal_statuses.order_by("start_date", "id")
    )
    places = list(placements if placements is not None else period.placements.order_by("start_date", "id"))
    days = sorted({s.start_date for s in statuses} | {p.start_date for p in places})
    episodes, previous = [], None
    for index, day in enumerate(days):
        status = [s for s in statuses if s.start_date <= day][-1]
        placement = [p for p in places if p.start_date <= day][-1]
        last = index == len(days) - 1
        end_date = period.end_date if last else days[index + 1]
        episodes.append(
            CareEpisode(
                period=period,
                person_id=period.person_id,
                start_date=day,
                new_episode_reason=new_episode_reason(previous, (status, placement)),
                legal_status=status.code,
                category_of_need=period.category_of_need,
                place=placement.place,
                provider=placement.provider,
                urn=placement.urn,
                home_postcode=period.home_postcode,
                placement_postcode=placement.postcode,
                end_date=end_date,
                end_reason=(period.end_reason if last else "X1") if end_date else "",
                placement=placement,
                legal_status_record=status,
            )
        )
        previous = (status, placement)
    for current, following in zip(episodes, episodes[1:], strict=False):
        if following.placement is not current.placement and needs_change_reason(current.placement, following.place):
            current.placement_change_reason = current.placement.change_reason
    if store:
        CareEpisode.objects.filter(period=period).delete()
        CareEpisode.objects.bulk_create(episodes)
    return episodes


# --- The period of care -------------------------------------------------------------------


def _issue(slug, start, period):
    return issue_due(slug, start, person=period.person, subject=period, episode=period.episode)


def check_previous_permanence(
    errors: Errors, day: datetime.date | None, code: str, la: str, on: datetime.date | None
) -> None:
    """903 PrevPerm (rules 631-636): a valid code; an LA and date only for an earlier order
    (not Z1); the LA a 3-digit DfE code; the order before care began. Blank is allowed here,
    and the return's checks list it (rule 630) until it is recorded."""
    if code and not codelists.is_valid("previous-permanence", code):
        errors.add("previous_permanence", "Select whether the child was adopted or under an order before")
    if code == "Z1" and (la or on):
        errors.add(
            "previous_permanence", "Leave the local authority and date blank when the child was not permanent before"
        )
    if la and not (la.strip().isdigit() and len(la.strip()) == 3):
        errors.add("previous_permanence_la", "Enter the DfE local authority code as 3 digits, like 201")
    if on and day and on >= day:
        errors.add("previous_permanence_date", "The earlier order must be before the child became looked after")


@transaction.atomic
def become_looked_after(
    user: SignedInUser,
    episode: Referral,
    *,
    on: datetime.date | None,
    legal_status: str,
    placement: PlacementDetails,
    category_of_need: str,
    home_postcode: str = "",
    unaccompanied_asylum_seeker: bool = False,
    return_decision: ReunificationDecision | None = None,
    previous_permanence: str = "",
    previous_permanence_la: str = "",
    previous_permanence_date: datetime.date | None = None,
    fgdm_reasons_not_offered: str = "",
) -> PeriodOfCare:
    """The child becomes looked after on `on`, with a legal status and a first placement, and
    whether they were permanent before (adopted, SGO, CAO: 903 PrevPerm, asked at the start).
    On an interim or full care order once s31ZA is in force: family group decision-making
    offered first, or the reasons it was not in the child's best interests (childrenincare.s31za)."""
    from . import visits

    episode = lock_episode(episode)
    person = episode.person
    errors = Errors()
    check_open(episode, errors)
    check_date(
        errors,
        "on",
        on,
        label="date the child became looked after",
        not_before=episode.referral_date,
        not_before_label="the referral",
    )
    day = as_date(on) if on else None
    if open_period(person) is not None:
        errors.add("__all__", "This child is already looked after: change the legal status or placement instead")
    earlier = PeriodOfCare.objects.filter(person=person, end_date__isnull=False).order_by("-end_date").first()
    if day and earlier and day <= cast(datetime.date, earlier.end_date):
        errors.add(
            "on",
            f"This overlaps the period of care that ended on {long_date(earlier.end_date)}: "
            "a new period starts after the last one ended",
        )
    if day and not codelists.is_valid("legal-status", legal_status, on=day):
        errors.add("legal_status", "Select the legal status")
    if not codelists.is_valid("primary-need", category_of_need, on=day) or category_of_need in ("N0", "N9"):
        errors.add("category_of_need", "Select the category of need (N1 to N8)")
    if day:
        check_placement(errors, placement, day, legal_status=legal_status)
        check_with_parent(errors, None, placement, legal_status, return_decision)
    check_previous_permanence(errors, day, previous_permanence, previous_permanence_la, previous_permanence_date)
    fgdm_offer = s31za.check(errors, person, legal_status, None, day, fgdm_reasons_not_offered) if day else ""
    if "legal_status" not in errors:
        short_breaks.check_start(errors, person, legal_status, day)
    errors.raise_if_any()
    day = cast(datetime.date, day)  # checked: the date is given

    period = PeriodOfCare.objects.create(
        person=person,
        episode=episode,
        start_date=day,
        category_of_need=category_of_need,
        home_postcode=(home_postcode or "").strip().upper(),
        unaccompanied_asylum_seeker=unaccompanied_asylum_seeker,
        previous_permanence=previous_permanence or "",
        previous_permanence_la=(previous_permanence_la or "").strip(),
        previous_permanence_date=previous_permanence_date,
        created_by=user,
    )
    status = LegalStatus.objects.create(
        period=period,
        code=legal_status,
        start_date=day,
        recorded_by=user,
        fgdm_offer=fgdm_offer[:300],
        fgdm_reasons_not_offered=s31za.reasons_kept(legal_status, None, day, fgdm_reasons_not_offered),
    )
    first = _placement(period, placement, day, user)
    derive_episodes(period)
    if short_breaks.is_short_break(legal_status):
        # Reg 48(3): the short break care plan and the IRO, but no health assessment (reg 7)
        # or education plan (reg 5), and the series' own review and visit clocks.
        for slug in SHORT_BREAK_START_RULES:
            _issue(slug, day, period)
        short_breaks.start(period, day)
    else:
        short_breaks.stop(person, "The child is looked after other than on short breaks")
        for slug in START_RULES:
            _issue(slug, day, period)
        age = age_on(person, day)
        if age is None or age >= PEP_FROM_AGE:
            _issue(PEP_RULE, day, period)
    visits.schedule_after_placement(period, first, status)
    approvals_for_placement(period, first, status.code, user, return_decision)
    if first.immediate_with_parent:
        with_parent.issue_assessment_due(period, first)
    record_event(
        person,
        "looked-after",
        timezone.now(),
        f"Became looked after: {codelists.label('legal-status', legal_status)}",
        detail=f"Placement: {codelists.label('placement-type', placement.place)}",
        source=period,
        recorded_by=user,
    )
    audit.record_creation(user, period, person=person, summary="Recorded that the child became looked after")
    return period


@transaction.atomic
def change_legal_status(
    user: SignedInUser, period: PeriodOfCare, *, code: str, on: datetime.date | None, fgdm_reasons_not_offered: str = ""
) -> LegalStatus:
    """A new legal status from `on`. Into an interim or full care order from another status,
    once s31ZA is in force: family group decision-making offered first, or the reasons it was
    not in the child's best interests (childrenincare.s31za)."""
    from . import visits

    period = lock_period(period)
    errors = Errors()
    current = current_legal_status(period)
    _check_change(errors, period, on, field="on", current=current)
    day = as_date(on) if on else None
    if day and not codelists.is_valid("legal-status", code, on=day):
        errors.add("code", "Select the new legal status")
    elif current and code == current.code:
        errors.add("code", f"The legal status is already {codelists.label('legal-status', code)}")
    placement = current_placement(period)
    if code in SECTION_20 and placement and placement.place == WITH_PARENT:
        errors.add(
            "code", "A child placed with parents cannot be accommodated under section 20: end the placement first"
        )
    fgdm_offer = ""
    if day and "code" not in errors and current is not None:
        fgdm_offer = s31za.check(errors, period.person, code, current.code, day, fgdm_reasons_not_offered)
        short_breaks.check_legal_status_change(errors, current.code, code, placement.place if placement else "")
    errors.raise_if_any()
    day = cast(datetime.date, day)  # checked: the date is given
    current = cast(LegalStatus, current)  # a period of care not ended has a legal status
    LegalStatus.objects.filter(pk=current.pk).update(end_date=day)
    status = LegalStatus.objects.create(
        period=period,
        code=code,
        start_date=day,
        recorded_by=user,
        fgdm_offer=fgdm_offer[:300],
        fgdm_reasons_not_offered=s31za.reasons_kept(code, current.code, day, fgdm_reasons_not_offered),
    )
    derive_episodes(period)
    if short_breaks.is_short_break(current.code) and not short_breaks.is_short_break(code):
        short_breaks.stop(period.person, "The short breaks ended: the child is looked after under another status")
    elif short_breaks.is_short_break(code) and not short_breaks.is_short_break(current.code):
        short_breaks.start(period, day)
    visits.schedule_after_legal_status(period, placement, status)
    record_event(
        period.person,
        "legal-status",
        timezone.now(),
        f"Legal status: {codelists.label('legal-status', code)}",
        source=status,
        recorded_by=user,
    )
    audit.record_change(
        user, period, {"legal_status": (current.code, code)}, person=period.person, summary="Changed the legal status"
    )
    return status


def period_ended(period: PeriodOfCare) -> str:
    """The one wording of every refusal to change a period of care that has ended."""
    return f"This period of care ended on {long_date(period.end_date)}"


def needs_change_reason(ending: Placement | None, new_place: str) -> bool:
    """Whether the reason the last placement ended is asked for: it is (903 rule 225), except
    where the move is into or out of a temporary placement T0 to T4, where the reason is null
    on the temporary episode and on the episode before it (903 rule 226)."""
    return ending is not None and ending.place not in TEMPORARY and new_place not in TEMPORARY


def _check_change(errors, period, on, *, field, current):
    """A change of legal status or placement (`current`: the one being replaced) comes after
    the last change. It may fall on the same day as the last change of the *other* kind, so
    that a legal status and a placement changing together make one episode, reason B or U
    (SSDA903 RNE); never on the day care began, nor twice in one day for the same kind."""
    if period.end_date is not None:
        errors.add("__all__", period_ended(period))
        return
    last = latest_change(period)
    check_date(
        errors,
        field,
        on,
        label="date of the change",
        not_before=period.start_date,
        not_before_label="the start of the period of care",
    )
    if not on or field in errors:
        return
    day = as_date(on)
    what = "legal status" if isinstance(current, LegalStatus) else "placement"
    if day < last:
        errors.add(
            field,
            f"The last change was on {long_date(last)}: a change must come after it, because "
            "episodes cannot overlap (SSDA903)",
        )
    elif day == period.start_date:
        errors.add(
            field,
            f"The child became looked after on {long_date(day)}: record the {what} they started "
            "with on the care record, or a change after that day",
        )
    elif current is not None and current.start_date == day:
        errors.add(
            field,
            f"The {what} already changed on {long_date(day)}: a second change that day would leave "
            "an episode that lasts no time (SSDA903)",
        )


@transaction.atomic
def change_placement(
    user: SignedInUser,
    period: PeriodOfCare,
    details: PlacementDetails,
    *,
    on: datetime.date | None,
    change_reason: str = "",
    return_decision: ReunificationDecision | None = None,
) -> Placement:
    """The child moves to a new placement (or the same carers' placement changes type) on `on`.
    The reason the last placement ended is required unless it was temporary (903 rule 225)."""
    from . import visits

    period = lock_period(period)
    errors = Errors()
    ending = current_placement(period)
    _check_change(errors, period, on, field="on", current=ending)
    day = as_date(on) if on else None
    status = cast(LegalStatus, current_legal_status(period))  # a period of care has a legal status
    if not needs_change_reason(ending, details.place):
        if change_reason:
            errors.add(
                "change_reason",
                "Leave the reason blank when the child moves into or out of a temporary placement (SSDA903 rule 226)",
            )
    elif not codelists.is_valid("placement-change-reason", change_reason, on=day):
        errors.add("change_reason", "Select the reason the last placement ended")
    approved_before = None
    short_breaks.check_placement_change(errors, status.code)
    if day:
        check_placement(errors, details, day, legal_status=status.code)
        check_with_parent(errors, period, details, status.code, return_decision)
        if "place" not in errors and "immediate_with_parent" not in errors:
            approved_before = with_parent.check_approved_in_advance(errors, period, details, day)
    errors.raise_if_any()
    ending = cast(Placement, ending)  # a period of care not ended has a placement
    Placement.objects.filter(pk=ending.pk).update(end_date=day, change_reason=change_reason)
    placement = _placement(period, details, day, user)
    derive_episodes(period)
    visits.schedule_after_placement(period, placement, status)
    approvals_for_placement(period, placement, status.code, user, return_decision, approved_before)
    if ending.immediate_with_parent:
        with_parent.withdraw(period, reason="The immediate placement with a parent ended")
    if placement.immediate_with_parent:
        with_parent.issue_assessment_due(period, placement)
    record_event(
        period.person,
        "placement",
        timezone.now(),
        f"New placement: {codelists.label('placement-type', details.place)}",
        detail=(
            f"Last placement ended: {codelists.label('placement-change-reason', change_reason)}"
            if change_reason
            else ""
        ),
        source=placement,
        recorded_by=user,
    )
    audit.record_creation(user, placement, person=period.person, summary="Recorded a new placement")
    return placement


def ceasing_approval_needed(period: PeriodOfCare, on: datetime.date, reason: str) -> str | None:
    """The approval reg 39 needs before the authority decides to stop looking after a child
    accommodated under section 20 for 20 working days or more: the director for a 16 or 17
    year old, a nominated officer otherwise. None when it is not the authority's decision."""
    status = current_legal_status(period)
    if reason in NOT_A_DECISION or status is None or status.code not in SECTION_20:
        return None
    if looked_after_working_days(period, on) < 20:
        return None
    age = age_on(period.person, as_date(on))
    if age is not None and age >= ADULT_AGE:
        return None  # reg 39 is about a child: at 18 care ends by law, not by the authority's decision
    return Approval.Kind.CEASE_16_17 if is_16_or_17(age) else Approval.Kind.CEASE


@transaction.atomic
def cease_care(
    user: SignedInUser,
    period: PeriodOfCare,
    *,
    on: datetime.date | None,
    reason: str,
    return_decision: ReunificationDecision | None = None,
) -> PeriodOfCare:
    """The period of care ends on `on` with the 903 reason (REC)."""
    from .planning import services as care_planning
    from .return_home import services as reunification

    period = lock_period(period)
    errors = Errors()
    if period.end_date is not None:
        errors.add("__all__", period_ended(period))
    else:
        last = latest_change(period)
        check_date(errors, "on", on, label="date care ended", not_before=last, not_before_label="the last change")
    day = as_date(on) if on else None
    if not codelists.is_valid("episode-end-reason", reason, on=day) or reason == "X1":
        errors.add("reason", "Select the reason the child stopped being looked after")
    missing = open_missing_episode(period.person)
    if missing is not None and reason != MISSING_END_REASON:
        errors.add(
            "reason",
            "The child is still recorded as missing: care that ends while a child is missing ends with "
            "E8, 'ceased for any other reason' (SSDA903 rule 580)",
        )
    if reason == "E4A" and (return_decision is None or return_decision.status != return_decision.Status.APPROVED):
        errors.add(
            "reason",
            "A return home as part of the care plan (E4A) needs a return-home decision approved by a "
            "nominated officer: start one from the child's care page",
        )
    # Care that ends while the child is missing is not a decision to stop looking after them.
    kind = ceasing_approval_needed(period, day, reason) if day and period.end_date is None and missing is None else None
    if (
        kind
        and return_decision is None
        and not period.approvals.filter(kind=kind, status=Approval.Status.APPROVED).exists()
    ):
        who = "the director of children's services" if kind == Approval.Kind.CEASE_16_17 else "a nominated officer"
        errors.add(
            "__all__",
            f"The child has been accommodated under section 20 for 20 working days or more: ceasing "
            f"to look after them needs approval by {who} first (Care Planning Regulations 2010 reg 39)",
        )
    errors.raise_if_any()
    day = cast(datetime.date, day)  # checked: the date is given
    period.end_date, period.end_reason = day, reason
    PeriodOfCare.objects.filter(pk=period.pk).update(end_date=day, end_reason=reason)
    period.legal_statuses.filter(end_date__isnull=True).update(end_date=day)
    period.placements.filter(end_date__isnull=True).update(end_date=day)
    derive_episodes(period)
    deadlines.withdraw(period, reason=CARE_ENDED)
    if cast(LegalStatus, current_legal_status(period)).code == "V4":
        short_breaks.stop(period.person, "The short-break agreement ended")
    # The IRO's access to the record ends with the care they review (care_planning.appoint_iro).
    Involvement.objects.filter(person=period.person, kind=care_planning.IRO_INVOLVEMENT, end_date__isnull=True).update(
        end_date=day
    )
    if reason == "E4B":
        reunification.start_monitoring(period, returned_on=day, decision=None)
    record_event(
        period.person,
        "care-ceased",
        timezone.now(),
        f"Stopped being looked after: {codelists.label('episode-end-reason', reason)}",
        source=period,
        recorded_by=user,
    )
    audit.record_change(
        user,
        period,
        {"end_date": (None, day), "end_reason": ("", reason)},
        person=period.person,
        summary="Recorded that the child stopped being looked after",
    )
    return period


# --- Approvals ----------------------------------------------------------------------------


@transaction.atomic
def request_approval(user: SignedInUser, period: PeriodOfCare, *, kind: str, reasons: str) -> Approval:
    period = lock_period(period)
    errors = Errors()
    if period.end_date is not None:
        errors.add("__all__", period_ended(period))
    immediate = kind == Approval.Kind.IMMEDIATE_WITH_PARENT
    if immediate:
        # Reg 19: asked for before the child is placed with the parent.
        status = current_legal_status(period)
        if status is None or status.code not in CARE_ORDERS:
            errors.add(
                "kind",
                "An immediate placement with a parent is for a child in care, on an interim or full "
                "care order (Care Planning Regulations 2010 reg 15 and 19)",
            )
        if not (reasons or "").strip():
            errors.add(
                "reasons",
                "Say why placing the child with the parent now is necessary and consistent with "
                "their welfare, and what the interview with the parent found (reg 19(a))",
            )
    elif kind not in (Approval.Kind.CEASE, Approval.Kind.CEASE_16_17):
        errors.add("kind", "Placement approvals are requested when the placement is recorded")
    elif not (reasons or "").strip():
        errors.add("reasons", "Say why care should end, and the support the child will have")
    if period.approvals.filter(kind=kind, status=Approval.Status.PENDING).exists():
        errors.add("__all__", "An approval of this kind is already waiting")
    errors.raise_if_any()
    approval = Approval.objects.create(
        period=period, kind=kind, requested_by=user, requested_on=timezone.localdate(), reasons=reasons.strip()
    )
    audit.record_creation(user, approval, person=period.person, summary="Asked for an approval")
    return approval


@transaction.atomic
def decide_approval(user: SignedInUser, approval: Approval, *, approve: bool, reasons: str = "") -> Approval:
    """A nominated officer (or the director, where the regulations say) approves or not."""
    approval = Approval.objects.select_for_update().select_related("period__person").get(pk=approval.pk)
    today = timezone.localdate()
    errors = Errors()
    if approval.status != Approval.Status.PENDING:
        errors.add("__all__", f"This was already decided: {approval.get_status_display().lower()}")
    needed = approver_kind(approval.kind)
    if not is_designated(user, needed, today):
        errors.add(
            "__all__", f"Only {Designation.Kind(needed).label.lower()} may decide this (Care Planning Regulations 2010)"
        )
    if not approve and not (reasons or "").strip():
        errors.add("reasons", "Give the reasons it is not approved")
    errors.raise_if_any()
    approval.status = Approval.Status.APPROVED if approve else Approval.Status.REFUSED
    approval.decided_by, approval.decided_on = user, today
    if reasons:
        approval.reasons = (approval.reasons + "\n\n" if approval.reasons else "") + reasons.strip()
    approval.save()
    record_event(
        approval.period.person,
        "approval",
        timezone.now(),
        f"{approval.get_kind_display()}: {approval.get_status_display().lower()}",
        source=approval,
        recorded_by=user,
    )
    audit.record_change(
        user,
        approval,
        {"status": (Approval.Status.PENDING, approval.status)},
        person=approval.period.person,
        summary="Decided an approval",
    )
    return approval
