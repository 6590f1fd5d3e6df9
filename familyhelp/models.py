"""Family Help under section 17: the child and family assessment, child-in-need plans with
their outcomes and reviews, visits, allocation of the episode, and its closure.

The child-in-need episode itself is frontdoor.Referral (CIN census CINdetails): opened at the
front door, allocated here, closed here with a CIN census reason for closure.
"""

from django.conf import settings
from django.db import models


class Allocation(models.Model):  # noqa: DJ008
    """Who holds a child-in-need episode: the team and the allocated social worker, from a
    date. The latest is current; the record of earlier ones is kept."""

    episode = models.ForeignKey("frontdoor.Referral", on_delete=models.CASCADE, related_name="allocations")
    team = models.ForeignKey("partners.Team", on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Why the social worker changed (903 SWEpisodes SW_REASON); blank for the child's first.
    change_reason = models.CharField(max_length=6, blank=True, help_text="Code list: social-worker-change-reason")
    # The involvement that gives the team and worker the child's record (people.access).
    involvement = models.ForeignKey(
        "people.Involvement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["episode", "end_date"])]


class Assessment(models.Model):
    """A child and family assessment (section 17, or under section 47): CIN census
    Assessments (AssessmentActualStartDate, AssessmentInternalReviewDate,
    AssessmentAuthorisationDate, AssessmentFactors)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Waiting for a manager's authorisation"
        AUTHORISED = "authorised", "Authorised"

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        FAMILY_HELP = "family_help", "Family Help or early help"
        CHILD_IN_NEED_PLAN = "cin_plan", "Services under section 17 and a child in need plan"
        STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion (possible section 47 enquiry)"
        LOOKED_AFTER = "looked_after", "Accommodation or legal proceedings"
        CONTINUE_PLAN = "continue", "Continue the current plan"

    episode = models.ForeignKey("frontdoor.Referral", on_delete=models.PROTECT, related_name="assessments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="assessments")
    start_date = models.DateField()
    internal_review_date = models.DateField(null=True, blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    summary = models.TextField(blank=True, help_text="The analysis: needs, risks, strengths and the child's views")
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    next_steps = models.TextField(blank=True)
    completed_date = models.DateField(null=True, blank=True, help_text="Submitted for authorisation")
    authorised_date = models.DateField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["episode", "status"]), models.Index(fields=["authorised_date"])]

    def __str__(self):
        return f"Assessment started {self.start_date:%-d %B %Y}"


class AssessmentFactor(models.Model):  # noqa: DJ008
    """A factor identified at the end of assessment (code list assessment-factor)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="factors")
    code = models.CharField(max_length=3)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "code"], name="assessment_factor_once")]


class ChildInNeedPlan(models.Model):
    """A child in need plan (CIN census CINPlanDates): the services and the outcomes they are
    to achieve, reviewed on the local schedule."""

    episode = models.ForeignKey("frontdoor.Referral", on_delete=models.PROTECT, related_name="cin_plans")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cin_plans")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    services = models.TextField(help_text="What will be provided, by whom")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["episode", "end_date"])]

    def __str__(self):
        return f"Child in need plan from {self.start_date:%-d %B %Y}"


class PlanOutcome(models.Model):  # noqa: DJ008
    """A measurable outcome of a child in need plan."""

    plan = models.ForeignKey(ChildInNeedPlan, on_delete=models.CASCADE, related_name="outcomes")
    description = models.CharField(max_length=500)
    measure = models.CharField(max_length=500, blank=True, help_text="How we will know it has been achieved")
    achieved = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]


class ChildInNeedReview(models.Model):  # noqa: DJ008
    plan = models.ForeignKey(ChildInNeedPlan, on_delete=models.CASCADE, related_name="reviews")
    review_date = models.DateField()
    progress = models.TextField()
    decision = models.CharField(max_length=20, choices=[("continue", "Continue the plan"), ("end", "End the plan")])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    late_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-review_date", "-id"]


class Visit(models.Model):  # noqa: DJ008
    """A statutory or planned visit to a child: under a child in need plan or a child protection
    plan (frequencies are local timescale rules)."""

    class Kind(models.TextChoices):
        CHILD_IN_NEED = "child_in_need", "Child in need visit"
        CHILD_PROTECTION = "child_protection", "Child protection visit"
        ASSESSMENT = "assessment", "Assessment visit"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="visits")
    episode = models.ForeignKey("frontdoor.Referral", on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    visit_date = models.DateField()
    seen = models.BooleanField(help_text="Was the child seen")
    seen_alone = models.BooleanField(default=False)
    bedroom_seen = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    late_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-visit_date", "-id"]
        indexes = [models.Index(fields=["person", "kind", "-visit_date"])]


# --- Early help -----------------------------------------------------------------------------
# Voluntary, consent-based help for a family below the threshold for children's social care,
# coordinated by a lead practitioner (who may work for a school, health or a voluntary
# organisation) with an early help assessment and a family plan (Working Together 2023;
# process specification 2.3). The services are in familyhelp/early_help/.


class EarlyHelpEpisode(models.Model):
    """An episode of early help for a family: one or more children (EarlyHelpChild), one lead
    practitioner at a time (LeadPractitioner), an early help assessment and one family plan for
    them all. Started from a front-door contact decided "early help", stepped down from a Family
    Help episode closed RC9 ("referred to early help"), or directly, always with the family's
    consent; it ends when the needs are met, when it is stepped up to children's social care (a
    contact to the front door, kept here), when consent is withdrawn or when the family moves."""

    class Route(models.TextChoices):
        CONTACT = "contact", "A front-door contact decided early help"
        STEP_DOWN = "step_down", "Stepped down from Family Help (closed: referred to early help)"
        DIRECT = "direct", "Started directly with the family"

    class Closure(models.TextChoices):
        NEEDS_MET = "needs_met", "The family's needs have been met"
        STEP_UP = "step_up", "Stepped up to children's social care"
        CONSENT_WITHDRAWN = "consent_withdrawn", "The family withdrew consent"
        DECLINED = "declined", "The family declined early help"
        MOVED_AWAY = "moved_away", "The family moved away"

    # The child the early help was started for (EarlyHelpChild lists them all, this one too).
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="early_help_episodes")
    route = models.CharField(max_length=20, choices=Route.choices)
    contact = models.ForeignKey(
        "frontdoor.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="early_help_episodes"
    )
    stepped_down_from = models.ForeignKey(
        "frontdoor.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="early_help_episodes"
    )
    start_date = models.DateField()
    consent_given_on = models.DateField(help_text="Early help is voluntary: the family's consent, when they gave it")
    consent_given_by = models.CharField(max_length=200, help_text="Who in the family gave consent")
    consent_withdrawn_on = models.DateField(null=True, blank=True)
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=20, choices=Closure.choices, blank=True)
    closure_notes = models.TextField(blank=True)
    # Stepped up: the contact made to the front door (its decision may open a referral).
    step_up_contact = models.ForeignKey(
        "frontdoor.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="stepped_up_from"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["closure_date"]), models.Index(fields=["start_date"])]

    def __str__(self):
        return f"Early help from {self.start_date:%-d %B %Y}"

    @property
    def is_open(self):
        return self.closure_date is None


class EarlyHelpChild(models.Model):  # noqa: DJ008
    """A child of an early help episode (brothers and sisters share the family's episode). Its
    due dates (assessment, plan reviews) are the child's, with this row as their subject."""

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="early_help")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["episode", "person"], name="early_help_child_once")]


class LeadPractitioner(models.Model):  # noqa: DJ008
    """Who coordinates the early help, from a date: a local-authority Family Help practitioner
    or a partner's (a school's designated safeguarding lead, a health visitor...). The latest is
    current. The involvements it opens give the lead (and their agency) the children's records."""

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="leads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="early_help_leads")
    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["user", "end_date"]), models.Index(fields=["episode", "end_date"])]


class EarlyHelpAssessment(models.Model):
    """The early help assessment of the family (Ofsted Annex A List 2: start date, completion
    date, organisation completing the assessment): the needs found, the family's and the
    children's views, and their consent to it and to sharing it with the agencies named."""

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="assessments")
    start_date = models.DateField()
    organisation = models.ForeignKey("partners.Agency", on_delete=models.PROTECT, related_name="early_help_assessments")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_date = models.DateField(null=True, blank=True)
    needs = models.TextField(blank=True, help_text="The needs found, and the family's strengths")
    family_views = models.TextField(blank=True)
    child_views = models.TextField(blank=True)
    consent_to_share = models.BooleanField(null=True, help_text="The family agreed to the assessment being shared")
    late_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["completed_date"]), models.Index(fields=["start_date"])]

    def __str__(self):
        return f"Early help assessment started {self.start_date:%-d %B %Y}"


class FamilyPlan(models.Model):
    """The family plan: what the family and the practitioners will do, reviewed on the local
    schedule (familyhelp/data/timescales.json, family-plan-review [U])."""

    episode = models.ForeignKey(EarlyHelpEpisode, on_delete=models.CASCADE, related_name="plans")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]

    def __str__(self):
        return f"Family plan from {self.start_date:%-d %B %Y}"


class FamilyPlanOutcome(models.Model):  # noqa: DJ008
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="outcomes")
    description = models.CharField(max_length=500)
    who = models.CharField(max_length=300, blank=True, help_text="Who will do what")
    achieved = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]


class FamilyPlanReview(models.Model):  # noqa: DJ008
    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue the plan"
        END = "end", "End the plan"

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="reviews")
    review_date = models.DateField()
    progress = models.TextField()
    family_views = models.TextField(blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    late_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-review_date", "-id"]
