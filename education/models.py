"""Education records: the authority's school list, a pupil's school history, and the local
authority's consent to withdraw a relevant child from school for home education (Education Act
1996 s434A, inserted by the Children's Wellbeing and Schools Act 2026 s37; process
specification 6.7).

The school list is data (loaded from a file by `load_school_list`, or made by the builders in
tests): a URN that is not on it is refused. A school that is also a partner agency is linked by
its URN (partners.Agency.urn), not copied.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from partners.models import urn_validator


class School(models.Model):
    """A school on the authority's school list (from Get Information about Schools)."""

    class Phase(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        MIDDLE = "middle", "Middle"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SIXTEEN_PLUS = "16_plus", "16 plus"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    urn = models.CharField("unique reference number (URN)", max_length=7, unique=True, validators=[urn_validator])
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    special = models.BooleanField(
        default=False, help_text="A special school, or an independent special school (s434A condition A)"
    )
    maintained_by_authority = models.BooleanField(
        default=False, help_text="Maintained by the authority (its places are arranged by the authority)"
    )
    open = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (URN {self.urn})"


class SchoolRegistration(models.Model):
    """A pupil on a school's roll, from one day to another (None: still on the roll)."""

    class Source(models.TextChoices):
        SCHOOL = "school", "The school's own records"
        UPN = "upn", "Matched by the unique pupil number (UPN)"
        REGISTER = "register", "The children not in school register"
        CASE_WORKER = "case_worker", "Told by the family or a professional"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="school_registrations")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="registrations")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    under_authority_arrangements = models.BooleanField(
        default=False, help_text="Registered at the school under arrangements made by the local authority"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["person", "start_date"]), models.Index(fields=["start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="school_registration_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school.name} from {self.start_date:%-d %B %Y}"

    def current_on(self, day: datetime.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class ConsentRequest(models.Model):
    """A request for the authority's consent to withdraw a child from school to be educated at
    home (s434A): from a parent, or a school's notice that it is about to remove the child from
    its roll for home education. Whether the child was a relevant child when it came, and why,
    is kept as it was worked out then."""

    class Source(models.TextChoices):
        PARENT = "parent", "A parent asked for consent"
        SCHOOL_NOTICE = "school_notice", "The school said it is about to remove the child for home education"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a decision"
        NOT_NEEDED = "not_needed", "Consent not needed: not a relevant child"
        GIVEN = "given", "Consent given"
        REFUSED = "refused", "Consent refused"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="home_education_requests")
    registration = models.ForeignKey(SchoolRegistration, on_delete=models.PROTECT, related_name="consent_requests")
    source = models.CharField(max_length=20, choices=Source.choices)
    received_on = models.DateField()
    requested_by = models.CharField(max_length=200, help_text="The parent, or the member of school staff")
    details = models.TextField(blank=True)
    relevant_child = models.BooleanField()
    conditions = models.JSONField(default=list, help_text="The conditions met (A, B) when the request came")
    reasons = models.JSONField(default=list, help_text="Why, in plain English, when the request came")
    rules_version = models.CharField(max_length=20, help_text="The rules' version (its first day) applied")
    status = models.CharField(max_length=20, choices=Status.choices)
    best_interests = models.TextField(blank=True, help_text="The best-interests analysis")
    best_interests_on = models.DateField(null=True, blank=True)
    best_interests_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_maker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reasons = models.TextField(blank=True)
    may_ask_again_on = models.DateField(null=True, blank=True, help_text="After a refusal")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"Request for consent to home educate, received {self.received_on:%-d %B %Y}"

    @property
    def decided(self) -> bool:
        return self.status in (self.Status.GIVEN, self.Status.REFUSED)


class ConsentInformation(models.Model):  # noqa: DJ008
    """What was gathered before the decision: the school's, the social worker's and the child's
    views, and a visit."""

    class Kind(models.TextChoices):
        SCHOOL_VIEW = "school_view", "The school's view"
        SOCIAL_WORKER_VIEW = "social_worker_view", "The social worker's view"
        CHILD_VIEW = "child_view", "The child's view"
        VISIT = "visit", "A visit"
        OTHER = "other", "Other information"

    request = models.ForeignKey(ConsentRequest, on_delete=models.PROTECT, related_name="information")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    gathered_on = models.DateField()
    given_by = models.CharField(max_length=200, help_text="Who gave it, or who visited")
    summary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["gathered_on", "id"]


class ConsentNotification(models.Model):  # noqa: DJ008
    """Who was told about a request or a decision, and when: the allocated social worker, the
    school, the parent (the decision letter)."""

    class To(models.TextChoices):
        SOCIAL_WORKER = "social_worker", "The allocated social worker"
        SCHOOL = "school", "The school"
        PARENT = "parent", "The parent"

    class About(models.TextChoices):
        REQUEST = "request", "The request"
        DECISION = "decision", "The decision"

    request = models.ForeignKey(ConsentRequest, on_delete=models.PROTECT, related_name="notifications")
    to = models.CharField(max_length=20, choices=To.choices)
    about = models.CharField(max_length=20, choices=About.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200, help_text="Who was told")
    sent_on = models.DateField()

    class Meta:
        ordering = ["sent_on", "id"]


class RegisterEntry(models.Model):
    """A child on the authority's children not in school register (Education Act 1996 s436B to
    s436G, inserted by the Children's Wellbeing and Schools Act 2026 s38): from the day they
    came onto it, and why, to the day they were removed, and why. The register is kept by date:
    an entry is never changed back, only removed; a child comes back on with a new entry."""

    class Reason(models.TextChoices):
        HOME_EDUCATED = "home_educated", "Educated at home by their parents"
        OTHER_PROVIDER = "other_provider", "Educated otherwise than at school by another provider"
        NOT_KNOWN = "not_known", "Not in school, the education not known yet"

    class Source(models.TextChoices):
        PARENT = "parent", "A parent's notice"
        SCHOOL = "school", "A school's notice that it removed the child from its roll"
        AGENCY = "agency", "Another agency"
        AUTHORITY = "authority", "The authority's own enquiries"

    class RemovalReason(models.TextChoices):
        ON_ROLL = "on_roll", "Registered at a school"
        LEFT_AREA = "left_area", "Moved out of the authority's area"
        PAST_AGE = "past_age", "No longer of compulsory school age"
        DIED = "died", "Died"
        OTHER = "other", "Other reason"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="register_entries")
    added_on = models.DateField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    parents = models.TextField(help_text="The parents' names, and how to reach them")
    address = models.TextField(help_text="Where the child lives")
    provider = models.TextField(blank=True, help_text="Who provides the child's education")
    hours_per_week = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="For how long each week"
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    removed_on = models.DateField(null=True, blank=True)
    removal_reason = models.CharField(max_length=20, choices=RemovalReason.choices, blank=True)
    removal_detail = models.TextField(blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "children not in school register entry"
        verbose_name_plural = "children not in school register entries"
        ordering = ["-added_on", "-id"]
        indexes = [models.Index(fields=["added_on", "removed_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(removed_on__isnull=True), name="one_open_register_entry"
            ),
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True) | models.Q(removed_on__gte=models.F("added_on")),
                name="register_entry_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"On the children not in school register from {self.added_on:%-d %B %Y}"


class RelevantChildStatus(models.Model):  # noqa: DJ008
    """A child's relevant-child status (s434A) as the nightly check last found it, and since
    when: the check flags the children whose status changed (`since` is the day of the change)."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="relevant_child_status")
    relevant = models.BooleanField()
    conditions = models.CharField(max_length=10, blank=True, help_text="The conditions met: A, B or A,B")
    since = models.DateField(help_text="The day the check first found this status")
    checked_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["since", "relevant"])]


class DeregistrationNotice(models.Model):
    """A school's notice, through the API, that it removed (or is about to remove) a child from
    its roll. Kept whether or not the child is found: a notice about a child the service has no
    record of waits for the education team to match it. A retry with the same Idempotency-Key
    (the agency's) answers the first notice again."""

    class Reason(models.TextChoices):
        HOME_EDUCATION = "home_education", "To be educated at home"
        NO_KNOWN_DESTINATION = "no_known_destination", "Left with no known destination"
        OTHER = "other", "Another reason"

    class Status(models.TextChoices):
        UNMATCHED = "unmatched", "Waiting to be matched to a child"
        MATCHED = "matched", "Matched to a child"
        CONSENT_REQUESTED = "consent_requested", "Matched: a relevant child, sent to the consent workflow"
        MISSING_EDUCATION = "missing_education", "Matched: no known destination, a child missing education case opened"

    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=200)
    body_digest = models.CharField(max_length=64)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="deregistration_notices")
    given_names = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    upn = models.CharField("unique pupil number", max_length=13, blank=True)
    removal_date = models.DateField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="deregistration_notices"
    )
    consent_request = models.ForeignKey(
        ConsentRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(
        blank=True, help_text="Why a matched notice did not go to the consent workflow or open a missing education case"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(
        max_length=10, choices=[("api", "The school's system (API)"), ("web", "The web form")], default="api"
    )
    matched_at = models.DateTimeField(null=True, blank=True, help_text="When the education team matched it")
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "idempotency_key"], name="deregistration_notice_key_unique")
        ]

    def __str__(self) -> str:
        return f"Deregistration notice {self.pk}"


class MissingEducationCase(models.Model):
    """A child missing education (Education Act 1996 s436A): of compulsory school age, not on a
    school's roll, not on the children not in school register, and their education not known
    (a child who left a school with no known destination, or one an agency or the authority's
    own enquiries found). The enquiries made are kept with it. It closes when the child is found
    on a school's roll or comes onto the register (the services close it then), or for another
    reason the authority records. A child has at most one open case."""

    class Source(models.TextChoices):
        SCHOOL_NOTICE = "school_notice", "A school's notice that the child left with no known destination"
        AGENCY = "agency", "Another agency told the authority"
        AUTHORITY = "authority", "The authority's own enquiries"

    class Status(models.TextChoices):
        OPEN = "open", "Open: the child is missing education"
        CLOSED = "closed", "Closed"

    class ClosureReason(models.TextChoices):
        ON_ROLL = "on_roll", "Found on a school's roll"
        ON_REGISTER = "on_register", "On the children not in school register"
        LEFT_AREA = "left_area", "Moved out of the area, the new authority told"
        ABROAD = "abroad", "Moved abroad"
        PAST_AGE = "past_age", "No longer of compulsory school age"
        DIED = "died", "Died"
        OTHER = "other", "Other reason"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="missing_education_cases")
    opened_on = models.DateField(help_text="The day the child was first known to be missing education")
    source = models.CharField(max_length=20, choices=Source.choices)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="The school the child left"
    )
    notice = models.ForeignKey(
        DeregistrationNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="missing_education_cases"
    )
    last_known_address = models.TextField(blank=True)
    details = models.TextField(blank=True, help_text="What is known: who told the authority, and what they said")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    closure_detail = models.TextField(blank=True, help_text="The new authority, the country, or the other reason")
    registration = models.ForeignKey(
        SchoolRegistration, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    register_entry = models.ForeignKey(RegisterEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["person", "status"]), models.Index(fields=["status", "opened_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(status="open"), name="one_open_missing_education_case"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="open", closed_on__isnull=True, closure_reason="")
                    | models.Q(status="closed", closed_on__isnull=False, closed_on__gte=models.F("opened_on"))
                    & ~models.Q(closure_reason="")
                ),
                name="missing_education_case_closed_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Missing education from {self.opened_on:%-d %B %Y}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class MissingEducationEnquiry(models.Model):  # noqa: DJ008
    """One enquiry made to find a child missing education, and what it found."""

    class Kind(models.TextChoices):
        SCHOOL = "school", "The school contacted"
        HOME_VISIT = "home_visit", "Home visit"
        OTHER_AUTHORITIES = "other_authorities", "Other local authorities"
        HEALTH = "health", "Health (GP registration)"
        POLICE = "police", "Police"
        ADMISSIONS = "admissions", "Admissions"
        LOST_PUPILS = "lost_pupils", "DfE School2School or the lost pupils database"
        SOCIAL_CARE = "social_care", "Children's social care records"
        OTHER = "other", "Other enquiry"

    case = models.ForeignKey(MissingEducationCase, on_delete=models.PROTECT, related_name="enquiries")
    made_on = models.DateField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    made_with = models.CharField(max_length=200, help_text="Who the enquiry was made with")
    outcome = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["made_on", "id"]
