"""Adoption (Adoption and Children Act 2002, "ACA 2002"; Adoption Agencies Regulations 2005,
"AAR 2005", as amended in 2013): the child's journey from the agency decision maker's
decision that the child should be placed for adoption to the adoption order or the decision
that they should no longer be placed, and the agency's prospective adopters.

The care record stays one truth: the placement order is the child's legal status E1, the
fostering for adoption placement (U2, U5) and the placement for adoption (A3 to A6) are
childrenincare placements, and the adoption order ends the period of care E11 or E12, each
made through childrenincare.services. This app keeps the dates and decisions the care record
has no place for, and links to the placements it made.

Prospective adopters are not people.Person rows. The people index is searchable by every
local-authority case worker and is where the child's birth family is recorded; adopters'
identities and addresses must be kept from the birth family and from staff with no part in
the adoption (AAR 2005 Part 7, confidentiality of adoption case records). They are held here,
under the `adopters` access rule, and a child's pages show only the household's family
identifier to those without it.
"""

from django.conf import settings
from django.db import models


class AdopterHousehold(models.Model):
    """A prospective adopter or couple (Annex A List 11 "family identifier") and their journey
    through the two-stage process (AAR 2005 as amended 2013: stage 1, pre-assessment, and
    stage 2, assessment, then the adoption panel and the agency decision maker's approval)."""

    class Relationship(models.TextChoices):
        SINGLE = "single", "Single adopter"
        MARRIED = "married", "Married couple"
        CIVIL_PARTNERS = "civil_partners", "Civil partners"
        UNMARRIED = "unmarried", "Couple, not married or in a civil partnership"

    class LeftReason(models.TextChoices):
        WITHDREW = "withdrew", "Withdrew from the process"
        ON_HOLD = "on_hold", "Process put on hold"
        REFUSED = "refused", "Application refused"

    reference = models.CharField("Family identifier", max_length=20, unique=True)
    name = models.CharField(max_length=200, help_text="How the household is known, for example: the Smith household")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    postcode = models.CharField(max_length=8, blank=True)
    provider = models.CharField(
        max_length=3, default="PR1", help_text="Code list placement-provider: the adoption agency that approved them"
    )
    agency_urn = models.CharField("Adoption agency's Ofsted URN", max_length=8, blank=True)
    enquiry_on = models.DateField("Date enquiry received")
    stage_1_started_on = models.DateField(null=True, blank=True)
    stage_1_ended_on = models.DateField(null=True, blank=True)
    stage_1_due_on = models.DateField(
        null=True, blank=True, help_text="Issued from the rule adopter-stage-1 when stage 1 starts"
    )
    stage_2_started_on = models.DateField(null=True, blank=True)
    stage_2_due_on = models.DateField(
        null=True, blank=True, help_text="Issued from the rule adopter-stage-2 when stage 2 starts"
    )
    stage_2_ended_on = models.DateField(null=True, blank=True)
    application_on = models.DateField("Date application submitted", null=True, blank=True)
    approved_on = models.DateField("Date approved", null=True, blank=True)
    ffa_approved_on = models.DateField(
        "Date approved as foster carers for fostering for adoption", null=True, blank=True
    )
    left_on = models.DateField("Date left the process", null=True, blank=True)
    left_reason = models.CharField(max_length=20, choices=LeftReason.choices, blank=True)
    late_reasons = models.TextField(blank=True, help_text="Why a stage took longer than its timescale")
    carer = models.OneToOneField(
        "childrenincare.Carer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adopter_household",
        help_text="The carer the care record's placements name, made at approval",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | ~models.Q(left_reason=""), name="adopters_left_with_reason"
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.name}"


class Adopter(models.Model):
    """One prospective adopter of a household (synthetic in the demo)."""

    class Disability(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        UNKNOWN = "unknown", "Not known"

    household = models.ForeignKey(AdopterHousehold, on_delete=models.CASCADE, related_name="adopters")
    number = models.PositiveSmallIntegerField(help_text="1 or 2")
    given_names = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, help_text="M or F (SSDA903 SEX_ADOPTR counts them)")
    ethnicity = models.CharField(max_length=4, blank=True, help_text="Code list ethnicity")
    disability = models.CharField(max_length=10, choices=Disability.choices, default=Disability.UNKNOWN)

    class Meta:
        ordering = ["household", "number"]
        constraints = [models.UniqueConstraint(fields=["household", "number"], name="one_adopter_per_number")]

    def __str__(self):
        return f"{self.given_names} {self.family_name}"


class AdoptionDecision(models.Model):
    """The agency decision maker's decision that the child should be placed for adoption (AAR
    2005 reg 19, on the adoption panel's recommendation: SSDA903 DATE_INT and DATE_PLACED), and
    what followed it: the authority to place (a placement order, ACA 2002 s21, or consent, s19
    and s20), a fostering for adoption or concurrent planning placement, the match (panel
    recommendation and decision, regs 32 and 33), the placement for adoption, and either the
    adoption order or the decision that the child should no longer be placed (RD1 to RD4)."""

    class Authority(models.TextChoices):
        PLACEMENT_ORDER = "placement_order", "Placement order (Adoption and Children Act 2002 s21)"
        CONSENT = "consent", "Parental consent to placement (Adoption and Children Act 2002 s19)"

    class EarlyPlacement(models.TextChoices):
        FFA = "ffa", "Fostering for adoption"
        CONCURRENT = "concurrent", "Concurrent planning"

    # CASCADE so that removing a synthetic authority (the demo's wipe) takes the decisions with
    # it; the service never deletes a child's record or period of care.
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="adoption_decisions")
    period = models.ForeignKey(
        "childrenincare.PeriodOfCare", on_delete=models.CASCADE, related_name="adoption_decisions"
    )
    decided_on = models.DateField(help_text="SSDA903 DATE_INT and DATE_PLACED")
    panel_recommended_on = models.DateField(null=True, blank=True)
    decision_maker = models.CharField(max_length=200, help_text="The agency decision maker")
    authority = models.CharField(max_length=20, choices=Authority.choices, blank=True)
    placement_order_on = models.DateField(null=True, blank=True)
    consent_on = models.DateField(null=True, blank=True)
    early_placement = models.CharField(max_length=20, choices=EarlyPlacement.choices, blank=True)
    early_placement_on = models.DateField(null=True, blank=True, help_text="The U2 or U5 placement's start")
    early_placement_record = models.ForeignKey(
        "childrenincare.Placement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    household = models.ForeignKey(
        AdopterHousehold, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    match_recommended_on = models.DateField(null=True, blank=True, help_text="The adoption panel's recommendation")
    matched_on = models.DateField(null=True, blank=True, help_text="The ADM's match decision (SSDA903 DATE_MATCH)")
    placed_on = models.DateField(null=True, blank=True)
    placement = models.ForeignKey(
        "childrenincare.Placement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The A3 to A6 placement",
    )
    adoption_order_on = models.DateField(null=True, blank=True)
    adoption_order_reason = models.CharField(max_length=3, blank=True, help_text="E11 or E12")
    ceased_on = models.DateField(
        null=True, blank=True, help_text="Decision that the child should no longer be placed (DATE_PLACED_CEASED)"
    )
    ceased_reason = models.CharField(max_length=3, blank=True, help_text="Code list adoption-placed-ceased-reason")
    ceased_detail = models.TextField(blank=True)
    late_reasons = models.TextField(blank=True, help_text="Why a step was after its timescale")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["person", "decided_on"]), models.Index(fields=["household"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ceased_on__isnull=True) | models.Q(adoption_order_on__isnull=True),
                name="adoption_decision_ends_one_way",
            ),
            models.CheckConstraint(
                condition=models.Q(ceased_on__isnull=True) | ~models.Q(ceased_reason=""),
                name="adoption_decision_ceased_with_reason",
            ),
        ]

    def __str__(self):
        return f"Should be placed for adoption (decided {self.decided_on:%-d %B %Y})"

    @property
    def is_open(self):
        return self.ceased_on is None and self.adoption_order_on is None
