"""The owner's and the staff's pages of projects: "My projects" (the user's projects, the reports awaiting their
decision, and the decisions of other modules they may make a project from, each with its "Create the project"
button), creating a project directly, editing it, and its management page: the stage moves, milestones, the
budget plan, spending with documents and reports with photos.

Thin: forms parse, services decide and write (and check permissions); reads come from selectors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from localbridge.contests.models import Application
from localbridge.core.forms import add_service_errors, errors_to_messages
from localbridge.participation.models import Proposal, VoteProject

from . import selectors, selectors_sources, services
from .forms import (
    BudgetLineForm,
    CancelForm,
    CommentForm,
    DocumentForm,
    ExpenseEditForm,
    ExpenseForm,
    ExpenseRemoveForm,
    MilestoneForm,
    PhotoForm,
    ProjectForm,
    ReportForm,
    StageForm,
)
from .models import (
    REPORT_EDITABLE_STATUSES,
    BudgetLine,
    Document,
    Expense,
    Milestone,
    PhotoPhase,
    Project,
    Report,
    ReportKind,
    ReportPhoto,
    Stage,
)


def _project_url(project: Project, anchor: str = "") -> str:
    return reverse("projects:manage", args=[project.pk]) + (f"#{anchor}" if anchor else "")


def _require_change(request: HttpRequest, project: Project) -> None:
    if not request.user.has_perm("projects.change_project", project):
        raise PermissionDenied(_("Only the people carrying out the project may change it."))


def _refuse_closed(request: HttpRequest, project: Project, anchor: str) -> HttpResponse | None:
    """Back to the management page with the reason, when the project is completed or cancelled (its forms are
    gone from the page, so an error beside them would not be seen)."""
    if not project.is_closed:
        return None
    messages.error(
        request,
        _("The project is %(stage)s: it can no longer be changed.") % {"stage": project.get_stage_display()},
    )
    return redirect(_project_url(project, anchor))


# --- my projects and where a project comes from --------------------------------------------------------------------


@login_required
def my_projects(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "projects/my_projects.html",
        {
            "projects": list(selectors.my_projects(user)[:200]),
            "awaiting": list(selectors.reports_awaiting_decision(user)[:200]),
            "sources": selectors_sources.eligible_sources(user),
            "section": "my",
            "may_create": selectors_sources.owner_choices(user).exists(),
        },
    )


@login_required
@require_POST
def project_create_from(request: HttpRequest, kind: str, source_pk: int) -> HttpResponse:
    """Make the project of an awarded application, an accepted proposal or a funded vote winner."""
    try:
        if kind == "award":
            application = get_object_or_404(Application.objects.select_related("contest", "organization"), pk=source_pk)
            project = services.project_from_award(application=application, actor=request.user)
        elif kind == "proposal":
            proposal = get_object_or_404(Proposal.objects.select_related("municipality", "proposer_tos"), pk=source_pk)
            project = services.project_from_proposal(proposal=proposal, actor=request.user)
        elif kind == "vote":
            vote_project = get_object_or_404(VoteProject.objects.select_related("vote", "proposal"), pk=source_pk)
            project = services.project_from_vote_project(vote_project=vote_project, actor=request.user)
        else:
            raise Http404
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("projects:my")
    messages.success(request, _("The project is created. Plan its stages, milestones and budget."))
    return redirect("projects:manage", pk=project.pk)


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    """A project an organisation carries out on its own decision (a ТОС's own work)."""
    owners = selectors_sources.owner_choices(request.user)
    form = ProjectForm(request.POST or None, owners=owners)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                project = services.project_create(
                    actor=request.user,
                    owner=form.cleaned_data["owner"],
                    municipality=form.cleaned_data["municipality"],
                    **form.project_fields(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The project is created. Plan its stages, milestones and budget."))
                return redirect("projects:manage", pk=project.pk)
        status = 400
    return render(request, "projects/project_form.html", {"form": form, "project": None}, status=status)


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk=pk)
    if not request.user.has_perm("projects.change_project", project):
        raise PermissionDenied(_("Only the people carrying out the project may change it."))
    form = ProjectForm(request.POST or None, initial=ProjectForm.initial_for(project))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.project_update(project=project, actor=request.user, **form.project_fields())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The project is saved."))
                return redirect("projects:manage", pk=project.pk)
        status = 400
    return render(request, "projects/project_form.html", {"form": form, "project": project}, status=status)


# --- the management page -----------------------------------------------------------------------------------------


def _manage(request: HttpRequest, pk: Any, *, status: int = 200, **forms: Any) -> HttpResponse:
    detail = selectors.project_detail(pk=pk)
    project = detail.project
    access = selectors.project_access(request.user, project)
    if not (access.change or access.cancel):
        raise PermissionDenied(_("Only the people carrying out the project may manage it."))
    # Each line of the plan with its own edit form (the one posted with faults keeps what was typed).
    editing_pk, editing_form = forms.get("line_edit") or (None, None)
    editable = access.change and not project.is_closed
    budget_rows = [
        (row, (editing_form if row.line.pk == editing_pk else _line_form(row.line)) if editable else None)
        for row in detail.budget.lines
    ]
    return render(
        request,
        "projects/project_manage.html",
        {
            "detail": detail,
            "project": project,
            "access": access,
            "advance_errors": [m for e in services.project_advance_errors(project) for m in e.messages]
            if access.advance and not project.is_closed
            else [],
            "advance_form": forms.get("advance_form") or CommentForm(),
            "cancel_form": forms.get("cancel_form") or CancelForm(),
            "milestone_form": forms.get("milestone_form") or MilestoneForm(),
            "line_form": forms.get("line_form") or BudgetLineForm(),
            "budget_rows": budget_rows,
            "editing_line": editing_pk,
            "expense_form": forms.get("expense_form") or ExpenseForm(project=project),
            "report_form": forms.get("report_form") or ReportForm(),
            "document_form": forms.get("document_form") or DocumentForm(),
            "phases": PhotoPhase.choices,
            "manage_milestones": access.change and not project.is_closed,
            "report_kinds": ReportKind.choices,
            "editable_statuses": REPORT_EDITABLE_STATUSES,
            "has_final": detail.final_report is not None,
        },
        status=status,
    )


def _act(request: HttpRequest, call: Callable[[], Any], success: str, url: str) -> HttpResponse:
    """Run a service action posted without a form: its errors as messages; back to `url` either way."""
    try:
        call()
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, success)
    return redirect(url)


def _submit(
    request: HttpRequest,
    pk: int,
    form: Any,
    name: str,
    call: Callable[[dict[str, Any]], Any],
    success: str,
    url: str,
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """Run a service with a posted form's data: on faults the management page again (400) with the errors beside
    the fields, nothing saved; else a message and on to `url`."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases=aliases)
        else:
            messages.success(request, success)
            return redirect(url)
    return _manage(request, pk, status=400, **{name: form})


@login_required
def project_manage(request: HttpRequest, pk: int) -> HttpResponse:
    return _manage(request, pk)


@login_required
@require_POST
def project_advance(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk=pk)
    form = CommentForm(request.POST)
    form.is_valid()
    try:
        services.project_advance(project=project, actor=request.user, comment=form.cleaned_data.get("comment", ""))
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The project has moved on: %(stage)s.") % {"stage": project.get_stage_display()})
    return redirect(_project_url(project))


@login_required
@require_POST
def project_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk=pk)
    return _submit(
        request,
        pk,
        CancelForm(request.POST),
        "cancel_form",
        lambda data: services.project_cancel(project=project, actor=request.user, reason=data["reason"]),
        _("The project is cancelled."),
        reverse("projects:detail", args=[project.pk]),
        aliases={"comment": "reason"},
    )


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk=pk)
    return _submit(
        request,
        pk,
        MilestoneForm(request.POST),
        "milestone_form",
        lambda data: services.milestone_add(project=project, actor=request.user, **data),
        _("The milestone is added."),
        _project_url(project, "milestones"),
    )


def _milestone(pk: int, milestone_pk: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.select_related("project", "project__municipality"), pk=milestone_pk, project_id=pk
    )


@login_required
def milestone_edit(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    milestone = _milestone(pk, milestone_pk)
    project = milestone.project
    if not request.user.has_perm("projects.change_project", project):
        raise PermissionDenied(_("Only the people carrying out the project may change it."))
    initial = {
        "title": milestone.title,
        "planned_date": milestone.planned_date,
        "actual_date": milestone.actual_date,
        "percent_done": milestone.percent_done,
        "contractor": milestone.contractor,
    }
    form = MilestoneForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.milestone_update(milestone=milestone, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The milestone is saved."))
                return redirect(_project_url(project, "milestones"))
        status = 400
    return render(
        request,
        "projects/milestone_form.html",
        {"form": form, "project": project, "milestone": milestone},
        status=status,
    )


@login_required
@require_POST
def milestone_action(request: HttpRequest, pk: int, milestone_pk: int, action: str) -> HttpResponse:
    milestone = _milestone(pk, milestone_pk)
    try:
        if action == "complete":
            services.milestone_complete(milestone=milestone, actor=request.user)
            messages.success(request, _("The milestone is done."))
        elif action == "remove":
            services.milestone_remove(milestone=milestone, actor=request.user)
            messages.success(request, _("The milestone is removed."))
        else:
            raise Http404
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect(_project_url(milestone.project, "milestones"))


@login_required
@require_POST
def budget_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk=pk)
    return _submit(
        request,
        pk,
        BudgetLineForm(request.POST),
        "line_form",
        lambda data: services.budget_line_add(project=project, actor=request.user, **data),
        _("The line is added to the plan."),
        _project_url(project, "budget"),
    )


@login_required
@require_POST
def budget_line_remove(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    line = get_object_or_404(
        BudgetLine.objects.select_related("project", "project__municipality"), pk=line_pk, project_id=pk
    )
    return _act(
        request,
        lambda: services.budget_line_remove(line=line, actor=request.user),
        _("The line is removed from the plan."),
        _project_url(line.project, "budget"),
    )


def _line_form(line: BudgetLine, data: Any = None) -> BudgetLineForm:
    """The edit form of one line of the plan, its fields' ids unique on the page."""
    return BudgetLineForm(
        data,
        initial={"source": line.source, "title": line.title, "planned": line.planned},
        auto_id=f"line-{line.pk}-%s",
    )


@login_required
@require_POST
def budget_line_edit(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """Change a line of the plan (its source, item, planned amount) from its form on the management page; on faults
    the page again (400) with the errors beside that line's fields and what was typed."""
    line = get_object_or_404(
        BudgetLine.objects.select_related("project", "project__municipality"), pk=line_pk, project_id=pk
    )
    _require_change(request, line.project)
    refused = _refuse_closed(request, line.project, "budget")
    if refused is not None:
        return refused
    form = _line_form(line, request.POST)
    if form.is_valid():
        try:
            services.budget_line_update(line=line, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The line of the plan is saved."))
            return redirect(_project_url(line.project, f"budget-line-{line.pk}"))
    return _manage(request, pk, status=400, line_edit=(line.pk, form))


def _expense_values(data: dict[str, Any]) -> dict[str, Any]:
    """What the spending forms (record and correct) pass to the services."""
    return {
        "line": data["line"],
        "amount": data["amount"],
        "currency": data["currency"] or None,
        "spent_on": data["spent_on"],
        "description": data["description"],
        "document": data["document"],
    }


@login_required
@require_POST
def expense_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk=pk)
    form = ExpenseForm(request.POST, request.FILES, project=project)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.expense_record(project=project, actor=request.user, **_expense_values(data))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The spending is recorded."))
            return redirect(_project_url(project, "spending"))
    return _manage(request, pk, status=400, expense_form=form)


def _expense(pk: int, expense_pk: int) -> Expense:
    return get_object_or_404(
        Expense.objects.select_related("project", "project__municipality", "line"), pk=expense_pk, project_id=pk
    )


@login_required
def expense_edit(request: HttpRequest, pk: int, expense_pk: int) -> HttpResponse:
    """Correct recorded spending, with the reason (kept in the audit trail and shown in the public timeline)."""
    expense = _expense(pk, expense_pk)
    project = expense.project
    _require_change(request, project)
    refused = _refuse_closed(request, project, "spending")
    if refused is not None:
        return refused
    form = ExpenseEditForm(
        request.POST or None, request.FILES or None, project=project, initial=ExpenseEditForm.initial_for(expense)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.expense_update(
                    expense=expense, actor=request.user, reason=data["reason"], **_expense_values(data)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The spending is corrected."))
                return redirect(_project_url(project, "spending"))
        status = 400
    return render(
        request, "projects/expense_form.html", {"form": form, "project": project, "expense": expense}, status=status
    )


@login_required
def expense_remove(request: HttpRequest, pk: int, expense_pk: int) -> HttpResponse:
    """Confirm the removal of recorded spending with its reason (GET shows what goes; POST removes it)."""
    expense = _expense(pk, expense_pk)
    project = expense.project
    _require_change(request, project)
    refused = _refuse_closed(request, project, "spending")
    if refused is not None:
        return refused
    form = ExpenseRemoveForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.expense_remove(expense=expense, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The spending is removed; the reason stays in the project's timeline."))
                return redirect(_project_url(project, "spending"))
        status = 400
    return render(
        request, "projects/expense_remove.html", {"form": form, "project": project, "expense": expense}, status=status
    )


@login_required
@require_POST
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk=pk)
    kind = request.POST.get("kind", ReportKind.PROGRESS)
    return _submit(
        request,
        pk,
        ReportForm(request.POST),
        "report_form",
        lambda data: services.report_create(project=project, actor=request.user, kind=kind, **data),
        _("The report is saved as a draft: add its photos and submit it."),
        _project_url(project, "reports"),
    )


def _report(pk: int, report_pk: int) -> Report:
    return get_object_or_404(
        Report.objects.select_related("project", "project__municipality"), pk=report_pk, project_id=pk
    )


@login_required
@require_POST
def report_photo_add(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    report = _report(pk, report_pk)
    form = PhotoForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data().get("image") or _("Choose a photo."))
        services.report_photo_add(
            report=report,
            actor=request.user,
            upload=form.cleaned_data["image"],
            phase=form.cleaned_data["phase"],
            caption=form.cleaned_data["caption"],
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The photo is added."))
    return redirect(_project_url(report.project, f"report-{report.pk}"))


@login_required
def report_edit(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    """Change a draft or returned report's text and figures, and remove its photos; a report submitted or accepted
    (or of a closed project) is no longer changed: back to the management page with the reason."""
    report = _report(pk, report_pk)
    project = report.project
    _require_change(request, project)
    back = _project_url(project, f"report-{report.pk}")
    refused = _refuse_closed(request, project, f"report-{report.pk}")
    if refused is not None:
        return refused
    if report.status not in REPORT_EDITABLE_STATUSES:
        messages.error(
            request,
            _("The report is %(status)s: it can no longer be changed.") % {"status": report.get_status_display()},
        )
        return redirect(back)
    initial = {"text": report.text, "volunteer_hours": report.volunteer_hours, "people_reached": report.people_reached}
    form = ReportForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.report_update(report=report, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The report is saved."))
                return redirect(back)
        status = 400
    return render(
        request,
        "projects/report_form.html",
        {
            "form": form,
            "project": project,
            "report": report,
            "photos": list(report.photos.order_by("position", "pk")),
        },
        status=status,
    )


@login_required
@require_POST
def report_photo_remove(request: HttpRequest, pk: int, report_pk: int, photo_pk: int) -> HttpResponse:
    """Remove a photo of a draft or returned report; back to the report's edit page when posted from there."""
    photo = get_object_or_404(
        ReportPhoto.objects.select_related("report", "report__project", "report__project__municipality"),
        pk=photo_pk,
        report_id=report_pk,
        report__project_id=pk,
    )
    report = photo.report
    _require_change(request, report.project)
    if request.POST.get("back") == "edit":
        url = reverse("projects:report_edit", args=[pk, report.pk])
    else:
        url = _project_url(report.project, f"report-{report.pk}")
    return _act(
        request,
        lambda: services.report_photo_remove(photo=photo, actor=request.user),
        _("The photo is removed."),
        url,
    )


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    report = _report(pk, report_pk)
    return _act(
        request,
        lambda: services.report_submit(report=report, actor=request.user),
        _("The report is submitted to the funder."),
        _project_url(report.project, f"report-{report.pk}"),
    )


@login_required
def stage_edit(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    stage = get_object_or_404(
        Stage.objects.select_related("project", "project__municipality"), pk=stage_pk, project_id=pk
    )
    project = stage.project
    if not request.user.has_perm("projects.change_project", project):
        raise PermissionDenied(_("Only the people carrying out the project may change it."))
    form = StageForm(request.POST or None, stage=stage, initial=StageForm.initial_for(stage))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.stage_update(stage=stage, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The stage is saved."))
                return redirect(_project_url(project, "stages"))
        status = 400
    return render(
        request, "projects/stage_form.html", {"form": form, "project": project, "stage": stage}, status=status
    )


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                project=project,
                actor=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                stage=project.stages.filter(kind=project.stage).first(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The document is added."))
            return redirect(_project_url(project, "documents"))
    return _manage(request, pk, status=400, document_form=form)


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = get_object_or_404(
        Document.objects.select_related("project", "project__municipality"), pk=document_pk, project_id=pk
    )
    return _act(
        request,
        lambda: services.document_remove(document=document, actor=request.user),
        _("The document is removed."),
        _project_url(document.project, "documents"),
    )
