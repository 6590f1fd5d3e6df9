from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from . import codelists, timescales, working_days
from .models import BankHoliday, Code, CodeList, TimescaleRule


class CodeInline(admin.TabularInline):
    model = Code
    extra = 0


@admin.register(CodeList)
class CodeListAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "source"]
    inlines = [CodeInline]

    def save_related(
        self, request: HttpRequest, form: ModelForm[CodeList], formsets: list[BaseFormSet[Any]], change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        codelists.clear_cache()


@admin.register(BankHoliday)
class BankHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "confirmed", "source"]
    list_filter = ["confirmed"]
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: BankHoliday, form: ModelForm[BankHoliday], change: bool) -> None:
        super().save_model(request, obj, form, change)
        working_days.clear_cache()

    def delete_model(self, request: HttpRequest, obj: BankHoliday) -> None:
        super().delete_model(request, obj)
        working_days.clear_cache()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[BankHoliday]) -> None:
        super().delete_queryset(request, queryset)
        working_days.clear_cache()


@admin.register(TimescaleRule)
class TimescaleRuleAdmin(admin.ModelAdmin):
    """Timescales are data: a partnership sets a local figure by adding a rule with the same
    slug from a later date. Due dates already issued are stored and do not move."""

    list_display = ["slug", "name", "offset", "unit", "trigger", "local", "valid_from", "valid_to"]
    list_filter = ["unit", "local"]
    search_fields = ["slug", "name"]

    def save_model(
        self, request: HttpRequest, obj: TimescaleRule, form: ModelForm[TimescaleRule], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        timescales.clear_cache()

    def delete_model(self, request: HttpRequest, obj: TimescaleRule) -> None:
        super().delete_model(request, obj)
        timescales.clear_cache()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TimescaleRule]) -> None:
        super().delete_queryset(request, queryset)
        timescales.clear_cache()
