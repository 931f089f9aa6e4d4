"""Django admin for operators: organisations with their elected bodies and ТОС registration, memberships and
documents."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import BodyMember, Document, Membership, Organization, TosProfile


class BodyMemberInline(admin.TabularInline):
    model = BodyMember
    extra = 0
    fields = ("full_name", "role", "position")


class TosProfileInline(admin.StackedInline):
    model = TosProfile
    extra = 0
    max_num = 1
    raw_id_fields = ("charter", "reviewer")
    readonly_fields = ("submitted_at", "decided_at")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "role", "title", "is_active")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "status", "region", "municipality", "is_legal_entity", "registry_number")
    list_filter = ("kind", "status", "is_legal_entity", "is_generated", "region")
    search_fields = ("name", "short_name", "name_en", "registry_number", "ogrn")
    list_select_related = ("region", "municipality")
    raw_id_fields = ("country", "region", "municipality", "settlement", "created_by")
    readonly_fields = ("created_at", "updated_at", "registered_at", "search_text", "territory_key")
    date_hierarchy = "created_at"
    inlines = (TosProfileInline, BodyMemberInline, MembershipInline)
    show_full_result_count = False  # no COUNT(*) over the whole table on every changelist page


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "title", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__email", "user__full_name", "organization__name")
    list_select_related = ("user", "organization")
    raw_id_fields = ("user", "organization")


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "organization", "kind", "is_public", "content_type", "size", "created_at")
    list_filter = ("kind", "is_public")
    search_fields = ("title", "original_name", "organization__name")
    list_select_related = ("organization",)
    raw_id_fields = ("organization", "uploaded_by")
    readonly_fields = ("content_type", "size", "original_name", "created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        return super().get_queryset(request).select_related("organization")
