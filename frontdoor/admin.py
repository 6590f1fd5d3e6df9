"""The local threshold document, for the partnership's administrators: drafted, edited while a
draft, then published with an action. A published or superseded version is kept exactly as
decisions were made against it, so it cannot be changed here: draft a new version from it.

Contacts are listed only (reference, when received, status): administrators hold no case
records, so nothing personal is shown."""

from django.contrib import admin, messages
from django.db.models import Max

from audit import services as audit

from . import services
from .models import Contact, ThresholdDocument, ThresholdDomain, ThresholdIndicator, ThresholdLevel

DRAFT = ThresholdDocument.Status.DRAFT


def _is_draft(document):
    return document is None or document.status == DRAFT


class DraftOnlyInline:
    """An inline editable only while its document is a draft."""

    def _document(self, obj):
        return obj

    def has_add_permission(self, request, obj=None):
        return _is_draft(self._document(obj)) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_draft(self._document(obj)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(self._document(obj)) and super().has_delete_permission(request, obj)


class ThresholdLevelInline(DraftOnlyInline, admin.StackedInline):
    model = ThresholdLevel
    extra = 0


class ThresholdDomainInline(DraftOnlyInline, admin.TabularInline):
    model = ThresholdDomain
    extra = 0
    show_change_link = True  # the domain's page holds its indicators


@admin.register(ThresholdDocument)
class ThresholdDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "status", "effective_from", "effective_to", "published_at"]
    list_filter = ["status"]
    fields = [
        "title",
        "version",
        "status",
        "summary",
        "effective_from",
        "effective_to",
        "created_by",
        "created_at",
        "published_by",
        "published_at",
    ]
    readonly_fields = [
        "version",
        "status",
        "effective_from",
        "effective_to",
        "created_by",
        "created_at",
        "published_by",
        "published_at",
    ]
    inlines = [ThresholdLevelInline, ThresholdDomainInline]
    actions = ["publish_draft", "draft_new_version"]

    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A published document is kept (decisions refer to it); an unused draft may go.
        return _is_draft(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.version = (ThresholdDocument.objects.aggregate(n=Max("version"))["n"] or 0) + 1
            obj.created_by = request.user
            obj.status = DRAFT
        super().save_model(request, obj, form, change)
        if not change:
            audit.record_creation(request.user, obj, summary=f"Drafted threshold document version {obj.version}")

    @admin.action(description="Publish this draft")
    def publish_draft(self, request, queryset):
        documents = list(queryset)
        if len(documents) != 1:
            self.message_user(request, "Select one draft to publish", messages.ERROR)
            return
        try:
            document = services.publish_threshold_document(request.user, documents[0])
        except services.FrontDoorError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, f"Published {document}", messages.SUCCESS)

    @admin.action(description="Draft a new version from this one")
    def draft_new_version(self, request, queryset):
        documents = list(queryset)
        if len(documents) != 1:
            self.message_user(request, "Select one document to copy", messages.ERROR)
            return
        draft = services.draft_threshold_document(request.user, copy_from=documents[0])
        self.message_user(request, f"Drafted {draft}", messages.SUCCESS)


class ThresholdIndicatorInline(DraftOnlyInline, admin.TabularInline):
    model = ThresholdIndicator
    extra = 0

    def _document(self, obj):
        return obj.document if obj is not None else None

    def get_formset(self, request, obj=None, **kwargs):
        self._domain = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        domain = getattr(self, "_domain", None)
        if db_field.name == "level" and domain is not None:
            kwargs["queryset"] = ThresholdLevel.objects.filter(document_id=domain.document_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ThresholdDomain)
class ThresholdDomainAdmin(admin.ModelAdmin):
    list_display = ["name", "document", "order"]
    list_filter = ["document"]
    inlines = [ThresholdIndicatorInline]

    def has_change_permission(self, request, obj=None):
        return (obj is None or _is_draft(obj.document)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or _is_draft(obj.document)) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "document":
            kwargs["queryset"] = ThresholdDocument.objects.filter(status=DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """A list of contacts for administrators: reference, when received, status. No personal details."""

    list_display = ["reference", "received_at", "status"]
    list_filter = ["status"]
    fields = ["received_at", "status", "decision_due_at"]
    readonly_fields = fields  # type: ignore[assignment]  # the stubs type `fields` more widely
    list_display_links = None
    date_hierarchy = "received_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
