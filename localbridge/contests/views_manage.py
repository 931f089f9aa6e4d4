"""The organiser's write pages of a contest: a new contest, the set-up of a draft (fields, criteria, nominations,
required documents, the completeness checklist), stage moves, the technical review, experts and assignments, the
evaluation progress and the ranking's recompute. Thin: forms parse, services decide and write, a service's
ValidationError goes beside the field it is about (status 200, nothing written), success redirects with a
message (POST-redirect-GET). Permissions come from rules.py: 403 without, 404 for a contest the user may not
see."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from localbridge.core.forms import add_service_errors

from . import selectors, services
from .criteria import CRITERIA_TEMPLATES
from .forms_manage import (
    AssignmentAddForm,
    ContestForm,
    CriterionFormSet,
    InviteExpertForm,
    MoveForm,
    NominationFormSet,
    RequiredDocumentFormSet,
    ReviewForm,
    TemplateForm,
    criteria_initial,
    documents_initial,
    formset_items,
    nominations_initial,
    set_formset_errors,
)
from .models import (
    ADMITTED_STATUSES,
    CONTEST_WORKFLOW,
    Application,
    ApplicationStatus,
    Assignment,
    Contest,
    ContestStatus,
    Expert,
    ExpertStatus,
)
from .selectors_evaluation import evaluation_progress

# Moves asked for on a page of their own (a comment, or a confirmation of something that cannot be undone).
CONFIRMED_MOVES = {"cancel", "reopen_evaluation", "publish_results"}
MOVE_HELP = {
    "announce": gettext_lazy("The call becomes public and applications are accepted from its opening date."),
    "close_applications": gettext_lazy("Possible once the application deadline has passed."),
    "start_evaluation": gettext_lazy("Possible once every submitted application has been reviewed."),
    "close_evaluation": gettext_lazy("The ranking is computed from the completed evaluations."),
    "reopen_evaluation": gettext_lazy("The experts can score again; the published date of results is cleared."),
    "publish_results": gettext_lazy(
        "The ranking becomes public as the commission's decision. This cannot be undone from this page."
    ),
    "cancel": gettext_lazy("The contest stops at its current stage. Applicants see the reason."),
}
COMMENT_LABELS = {
    "cancel": gettext_lazy("Why the contest is cancelled"),
    "reopen_evaluation": gettext_lazy("Why the evaluation is reopened"),
}


def _error_messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _contest(request: HttpRequest, pk: int, perm: str = "contests.manage_contest") -> Contest:
    """The contest if the user may see it (else 404) and holds `perm` on it (else 403); two queries."""
    contest = selectors.contest_visible_to(request.user).select_related("organizer").filter(pk=pk).first()
    if contest is None:
        raise Http404
    if not request.user.has_perm(perm, contest):
        raise PermissionDenied(_("Only the contest's organisers may do this."))
    return contest


def contest_moves(contest: Contest) -> list[dict[str, Any]]:
    """The stage moves available now, as the pages show them."""
    return [
        {
            "name": t.name,
            "label": t.label,
            "help": MOVE_HELP.get(t.name, ""),
            "url": reverse("contests:move", args=[contest.pk, t.name]),
            "confirm": t.name in CONFIRMED_MOVES or t.comment_required,
            "danger": t.name == "cancel",
        }
        for t in CONTEST_WORKFLOW.available(contest)
    ]


def _checklist(contest: Contest) -> list[str]:
    if contest.status != ContestStatus.DRAFT:
        return []
    errors = services.contest_completeness_errors(contest)
    return [str(m) for field_errors in errors.values() for e in field_errors for m in e.messages]


# --- a new contest and the set-up of a draft ------------------------------------------------------------------


@login_required
def contest_create(request: HttpRequest) -> HttpResponse:
    """A new contest (a draft), for one of the organisations the user may organise for."""
    if not request.user.has_perm("contests.add_contest"):
        raise PermissionDenied(_("Only the staff of an organising organisation may announce a contest."))
    if request.method == "POST":
        form = ContestForm(request.POST, user=request.user)
        if form.is_valid():
            organizer = form.cleaned_data["organizer"]
            if not request.user.has_perm("contests.organize_for", organizer):
                raise PermissionDenied(_("You may not announce contests for this organisation."))
            try:
                contest = services.contest_create(actor=request.user, organizer=organizer, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("The contest is saved as a draft. Set its criteria and nominations, then announce it.")
                )
                return redirect("contests:setup", pk=contest.pk)
    else:
        form = ContestForm(user=request.user)
    return render(request, "contests/manage/contest_form.html", {"form": form, "contest": None})


def _setup_context(contest: Contest, **forms: Any) -> dict[str, Any]:
    draft = contest.status == ContestStatus.DRAFT
    editable = contest.status in (ContestStatus.DRAFT, ContestStatus.ANNOUNCED)
    context: dict[str, Any] = {
        "contest": contest,
        "draft": draft,
        "editable": editable,
        "checklist": _checklist(contest),
        "moves": contest_moves(contest),
        "templates": [
            {"key": key, "label": t.label, "source": t.source, "criteria": t.criteria}
            for key, t in CRITERIA_TEMPLATES.items()
        ],
    }
    if editable:
        context["form"] = forms.get("form") or ContestForm(user=None, contest=contest)
    if draft:
        context["criteria_formset"] = forms.get("criteria_formset") or CriterionFormSet(
            initial=criteria_initial(contest), prefix="criteria"
        )
        context["template_form"] = forms.get("template_form") or TemplateForm()
        context["nominations_formset"] = forms.get("nominations_formset") or NominationFormSet(
            initial=nominations_initial(contest), prefix="nominations"
        )
        context["documents_formset"] = forms.get("documents_formset") or RequiredDocumentFormSet(
            initial=documents_initial(contest), prefix="documents"
        )
    return context


def _setup_post(request: HttpRequest, contest: Contest) -> tuple[str, dict[str, Any]] | None:
    """Save one section of the set-up page: None when saved, else the section's bound form with its errors."""
    section = request.POST.get("section", "")
    user = request.user
    if section == "contest":
        form = ContestForm(request.POST, user=user, contest=contest)
        if form.is_valid():
            try:
                services.contest_update(
                    contest=contest, actor=user, version=form.cleaned_data.get("version"), **form.service_kwargs()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return None
        return section, {"form": form}
    if contest.status != ContestStatus.DRAFT:
        raise Http404
    if section == "template":
        template_form = TemplateForm(request.POST)
        if template_form.is_valid():
            try:
                services.contest_apply_template(
                    contest=contest, actor=user, template=template_form.cleaned_data["template"]
                )
            except ValidationError as exc:
                add_service_errors(template_form, exc)
            else:
                return None
        return section, {"template_form": template_form}
    formsets: dict[str, tuple[Any, Any, str]] = {
        "criteria": (CriterionFormSet, services.contest_set_criteria, "criteria"),
        "nominations": (NominationFormSet, services.contest_set_nominations, "nominations"),
        "documents": (RequiredDocumentFormSet, services.contest_set_required_documents, "documents"),
    }
    if section not in formsets:
        raise Http404
    formset_class, service, argument = formsets[section]
    formset = formset_class(request.POST, prefix=section)
    if formset.is_valid():
        try:
            service(contest=contest, actor=user, **{argument: formset_items(formset)})
        except ValidationError as exc:
            set_formset_errors(formset, exc, section)
        else:
            return None
    return section, {f"{section}_formset": formset}


SAVED_MESSAGES = {
    "contest": gettext_lazy("The contest is saved."),
    "template": gettext_lazy("The criteria are replaced by the ready-made set; you can edit them below."),
    "criteria": gettext_lazy("The criteria are saved."),
    "nominations": gettext_lazy("The nominations are saved."),
    "documents": gettext_lazy("The required documents are saved."),
}
SECTION_ANCHORS = {"contest": "call", "template": "criteria", "criteria": "criteria"}


@login_required
def contest_setup(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's set-up of a contest: its fields (a draft: all; announced: texts and later dates), criteria
    (or a ready-made set), nominations and required documents, the checklist before announcing and the moves."""
    contest = _contest(request, pk, "contests.change_contest")
    if request.method == "POST":
        section = request.POST.get("section", "")
        failed = _setup_post(request, contest)
        if failed is None:
            messages.success(request, str(SAVED_MESSAGES.get(section, _("Saved."))))
            anchor = SECTION_ANCHORS.get(section, section)
            return redirect(reverse("contests:setup", args=[contest.pk]) + f"#{anchor}")
        contest.refresh_from_db()
        return render(request, "contests/manage/contest_setup.html", _setup_context(contest, **failed[1]))
    return render(request, "contests/manage/contest_setup.html", _setup_context(contest))


# --- stages ---------------------------------------------------------------------------------------------------


@login_required
def contest_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's overview: the stage, the moves available now and links to every organiser's page."""
    contest = _contest(request, pk)
    return render(
        request,
        "contests/manage/contest_manage.html",
        {"contest": contest, "moves": contest_moves(contest), "checklist": _checklist(contest)},
    )


@login_required
def contest_moves_partial(request: HttpRequest, pk: int) -> HttpResponse:
    """The moves' buttons alone (htmx loads them into the contest's page)."""
    contest = _contest(request, pk)
    return render(
        request, "contests/manage/partials/_moves.html", {"contest": contest, "moves": contest_moves(contest)}
    )


@login_required
def contest_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One stage move. GET asks for the confirmation (and the comment where one is required); POST moves."""
    if action not in CONTEST_WORKFLOW.transitions:
        raise Http404
    contest = _contest(request, pk)
    transition = CONTEST_WORKFLOW.get(action)
    form = MoveForm(request.POST or None)
    if transition.comment_required:
        form.fields["comment"].label = COMMENT_LABELS.get(action, _("Comment"))
        form.fields["comment"].required = True
    if request.method == "POST":
        comment = request.POST.get("comment", "")
        try:
            services.contest_move(contest=contest, actor=request.user, action=action, comment=comment)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "comment" in exc.error_dict:
                form.is_valid()
                form.errors.pop("comment", None)
                add_service_errors(form, exc)
            else:
                messages.error(request, _("The contest could not be moved: %(action)s.") % {"action": transition.label})
                for message in _error_messages(exc):
                    messages.error(request, message)
                back = "contests:setup" if action == "announce" else "contests:manage"
                return redirect(back, pk=pk)
        else:
            messages.success(
                request,
                _("Done: %(action)s. The contest is now at the stage “%(status)s”.")
                % {"action": transition.label, "status": contest.get_status_display()},
            )
            if action == "publish_results":
                return redirect("contests:results", pk=pk)
            return redirect("contests:manage", pk=pk)
    elif not CONTEST_WORKFLOW.can(contest, action):
        messages.error(request, _("This action is not possible at the contest's current stage."))
        return redirect("contests:manage", pk=pk)
    return render(
        request,
        "contests/manage/contest_move.html",
        {"contest": contest, "transition": transition, "help": MOVE_HELP.get(action, ""), "form": form},
    )


# --- technical review ------------------------------------------------------------------------------------------


@login_required
def review_queue(request: HttpRequest, pk: int) -> HttpResponse:
    """The applications awaiting the technical review, and those already decided."""
    contest = _contest(request, pk, "contests.view_all_applications")
    applications = list(selectors.applications_for_organizer(contest))
    return render(
        request,
        "contests/manage/review_queue.html",
        {
            "contest": contest,
            "pending": [a for a in applications if a.status == ApplicationStatus.SUBMITTED],
            "decided": [a for a in applications if a.status != ApplicationStatus.SUBMITTED],
        },
    )


@login_required
def application_review(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    """The technical review of one submitted application: admit, admit under conditions, or not admit with the
    reason and a comment."""
    contest = _contest(request, pk, "contests.view_all_applications")
    application = selectors.application_get(contest_pk=pk, pk=application_pk)
    if not request.user.has_perm("contests.review_application", application):
        raise PermissionDenied(_("Only the contest's organisers may review applications."))
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                services.application_review(
                    application=application,
                    actor=request.user,
                    action=form.cleaned_data["action"],
                    reason=form.cleaned_data["reason"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                application.refresh_from_db()
            else:
                messages.success(
                    request,
                    _("Application %(number)s: %(status)s.")
                    % {"number": application.number, "status": application.get_status_display()},
                )
                return redirect("contests:review_queue", pk=pk)
    else:
        form = ReviewForm()
    return render(
        request,
        "contests/manage/application_review.html",
        {
            "contest": contest,
            "application": application,
            "form": form,
            "reviewable": application.status == ApplicationStatus.SUBMITTED,
            "eligibility": [
                str(m)
                for e in services.application_eligibility_errors(contest, application.organization)
                for m in e.messages
            ],
        },
    )


# --- experts and assignments ---------------------------------------------------------------------------------


def _experts_context(contest: Contest, invite_form: InviteExpertForm | None = None) -> dict[str, Any]:
    experts = list(
        Expert.objects.filter(contest=contest)
        .select_related("user")
        .prefetch_related("conflicts__organization")
        .order_by("status", "user__email")
    )
    return {
        "contest": contest,
        "experts": experts,
        "accepted": sum(1 for e in experts if e.status == ExpertStatus.ACCEPTED),
        "invite_form": invite_form or InviteExpertForm(),
    }


@login_required
def experts(request: HttpRequest, pk: int) -> HttpResponse:
    """The contest's experts with their status and declared conflicts; invite by e-mail, remove."""
    contest = _contest(request, pk)
    return render(request, "contests/manage/experts.html", _experts_context(contest))


@login_required
@require_POST
def expert_invite(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk)
    form = InviteExpertForm(request.POST)
    if form.is_valid():
        user = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is None:
            form.add_error(
                "email",
                _(
                    "No one is registered with this e-mail. "
                    "Ask the expert to create an account first, then invite them."
                ),
            )
        else:
            try:
                expert = services.expert_invite(contest=contest, actor=request.user, user=user)
            except ValidationError as exc:
                add_service_errors(form, exc, aliases={"user": "email"})
            else:
                messages.success(request, _("%(user)s is invited; they will receive an e-mail.") % {"user": expert})
                return redirect("contests:experts", pk=pk)
    return render(request, "contests/manage/experts.html", _experts_context(contest, form))


@login_required
@require_POST
def expert_remove(request: HttpRequest, pk: int, expert_pk: int) -> HttpResponse:
    contest = _contest(request, pk)
    expert = Expert.objects.filter(contest=contest, pk=expert_pk).select_related("user", "contest").first()
    if expert is None:
        raise Http404
    try:
        services.expert_remove(expert=expert, actor=request.user, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("%(user)s is no longer an expert of the contest.") % {"user": expert})
    return redirect("contests:experts", pk=pk)


def _assignments_context(
    contest: Contest, *, failed: AssignmentAddForm | None = None, failed_application: int | None = None
) -> dict[str, Any]:
    applications = list(
        Application.objects.filter(contest=contest, status__in=ADMITTED_STATUSES)
        .select_related("organization")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("expert__user").order_by("pk"))
        )
        .order_by("number", "pk")
    )
    accepted = list(
        Expert.objects.filter(contest=contest, status=ExpertStatus.ACCEPTED)
        .select_related("user")
        .order_by("user__email")
    )
    rows = []
    for application in applications:
        assignments = list(application.assignments.all())
        assigned = {a.expert_id for a in assignments}
        rows.append(
            {
                "application": application,
                "assignments": assignments,
                "candidates": [e for e in accepted if e.pk not in assigned],
                "short": len(assignments) < contest.experts_per_application,
                "errors": failed.errors if failed is not None and failed_application == application.pk else None,
            }
        )
    return {
        "contest": contest,
        "rows": rows,
        "accepted": accepted,
        "can_assign": contest.status in (ContestStatus.REVIEW, ContestStatus.EVALUATION),
    }


@login_required
def assignments(request: HttpRequest, pk: int) -> HttpResponse:
    """Who evaluates which admitted application: add or remove an expert by hand, or assign automatically."""
    contest = _contest(request, pk)
    return render(request, "contests/manage/assignments.html", _assignments_context(contest))


@login_required
@require_POST
def assignments_auto(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk)
    try:
        added = services.assignments_auto(contest=contest, actor=request.user)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    else:
        if added:
            messages.success(request, _("%(count)d assignments added.") % {"count": added})
        else:
            messages.info(request, _("Every admitted application already has enough experts: nothing was added."))
    return redirect("contests:assignments", pk=pk)


@login_required
@require_POST
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk)
    form = AssignmentAddForm(request.POST, contest=contest)
    application_id = None
    if form.is_valid():
        application_id = form.cleaned_data["application"]
        application = Application.objects.filter(contest=contest, pk=application_id).select_related("contest").first()
        if application is None:
            raise Http404
        try:
            services.assignment_add(application=application, expert=form.cleaned_data["expert"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"application": "expert"})
        else:
            messages.success(
                request,
                _("%(expert)s now evaluates %(application)s.")
                % {"expert": form.cleaned_data["expert"], "application": application.number or application.title},
            )
            return redirect(reverse("contests:assignments", args=[pk]) + f"#application-{application.pk}")
    else:
        raw = form.data.get("application", "")
        application_id = int(raw) if str(raw).isdigit() else None
    context = _assignments_context(contest, failed=form, failed_application=application_id)
    return render(request, "contests/manage/assignments.html", context)


@login_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    contest = _contest(request, pk)
    assignment = (
        Assignment.objects.filter(application__contest=contest, pk=assignment_pk)
        .select_related("application__contest", "expert__user")
        .first()
    )
    if assignment is None:
        raise Http404
    application_pk = assignment.application_id
    try:
        services.assignment_remove(assignment=assignment, actor=request.user)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("The assignment is withdrawn."))
    return redirect(reverse("contests:assignments", args=[pk]) + f"#application-{application_pk}")


# --- progress and the ranking ---------------------------------------------------------------------------------


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluation's progress: per expert assigned and completed, per application the experts done, the
    spread of their scores and the disagreement flag ("needs a third look")."""
    contest = _contest(request, pk)
    with_scores = request.user.has_perm("contests.view_all_scores", contest)
    board = evaluation_progress(contest, with_scores=with_scores)
    return render(
        request,
        "contests/manage/progress.html",
        {"contest": contest, "board": board, "with_scores": with_scores, "moves": contest_moves(contest)},
    )


@login_required
@require_POST
def results_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    """Compute the ranking again (while the commission decides) from the evaluations as they are now."""
    contest = _contest(request, pk)
    try:
        with transaction.atomic():
            rows = services.results_compute(contest=contest, actor=request.user)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
        return redirect("contests:manage", pk=pk)
    messages.success(
        request,
        _("The ranking is computed again: %(count)d applications, %(funded)d funded.")
        % {"count": len(rows), "funded": sum(1 for r in rows if r.funded)},
    )
    if contest.status == ContestStatus.RANKING:
        return redirect("contests:results", pk=pk)
    return redirect("contests:progress", pk=pk)
