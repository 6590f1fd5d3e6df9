"""The voice of children and families: recording feedback, the themes, what changed because of
them, and surveys. Each step is one transaction that checks everything before it writes
(kernel.rules.RuleBroken with messages by field) and audits the change.

Feedback is anonymous: it is not linked to a child's record, and its words may not hold a child's
identifier (an NHS number, a unique pupil number or a consistent child identifier), because the
partnership's staff may not hold one (see partnership.voice.models). The consent answer is
required: whether the words may be quoted anonymously in the yearly report, summarised only, or
not used."""

import datetime
import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from audit import services as audit
from kernel.rules import Errors, check_date
from partners.models import Agency, User
from people.identifiers import luhn_check_digit, nhs_check_digit

from .models import Feedback, FeedbackKind, FeedbackSurvey, FeedbackTheme, WhatChanged

SURVEY_RESPONSE = "survey-response"

# Ten digits, written together or as 3 3 4 with spaces or hyphens, not inside a longer number.
_NHS_LIKE = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
# A unique pupil number: a letter, 11 digits and a digit or letter (13 characters, DfE).
_UPN_LIKE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]\d{11}[A-Za-z0-9])(?![A-Za-z0-9])")
# The consistent child identifier: CI and 10 digits.
_CI_LIKE = re.compile(r"(?<![A-Za-z0-9])CI(\d{10})(?![A-Za-z0-9])", re.IGNORECASE)

NHS_MESSAGE = (
    "Remove the NHS number from {what}: feedback is kept without anything that identifies the child, "
    "and the partnership's staff may not hold it"
)
UPN_MESSAGE = (
    "Remove the unique pupil number from {what}: feedback is kept without anything that identifies the child, "
    "and the partnership's staff may not hold it"
)
CI_MESSAGE = (
    "Remove the child's identifier from {what}: feedback is kept without anything that identifies the child, "
    "and the partnership's staff may not hold it"
)


def _valid_nhs(digits: str) -> bool:
    check = nhs_check_digit(digits[:9])
    return check != 10 and check == int(digits[9])


def identifiers_in(text: str) -> list[str]:
    """The kinds of a child's identifier the text seems to hold: "nhs" for 10 digits whose last is a
    valid NHS check digit (other runs of 10 digits, like a telephone number, pass), "upn" for the
    shape of a unique pupil number (a letter, 11 digits, a digit or letter), "ci" for a consistent
    child identifier whose check digit is valid."""
    found = []
    if any(_valid_nhs("".join(match.groups())) for match in _NHS_LIKE.finditer(text or "")):
        found.append("nhs")
    if _UPN_LIKE.search(text or ""):
        found.append("upn")
    if any(luhn_check_digit(match.group(1)[:9]) == int(match.group(1)[9]) for match in _CI_LIKE.finditer(text or "")):
        found.append("ci")
    return found


def check_no_identifier(errors: Errors, field: str, text: str, what: str) -> None:
    messages = {"nhs": NHS_MESSAGE, "upn": UPN_MESSAGE, "ci": CI_MESSAGE}
    for kind in identifiers_in(text):
        errors.add(field, messages[kind].format(what=what))


def _required(errors: Errors, field: str, value: str | None, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors.add(field, message)
    return value


# --- Feedback --------------------------------------------------------------------------------


@transaction.atomic
def record_feedback(
    user: User,
    *,
    kind: FeedbackKind | None,
    source: str,
    received_on: datetime.date | None,
    words: str,
    consent: str,
    age_band: str = "",
    agency: Agency | None = None,
    survey: FeedbackSurvey | None = None,
    themes: Iterable[FeedbackTheme] = (),
    token: str = "",
) -> Feedback:
    """Record feedback from a child, a family or a professional. The same page sent twice (its
    `token`) keeps one record: the second answers the first."""
    token = (token or "").strip()
    if token:
        earlier = Feedback.objects.filter(form_token=token).first()
        if earlier is not None:
            return earlier
    errors = Errors()
    if kind is None or not kind.active:
        errors.add("kind", "Select what kind of feedback it is")
    if source not in Feedback.Source.values:
        errors.add("source", "Select who the feedback is from")
    if age_band and age_band not in Feedback.AgeBand.values:
        errors.add("age_band", "Select an age band from the list")
    check_date(errors, "received_on", received_on, label="date the feedback was received")
    words = _required(errors, "words", words, "Enter the words of the feedback")
    check_no_identifier(errors, "words", words, "the words")
    if consent not in Feedback.Consent.values:
        errors.add(
            "consent",
            "Select whether the words may be used in the partnership's yearly report: "
            "quoted anonymously, summarised only, or not at all",
        )
    if survey is not None:
        if kind is not None and kind.slug != SURVEY_RESPONSE:
            errors.add("survey", "Only a survey response can be counted against a survey")
        elif received_on is not None and not survey.period_from <= received_on <= survey.period_to:
            errors.add(
                "received_on",
                f"The survey {survey.title} ran from {survey.period_from:%-d %B %Y} to {survey.period_to:%-d %B %Y}: "
                "a response to it must be received then",
            )
    themes = list(themes)
    if any(not theme.active for theme in themes):
        errors.add("themes", "Select themes from the list")
    errors.raise_if_any()
    assert kind is not None
    assert received_on is not None
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                kind=kind,
                source=source,
                age_band=age_band or "",
                received_on=received_on,
                agency=agency,
                survey=survey,
                words=words,
                consent=consent,
                form_token=token or None,
                recorded_by=user,
            )
    except IntegrityError:  # the same page sent twice at once: the other one was kept
        earlier = Feedback.objects.filter(form_token=token).first() if token else None
        if earlier is None:
            raise
        return earlier
    feedback.themes.set(themes)
    audit.record_creation(user, feedback, summary="Recorded feedback from children and families")
    return feedback


# --- Themes and what changed -------------------------------------------------------------------


@transaction.atomic
def save_theme(
    user: User, *, name: str, description: str = "", active: bool = True, theme: FeedbackTheme | None = None
) -> FeedbackTheme:
    """Add a theme to the business unit's list, or change one (its name, description, and whether
    it is offered when feedback is recorded)."""
    errors = Errors()
    name = _required(errors, "name", name, "Enter the theme's name")
    if len(name) > 100:
        errors.add("name", "The theme's name must be 100 characters or fewer")
    clash = FeedbackTheme.objects.filter(name__iexact=name)
    if theme is not None:
        clash = clash.exclude(pk=theme.pk)
    if name and clash.exists():
        errors.add("name", f"There is already a theme called {name}")
    check_no_identifier(errors, "description", description or "", "the description")
    errors.raise_if_any()
    if theme is None:
        theme = FeedbackTheme.objects.create(
            name=name, description=(description or "").strip(), active=active, created_by=user
        )
        audit.record_creation(user, theme, summary=f"Added the feedback theme {name}")
        return theme
    before = {"name": theme.name, "description": theme.description, "active": theme.active}
    theme.name, theme.description, theme.active = name, (description or "").strip(), active
    theme.save(update_fields=["name", "description", "active"])
    after = {"name": theme.name, "description": theme.description, "active": theme.active}
    changes = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    audit.record_change(user, theme, changes, summary=f"Changed the feedback theme {name}")
    return theme


@transaction.atomic
def record_what_changed(
    user: User,
    theme: FeedbackTheme,
    *,
    what: str,
    changed_on: datetime.date | None,
    agency: Agency | None = None,
    evidence: str = "",
) -> WhatChanged:
    """What the partnership (or an agency) changed because of what children and families said."""
    errors = Errors()
    what = _required(errors, "what", what, "Enter what changed")
    check_no_identifier(errors, "what", what, "what changed")
    check_no_identifier(errors, "evidence", evidence or "", "the evidence")
    check_date(errors, "changed_on", changed_on, label="date it changed")
    errors.raise_if_any()
    assert changed_on is not None
    change = WhatChanged.objects.create(
        theme=theme,
        what=what,
        agency=agency,
        changed_on=changed_on,
        evidence=(evidence or "").strip(),
        recorded_by=user,
    )
    audit.record_creation(user, change, summary=f"Recorded what changed because of the theme {theme.name}")
    return change


# --- Surveys -----------------------------------------------------------------------------------


@transaction.atomic
def record_survey(
    user: User,
    *,
    title: str,
    period_from: datetime.date | None,
    period_to: datetime.date | None,
    number_sent: int | None,
    description: str = "",
) -> FeedbackSurvey:
    """A survey of children, families or professionals: its period and how many were asked."""
    errors = Errors()
    title = _required(errors, "title", title, "Enter the survey's title")
    if period_from is None:
        errors.add("period_from", "Enter the date the survey opened")
    if period_to is None:
        errors.add("period_to", "Enter the date the survey closed")
    elif period_from is not None and period_to < period_from:
        errors.add("period_to", "The date the survey closed cannot be before the date it opened")
    if number_sent is None or number_sent < 1:
        errors.add("number_sent", "Enter how many were asked to answer the survey, a whole number of 1 or more")
    check_no_identifier(errors, "description", description or "", "the description")
    errors.raise_if_any()
    assert period_from is not None
    assert period_to is not None
    assert number_sent is not None
    survey = FeedbackSurvey.objects.create(
        title=title,
        period_from=period_from,
        period_to=period_to,
        number_sent=number_sent,
        description=(description or "").strip(),
        recorded_by=user,
    )
    audit.record_creation(user, survey, summary=f"Recorded the survey {title}")
    return survey
