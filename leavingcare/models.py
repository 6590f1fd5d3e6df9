"""Care leavers (Children Act 1989 s23A to s24B, as the Children (Leaving Care) Act 2000 made
them; Care Leavers (England) Regulations 2010; Care Planning Regulations 2010 reg 40 to 48).

Who is a care leaver is never typed: leavingcare.eligibility works it out from the care
history (childrenincare.PeriodOfCare and its legal statuses). What is kept here is the work
with the young person: the record (`CareLeaver`), the personal adviser and their history,
the pathway plan and its reviews, keeping-in-touch contacts and the birthday contact the
SSDA903 OC3 asks for (in touch, main activity, accommodation and whether it is suitable).
"""

from django.conf import settings
from django.db import models


class CareLeaver(models.Model):
    """The young person's care leaver record: opened once, when they become entitled to
    leaving care support (or before, to prepare the pathway plan at 16)."""

    # CASCADE so that removing a person (the demo's wipe, in the order it knows) takes the record with them.
    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="care_leaver")
    opened_on = models.DateField()

    class AtSixteen(models.TextChoices):
        DETAINED = "detained", "Detained (in youth detention accommodation or another institution by order of a court)"
        HOSPITAL = "hospital", "In hospital"

    # What the care history cannot tell (leavingcare.eligibility.Circumstances). Care Leavers
    # (England) Regulations 2010 reg 3: the 6 months rule, and a child detained or in hospital at 16.
    home_with_parent_since = models.DateField(
        null=True,
        blank=True,
        help_text="Living with a parent or a person with parental responsibility (a special guardian, the person named "
        "in a child arrangements order) since (6 months or more: not a relevant child). Left blank after an "
        "order or a return home, the day care ended is used",
    )
    home_with_parent_until = models.DateField(
        null=True,
        blank=True,
        help_text="That arrangement broke down on (the young person stopped living with them: relevant again)",
    )
    special_guardianship_ended_on = models.DateField(
        null=True,
        blank=True,
        help_text="The special guardianship order made when care ended stopped being in force on (revoked or "
        "discharged; blank while in force, or if it ran to the 18th birthday)",
    )
    at_sixteen = models.CharField(
        max_length=10, blank=True, choices=AtSixteen.choices, help_text="Detained or in hospital on the 16th birthday"
    )
    detained_at_16_since = models.DateField(
        null=True, blank=True, help_text="Detained, or admitted to hospital, on (still there on the 16th birthday)"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(at_sixteen="", detained_at_16_since__isnull=True)
                    | (~models.Q(at_sixteen="") & models.Q(detained_at_16_since__isnull=False))
                ),
                name="care_leaver_detained_at_16_with_its_date",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(home_with_parent_until__isnull=True)
                    | models.Q(home_with_parent_since__isnull=True)
                    | models.Q(home_with_parent_until__gte=models.F("home_with_parent_since"))
                ),
                name="care_leaver_home_with_parent_ends_after_start",
            ),
        ]

    def __str__(self):
        return "Care leaver record"


class PersonalAdviser(models.Model):  # noqa: DJ008
    """A personal adviser allocated to the young person from a date (Children Act 1989 s23B(2),
    s23CZB; Care Leavers (England) Regulations 2010 reg 8). One open allocation at a time."""

    care_leaver = models.ForeignKey(CareLeaver, on_delete=models.CASCADE, related_name="advisers")
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_leavers_advised")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["care_leaver"], condition=models.Q(end_date__isnull=True), name="one_open_personal_adviser"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="personal_adviser_ends_after_start",
            ),
        ]


class PathwayPlanReview(models.Model):  # noqa: DJ008
    """The pathway plan (CPR10 reg 43, Care Leavers (England) Regulations 2010 reg 6) when first
    agreed, and each review of it (at least every 6 months, rule pathway-plan-review)."""

    class Kind(models.TextChoices):
        PLAN = "plan", "Pathway plan agreed"
        REVIEW = "review", "Pathway plan review"

    care_leaver = models.ForeignKey(CareLeaver, on_delete=models.CASCADE, related_name="pathway_plans")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    held_on = models.DateField()
    summary = models.TextField(
        blank=True,
        help_text="What was agreed: accommodation, education, training or work, health, money, relationships, support",
    )
    young_person_took_part = models.BooleanField(default=True)
    late_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]


class KeepingInTouchContact(models.Model):  # noqa: DJ008
    """A contact with the young person (or an attempt): when, how and whether they were in touch."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone call"
        VIDEO = "video", "Video call"
        MESSAGE = "message", "Text, email or social media message"
        LETTER = "letter", "Letter"
        THROUGH_SOMEONE = "through_someone", "Through someone else (a carer, a worker, family)"

    care_leaver = models.ForeignKey(CareLeaver, on_delete=models.CASCADE, related_name="contacts")
    contact_on = models.DateField()
    method = models.CharField(max_length=20, choices=Method.choices)
    in_touch = models.BooleanField(help_text="The young person was reached and responded")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contact_on", "-id"]
        indexes = [models.Index(fields=["care_leaver", "contact_on"])]


class BirthdayContact(models.Model):  # noqa: DJ008
    """What the SSDA903 OC3 asks about the young person around their 17th to 21st birthday:
    whether in touch (IN_TOUCH), the main activity (ACTIV) and the accommodation (ACCOM: its
    type and whether it is suitable, asked as two questions and stored with the code derived
    from them by leavingcare.services.accommodation_code)."""

    care_leaver = models.ForeignKey(CareLeaver, on_delete=models.CASCADE, related_name="birthday_contacts")
    birthday_age = models.PositiveSmallIntegerField(help_text="The birthday this is about: 17 to 21")
    contact_on = models.DateField(null=True, blank=True, help_text="When the authority was in touch (or last tried)")
    in_touch = models.CharField(max_length=4, help_text="Code list care-leaver-in-touch (903 IN_TOUCH)")
    activity = models.CharField(max_length=2, help_text="Code list care-leaver-activity (903 ACTIV)")
    accommodation_type = models.CharField(max_length=1, blank=True, help_text="The letter of 903 ACCOM (B to Z)")
    accommodation_suitable = models.BooleanField(null=True)
    accommodation = models.CharField(max_length=2, help_text="Code list care-leaver-accommodation (903 ACCOM), derived")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["birthday_age", "id"]
        constraints = [
            models.UniqueConstraint(fields=["care_leaver", "birthday_age"], name="one_birthday_contact_a_year")
        ]
