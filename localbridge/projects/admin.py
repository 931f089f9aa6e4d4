"""Django admin for operators: projects with their stages, milestones and budget lines, and reports and inspection
notes. The stage, a report's status and the counters are changed by the services (audited), so they are read-only
here."""

from django.contrib import admin

from .models import BudgetLine, Expense, Inspection, Milestone, Project, Report, ReportPhoto, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    can_delete = False
    fields = ("kind", "planned_start", "planned_end", "actual_start", "actual_end", "survey", "hearing")
    readonly_fields = ("kind",)
    raw_id_fields = ("survey", "hearing")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("title", "planned_date", "actual_date", "percent_done", "contractor", "overdue_notified_on")


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ("source", "title", "planned", "position")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "stage", "origin", "municipality", "owner", "year", "open_problems")
    list_filter = ("stage", "origin", "year")
    search_fields = ("title", "address")
    list_select_related = ("municipality", "owner")
    raw_id_fields = ("owner", "funder", "municipality", "settlement", "application", "proposal", "vote_project")
    readonly_fields = (
        "stage",
        "created_by",
        "created_at",
        "updated_at",
        "started_at",
        "completed_at",
        "rating_count",
        "rating_sum",
        "open_problems",
    )
    inlines = [StageInline, MilestoneInline, BudgetLineInline]


@admin.register(Expense)
class ExpenseAdmin(admin.ModelAdmin):
    list_display = ("project", "line", "amount", "currency", "spent_on")
    list_select_related = ("project", "line")
    raw_id_fields = ("project", "line", "recorded_by")
    date_hierarchy = "spent_on"


class ReportPhotoInline(admin.TabularInline):
    model = ReportPhoto
    extra = 0
    fields = ("image", "phase", "caption", "is_placeholder")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("project", "kind", "status", "submitted_at", "decided_at")
    list_filter = ("kind", "status")
    list_select_related = ("project",)
    raw_id_fields = ("project", "created_by", "submitted_by", "decided_by")
    readonly_fields = ("status", "submitted_at", "decided_at")
    inlines = [ReportPhotoInline]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("project", "verdict", "status", "created_at")
    list_filter = ("verdict", "status")
    list_select_related = ("project",)
    raw_id_fields = ("project", "author", "answered_by", "resolved_by")
    readonly_fields = ("status", "answered_at", "resolved_at")
