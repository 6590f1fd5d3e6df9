"""Partner agencies, their teams and the people who use the service."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models

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
    urn = models.CharField("Ofsted or DfE unique reference number (URN)", max_length=7, blank=True, validators=[urn_validator])
    ods_code = models.CharField("NHS ODS code", max_length=10, blank=True)
    postcode = models.CharField(max_length=8, blank=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["urn"], condition=~models.Q(urn=""), name="agency_urn_unique"),
        ]

    def __str__(self):
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    function = models.CharField(max_length=100, blank=True, help_text="For example: MASH, assessment, child protection, children in care")

    class Meta:
        ordering = ["agency__name", "name"]

    def __str__(self):
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
        PARTNER_PRACTITIONER = "partner_practitioner", "Partner practitioner"
        ANALYST = "analyst", "Performance analyst"
        ADMINISTRATOR = "administrator", "System administrator"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    job_title = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=40, choices=Role.choices, default=Role.SOCIAL_WORKER)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.get_full_name() or self.username
