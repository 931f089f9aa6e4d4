"""Reads of projects: the public list with its filters (municipality, stage, source of money, year, origin), one
project with everything its page shows read in a constant number of queries, the budget plan against the actual
spending per line, per source and in total with warnings where spending exceeds the plan (for one project, or for
a page of projects in two queries), overdue milestones in each municipality's time zone, and what a user may do
on a project's page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Exists, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_history
from localbridge.core.models import AuditEntry
from localbridge.organizations.models import (
    Membership,
    MembershipRole,
    OrganizationKind,
    municipality_today,
    municipality_zone,
)
from localbridge.territories.models import Municipality

from .models import (
    ACTIVE_STAGES,
    BudgetLine,
    Document,
    Expense,
    FundingSource,
    Inspection,
    InspectionPhoto,
    InspectionStatus,
    Milestone,
    Origin,
    Project,
    ProjectStage,
    Rating,
    Report,
    ReportPhoto,
    ReportStatus,
    Stage,
    Verdict,
)
from .rules import ACTING_ROLES, MEMBER_ROLES

ZERO = Decimal("0.00")
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)
# The furthest ahead of UTC any time zone runs (UTC+14): a date earlier than today there is past everywhere.
LATEST_OFFSET = timedelta(hours=14)


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


# --- the list --------------------------------------------------------------------------------------------------


def project_visible_to(user: Any) -> QuerySet[Project]:
    """Every project is public (implementation is carried out in the open): the same for everyone."""
    return Project.objects.all()


def _as_int(value: Any) -> int | None:
    if isinstance(value, Municipality):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def project_list(
    *,
    municipality: Municipality | int | str | None = None,
    stage: str | None = None,
    source: str | None = None,
    year: int | str | None = None,
    origin: str | None = None,
    owner: int | str | None = None,
) -> QuerySet[Project]:
    """Projects, newest first, with the municipality, owner and funder selected, filtered by municipality, stage
    ("active" for every stage under way), source of money (a planned line from it), year, origin and owner.
    Unknown filter values are ignored (a stale link shows everything, not an error)."""
    projects = Project.objects.select_related("municipality", "owner", "funder", "settlement")
    municipality_id = _as_int(municipality) if municipality not in (None, "") else None
    if municipality_id is not None:
        projects = projects.filter(municipality_id=municipality_id)
    if stage == "active":
        projects = projects.filter(stage__in=ACTIVE_STAGES)
    elif stage in ProjectStage.values:
        projects = projects.filter(stage=stage)
    if source in FundingSource.values:
        projects = projects.filter(
            Exists(BudgetLine.objects.filter(project=OuterRef("pk"), source=source, planned__gt=0))
        )
    year_value = _as_int(year) if year not in (None, "") else None
    if year_value is not None:
        projects = projects.filter(year=year_value)
    if origin in Origin.values:
        projects = projects.filter(origin=origin)
    owner_id = _as_int(owner) if owner not in (None, "") else None
    if owner_id is not None:
        projects = projects.filter(owner_id=owner_id)
    return projects.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class FilterOptions:
    municipalities: list[Municipality]
    years: list[int]
    stages: list[tuple[str, str]]
    sources: list[tuple[str, str]]
    origins: list[tuple[str, str]]


def project_filter_options() -> FilterOptions:
    """What the list's and the map's filters offer: the municipalities and years that have projects (two
    queries), the stages, sources of money and origins."""
    municipality_ids = Project.objects.values("municipality_id").distinct()
    municipalities = list(Municipality.objects.filter(pk__in=municipality_ids).order_by("name_ru"))
    years = sorted(set(Project.objects.values_list("year", flat=True).distinct()), reverse=True)
    return FilterOptions(
        municipalities=municipalities,
        years=years,
        stages=[(str(v), str(label)) for v, label in ProjectStage.choices],
        sources=[(str(v), str(label)) for v, label in FundingSource.choices],
        origins=[(str(v), str(label)) for v, label in Origin.choices],
    )


def my_projects(user: Any) -> QuerySet[Project]:
    """Projects of the organisations the user is an active chair, member or staff of."""
    if not _signed_in(user):
        return Project.objects.none()
    organizations = Membership.objects.filter(user=user, is_active=True, role__in=MEMBER_ROLES).values(
        "organization_id"
    )
    return (
        Project.objects.filter(owner_id__in=organizations)
        .select_related("municipality", "owner", "funder")
        .order_by("-created_at", "-pk")
    )


# --- money: the plan against the actual spending ---------------------------------------------------------------


@dataclass
class LineAmounts:
    line: BudgetLine
    planned: Decimal
    actual: Decimal

    @property
    def over(self) -> bool:
        return self.actual > self.planned

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.actual


@dataclass
class SourceAmounts:
    source: str
    label: str
    planned: Decimal = ZERO
    actual: Decimal = ZERO

    @property
    def over(self) -> bool:
        return self.actual > self.planned

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.actual

    @property
    def percent_spent(self) -> Decimal | None:
        if not self.planned:
            return None
        return (self.actual * 100 / self.planned).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class BudgetWarning:
    code: str  # "line_over_plan" or "source_over_plan" or "total_over_plan"
    message: str
    source: str = ""
    line_id: int | None = None


@dataclass
class BudgetSummary:
    """A project's plan against its actual spending: per line (when read for one project), per source of money
    (every source that has a plan or spending, in the order of FundingSource) and in total, with warnings."""

    currency: str
    lines: list[LineAmounts] = field(default_factory=list)
    sources: list[SourceAmounts] = field(default_factory=list)
    planned: Decimal = ZERO
    actual: Decimal = ZERO
    warnings: list[BudgetWarning] = field(default_factory=list)

    @property
    def over(self) -> bool:
        return self.actual > self.planned

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.actual

    def source(self, key: str) -> SourceAmounts:
        for amounts in self.sources:
            if amounts.source == key:
                return amounts
        return SourceAmounts(source=key, label=str(FundingSource(key).label))


def _money_text(value: Decimal, currency: str) -> str:
    return f"{value:,.2f}".replace(",", "\u00a0") + f" {currency}"


def _summarise(
    currency: str, planned_by_source: dict[str, Decimal], actual_by_source: dict[str, Decimal]
) -> BudgetSummary:
    summary = BudgetSummary(currency=currency)
    for key, label in FundingSource.choices:
        planned = planned_by_source.get(key, ZERO)
        actual = actual_by_source.get(key, ZERO)
        if planned or actual:
            summary.sources.append(SourceAmounts(source=str(key), label=str(label), planned=planned, actual=actual))
    summary.planned = sum((s.planned for s in summary.sources), ZERO)
    summary.actual = sum((s.actual for s in summary.sources), ZERO)
    for amounts in summary.sources:
        if amounts.over:
            summary.warnings.append(
                BudgetWarning(
                    code="source_over_plan",
                    message=_("Spending from “%(source)s” exceeds the plan by %(amount)s.")
                    % {"source": amounts.label, "amount": _money_text(amounts.actual - amounts.planned, currency)},
                    source=amounts.source,
                )
            )
    if summary.over:
        summary.warnings.append(
            BudgetWarning(
                code="total_over_plan",
                message=_("Total spending exceeds the plan by %(amount)s.")
                % {"amount": _money_text(summary.actual - summary.planned, currency)},
            )
        )
    return summary


def project_budget(project: Project) -> BudgetSummary:
    """The plan against the actual spending of one project, per line, per source and in total (one query)."""
    lines = list(
        BudgetLine.objects.filter(project=project)
        .annotate(actual=Coalesce(Sum("expenses__amount"), Value(ZERO), output_field=MONEY))
        .order_by("position", "pk")
    )
    planned: dict[str, Decimal] = defaultdict(lambda: ZERO)
    actual: dict[str, Decimal] = defaultdict(lambda: ZERO)
    rows = []
    for line in lines:
        spent: Decimal = line.actual  # type: ignore[attr-defined]
        planned[line.source] += line.planned
        actual[line.source] += spent
        rows.append(LineAmounts(line=line, planned=line.planned, actual=spent))
    summary = _summarise(project.currency, planned, actual)
    summary.lines = rows
    line_warnings = [
        BudgetWarning(
            code="line_over_plan",
            message=_("Spending on “%(line)s” exceeds its plan by %(amount)s.")
            % {"line": row.line.title, "amount": _money_text(row.actual - row.planned, project.currency)},
            source=row.line.source,
            line_id=row.line.pk,
        )
        for row in summary.lines
        if row.over
    ]
    summary.warnings = line_warnings + summary.warnings
    return summary


def budget_summaries(projects: Iterable[Project]) -> dict[int, BudgetSummary]:
    """The plan and the actual spending per source and in total of each of `projects` (a page of a list or of
    the API): two queries however many projects."""
    projects = list(projects)
    ids = [p.pk for p in projects]
    planned: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    actual: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    if ids:
        for row in (
            BudgetLine.objects.filter(project_id__in=ids)
            .values("project_id", "source")
            .annotate(total=Sum("planned"))
            .order_by()
        ):
            planned[row["project_id"]][row["source"]] += row["total"] or ZERO
        for row in (
            Expense.objects.filter(project_id__in=ids)
            .values("project_id", "line__source")
            .annotate(total=Sum("amount"))
            .order_by()
        ):
            actual[row["project_id"]][row["line__source"]] += row["total"] or ZERO
    return {p.pk: _summarise(p.currency, planned[p.pk], actual[p.pk]) for p in projects}


# --- milestones ------------------------------------------------------------------------------------------------


def overdue_milestones(now: datetime | None = None, *, project: Project | None = None) -> list[Milestone]:
    """Milestones not done whose planned date is before today in their project's municipality (each in its own
    time zone), of projects under way; with the project, its municipality and owner. One query: the database
    narrows to dates past somewhere on Earth, the municipality's clock decides."""
    now = now or timezone.now()
    latest_today = (now.astimezone(UTC) + LATEST_OFFSET).date()
    candidates = Milestone.objects.filter(
        actual_date__isnull=True,
        percent_done__lt=100,
        planned_date__lt=latest_today,
        project__stage__in=ACTIVE_STAGES,
    ).select_related("project", "project__municipality", "project__owner")
    if project is not None:
        candidates = candidates.filter(project=project)
    today_of: dict[int, date] = {}
    overdue = []
    for milestone in candidates.order_by("planned_date", "pk"):
        municipality = milestone.project.municipality
        if municipality.pk not in today_of:
            today_of[municipality.pk] = municipality_today(municipality, now)
        if milestone.is_overdue(today_of[municipality.pk]):
            overdue.append(milestone)
    return overdue


# --- one project -----------------------------------------------------------------------------------------------


# Corrections of the public record the timeline shows from the audit trail (the entry is `obj`, with the values
# before and after and the reason in its data): a line of the plan changed, spending corrected or removed.
CORRECTIONS = {
    "budget_line_update": "plan_changed",
    "expense_update": "expense_changed",
    "expense_remove": "expense_removed",
}


@dataclass(frozen=True)
class TimelineEntry:
    """One event of a project's public timeline, on a date of the municipality."""

    on: date
    kind: str  # stage_start, stage_end, move, milestone_due, milestone_done, expense, document, report_submitted,
    #            report_decided, inspection, inspection_answered, inspection_resolved, rating (its score), and the
    #            corrections plan_changed, expense_changed, expense_removed (obj: the audit entry)
    title: str
    obj: Any = None
    at: datetime | None = None


@dataclass
class ProjectDetail:
    project: Project
    today: date
    stages: list[Stage]
    milestones: list[Milestone]
    budget: BudgetSummary
    expenses: list[Expense]
    documents: list[Document]
    reports: list[Report]
    inspections: list[Inspection]
    ratings: list[Rating]
    history: list[AuditEntry]
    timeline: list[TimelineEntry]

    @property
    def overdue_milestones(self) -> list[Milestone]:
        return [m for m in self.milestones if m.is_overdue(self.today)]

    @property
    def open_milestones(self) -> list[Milestone]:
        return [m for m in self.milestones if not m.is_done]

    @property
    def unresolved_problems(self) -> list[Inspection]:
        return [i for i in self.inspections if i.is_unresolved]

    @property
    def final_report(self) -> Report | None:
        return next((r for r in self.reports if r.kind == "final"), None)

    @property
    def current_stage(self) -> Stage | None:
        return next((s for s in self.stages if s.kind == self.project.stage), None)


def project_get(*, pk: Any) -> Project:
    """One project with its place, owner, funder and source, else Http404 (every project is public)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404
    project = (
        Project.objects.select_related(
            "municipality",
            "municipality__region",
            "settlement",
            "owner",
            "funder",
            "created_by",
            "application",
            "application__contest",
            "proposal",
            "vote_project",
            "vote_project__vote",
        )
        .filter(pk=key)
        .first()
    )
    if project is None:
        raise Http404
    return project


def _local_date(moment: datetime, zone: Any) -> date:
    return timezone.localtime(moment, zone).date()


def _timeline(detail: ProjectDetail) -> list[TimelineEntry]:
    zone = municipality_zone(detail.project.municipality)
    entries: list[TimelineEntry] = []
    for stage in detail.stages:
        label = stage.get_kind_display()
        if stage.actual_start:
            entries.append(TimelineEntry(stage.actual_start, "stage_start", label, stage))
        if stage.actual_end:
            entries.append(TimelineEntry(stage.actual_end, "stage_end", label, stage))
    line_titles: dict[Any, str] = {row.line.pk: row.line.title for row in detail.budget.lines}
    for entry in detail.history:
        if entry.action != "create" and entry.from_status != entry.to_status and entry.to_status in ProjectStage.values:
            title = str(ProjectStage(entry.to_status).label)
            entries.append(TimelineEntry(_local_date(entry.at, zone), "move", title, entry, entry.at))
        elif entry.action in CORRECTIONS:
            data = entry.data if isinstance(entry.data, dict) else {}
            if entry.action == "budget_line_update" and data.get("before") == data.get("after"):
                continue  # saved without a change
            shown = (data if entry.action == "expense_remove" else data.get("after")) or {}
            title = shown.get("title") or shown.get("line_title") or line_titles.get(data.get("line"), "")
            entries.append(
                TimelineEntry(_local_date(entry.at, zone), CORRECTIONS[entry.action], str(title), entry, entry.at)
            )
    for milestone in detail.milestones:
        if milestone.is_done and milestone.actual_date:
            entries.append(TimelineEntry(milestone.actual_date, "milestone_done", milestone.title, milestone))
        else:
            entries.append(TimelineEntry(milestone.planned_date, "milestone_due", milestone.title, milestone))
    for expense in detail.expenses:
        entries.append(TimelineEntry(expense.spent_on, "expense", expense.line.title, expense))
    for document in detail.documents:
        entries.append(
            TimelineEntry(
                _local_date(document.created_at, zone), "document", document.title, document, document.created_at
            )
        )
    for report in detail.reports:
        if report.submitted_at:
            entries.append(
                TimelineEntry(
                    _local_date(report.submitted_at, zone),
                    "report_submitted",
                    report.get_kind_display(),
                    report,
                    report.submitted_at,
                )
            )
        if report.decided_at:
            entries.append(
                TimelineEntry(
                    _local_date(report.decided_at, zone),
                    "report_decided",
                    report.get_status_display(),
                    report,
                    report.decided_at,
                )
            )
    for inspection in detail.inspections:
        entries.append(
            TimelineEntry(
                _local_date(inspection.created_at, zone),
                "inspection",
                inspection.get_verdict_display(),
                inspection,
                inspection.created_at,
            )
        )
        if inspection.answered_at:
            entries.append(
                TimelineEntry(
                    _local_date(inspection.answered_at, zone),
                    "inspection_answered",
                    inspection.get_verdict_display(),
                    inspection,
                    inspection.answered_at,
                )
            )
        if inspection.resolved_at and inspection.verdict == Verdict.PROBLEMS:
            entries.append(
                TimelineEntry(
                    _local_date(inspection.resolved_at, zone),
                    "inspection_resolved",
                    inspection.get_verdict_display(),
                    inspection,
                    inspection.resolved_at,
                )
            )
    for rating in detail.ratings:
        entries.append(
            TimelineEntry(
                _local_date(rating.updated_at, zone), "rating", f"{rating.score}/5", rating, rating.updated_at
            )
        )
    return sorted(entries, key=lambda e: (e.on, e.at.timestamp() if e.at else 0.0))


def project_detail(*, pk: Any, now: datetime | None = None) -> ProjectDetail:
    """One project with everything its public page shows — stages with the linked survey or meeting, milestones
    (overdue ones known by the municipality's today), the plan against the actual spending, the expenses and
    documents, the reports with their photos, the inspection notes with their photos, the ratings, the audit
    trail of its moves — and the timeline of all of it. A constant number of queries however much there is."""
    project = project_get(pk=pk)
    now = now or timezone.now()
    stages = list(Stage.objects.filter(project=project).select_related("survey", "hearing").order_by("position"))
    milestones = list(Milestone.objects.filter(project=project).order_by("position", "planned_date", "pk"))
    expenses = list(
        Expense.objects.filter(project=project).select_related("line", "recorded_by").order_by("spent_on", "pk")
    )
    documents = list(
        Document.objects.filter(project=project).select_related("stage", "uploaded_by").order_by("created_at", "pk")
    )
    reports = list(
        Report.objects.filter(project=project)
        .select_related("created_by", "submitted_by", "decided_by")
        .prefetch_related(Prefetch("photos", queryset=ReportPhoto.objects.order_by("position", "pk")))
        .order_by("created_at", "pk")
    )
    inspections = list(
        Inspection.objects.filter(project=project)
        .select_related("author", "answered_by", "resolved_by")
        .prefetch_related(Prefetch("photos", queryset=InspectionPhoto.objects.order_by("pk")))
        .order_by("-created_at", "-pk")
    )
    ratings = list(Rating.objects.filter(project=project).select_related("user").order_by("-created_at", "-pk"))
    history = list(audit_history(obj=project))
    detail = ProjectDetail(
        project=project,
        today=municipality_today(project.municipality, now),
        stages=stages,
        milestones=milestones,
        budget=project_budget(project),
        expenses=expenses,
        documents=documents,
        reports=reports,
        inspections=inspections,
        ratings=ratings,
        history=history,
        timeline=[],
    )
    detail.timeline = _timeline(detail)
    return detail


def open_problem_notes(project: Project) -> QuerySet[Inspection]:
    """The project's problem notes not yet resolved, oldest first (what its page shows on top)."""
    return (
        Inspection.objects.filter(project=project, verdict=Verdict.PROBLEMS)
        .exclude(status=InspectionStatus.RESOLVED)
        .select_related("author", "answered_by")
        .order_by("created_at", "pk")
    )


def expense_list(*, projects: QuerySet[Project] | None = None, project: Project | None = None) -> QuerySet[Expense]:
    """Expenses with their project, line and the municipality (for the spending export), by project and date."""
    expenses = Expense.objects.select_related("project", "project__municipality", "project__owner", "line")
    if project is not None:
        expenses = expenses.filter(project=project)
    elif projects is not None:
        expenses = expenses.filter(project__in=projects.values("pk"))
    return expenses.order_by("project_id", "spent_on", "pk")


def reports_awaiting_decision(user: Any) -> QuerySet[Report]:
    """Submitted reports the user decides on: of projects whose funder they act for (chair or staff), and of
    projects without a funder in the municipalities whose administration employs them; every one for platform
    staff. Oldest first, with the project."""
    reports = Report.objects.filter(status=ReportStatus.SUBMITTED).select_related(
        "project", "project__municipality", "project__owner", "submitted_by"
    )
    if not _signed_in(user):
        return reports.none()
    if not (user.is_staff or user.is_superuser):
        memberships = Membership.objects.filter(user=user, is_active=True)
        funders = memberships.filter(role__in=ACTING_ROLES).values("organization_id")
        municipalities = memberships.filter(
            role=MembershipRole.STAFF, organization__kind=OrganizationKind.ADMINISTRATION
        ).values("organization__municipality_id")
        reports = reports.filter(
            Q(project__funder_id__in=funders)
            | Q(project__funder__isnull=True, project__municipality_id__in=municipalities)
        )
    return reports.order_by("submitted_at", "pk")


# --- what a user may do on a project's page --------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectAccess:
    change: bool
    advance: bool
    cancel: bool
    decide_reports: bool
    inspect: bool
    answer_inspections: bool
    rate: bool


def project_access(user: Any, project: Project) -> ProjectAccess:
    """The permissions a project's page needs, each checked once (a few queries, however long the page); inspecting
    and rating also as the project's stage allows (not a cancelled project; a completed one)."""
    if not _signed_in(user):
        return ProjectAccess(False, False, False, False, False, False, False)
    change = user.has_perm("projects.change_project", project)
    return ProjectAccess(
        change=change,
        advance=user.has_perm("projects.advance_project", project),
        cancel=user.has_perm("projects.cancel_project", project),
        decide_reports=user.has_perm("projects.decide_report", project),
        inspect=project.stage != ProjectStage.CANCELLED and user.has_perm("projects.inspect_project", project),
        answer_inspections=change,
        rate=project.stage == ProjectStage.COMPLETED and user.has_perm("projects.rate_project", project),
    )


__all__ = [
    "CORRECTIONS",
    "BudgetSummary",
    "BudgetWarning",
    "FilterOptions",
    "LineAmounts",
    "ProjectAccess",
    "ProjectDetail",
    "SourceAmounts",
    "TimelineEntry",
    "budget_summaries",
    "expense_list",
    "my_projects",
    "open_problem_notes",
    "overdue_milestones",
    "project_access",
    "project_budget",
    "project_detail",
    "project_filter_options",
    "project_get",
    "project_list",
    "project_visible_to",
    "reports_awaiting_decision",
]
