"""The information-sharing log (s16LA Children Act 2004; process specification 6.4 and 6.5).

- ``Disclosure``: information about a child given to another agency: what, to whom, when, by
  whom, from which agency, under which lawful basis (a code of sharing/data/lawful-bases.json),
  and the child's consistent identifier where known (s16LC).
- ``Withholding``: a decision not to share because sharing would be more detrimental to the
  child than not sharing (s16LA), with the reasons and the decision maker.
- ``Notice``: something a worker is told and has not read yet (a CP-IS look-up of their child).

All three are append-only records: they are written by sharing.services and never changed,
except a notice's ``read_at``.
"""

from django.conf import settings
from django.db import models


class Disclosure(models.Model):  # noqa: DJ008
    class Kind(models.TextChoices):
        CHECK_ANSWER = "check_answer", "Answer to a front door check"
        STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
        MACE = "mace", "MACE meeting"
        CPIS = "cpis", "Child protection information sharing (CP-IS) look-up"
        RECORD_VIEW = "record_view", "A partner read the child's record"
        RECORDED = "recorded", "Recorded by hand"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="disclosures")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    from_agency = models.ForeignKey(
        "partners.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey("partners.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(
        max_length=200, blank=True, help_text="Who received it, when not an agency on the list (e.g. a MACE panel)"
    )
    what = models.TextField(help_text="What was shared")
    shared_at = models.DateTimeField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lawful_basis = models.CharField(max_length=30)
    identifier_type = models.CharField(max_length=5, blank=True)
    identifier = models.CharField(max_length=20, blank=True, help_text="The consistent identifier (s16LC), where known")
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-shared_at", "-id"]
        indexes = [models.Index(fields=["person", "shared_at"])]

    def __str__(self) -> str:
        return "Information shared"

    @property
    def recipient_name(self) -> str:
        return str(self.to_agency) if self.to_agency_id else self.recipient


class Withholding(models.Model):  # noqa: DJ008
    """Not shared: the holder considered disclosure would be more detrimental to the child than
    not disclosing (s16LA). Kept with the reasons and the decision maker, and reported to the
    decision maker's managers."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="withholdings")
    from_agency = models.ForeignKey(
        "partners.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey("partners.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(max_length=200, blank=True)
    information = models.TextField(help_text="What was not shared")
    reasons = models.TextField(help_text="Why sharing would be more detrimental to the child")
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "partners.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The decision maker's",
    )
    identifier_type = models.CharField(max_length=5, blank=True)
    identifier = models.CharField(max_length=20, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["team", "decided_on"])]

    def __str__(self) -> str:
        return "Decision not to share"

    @property
    def recipient_name(self) -> str:
        return str(self.to_agency) if self.to_agency_id else self.recipient


class Notice(models.Model):  # noqa: DJ008
    """Something a worker must be told (a CP-IS look-up of a child they hold), until they read it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sharing_notices")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    disclosure = models.ForeignKey(Disclosure, null=True, blank=True, on_delete=models.PROTECT, related_name="notices")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return "Notice"
