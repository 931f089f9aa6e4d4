"""Operators' admin of indicators: the definitions (their names, methodology, ranges, order), the values (read;
entered and imported values change through the pages and the import, computed ones through recomputation), the
imports with their refused rows, and the ratings with their weighted indicators."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse

from .models import ImportBatch, IndicatorDefinition, IndicatorValue, RatingMethod, RatingWeight


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ru", "group", "source", "unit", "better", "position", "is_active")
    list_filter = ("source", "group", "is_active")
    list_editable = ("position", "is_active")
    search_fields = ("code", "name_ru", "name_en")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The code and source of an existing definition are what the computations and imports rely on.
        return ("code", "source", "zero_when_absent") if obj is not None else ()


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("definition", "level", "territory", "year", "value", "computed_at", "entered_at", "is_generated")
    list_filter = ("level", "definition__source", "is_generated", "definition")
    search_fields = ("definition__code", "municipality__name_ru", "region__name_ru", "source_note")
    list_select_related = ("definition", "municipality", "region", "country")
    raw_id_fields = ("municipality", "region", "country", "entered_by", "import_batch")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("file_name", "created_at", "created_by", "rows_total", "rows_saved", "rows_failed", "is_generated")
    readonly_fields = [f.name for f in ImportBatch._meta.fields]
    list_select_related = ("created_by",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class RatingWeightInline(admin.TabularInline):
    model = RatingWeight
    extra = 1
    autocomplete_fields = ("definition",)


@admin.register(RatingMethod)
class RatingMethodAdmin(admin.ModelAdmin):
    """Those who manage ratings (rules.py: "indicators.manage_ratings" and the model permissions it implies) edit,
    publish and remove ratings here; new ones are also saved from the "build your own rating" page."""

    list_display = ("code", "name_ru", "year", "scope", "region", "country", "normalisation", "is_published")
    list_filter = ("scope", "normalisation", "missing_rule", "is_published")
    list_editable = ("is_published",)
    list_select_related = ("region", "country")
    search_fields = ("code", "name_ru", "name_en")
    raw_id_fields = ("region", "country")
    inlines = [RatingWeightInline]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("indicators.manage_ratings") or super().has_module_permission(request)

    def view_on_site(self, obj: RatingMethod) -> str:
        return reverse("indicators:rating_detail", args=[obj.code])
