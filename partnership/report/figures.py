"""The figures of the partnership's yearly report, counted from the records for a period.

Each figure is a Definition: what it counts in plain words, where the definition comes from, the
records behind it (a query, shown with its SQL on the figure's page so that anyone may see how it
was counted and count it again) and how the value is counted. The statutory stages reuse the
returns' own counting (returns.statistics.selectors, exploitation.figures, education.figures), so
a figure here is the one the returns and the statistics pages give for the same period.

Every child is counted, restricted or not, as the statutory returns count them; no figure names
a child, and what is published goes through the DfE's suppression rules (returns.suppression):
a count of 1 to 5 is shown as "c", and a part of a breakdown that would give a suppressed one
away by subtraction is suppressed too.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from childprotection.models import ChildProtectionPlan, Conference, ConferenceChild, Section47Enquiry
from education import figures as education_figures
from exploitation import figures as exploitation_figures
from exploitation.models import MissingEpisode
from familyhelp.models import Assessment
from frontdoor.models import Contact, ContactDecision, Referral
from kernel import codelists
from returns import suppression
from returns.statistics import selectors as statistics

from ..models import PracticeReview, RapidReview, Recommendation, SeriousIncident

Unit = Literal["count", "percent", "breakdown"]


@dataclass(frozen=True)
class Period(exploitation_figures.Period):
    """From `start` to `end`, both counted: the exploitation figures' period (its first and last
    moments, its months), so those figures take it as it is."""

    @property
    def span(self) -> tuple[datetime.date, datetime.date]:
        return (self.start, self.end)

    def __str__(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


@dataclass(frozen=True)
class Counted:
    """A figure's value: a count, or `value` of `of` (a percentage), or parts of a whole."""

    value: int
    of: int | None = None
    parts: dict[str, int] = field(default_factory=dict)
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "of": self.of, "parts": self.parts, "note": self.note}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Counted:
        return cls(data["value"], data.get("of"), dict(data.get("parts") or {}), data.get("note", ""))


@dataclass(frozen=True)
class Definition:
    slug: str
    section: str
    label: str
    definition: str
    source: str
    unit: Unit
    rows: Callable[[Period], QuerySet[Any]]
    count: Callable[[Period], Counted]
    part_labels: Callable[[], dict[str, str]] | None = None

    def published(self, counted: Counted) -> str:
        """The value as published: suppressed, as a percentage where it is one."""
        if self.unit == "percent":
            value = suppression.count(counted.value)
            total = suppression.count(counted.of)
            shown = suppression.percentage(value, total)
            return f"{shown}%" if isinstance(shown, int | float) else str(shown)
        return _number(suppression.count(counted.value))

    def published_parts(self, counted: Counted) -> list[tuple[str, str]]:
        if not counted.parts:
            return []
        labels = self.part_labels() if self.part_labels else {}
        shown = suppression.breakdown(counted.parts, counted.value)
        return [(labels.get(key, key), _number(shown[key])) for key in counted.parts]


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


SECTIONS: dict[str, str] = {
    "front-door": "Contacts and referrals",
    "assessment": "Assessments",
    "child-protection": "Child protection",
    "looked-after": "Children looked after and returning home",
    "missing": "Children missing from home or care",
    "exploitation": "Exploitation and harm outside the home",
    "education": "Children not in school",
    "partnership": "Serious incidents and practice reviews",
    "audits": "Multi-agency audits",
    "voice": "What children and families told us",
    "training": "Multi-agency training",
}

DEFINITIONS: dict[str, Definition] = {}


def define(definition: Definition) -> Definition:
    if definition.slug in DEFINITIONS:
        raise ValueError(f"A figure {definition.slug!r} is defined twice")
    DEFINITIONS[definition.slug] = definition
    return definition


def _children(rows: QuerySet[Any], path: str = "person") -> int:
    return int(rows.aggregate(n=Count(path, distinct=True))["n"])


def _timely(found: statistics.Timeliness) -> Counted:
    return Counted(found.on_time, found.total)


# --- Contacts and referrals ----------------------------------------------------------------------


def _contacts(p: Period) -> QuerySet[Any]:
    first, after = p.moments
    return Contact.objects.filter(received_at__gte=first, received_at__lt=after)


def _decisions(p: Period) -> QuerySet[Any]:
    first, after = p.moments
    return ContactDecision.objects.filter(decided_at__gte=first, decided_at__lt=after)


def _referrals(p: Period) -> QuerySet[Any]:
    return Referral.objects.filter(referral_date__gte=p.start, referral_date__lte=p.end)


def _re_referrals(p: Period) -> QuerySet[Any]:
    """Referrals in the period of a child referred before within the 12 months before (the CIN
    census's re-referral: a referral within 12 months of a previous referral)."""
    earlier = Referral.objects.filter(person=OuterRef("person"), referral_date__lt=OuterRef("referral_date")).filter(
        referral_date__gte=OuterRef("year_before")
    )
    return _referrals(p).annotate(year_before=_YearBefore("referral_date")).filter(Exists(earlier))


class _YearBefore(statistics.AddTwelveMonths):
    """date - 12 calendar months, in the database."""

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} - INTERVAL '12 months')::date", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '-12 months')", params


define(
    Definition(
        "contacts",
        "front-door",
        "Contacts received",
        "Contacts about a child received by the front door in the period (each contact once, "
        "however many children it is about).",
        "Working Together 2023, chapter 3 (the front door); local measure",
        "count",
        _contacts,
        lambda p: Counted(_contacts(p).count()),
    )
)
define(
    Definition(
        "contact-decisions-in-time",
        "front-door",
        "Contact decisions made within one working day",
        "Decisions on contacts made in the period, and how many were made by their due time (one "
        "working day from the contact, on the calendar of working days and bank holidays).",
        "Working Together 2023, chapter 3 (a decision within one working day)",
        "percent",
        _decisions,
        lambda p: _timely(statistics.referral_decisions(p.span)),
    )
)
define(
    Definition(
        "referrals",
        "front-door",
        "Referrals",
        "Referrals to children's social care dated in the period (a child referred twice is counted twice).",
        "Children in need census: CINreferralDate",
        "count",
        _referrals,
        lambda p: Counted(_referrals(p).count()),
    )
)
define(
    Definition(
        "re-referrals",
        "front-door",
        "Re-referrals within 12 months",
        "Referrals in the period of a child who had been referred in the 12 months before, as a "
        "share of all referrals in the period.",
        "Children in need census: re-referrals within 12 months of a previous referral",
        "percent",
        _re_referrals,
        lambda p: Counted(_re_referrals(p).count(), _referrals(p).count()),
    )
)


# --- Assessments ---------------------------------------------------------------------------------


def _assessments(p: Period) -> QuerySet[Any]:
    return Assessment.objects.filter(authorised_date__gte=p.start, authorised_date__lte=p.end)


define(
    Definition(
        "assessments-in-time",
        "assessment",
        "Assessments completed within 45 working days",
        "Child and family assessments authorised in the period, and how many were authorised within "
        "45 working days of their start.",
        "Working Together 2023, chapter 3; children in need census (assessment duration)",
        "percent",
        _assessments,
        lambda p: _timely(statistics.assessments_within_45_days(p.span)),
    )
)


# --- Child protection ------------------------------------------------------------------------------


def _enquiries(p: Period) -> QuerySet[Any]:
    return Section47Enquiry.objects.filter(start_date__gte=p.start, start_date__lte=p.end)


def _initial_conferences(p: Period) -> QuerySet[Any]:
    return ConferenceChild.objects.filter(
        conference__kind__in=(Conference.Kind.INITIAL, Conference.Kind.PRE_BIRTH),
        enquiry__isnull=False,
        conference__held_on__gte=p.start,
        conference__held_on__lte=p.end,
    )


def _plans_at_end(p: Period) -> QuerySet[Any]:
    return ChildProtectionPlan.objects.filter(
        Q(start_date__lte=p.end), Q(end_date__isnull=True) | Q(end_date__gt=p.end)
    )


def _plans_by_category(p: Period) -> Counted:
    rows = _plans_at_end(p)
    parts = dict(
        rows.values("latest_category").annotate(n=Count("person", distinct=True)).values_list("latest_category", "n")
    )
    ordered = {code: parts.get(code, 0) for code, _ in codelists.choices("category-of-abuse", p.end)}
    for code, n in parts.items():
        ordered.setdefault(code, n)
    return Counted(_children(rows), parts={k: v for k, v in ordered.items() if v or k in parts} or ordered)


def _plans_started(p: Period) -> QuerySet[Any]:
    return ChildProtectionPlan.objects.filter(start_date__gte=p.start, start_date__lte=p.end)


define(
    Definition(
        "section-47-enquiries",
        "child-protection",
        "Section 47 enquiries started",
        "Enquiries under section 47 of the Children Act 1989 started in the period (a child's "
        "enquiry each; two children in one family are two enquiries).",
        "Children Act 1989 s47; children in need census (S47ActualStartDate)",
        "count",
        _enquiries,
        lambda p: Counted(_enquiries(p).count()),
    )
)
define(
    Definition(
        "initial-conferences-in-time",
        "child-protection",
        "Initial child protection conferences within 15 working days",
        "Children whose initial (or pre-birth) conference after a section 47 enquiry was held in "
        "the period, and how many were held within 15 working days of the strategy discussion.",
        "Working Together 2023, chapter 4 (15 working days)",
        "percent",
        _initial_conferences,
        lambda p: _timely(statistics.conferences_within_15_days(p.span)),
    )
)
define(
    Definition(
        "plans-at-end",
        "child-protection",
        "Children on a child protection plan at the end of the period, by category",
        "Children subject to a child protection plan on the last day of the period (a plan ending "
        "that day is not counted), by the plan's latest category of abuse.",
        "Children in need census (ChildProtectionPlans, CPPcategoryOfAbuse)",
        "breakdown",
        _plans_at_end,
        _plans_by_category,
        lambda: dict(codelists.choices("category-of-abuse")),
    )
)
define(
    Definition(
        "plans-second-or-later",
        "child-protection",
        "Child protection plans started that were a second or later plan",
        "Plans started in the period, and how many were for a child who had been on a plan before.",
        "Children in need census (NumberOfPreviousCPP)",
        "percent",
        _plans_started,
        lambda p: Counted(_plans_started(p).filter(previous_plans__gt=0).count(), _plans_started(p).count()),
    )
)


# --- Children looked after -----------------------------------------------------------------------


def _looked_after_at_end(p: Period) -> QuerySet[Any]:
    return statistics._periods().filter(Q(start_date__lte=p.end), Q(end_date__isnull=True) | Q(end_date__gt=p.end))


def _started(p: Period) -> QuerySet[Any]:
    return statistics._periods().filter(start_date__gte=p.start, start_date__lte=p.end)


def _ceased(p: Period) -> QuerySet[Any]:
    return statistics._periods().filter(end_date__gte=p.start, end_date__lte=p.end)


def _returned_home(p: Period) -> QuerySet[Any]:
    return _ceased(p).filter(end_reason__in=statistics.RETURNED_HOME)


def _re_entries(p: Period) -> Counted:
    found = statistics.re_entries_within_12_months_of_return_home(p.span)
    note = "" if found.complete else "12 months have not yet passed since every return home in the period."
    return Counted(found.re_entered, found.returned_home, note=note)


define(
    Definition(
        "looked-after-at-end",
        "looked-after",
        "Children looked after at the end of the period",
        "Children in a period of care on the last day of the period (not those looked after only "
        "under an agreed series of short breaks).",
        "SSDA903; Children looked after in England (DfE)",
        "count",
        _looked_after_at_end,
        lambda p: Counted(statistics.looked_after_on(p.end)),
    )
)
define(
    Definition(
        "started-to-be-looked-after",
        "looked-after",
        "Children who started to be looked after",
        "Children with a period of care starting in the period, each child once.",
        "SSDA903; Children looked after in England (DfE)",
        "count",
        _started,
        lambda p: Counted(statistics.started_in_year(p.span)),
    )
)
define(
    Definition(
        "ceased-to-be-looked-after",
        "looked-after",
        "Children who ceased to be looked after",
        "Children with a period of care ending in the period, each child once.",
        "SSDA903; Children looked after in England (DfE)",
        "count",
        _ceased,
        lambda p: Counted(statistics.ceased_in_year(p.span)),
    )
)
define(
    Definition(
        "returned-home",
        "looked-after",
        "Children who returned home",
        "Children whose last period of care in the period ended with a return home to parents or "
        "relatives (as part of the care plan, E4A, or not, E4B), as a share of the children who "
        "ceased to be looked after.",
        "SSDA903 reason episode ceased E4A and E4B",
        "percent",
        _returned_home,
        lambda p: (lambda found: Counted(found.returned_home, found.total))(statistics.ceased_by_reason(p.span)),
    )
)
define(
    Definition(
        "re-entered-after-return-home",
        "looked-after",
        "Children who came back into care within 12 months of returning home",
        "Children who returned home in the period, and how many started to be looked after again "
        "within 12 months of the return.",
        "The authority's own measure of returns home (no DfE release publishes it)",
        "percent",
        _returned_home,
        _re_entries,
    )
)


# --- Missing -------------------------------------------------------------------------------------


def _episodes(p: Period) -> QuerySet[Any]:
    first, after = p.moments
    return MissingEpisode.objects.filter(started_at__gte=first, started_at__lt=after)


def _returns(p: Period) -> QuerySet[Any]:
    first, after = p.moments
    return MissingEpisode.objects.filter(ended_at__gte=first, ended_at__lt=after)


define(
    Definition(
        "missing-episodes",
        "missing",
        "Episodes of going missing or being away without authorisation",
        "Episodes that started in the period, and the children they were of.",
        "Statutory guidance on children who run away or go missing from home or care (2014)",
        "count",
        _episodes,
        lambda p: (lambda found: Counted(found.episodes, note=f"{found.children:,} children"))(
            exploitation_figures.missing(p, None)
        ),
    )
)
define(
    Definition(
        "missing-children",
        "missing",
        "Children who went missing",
        "Children with an episode of going missing or being away without authorisation that "
        "started in the period, each child once.",
        "Statutory guidance on children who run away or go missing from home or care (2014)",
        "count",
        _episodes,
        lambda p: Counted(exploitation_figures.missing(p, None).children),
    )
)
define(
    Definition(
        "return-interviews-in-time",
        "missing",
        "Return home interviews held within 72 hours",
        "Children's returns from going missing in the period, and how many had their return "
        "interview held by its due time (72 hours from the return).",
        "Statutory guidance on children who run away or go missing from home or care (2014)",
        "percent",
        _returns,
        lambda p: _timely(statistics.return_interviews_within_72_hours(p.span)),
    )
)


# --- Exploitation --------------------------------------------------------------------------------


def _risk_rows(p: Period) -> QuerySet[Any]:
    from exploitation.models import RiskAssessment

    return RiskAssessment.objects.filter(assessed_on__gte=p.start, assessed_on__lte=p.end)


def _nrm_rows(p: Period) -> QuerySet[Any]:
    from exploitation.models import NrmReferral

    return NrmReferral.objects.filter(referred_on__gte=p.start, referred_on__lte=p.end)


define(
    Definition(
        "exploitation-assessed",
        "exploitation",
        "Children assessed for risk of exploitation",
        "Children with a risk of exploitation assessment in the period, each child once.",
        "Working Together 2023, chapter 4 (harm outside the home)",
        "count",
        _risk_rows,
        lambda p: Counted(exploitation_figures.risk(p, None).children),
    )
)
define(
    Definition(
        "nrm-referrals",
        "exploitation",
        "Referrals to the National Referral Mechanism",
        "Children referred to the National Referral Mechanism (as possible victims of modern slavery) in the period.",
        "Modern Slavery Act 2015; the National Referral Mechanism",
        "count",
        _nrm_rows,
        lambda p: (lambda found: Counted(found.children, note=f"{found.referrals:,} referrals"))(
            exploitation_figures.nrm(p, None)
        ),
    )
)
define(
    Definition(
        "mace-children",
        "exploitation",
        "Children discussed at the multi-agency child exploitation panel",
        "Children on the agenda of the panel's meetings held in the period, each child once.",
        "Local multi-agency child exploitation (MACE) arrangements",
        "count",
        lambda p: _mace_rows(p),
        lambda p: Counted(exploitation_figures.mace(p, None).children),
    )
)


def _mace_rows(p: Period) -> QuerySet[Any]:
    from exploitation.models import MaceAgendaItem

    return MaceAgendaItem.objects.filter(
        meeting__held_on__gte=p.start, meeting__held_on__lte=p.end, child__isnull=False
    )


# --- Children not in school ------------------------------------------------------------------------


def _education_period(p: Period) -> education_figures.Period:
    return education_figures.Period(p.start, p.end)


def _register_rows(p: Period) -> QuerySet[Any]:
    from education.selectors import on_register

    return on_register(p.end)


define(
    Definition(
        "not-in-school-at-end",
        "education",
        "Children on the register of children not in school at the end of the period",
        "Children on the local authority's register of children not in school on the last day of the period.",
        "Children's Wellbeing and Schools Act 2026 (registers of children not in school)",
        "count",
        _register_rows,
        lambda p: Counted(education_figures.register_on(p.end).total),
    )
)
define(
    Definition(
        "home-education-consent-requests",
        "education",
        "Requests for consent to home educate a child",
        "Requests received in the period from parents of a child on a child protection plan or "
        "subject to a section 47 enquiry, for the local authority's consent to educate them at home.",
        "Children's Wellbeing and Schools Act 2026 (Education Act 1996 s434A)",
        "count",
        lambda p: _consent_rows(p),
        lambda p: Counted(education_figures.consent_figures(_education_period(p)).received),
    )
)


def _consent_rows(p: Period) -> QuerySet[Any]:
    from education.models import ConsentRequest

    return ConsentRequest.objects.filter(received_on__gte=p.start, received_on__lte=p.end)


# --- Serious incidents and practice reviews --------------------------------------------------------


def _notified(p: Period) -> QuerySet[Any]:
    return SeriousIncident.objects.filter(notified_on__gte=p.start, notified_on__lte=p.end)


def _rapid_reviews(p: Period) -> QuerySet[Any]:
    return RapidReview.objects.filter(completed_on__gte=p.start, completed_on__lte=p.end)


def _recommendations_at_end(p: Period) -> QuerySet[Any]:
    return Recommendation.objects.filter(review__decided_on__lte=p.end)


def _recommendation_progress(p: Period) -> Counted:
    rows = _recommendations_at_end(p)
    complete = Q(completed_on__isnull=False, completed_on__lte=p.end)
    found = rows.aggregate(
        total=Count("id"),
        complete=Count("id", filter=complete),
        overdue=Count("id", filter=~complete & Q(due_on__lt=p.end)),
    )
    parts = {
        "complete": found["complete"],
        "overdue": found["overdue"],
        "open": found["total"] - found["complete"] - found["overdue"],
    }
    return Counted(found["total"], parts=parts)


define(
    Definition(
        "incidents-notified-in-time",
        "partnership",
        "Serious incidents notified to the Panel within 5 working days",
        "Serious incidents notified to the Child Safeguarding Practice Review Panel in the period, "
        "and how many were notified within 5 working days of the local authority becoming aware.",
        "Children Act 2004 s16C; Working Together 2023, chapter 5",
        "percent",
        _notified,
        lambda p: Counted(_notified(p).filter(notified_on__lte=F("notification_due")).count(), _notified(p).count()),
    )
)
define(
    Definition(
        "rapid-reviews-in-time",
        "partnership",
        "Rapid reviews sent to the Panel within 15 working days",
        "Rapid reviews sent to the Panel in the period, and how many were sent within 15 working "
        "days of the notification.",
        "Working Together 2023, chapter 5 (rapid reviews)",
        "percent",
        _rapid_reviews,
        lambda p: Counted(
            _rapid_reviews(p).filter(completed_on__lte=F("incident__rapid_review_due")).count(),
            _rapid_reviews(p).count(),
        ),
    )
)
define(
    Definition(
        "rapid-review-decisions",
        "partnership",
        "Rapid reviews by what they decided",
        "Rapid reviews sent to the Panel in the period, by their decision: a local review, a "
        "national review recommended, or no review.",
        "Working Together 2023, chapter 5",
        "breakdown",
        _rapid_reviews,
        lambda p: Counted(
            _rapid_reviews(p).count(),
            parts={code: _rapid_reviews(p).filter(decision=code).count() for code, _ in RapidReview.Decision.choices},
        ),
        lambda: dict(RapidReview.Decision.choices),
    )
)
define(
    Definition(
        "practice-reviews-published",
        "partnership",
        "Local child safeguarding practice reviews published",
        "Local reviews published in the period.",
        "Children Act 2004 s16F; Working Together 2023, chapter 5",
        "count",
        lambda p: PracticeReview.objects.filter(
            kind=PracticeReview.Kind.LOCAL, published_on__gte=p.start, published_on__lte=p.end
        ),
        lambda p: Counted(
            PracticeReview.objects.filter(
                kind=PracticeReview.Kind.LOCAL, published_on__gte=p.start, published_on__lte=p.end
            ).count()
        ),
    )
)
define(
    Definition(
        "recommendations-progress",
        "partnership",
        "Recommendations of practice reviews at the end of the period, by progress",
        "Recommendations of the local and national reviews the partnership had decided on or "
        "adopted by the end of the period: complete by then, overdue (past their due date and not "
        "complete), or open and not yet due.",
        "Working Together 2023, chapter 5 (acting on the learning)",
        "breakdown",
        _recommendations_at_end,
        _recommendation_progress,
        lambda: {"complete": "Complete", "overdue": "Overdue", "open": "Open, not yet due"},
    )
)


# --- Multi-agency audits ----------------------------------------------------------------------------


def _audits(p: Period) -> QuerySet[Any]:
    from ..audits.models import MultiAgencyAudit

    return MultiAgencyAudit.objects.filter(
        status=MultiAgencyAudit.Status.COMPLETE, completed_on__gte=p.start, completed_on__lte=p.end
    )


def _audit_figures(p: Period) -> Any:
    from ..audits.selectors import audit_figures

    return audit_figures(p.start, p.end)


def _audit_grades(p: Period) -> Counted:
    found = _audit_figures(p)
    return Counted(found.cases_audited, parts={label: n for label, n in found.grades})


def _audit_actions(p: Period) -> Counted:
    found = _audit_figures(p)
    parts = {
        "complete": found.actions_complete,
        "overdue": found.actions_overdue,
        "open": found.actions_open - found.actions_overdue,
    }
    return Counted(sum(parts.values()), parts=parts)


def _audit_grade_labels() -> dict[str, str]:
    from ..audits import rules

    return {label: label for _, label in rules.grades()}


define(
    Definition(
        "audits-completed",
        "audits",
        "Multi-agency audits completed",
        "Themed audits of a sample of cases completed in the period, and the cases they audited.",
        "Working Together 2023, chapter 2 (independent scrutiny and multi-agency audit)",
        "count",
        _audits,
        lambda p: (lambda found: Counted(found.audits_completed, note=f"{found.cases_audited:,} cases audited"))(
            _audit_figures(p)
        ),
    )
)
define(
    Definition(
        "audit-grades",
        "audits",
        "Cases audited, by their overall grade",
        "The cases of the audits completed in the period, by the overall grade the audit gave each.",
        "The partnership's audit grading scale (partnership/audits/data/audits.json)",
        "breakdown",
        lambda p: _audits(p).values("cases__grade"),
        _audit_grades,
        _audit_grade_labels,
    )
)
define(
    Definition(
        "audit-actions",
        "audits",
        "Actions from audits, by progress",
        "The actions set by the audits completed in the period: complete, overdue (not complete and "
        "past their due date), or open and not yet due.",
        "The partnership's audit actions",
        "breakdown",
        lambda p: _audits(p).values("actions__status"),
        _audit_actions,
        lambda: {"complete": "Complete", "overdue": "Overdue", "open": "Open, not yet due"},
    )
)


# --- The voice of children and families, and training ------------------------------------------------


def _feedback(p: Period) -> QuerySet[Any]:
    from ..voice.models import Feedback

    return Feedback.objects.filter(received_on__gte=p.start, received_on__lte=p.end)


def _voice(p: Period) -> Any:
    from ..voice.selectors import voice_figures

    return voice_figures(p.start, p.end)


def _training_rows(p: Period) -> QuerySet[Any]:
    from ..training.models import TrainingAttendance

    return TrainingAttendance.objects.filter(session__held_on__gte=p.start, session__held_on__lte=p.end)


def _training(p: Period) -> Any:
    from ..training.selectors import training_figures

    return training_figures(p.start, p.end)


def _labels_of(pairs: Any) -> dict[str, int]:
    return {label: n for label, n in pairs}


define(
    Definition(
        "feedback-by-kind",
        "voice",
        "Feedback from children and families, by kind",
        "Survey responses, complaints, compliments and comments received in the period, from "
        "children, young people, parents, carers and other family members, and professionals.",
        "Working Together 2023, chapter 2 (the voice of children and families)",
        "breakdown",
        _feedback,
        lambda p: (lambda found: Counted(found.total, parts=_labels_of(found.by_kind)))(_voice(p)),
    )
)
define(
    Definition(
        "feedback-by-source",
        "voice",
        "Feedback, by who gave it",
        "The feedback received in the period, by who gave it.",
        "Working Together 2023, chapter 2 (the voice of children and families)",
        "breakdown",
        _feedback,
        lambda p: (lambda found: Counted(found.total, parts=_labels_of(found.by_source)))(_voice(p)),
    )
)
define(
    Definition(
        "what-changed",
        "voice",
        "Changes made because of what children and families told us",
        "Changes the partnership or an agency made in the period because of a theme of the feedback.",
        "Working Together 2023, chapter 2",
        "count",
        lambda p: _what_changed_rows(p),
        lambda p: Counted(len(_voice(p).changes)),
    )
)


def _what_changed_rows(p: Period) -> QuerySet[Any]:
    from ..voice.models import WhatChanged

    return WhatChanged.objects.filter(changed_on__gte=p.start, changed_on__lte=p.end)


define(
    Definition(
        "training-sessions",
        "training",
        "Multi-agency training sessions held",
        "Sessions of the partnership's multi-agency training held in the period, and the places they offered.",
        "Working Together 2023, chapter 2 (multi-agency training)",
        "count",
        lambda p: _training_sessions(p),
        lambda p: (lambda found: Counted(found.sessions, note=f"{found.places:,} places"))(_training(p)),
    )
)
define(
    Definition(
        "training-attendance",
        "training",
        "Attendance at multi-agency training, by agency",
        "The people who attended the sessions held in the period, by their agency.",
        "Working Together 2023, chapter 2 (multi-agency training)",
        "breakdown",
        _training_rows,
        lambda p: (lambda found: Counted(found.attended, parts=_labels_of(found.by_agency)))(_training(p)),
    )
)


def _training_sessions(p: Period) -> QuerySet[Any]:
    from ..training.models import TrainingSession

    return TrainingSession.objects.filter(held_on__gte=p.start, held_on__lte=p.end)


def quotes_and_changes(p: Period) -> tuple[list[Any], list[Any]]:
    """The words children and families agreed may be quoted (anonymously), and what changed, in
    the period: for the report's words, not its figures."""
    found = _voice(p)
    return list(found.quotes), list(found.changes)


# --- Counting them all -----------------------------------------------------------------------------


def count_all(period: Period, definitions: dict[str, Definition] | None = None) -> dict[str, Counted]:
    """Every figure for the period, counted now."""
    return {slug: d.count(period) for slug, d in (definitions or DEFINITIONS).items()}


def snapshot(period: Period) -> dict[str, Any]:
    """The figures as JSON, with when they were counted (kept with a published report)."""
    return {
        "period": [period.start.isoformat(), period.end.isoformat()],
        "counted_at": timezone.now().isoformat(),
        "figures": {slug: counted.as_json() for slug, counted in count_all(period).items()},
    }


def query_of(definition: Definition, period: Period) -> str:
    """The SQL of the records behind a figure, with its parameters in place (for reading)."""
    sql, params = definition.rows(period).query.sql_with_params()
    try:
        return sql % tuple(repr(str(value)) if not isinstance(value, int | float) else value for value in params)
    except (TypeError, ValueError):
        return f"{sql}\n-- parameters: {params!r}"
