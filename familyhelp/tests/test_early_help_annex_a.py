"""Ofsted Annex A List 2 (returns/annex_a_early_help.py): early help assessments completed in
the last 6 months, assessments in progress and the latest assessment of current early help, one
row per child, with the template's headers, and the workbook's sheet."""

import datetime

from familyhelp.early_help import services as early_help
from partners.models import Agency
from returns.annex_a import selectors as annex_a

from .test_early_help import start

D = datetime.date
INSPECTION = D(2026, 6, 30)  # the last 6 months: 30 December 2025 to 30 June 2026
DAY = datetime.timedelta(days=1)


def list_2(day=INSPECTION):
    return annex_a.build(day)["List 2"]


def of(rows, person):
    return [row for row in rows if row["Child Unique ID"] == str(person.pk)]


def completed(user, episode, started, done, organisation=None):
    assessment = early_help.start_assessment(user, episode, start_date=started, organisation=organisation)
    return early_help.complete_assessment(
        user,
        assessment,
        completed_date=done,
        needs="Needs",
        family_views="Views",
        consent_to_share=True,
        late_reason="Late in the test",
    )


def test_list_2_has_the_assessments_of_the_last_6_months_and_current_early_help(
    worker, fh_lead, dsl, school, child, sibling, user
):
    from people.services import record_person

    def kid(name):
        return record_person(
            None, kind="child", given_names=name, family_name="Testlist", sex="F", date_of_birth=D(2015, 1, 1)
        )

    # A family (two children) whose assessment by the school was completed on the first day of the window.
    family = start(worker, [child, sibling], dsl, on=D(2025, 11, 1))
    completed(dsl, family, D(2025, 11, 3), D(2025, 12, 30), organisation=school)
    early_help.close_early_help(worker, family, closure_date=D(2026, 2, 1), reason="needs_met")
    # Completed the day before the window, and closed: not listed.
    old_kid = kid("Olderone")
    old = start(worker, [old_kid], fh_lead, on=D(2025, 10, 1))
    completed(fh_lead, old, D(2025, 10, 2), D(2025, 12, 29))
    early_help.close_early_help(worker, old, closure_date=D(2026, 1, 5), reason="needs_met")
    # In progress on the inspection date (completed after it): listed without a completion date.
    busy_kid = kid("Busy")
    busy = start(worker, [busy_kid], fh_lead, on=D(2026, 6, 1))
    completed(fh_lead, busy, D(2026, 6, 2), D(2026, 7, 20))
    # Current early help with no assessment yet: no assessment to list (the template's list and the
    # sector's pipeline need an assessment start date on every row).
    new_kid = kid("Newone")
    start(worker, [new_kid], dsl, on=D(2026, 6, 25))
    # Current early help whose assessment was completed long before the window: the latest assessment.
    long_kid = kid("Longrunning")
    long = start(worker, [long_kid], fh_lead, on=D(2025, 3, 1))
    completed(fh_lead, long, D(2025, 3, 2), D(2025, 4, 1))
    # Started after the inspection date: not listed.
    later_kid = kid("Later")
    start(worker, [later_kid], fh_lead, on=D(2026, 7, 2))

    rows = list_2()
    assert all(list(row) == annex_a.HEADERS["List 2"] for row in rows)
    assert len(rows) == 4
    for person in (child, sibling):
        [row] = of(rows, person)
        assert row["Assessment start date"] == D(2025, 11, 3)
        assert row["Assessment completion date"] == D(2025, 12, 30)
        assert row["Organisation completing assessment"] == school.name
        assert row["Sex"] in {"a) Male", "b) Female"}
    assert not of(rows, old_kid)
    assert not of(rows, later_kid)
    [row] = of(rows, busy_kid)
    assert row["Assessment start date"] == D(2026, 6, 2)
    assert row["Assessment completion date"] is None
    assert not of(rows, new_kid)
    assert all(row["Assessment start date"] and row["Organisation completing assessment"] for row in rows)
    [row] = of(rows, long_kid)
    assert row["Assessment completion date"] == D(2025, 4, 1)
    assert row["Organisation completing assessment"] == fh_lead.agency.name
    # A day later the first family's assessment has left the window (and their early help has ended).
    later = list_2(D(2026, 7, 1))
    assert not of(later, child)
    assert not of(later, sibling)
    assert Agency.objects.filter(name=school.name).exists()


def test_an_in_progress_assessment_of_closed_early_help_is_not_current(worker, fh_lead, child):
    episode = start(worker, [child], fh_lead, on=D(2026, 1, 10))
    early_help.start_assessment(fh_lead, episode, start_date=D(2026, 1, 12))
    early_help.close_early_help(worker, episode, closure_date=D(2026, 2, 1), reason="moved_away")
    assert not of(list_2(), child)
    assert len(of(list_2(D(2026, 1, 20)), child)) == 1
