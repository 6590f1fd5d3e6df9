"""Multi-agency audits (Working Together to Safeguard Children 2023 chapter 2: the partners
scrutinise and assure the quality of their joint work; process specification 5).

- MultiAgencyAudit: a themed audit of a sample of children drawn by a sampling rule
  (partnership/audits/data/audits.json) on a sample date, with a seed stored so the draw can be
  repeated and explained; the auditors named on it, the agencies taking part, the questions, and
  the window in which the auditors hold the full record of the sampled children.
- SampledCase: a child in the sample and why they were chosen, with the overall grade.
- AgencyReturn: one agency's answer on one case (whether it knows the child, a grade, its
  findings), with one AgencyAnswer per question: never two for the same case, agency and
  question.
- AuditAction: an action arising, owned by one agency, with its due date and status.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class MultiAgencyAudit(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        SAMPLED = "sampled", "Sampling done"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    reference = models.CharField(max_length=20, unique=True)
    theme = models.CharField(max_length=200)
    purpose = models.TextField(blank=True, help_text="What the audit is to find out")
    sample_rule = models.SlugField(max_length=60, help_text="A sampling rule's slug (audits.json)")
    sample_size = models.PositiveIntegerField()
    sample_date = models.DateField(help_text="The day the sampling rule is applied to")
    seed = models.PositiveIntegerField(help_text="Draws the same sample again, to explain it")
    eligible_count = models.PositiveIntegerField(null=True, blank=True, help_text="Children the rule matched")
    auditors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    agencies = models.ManyToManyField("partners.Agency", related_name="+")
    access_from = models.DateField()
    access_to = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    summary = models.TextField(blank=True, help_text="The audit's findings, overall")
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sample_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(access_to__gte=models.F("access_from")), name="audit_window_in_order")
        ]

    def __str__(self) -> str:
        return f"Multi-agency audit {self.reference}"


class AuditQuestion(models.Model):
    audit = models.ForeignKey(MultiAgencyAudit, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    agencies = models.ManyToManyField(
        "partners.Agency", blank=True, related_name="+", help_text="The agencies that answer it; none: all"
    )

    class Meta:
        ordering = ["audit", "number"]
        constraints = [models.UniqueConstraint(fields=["audit", "number"], name="audit_question_number_once")]

    def __str__(self) -> str:
        return f"Question {self.number} of {self.audit}"


class SampledCase(models.Model):
    audit = models.ForeignKey(MultiAgencyAudit, on_delete=models.CASCADE, related_name="cases")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(help_text="Case 1, 2... in the order drawn")
    reason = models.CharField(max_length=300, help_text="Why the rule chose the child")
    grade = models.CharField(max_length=30, blank=True, help_text="The overall grade (audits.json grades)")
    findings = models.TextField(blank=True)

    class Meta:
        ordering = ["audit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "person"], name="sampled_case_once"),
            models.UniqueConstraint(fields=["audit", "number"], name="sampled_case_number_once"),
        ]

    def __str__(self) -> str:
        return f"Case {self.number} of {self.audit}"


class AgencyReturn(models.Model):
    case = models.ForeignKey(SampledCase, on_delete=models.CASCADE, related_name="returns")
    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="+")
    known = models.BooleanField(help_text="False: the child is not known to the agency")
    grade = models.CharField(max_length=30, blank=True)
    findings = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["case", "agency"], name="agency_return_once")]

    def __str__(self) -> str:
        return f"{self.agency_id} on {self.case}"


class AgencyAnswer(models.Model):
    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(AuditQuestion, on_delete=models.CASCADE, related_name="answers")
    answer = models.TextField()

    class Meta:
        ordering = ["agency_return", "question__number"]
        constraints = [
            models.UniqueConstraint(fields=["agency_return", "question"], name="agency_answer_once"),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question}"


class AuditAction(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    audit = models.ForeignKey(MultiAgencyAudit, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    owner = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["audit", "number"]
        constraints = [models.UniqueConstraint(fields=["audit", "number"], name="audit_action_number_once")]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"Action {self.number} of {self.audit}"
