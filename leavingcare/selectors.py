"""What a care leaver's record holds, read without writing: the record of a young person, the
personal adviser now, the latest pathway plan, a birthday contact, and what the record page
shows (leavingcare.services writes)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from kernel import selectors as due_dates
from kernel.models import Deadline
from partners.models import User
from people.access import Level, levels
from people.models import Person

from . import eligibility
from .eligibility import add_months, birthday, oc3_rule
from .models import BirthdayContact, CareLeaver, PathwayPlanReview, PersonalAdviser

PATHWAY_PLAN_REVIEW_RULE = "pathway-plan-review"


def record_of(person: Person) -> CareLeaver | None:
    """The young person's care leaver record, or None."""
    return CareLeaver.objects.filter(person=person).first()


def birthday_contact(care_leaver: CareLeaver, age: str) -> BirthdayContact | None:
    """The contact recorded for the birthday `age` (digits from a query string), or None."""
    return care_leaver.birthday_contacts.filter(birthday_age=int(age)).first() if age.isdigit() else None


def birthday_window(date_of_birth: datetime.date, age: int) -> tuple[datetime.date, datetime.date]:
    """(from, to): the days around the `age`th birthday when being in touch counts for OC3 (3
    months before to 1 month after, leavingcare/data/eligibility.json [U])."""
    day = birthday(date_of_birth, age)
    return add_months(day, -oc3_rule("window_months_before")), add_months(day, oc3_rule("window_months_after"))


def current_adviser(care_leaver: CareLeaver) -> PersonalAdviser | None:
    """The personal adviser appointed now, or None."""
    return care_leaver.advisers.filter(end_date__isnull=True).select_related("adviser", "adviser__team").first()


def latest_plan(care_leaver: CareLeaver) -> PathwayPlanReview | None:
    """The pathway plan agreed or reviewed last, or None."""
    return care_leaver.pathway_plans.order_by("-held_on", "-id").first()


def summary(care_leaver: CareLeaver, on: datetime.date | None = None) -> dict[str, Any]:
    """What the record page shows: eligibility, advisers, plans and the review due, contacts and
    the birthdays the SSDA903 OC3 asks about."""
    on = on or timezone.localdate()
    person = care_leaver.person
    found = eligibility.eligibility_category(person, on, care_leaver=care_leaver)
    adviser = current_adviser(care_leaver)
    due = due_dates.open_deadline(care_leaver, PATHWAY_PLAN_REVIEW_RULE)
    ages = oc3_rule("birthday_ages")
    contacts = {c.birthday_age: c for c in care_leaver.birthday_contacts.all()}
    birthdays = []
    periods = eligibility.histories([person.pk])[person.pk]
    if person.date_of_birth:
        for age in ages:
            day = birthday(person.date_of_birth, age)
            start, end = birthday_window(person.date_of_birth, age)
            # Looked after on the birthday (or ceasing that day): the SSDA903 does not ask (rules 1007, 1016).
            looked_after = any(p.start <= day and (p.end is None or p.end >= day) for p in periods)
            birthdays.append(
                {
                    "age": age,
                    "day": day,
                    "window": (start, end),
                    "contact": contacts.get(age),
                    "looked_after": looked_after and age not in contacts,
                    "due": start <= on and age not in contacts and not looked_after,
                    "future": start > on,
                }
            )
    return {
        "eligibility": found,
        "adviser": adviser,
        "advisers": list(care_leaver.advisers.select_related("adviser").order_by("-start_date", "-id")),
        "adviser_missing": found.needs_personal_adviser and adviser is None,
        "plans": list(care_leaver.pathway_plans.select_related("recorded_by")),
        "review_due": due,
        "contacts": list(care_leaver.contacts.select_related("recorded_by")[:50]),
        "birthdays": birthdays,
    }


@dataclass
class AdvisedRow:
    """One young person on a personal adviser's list."""

    care_leaver: CareLeaver
    person: Person
    category: str
    next_review: datetime.date | None
    next_review_state: str
    last_contact: datetime.date | None
    facts: Any = None


def advised_by(user: User, adviser: User, day: datetime.date | None = None) -> list[AdvisedRow]:
    """The care leavers `adviser` is the personal adviser of on `day`, those the user may see in
    full, each with their eligibility category in words, the next pathway plan review due and the
    last keeping-in-touch contact: a fixed number of queries whatever the number."""
    day = day or timezone.localdate()
    next_review = (
        Deadline.objects.filter(
            person=OuterRef("person_id"), rule_slug=PATHWAY_PLAN_REVIEW_RULE, status=Deadline.Status.OPEN
        )
        .order_by("due_date")
        .values("due_date")[:1]
    )
    records = list(
        CareLeaver.objects.filter(
            Exists(
                PersonalAdviser.objects.filter(care_leaver=OuterRef("pk"), adviser=adviser, start_date__lte=day).filter(
                    Q(end_date__isnull=True) | Q(end_date__gte=day)
                )
            )
        )
        .select_related("person")
        .annotate(next_review=Subquery(next_review), last_contact=Max("contacts__contact_on"))
        .order_by("person__family_name", "person__given_names", "pk")
    )
    allowed = levels(user, [record.person for record in records])
    records = [record for record in records if allowed[record.person_id] >= Level.FULL]
    history = eligibility.histories([record.person_id for record in records])
    today, soon, _ = due_dates.windows(day)
    rows = []
    for record in records:
        person = record.person
        found = eligibility.categorise(
            person.date_of_birth,
            history[person.pk],
            day,
            **eligibility.record_facts(record),
            date_of_death=person.date_of_death,
        )
        review = vars(record)["next_review"]
        state = "" if review is None else "overdue" if review < today else "due_soon" if review <= soon else "on_track"
        rows.append(
            AdvisedRow(
                care_leaver=record,
                person=person,
                category=found.label,
                next_review=review,
                next_review_state=state,
                last_contact=vars(record)["last_contact"],
            )
        )
    return rows
