"""Children in care (Children Act 1989 s22; Care Planning, Placement and Case Review
(England) Regulations 2010, "CPR10"): periods of care with their legal statuses and
placements, the SSDA903 episodes derived from them, care planning (care plan, IRO, health
assessments, personal education plans, looked-after reviews, statutory visits), approvals by
a nominated officer or the director, kinship carers and the family network, and the return
home: a decision with gates for each of the three routes, the risk signals weighed, the
support plan and 12 months of outcome monitoring.

Rules are in childrenincare.services (periods, placements, episodes), care_planning,
reunification and kinship; the SSDA903 return reads CareEpisode, LookedAfterReview and
PeriodOfCare. Code lists are kernel data: legal-status, placement-type, placement-provider,
new-episode-reason, episode-end-reason, placement-change-reason, review-participation.
"""

from django.conf import settings
from django.db import models


class PeriodOfCare(models.Model):
    """A period during which the child is looked after: from becoming looked after to ceasing
    (a 903 period of care, one or more episodes). At most one is open per child."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="periods_of_care")
    # The child-in-need episode during which the child became looked after.
    episode = models.ForeignKey("frontdoor.Referral", on_delete=models.PROTECT, related_name="periods_of_care")
    start_date = models.DateField()
    category_of_need = models.CharField(max_length=2, help_text="Code list primary-need (903 CIN)")
    home_postcode = models.CharField(
        max_length=8, blank=True, help_text="The child's home postcode when care began (903 HOME_POST)"
    )
    unaccompanied_asylum_seeker = models.BooleanField(default=False)
    uasc_ceased_on = models.DateField(null=True, blank=True, help_text="Date UASC status ceased (903 DUC)")
    # Was the child permanent before (adopted, a special guardianship or child arrangements
    # order)? Asked when a child starts to be looked after (903 PrevPerm, rules 630-636).
    previous_permanence = models.CharField(
        max_length=2, blank=True, help_text="Code list: previous-permanence (903 PREV_PERM)"
    )
    previous_permanence_la = models.CharField(
        max_length=3, blank=True, help_text="DfE code of the LA that arranged it (903 LA_PERM)"
    )
    previous_permanence_date = models.DateField(null=True, blank=True, help_text="Date of the order (903 DATE_PERM)")
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=3, blank=True, help_text="Code list episode-end-reason (903 REC)")
    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="iro_for",
        verbose_name="independent reviewing officer",
    )
    iro_appointed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["person", "start_date"]), models.Index(fields=["end_date", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="period_of_care_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"Looked after from {self.start_date:%-d %B %Y}"

    @property
    def is_open(self):
        return self.end_date is None


class LegalStatus(models.Model):  # noqa: DJ008
    """The child's legal status from a date (903 LS). Each runs until the next starts or the
    period ends."""

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="legal_statuses")
    code = models.CharField(max_length=2, help_text="Code list legal-status")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # Children Act 1989 s31ZA (CWSA 2026 s1), for an interim or full care order: the family
    # group decision-making offered before the application, as found on the record, or the
    # reasons the authority considered offering (or holding) the meeting not in the child's
    # best interests (s31ZA(3)), recorded with the change.
    fgdm_offer = models.CharField(
        max_length=300, blank=True, help_text="The offer of family group decision-making found on the record (s31ZA)"
    )
    fgdm_reasons_not_offered = models.TextField(
        blank=True,
        help_text="Why a family group decision-making meeting was not in the child's best interests (s31ZA(3))",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name_plural = "legal statuses"
        constraints = [models.UniqueConstraint(fields=["period", "start_date"], name="one_legal_status_a_day")]


class Carer(models.Model):
    """Who looks after the child in a placement: a foster carer, a connected person (kinship
    carer), a children's home or other provider, or a parent. A connected person may be
    temporarily approved (CPR10 reg 24) before full approval."""

    class Kind(models.TextChoices):
        LA_FOSTER_CARER = "la_foster", "Local authority foster carer"
        AGENCY_FOSTER_CARER = "agency_foster", "Independent fostering agency foster carer"
        CONNECTED_PERSON = "connected", "Connected person (family or friend) foster carer"
        CHILDRENS_HOME = "home", "Children's home"
        SUPPORTED_ACCOMMODATION = "supported", "Supported accommodation"
        PARENT = "parent", "Parent or person with parental responsibility"
        ADOPTER = "adopter", "Prospective adopter"
        OTHER = "other", "Other provider"

    class Approval(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed"
        TEMPORARY = "temporary", "Temporarily approved (regulation 24)"
        APPROVED = "approved", "Approved"
        ENDED = "ended", "Approval ended"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="The carer's or provider's name")
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="as_carer",
        help_text="For a connected person or parent: their record",
    )
    relationship_to_child = models.CharField(
        max_length=100, blank=True, help_text="For a connected person, for example: maternal aunt"
    )
    provider = models.CharField(max_length=3, blank=True, help_text="Code list placement-provider")
    urn = models.CharField("Ofsted unique reference number", max_length=8, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    approval = models.CharField(max_length=20, choices=Approval.choices, default=Approval.NOT_NEEDED)
    temporarily_approved_on = models.DateField(null=True, blank=True)
    temporary_approval_extended_on = models.DateField(null=True, blank=True)
    # The extension (CPR10 reg 25): approved by a nominated officer (25(5)) after the authority
    # considered whether the placement is still the most appropriate, sought the fostering
    # panel's views and informed the IRO (25(4)).
    temporary_approval_extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extension_panel_consulted_on = models.DateField(
        null=True, blank=True, help_text="When the fostering panel's views were sought (reg 25(4)(b))"
    )
    extension_panel_views = models.TextField(blank=True, help_text="The fostering panel's views (reg 25(4)(b))")
    extension_reasons = models.TextField(
        blank=True, help_text="Why the placement is still the most appropriate placement available (reg 25(4)(a))"
    )
    extension_iro_informed_on = models.DateField(
        null=True, blank=True, help_text="When the IRO was informed (reg 25(4)(c))"
    )
    approved_on = models.DateField(null=True, blank=True)
    approval_ended_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Placement(models.Model):  # noqa: DJ008
    """Where the child lives while looked after, from a date (903 PLACE, PLACE_PROVIDER,
    PL_POST, URN). The reason it changed (903 REASON_PLACE_CHANGE) is recorded when it ends."""

    class Area(models.TextChoices):
        INSIDE = "inside", "Inside the local authority's area"
        ADJOINING = "adjoining", "Outside the area, in an adjoining authority"
        DISTANT = "distant", "Outside the area and not in an adjoining authority"
        OUTSIDE_ENGLAND = "outside_england", "Outside England"

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="placements")
    place = models.CharField("Placement type", max_length=3, help_text="Code list placement-type")
    provider = models.CharField(max_length=3, blank=True, help_text="Code list placement-provider")
    carer = models.ForeignKey(Carer, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    postcode = models.CharField(max_length=8, blank=True)
    urn = models.CharField("Ofsted unique reference number", max_length=8, blank=True)
    area = models.CharField(max_length=20, choices=Area.choices, default=Area.INSIDE)
    intended_until_18 = models.BooleanField(
        default=False, help_text="The placement is intended to last until the child is 18 (reg 28)"
    )
    immediate_with_parent = models.BooleanField(
        default=False, help_text="Placed with a parent before the assessment was complete (reg 19)"
    )
    # Regulation 19(b) and (c): the assessment and review under reg 17 completed within 10
    # working days of the placement, then the decision to confirm the placement or not made
    # and approved by a nominated officer within 10 working days after the assessment.
    parent_assessed_on = models.DateField(
        null=True, blank=True, help_text="Reg 19(b): the reg 17 assessment and review completed"
    )
    parent_assessment = models.TextField(blank=True, help_text="What the assessment and review found")
    parent_assessment_late_reason = models.TextField(blank=True)
    with_parent_confirmed = models.BooleanField(
        null=True, blank=True, help_text="Reg 19(c): the decision, confirm the placement or not"
    )
    with_parent_decided_on = models.DateField(null=True, blank=True)
    with_parent_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    with_parent_decision_reasons = models.TextField(blank=True)
    with_parent_decision_late_reason = models.TextField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    change_reason = models.CharField(max_length=6, blank=True, help_text="Code list placement-change-reason")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "start_date"], name="one_placement_start_a_day"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="placement_ends_after_start",
            ),
        ]


class CareEpisode(models.Model):  # noqa: DJ008
    """An SSDA903 episode, derived: a new one starts whenever the legal status or the
    placement changes, with its reason (RNE) computed from what changed, never typed. Rebuilt
    by childrenincare.services.derive_episodes whenever the period changes."""

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="care_episodes")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="care_episodes")
    start_date = models.DateField(help_text="903 DECOM")
    new_episode_reason = models.CharField(max_length=1, help_text="903 RNE")
    legal_status = models.CharField(max_length=2, help_text="903 LS")
    category_of_need = models.CharField(max_length=2, help_text="903 CIN")
    place = models.CharField(max_length=3, help_text="903 PLACE")
    provider = models.CharField(max_length=3, blank=True, help_text="903 PLACE_PROVIDER")
    urn = models.CharField(max_length=8, blank=True)
    home_postcode = models.CharField(max_length=8, blank=True)
    placement_postcode = models.CharField(max_length=8, blank=True)
    end_date = models.DateField(null=True, blank=True, help_text="903 DEC")
    end_reason = models.CharField(max_length=3, blank=True, help_text="903 REC")
    placement_change_reason = models.CharField(max_length=6, blank=True, help_text="903 REASON_PLACE_CHANGE")
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="+")
    legal_status_record = models.ForeignKey(LegalStatus, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["start_date", "id"]
        indexes = [models.Index(fields=["person", "start_date"]), models.Index(fields=["start_date", "end_date"])]


class CarePlan(models.Model):  # noqa: DJ008
    """The care plan (CPR10 reg 4 and 5), with the plan for permanence. Each agreed version is
    kept; the latest is current."""

    class Permanence(models.TextChoices):
        RETURN_HOME = "return_home", "Return home to parents"
        KINSHIP = "kinship", "Living with family or friends (special guardianship or child arrangements order)"
        ADOPTION = "adoption", "Adoption"
        LONG_TERM_FOSTERING = "long_term_fostering", "Long-term fostering"
        RESIDENTIAL = "residential", "Residential care"
        INDEPENDENT_LIVING = "independent_living", "Independent living"
        NOT_YET = "not_yet", "Not yet decided"

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="care_plans")
    agreed_on = models.DateField()
    permanence_plan = models.CharField(max_length=30, choices=Permanence.choices)
    permanence_detail = models.TextField(blank=True, help_text="How and when permanence will be achieved")
    placement_plan_agreed_on = models.DateField(null=True, blank=True)
    health = models.TextField(blank=True, help_text="The health plan")
    education = models.TextField(blank=True, help_text="Education and training: the personal education plan")
    family_and_contact = models.TextField(blank=True, help_text="Family and social relationships, contact arrangements")
    wishes_and_feelings = models.TextField(blank=True, help_text="Of the child, the parents and others")
    support_after_care = models.TextField(
        blank=True, help_text="Advice, assistance and support after care ends (reg 39)"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    late_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-agreed_on", "-id"]


class HealthAssessment(models.Model):  # noqa: DJ008
    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial health assessment"
        REVIEW = "review", "Review health assessment"

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="health_assessments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    held_on = models.DateField()
    carried_out_by = models.CharField(max_length=200, blank=True)
    dental_check = models.BooleanField(default=False)
    immunisations_up_to_date = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    late_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]


class PersonalEducationPlan(models.Model):  # noqa: DJ008
    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="education_plans")
    held_on = models.DateField()
    school = models.CharField(max_length=200, blank=True)
    designated_teacher = models.CharField(max_length=200, blank=True)
    targets = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    late_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]


class LookedAfterReview(models.Model):  # noqa: DJ008
    """A looked-after child review chaired by the IRO (CPR10 reg 33): the first within 20
    working days, the second within 3 months of it, then at most 6 months apart (903 Reviews,
    with the child's participation code)."""

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="reviews")
    number = models.PositiveIntegerField(help_text="1 for the first review of the period")
    held_on = models.DateField()
    participation = models.CharField(max_length=3, help_text="Code list review-participation")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    considered_return_home = models.BooleanField(default=False, help_text="The review considered a plan to return home")
    decisions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    late_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["period", "number"], name="review_numbered_once")]


class CareVisit(models.Model):  # noqa: DJ008
    """A statutory visit to a looked-after child (CPR10 reg 28 and 29)."""

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()
    seen = models.BooleanField()
    seen_alone = models.BooleanField(default=False)
    bedroom_seen = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    late_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-visited_on", "-id"]


class Designation(models.Model):  # noqa: DJ008
    """A user designated as a nominated officer or as the director of children's services,
    for the approvals the regulations reserve to them."""

    class Kind(models.TextChoices):
        NOMINATED_OFFICER = "nominated_officer", "Nominated officer"
        DIRECTOR = "director", "Director of children's services"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="designations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "valid_from"]


class Approval(models.Model):  # noqa: DJ008
    """An approval the regulations reserve to a nominated officer or the director: of a
    placement with a parent (reg 18, 19), outside the area (reg 11) or at a distance (the
    director), or of ceasing to look after a child (reg 39)."""

    class Kind(models.TextChoices):
        PLACEMENT_WITH_PARENT = "with_parent", "Placement with a parent (regulation 18)"
        IMMEDIATE_WITH_PARENT = "immediate_with_parent", "Immediate placement with a parent (regulation 19)"
        OUT_OF_AREA = "out_of_area", "Placement outside the area (regulation 11)"
        DISTANT = "distant", "Placement at a distance (regulation 11, the director)"
        CEASE = "cease", "Ceasing to look after the child (regulation 39)"
        CEASE_16_17 = (
            "cease_16_17",
            "Ceasing to look after a 16 or 17 year old accommodated under section 20 (the director)",
        )

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Not approved"

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    placement = models.ForeignKey(Placement, null=True, blank=True, on_delete=models.CASCADE, related_name="approvals")
    decision = models.ForeignKey(
        "ReunificationDecision", null=True, blank=True, on_delete=models.CASCADE, related_name="approvals"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        indexes = [models.Index(fields=["status", "kind"])]


# --- The return home ----------------------------------------------------------------------


class ReunificationDecision(models.Model):
    """A decision that a looked-after child returns home, by one of three routes kept apart
    (process specification 2.16): A, a child accommodated under section 20 goes home and
    ceases to be looked after (reg 39); B, a child on a care order is placed with parents and
    stays looked after (regs 15 to 20); C, the child leaves care through an order. Gates
    (reunification.GATES) must all be met before a nominated officer may approve it."""

    class Route(models.TextChoices):
        SECTION_20 = "A", "Accommodated under section 20, going home and ceasing to be looked after"
        PLACED_WITH_PARENTS = "B", "On a care order, placed with parents and still looked after"
        ORDER = "C", "Leaving care through an order"

    class Status(models.TextChoices):
        DRAFT = "draft", "Being prepared"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Not approved"
        TOOK_EFFECT = "took_effect", "Child returned home"
        WITHDRAWN = "withdrawn", "Withdrawn"

    period = models.ForeignKey(PeriodOfCare, on_delete=models.PROTECT, related_name="return_decisions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="return_decisions")
    route = models.CharField(max_length=1, choices=Route.choices)
    order_end_reason = models.CharField(
        max_length=3, blank=True, help_text="Route C: the 903 REC of the order (E41, E45 to E48, E4A, E11, E12)"
    )
    proposed_date = models.DateField()
    proposed_home = models.CharField(max_length=300, help_text="Where the child would live, and with whom")
    carers = models.ManyToManyField(
        "people.Person", related_name="+", blank=True, help_text="The parents or others the child returns to"
    )
    reasons = models.TextField(help_text="Why a return home is proposed now")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    took_effect_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self):
        return f"Return home ({self.get_route_display()})"


class GateRecord(models.Model):  # noqa: DJ008
    """What was done to meet one gate of a return-home decision, with its evidence. A gate
    with no record (or a record 'open') is open."""

    class State(models.TextChoices):
        MET = "met", "Done"
        NOT_APPLICABLE = "not_applicable", "Does not apply"

    decision = models.ForeignKey(ReunificationDecision, on_delete=models.CASCADE, related_name="gate_records")
    gate = models.SlugField(max_length=40)
    state = models.CharField(max_length=20, choices=State.choices)
    done_on = models.DateField()
    evidence = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["gate", "-recorded_at"]
        constraints = [models.UniqueConstraint(fields=["decision", "gate"], name="one_record_per_gate")]


class HouseholdMember(models.Model):  # noqa: DJ008
    """An adult in the home the child would return to, and their assessment (reg 17: every
    member of the household aged 18 or over)."""

    class Outcome(models.TextChoices):
        NO_CONCERNS = "no_concerns", "No concerns"
        MANAGED = "managed", "Concerns that the plan manages"
        PREVENTS = "prevents", "Concerns that prevent a return"

    decision = models.ForeignKey(ReunificationDecision, on_delete=models.CASCADE, related_name="household")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    relationship = models.CharField(max_length=100, help_text="To the child, for example: mother, mother's partner")
    assessed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    summary = models.TextField(
        blank=True, help_text="What the assessment found, including police and other agency checks"
    )

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["decision", "person"], name="household_member_once")]


class SupportPlanItem(models.Model):  # noqa: DJ008
    """One service or support in the plan after return: what, who provides it, until when."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PLACE = "in_place", "In place"
        ENDED = "ended", "Ended as planned"
        NOT_PROVIDED = "not_provided", "Not provided"

    decision = models.ForeignKey(ReunificationDecision, on_delete=models.CASCADE, related_name="support")
    what = models.CharField(max_length=300)
    who = models.CharField(max_length=200)
    until = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    status_note = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["until", "id"]


class FamilyGroupDecisionMaking(models.Model):  # noqa: DJ008
    """Family group decision-making offered for the child (CWSA 2026 s1, new s31ZA; process
    specification section 7): the offer, the family's response, the meeting and the family
    plan, and the local authority's response. Or the decision not to offer it, with reasons."""

    class Response(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        NO_RESPONSE = "no_response", "No response"
        NOT_OFFERED = "not_offered", "Not offered: not in the child's best interests"

    class LaResponse(models.TextChoices):
        AGREED = "agreed", "Family plan agreed"
        NOT_AGREED = "not_agreed", "Family plan not agreed"

    decision = models.OneToOneField(ReunificationDecision, on_delete=models.CASCADE, related_name="fgdm")
    offered_on = models.DateField(null=True, blank=True)
    offered_to = models.CharField(
        max_length=300, blank=True, help_text="Each parent or person with parental responsibility"
    )
    response = models.CharField(max_length=20, choices=Response.choices)
    reasons_not_offered = models.TextField(blank=True)
    coordinator = models.CharField(max_length=200, blank=True, help_text="The independent coordinator")
    meeting_on = models.DateField(null=True, blank=True)
    family_plan = models.TextField(blank=True)
    la_response = models.CharField(max_length=20, choices=LaResponse.choices, blank=True)
    la_response_reasons = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class RiskSignalWeighing(models.Model):  # noqa: DJ008
    """How the decision-maker weighed one risk signal the system found across agencies (an
    earlier return that broke down, a child protection plan of a sibling, police information
    on an adult of the household). The signal is kept as it was shown."""

    decision = models.ForeignKey(ReunificationDecision, on_delete=models.CASCADE, related_name="weighings")
    signal = models.CharField(max_length=80, help_text="The signal's key, for example cp-plan:12")
    kind = models.CharField(max_length=80)
    summary = models.CharField(max_length=400, help_text="The signal as shown")
    how_weighed = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["decision", "signal"], name="signal_weighed_once")]


class ReturnHomeMonitoring(models.Model):  # noqa: DJ008
    """The 12 months after a child returns home (any route, planned or not), when a
    re-referral, a new section 47 enquiry, a child protection plan or a return to care is
    flagged to the team manager at once."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="return_monitoring")
    period = models.ForeignKey(PeriodOfCare, on_delete=models.PROTECT, related_name="+")
    decision = models.OneToOneField(
        ReunificationDecision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monitoring",
        help_text="None for a return not part of the care plan (E4B)",
    )
    team = models.ForeignKey("partners.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    returned_on = models.DateField()
    until = models.DateField()
    planned = models.BooleanField(default=True)

    class Meta:
        ordering = ["-returned_on", "-id"]
        indexes = [models.Index(fields=["person", "until"]), models.Index(fields=["team", "until"])]


class MonitoringFlag(models.Model):  # noqa: DJ008
    """Something that happened within 12 months of a return home, for the team manager."""

    class Kind(models.TextChoices):
        RE_REFERRAL = "re_referral", "Referred again to children's social care"
        SECTION_47 = "section_47", "New section 47 enquiry"
        CP_PLAN = "cp_plan", "Child protection plan"
        RE_ENTRY = "re_entry", "Came back into care"

    monitoring = models.ForeignKey(ReturnHomeMonitoring, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField()
    subject_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    raised_at = models.DateTimeField(auto_now_add=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seen_at = models.DateTimeField(null=True, blank=True)
    action = models.TextField(blank=True, help_text="What the team manager decided")

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["seen_at", "raised_at"])]
        constraints = [
            models.UniqueConstraint(fields=["monitoring", "subject_type", "subject_id"], name="flag_once_per_event")
        ]


# --- Kinship ------------------------------------------------------------------------------


class FamilyNetworkMember(models.Model):  # noqa: DJ008
    """Someone in the child's family network: a possible carer, a source of support or
    contact (kinship care, process specification 2.19; family group decision-making)."""

    class Role(models.TextChoices):
        POSSIBLE_CARER = "possible_carer", "Possible carer"
        CARER = "carer", "Caring for the child"
        SUPPORT = "support", "Support for the child or carers"
        CONTACT = "contact", "Family time (contact)"
        RULED_OUT = "ruled_out", "Assessed and ruled out as a carer"

    child = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="family_network")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200, blank=True, help_text="When the person has no record here")
    relationship = models.CharField(max_length=100)
    role = models.CharField(max_length=20, choices=Role.choices)
    notes = models.TextField(blank=True)
    added_on = models.DateField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["role", "id"]


class YearOutcomes(models.Model):  # noqa: DJ008
    """What the SSDA903 OC2 asks about a child looked after for 12 months at 31 March, for that
    collection year, beyond what the health assessments already hold (immunisations, teeth and
    the health assessment itself): the Strengths and Difficulties Questionnaire, offending,
    substance misuse and the help offered for it, and for a child under 5 the development checks."""

    period = models.ForeignKey(PeriodOfCare, on_delete=models.CASCADE, related_name="year_outcomes")
    year = models.PositiveSmallIntegerField(help_text="The collection year, as the year it ends (2026 for 2025/26)")
    sdq_score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0 to 40 (903 SDQ_SCORE)")
    sdq_reason = models.CharField(max_length=4, blank=True, help_text="Code list: sdq-reason (903 SDQ_REASON)")
    convicted = models.BooleanField(
        null=True, help_text="Convicted, or given a final warning or reprimand, in the year"
    )
    health_check = models.BooleanField(null=True, help_text="Under 5: development checks up to date (903 HEALTH_CHECK)")
    substance_misuse = models.BooleanField(null=True, help_text="Identified as having a substance misuse problem")
    intervention_received = models.BooleanField(null=True)
    intervention_offered = models.BooleanField(null=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "year"], name="one_outcomes_record_per_period_year")]
