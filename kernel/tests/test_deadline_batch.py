"""kernel.deadlines.Batch, the batch variant the demo authority issues its due dates with, gives
the same rows as issue / complete / withdraw one at a time on the same inputs."""

import datetime

import pytest
from django.utils import timezone

from kernel import deadlines
from kernel.models import Deadline
from people.models import Person

pytestmark = pytest.mark.django_db

D = datetime.date
FIELDS = [
    f.name for f in Deadline._meta.concrete_fields if f.name not in ("id", "issued_at", "subject_type", "subject_id")
]


def at(*parts):
    return timezone.make_aware(datetime.datetime(*parts))


# (rule, start, met on, late reason, withdrawn reason): dates over Christmas and Easter, done on
# time, late with a reason, withdrawn, left open, and a rule in clock hours met by the hour.
CASES = [
    ("assessment-completion", D(2025, 12, 19), D(2026, 2, 20), "", ""),
    ("assessment-completion", D(2025, 12, 19), D(2026, 3, 30), "  The family moved away  ", ""),
    ("strategy-discussion", D(2026, 4, 2), None, "", "The child in need episode closed"),
    ("first-core-group", D(2026, 12, 18), None, "", ""),
    ("first-review-conference", D(2026, 12, 18), D(2027, 3, 18), "", ""),
    ("return-interview", at(2025, 8, 1, 9), at(2025, 8, 4, 8), "", ""),
    ("return-interview", at(2025, 8, 1, 9), at(2025, 8, 4, 11), "The child was away", ""),
]


def values(deadline):
    deadline.refresh_from_db()
    return {name: getattr(deadline, name) for name in FIELDS} | {
        "subject": (deadline.subject_type, deadline.subject_id)
    }


def test_a_batch_gives_the_rows_issue_complete_and_withdraw_give():
    child = Person.objects.create(given_names="Ada", family_name="Testchild", date_of_birth=D(2015, 3, 1))
    subjects = [
        Person.objects.create(given_names=f"Subject{n}", family_name="Test", date_of_birth=D(2014, 1, 1))
        for n in range(len(CASES))
    ]
    one_by_one = []
    for (slug, start, done, reason, withdrawn), subject in zip(CASES, subjects, strict=True):
        deadline = deadlines.issue(slug, start, person=child, subject=subject)
        if done is not None:
            deadlines.meet(subject, slug, done, reason)
        elif withdrawn:
            deadlines.withdraw(subject, slug, withdrawn)
        one_by_one.append(values(deadline))
    Deadline.objects.all().delete()

    batch = deadlines.Batch()
    for (slug, start, done, reason, withdrawn), subject in zip(CASES, subjects, strict=True):
        deadline = batch.issue(slug, start, person=child.pk, subject=(Person, subject.pk))
        if done is not None:
            deadlines.mark_met(deadline, done, reason)
        elif withdrawn:
            deadlines.mark_withdrawn(deadline, withdrawn)
    written = batch.write()
    assert [values(d) for d in written] == one_by_one
    assert [d["late"] for d in one_by_one] == [False, True, False, False, False, False, True]


def test_a_batch_returns_the_open_due_date_issued_again_as_issue_does():
    child = Person.objects.create(given_names="Ada", family_name="Testchild", date_of_birth=D(2015, 3, 1))
    subject = Person(given_names="Unsaved", family_name="Test")  # saved only before the batch is written
    batch = deadlines.Batch()
    first = batch.issue("assessment-completion", D(2026, 1, 5), person=child, subject=subject)
    assert batch.issue("assessment-completion", D(2026, 1, 9), person=child, subject=subject) is first
    deadlines.mark_met(first, D(2026, 1, 20))
    second = batch.issue("assessment-completion", D(2026, 1, 21), person=child, subject=subject)
    assert second is not first
    subject.save()
    batch.write()
    assert deadlines.issue("assessment-completion", D(2026, 1, 30), person=child, subject=subject).pk == second.pk
    assert Deadline.objects.filter(subject_id=subject.pk).count() == 2
