"""Territories in the Django admin. Reference rows come from `load_reference`, which puts back what it loaded;
operators add what the sources lack (municipalities abroad, intra-city territories, villages)."""

from django.contrib import admin

from .models import Country, Municipality, Region, Settlement


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("code", "code3", "name_ru", "name_en")
    search_fields = ("code", "code3", "name_ru", "name_en")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ru", "name_en", "country", "federal_district")
    list_filter = ("federal_district", "country")
    search_fields = ("code", "name_ru", "name_en")
    list_select_related = ("country",)
    autocomplete_fields = ("country",)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name_ru", "name_en", "kind", "region", "oktmo", "population", "timezone")
    list_filter = ("kind", "region")
    search_fields = ("name_ru", "name_en", "oktmo", "search_name")
    list_select_related = ("region",)
    autocomplete_fields = ("country", "region", "parent")
    readonly_fields = ("search_name",)


@admin.register(Settlement)
class SettlementAdmin(admin.ModelAdmin):
    list_display = ("name_ru", "name_en", "kind", "municipality", "population", "foundation_year")
    list_filter = ("kind",)
    search_fields = ("name_ru", "name_en", "oktmo")
    list_select_related = ("municipality",)
    autocomplete_fields = ("municipality",)
    readonly_fields = ("fias_id",)
