"""The safeguarding partnership's own work (Working Together to Safeguard Children 2023,
chapters 2 and 5; Children Act 2004 ss16E-16K; process specification 2.20 and 5).

- Arrangements: the published local safeguarding arrangements as versioned data, drafted in the
  admin and published like the threshold document; its Members are the lead and delegated
  safeguarding partners, the chair, the independent scrutineer and the relevant agencies
  (education and childcare included: Children's Wellbeing and Schools Act 2026 s2), each with
  the dates they hold the part.
- SeriousIncident: a serious incident notified to the Child Safeguarding Practice Review Panel,
  with the children (IncidentChild), its due dates stored when issued (never recomputed), the
  notification, the information asked of agencies (InformationRequest) and the rapid review
  (RapidReview) with its decision and the Panel's response.
- PracticeReview: a local child safeguarding practice review, or a national review whose
  recommendations the partnership adopts, with its Recommendations, each owned by an agency.

The due dates are stored on the incident and the review rather than as kernel.Deadline rows:
a Deadline belongs to one child's case and shows on the case workers' dashboards, whereas these
belong to the partnership.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .audits.models import AgencyAnswer, AgencyReturn, AuditAction, AuditQuestion, MultiAgencyAudit, SampledCase  # noqa: F401


class Arrangements(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    title = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    area = models.CharField(max_length=200, help_text="The area the arrangements cover")
    summary = models.TextField(blank=True, help_text="How the partners work together, in plain English")
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "safeguarding arrangements"
        verbose_name_plural = "safeguarding arrangements"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["version"], name="arrangements_version_unique"),
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="published"), name="one_published_arrangements"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class Member(models.Model):
    """A part in the arrangements and who holds it, from a date (to a date)."""

    class Part(models.TextChoices):
        LEAD_PARTNER = "lead_partner", "Lead safeguarding partner"
        DELEGATED_PARTNER = "delegated_partner", "Delegated safeguarding partner"
        CHAIR = "chair", "Partnership chair"
        SCRUTINEER = "scrutineer", "Independent scrutineer"
        RELEVANT_AGENCY = "relevant_agency", "Relevant agency"
        # The multi-agency groups the arrangements set up (Working Together 2023; Children's
        # Wellbeing and Schools Act 2026: multi-agency child protection teams), each with its dates.
        MACPT = "macpt", "Multi-agency child protection team"
        MACE_PANEL = "mace_panel", "Multi-agency child exploitation (MACE) panel"

    class Partner(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        ICB = "icb", "Integrated care board"
        POLICE = "police", "Chief officer of police"

    class Sector(models.TextChoices):
        EDUCATION = "education", "Education"
        CHILDCARE = "childcare", "Childcare"
        HEALTH = "health", "Health"
        VOLUNTARY = "voluntary", "Voluntary and community"
        OTHER = "other", "Other"

    arrangements = models.ForeignKey(Arrangements, on_delete=models.CASCADE, related_name="members")
    part = models.CharField(max_length=30, choices=Part.choices)
    partner = models.CharField(
        max_length=20, choices=Partner.choices, blank=True, help_text="For a lead or delegated safeguarding partner"
    )
    sector = models.CharField(
        max_length=20,
        choices=Sector.choices,
        blank=True,
        help_text="For a relevant agency: education and childcare agencies are required (CWSA 2026 s2)",
    )
    agency = models.ForeignKey(
        "partners.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency, where it is recorded in the service",
    )
    organisation = models.CharField(max_length=200, blank=True, help_text="Where the agency is not recorded")
    holder = models.CharField(max_length=200, blank=True, help_text="The post (and name) of who holds the part")
    date_from = models.DateField()
    date_to = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["arrangements", "order", "id"]

    def __str__(self) -> str:
        return f"{self.get_part_display()}: {self.organisation_name}"

    @property
    def organisation_name(self) -> str:
        return self.agency.name if self.agency_id and self.agency else self.organisation


class SeriousIncident(models.Model):
    class Harm(models.TextChoices):
        DIED = "died", "The child died"
        SERIOUSLY_HARMED = "seriously_harmed", "The child was seriously harmed"

    reference = models.CharField(max_length=20, unique=True)
    became_aware_on = models.DateField(help_text="When the local authority became aware of the incident")
    incident_on = models.DateField(null=True, blank=True)
    harm = models.CharField(max_length=20, choices=Harm.choices)
    summary = models.TextField(help_text="What happened, as known")
    # Issued when recorded, from the rule in force on the day the authority became aware.
    notification_due = models.DateField()
    notification_due_explanation = models.CharField(max_length=600)
    notified_on = models.DateField(null=True, blank=True)
    notified_by = models.CharField(max_length=200, blank=True, help_text="Who notified the Panel, and their post")
    notification_late_reason = models.TextField(blank=True)
    # Issued when the notification is recorded.
    rapid_review_due = models.DateField(null=True, blank=True)
    rapid_review_due_explanation = models.CharField(max_length=600, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-became_aware_on", "-id"]

    def __str__(self) -> str:
        return f"Serious incident {self.reference}"


class IncidentChild(models.Model):
    incident = models.ForeignKey(SeriousIncident, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["incident", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "person"], name="incident_child_once")]

    def __str__(self) -> str:
        return f"Child {self.person_id} in {self.incident_id}"


class InformationRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ANSWERED = "answered", "Answered"
        NOTHING_KNOWN = "nothing_known", "Answered: nothing known"

    incident = models.ForeignKey(SeriousIncident, on_delete=models.CASCADE, related_name="requests")
    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    requested_on = models.DateField()
    due_on = models.DateField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    answer = models.TextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["agency", "status", "due_on"])]

    def __str__(self) -> str:
        return f"Information request {self.pk}"


class RapidReview(models.Model):
    class Decision(models.TextChoices):
        LOCAL = "local", "A local child safeguarding practice review"
        NATIONAL = "national", "Recommend a national review to the Panel"
        NONE = "none", "No review"

    class PanelResponse(models.TextChoices):
        AGREED = "agreed", "The Panel agreed"
        DISAGREED = "disagreed", "The Panel did not agree"
        NATIONAL = "national", "The Panel will carry out a national review"

    incident = models.OneToOneField(SeriousIncident, on_delete=models.CASCADE, related_name="rapid_review")
    completed_on = models.DateField(help_text="When the rapid review was sent to the Panel")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reasons = models.TextField()
    learning = models.TextField(blank=True, help_text="Immediate learning and actions")
    late_reason = models.TextField(blank=True)
    panel_response = models.CharField(max_length=20, choices=PanelResponse.choices, blank=True)
    panel_responded_on = models.DateField(null=True, blank=True)
    panel_comments = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Rapid review of {self.incident}"


class PracticeReview(models.Model):
    class Kind(models.TextChoices):
        LOCAL = "local", "Local child safeguarding practice review"
        NATIONAL = "national", "National review (recommendations adopted)"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        PUBLISHED = "published", "Published"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    incident = models.ForeignKey(
        SeriousIncident, null=True, blank=True, on_delete=models.PROTECT, related_name="practice_reviews"
    )
    title = models.CharField(max_length=200)
    reviewer = models.CharField(max_length=200, blank=True, help_text="The independent reviewer, or the Panel")
    terms_of_reference = models.TextField(blank=True)
    decided_on = models.DateField(help_text="When the review was decided on (or the national review adopted)")
    publication_due = models.DateField(null=True, blank=True)
    publication_due_explanation = models.CharField(max_length=600, blank=True)
    findings = models.TextField(blank=True)
    published_on = models.DateField(null=True, blank=True)
    publication_late_reason = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    review = models.ForeignKey(PracticeReview, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveIntegerField()
    text = models.TextField()
    owner = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="+")
    actions = models.TextField(blank=True)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.TextField(blank=True, help_text="The evidence of progress")
    completed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review", "number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="recommendation_number_once")]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"Recommendation {self.number} of {self.review}"


class ReviewAccess(models.Model):
    """A time-limited grant of the full records of a local review's children (the children of its
    serious incident) to a named user, most often the independent reviewer's account (Working
    Together 2023 chapter 5: the reviewer needs the agencies' records). people.access.levels
    gives it while it lasts (`access_from` to `access_to`, unless ended sooner)."""

    review = models.ForeignKey(PracticeReview, on_delete=models.CASCADE, related_name="access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    access_from = models.DateField()
    access_to = models.DateField()
    reason = models.CharField(max_length=300)
    ended_on = models.DateField(null=True, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review", "-access_to", "id"]

    def __str__(self) -> str:
        return f"Access to the children of {self.review} until {self.access_to}"


from .report.models import ReportApproval, ReportVersion, YearlyReport  # noqa: E402, F401
from .training.models import TrainingAttendance, TrainingCourse, TrainingSession, TrainingTopic  # noqa: E402, F401
from .voice.models import Feedback, FeedbackKind, FeedbackSurvey, FeedbackTheme, WhatChanged  # noqa: E402, F401
