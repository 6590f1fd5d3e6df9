"""People, their names, identifiers, addresses and relationships.

One Person table holds children (including unborn children), adults and professionals. What
changes over time is held as dated facts: names (current, previous, alias), identifiers
(valid from/to), addresses (from/to) and parental responsibility (from/to). A household is
the people living at one address over the same period, derived from the address history.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from kernel.concurrency import VersionedModel


class Person(VersionedModel):
    class Kind(models.TextChoices):
        CHILD = "child", "Child"
        ADULT = "adult", "Adult"
        PROFESSIONAL = "professional", "Professional"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CHILD)
    # The current name, kept here for listing and sorting; the full history is in PersonName.
    given_names = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(default=False)
    expected_date_of_birth = models.DateField(null=True, blank=True, help_text="For an unborn child")
    date_of_death = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True, help_text="Code list: sex")
    gender = models.CharField(max_length=100, blank=True, help_text="How the person describes their gender")
    ethnicity = models.CharField(max_length=4, blank=True, help_text="Code list: ethnicity")
    first_language = models.CharField(max_length=3, blank=True, help_text="Code list: language")
    religion = models.CharField(max_length=4, blank=True, help_text="Code list: religion")
    interpreter_needed = models.BooleanField(default=False)
    # Every search key of every name the person has had (people.search), space-separated: on
    # PostgreSQL a GIN index on its array form answers name searches (migration 0003).
    name_keys = models.TextField(blank=True, default="", editable=False)
    # The restricted flag is set by the access rules (a child related to staff, a sealed adoption...).
    restricted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A tombstone: the record this one was merged into (people.merging). Its rows moved there; it
    # keeps its own identifiers and names, and a request for its pages goes to the survivor.
    # Always a live record: merging the survivor away later moves this pointer on too.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    # Not a column: set by people.access.person_for, how much of the record the user may see
    # (a people.access.Level).
    access_level: int

    class Meta:
        indexes = [
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["family_name", "given_names"]),
            models.Index(fields=["kind", "date_of_birth"]),
            # Restricted records are few: the access checks that leave them out start here.
            models.Index(fields=["id"], condition=models.Q(restricted=True), name="people_person_restricted"),
            # Unborn children by their expected date of birth: a search by date of birth finds
            # them without reading every unborn child (7,000 at 500,000 children).
            models.Index(
                fields=["expected_date_of_birth"],
                condition=models.Q(date_of_birth__isnull=True),
                name="people_person_expected_birth",
            ),
        ]

    @property
    def is_tombstone(self) -> bool:
        """Whether this record was merged into another (people.merging)."""
        return self.merged_into_id is not None

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    @property
    def is_unborn(self) -> bool:
        return self.kind == self.Kind.CHILD and self.date_of_birth is None and self.expected_date_of_birth is not None

    def age_on(self, day: datetime.date | None = None) -> int | None:
        if self.date_of_birth is None:
            return None
        day = day or datetime.date.today()
        end = min(day, self.date_of_death) if self.date_of_death else day
        years = end.year - self.date_of_birth.year
        if (end.month, end.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years

    @property
    def age(self) -> int | None:
        return self.age_on()


class PersonDisability(models.Model):  # noqa: DJ008
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disabilities")
    code = models.CharField(max_length=4, help_text="Code list: disability")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "code"], name="disability_once_per_person")]


class PersonName(models.Model):
    class Type(models.TextChoices):
        CURRENT = "current", "Current name"
        BIRTH = "birth", "Name at birth"
        PREVIOUS = "previous", "Previous name"
        ALIAS = "alias", "Alias or also known as"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    name_type = models.CharField(max_length=20, choices=Type.choices)
    given_names = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_type", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"


class NameKey(models.Model):  # noqa: DJ008
    """Search keys of each name token (exact, phonetic), maintained by people.search."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["key", "person"])]
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="namekey_once_per_person")]


class Identifier(models.Model):
    """A typed, time-bounded identifier. Values are checked by people.identifiers."""

    class Type(models.TextChoices):
        CONSISTENT = "CI", "Consistent child identifier"
        NHS = "NHS", "NHS number"
        UPN = "UPN", "Unique pupil number (UPN)"
        FORMER_UPN = "FUPN", "Former unique pupil number"
        LA_CHILD_ID = "LACID", "Local authority child ID"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="identifiers")
    id_type = models.CharField(max_length=5, choices=Type.choices)
    value = models.CharField(max_length=20)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id_type", "-valid_from"]
        indexes = [models.Index(fields=["value", "id_type"])]
        constraints = [
            # The consistent identifier: exactly one per person, and a value is never used twice.
            models.UniqueConstraint(
                fields=["person"], condition=Q(id_type="CI"), name="one_consistent_identifier_per_person"
            ),
            models.UniqueConstraint(
                fields=["value"], condition=Q(id_type="CI"), name="consistent_identifier_never_reused"
            ),
            models.UniqueConstraint(fields=["person", "id_type", "value"], name="identifier_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.get_id_type_display()} {self.value}"

    @property
    def is_current(self) -> bool:
        today = datetime.date.today()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_to is None or self.valid_to >= today
        )


class ConsistentIdentifierSerial(models.Model):  # noqa: DJ008
    """One row per consistent identifier ever issued. Rows are never deleted, so serials are
    never reused (SQLite's AUTOINCREMENT and PostgreSQL's identity never hand back a number)."""

    issued_at = models.DateTimeField(auto_now_add=True)


class Address(VersionedModel):
    line_1 = models.CharField("Address line 1", max_length=200)
    line_2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField("Town or city", max_length=100)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, help_text="Stored in the normal form, like SW1A 1AA")
    uprn = models.CharField("Unique property reference number (UPRN)", max_length=12, blank=True)

    class Meta:
        verbose_name_plural = "addresses"
        indexes = [models.Index(fields=["postcode"])]

    def __str__(self) -> str:
        return ", ".join(part for part in [self.line_1, self.line_2, self.town, self.postcode] if part)


class PersonAddress(models.Model):  # noqa: DJ008
    class Kind(models.TextChoices):
        HOME = "home", "Home"
        TEMPORARY = "temporary", "Temporary"
        PLACEMENT = "placement", "Placement"
        CORRESPONDENCE = "correspondence", "Correspondence"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="residents")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.HOME)
    moved_in = models.DateField(null=True, blank=True)
    moved_out = models.DateField(null=True, blank=True)
    confidential = models.BooleanField(default=False, help_text="Do not disclose this address")

    class Meta:
        ordering = ["-moved_in"]
        indexes = [models.Index(fields=["address", "moved_out"]), models.Index(fields=["person", "moved_out"])]

    def current_on(self, day: datetime.date) -> bool:
        return (self.moved_in is None or self.moved_in <= day) and (self.moved_out is None or self.moved_out >= day)


class Relationship(VersionedModel):
    """`related_person` is `person`'s <relationship>: "Sam is Alex's parent" is
    person=Alex, related_person=Sam, relationship=parent."""

    class Type(models.TextChoices):
        PARENT = "parent", "Parent"
        PR_HOLDER = "pr_holder", "Person with parental responsibility"
        STEP_PARENT = "step_parent", "Step-parent"
        SIBLING = "sibling", "Sibling"
        HALF_SIBLING = "half_sibling", "Half-sibling"
        GRANDPARENT = "grandparent", "Grandparent"
        OTHER_RELATIVE = "other_relative", "Other relative"
        CARER = "carer", "Carer"
        HOUSEHOLD_MEMBER = "household_member", "Household member"
        PROFESSIONAL = "professional", "Professional"

    # What the relationship looks like from the other side.
    INVERSE = {
        "parent": "Child",
        "pr_holder": "Child they hold parental responsibility for",
        "step_parent": "Step-child",
        "sibling": "Sibling",
        "half_sibling": "Half-sibling",
        "grandparent": "Grandchild",
        "other_relative": "Other relative",
        "carer": "Person they care for",
        "household_member": "Household member",
        "professional": "Person they work with",
    }

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    related_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to")
    relationship = models.CharField(max_length=30, choices=Type.choices)
    description = models.CharField(max_length=200, blank=True, help_text="For example: birth mother, maternal aunt, GP")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["related_person"])]
        constraints = [
            models.CheckConstraint(condition=~Q(person=models.F("related_person")), name="relationship_not_to_self"),
        ]


class ParentalResponsibility(models.Model):  # noqa: DJ008
    """Parental responsibility held by an adult for a child, as a dated fact."""

    class Basis(models.TextChoices):
        BIRTH_MOTHER = "birth_mother", "Birth mother"
        MARRIED_FATHER = "married_father", "Father married to the mother at the birth"
        REGISTERED_PARENT = "registered_parent", "Second parent named on the birth register"
        AGREEMENT = "agreement", "Parental responsibility agreement"
        PR_ORDER = "pr_order", "Parental responsibility order"
        CHILD_ARRANGEMENTS = "child_arrangements", "Child arrangements order (lives with)"
        SPECIAL_GUARDIANSHIP = "special_guardianship", "Special guardianship order"
        ADOPTION = "adoption", "Adoption order"
        CARE_ORDER = "care_order", "Care order (local authority)"
        EPO = "epo", "Emergency protection order"
        OTHER = "other", "Other"

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="parental_responsibility")
    holder = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="parental_responsibility_for")
    basis = models.CharField(max_length=30, choices=Basis.choices)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]

    @property
    def is_current(self) -> bool:
        today = datetime.date.today()
        return (self.start_date is None or self.start_date <= today) and (
            self.end_date is None or self.end_date >= today
        )


class PersonAlert(models.Model):  # noqa: DJ008
    """A warning shown at the top of the record (for example: do not disclose address)."""

    class Kind(models.TextChoices):
        RISK_TO_STAFF = "risk_to_staff", "Risk to staff"
        DO_NOT_DISCLOSE = "do_not_disclose", "Do not disclose address"
        RISK_TO_CHILDREN = "risk_to_children", "Person posing a risk to children"
        MEDICAL = "medical", "Medical"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    detail = models.CharField(max_length=500)
    start_date = models.DateField(default=datetime.date.today)
    end_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class Involvement(models.Model):  # noqa: DJ008
    """A team's or agency's involvement with a person: allocated worker, what for, since when.
    Modules open and close involvements (a referral, a plan, a period of care)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="involvements")
    team = models.ForeignKey(
        "partners.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="involvements"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="involvements"
    )
    kind = models.CharField(max_length=100, help_text="For example: child in need, child protection plan, looked after")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["person", "end_date"]), models.Index(fields=["team", "end_date"])]

    @property
    def is_open(self) -> bool:
        return self.end_date is None or self.end_date >= datetime.date.today()


class RestrictedAccess(models.Model):  # noqa: DJ008
    """A named user who may see a restricted record (a child related to staff, a high-profile
    case, a sealed adoption record). To everyone else the record does not exist."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="restricted_access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restricted_access")
    reason = models.CharField(max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="restricted_access_once")]


class BreakGlass(models.Model):  # noqa: DJ008
    """A case worker opened the full record of a child their team is not involved with, giving
    a reason. The access lasts BREAK_GLASS_MINUTES and is reported to managers."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    reason = models.TextField()
    opened_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["user", "person", "expires_at"])]


from .merging.models import DuplicateCheck, DuplicatePair, MovedRow, PersonMerge  # noqa: E402, F401
