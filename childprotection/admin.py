"""Child protection in the admin: the multi-agency child protection teams, which the
safeguarding partners set up (with their members), are edited here. Case records
(discussions, enquiries, conferences, plans) are made only through the services, so here
they are listed read-only and without the children's details: administrators hold no case
records."""

from django.contrib import admin

from . import services
from .models import (
    ChildProtectionPlan,
    Conference,
    MACPTMember,
    MultiAgencyChildProtectionTeam,
    PreProceedings,
    Section47Enquiry,
    StrategyDiscussion,
)


class MACPTMemberInline(admin.TabularInline):
    model = MACPTMember
    extra = 1
    fields = ["user", "agency_kind", "start_date", "end_date"]
    raw_id_fields = ["user"]


@admin.register(MultiAgencyChildProtectionTeam)
class MACPTAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "active", "missing_core_members"]
    list_filter = ["active"]
    search_fields = ["name", "area"]
    inlines = [MACPTMemberInline]

    @admin.display(description="Missing core members")
    def missing_core_members(self, team):
        return ", ".join(services._label(kind) for kind in services.macpt_gaps(team)) or "None"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listed and viewed, never added, changed or deleted here: the services make these."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StrategyDiscussion)
class StrategyDiscussionAdmin(ReadOnlyAdmin):
    list_display = ["id", "held_at", "police_decision", "chair", "created_at"]
    fields = ["held_at", "police_decision", "next_meeting_date", "chair", "recorded_by", "created_at"]
    readonly_fields = fields  # type: ignore[assignment]  # the stubs type `fields` more widely
    date_hierarchy = "held_at"


@admin.register(Section47Enquiry)
class Section47EnquiryAdmin(ReadOnlyAdmin):
    list_display = ["id", "start_date", "initial_conference_target", "outcome", "outcome_date", "macpt"]
    list_filter = ["outcome", "macpt"]
    fields = [
        "start_date",
        "initial_conference_target",
        "lead_practitioner",
        "macpt",
        "outcome",
        "outcome_date",
        "initial_conference_not_required",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # the stubs type `fields` more widely


@admin.register(Conference)
class ConferenceAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "held_on", "chair"]
    list_filter = ["kind"]
    fields = ["kind", "held_on", "chair", "transfer_notified_on", "transferring_authority", "recorded_by", "created_at"]
    readonly_fields = fields  # type: ignore[assignment]  # the stubs type `fields` more widely


@admin.register(ChildProtectionPlan)
class ChildProtectionPlanAdmin(ReadOnlyAdmin):
    list_display = ["id", "start_date", "initial_category", "latest_category", "end_date", "end_reason"]
    list_filter = ["end_reason", "initial_category"]
    fields = [
        "start_date",
        "initial_category",
        "latest_category",
        "previous_plans",
        "lead_practitioner",
        "end_date",
        "end_reason",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # the stubs type `fields` more widely


@admin.register(PreProceedings)
class PreProceedingsAdmin(ReadOnlyAdmin):
    """Dates and codes only (the CIN census items), no child's details."""

    list_display = [
        "id",
        "start_date",
        "letter_sent_on",
        "fgdm_offered",
        "decision",
        "decision_date",
        "court_application_date",
        "concluded_on",
    ]
    list_filter = ["decision", "fgdm_offered"]
    fields = [
        "start_date",
        "forum",
        "letter_sent_on",
        "fgdm_offered",
        "fgdm_response",
        "fgdm_meeting_on",
        "decision",
        "decision_date",
        "order_sought",
        "court_application_date",
        "letter_of_issue_sent_on",
        "concluded_on",
    ]
    readonly_fields = fields  # type: ignore[assignment]  # the stubs type `fields` more widely
