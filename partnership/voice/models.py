"""The voice of children and families (Working Together to Safeguard Children 2023; process
specification 5: the yearly report says "ways the partners sought and used feedback from children
and families to inform their work and influence services").

- FeedbackKind: what the feedback was (a survey response, a complaint, a compliment, a comment):
  data, loaded by migration 0007.
- FeedbackTheme: the business unit's managed list of themes (editable on its pages); each Feedback is
  tagged with themes, and each theme has WhatChanged records: what the partnership or an agency
  changed because of it, when, and the evidence.
- FeedbackSurvey: a named survey with its period and the number sent; the Feedback recorded against it
  are its responses (the response rate).
- Feedback: who it came from (a child or young person, a parent or carer, ...), an age band, when
  it was received, the agency it is about (none: the partnership), the words, and the consent to
  use the words in the yearly report.

Feedback is anonymous by design: it has no link to a child's record. The partnership business
unit, the scrutineer and the head of service reading it see no child's record
(people.access.levels gives the business unit and the scrutineer none), so the words may not hold
a child's identifier either: partnership.voice.services refuses an NHS number, a unique pupil
number or a consistent child identifier in them.
"""

from django.conf import settings
from django.db import models


class FeedbackKind(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class FeedbackTheme(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True, help_text="Offered when feedback is recorded")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FeedbackSurvey(models.Model):
    title = models.CharField(max_length=200)
    period_from = models.DateField()
    period_to = models.DateField()
    number_sent = models.PositiveIntegerField(help_text="How many were asked")
    description = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_from", "-id"]

    def __str__(self) -> str:
        return self.title


class Feedback(models.Model):
    class Source(models.TextChoices):
        CHILD = "child", "A child or young person"
        PARENT = "parent", "A parent or carer"
        FAMILY = "family", "Another family member"
        PROFESSIONAL = "professional", "A professional"

    class AgeBand(models.TextChoices):
        UNDER_5 = "under_5", "Under 5"
        FROM_5 = "5_to_10", "5 to 10"
        FROM_11 = "11_to_15", "11 to 15"
        FROM_16 = "16_to_17", "16 to 17"
        ADULT = "18_plus", "18 or over"

    class Consent(models.TextChoices):
        QUOTE = "quote", "Yes, the words may be quoted anonymously"
        SUMMARY = "summary", "Yes, but summarised only"
        NO = "no", "No"

    kind = models.ForeignKey(FeedbackKind, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=Source.choices)
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, blank=True)
    received_on = models.DateField()
    agency = models.ForeignKey(
        "partners.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency it is about; none for the partnership as a whole",
    )
    survey = models.ForeignKey(
        FeedbackSurvey, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    words = models.TextField(help_text="What was said, without anything that identifies the child or family")
    consent = models.CharField(max_length=20, choices=Consent.choices)
    themes = models.ManyToManyField(FeedbackTheme, blank=True, related_name="feedback")
    # The recording page's token: the same page sent twice keeps one record.
    form_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name_plural = "feedback"
        indexes = [models.Index(fields=["received_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent__in=["quote", "summary", "no"]), name="feedback_consent_given"
            )
        ]

    def __str__(self) -> str:
        return f"Feedback {self.pk}"


class WhatChanged(models.Model):
    """What the partnership or an agency changed because of a theme of the feedback."""

    theme = models.ForeignKey(FeedbackTheme, on_delete=models.PROTECT, related_name="changes")
    what = models.TextField()
    agency = models.ForeignKey(
        "partners.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency that changed it; none for the partnership",
    )
    changed_on = models.DateField()
    evidence = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_on", "-id"]
        verbose_name_plural = "what changed"

    def __str__(self) -> str:
        return f"What changed: {self.theme}"
