from django.contrib import admin

from .models import Agreement, AgreementDocument, AgreementParty, AgreementReport, CooperationArea, TwinLink


@admin.register(CooperationArea)
class CooperationAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ru", "name_en", "position")
    list_editable = ("name_ru", "name_en", "position")
    search_fields = ("code", "name_ru", "name_en")


class PartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    raw_id_fields = ("municipality", "organization")


class DocumentInline(admin.TabularInline):
    model = AgreementDocument
    extra = 0


class ReportInline(admin.TabularInline):
    model = AgreementReport
    extra = 0
    raw_id_fields = ("author",)


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    """Read and correct agreements; lifecycle moves go through the services (status is read-only here)."""

    list_display = ("title", "kind", "status", "signed_on", "registration_number")
    list_filter = ("kind", "status")
    search_fields = ("title", "registration_number")
    readonly_fields = ("status",)
    raw_id_fields = ("created_by",)
    inlines = [PartyInline, DocumentInline, ReportInline]


@admin.register(TwinLink)
class TwinLinkAdmin(admin.ModelAdmin):
    list_display = ("municipality_a", "municipality_b", "source", "created_at")
    list_filter = ("source",)
    raw_id_fields = ("municipality_a", "municipality_b", "agreement")
    list_select_related = ("municipality_a", "municipality_b")
