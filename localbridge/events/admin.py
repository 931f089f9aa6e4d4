"""Django admin for operators: events with their organisers, programme and materials; registrations; the library's
documents with their versions; resolutions with their addressees and items.

What the services guard stays read-only here, so that the admin cannot skip their checks, audit rows, search index
or e-mails: an event's and a document's status; a published event's time, place, link and format (changed on the
organisers' page, which tells the people registered); registrations (seats and the waiting list); files (checked by
their real type on upload); library versions (numbered, extracted, indexed). An item's status is editable: the move
goes through services/resolutions.item_set_status, with its rules (a comment, or evidence for «done») and its
audit row. A document changed here is re-indexed after the commit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import (
    DocumentVersion,
    Event,
    EventOrganization,
    EventStatus,
    LibraryDocument,
    Material,
    Registration,
    Resolution,
    ResolutionItem,
    ResolutionSection,
    Session,
)
from .services.events import ATTENDEE_FIELDS
from .services.library import library_search_index
from .services.resolutions import item_set_status, item_status_errors


class ReadOnlyInline(admin.TabularInline):
    """Rows shown, not added, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- events ------------------------------------------------------------------------------------------------------


class EventOrganizationInline(admin.TabularInline):
    model = EventOrganization
    extra = 0
    raw_id_fields = ("organization",)
    fields = ("organization", "role", "position")


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    raw_id_fields = ("speaker_users",)
    fields = ("title", "starts_at", "ends_at", "room", "speakers", "speaker_users", "position")


class MaterialInline(admin.TabularInline):
    """Materials are added on the organisers' page (files checked by their real type); here their title and
    language can be corrected."""

    model = Material
    extra = 0
    can_delete = False
    fields = ("title", "kind", "language", "session", "url", "file", "size")
    readonly_fields = ("kind", "session", "url", "file", "size")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Material]:
        return super().get_queryset(request).select_related("session")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "format", "status", "starts_at", "time_zone", "municipality", "capacity")
    list_filter = ("kind", "format", "status")
    search_fields = ("title", "venue", "address", "municipality__name_ru", "source_slug")
    list_select_related = ("municipality",)
    raw_id_fields = ("region", "municipality", "created_by")
    filter_horizontal = ("topics",)
    date_hierarchy = "starts_at"
    show_full_result_count = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = (EventOrganizationInline, SessionInline, MaterialInline)
    readonly_fields = (
        "status",
        "published_at",
        "cancelled_at",
        "cancellation_reason",
        "sequence",
        "source_slug",
        "created_at",
        "updated_at",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != EventStatus.DRAFT:
            # The people registered rely on these: they change on the organisers' page, which tells them.
            fields += ATTENDEE_FIELDS
        return fields


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-only: seats, the waiting list and attendance change through the site (under the event's lock, with the
    e-mails and the audit)."""

    list_display = ("user", "event", "status", "waitlist_position", "attended", "created_at", "cancelled_at")
    list_filter = ("status", "attended")
    search_fields = ("user__email", "user__full_name", "event__title")
    list_select_related = ("user", "event")
    raw_id_fields = ("user", "event")
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- the library -------------------------------------------------------------------------------------------------


class DocumentVersionInline(ReadOnlyInline):
    """Versions are added on the library's pages (the file checked, its text extracted and indexed)."""

    model = DocumentVersion
    fields = ("number", "published_on", "original_name", "file", "size", "text_source", "changes", "created_by")
    readonly_fields = fields
    ordering = ("-number",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[DocumentVersion]:
        return super().get_queryset(request).select_related("created_by")


@admin.register(LibraryDocument)
class LibraryDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "language", "status", "published_on", "municipality", "is_generated")
    list_filter = ("kind", "status", "language", "is_generated")
    search_fields = ("title", "summary", "author")
    list_select_related = ("municipality",)
    raw_id_fields = ("country", "region", "municipality", "created_by")
    filter_horizontal = ("topics",)
    readonly_fields = ("status", "current_version", "created_at", "updated_at")
    show_full_result_count = False
    inlines = (DocumentVersionInline,)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        pk = form.instance.pk
        transaction.on_commit(lambda: library_search_index([pk]))  # the search sees the corrected description

    def delete_model(self, request: HttpRequest, obj: LibraryDocument) -> None:
        pk = obj.pk
        super().delete_model(request, obj)
        transaction.on_commit(lambda: library_search_index([pk]))  # a document gone leaves the index

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[LibraryDocument]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        transaction.on_commit(lambda: library_search_index(ids))


# --- resolutions -------------------------------------------------------------------------------------------------


class ResolutionSectionInline(ReadOnlyInline):
    model = ResolutionSection
    fields = ("position", "addressee")
    readonly_fields = fields


class ItemStatusForm(forms.ModelForm):
    """An item's status, changed through item_set_status: its rules are checked here (with the comment given)
    so that a refused move is an error beside the row, not a failed save."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 1}),
        help_text=_("Required for “not accepted”; for “done”, unless the item has evidence."),
    )

    class Meta:
        model = ResolutionItem
        fields = ("status",)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "status" in self.changed_data and data.get("status"):
            problems = item_status_errors(self.instance, data["status"], data.get("comment") or "")
            for field, messages in problems.errors.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


class ResolutionItemInline(admin.TabularInline):
    model = ResolutionItem
    form = ItemStatusForm
    extra = 0
    can_delete = False
    fields = ("section", "position", "text", "status", "comment", "status_changed_at")
    readonly_fields = ("section", "position", "text", "status_changed_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ResolutionItem]:
        return super().get_queryset(request).select_related("section")


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    """Read-only but for its items' statuses: resolutions are entered and corrected on the site (the parser's
    split, the addressees matched to the registry)."""

    list_display = ("title", "adopted_on", "place", "event", "created_at")
    search_fields = ("title", "place", "event__title", "source_slug")
    list_select_related = ("event",)
    date_hierarchy = "adopted_on"
    show_full_result_count = False
    fields = ("title", "adopted_on", "place", "event", "source_name", "source_file", "source_slug", "created_by")
    readonly_fields = fields
    inlines = (ResolutionSectionInline, ResolutionItemInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Resolution, form: Any, change: bool) -> None:
        pass  # every field of the resolution itself is read-only here

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Nothing is saved by the formsets themselves; the admin's change message reads these lists.
        formset.new_objects, formset.deleted_objects, formset.changed_objects = [], [], []
        if formset.model is not ResolutionItem:
            return
        for item_form in formset.forms:
            if "status" in item_form.changed_data:
                item = item_set_status(
                    item=item_form.instance,  # re-read under its lock by the service
                    actor=request.user,
                    status=item_form.cleaned_data["status"],
                    comment=item_form.cleaned_data.get("comment") or "",
                )
                formset.changed_objects.append((item, ["status"]))
