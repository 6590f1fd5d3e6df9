"""Child protection (Working Together 2023, chapter 4; Children's Wellbeing and Schools Act
2026, section 3): strategy discussions, section 47 enquiries, the multi-agency child
protection team, conferences (initial, pre-birth, review, transfer-in), child protection
plans with their core group. The order the guidance sets is enforced in
childprotection.services; the CIN census reads these records (Section47,
ChildProtectionPlans)."""

from django.conf import settings
from django.db import models

from kernel import codelists


class AgencyKind(models.TextChoices):
    """The agencies the guidance names for strategy discussions and MACPT core membership."""

    LOCAL_AUTHORITY = "local_authority", "Local authority children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    OTHER = "other", "Other agency"


class MultiAgencyChildProtectionTeam(models.Model):
    """A multi-agency child protection team (MACPT), set up by the safeguarding partners to
    support the local authority's section 47 enquiries (CWSA 2026 s3). Core membership: at
    least one person with education experience, a social worker, a registered health
    professional and a police officer."""

    name = models.CharField(max_length=200)
    area = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "multi-agency child protection team"
        ordering = ["name"]

    def __str__(self):
        return self.name


class MACPTMember(models.Model):  # noqa: DJ008
    team = models.ForeignKey(MultiAgencyChildProtectionTeam, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="macpt_memberships")
    agency_kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "MACPT member"
        ordering = ["agency_kind", "id"]


class StrategyDiscussion(models.Model):
    """A strategy discussion (WT23 4.3): for one or more children of a household, whenever
    there is reasonable cause to suspect significant harm."""

    class PoliceDecision(models.TextChoices):
        CRIMINAL_INVESTIGATION = "investigation", "Criminal investigation"
        SINGLE_AGENCY = "single_agency", "Section 47 enquiry led by children's social care"
        NONE = "none", "No police action"

    held_at = models.DateTimeField()
    information_shared = models.TextField()
    immediate_safety_actions = models.TextField(blank=True)
    police_decision = models.CharField(max_length=20, choices=PoliceDecision.choices)
    next_meeting_date = models.DateField(null=True, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    late_reason = models.TextField(blank=True)
    harm_outside_home = models.BooleanField(
        default=False, help_text="The concern is harm outside the home (Working Together 2023, chapter 3)"
    )
    harm_outside_home_types = models.JSONField(
        default=list,
        blank=True,
        help_text="Its kinds: CIN census assessment factors 10A, 11A, 12A, 13A, 24A (code list assessment-factor)",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_at", "-id"]

    def __str__(self):
        return f"Strategy discussion on {self.held_at:%-d %B %Y}"

    @property
    def harm_outside_home_words(self) -> str:
        """'No', or 'Yes: ' and the kinds, in words (kernel code list assessment-factor)."""
        if not self.harm_outside_home:
            return "No"
        kinds = [codelists.label("assessment-factor", code) for code in self.harm_outside_home_types]
        return f"Yes: {', '.join(kinds)}" if kinds else "Yes"

    @property
    def agencies_present(self) -> list[str]:
        """The kinds of agency at the discussion, in the order of AgencyKind."""
        present = {attendee.agency_kind for attendee in self.attendees.all()}
        return [label for kind, label in AgencyKind.choices if kind in present]


class StrategyDiscussionChild(models.Model):  # noqa: DJ008
    """A child the discussion was about, and what it decided for them."""

    class Decision(models.TextChoices):
        SECTION_47 = "s47", "Start a section 47 enquiry"
        CONTINUE_ASSESSMENT = "assessment", "No section 47: continue the child and family assessment"
        NO_FURTHER_ACTION = "nfa", "No further action"

    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="strategy_discussions")
    episode = models.ForeignKey("frontdoor.Referral", on_delete=models.PROTECT, related_name="strategy_discussions")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["discussion", "person"], name="strategy_child_once")]


class StrategyAttendee(models.Model):  # noqa: DJ008
    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    agency_kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    agency = models.ForeignKey("partners.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["agency_kind", "id"]


class Section47Enquiry(models.Model):
    """A section 47 enquiry for one child, started by a strategy discussion (CIN census
    Section47: S47ActualStartDate, InitialCPCtarget, DateOfInitialCPC, ICPCnotRequired)."""

    class Outcome(models.TextChoices):
        INITIAL_CONFERENCE = "icpc", "Initial child protection conference"
        OTHER_AGENCY_MONITOR = "monitor", "Other agency to monitor"
        CONTINUE_ASSESSMENT = "continue_assessment", "No further action: continue with the family assessment"
        LEGAL_ACTION = "legal", "Initiate legal action"
        SECTION_17_SERVICES = "s17", "Provision of services under section 17"
        SHORT_BREAKS = "short_breaks", "Provision of short break care under section 17"
        NO_FURTHER_ACTION = "nfa", "No further action"
        OTHER = "other", "Other outcome"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="section47_enquiries")
    episode = models.ForeignKey("frontdoor.Referral", on_delete=models.PROTECT, related_name="section47_enquiries")
    strategy_discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.PROTECT, related_name="enquiries")
    start_date = models.DateField(help_text="The date of the strategy discussion that started it")
    initial_conference_target = models.DateField(help_text="15 working days from the strategy discussion")
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_enquiries",
        help_text="The lead child protection practitioner",
    )
    macpt = models.ForeignKey(
        MultiAgencyChildProtectionTeam,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enquiries",
        verbose_name="multi-agency child protection team",
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_date = models.DateField(null=True, blank=True)
    findings = models.TextField(blank=True)
    initial_conference_not_required = models.BooleanField(default=False)

    class Meta:
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["episode", "outcome"])]

    def __str__(self):
        return f"Section 47 enquiry from {self.start_date:%-d %B %Y}"


class Conference(models.Model):
    """A child protection conference, for one or more children of a household."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial child protection conference"
        PRE_BIRTH = "pre_birth", "Pre-birth initial child protection conference"
        REVIEW = "review", "Review child protection conference"
        TRANSFER_IN = "transfer_in", "Transfer-in conference"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    held_on = models.DateField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_conferences")
    parents_participation = models.TextField(blank=True, help_text="Who attended for the family, exclusions, dissent")
    notes = models.TextField(blank=True)
    transfer_notified_on = models.DateField(
        null=True, blank=True, help_text="Transfer-in: when this authority was told of the move"
    )
    transferring_authority = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.held_on:%-d %B %Y}"

    @property
    def is_initial(self):
        return self.kind in {self.Kind.INITIAL, self.Kind.PRE_BIRTH, self.Kind.TRANSFER_IN}


class ConferenceChild(models.Model):  # noqa: DJ008
    """The conference's decision for one child."""

    class Decision(models.TextChoices):
        PLAN = "plan", "Child protection plan"
        NO_PLAN = "no_plan", "No child protection plan"
        CONTINUE = "continue", "Continue the child protection plan"
        END = "end", "End the child protection plan"

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="conferences")
    episode = models.ForeignKey("frontdoor.Referral", on_delete=models.PROTECT, related_name="conferences")
    enquiry = models.ForeignKey(
        Section47Enquiry, null=True, blank=True, on_delete=models.PROTECT, related_name="conferences"
    )
    plan = models.ForeignKey(
        "ChildProtectionPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conferences",
        help_text="The plan reviewed, or the plan it started",
    )
    decision = models.CharField(max_length=20, choices=Decision.choices)
    category = models.CharField(max_length=3, blank=True, help_text="Code list: category-of-abuse")
    reasons = models.TextField()
    late_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["conference", "person"], name="conference_child_once")]


class ConferenceParticipant(models.Model):  # noqa: DJ008
    """Invited to a conference: did they come, did they send a report."""

    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        APOLOGIES = "apologies", "Sent apologies"
        DID_NOT_ATTEND = "dna", "Did not attend"
        EXCLUDED = "excluded", "Excluded by the chair"

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True, help_text="For example: mother, class teacher, health visitor")
    agency_kind = models.CharField(max_length=20, choices=AgencyKind.choices + [("family", "Family or supporter")])
    agency = models.ForeignKey("partners.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    invited_on = models.DateField(null=True, blank=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    report_received = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]


class ChildProtectionPlan(models.Model):
    """A child protection plan (CIN census ChildProtectionPlans): from an initial or transfer-in
    conference's decision; ended by a review conference or for a listed reason."""

    class EndReason(models.TextChoices):
        NO_LONGER_AT_RISK = "no_longer_needed", "A review conference judged a plan no longer needed"
        TRANSFERRED = "transferred", "Moved permanently to another local authority"
        AGE_18 = "age_18", "Reached 18"
        DIED = "died", "Died"
        LEFT_UK = "left_uk", "Left the UK permanently"
        LOOKED_AFTER = "looked_after", "Became looked after: a review conference ended the plan"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cp_plans")
    episode = models.ForeignKey("frontdoor.Referral", on_delete=models.PROTECT, related_name="cp_plans")
    start_date = models.DateField()
    initial_category = models.CharField(max_length=3)
    latest_category = models.CharField(max_length=3)
    previous_plans = models.PositiveIntegerField(default=0, help_text="CIN census NumberOfPreviousCPP")
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outline = models.TextField(blank=True)
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=30, choices=EndReason.choices, blank=True)
    ended_by = models.ForeignKey(
        Conference, null=True, blank=True, on_delete=models.PROTECT, related_name="ended_plans"
    )
    # A child who moved permanently: the plan ends only once the receiving authority has held
    # its transfer-in conference (Working Together 2023).
    transferred_to = models.CharField(max_length=200, blank=True)
    receiving_conference_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["person", "end_date"]), models.Index(fields=["episode", "end_date"])]

    def __str__(self):
        return f"Child protection plan from {self.start_date:%-d %B %Y}"

    @property
    def is_open(self):
        return self.end_date is None


class CoreGroupMember(models.Model):  # noqa: DJ008
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="core_group")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="core_groups",
        help_text="A practitioner who uses the service",
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    agency_kind = models.CharField(max_length=20, choices=AgencyKind.choices + [("family", "Family or supporter")])
    agency = models.ForeignKey("partners.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # The involvement that lets a practitioner member see the child's record (people.access).
    involvement = models.ForeignKey(
        "people.Involvement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]


class CoreGroupMeeting(models.Model):  # noqa: DJ008
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="core_group_meetings")
    held_on = models.DateField()
    attended = models.ManyToManyField(CoreGroupMember, blank=True, related_name="meetings")
    progress = models.TextField()
    actions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    late_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]


# --- Pre-proceedings under the Public Law Outline -----------------------------------------
# (childprotection/pre_proceedings/services.py holds the rules; the CIN census 2026/27 module
# PreProceedingsandFGDM reads these records.)


class PreProceedings(models.Model):
    """A period of pre-proceedings under the Public Law Outline (Practice Direction 12A) for one
    child's episode: the decision of a legal planning meeting (or other decision-making forum)
    to start it (CIN census PPStartDate), the letter before proceedings (LBPSentDate) with the
    offer of family group decision-making it must carry (Children's Wellbeing and Schools Act
    2026 s1, new s31ZA Children Act 1989: FGDMMeetingOffer), the family meeting
    (FGDMMeetingFac), the initial and review pre-proceedings meetings, the decision to step
    down, continue or issue care proceedings (StepDecisionDate, PPOutcome), the court
    application (CourtAppDate) and the letter to the parents that care proceedings are being
    issued (LetterInitCPDate)."""

    class Decision(models.TextChoices):
        # The census code each decision is returned as is data: childprotection/data/pre_proceedings.json [U].
        ISSUE = "issue", "Issue care proceedings"
        STEP_DOWN = "step_down", "Step down from pre-proceedings"
        EXTEND = "extend", "Continue in pre-proceedings for longer"

    class FamilyResponse(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        NO_RESPONSE = "no_response", "No response"

    class FamilyPlanResponse(models.TextChoices):
        AGREED = "agreed", "Family plan agreed"
        NOT_AGREED = "not_agreed", "Family plan not agreed"

    class Order(models.TextChoices):
        CARE = "care", "Care order"
        SUPERVISION = "supervision", "Supervision order"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="pre_proceedings")
    episode = models.ForeignKey("frontdoor.Referral", on_delete=models.PROTECT, related_name="pre_proceedings")
    # The decision to start.
    start_date = models.DateField(help_text="CIN census PPStartDate: the legal planning meeting's decision")
    forum = models.CharField(
        max_length=200,
        default="Legal planning meeting",
        help_text="The legal planning meeting or other decision-making forum",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who chaired the meeting that decided",
    )
    reasons = models.TextField()
    # The letter before proceedings and the offer of family group decision-making in it.
    letter_sent_on = models.DateField(null=True, blank=True, help_text="CIN census LBPSentDate")
    fgdm_offered = models.BooleanField(null=True, blank=True, help_text="CIN census FGDMMeetingOffer")
    fgdm_offered_to = models.CharField(
        max_length=300, blank=True, help_text="Each parent or person with parental responsibility"
    )
    fgdm_reasons_not_offered = models.TextField(
        blank=True, help_text="Why offering it is not in the child's best interests"
    )
    # The family's answer and the meeting.
    fgdm_response = models.CharField(max_length=20, choices=FamilyResponse.choices, blank=True)
    fgdm_meeting_on = models.DateField(null=True, blank=True, help_text="CIN census FGDMMeetingFac")
    fgdm_coordinator = models.CharField(max_length=200, blank=True, help_text="The independent coordinator")
    fgdm_family_plan = models.TextField(blank=True)
    fgdm_plan_response = models.CharField(max_length=20, choices=FamilyPlanResponse.choices, blank=True)
    fgdm_plan_response_reasons = models.TextField(blank=True)
    # The same family meeting, when it was recorded already for a return home (childrenincare):
    # one record of a family meeting, linked rather than typed twice.
    fgdm_same_meeting_as = models.ForeignKey(
        "childrenincare.FamilyGroupDecisionMaking",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pre_proceedings",
    )
    # The decision that ends (or extends) pre-proceedings: the latest one.
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True, help_text="CIN census PPOutcome")
    decision_date = models.DateField(null=True, blank=True, help_text="CIN census StepDecisionDate")
    # Care proceedings.
    order_sought = models.CharField(max_length=20, choices=Order.choices, blank=True)
    court_application_date = models.DateField(null=True, blank=True, help_text="CIN census CourtAppDate")
    letter_of_issue_sent_on = models.DateField(null=True, blank=True, help_text="CIN census LetterInitCPDate")
    # Ended: stepped down, or decided to issue. Open while empty (one open per episode).
    concluded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pre-proceedings"
        verbose_name_plural = "pre-proceedings"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(concluded_on__isnull=True),
                name="one_open_pre_proceedings_per_episode",
            )
        ]
        indexes = [models.Index(fields=["episode", "start_date"])]

    def __str__(self):
        return f"Pre-proceedings from {self.start_date:%-d %B %Y}"

    @property
    def is_open(self):
        return self.concluded_on is None


class PreProceedingsMeeting(models.Model):  # noqa: DJ008
    """The initial pre-proceedings meeting with the parents (and their lawyers), after the
    letter before proceedings, and the review meetings after it (ReviewMeetingsCount)."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial pre-proceedings meeting"
        REVIEW = "review", "Pre-proceedings review meeting"

    pre_proceedings = models.ForeignKey(PreProceedings, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    held_on = models.DateField()
    parents_attended = models.BooleanField(default=True)
    parents_legally_represented = models.BooleanField(default=True)
    notes = models.TextField()
    late_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pre_proceedings"],
                condition=models.Q(kind="initial"),
                name="one_initial_pre_proceedings_meeting",
            )
        ]


class PreProceedingsDecision(models.Model):  # noqa: DJ008
    """Each decision to step down, continue or issue care proceedings (the latest is on the
    pre-proceedings record), with who made it and why."""

    pre_proceedings = models.ForeignKey(PreProceedings, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=20, choices=PreProceedings.Decision.choices)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField()
    late_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["decided_on", "id"]
