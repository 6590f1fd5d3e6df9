"""The yearly report's figures against figures counted by hand on a small demo authority (two
seeds): each is counted here from the rows themselves, in Python, from the words of its
definition, not by the report's queries. The demo authority is made through the services, with
the partnership's own records (demo/partnership.py).

Also: the report for the demo's year draws as HTML and as a PDF, and names no child."""

import datetime as dt
from collections import defaultdict

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from childprotection.models import ChildProtectionPlan, Conference, ConferenceChild, Section47Enquiry
from childrenincare.models import PeriodOfCare
from education.models import ConsentRequest, RegisterEntry
from exploitation.models import MaceAgendaItem, MissingEpisode, NrmReferral, RiskAssessment
from exploitation.services import RETURN_INTERVIEW_RULE
from familyhelp.models import Assessment
from frontdoor.models import Contact, ContactDecision, Referral
from kernel.models import BankHoliday, Deadline
from partnership.audits.models import MultiAgencyAudit
from partnership.models import PracticeReview, RapidReview, Recommendation, SeriousIncident, YearlyReport
from partnership.report import figures, render
from partnership.training.models import TrainingSession
from partnership.voice.models import Feedback, WhatChanged
from people.models import Person
from testing.demo import (
    demo_authority,
    name_keys,  # noqa: F401 - an autouse fixture
)

TODAY = dt.date(2026, 11, 20)
# The last whole year from 1 April, and the 12 months to today.
PERIODS = [figures.Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31)), figures.Period(dt.date(2025, 11, 21), TODAY)]

authority = demo_authority(worlds=[(300, 2), (300, 9)], today=TODAY)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("authority")]


def within(day, p):
    return day is not None and p.start <= day <= p.end


def local(moment):
    return timezone.localdate(moment) if moment else None


def add_months(day, months):
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError


def working_days_after(start, n, holidays):
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            counted += 1
    return day


def care_periods():
    """Periods of care, without those only of short breaks (every legal status V3 or V4)."""
    return [
        p
        for p in PeriodOfCare.objects.prefetch_related("legal_statuses")
        if any(s.code not in ("V3", "V4") for s in p.legal_statuses.all())
    ]


def hand_counts(p):  # noqa: C901 - one figure after another
    holidays = set(BankHoliday.objects.values_list("date", flat=True))
    found = {}
    found["contacts"] = (sum(within(local(c.received_at), p) for c in Contact.objects.all()), None)
    decisions = [d for d in ContactDecision.objects.all() if within(local(d.decided_at), p)]
    found["contact-decisions-in-time"] = (sum(d.on_time for d in decisions), len(decisions))
    referrals = list(Referral.objects.all())
    in_period = [r for r in referrals if within(r.referral_date, p)]
    found["referrals"] = (len(in_period), None)
    by_child = defaultdict(list)
    for r in referrals:
        by_child[r.person_id].append(r.referral_date)
    re_referred = [
        r
        for r in in_period
        if any(add_months(r.referral_date, -12) <= d < r.referral_date for d in by_child[r.person_id])
    ]
    found["re-referrals"] = (len(re_referred), len(in_period))
    authorised = [a for a in Assessment.objects.all() if within(a.authorised_date, p)]
    found["assessments-in-time"] = (
        sum(a.authorised_date <= working_days_after(a.start_date, 45, holidays) for a in authorised),
        len(authorised),
    )
    found["section-47-enquiries"] = (sum(within(e.start_date, p) for e in Section47Enquiry.objects.all()), None)
    initial = [
        c
        for c in ConferenceChild.objects.select_related("conference", "enquiry")
        if c.conference.kind in (Conference.Kind.INITIAL, Conference.Kind.PRE_BIRTH)
        and c.enquiry_id
        and within(c.conference.held_on, p)
    ]
    found["initial-conferences-in-time"] = (
        sum(c.conference.held_on <= c.enquiry.initial_conference_target for c in initial),
        len(initial),
    )
    on_plan = {}
    for plan in ChildProtectionPlan.objects.order_by("start_date", "pk"):
        if plan.start_date <= p.end and (plan.end_date is None or plan.end_date > p.end):
            on_plan[plan.person_id] = plan.latest_category
    found["plans-at-end"] = (len(on_plan), None)
    started_plans = [pl for pl in ChildProtectionPlan.objects.all() if within(pl.start_date, p)]
    found["plans-second-or-later"] = (sum(pl.previous_plans > 0 for pl in started_plans), len(started_plans))
    periods = care_periods()
    found["looked-after-at-end"] = (
        len({c.person_id for c in periods if c.start_date <= p.end and (c.end_date is None or c.end_date > p.end)}),
        None,
    )
    found["started-to-be-looked-after"] = (len({c.person_id for c in periods if within(c.start_date, p)}), None)
    ceased = [c for c in periods if within(c.end_date, p)]
    found["ceased-to-be-looked-after"] = (len({c.person_id for c in ceased}), None)
    last = {}
    for c in sorted(ceased, key=lambda c: (c.end_date, c.pk)):
        last[c.person_id] = c
    found["returned-home"] = (sum(c.end_reason in ("E4A", "E4B") for c in last.values()), len(last))
    went_home = [c for c in ceased if c.end_reason in ("E4A", "E4B")]
    back = {
        c.person_id
        for c in went_home
        if any(
            o.person_id == c.person_id and c.end_date < o.start_date <= add_months(c.end_date, 12)
            for o in PeriodOfCare.objects.filter(person_id=c.person_id)
        )
    }
    found["re-entered-after-return-home"] = (len(back), len({c.person_id for c in went_home}))
    episodes = [e for e in MissingEpisode.objects.all() if within(local(e.started_at), p)]
    found["missing-episodes"] = (len(episodes), None)
    found["missing-children"] = (len({e.person_id for e in episodes}), None)
    returned = [e for e in MissingEpisode.objects.select_related("return_interview") if within(local(e.ended_at), p)]
    episode_type = ContentType.objects.get_for_model(MissingEpisode)
    stored = {}
    for deadline in Deadline.objects.filter(subject_type=episode_type, rule_slug=RETURN_INTERVIEW_RULE).order_by(
        "issued_at"
    ):
        stored[deadline.subject_id] = deadline.due_at
    in_time = 0
    for e in returned:
        interview = getattr(e, "return_interview", None)
        due = stored.get(e.pk) or e.ended_at + dt.timedelta(hours=72)
        in_time += bool(interview and interview.held_at and interview.held_at <= due)
    found["return-interviews-in-time"] = (in_time, len(returned))
    found["exploitation-assessed"] = (
        len({r.person_id for r in RiskAssessment.objects.all() if within(r.assessed_on, p)}),
        None,
    )
    found["nrm-referrals"] = (len({n.person_id for n in NrmReferral.objects.all() if within(n.referred_on, p)}), None)
    found["mace-children"] = (
        len(
            {
                i.child_id
                for i in MaceAgendaItem.objects.select_related("meeting")
                if i.child_id and within(i.meeting.held_on, p)
            }
        ),
        None,
    )
    found["not-in-school-at-end"] = (
        len(
            [
                e
                for e in RegisterEntry.objects.all()
                if e.added_on <= p.end and (e.removed_on is None or e.removed_on > p.end)
            ]
        ),
        None,
    )
    found["home-education-consent-requests"] = (
        sum(within(c.received_on, p) for c in ConsentRequest.objects.all()),
        None,
    )
    notified = [i for i in SeriousIncident.objects.all() if within(i.notified_on, p)]
    found["incidents-notified-in-time"] = (sum(i.notified_on <= i.notification_due for i in notified), len(notified))
    rapid = [r for r in RapidReview.objects.select_related("incident") if within(r.completed_on, p)]
    found["rapid-reviews-in-time"] = (sum(r.completed_on <= r.incident.rapid_review_due for r in rapid), len(rapid))
    found["rapid-review-decisions"] = (len(rapid), None)
    found["practice-reviews-published"] = (
        sum(r.kind == "local" and within(r.published_on, p) for r in PracticeReview.objects.all()),
        None,
    )
    found["recommendations-progress"] = (
        sum(r.review.decided_on <= p.end for r in Recommendation.objects.select_related("review")),
        None,
    )
    audits = [a for a in MultiAgencyAudit.objects.all() if a.status == "complete" and within(a.completed_on, p)]
    found["audits-completed"] = (len(audits), None)
    found["audit-grades"] = (sum(a.cases.count() for a in audits), None)
    found["audit-actions"] = (sum(a.actions.count() for a in audits), None)
    feedback = [f for f in Feedback.objects.all() if within(f.received_on, p)]
    found["feedback-by-kind"] = (len(feedback), None)
    found["feedback-by-source"] = (len(feedback), None)
    found["what-changed"] = (sum(within(c.changed_on, p) for c in WhatChanged.objects.all()), None)
    sessions = [s for s in TrainingSession.objects.all() if within(s.held_on, p)]
    found["training-sessions"] = (len(sessions), None)
    found["training-attendance"] = (sum(a.attended for s in sessions for a in s.attendance.all()), None)
    return found


@pytest.mark.parametrize("period", PERIODS, ids=["april-to-march", "12-months-to-today"])
def test_every_figure_is_the_hand_counted_one(period):
    counted = figures.count_all(period)
    by_hand = hand_counts(period)
    assert set(by_hand) == set(counted), "a figure is not counted by hand here"
    wrong = {
        slug: ((counted[slug].value, counted[slug].of), by_hand[slug])
        for slug in by_hand
        if (counted[slug].value, counted[slug].of if by_hand[slug][1] is not None else None) != by_hand[slug]
    }
    assert not wrong, wrong


def test_the_demo_has_something_to_count_in_its_year():
    counted = figures.count_all(PERIODS[0])
    for slug in ("contacts", "referrals", "assessments-in-time"):
        assert counted[slug].value > 0, slug
    assert counted["plans-at-end"].value == sum(counted["plans-at-end"].parts.values())
    latest = figures.count_all(PERIODS[1])
    progress = latest["recommendations-progress"]
    assert progress.value == sum(progress.parts.values()) > 0
    for slug in ("feedback-by-kind", "feedback-by-source", "training-attendance"):
        assert latest[slug].value == sum(latest[slug].parts.values()) > 0, slug
    assert latest["training-sessions"].value > 0


def test_the_demos_report_draws_and_names_no_child():
    report = YearlyReport.objects.get()
    period = figures.Period(report.period_from, report.period_to)
    html = render.document(title=report.title, period=period, counted=figures.count_all(period))
    for person in Person.objects.filter(kind="child")[:300]:
        assert f"{person.given_names} {person.family_name}" not in html
    assert render.pdf(html).startswith(b"%PDF")
