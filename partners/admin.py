from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from audit import services as audit

from .accounts.services import issue_set_up_link, link_hours, set_up_path
from .models import Agency, ApiToken, SetUpLink, Team, User
from .tokens import revoke_token, validate_scopes


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "la_code", "urn", "ods_code"]
    list_filter = ["kind"]
    search_fields = ["name", "urn", "la_code", "ods_code"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "function"]
    list_filter = ["agency"]
    search_fields = ["name"]


@admin.register(User)
class ServiceUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "agency", "team", "is_active"]
    list_filter = ["role", "agency", "is_active"]
    fieldsets = tuple(UserAdmin.fieldsets or ()) + (
        ("Work", {"fields": ["agency", "team", "job_title", "role"]}),
        ("Sign-in", {"fields": ["must_change_password"]}),
    )
    add_fieldsets = tuple(UserAdmin.add_fieldsets) + (("Work", {"fields": ["agency", "team", "job_title", "role"]}),)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """A new account must change the password it was given, and sets up its authenticator
        app through a set-up link (shown once here), never at a first password sign-in."""
        if not change:
            obj.must_change_password = True
        super().save_model(request, obj, form, change)
        if not change:
            audit.record(request.user, "create", obj=obj, summary=f"Created the account {obj.get_username()}")
            link, token = issue_set_up_link(obj, SetUpLink.Reason.NEW_ACCOUNT, issued_by=request.user)
            self.message_user(
                request,
                format_html(
                    "Set-up link for {}, shown once: {} (expires in {} hours, works once). Give it to them with "
                    "their password, separately.",
                    obj.get_username(),
                    request.build_absolute_uri(set_up_path(token)),
                    link_hours(),
                ),
                messages.WARNING,
            )


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "scopes", "expires_at"]

    def clean_scopes(self) -> list[str]:
        scopes = self.cleaned_data["scopes"]
        if not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
            raise ValidationError('Enter the scopes as a list, like ["people:read"]')
        try:
            return validate_scopes(scopes)
        except ValueError as error:
            raise ValidationError(str(error)) from None


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py issue_api_token` (which shows the token once); here
    they can be seen by their prefix and revoked. The digest cannot be changed."""

    list_display = ["prefix", "name", "agency", "scope_list", "status", "created_at", "expires_at", "last_used_at"]
    list_filter = ["agency"]
    search_fields = ["prefix", "name", "agency__name"]
    fields = [
        "name",
        "agency",
        "scopes",
        "prefix",
        "digest",
        "service_user",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    readonly_fields = [
        "agency",
        "prefix",
        "digest",
        "service_user",
        "created_by",
        "created_at",
        "revoked_at",
        "last_used_at",
    ]
    actions = ["revoke"]
    form = ApiTokenForm

    @admin.display(description="Scopes")
    def scope_list(self, api_token: ApiToken) -> str:
        return ", ".join(api_token.scopes or [])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued with manage.py issue_api_token, so the token is shown only once

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoke instead: the audit trail refers to the token

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            audit.record(
                request.user,
                "update",
                obj=obj,
                summary=f"Changed API token {obj.prefix}",
                detail={name: str(form.cleaned_data[name]) for name in form.changed_data},
            )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for api_token in queryset.filter(revoked_at__isnull=True):
            revoke_token(api_token, revoked_by=request.user)
            revoked += 1
        self.message_user(request, f"Revoked {revoked} API token{'s' if revoked != 1 else ''}", messages.SUCCESS)
