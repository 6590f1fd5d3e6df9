"""The care leavers module's rules, named as the field names them. Each change is one
transaction that checks every rule before it writes (kernel.rules.RuleBroken, messages by
field), adds to the chronology and is audited.

- open_record: the young person's care leaver record, for someone the care history makes
  entitled (leavingcare.eligibility).
- appoint_personal_adviser: the personal adviser from a date (Children Act 1989 s23B(2),
  s23CZB); the last allocation ends the day before; the adviser reads the record through an
  involvement, as the IRO does for a looked-after child.
- record_pathway_plan: the pathway plan, then its reviews (CPR10 reg 43; Care Leavers
  (England) Regulations 2010 reg 6 and 7), each issuing the next review due 6 months later
  (the timescale rule pathway-plan-review, leavingcare/data/timescales.json) and meeting the
  one it answers (late needs the reason).
- record_contact: a keeping-in-touch contact (when, how, whether in touch).
- record_birthday_contact: what the SSDA903 OC3 asks about the 17th to 21st birthday, with the
  ACCOM code derived from the type and suitability (`accommodation_code`) and the window
  around the birthday (`birthday_window`, in leavingcare.selectors).
- record_circumstances: what the care history cannot tell and the statutory category needs
  (leavingcare.eligibility.Circumstances): living with a parent or person with parental
  responsibility (since, broke down on), the special guardianship order no longer in force,
  and detained or in hospital on the 16th birthday.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from chronology.services import record_event
from kernel import codelists, deadlines
from kernel import selectors as deadline_reads
from kernel.models import Deadline
from kernel.rules import Errors, as_date, check_date, long_date
from partners.access import is_local_authority_staff
from partners.models import User
from people.models import Involvement

from . import eligibility
from .eligibility import birthday, oc3_rule
from .models import BirthdayContact, CareLeaver, KeepingInTouchContact, PathwayPlanReview, PersonalAdviser
from .selectors import PATHWAY_PLAN_REVIEW_RULE, birthday_window, current_adviser, latest_plan

if TYPE_CHECKING:
    from kernel.access import SignedInUser
    from people.models import Person

PA_INVOLVEMENT = "Personal adviser (care leaver)"
# There is no personal adviser role: local-authority case staff may be appointed [U].
ADVISER_ROLES = {User.Role.SOCIAL_WORKER, User.Role.TEAM_MANAGER, User.Role.FAMILY_HELP_LEAD}
IN_TOUCH_YES = "YES"
NOT_KNOWN = "0"
NO_ACTIVITY_OR_ACCOMMODATION = {"DIED", "RHOM"}  # validator rule 344: ACTIV and ACCOM are 0
NEVER_SUITABLE = {"S", "X"}  # no fixed abode, custody: only code 2 exists
STAYING_PUT, FOYER = "Z", "T"


def _text(value):
    return (value or "").strip()


def accommodation_code(accommodation_type: str, suitable: bool | None, in_touch: str = "") -> str:
    """The SSDA903 ACCOM code from the two questions: the type's letter, then 1 if suitable or
    2 if not (S and X are never suitable). "0" when the young person has died or went home
    (IN_TOUCH DIED or RHOM), or when the type is not known."""
    if in_touch in NO_ACTIVITY_OR_ACCOMMODATION or not accommodation_type or accommodation_type == NOT_KNOWN:
        return NOT_KNOWN
    letter = accommodation_type.strip().upper()[:1]
    if letter in NEVER_SUITABLE:
        return f"{letter}2"
    if suitable is None:
        return ""
    return f"{letter}{1 if suitable else 2}"


def accommodation_types(on: datetime.date | None = None) -> list[tuple[str, str]]:
    """[(letter, label)] of the accommodation types in the code list (the label without its
    ': suitable' part)."""
    seen = {}
    for code, label in codelists.choices("care-leaver-accommodation", on):
        if code != NOT_KNOWN and code[:1] not in seen:
            seen[code[:1]] = label.rsplit(":", 1)[0]
    return list(seen.items())


def _holder(care_leaver):
    allocation = current_adviser(care_leaver)
    if allocation is None:
        return None, None
    return allocation.adviser.team, allocation.adviser


# --- The record ---------------------------------------------------------------------------


@transaction.atomic
def open_record(
    user: SignedInUser,
    person: Person,
    *,
    on: datetime.date | None = None,
    at_sixteen: str = "",
    detained_at_16_since: datetime.date | None = None,
) -> CareLeaver:
    """Open the care leaver record of a young person entitled to leaving care support on `on`
    (today by default). `at_sixteen` and `detained_at_16_since`: a young person detained or in
    hospital on their 16th birthday (Care Leavers (England) Regulations 2010 reg 3(2)), which
    the care history cannot tell and which may be what makes them entitled."""
    on = as_date(on) if on else timezone.localdate()
    errors = Errors()
    check_date(errors, "on", on, label="date the record is opened")
    if CareLeaver.objects.filter(person=person).exists():
        errors.add("__all__", "This young person already has a care leaver record")
    values: dict[str, Any] = {name: None for name in CIRCUMSTANCES}
    values.update(at_sixteen=at_sixteen or "", detained_at_16_since=detained_at_16_since)
    check_circumstances(errors, person, values)
    errors.raise_if_any()
    circumstances = eligibility.record_facts(CareLeaver(**values))
    found = eligibility.eligibility_category(person, on, circumstances=circumstances)
    if found.category is None and "on" not in errors:
        errors.add("__all__", "Not entitled to leaving care support: " + " ".join(found.reasons))
    errors.raise_if_any()
    record = CareLeaver.objects.create(
        person=person,
        opened_on=on,
        created_by=user,
        at_sixteen=values["at_sixteen"],
        detained_at_16_since=values["detained_at_16_since"],
    )
    record_event(
        person,
        "care-leaver",
        timezone.now(),
        f"Care leaver record opened: {found.label.lower()}",
        detail=" ".join(found.reasons),
        source=record,
        recorded_by=user,
    )
    audit.record_creation(user, record, person=person, summary="Opened the care leaver record")
    return record


def lock(care_leaver: CareLeaver) -> CareLeaver:
    return CareLeaver.objects.select_for_update().select_related("person").get(pk=care_leaver.pk)


# --- The personal adviser -----------------------------------------------------------------


@transaction.atomic
def appoint_personal_adviser(
    user: SignedInUser, care_leaver: CareLeaver, *, adviser: User | None, on: datetime.date | None
) -> PersonalAdviser:
    """The young person's personal adviser from `on`; the last one's allocation ends the day before."""
    care_leaver = lock(care_leaver)
    errors = Errors()
    current = current_adviser(care_leaver)
    if adviser is None:
        errors.add("adviser", "Select the personal adviser")
    elif not adviser.is_active or adviser.role not in ADVISER_ROLES or not is_local_authority_staff(adviser):
        errors.add(
            "adviser",
            f"{adviser} cannot be a personal adviser: choose a member of the local authority's "
            "leaving care or social work staff",
        )
    elif current is not None and current.adviser_id == adviser.pk:
        errors.add("adviser", f"{adviser} is already the personal adviser")
    not_before, label = care_leaver.person.date_of_birth, "the young person's date of birth"
    if current is not None:
        not_before, label = current.start_date + datetime.timedelta(days=1), "the day after the current adviser started"
    check_date(errors, "on", on, label="date of the appointment", not_before=not_before, not_before_label=label)
    errors.raise_if_any()

    adviser = cast(User, adviser)  # checked: an adviser is chosen
    day = as_date(cast(datetime.date, on))  # checked: the date is given
    if current is not None:
        PersonalAdviser.objects.filter(pk=current.pk).update(end_date=day - datetime.timedelta(days=1))
        Involvement.objects.filter(
            person=care_leaver.person, worker_id=current.adviser_id, kind=PA_INVOLVEMENT, end_date__isnull=True
        ).update(end_date=day - datetime.timedelta(days=1))
    allocation = PersonalAdviser.objects.create(
        care_leaver=care_leaver, adviser=adviser, start_date=day, appointed_by=user
    )
    if adviser.agency_id:
        Involvement.objects.create(
            person=care_leaver.person,
            agency_id=adviser.agency_id,
            team_id=adviser.team_id,
            worker=adviser,
            kind=PA_INVOLVEMENT,
            start_date=day,
        )
    # The pathway plan's due dates follow the adviser.
    Deadline.objects.filter(
        person=care_leaver.person, rule_slug=PATHWAY_PLAN_REVIEW_RULE, status=Deadline.Status.OPEN
    ).update(team=adviser.team, worker=adviser)
    record_event(
        care_leaver.person,
        "personal-adviser",
        timezone.now(),
        (f"Personal adviser changed to {adviser}" if current else f"Personal adviser appointed: {adviser}"),
        source=allocation,
        recorded_by=user,
    )
    audit.record_creation(
        user,
        allocation,
        person=care_leaver.person,
        summary="Changed the personal adviser" if current else "Appointed the personal adviser",
    )
    return allocation


# --- The pathway plan ---------------------------------------------------------------------


@transaction.atomic
def record_pathway_plan(
    user: SignedInUser,
    care_leaver: CareLeaver,
    *,
    kind: str,
    held_on: datetime.date | None,
    summary: str = "",
    young_person_took_part: bool = True,
    late_reason: str = "",
) -> PathwayPlanReview:
    """The pathway plan agreed (the first) or a review of it; meets the review due and issues
    the next, 6 months later."""
    care_leaver = lock(care_leaver)
    errors = Errors()
    latest = latest_plan(care_leaver)
    if kind not in PathwayPlanReview.Kind.values:
        errors.add("kind", "Select whether the pathway plan was agreed or reviewed")
    elif kind == PathwayPlanReview.Kind.REVIEW and latest is None:
        errors.add("kind", "There is no pathway plan to review yet: record the pathway plan first")
    elif kind == PathwayPlanReview.Kind.PLAN and latest is not None:
        errors.add("kind", f"The pathway plan was agreed on {long_date(latest.held_on)}: record a review of it")
    not_before, label = (
        birthday(cast(datetime.date, care_leaver.person.date_of_birth), 15),
        "the young person's 15th birthday",
    )
    if latest is not None:
        not_before, label = latest.held_on, "the last pathway plan review"
    check_date(
        errors,
        "held_on",
        held_on,
        label="date of the pathway plan review" if kind == "review" else "date the pathway plan was agreed",
        not_before=not_before,
        not_before_label=label,
    )
    day = as_date(held_on) if held_on else None
    due = deadline_reads.open_deadline(care_leaver, PATHWAY_PLAN_REVIEW_RULE)
    if day and due is not None and deadlines.is_late(due, day) and not _text(late_reason):
        errors.add("late_reason", deadlines.late_message(due))
    errors.raise_if_any()

    day = cast(datetime.date, day)  # checked: the date is given
    kept = deadlines.reason_to_keep(due, day, late_reason)
    plan = PathwayPlanReview.objects.create(
        care_leaver=care_leaver,
        kind=kind,
        held_on=day,
        summary=_text(summary),
        young_person_took_part=bool(young_person_took_part),
        late_reason=kept,
        recorded_by=user,
    )
    if due is not None:
        deadlines.complete(due, day, late_reason)
    team, worker = _holder(care_leaver)
    following = deadlines.issue(
        PATHWAY_PLAN_REVIEW_RULE, day, person=care_leaver.person, subject=care_leaver, team=team, worker=worker
    )
    title = "Pathway plan agreed" if kind == PathwayPlanReview.Kind.PLAN else "Pathway plan reviewed"
    record_event(
        care_leaver.person,
        "pathway-plan",
        timezone.now(),
        title,
        detail=f"Next review due by {long_date(following.due_date)}" + (f". Late: {kept}" if kept else ""),
        source=plan,
        recorded_by=user,
    )
    audit.record_creation(user, plan, person=care_leaver.person, summary=f"Recorded: {title.lower()}")
    return plan


# --- Keeping in touch ---------------------------------------------------------------------


@transaction.atomic
def record_contact(
    user: SignedInUser,
    care_leaver: CareLeaver,
    *,
    contact_on: datetime.date | None,
    method: str,
    in_touch: bool | None,
    notes: str = "",
) -> KeepingInTouchContact:
    care_leaver = lock(care_leaver)
    errors = Errors()
    check_date(
        errors,
        "contact_on",
        contact_on,
        label="date of the contact",
        not_before=care_leaver.person.date_of_birth,
        not_before_label="the young person's date of birth",
    )
    if method not in KeepingInTouchContact.Method.values:
        errors.add("method", "Select how the contact was made")
    if in_touch not in (True, False):
        errors.add("in_touch", "Select whether the young person was in touch")
    errors.raise_if_any()
    contact = KeepingInTouchContact.objects.create(
        care_leaver=care_leaver,
        contact_on=as_date(cast(datetime.date, contact_on)),  # checked: the date is given
        method=method,
        in_touch=cast(bool, in_touch),  # checked: yes or no
        notes=_text(notes),
        recorded_by=user,
    )
    title = f"Keeping in touch: {contact.get_method_display().lower()}, " + ("in touch" if in_touch else "not in touch")
    record_event(
        care_leaver.person,
        "keeping-in-touch",
        timezone.now(),
        title,
        detail=contact.notes,
        source=contact,
        recorded_by=user,
    )
    audit.record_creation(user, contact, person=care_leaver.person, summary="Recorded a keeping-in-touch contact")
    return contact


# --- The birthday contact (SSDA903 OC3) ---------------------------------------------------


@transaction.atomic
def record_birthday_contact(  # noqa: C901
    user: SignedInUser,
    care_leaver: CareLeaver,
    *,
    birthday_age: Any,
    contact_on: datetime.date | None = None,
    in_touch: str,
    activity: str = "",
    accommodation_type: str = "",
    accommodation_suitable: bool | None = None,
) -> BirthdayContact:
    """Whether the authority was in touch with the young person around their `birthday_age`th
    birthday, their main activity and their accommodation, as the SSDA903 OC3 asks. Recording
    it again for the same birthday replaces it."""
    care_leaver = lock(care_leaver)
    person = care_leaver.person
    errors = Errors()
    ages = oc3_rule("birthday_ages")
    try:
        birthday_age = int(birthday_age)
    except (TypeError, ValueError):
        birthday_age = None
    if birthday_age not in ages:
        errors.add("birthday_age", f"Select the birthday: the {ages[0]}th to the {ages[-1]}st")
    if not codelists.is_valid("care-leaver-in-touch", in_touch):
        errors.add("in_touch", "Select whether the authority was in touch with the young person around the birthday")
    no_details = in_touch in NO_ACTIVITY_OR_ACCOMMODATION
    window = birthday_window(cast(datetime.date, person.date_of_birth), birthday_age) if birthday_age in ages else None
    if window and birthday(
        cast(datetime.date, person.date_of_birth), birthday_age
    ) > timezone.localdate() + datetime.timedelta(days=31 * oc3_rule("window_months_before")):
        errors.add(
            "birthday_age",
            f"The {birthday_age}th birthday is more than {oc3_rule('window_months_before')} "
            "months away: record the contact nearer the birthday",
        )
    if window:
        day = birthday(cast(datetime.date, person.date_of_birth), birthday_age)
        if any(
            p.start <= day and (p.end is None or p.end >= day) for p in eligibility.histories([person.pk])[person.pk]
        ):
            errors.add(
                "birthday_age",
                f"The young person was looked after on their {birthday_age}th birthday: the "
                "SSDA903 asks about care leavers only (rules 1007 and 1016)",
            )
    if in_touch == IN_TOUCH_YES and contact_on is None:
        errors.add("contact_on", "Enter the date the authority was in touch with the young person")
    if contact_on is not None:
        check_date(
            errors,
            "contact_on",
            contact_on,
            label="date of the contact",
            not_before=person.date_of_birth,
            not_before_label="the young person's date of birth",
        )
        if (
            window
            and in_touch == IN_TOUCH_YES
            and "contact_on" not in errors
            and not (window[0] <= as_date(contact_on) <= window[1])
        ):
            errors.add(
                "contact_on",
                f"To count as in touch around the birthday, the contact must be between "
                f"{long_date(window[0])} and {long_date(window[1])} (3 months before to 1 month "
                "after it). Record a contact outside that time as a keeping-in-touch contact",
            )
    if no_details:
        activity, code = NOT_KNOWN, NOT_KNOWN
        accommodation_type, accommodation_suitable = "", None
    else:
        if not codelists.is_valid("care-leaver-activity", activity):
            errors.add("activity", "Select the young person's main activity")
        elif activity == NOT_KNOWN and in_touch == IN_TOUCH_YES:
            errors.add(
                "activity",
                "The authority is in touch with the young person: select their main activity "
                "(not known is only for a young person who has died or went home)",
            )
        letter = (accommodation_type or "").strip().upper()
        letters = dict(accommodation_types())
        if letter == NOT_KNOWN and in_touch != IN_TOUCH_YES:
            code = NOT_KNOWN
        elif letter not in letters:
            errors.add("accommodation_type", "Select the type of accommodation")
            code = ""
        else:
            if letter in NEVER_SUITABLE and accommodation_suitable:
                errors.add(
                    "accommodation_suitable",
                    f"{letters[letter]} is never suitable accommodation (SSDA903 codes S2 and X2 only): answer no",
                )
            elif accommodation_suitable is None and letter not in NEVER_SUITABLE:
                errors.add("accommodation_suitable", "Select whether the accommodation is suitable")
            if birthday_age == oc3_rule("no_staying_put_at_age") and letter == STAYING_PUT:
                errors.add(
                    "accommodation_type",
                    "At the 17th birthday the young person cannot be living with former "
                    "foster carers as a care leaver (staying put starts at 18; SSDA903 rule "
                    "3001): a young person still with their carers is looked after",
                )
            if birthday_age is not None and birthday_age < oc3_rule("no_foyer_under_age") and letter == FOYER:
                errors.add(
                    "accommodation_type", "Care leavers under 18 cannot be accommodated in a foyer (SSDA903 rule 347)"
                )
            code = accommodation_code(letter, accommodation_suitable if letter not in NEVER_SUITABLE else False)
        accommodation_type = letter if letter != NOT_KNOWN else ""
    errors.raise_if_any()

    existing = BirthdayContact.objects.filter(care_leaver=care_leaver, birthday_age=birthday_age).first()
    values = dict(
        contact_on=as_date(contact_on) if contact_on else None,
        in_touch=in_touch,
        activity=activity,
        accommodation_type=accommodation_type,
        accommodation_suitable=accommodation_suitable,
        accommodation=code,
        recorded_by=user,
    )
    if existing is None:
        found = BirthdayContact.objects.create(care_leaver=care_leaver, birthday_age=birthday_age, **values)
        audit.record_creation(user, found, person=person, summary=f"Recorded the {birthday_age}th birthday contact")
    else:
        changes = {
            name: (getattr(existing, name), value)
            for name, value in values.items()
            if name != "recorded_by" and getattr(existing, name) != value
        }
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        found = existing
        audit.record_change(
            user, found, changes, person=person, summary=f"Changed the {birthday_age}th birthday contact"
        )
    label = codelists.label("care-leaver-in-touch", in_touch)
    record_event(
        person,
        "birthday-contact",
        timezone.now(),
        f"{birthday_age}th birthday contact: {label[0].lower()}{label[1:]}",
        detail=(f"Activity {activity}, accommodation {code}"),
        source=found,
        recorded_by=user,
    )
    return found


CIRCUMSTANCES = (
    "home_with_parent_since",
    "home_with_parent_until",
    "special_guardianship_ended_on",
    "at_sixteen",
    "detained_at_16_since",
)
CIRCUMSTANCE_LABELS = {
    "home_with_parent_since": "date they began to live with a parent or person with parental responsibility",
    "home_with_parent_until": "date that arrangement broke down",
    "special_guardianship_ended_on": "date the special guardianship order stopped being in force",
    "detained_at_16_since": "date they were detained or admitted to hospital",
}


def check_circumstances(
    errors: Errors, person: Person, values: dict[str, Any], periods: list[eligibility.Period] | None = None
) -> None:
    """The rules for what the care leaver record adds to the care history (values: a dict with
    every name in CIRCUMSTANCES)."""
    dob = person.date_of_birth
    for name, label in CIRCUMSTANCE_LABELS.items():
        if values[name] is not None:
            values[name] = as_date(values[name])
            check_date(
                errors,
                name,
                values[name],
                label=label,
                required=False,
                not_before=dob,
                not_before_label="their date of birth",
            )
    since, until = values["home_with_parent_since"], values["home_with_parent_until"]
    if since is not None and until is not None and until < since and "home_with_parent_until" not in errors:
        errors.add(
            "home_with_parent_until",
            f"The {CIRCUMSTANCE_LABELS['home_with_parent_until']} cannot be before "
            f"they began to live there ({long_date(since)})",
        )
    periods = eligibility.histories([person.pk])[person.pk] if periods is None else periods
    ended = values["special_guardianship_ended_on"]
    if ended is not None and "special_guardianship_ended_on" not in errors:
        orders = [
            cast(datetime.date, p.end)
            for p in periods
            if p.end_reason in eligibility.listed("special_guardianship_end_reasons")
        ]
        if not orders:
            errors.add(
                "special_guardianship_ended_on",
                "The care history has no period of care that ended with a "
                "special guardianship order (reasons E45 to E48)",
            )
        elif ended < max(orders):
            errors.add(
                "special_guardianship_ended_on",
                f"The order cannot stop being in force before it was made ({long_date(max(orders))})",
            )
    kind, detained = values["at_sixteen"] or "", values["detained_at_16_since"]
    values["at_sixteen"] = kind
    if kind and kind not in CareLeaver.AtSixteen.values:
        errors.add("at_sixteen", "Choose detained or in hospital")
    elif kind and detained is None:
        errors.add("detained_at_16_since", f"Enter the {CIRCUMSTANCE_LABELS['detained_at_16_since']}")
    elif detained is not None and not kind:
        errors.add("at_sixteen", "Say whether they were detained or in hospital on their 16th birthday")
    elif (
        detained is not None
        and dob is not None
        and detained > birthday(dob, eligibility.threshold("some_after_age"))
        and "detained_at_16_since" not in errors
    ):
        errors.add(
            "detained_at_16_since",
            "This is for a young person already detained or in hospital on their 16th "
            f"birthday ({long_date(birthday(dob, 16))}): the date cannot be after it",
        )


@transaction.atomic
def record_circumstances(user: SignedInUser, care_leaver: CareLeaver, **values: Any) -> CareLeaver:
    """Record what the care history cannot tell (leavingcare.eligibility.Circumstances): since
    when the young person lives with a parent or person with parental responsibility and when
    that broke down, when the special guardianship order stopped being in force, and whether
    they were detained or in hospital on their 16th birthday. Only the names given change;
    None clears a date."""
    unknown = set(values) - set(CIRCUMSTANCES)
    if unknown:
        raise TypeError(f"Not a circumstance: {', '.join(sorted(unknown))}")
    care_leaver = lock(care_leaver)
    merged = {name: values.get(name, getattr(care_leaver, name)) for name in CIRCUMSTANCES}
    if not merged["at_sixteen"] and "detained_at_16_since" not in values:
        merged["detained_at_16_since"] = None  # clearing the kind clears its date
    errors = Errors()
    check_circumstances(errors, care_leaver.person, merged)
    errors.raise_if_any()
    changes = {
        name: (getattr(care_leaver, name), merged[name])
        for name in CIRCUMSTANCES
        if getattr(care_leaver, name) != merged[name]
    }
    if not changes:
        return care_leaver
    CareLeaver.objects.filter(pk=care_leaver.pk).update(**{name: new for name, (_, new) in changes.items()})
    for name, (_, new) in changes.items():
        setattr(care_leaver, name, new)
    audit.record_change(
        user,
        care_leaver,
        changes,
        person=care_leaver.person,
        summary="Changed the young person's circumstances on the care leaver record",
    )
    found = eligibility.eligibility_category(care_leaver.person, timezone.localdate(), care_leaver=care_leaver)
    record_event(
        care_leaver.person,
        "care-leaver",
        timezone.now(),
        f"Care leaver circumstances changed: {found.label.lower()}",
        detail=" ".join(found.reasons),
        source=care_leaver,
        recorded_by=user,
    )
    return care_leaver


def record_home_with_parent(
    user: SignedInUser, care_leaver: CareLeaver, *, since: datetime.date | None, until: datetime.date | None = None
) -> CareLeaver:
    """Record that the young person lives with a parent since `since` (None: no longer), and
    when that broke down (`until`)."""
    return record_circumstances(user, care_leaver, home_with_parent_since=since, home_with_parent_until=until)
