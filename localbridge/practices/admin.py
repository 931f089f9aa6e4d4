"""Django admin for operators: practices with their organisations, figures and files, adoptions, topics and
tags. The moderation status and the recommendation are read-only here: they change only through the services
(the moderation pages), which keep the history and the search index in step."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Adoption, Practice, PracticeAttachment, PracticeFigure, PracticeOrganization, Tag, Topic


class PracticeOrganizationInline(admin.TabularInline):
    model = PracticeOrganization
    extra = 0
    raw_id_fields = ("organization",)
    fields = ("organization", "role", "position")


class PracticeFigureInline(admin.TabularInline):
    model = PracticeFigure
    extra = 0
    fields = ("kind", "label", "value_before", "value", "unit", "currency", "source", "position")


class PracticeAttachmentInline(admin.TabularInline):
    model = PracticeAttachment
    extra = 0
    fields = ("kind", "original_name", "caption", "content_type", "size", "position")
    readonly_fields = ("kind", "original_name", "content_type", "size")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # uploads are checked by their real type in practice_attach


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "language", "year", "region", "is_recommended", "is_generated", "published_at")
    list_filter = ("status", "is_recommended", "is_generated", "language", "topics")
    search_fields = ("title", "summary")
    list_select_related = ("region",)
    raw_id_fields = ("country", "region", "municipality", "author")
    filter_horizontal = ("topics",)
    autocomplete_fields = ("tags",)
    readonly_fields = (
        "status",
        "year",
        "submitted_at",
        "published_at",
        "moderation_comment",
        "is_recommended",
        "recommendation_note",
        "recommended_by",
        "recommended_at",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "created_at"
    inlines = (PracticeOrganizationInline, PracticeFigureInline, PracticeAttachmentInline)
    show_full_result_count = False  # no COUNT(*) over the whole table on every changelist page


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ("practice", "organization", "adopted_on", "municipality", "created_at")
    search_fields = ("practice__title", "organization__name")
    list_select_related = ("practice", "organization", "municipality")
    raw_id_fields = ("practice", "organization", "municipality", "created_by")
    date_hierarchy = "adopted_on"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Adoption]:
        return super().get_queryset(request).select_related("practice", "organization", "municipality")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name_ru", "name_en", "code", "position", "is_active")
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name_ru", "name_en", "code")

    def get_readonly_fields(self, request: HttpRequest, obj: Topic | None = None) -> tuple[str, ...]:
        return ("code",) if obj is not None else ()  # codes are stable: URLs and imports use them


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
