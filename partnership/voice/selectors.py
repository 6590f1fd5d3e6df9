"""The reads behind the voice pages, and `voice_figures` for the partnership's yearly report.
Feedback names no child (see partnership.voice.models), so nothing here asks people.access."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from partners.models import Agency

from .models import Feedback, FeedbackKind, FeedbackSurvey, FeedbackTheme, WhatChanged


def kinds(active_only: bool = True) -> QuerySet[FeedbackKind]:
    found = FeedbackKind.objects.all()
    return found.filter(active=True) if active_only else found


def themes(active_only: bool = False) -> QuerySet[FeedbackTheme]:
    found = FeedbackTheme.objects.all()
    return found.filter(active=True) if active_only else found


def agencies() -> QuerySet[Agency]:
    return Agency.objects.order_by("name")


def surveys() -> QuerySet[FeedbackSurvey]:
    return FeedbackSurvey.objects.annotate(response_count=Count("responses"))


def theme(theme_id: int) -> FeedbackTheme | None:
    return FeedbackTheme.objects.filter(pk=theme_id).first()


def _in_period(field: str, date_from: datetime.date | None, date_to: datetime.date | None) -> Q:
    found = Q()
    if date_from is not None:
        found &= Q(**{f"{field}__gte": date_from})
    if date_to is not None:
        found &= Q(**{f"{field}__lte": date_to})
    return found


def feedback(
    kind: FeedbackKind | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    theme: FeedbackTheme | None = None,
) -> QuerySet[Feedback]:
    found = (
        Feedback.objects.filter(_in_period("received_on", date_from, date_to))
        .select_related("kind", "agency", "survey")
        .prefetch_related("themes")
    )
    if kind is not None:
        found = found.filter(kind=kind)
    if theme is not None:
        found = found.filter(themes=theme)
    return found


def themes_with_counts(
    date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> QuerySet[FeedbackTheme]:
    """Every theme with how much feedback in the period is tagged with it, and what changed in it."""
    return FeedbackTheme.objects.annotate(
        feedback_count=Count("feedback", filter=_in_period("feedback__received_on", date_from, date_to), distinct=True),
        change_count=Count("changes", filter=_in_period("changes__changed_on", date_from, date_to), distinct=True),
    ).order_by("-feedback_count", "name")


def changes_of(theme: FeedbackTheme) -> list[WhatChanged]:
    return list(theme.changes.select_related("agency"))


@dataclass(frozen=True)
class SurveyFigures:
    title: str
    period_from: datetime.date
    period_to: datetime.date
    sent: int
    responses: int

    @property
    def rate(self) -> int:
        """The response rate, a whole percentage."""
        return round(100 * self.responses / self.sent) if self.sent else 0


@dataclass(frozen=True)
class Quote:
    words: str
    kind: str
    source: str
    age_band: str
    received_on: datetime.date


@dataclass(frozen=True)
class Change:
    theme: str
    what: str
    by: str
    changed_on: datetime.date
    evidence: str


@dataclass(frozen=True)
class VoiceFigures:
    """Counts of the feedback received in a period (the yearly report suppresses small numbers
    itself), what changed because of it, and the words that may be quoted."""

    date_from: datetime.date
    date_to: datetime.date
    total: int
    by_kind: list[tuple[str, int]]
    by_source: list[tuple[str, int]]
    themes: list[tuple[str, int]]
    changes: list[Change]
    surveys: list[SurveyFigures]
    quotes: list[Quote]


def voice_figures(date_from: datetime.date, date_to: datetime.date) -> VoiceFigures:
    """The voice of children and families in a period, for the yearly report: feedback received by
    kind (every kind, with 0) and by source (every source), the themes with how much feedback they
    tagged (those with any), what changed in the period, the surveys running in it with their
    response rate, and the words consented to be quoted anonymously (and only those)."""
    received = Feedback.objects.filter(received_on__gte=date_from, received_on__lte=date_to)
    kind_counts = dict(received.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    source_counts = dict(received.values_list("source").annotate(n=Count("id")).values_list("source", "n"))
    by_kind = [(k.name, kind_counts.get(k.pk, 0)) for k in FeedbackKind.objects.all()]
    by_source = [(label, source_counts.get(value, 0)) for value, label in Feedback.Source.choices]
    counted = themes_with_counts(date_from, date_to)
    tagged = [(t.name, t.feedback_count) for t in counted if t.feedback_count]  # type: ignore[attr-defined]
    changes = [
        Change(
            theme=c.theme.name,
            what=c.what,
            by=c.agency.name if c.agency else "The partnership",
            changed_on=c.changed_on,
            evidence=c.evidence,
        )
        for c in WhatChanged.objects.filter(changed_on__gte=date_from, changed_on__lte=date_to)
        .select_related("theme", "agency")
        .order_by("changed_on", "id")
    ]
    running = (
        FeedbackSurvey.objects.filter(period_from__lte=date_to, period_to__gte=date_from)
        .annotate(response_count=Count("responses"))
        .order_by("period_from", "id")
    )
    survey_figures = [
        SurveyFigures(s.title, s.period_from, s.period_to, s.number_sent, s.response_count) for s in running
    ]
    quotes = [
        Quote(
            words=f.words,
            kind=f.kind.name,
            source=f.get_source_display(),
            age_band=f.get_age_band_display() if f.age_band else "",
            received_on=f.received_on,
        )
        for f in received.filter(consent=Feedback.Consent.QUOTE).select_related("kind").order_by("received_on", "id")
    ]
    return VoiceFigures(
        date_from=date_from,
        date_to=date_to,
        total=received.count(),
        by_kind=by_kind,
        by_source=by_source,
        themes=tagged,
        changes=changes,
        surveys=survey_figures,
        quotes=quotes,
    )
