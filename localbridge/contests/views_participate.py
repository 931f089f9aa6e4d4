"""The applicant's and the expert's pages.

Applicants: apply for an organisation they act for; write the draft in steps (general, activities, budget,
attachments), every step saving the draft with the version it was loaded at, so that a save over someone else's
is refused and shown, never silently overwritten; see what still blocks submission; submit (a confirmation with
the number) or withdraw. A submitted application is read on its read-only page (views.application_detail).

Experts: their invitations (accept, decline), conflicts of interest with the applicant organisations, their
assignments with progress, and the scoring sheet of one assignment (other experts' scores, anonymised, once the
evaluation is closed).

Thin: forms parse, services decide and write, rules say who may act. The few reads that are only these pages'
(an expert's invitations, the organisations that applied) sit in the "reads" section below."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from localbridge.core.forms import add_service_errors
from localbridge.organizations.models import Organization

from . import budget, selectors, selectors_evaluation, services
from .forms_participate import (
    BUDGET_FIELDS,
    SOURCE_LABELS,
    ActivityFormSet,
    ApplyForm,
    AttachForm,
    BudgetLineFormSet,
    ConflictForm,
    GeneralForm,
    ScoreSheetForm,
    VersionedForm,
    WithdrawForm,
    activity_initial,
    applying_organizations,
    budget_initial,
    formset_rows,
    line_view,
)
from .models import (
    ADMITTED_STATUSES,
    Application,
    ApplicationStatus,
    Assignment,
    Contest,
    ContestStatus,
    Criterion,
    Expert,
    ExpertStatus,
)

STEPS = (
    ("general", gettext_lazy("About the project")),
    ("activities", gettext_lazy("Activities")),
    ("budget", gettext_lazy("Budget")),
    ("attachments", gettext_lazy("Documents")),
)
STEP_NAMES = tuple(name for name, _label in STEPS)
# Which step a submission problem (application_errors' key) is fixed on.
ERROR_STEPS = {
    **dict.fromkeys(
        ("title", "nomination", "municipality", "problem", "goals", "expected_results", "beneficiaries", "volunteers"),
        "general",
    ),
    "activities": "activities",
    "budget_lines": "budget",
    "attachments": "attachments",
}
ACTIVITY_FIELDS = ("name", "starts_on", "ends_on")


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _codes_of(exc: ValidationError) -> set[str]:
    if hasattr(exc, "error_dict"):
        return {e.code or "" for errors in exc.error_dict.values() for e in errors}
    return {e.code or "" for e in exc.error_list}


# --- applying -------------------------------------------------------------------------------------------------


@login_required
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Start an application: the organisation (of those the user acts for, eligible) and the project's title."""
    contest = selectors.contest_get(pk=pk, user=request.user)
    organizations = applying_organizations(request.user, contest)
    eligible = [row.organization for row in organizations if row.eligible]
    accepting = selectors.contest_accepting(contest)
    form = ApplyForm(request.POST or None, organizations=eligible)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application = services.application_create(
                    contest=contest,
                    organization=form.cleaned_data["organization"],
                    actor=request.user,
                    title=form.cleaned_data["title"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The draft is created. Fill it in step by step; every step is saved."))
                return redirect("contests:application_edit", pk=contest.pk, application_pk=application.pk)
        status = 400
    return render(
        request,
        "contests/participate/apply.html",
        {
            "contest": contest,
            "form": form,
            "organizations": organizations,
            "eligible": eligible,
            "accepting": accepting,
        },
        status=status,
    )


# --- the draft, step by step ---------------------------------------------------------------------------------


def _applicant_application(request: HttpRequest, pk: int, application_pk: int, perm: str) -> Application:
    application = selectors.application_get(contest_pk=pk, pk=application_pk)
    if not request.user.has_perm(perm, application):
        raise PermissionDenied(_("Only the chair or staff of the applicant organisation may do this."))
    return application


def _checklist(application: Application) -> list[dict[str, Any]]:
    """What blocks submission now, each with the step where it is fixed."""
    problems = services.application_errors(application)
    return [
        {"step": ERROR_STEPS.get(field), "message": message}
        for field, errors in problems.items()
        for error in errors
        for message in error.messages
    ]


def _is_stale(exc: ValidationError) -> bool:
    return "stale_version" in _codes_of(exc)


def _reload(application: Application) -> Application:
    """The application as saved (after a refused save the object in hand holds the refused values)."""
    return selectors.application_get(contest_pk=application.contest_id, pk=application.pk)


@login_required
def application_edit(request: HttpRequest, pk: int, application_pk: int, step: str = "general") -> HttpResponse:
    if step not in STEP_NAMES:
        raise Http404
    application = _applicant_application(request, pk, application_pk, "contests.change_application")
    if application.status != ApplicationStatus.DRAFT:
        messages.info(request, _("The application is submitted and can no longer be changed."))
        return redirect(application.get_absolute_url())
    handler = {
        "general": _general_step,
        "activities": _activities_step,
        "budget": _budget_step,
        "attachments": _attachments_step,
    }[step]
    return handler(request, application)


def _step_url(application: Application, step: str) -> str:
    return reverse("contests:application_step", args=[application.contest_id, application.pk, step])


def _after_save(request: HttpRequest, application: Application, step: str) -> HttpResponse:
    messages.success(request, _("The draft is saved."))
    if "next" in request.POST:
        index = STEP_NAMES.index(step)
        if index + 1 < len(STEP_NAMES):
            return redirect(_step_url(application, STEP_NAMES[index + 1]))
        return redirect("contests:application_submit", pk=application.contest_id, application_pk=application.pk)
    return redirect(_step_url(application, step))


def _save(request: HttpRequest, application: Application, version: int, **fields: Any) -> ValidationError | None:
    try:
        services.application_update(application=application, actor=request.user, version=version, **fields)
    except ValidationError as exc:
        return exc
    return None


def _stale_message(request: HttpRequest) -> None:
    messages.error(
        request,
        _(
            "Someone else saved this application meanwhile; your changes were not saved. Here is the current "
            "version: check it and make your changes again."
        ),
    )


def _step_page(
    request: HttpRequest, application: Application, step: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(
        request,
        f"contests/participate/step_{step}.html",
        {
            "application": application,
            "contest": application.contest,
            "steps": STEPS,
            "step": step,
            "checklist": _checklist(application),
            **context,
        },
        status=status,
    )


def _general_step(request: HttpRequest, application: Application) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = GeneralForm(request.POST, application=application)
        if form.is_valid():
            error = _save(request, application, form.cleaned_data["version"], **form.service_kwargs())
            if error is None:
                return _after_save(request, application, "general")
            application = _reload(application)
            if _is_stale(error):
                _stale_message(request)
                form = GeneralForm(initial=GeneralForm.initial_for(application), application=application)
                return _step_page(request, application, "general", {"form": form}, status=409)
            add_service_errors(form, error)
        status = 400
    else:
        form = GeneralForm(initial=GeneralForm.initial_for(application), application=application)
    return _step_page(request, application, "general", {"form": form}, status)


def _version_form(request: HttpRequest, application: Application) -> VersionedForm:
    if request.method == "POST":
        return VersionedForm(request.POST)
    return VersionedForm(initial={"version": application.version})


def _put_line_errors(formset: Any, rows: list[tuple[int, dict[str, Any]]], exc: ValidationError, field: str) -> None:
    """The service's errors about the rows (params "line"/"number": 1-based among the rows sent) beside those rows,
    the rest above the table."""
    general: list[str] = []
    errors = exc.error_dict.get(field, []) if hasattr(exc, "error_dict") else []
    for error in errors:
        params = error.params or {}
        number = params.get("line", params.get("number"))
        message = error.message % params if params else error.message
        if isinstance(number, int) and 0 < number <= len(rows):
            formset.forms[rows[number - 1][0]].add_error(None, message)
        else:
            general.append(str(message))
    for name, field_errors in exc.error_dict.items() if hasattr(exc, "error_dict") else []:
        if name != field:
            general += [m for e in field_errors for m in e.messages]
    if not hasattr(exc, "error_dict"):
        general += _messages_of(exc)
    if general:
        formset._non_form_errors = formset.error_class(general, renderer=formset.renderer)


def _activities_step(request: HttpRequest, application: Application) -> HttpResponse:
    version = _version_form(request, application)
    status = 200
    if request.method == "POST":
        formset = ActivityFormSet(request.POST, prefix="activities")
        valid = [version.is_valid(), formset.is_valid()]
        if all(valid):
            rows = formset_rows(formset, ACTIVITY_FIELDS)
            error = _save(request, application, version.cleaned_data["version"], activities=[v for _i, v in rows])
            if error is None:
                return _after_save(request, application, "activities")
            application = _reload(application)
            if _is_stale(error):
                _stale_message(request)
                return _step_page(
                    request,
                    application,
                    "activities",
                    {
                        "version_form": VersionedForm(initial={"version": application.version}),
                        "formset": ActivityFormSet(initial=activity_initial(application), prefix="activities"),
                    },
                    status=409,
                )
            _put_line_errors(formset, rows, error, "activities")
        status = 400
    else:
        formset = ActivityFormSet(initial=activity_initial(application), prefix="activities")
    return _step_page(request, application, "activities", {"version_form": version, "formset": formset}, status)


def _budget_context(application: Application, formset: Any, *, saved: bool) -> dict[str, Any]:
    """The budget table: each row with its total and its problems, the column totals, grant share and
    co-financing — computed here on render (budget.js recomputes them live as the user types)."""
    contest = application.contest
    rows = []
    views: list[Any] = []
    problems_by_line: dict[int, list[str]] = {}
    overall: list[str] = []
    if saved:
        lines = list(application.budget_lines.all())
        views = list(lines)
        for problem in budget.budget_errors(
            lines, max_grant=contest.max_grant, min_cofinancing_percent=contest.min_cofinancing_percent
        ):
            if problem.line is not None:
                problems_by_line.setdefault(problem.line - 1, []).append(str(problem))
            else:
                overall.append(str(problem))
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None) if form.is_bound else None
        values = data if data is not None else {name: form.initial.get(name) for name in BUDGET_FIELDS}
        view = line_view(values)
        if form.is_bound and data and not data.get("DELETE") and data.get("item"):
            views.append(view)
        rows.append({"form": form, "total": view.total, "problems": problems_by_line.get(index, [])})
    totals = budget.budget_totals(views)
    grant_share = (totals.grant * budget.HUNDRED / totals.total).quantize(budget.CENT) if totals.total else budget.ZERO
    return {
        "rows": rows,
        "formset": formset,
        "totals": totals,
        "sources": [(name, SOURCE_LABELS[name], getattr(totals, name)) for name in budget.SOURCES],
        "grant_share": grant_share,
        "budget_problems": overall,
        "empty_row": formset.empty_form,
    }


def _budget_step(request: HttpRequest, application: Application) -> HttpResponse:
    version = _version_form(request, application)
    status = 200
    saved = True
    if request.method == "POST":
        formset = BudgetLineFormSet(request.POST, prefix="lines")
        saved = False
        valid = [version.is_valid(), formset.is_valid()]
        if all(valid):
            rows = formset_rows(formset, BUDGET_FIELDS)
            error = _save(request, application, version.cleaned_data["version"], budget_lines=[v for _i, v in rows])
            if error is None:
                return _after_save(request, application, "budget")
            application = _reload(application)
            if _is_stale(error):
                _stale_message(request)
                formset = BudgetLineFormSet(initial=budget_initial(application.budget_lines.all()), prefix="lines")
                version = VersionedForm(initial={"version": application.version})
                context = {"version_form": version, **_budget_context(application, formset, saved=True)}
                return _step_page(request, application, "budget", context, status=409)
            _put_line_errors(formset, rows, error, "budget_lines")
        status = 400
    else:
        formset = BudgetLineFormSet(initial=budget_initial(application.budget_lines.all()), prefix="lines")
    context = {"version_form": version, **_budget_context(application, formset, saved=saved)}
    return _step_page(request, application, "budget", context, status)


def _attachments_step(request: HttpRequest, application: Application) -> HttpResponse:
    documents = list(application.contest.required_documents.all())
    attachments = list(application.attachments.all())
    forms = {
        str(d.pk): AttachForm(initial={"requirement": d.pk}, application=application, auto_id=f"id_doc{d.pk}_%s")
        for d in documents
    }
    forms[""] = AttachForm(application=application, auto_id="id_other_%s")
    status = 200
    if request.method == "POST":
        key = request.POST.get("requirement", "")
        if key not in forms:
            raise Http404
        form = AttachForm(request.POST, request.FILES, application=application, auto_id=forms[key].auto_id)
        forms[key] = form
        if form.is_valid():
            try:
                services.application_attach(
                    application=application,
                    actor=request.user,
                    upload=form.cleaned_data["file"],
                    requirement=form.cleaned_data["requirement"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The file is attached."))
                return redirect(_step_url(application, "attachments"))
        status = 400
    required = [
        {"document": d, "form": forms[str(d.pk)], "files": [a for a in attachments if a.requirement_id == d.pk]}
        for d in documents
    ]
    others = [a for a in attachments if a.requirement_id is None or a.requirement_id not in {d.pk for d in documents}]
    return _step_page(
        request,
        application,
        "attachments",
        {
            "required": required,
            "others": others,
            "other_form": forms[""],
            "max_attachments": services.MAX_ATTACHMENTS,
            "attached": len(attachments),
        },
        status,
    )


@login_required
@require_POST
def application_detach(request: HttpRequest, pk: int, application_pk: int, file_pk: int) -> HttpResponse:
    application = _applicant_application(request, pk, application_pk, "contests.change_application")
    attachment = next((a for a in application.attachments.all() if a.pk == file_pk), None)
    if attachment is None:
        raise Http404
    try:
        services.application_detach(application=application, actor=request.user, attachment=attachment)
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("The file is removed."))
    return redirect(_step_url(application, "attachments"))


# --- submission and withdrawal --------------------------------------------------------------------------------


@login_required
def application_submit(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    """The checklist and the confirmation; POST submits (refused with the checklist while anything is missing)."""
    application = _applicant_application(request, pk, application_pk, "contests.submit_application")
    if application.status != ApplicationStatus.DRAFT:
        messages.info(request, _("The application is already submitted."))
        return redirect(application.get_absolute_url())
    status = 200
    refused: list[str] = []
    if request.method == "POST":
        try:
            services.application_submit(application=application, actor=request.user)
        except ValidationError as exc:
            refused = _messages_of(exc)
            application = _reload(application)
            status = 400
        else:
            return redirect("contests:application_submitted", pk=pk, application_pk=application.pk)
    return render(
        request,
        "contests/participate/submit.html",
        {
            "application": application,
            "contest": application.contest,
            "steps": STEPS,
            "checklist": _checklist(application),
            "refused": refused,
        },
        status=status,
    )


@login_required
def application_submitted(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    application = _applicant_application(request, pk, application_pk, "contests.view_application")
    if application.status == ApplicationStatus.DRAFT:
        return redirect("contests:application_submit", pk=pk, application_pk=application.pk)
    return render(
        request,
        "contests/participate/submitted.html",
        {"application": application, "contest": application.contest},
    )


@login_required
def application_withdraw(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    application = _applicant_application(request, pk, application_pk, "contests.withdraw_application")
    form = WithdrawForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.application_withdraw(
                    application=application, actor=request.user, comment=form.cleaned_data["comment"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The application is withdrawn."))
                return redirect(application.get_absolute_url())
        status = 400
    return render(
        request,
        "contests/participate/withdraw.html",
        {"application": application, "contest": application.contest, "form": form},
        status=status,
    )


# --- reads only these pages need -------------------------------------------------------------------------


def my_invitations(user: Any) -> QuerySet[Expert]:
    """The user's expert roles (removed ones left out), the latest first, each with its contest and organiser and
    the number of admitted applications assigned and evaluated (one query)."""
    admitted = Q(assignments__application__status__in=ADMITTED_STATUSES)
    return (
        Expert.objects.filter(user=user)
        .exclude(status=ExpertStatus.REMOVED)
        .select_related("contest", "contest__organizer")
        .annotate(
            assigned=Count("assignments", filter=admitted),
            completed=Count("assignments", filter=admitted & Q(assignments__completed_at__isnull=False)),
        )
        .order_by("-created_at", "-pk")
    )


def applied_organizations(contest: Contest) -> QuerySet[Organization]:
    """The organisations with a submitted (not withdrawn) application in the contest (one query)."""
    applied = (
        Application.objects.filter(contest=contest)
        .exclude(status__in=(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN))
        .values("organization_id")
    )
    return Organization.objects.filter(pk__in=applied).order_by("name", "pk")


def _own_expert(request: HttpRequest, pk: int) -> Expert:
    """The user's expert role in the contest (invited, accepted or declined), or 404. A draft contest is not
    public, but its invited experts see it here."""
    user: Any = request.user
    expert = (
        Expert.objects.filter(contest_id=pk, user=user)
        .exclude(status=ExpertStatus.REMOVED)
        .select_related("contest")
        .first()
    )
    if expert is None:
        raise Http404
    return expert


# --- the expert -----------------------------------------------------------------------------------------------


@login_required
def my_evaluations(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    experts = list(my_invitations(user))
    return render(
        request,
        "contests/participate/my_evaluations.html",
        {
            "experts": experts,
            "may_answer": (
                ContestStatus.DRAFT,
                ContestStatus.ANNOUNCED,
                ContestStatus.REVIEW,
                ContestStatus.EVALUATION,
            ),
        },
    )


@login_required
@require_POST
def expert_respond(request: HttpRequest, pk: int) -> HttpResponse:
    expert = _own_expert(request, pk)
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        raise Http404
    try:
        services.expert_respond(expert=expert, actor=request.user, accept=answer == "accept")
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        if answer == "accept":
            messages.success(request, _("Thank you: you are an expert of this contest."))
        else:
            messages.success(request, _("The invitation is declined."))
    return redirect("contests:my_evaluations")


@login_required
def expert_conflicts(request: HttpRequest, pk: int) -> HttpResponse:
    expert = _own_expert(request, pk)
    contest = expert.contest
    if not request.user.has_perm("contests.respond_invitation", contest):
        raise PermissionDenied
    conflicts = list(expert.conflicts.select_related("organization").order_by("organization__name"))
    declared = [c.organization_id for c in conflicts]
    organizations = applied_organizations(contest).exclude(pk__in=declared)
    form = ConflictForm(request.POST or None, organizations=organizations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.conflict_declare(
                    expert=expert,
                    actor=request.user,
                    organization=form.cleaned_data["organization"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The conflict of interest is declared."))
                return redirect("contests:expert_conflicts", pk=pk)
        status = 400
    return render(
        request,
        "contests/participate/conflicts.html",
        {"contest": contest, "expert": expert, "conflicts": conflicts, "form": form},
        status=status,
    )


@login_required
@require_POST
def conflict_withdraw(request: HttpRequest, pk: int, conflict_pk: int) -> HttpResponse:
    expert = _own_expert(request, pk)
    conflict = next((c for c in expert.conflicts.select_related("expert__contest") if c.pk == conflict_pk), None)
    if conflict is None:
        raise Http404
    try:
        services.conflict_withdraw(conflict=conflict, actor=request.user)
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("The declaration is withdrawn."))
    return redirect("contests:expert_conflicts", pk=pk)


@login_required
def expert_assignments(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert's assignments in the contest with their progress (a constant number of queries)."""
    expert = _own_expert(request, pk)
    if expert.status != ExpertStatus.ACCEPTED:
        raise PermissionDenied(_("Accept the invitation first."))
    contest = expert.contest
    criteria_count = Criterion.objects.filter(contest=contest).count()
    assignments = list(selectors_evaluation.expert_assignments(request.user, contest))
    for assignment in assignments:
        scored = len({s.criterion_id for s in assignment.scores.all()})
        assignment.scored = scored  # type: ignore[attr-defined]
        assignment.percent = round(100 * scored / criteria_count) if criteria_count else 0  # type: ignore[attr-defined]
    return render(
        request,
        "contests/participate/assignments.html",
        {
            "contest": contest,
            "assignments": assignments,
            "criteria_count": criteria_count,
            "completed": sum(1 for a in assignments if a.completed_at is not None),
            "evaluating": contest.status == ContestStatus.EVALUATION,
        },
    )


@login_required
def assignment_score(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    """The scoring sheet of one assignment: the application in brief, one row per criterion, "complete"."""
    assignment = (
        Assignment.objects.select_related(
            "expert",
            "application__contest",
            "application__organization",
            "application__nomination",
            "application__municipality",
        )
        .filter(pk=assignment_pk, application__contest_id=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    application = assignment.application
    if assignment.expert.user_id != request.user.pk or not request.user.has_perm(
        "contests.score_application", application
    ):
        raise PermissionDenied(
            _("You can score only the applications assigned to you, without a conflict of interest.")
        )
    contest = application.contest
    criteria = list(Criterion.objects.filter(contest=contest).order_by("position", "pk"))
    scores = {s.criterion_id: s for s in assignment.scores.all()}
    form = ScoreSheetForm(request.POST or None, criteria=criteria, scores=scores)
    status: int | None = 200
    if request.method == "POST" and form.is_valid():
        status = _record_scores(request, assignment, form)
        if status is None:
            if "complete" in request.POST:
                messages.success(request, _("The evaluation is complete. Thank you."))
                return redirect("contests:expert_assignments", pk=pk)
            messages.success(request, _("The scores are saved."))
            return redirect("contests:assignment_score", pk=pk, assignment_pk=assignment.pk)
    lines = list(application.budget_lines.all())
    totals = budget.budget_totals(lines)
    peers = [row for row in selectors_evaluation.scores_visible_to(request.user, application) if not row.own]
    return render(
        request,
        "contests/participate/score.html",
        {
            "contest": contest,
            "application": application,
            "assignment": assignment,
            "form": form,
            "totals": totals,
            "sources": [(name, SOURCE_LABELS[name], getattr(totals, name)) for name in budget.SOURCES],
            "activities": list(application.activities.all()),
            "peers": peers,
            "criteria": criteria,
            "evaluating": contest.status == ContestStatus.EVALUATION,
        },
        status=status or 200,
    )


def _record_scores(request: HttpRequest, assignment: Assignment, form: ScoreSheetForm) -> int | None:
    """Save the sheet and, when asked, complete the evaluation; None when all went through, else the status of
    the page that shows the service's errors beside the fields."""
    try:
        services.scores_record(assignment=assignment, actor=request.user, values=form.values())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return 400
    if "complete" in request.POST:
        try:
            services.assignment_complete(assignment=assignment, actor=request.user)
        except ValidationError as exc:
            messages.success(request, _("The scores are saved."))
            add_service_errors(form, exc)
            return 400
    return None
