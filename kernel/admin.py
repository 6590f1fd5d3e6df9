from django.contrib import admin

from . import codelists, working_days
from .models import BankHoliday, Code, CodeList


class CodeInline(admin.TabularInline):
    model = Code
    extra = 0


@admin.register(CodeList)
class CodeListAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "source"]
    inlines = [CodeInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        codelists.clear_cache()


@admin.register(BankHoliday)
class BankHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "confirmed", "source"]
    list_filter = ["confirmed"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        working_days.clear_cache()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        working_days.clear_cache()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        working_days.clear_cache()
