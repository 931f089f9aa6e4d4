"""Projects in the JSON API, mounted at /api/v1/projects/.

Every project is public: reading needs no account. A project comes with its stage, and its plan and actual
spending in total and split by source of money. Money is a string with two decimals ("1000000.00"), never a
float. The list is paginated by `limit`/`offset` and answers `{"items": [...], "count": N}`, like the other lists
of the API; its filters are the web list's (unknown values are ignored). Errors have the project's one shape
(api/api.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from localbridge.api_auth import read_auth

from . import selectors
from .models import FundingSource, Origin, Project, ProjectStage

router = Router(tags=["projects"])
CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    return str(value.quantize(CENT))


class Ref(Schema):
    id: int
    name: str


class SourceAmounts(Schema):
    source: str = Field(description="grant, municipal_budget, regional_budget, residents, sponsors, …")
    label: str
    planned: str
    actual: str
    over_plan: bool


class Budget(Schema):
    currency: str
    planned: str
    actual: str
    over_plan: bool
    sources: list[SourceAmounts] = Field(description="every source with a plan or spending, in a fixed order")


class ProjectItem(Schema):
    id: int
    title: str
    summary: str
    stage: ProjectStage
    stage_display: str
    origin: Origin
    year: int
    municipality: Ref
    owner: Ref
    funder: Ref | None
    latitude: float | None
    longitude: float | None
    open_problems: int = Field(description="residents' problem notes not yet resolved")
    rating_average: float | None
    rating_count: int
    budget: Budget
    url: str


class MilestoneOut(Schema):
    title: str
    planned_date: date
    actual_date: date | None
    percent_done: int
    contractor: str
    overdue: bool


class StageOut(Schema):
    kind: str
    label: str
    planned_start: date | None
    planned_end: date | None
    actual_start: date | None
    actual_end: date | None


class ReportOut(Schema):
    id: int
    kind: str
    status: str
    volunteer_hours: int
    people_reached: int
    submitted_at: datetime | None
    decided_at: datetime | None
    photos: int


class ProjectDetail(ProjectItem):
    description: str
    object_description: str
    beneficiaries: str
    beneficiaries_count: int | None
    address: str
    stages: list[StageOut]
    milestones: list[MilestoneOut]
    reports: list[ReportOut]


class ProjectPage(Schema):
    items: list[ProjectItem]
    count: int


class ProjectFilters(Schema):
    municipality: int | None = Field(None, description="municipality id")
    stage: str | None = Field(None, description="a stage (object_choice, design, …, completed, cancelled) or active")
    source: FundingSource | None = Field(None, description="projects with a planned line from this source of money")
    year: int | None = None
    origin: Origin | None = None
    owner: int | None = Field(None, description="owner organisation id")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def _budget(summary: selectors.BudgetSummary) -> dict[str, Any]:
    return {
        "currency": summary.currency,
        "planned": money(summary.planned),
        "actual": money(summary.actual),
        "over_plan": summary.over,
        "sources": [
            {
                "source": s.source,
                "label": s.label,
                "planned": money(s.planned),
                "actual": money(s.actual),
                "over_plan": s.over,
            }
            for s in summary.sources
        ],
    }


def _item(project: Project, summary: selectors.BudgetSummary) -> dict[str, Any]:
    average = project.rating_average
    return {
        "id": project.pk,
        "title": project.title,
        "summary": project.summary,
        "stage": project.stage,
        "stage_display": project.get_stage_display(),
        "origin": project.origin,
        "year": project.year,
        "municipality": _ref(project.municipality),
        "owner": _ref(project.owner),
        "funder": _ref(project.funder),
        "latitude": float(project.latitude) if project.latitude is not None else None,
        "longitude": float(project.longitude) if project.longitude is not None else None,
        "open_problems": project.open_problems,
        "rating_average": float(average) if average is not None else None,
        "rating_count": project.rating_count,
        "budget": _budget(summary),
        "url": reverse("projects:detail", args=[project.pk]),
    }


@router.get("/", response=ProjectPage, auth=read_auth, summary="List projects")
def project_list(request: HttpRequest, filters: Query[ProjectFilters]) -> dict[str, Any]:
    """Projects, the newest first, with their stage and their plan and actual spending in total and by source of
    money. Filters: `municipality` (id), `stage` (or `active` for every stage under way), `source`, `year`,
    `origin`, `owner` (organisation id). A constant number of queries per page."""
    data = filters.dict()
    limit, offset = data.pop("limit"), data.pop("offset")
    projects = selectors.project_list(**data)
    page = list(projects[offset : offset + limit])
    summaries = selectors.budget_summaries(page)
    return {"items": [_item(p, summaries[p.pk]) for p in page], "count": projects.count()}


@router.get("/{int:project_id}", response=ProjectDetail, auth=read_auth, summary="One project")
def project_detail(request: HttpRequest, project_id: int) -> dict[str, Any]:
    """One project with its stages, milestones (overdue ones flagged, by the municipality's date), reports and
    its budget by source of money."""
    detail = selectors.project_detail(pk=project_id)
    project = detail.project
    item = _item(project, detail.budget)
    item.update(
        description=project.description,
        object_description=project.object_description,
        beneficiaries=project.beneficiaries,
        beneficiaries_count=project.beneficiaries_count,
        address=project.address,
        stages=[
            {
                "kind": s.kind,
                "label": s.get_kind_display(),
                "planned_start": s.planned_start,
                "planned_end": s.planned_end,
                "actual_start": s.actual_start,
                "actual_end": s.actual_end,
            }
            for s in detail.stages
        ],
        milestones=[
            {
                "title": m.title,
                "planned_date": m.planned_date,
                "actual_date": m.actual_date,
                "percent_done": m.percent_done,
                "contractor": m.contractor,
                "overdue": m.is_overdue(detail.today),
            }
            for m in detail.milestones
        ],
        reports=[
            {
                "id": r.pk,
                "kind": r.kind,
                "status": r.status,
                "volunteer_hours": r.volunteer_hours,
                "people_reached": r.people_reached,
                "submitted_at": r.submitted_at,
                "decided_at": r.decided_at,
                "photos": len(r.photos.all()),
            }
            for r in detail.reports
            if r.status != "draft"
        ],
    )
    return item
