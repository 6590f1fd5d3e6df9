from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Agency, Team, User


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
    fieldsets = UserAdmin.fieldsets + (("Work", {"fields": ["agency", "team", "job_title", "role"]}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Work", {"fields": ["agency", "team", "job_title", "role"]}),)
