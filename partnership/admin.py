"""The safeguarding arrangements, for the partnership's administrators: drafted, edited while a
draft, then published with an action, as the threshold document is (frontdoor/admin.py). A
published or superseded version is kept as it was: draft a new version from it."""

from django.contrib import admin, messages

from kernel.rules import RuleBroken

from . import services
from .models import Arrangements, Member

DRAFT = Arrangements.Status.DRAFT


def _is_draft(arrangements):
    return arrangements is None or arrangements.status == DRAFT


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ["part", "partner", "sector", "agency", "organisation", "holder", "date_from", "date_to", "order"]

    def has_add_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)


@admin.register(Arrangements)
class ArrangementsAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "status", "effective_from", "effective_to", "published_at"]
    list_filter = ["status"]
    fields = ["title", "version", "status", "area", "summary", "effective_from", "effective_to", "published_at"]
    readonly_fields = ["version", "status", "effective_from", "effective_to", "published_at"]
    inlines = [MemberInline]
    actions = ["publish_draft", "draft_new_version"]

    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            draft = services.draft_arrangements(request.user, title=obj.title)
            obj.pk, obj.version, obj.status, obj.created_by = draft.pk, draft.version, DRAFT, request.user
            obj.created_at = draft.created_at
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish this draft")
    def publish_draft(self, request, queryset):
        found = list(queryset)
        if len(found) != 1:
            self.message_user(request, "Select one draft to publish", messages.ERROR)
            return
        try:
            published = services.publish_arrangements(request.user, found[0])
        except RuleBroken as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, f"Published {published}", messages.SUCCESS)

    @admin.action(description="Draft a new version from this one")
    def draft_new_version(self, request, queryset):
        found = list(queryset)
        if len(found) != 1:
            self.message_user(request, "Select one version to copy", messages.ERROR)
            return
        draft = services.draft_arrangements(request.user, copy_from=found[0])
        self.message_user(request, f"Drafted {draft}", messages.SUCCESS)
