from django.contrib import admin

from . import codelists
from .models import Code, CodeList


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
