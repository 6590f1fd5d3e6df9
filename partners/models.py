"""Partner agencies, their teams and the people who use the service."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.signals import user_logged_in
from django.core.validators import RegexValidator
from django.db import models
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

# The session key holding the user's session generation from sign-in (see User.session_generation).
SESSION_GENERATION_KEY = "session_generation"

la_code_validator = RegexValidator(r"^\d{3}$", "Enter the DfE local authority code as 3 digits, like 201")
urn_validator = RegexValidator(r"^\d{6,7}$", "Enter the URN as 6 or 7 digits, like 100000")


class Agency(models.Model):
    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        POLICE = "police", "Police force"
        ICB = "icb", "Integrated care board"
        HEALTH_PROVIDER = "health_provider", "Health provider"
        SCHOOL = "school", "School or education setting"
        EARLY_YEARS = "early_years", "Early years setting"
        VOLUNTARY = "voluntary", "Voluntary or community organisation"
        PROBATION = "probation", "Probation service"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    la_code = models.CharField("DfE local authority code", max_length=3, blank=True, validators=[la_code_validator])
    urn = models.CharField(
        "Ofsted or DfE unique reference number (URN)", max_length=7, blank=True, validators=[urn_validator]
    )
    ods_code = models.CharField("NHS ODS code", max_length=10, blank=True)
    postcode = models.CharField(max_length=8, blank=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["urn"], condition=~models.Q(urn=""), name="agency_urn_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    function = models.CharField(
        max_length=100, blank=True, help_text="For example: MASH, assessment, child protection, children in care"
    )

    class Meta:
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Roles decide what they may do (see the access issue)."""

    class Role(models.TextChoices):
        SOCIAL_WORKER = "social_worker", "Social worker"
        TEAM_MANAGER = "team_manager", "Senior practitioner or team manager"
        HEAD_OF_SERVICE = "head_of_service", "Head of service"
        MASH_PRACTITIONER = "mash_practitioner", "Front door (MASH) practitioner"
        MASH_MANAGER = "mash_manager", "Front door (MASH) manager"
        IRO = "iro", "Independent reviewing officer"
        CONFERENCE_CHAIR = "conference_chair", "Conference chair"
        FAMILY_HELP_LEAD = "family_help_lead", "Family Help lead practitioner"
        EDUCATION_WELFARE_OFFICER = "education_welfare_officer", "Education welfare officer"
        PARTNER_PRACTITIONER = "partner_practitioner", "Partner practitioner"
        ANALYST = "analyst", "Performance analyst"
        ADMINISTRATOR = "administrator", "System administrator"
        USER_ADMINISTRATOR = "user_administrator", "User administrator"
        # The safeguarding partnership (Working Together 2023 chapter 2, chapter 5): its business
        # unit runs the arrangements, serious incidents and reviews; the independent scrutineer
        # reads them. Neither sees a child's record (people.access.levels gives them none).
        PARTNERSHIP_OFFICER = "partnership_officer", "Partnership business unit"
        SCRUTINEER = "scrutineer", "Independent scrutineer"
        # A lead safeguarding partner (or the delegate who acts for them) of the local
        # authority, the integrated care board or the police, by their agency: reads the
        # partnership's records and figures and approves its yearly report. No child's record.
        LEAD_PARTNER = "lead_partner", "Lead safeguarding partner"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    job_title = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=40, choices=Role.choices, default=Role.SOCIAL_WORKER)
    # Copied into each session at sign-in; a session holding an older value is signed out
    # (partners.auth.SessionGenerationMiddleware). "Sign out of all other sessions" adds one.
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    # Set when an administrator resets the password (or makes the account): after signing in,
    # the user reaches only "Change your password" until they have (partners.accounts).
    must_change_password = models.BooleanField(
        default=False, help_text="The user must choose a new password the next time they sign in"
    )

    class Meta:
        ordering = ["last_name", "first_name"]

    @property
    def holds_designation(self) -> bool:
        """Whether the user holds any designation (nominated officer, director…), read with the
        user on each request by partners.backends (the navigation's "Approvals" link)."""
        known = getattr(self, "designation_held", None)
        return self.designations.exists() if known is None else known

    def __str__(self) -> str:
        return self.get_full_name() or self.username


@receiver(user_logged_in, dispatch_uid="partners.remember_session_generation")
def remember_session_generation(
    sender: type, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """Every sign-in (the sign-in page, the admin's, a test's force_login) notes the user's
    session generation in the new session; partners.auth.SessionGenerationMiddleware checks it."""
    session = getattr(request, "session", None)
    if session is not None and hasattr(user, "session_generation"):
        session[SESSION_GENERATION_KEY] = user.session_generation


class ApiToken(models.Model):
    """A partner system's key to the API. Only a digest of the token is kept: the token itself
    is shown once, when issued (manage.py issue_api_token), and cannot be recovered.

    Requests made with the token run as its service user, a partner practitioner in the token's
    agency, so the ordinary access rules decide which children the partner system may see; the
    scopes decide which operations it may call (partners.tokens.HasScope).
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=200, help_text="Which system uses it, for example: Testshire Police case system")
    scopes = models.JSONField(default=list, help_text='Operations it may call, like ["people:read"]')
    prefix = models.CharField(
        max_length=8, unique=True, editable=False, help_text="The first 8 characters of the token, to recognise it"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False, help_text="SHA-256 of the whole token")
    service_user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="api_token", editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "Expired"
        return "Active"


class SetUpLink(models.Model):
    """A one-time link to set up an authenticator app: for a new account, or after an
    administrator reset the account's authenticator app (partners.accounts). Only a digest of
    the link's token is kept; the link is shown once, to whoever issued it. It works until it
    expires (settings.SET_UP_LINK_HOURS), is used to set up an app, or a newer link replaces it."""

    class Reason(models.TextChoices):
        NEW_ACCOUNT = "new_account", "New account"
        AUTHENTICATOR_RESET = "authenticator_reset", "Authenticator app reset"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="set_up_links")
    digest = models.CharField(max_length=64, unique=True, editable=False, help_text="SHA-256 of the link's token")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Set-up link for {self.user.username} ({self.status.lower()})"

    @property
    def is_usable(self) -> bool:
        return (
            self.used_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
            and self.user.is_active
        )

    @property
    def status(self) -> str:
        if self.used_at is not None:
            return "Used"
        if self.revoked_at is not None:
            return "Replaced"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Waiting"
