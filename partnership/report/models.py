"""The partnership's yearly report (Working Together to Safeguard Children 2023, chapter 2: the
safeguarding partners publish a report at least once every 12 months on what they did and how
effective it was; Children Act 2004 s16G).

- YearlyReport: the report for a period (from, to). Its figures are counted from the records
  when the report is drawn (figures.py); what the partnership writes is kept as versions.
- ReportVersion: each save of the narrative (the introduction, what was learned, the
  scrutineer's commentary, the priorities and the evidence of progress on each, what next) is a
  new version; earlier ones are kept as they were.
- ReportApproval: a lead partner's approval of one version, for their agency (the local
  authority, the integrated care board, the police). A new version needs approving again.
- Publishing freezes the report: the approved version, the figures as counted that day (JSON),
  the HTML and the PDF are stored and never drawn again; a published report's period may not
  overlap another published report's.
"""

from django.conf import settings
from django.db import models


class YearlyReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    period_from = models.DateField()
    period_to = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Frozen when published.
    published_version = models.ForeignKey(
        "ReportVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(null=True, blank=True, help_text="The figures as counted when published")
    html = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-period_to", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_to__gte=models.F("period_from")), name="report_period"),
        ]

    def __str__(self) -> str:
        return self.title


class ReportVersion(models.Model):
    report = models.ForeignKey(YearlyReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    introduction = models.TextField(blank=True)
    learning = models.TextField(blank=True, help_text="What the partnership learned, and how it changed practice")
    commentary = models.TextField(blank=True, help_text="The independent scrutineer's commentary")
    # [{"priority": "...", "evidence": "..."}], in order.
    priorities = models.JSONField(default=list, blank=True)
    next_steps = models.TextField(blank=True)
    change_note = models.CharField(max_length=300, blank=True, help_text="What changed in this version")
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_version_once")]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.report}"


class ReportApproval(models.Model):
    class Partner(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        ICB = "icb", "Integrated care board"
        POLICE = "police", "Chief officer of police"

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="approvals")
    partner = models.CharField(max_length=20, choices=Partner.choices)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "partner"]
        constraints = [models.UniqueConstraint(fields=["version", "partner"], name="one_approval_per_partner")]

    def __str__(self) -> str:
        return f"{self.get_partner_display()} approved {self.version}"
