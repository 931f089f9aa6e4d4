"""The projects module's public pages: the list with its filters and exports, the map with its data and popups,
and a project's page (its place, origin, stage, timeline, plan against actual, milestones, reports, residents'
notes and ratings) with the residents' and the funder's forms on it.

Thin: forms parse, services decide and write, rules say who may act; reads come from selectors. The owner's and
staff's pages are in views_manage.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from localbridge.core.exports import EXPORT_FORMATS, Column, export_response
from localbridge.core.files import DOCUMENT_TYPES, IMAGE_TYPES, file_response
from localbridge.core.forms import add_service_errors, errors_to_messages
from localbridge.core.pagination import paginate
from localbridge.core.text import render_markdown

from . import selectors, services
from .forms import AnswerForm, InspectionForm, ProjectFilterForm, RatingForm, ReturnForm
from .models import (
    STAGE_ORDER,
    Document,
    Expense,
    FundingSource,
    Inspection,
    InspectionPhoto,
    Origin,
    ProjectStage,
    Report,
    ReportPhoto,
    ReportStatus,
)

SERVABLE_TYPES = frozenset({*DOCUMENT_TYPES.values(), *IMAGE_TYPES.values()})
IMAGES = frozenset(IMAGE_TYPES.values())
MAP_CAP = 2000
EXPORT_CAP = 50_000

# What each kind of timeline entry is called on the page.
TIMELINE_LABELS = {
    "stage_start": gettext_lazy("Stage started"),
    "stage_end": gettext_lazy("Stage ended"),
    "move": gettext_lazy("Moved on to"),
    "milestone_due": gettext_lazy("Milestone due"),
    "milestone_done": gettext_lazy("Milestone done"),
    "expense": gettext_lazy("Spending"),
    "document": gettext_lazy("Document"),
    "report_submitted": gettext_lazy("Report submitted"),
    "report_decided": gettext_lazy("Report decided"),
    "inspection": gettext_lazy("Inspection note"),
    "inspection_answered": gettext_lazy("Note answered"),
    "inspection_resolved": gettext_lazy("Note resolved"),
    "rating": gettext_lazy("Rating"),
    "plan_changed": gettext_lazy("Plan changed"),
    "expense_changed": gettext_lazy("Spending corrected"),
    "expense_removed": gettext_lazy("Spending removed"),
}
CORRECTION_KINDS = frozenset(selectors.CORRECTIONS.values())
# Each stage's marker on the map carries a symbol as well as a colour (the stage is not told by colour alone).
MAP_SYMBOLS = {
    ProjectStage.OBJECT_CHOICE: "?",
    ProjectStage.DESIGN: "✎",
    ProjectStage.IMPLEMENTATION: "⚒",
    ProjectStage.CONTROL: "👁",
    ProjectStage.COMPLETION: "✓",
    ProjectStage.COMPLETED: "★",
    ProjectStage.CANCELLED: "✕",
}


# --- the list, its exports, the map ------------------------------------------------------------------------------


def _filtered(request: HttpRequest) -> tuple[ProjectFilterForm, dict[str, Any]]:
    form = ProjectFilterForm(request.GET or None, options=selectors.project_filter_options())
    return form, form.filters()


def project_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filtered(request)
    page = paginate(request, selectors.project_list(**filters))
    summaries = selectors.budget_summaries(page.object_list)
    rows = [(project, summaries[project.pk]) for project in page.object_list]
    query = urlencode({key: value for key, value in filters.items() if value})
    return render(
        request,
        "projects/project_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "has_filters": bool(query),
            "query": query,
            "formats": EXPORT_FORMATS,
            "section": "list",
        },
    )


def _source_amount(summaries: dict[int, Any], key: str, which: str) -> Callable[[Any], Any]:
    return lambda project: getattr(summaries[project.pk].source(key), which)


def _project_columns(summaries: dict[int, Any]) -> list[Column]:
    columns = [
        Column(_("No."), lambda p: p.pk),
        Column(_("Title"), lambda p: p.title),
        Column(_("Municipality"), lambda p: p.municipality.name),
        Column(_("Carried out by"), lambda p: p.owner.name),
        Column(_("Funder"), lambda p: p.funder.name if p.funder else ""),
        Column(_("Stage"), lambda p: p.get_stage_display()),
        Column(_("Origin"), lambda p: p.get_origin_display()),
        Column(_("Year"), lambda p: p.year),
        Column(_("Currency"), lambda p: p.currency),
    ]
    for key, label in FundingSource.choices:
        columns.append(Column(_("Plan: %(source)s") % {"source": label}, _source_amount(summaries, key, "planned")))
        columns.append(Column(_("Actual: %(source)s") % {"source": label}, _source_amount(summaries, key, "actual")))
    columns += [
        Column(_("Plan in total"), lambda p: summaries[p.pk].planned),
        Column(_("Actual in total"), lambda p: summaries[p.pk].actual),
        Column(_("Unresolved problem notes"), lambda p: p.open_problems),
        Column(_("Average rating"), lambda p: p.rating_average),
    ]
    return columns


def project_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered projects as CSV or XLSX, with the plan and the actual spending per source and in total
    (three queries however many projects, up to EXPORT_CAP)."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _form, filters = _filtered(request)
    projects = list(selectors.project_list(**filters)[:EXPORT_CAP])
    summaries = selectors.budget_summaries(projects)
    return export_response(projects, _project_columns(summaries), filename="projects", fmt=fmt)


def spending_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The spending of the filtered projects, one row per expense (one query, streamed)."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _form, filters = _filtered(request)
    expenses = selectors.expense_list(projects=selectors.project_list(**filters))
    columns = [
        Column(_("Project no."), lambda e: e.project_id),
        Column(_("Project"), lambda e: e.project.title),
        Column(_("Municipality"), lambda e: e.project.municipality.name),
        Column(_("Carried out by"), lambda e: e.project.owner.name),
        Column(_("Source of money"), lambda e: e.line.get_source_display()),
        Column(_("Line of the plan"), lambda e: e.line.title),
        Column(_("Spent on"), lambda e: e.spent_on),
        Column(_("Amount"), lambda e: e.amount),
        Column(_("Currency"), lambda e: e.currency),
        Column(_("Description"), lambda e: e.description),
        Column(_("Document"), lambda e: e.document_name),
    ]
    return export_response(expenses.iterator(chunk_size=2000), columns, filename="spending", fmt=fmt)


def project_map_page(request: HttpRequest) -> HttpResponse:
    """The projects on a map, filtered like the list. The page holds no project: its script draws them from
    project_map and fetches a marker's popup from project_map_popup. Without JavaScript it points to the list."""
    form, filters = _filtered(request)
    query = urlencode({key: value for key, value in filters.items() if value})
    choices: Any = form.fields["municipality"]
    municipality = next((m for m in choices.choices if m[0] == filters["municipality"]), None)
    return render(
        request,
        "projects/project_map.html",
        {
            "form": form,
            "filters": {key: value or "" for key, value in filters.items()},
            "municipality_name": municipality[1] if municipality else "",
            "has_filters": bool(query),
            "query": query,
            "legend": [(stage, stage.label, MAP_SYMBOLS[stage]) for stage in MAP_SYMBOLS],
            "cap": MAP_CAP,
            "section": "map",
        },
    )


def project_map(request: HttpRequest) -> JsonResponse:
    """[[id, lat, lon, stage], …] of the filtered projects with a point, the newest first, at most MAP_CAP; the
    header X-Map-Truncated is 1 when more matched."""
    _form, filters = _filtered(request)
    rows = list(
        selectors.project_list(**filters)
        .exclude(latitude=None)
        .exclude(longitude=None)
        .values_list("pk", "latitude", "longitude", "stage")[: MAP_CAP + 1]
    )
    points = [[pk, float(lat or 0), float(lon or 0), stage] for pk, lat, lon, stage in rows[:MAP_CAP]]
    response = JsonResponse(points, safe=False)
    response["Cache-Control"] = "public, max-age=60"
    response["X-Map-Truncated"] = "1" if len(rows) > MAP_CAP else "0"
    return response


def project_map_popup(request: HttpRequest, pk: int) -> JsonResponse:
    """What a marker's popup shows, fetched when it opens: {id, title, stage, stage_display, owner, url}."""
    project = selectors.project_get(pk=pk)
    response = JsonResponse(
        {
            "id": project.pk,
            "title": project.title,
            "stage": project.stage,
            "stage_display": project.get_stage_display(),
            "owner": project.owner.name,
            "url": reverse("projects:detail", args=[project.pk]),
        }
    )
    response["Cache-Control"] = "public, max-age=60"
    return response


# --- one project ---------------------------------------------------------------------------------------------------


def _stage_steps(stage: str) -> tuple[list[dict[str, Any]], int]:
    """The progress bar: each stage done, current or to come, and the per cent of the way."""
    order = [*STAGE_ORDER, ProjectStage.COMPLETED]
    reached = order.index(stage) if stage in order else -1
    steps = []
    for index, key in enumerate(order):
        state = "done" if index < reached else ("current" if index == reached else "todo")
        if stage == ProjectStage.COMPLETED and key == ProjectStage.COMPLETED:
            state = "done"
        steps.append({"key": key, "label": ProjectStage(key).label, "state": state})
    percent = round(100 * max(reached, 0) / (len(order) - 1)) if reached >= 0 else 0
    return steps, percent


def origin_link(project: Any) -> tuple[str, str] | None:
    """(url, text) of the decision the project came from: the contest's results, the proposal, the vote's results."""
    if project.origin == Origin.CONTEST_AWARD and project.application_id:
        contest = project.application.contest
        return reverse("contests:results", args=[contest.pk]), contest.title
    if project.origin == Origin.INITIATIVE_PROPOSAL and project.proposal_id:
        return reverse("participation:proposal_detail", args=[project.proposal_id]), project.proposal.title
    if project.origin == Origin.PB_WINNER and project.vote_project_id:
        vote = project.vote_project.vote
        return reverse("participation:vote_results", args=[vote.pk]), vote.title
    return None


def _detail(request: HttpRequest, pk: Any, *, status: int = 200, **forms: Any) -> HttpResponse:
    detail = selectors.project_detail(pk=pk)
    project = detail.project
    access = selectors.project_access(request.user, project)
    steps, percent = _stage_steps(project.stage)
    own_inspections = {
        i.pk for i in detail.inspections if request.user.is_authenticated and i.author_id == request.user.pk
    }
    may_resolve = access.decide_reports or request.user.has_perm("projects.resolve_inspection", project)
    timeline = [(entry, TIMELINE_LABELS.get(entry.kind, entry.kind)) for entry in reversed(detail.timeline)]
    photos_by_phase: dict[str, list[Any]] = {}
    for report in detail.reports:
        for photo in report.photos.all():
            photos_by_phase.setdefault(photo.phase, []).append(photo)
    return render(
        request,
        "projects/project_detail.html",
        {
            "detail": detail,
            "project": project,
            "access": access,
            "steps": steps,
            "percent": percent,
            "origin": origin_link(project),
            "description_html": render_markdown(project.description),
            "timeline": timeline,
            "has_point": project.latitude is not None and project.longitude is not None,
            "inspection_form": forms.get("inspection_form") or InspectionForm(),
            "rating_form": forms.get("rating_form") or RatingForm(),
            "answer_form": AnswerForm(),
            "return_form": ReturnForm(),
            "own_inspections": own_inspections,
            "may_resolve": may_resolve,
            "submitted": ReportStatus.SUBMITTED,
            "corrections": CORRECTION_KINDS,
        },
        status=status,
    )


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


def _inspection(pk: int, inspection_pk: int) -> Inspection:
    return get_object_or_404(
        Inspection.objects.select_related("project", "project__municipality"), pk=inspection_pk, project_id=pk
    )


@login_required
@require_POST
def inspection_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk=pk)
    form = InspectionForm(request.POST, request.FILES)
    if form.is_valid():
        photo = form.cleaned_data["photo"]
        try:
            services.inspection_create(
                project=project,
                actor=request.user,
                text=form.cleaned_data["text"],
                verdict=form.cleaned_data["verdict"],
                photos=[photo] if photo else [],
                captions=[form.cleaned_data["caption"]] if photo else [],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"photos": "photo"})
        else:
            messages.success(request, _("Thank you: your note is published."))
            return redirect(reverse("projects:detail", args=[pk]) + "#inspections")
    return _detail(request, pk, status=400, inspection_form=form)


@login_required
@require_POST
def inspection_answer(request: HttpRequest, pk: int, inspection_pk: int) -> HttpResponse:
    inspection = _inspection(pk, inspection_pk)
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Write the answer."), code="required")
        services.inspection_answer(inspection=inspection, actor=request.user, answer=form.cleaned_data["answer"])
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The answer is published."))
    return redirect(reverse("projects:detail", args=[pk]) + f"#inspection-{inspection.pk}")


@login_required
@require_POST
def inspection_resolve(request: HttpRequest, pk: int, inspection_pk: int) -> HttpResponse:
    inspection = _inspection(pk, inspection_pk)
    try:
        services.inspection_resolve(inspection=inspection, actor=request.user, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The note is marked as resolved."))
    return redirect(reverse("projects:detail", args=[pk]) + f"#inspection-{inspection.pk}")


@login_required
@require_POST
def rating_set(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk=pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rating_set(
                project=project,
                actor=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your rating is counted."))
            return redirect(reverse("projects:detail", args=[pk]) + "#ratings")
    return _detail(request, pk, status=400, rating_form=form)


def _report(pk: int, report_pk: int) -> Report:
    return get_object_or_404(
        Report.objects.select_related("project", "project__municipality"), pk=report_pk, project_id=pk
    )


@login_required
@require_POST
def report_decide(request: HttpRequest, pk: int, report_pk: int, decision: str) -> HttpResponse:
    """The funder accepts a submitted report, or returns it with remarks."""
    report = _report(pk, report_pk)
    try:
        if decision == "accept":
            services.report_accept(report=report, actor=request.user, comment=request.POST.get("comment", ""))
        elif decision == "return":
            services.report_return(report=report, actor=request.user, remarks=request.POST.get("remarks", ""))
        else:
            raise Http404
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(
            request, _("The report is accepted.") if decision == "accept" else _("The report is returned with remarks.")
        )
    return redirect(reverse("projects:detail", args=[pk]) + f"#report-{report.pk}")


# --- the files: photos shown inline, documents downloaded ---------------------------------------------------------


def _serve(field: Any, *, filename: str, content_type: str = "") -> HttpResponseBase:
    extension = PurePath(field.name).suffix.lower().lstrip(".")
    content_type = content_type or IMAGE_TYPES.get("jpg" if extension == "jpeg" else extension, "")
    if content_type not in SERVABLE_TYPES:
        content_type = "application/octet-stream"
    try:
        return file_response(field, content_type=content_type, filename=filename, inline=content_type in IMAGES)
    except FileNotFoundError:
        raise Http404


def report_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponseBase:
    """A report's photo: public once the report is submitted; a draft's only to those who run the project."""
    photo = get_object_or_404(
        ReportPhoto.objects.select_related("report", "report__project"), pk=photo_pk, report__project_id=pk
    )
    if photo.report.status == ReportStatus.DRAFT and not request.user.has_perm(
        "projects.change_project", photo.report.project
    ):
        raise Http404
    return _serve(photo.image, filename=f"photo-{photo.pk}{PurePath(photo.image.name).suffix}")


def inspection_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponseBase:
    photo = get_object_or_404(InspectionPhoto, pk=photo_pk, inspection__project_id=pk)
    return _serve(photo.image, filename=f"photo-{photo.pk}{PurePath(photo.image.name).suffix}")


def expense_document(request: HttpRequest, pk: int, expense_pk: int) -> HttpResponseBase:
    expense = get_object_or_404(Expense, pk=expense_pk, project_id=pk)
    if not expense.document:
        raise Http404
    return _serve(
        expense.document, filename=expense.document_name or f"document-{expense.pk}", content_type=expense.document_type
    )


def project_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponseBase:
    document = get_object_or_404(Document, pk=document_pk, project_id=pk)
    return _serve(
        document.file, filename=document.original_name or f"document-{document.pk}", content_type=document.content_type
    )
