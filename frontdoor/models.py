"""The front door: contacts about children from every agency, the multi-agency checks made on
them, and the decision on next steps against the local threshold document, within one working
day (Working Together 2023; process specification sections 2.1-2.3 and 8).

- ThresholdDocument: the safeguarding partners' local criteria as versioned data: levels of
  need (any number), domains and indicators with example text, effective dates. One version is
  published at a time; a decision records the version it was made against.
- Contact: anything the front door is told about a child: when, from whom (the CIN referral
  source codes), about whom (ContactPerson), what, immediate risk, consent to early help,
  attachments. Its decision deadline is computed once, when it arrives, and stored.
- AgencyCheck: information asked of police, health, education and others, and their answer.
- ContactDecision: the threshold decision: version, level, indicators, rationale, outcome.
- Referral: a decision to refer opens a child-in-need episode (CIN census CINdetails) per child.
- ReferrerFeedback: what the referrer was told, visible to the referring partner.
- PatternAlert: repeated or clustered concerns found when a contact arrives, each with why.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kernel.concurrency import VersionedModel


class ThresholdDocument(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    title = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(
        blank=True, help_text="How to use the document: professional judgement, consent, escalation"
    )
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
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["version"], name="threshold_version_unique"),
            models.UniqueConstraint(fields=["status"], condition=Q(status="published"), name="one_published_threshold"),
        ]

    def __str__(self):
        return f"{self.title} (version {self.version})"


class ThresholdLevel(models.Model):
    document = models.ForeignKey(ThresholdDocument, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveIntegerField(help_text="1 for the lowest level of need")
    name = models.CharField(max_length=100, help_text="For example: Universal, Early help, Family Help, Specialist")
    description = models.TextField(help_text="The needs at this level")
    response = models.TextField(help_text="The response at this level")
    outcomes = models.JSONField(default=list, help_text="The decision outcomes allowed at this level")

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="threshold_level_once")]

    def __str__(self):
        return f"Level {self.number}: {self.name}"


class ThresholdDomain(models.Model):
    document = models.ForeignKey(ThresholdDocument, on_delete=models.CASCADE, related_name="domains")
    name = models.CharField(max_length=200, help_text="For example: Child's developmental needs")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["document", "order", "name"]

    def __str__(self):
        return self.name


class ThresholdIndicator(models.Model):
    domain = models.ForeignKey(ThresholdDomain, on_delete=models.CASCADE, related_name="indicators")
    level = models.ForeignKey(ThresholdLevel, on_delete=models.CASCADE, related_name="indicators")
    text = models.CharField(max_length=300)
    examples = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["level__number", "domain__order", "order", "id"]

    def __str__(self):
        return self.text


class Contact(VersionedModel):
    class Channel(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        WEB_FORM = "web_form", "Partner web form"
        API = "api", "Partner system (API)"
        IN_PERSON = "in_person", "In person"

    class Consent(models.TextChoices):
        GIVEN = "given", "The family agrees to early help"
        REFUSED = "refused", "The family does not agree"
        NOT_ASKED = "not_asked", "The family has not been asked"
        NOT_NEEDED = "not_needed", "Not sought: a child protection concern, where asking could put the child at risk"

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting decision"
        DECIDED = "decided", "Decided"

    received_at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    source = models.CharField(max_length=3, help_text="Code list: referral-source (CIN census)")
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(max_length=200, blank=True, help_text="For example: designated safeguarding lead")
    referrer_agency = models.ForeignKey(
        "partners.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    referrer_relationship = models.CharField(
        max_length=200, blank=True, help_text="For a member of the public: who they are to the child"
    )
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    concerns = models.TextField()
    immediate_risk = models.BooleanField(default=False)
    immediate_risk_detail = models.TextField(blank=True)
    consent = models.CharField(max_length=20, choices=Consent.choices)
    consent_detail = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # Issued once, when the contact arrives (kernel.timescales), and never silently moved.
    decision_due_date = models.DateField()
    decision_due_at = models.DateTimeField()
    decision_due_explanation = models.CharField(max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Who works on the contact now (frontdoor.services.assign_contact), if anyone.
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="allocated_contacts"
    )

    class Meta:
        ordering = ["decision_due_at", "id"]
        indexes = [
            models.Index(fields=["status", "decision_due_at"]),
            models.Index(fields=["referrer_agency", "-received_at"]),
            models.Index(fields=["recorded_by", "-received_at"]),
        ]

    def __str__(self):
        return f"Contact {self.reference}"

    @property
    def reference(self):
        return f"C{self.pk:07d}" if self.pk else ""


class ContactSubmission(models.Model):  # noqa: DJ008
    """A partner system's submission through the API, by its idempotency key: a retry with the
    same key returns the contact first made, and never makes a second one.

    Sent with `Prefer: respond-async`, the submission is kept here first (the validated request
    body in `payload`, status "received") and a background job makes its contact; the payload
    is the child's record until then, so reading it is audited as a contact is. `error` says why
    a submission failed, never anything about the people in it."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Waiting"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    api_token = models.ForeignKey("partners.ApiToken", on_delete=models.PROTECT, related_name="+")
    # The token's agency, kept on the submission: an idempotency key is the agency's, not one
    # token's, so that a second token (or a new one after a rotation) of the same partner system
    # retrying a submission gets the first contact back instead of making a second.
    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=200)
    body_digest = models.CharField(
        max_length=64, help_text="SHA-256 of the request body, to refuse a reused key with another body"
    )
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="submission", null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PROCESSED)
    payload = models.JSONField(null=True, blank=True, help_text="The request body, validated; emptied once processed")
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why it failed, in plain words, without personal data")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "idempotency_key"], name="idempotency_key_once_per_agency")
        ]
        indexes = [models.Index(fields=["status", "received_at"], name="frontdoor_submission_status")]

    def save(self, *args, **kwargs):
        if self.agency_id is None and self.api_token_id is not None:
            self.agency_id = self.api_token.agency_id
        super().save(*args, **kwargs)

    @property
    def reference(self):
        return f"S{self.pk:07d}" if self.pk else ""


class ContactPerson(models.Model):  # noqa: DJ008
    class Role(models.TextChoices):
        SUBJECT = "subject", "Child the contact is about"
        CHILD_IN_HOUSEHOLD = "child_in_household", "Other child in the household"
        ADULT_IN_HOUSEHOLD = "adult_in_household", "Adult in the household"
        PERSON_OF_CONCERN = "person_of_concern", "Person said to pose a risk"
        OTHER = "other", "Other person"

    class Match(models.TextChoices):
        CHOSEN = "chosen", "Chosen from the record"
        CONSISTENT_IDENTIFIER = "consistent_identifier", "Consistent identifier"
        NHS_NUMBER = "nhs_number", "NHS number"
        UPN = "upn", "Unique pupil number"
        NAME_AND_DATE_OF_BIRTH = "name_and_dob", "Name and date of birth"
        NEW = "new", "New record"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="contacts")
    role = models.CharField(max_length=30, choices=Role.choices)
    relationship = models.CharField(max_length=200, blank=True, help_text="To the child the contact is about")
    matched_by = models.CharField(max_length=30, choices=Match.choices)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.ForeignKey(
        "people.Address",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The address the contact gave for them",
    )

    class Meta:
        ordering = ["role", "id"]
        indexes = [models.Index(fields=["person", "contact"])]
        constraints = [models.UniqueConstraint(fields=["contact", "person"], name="person_once_per_contact")]

    @property
    def is_child(self):
        return self.role in {self.Role.SUBJECT, self.Role.CHILD_IN_HOUSEHOLD}


def _attachment_name():
    return uuid.uuid4().hex


class ContactAttachment(models.Model):  # noqa: DJ008
    """A file sent with a contact. Stored under ATTACHMENT_ROOT (outside the web root) by a
    random name, never by the name it came with; served only as a download, never inline."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, help_text="As found from the file's content, not as claimed")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=32, default=_attachment_name, unique=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class AgencyCheck(models.Model):  # noqa: DJ008
    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        OTHER = "other", "Other agency"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ANSWERED = "answered", "Answered"
        NOTHING_KNOWN = "nothing_known", "Answered: nothing known"
        WITHDRAWN = "withdrawn", "No longer needed"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    agency = models.ForeignKey(
        "partners.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="checks"
    )
    question = models.TextField(blank=True, help_text="What the front door asks this agency")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField()
    due_explanation = models.CharField(max_length=500)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    information = models.TextField(blank=True, help_text="What the agency knows, as it answered")

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [
            models.Index(fields=["agency", "status", "due_at"]),
            models.Index(fields=["kind", "status", "due_at"]),
        ]


class ContactDecision(models.Model):  # noqa: DJ008
    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        ADVICE = "advice", "Information and advice, or signposting"
        EARLY_HELP = "early_help", "Early help or Family Help"
        REFERRAL = "referral", "Referral to children's social care for assessment"
        STRATEGY_DISCUSSION = "strategy", "Strategy discussion"

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="decision")
    threshold_document = models.ForeignKey(ThresholdDocument, on_delete=models.PROTECT, related_name="decisions")
    level = models.ForeignKey(ThresholdLevel, on_delete=models.PROTECT, related_name="decisions")
    indicators = models.ManyToManyField(ThresholdIndicator, blank=True, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    rationale = models.TextField()
    primary_need = models.CharField(max_length=2, blank=True, help_text="Code list: primary-need, for a referral")
    malicious = models.BooleanField(default=False, help_text="The contact was judged malicious")
    malicious_reason = models.TextField(blank=True)
    # Checks still unanswered when the decision was made, and why it could not wait for them.
    unanswered_checks = models.ManyToManyField(
        AgencyCheck, blank=True, related_name="decided_without", help_text="Checks not answered when it was decided"
    )
    unanswered_checks_reason = models.TextField(
        blank=True, help_text="Why the decision was made before every check was answered"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    on_time = models.BooleanField(help_text="Decided by the stored deadline")

    class Meta:
        indexes = [models.Index(fields=["decided_at"])]


# The involvement a referral gives the front door's team with the child, until the episode closes.
REFERRAL_INVOLVEMENT_KIND = "Referral: child in need"


class Referral(models.Model):  # noqa: DJ008
    """A referral to children's social care, opening a child-in-need episode for one child
    (CIN census CINdetails: CINreferralDate, ReferralSource, PrimaryNeedCode, ReferralNFA)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="referrals")
    referral_date = models.DateField()
    source = models.CharField(max_length=3, help_text="Code list: referral-source")
    primary_need = models.CharField(max_length=2, help_text="Code list: primary-need")
    referral_nfa = models.BooleanField(default=False)
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, blank=True, help_text="CIN census reason for closure (RC1-RC9)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-referral_date", "-id"]
        indexes = [models.Index(fields=["person", "-referral_date"])]
        constraints = [models.UniqueConstraint(fields=["person", "contact"], name="one_referral_per_child_per_contact")]


class ReferrerFeedback(models.Model):  # noqa: DJ008
    class Method(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        IN_SERVICE = "in_service", "In this service"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="feedback")
    method = models.CharField(max_length=20, choices=Method.choices)
    message = models.TextField()
    given_at = models.DateTimeField()
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["given_at", "id"]


class PatternAlert(models.Model):  # noqa: DJ008
    class Kind(models.TextChoices):
        RE_REFERRAL = "re_referral", "Re-referral within 12 months"
        REPEATED_CONTACTS = "repeated_contacts", "Repeated contacts"
        SEVERAL_REFERRERS = "several_referrers", "Concerns from several referrers"
        SIBLINGS = "siblings", "Concerns about siblings"
        HOUSEHOLD_ADULTS = "household_adults", "Concerns about adults in the household"
        MISSING_EDUCATION = "missing_education", "Missing education"
        NOT_IN_SCHOOL = "not_in_school", "Not in school (on the children not in school register)"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    explanation = models.CharField(max_length=600)
    related_contacts = models.JSONField(default=list, help_text="Ids of the contacts or referrals that made it fire")

    class Meta:
        ordering = ["kind", "id"]


class ContactDraft(models.Model):  # noqa: DJ008
    """A contact being made through the question pages (frontdoor.partner): the answers so far
    and the files uploaded, kept on the server until it is sent. Nothing is written to the
    contact tables before then. Once sent, `contact` is set and the answers are cleared, so
    that sending the same draft again shows that contact instead of making a second one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The child, when the contact was started from their record",
    )
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    contact = models.OneToOneField(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["updated_at"])]
