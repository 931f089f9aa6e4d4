"""The contests' read pages: the list of contests, a contest's page (rules, who may apply, stages, money,
criteria, nominations, documents; counts for its organisers), the results (public once published; a preview for
the organisers while the commission ranks), an application's page, "my applications", the organisers' list of a
contest's applications, and the downloads (applications, scores, the protocol of the results). Thin: forms parse,
selectors read, exports format. The write pages (a contest's form, applying, review, experts, scoring) live
beside these."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localbridge.core.audit import audit_history
from localbridge.core.exports import EXPORT_FORMATS
from localbridge.core.files import file_response
from localbridge.core.pagination import paginate
from localbridge.core.text import render_markdown
from localbridge.organizations.models import OrganizationKind

from . import exports, selectors
from .forms import ApplicationFilterForm, ContestFilterForm
from .models import (
    APPLICATION_WORKFLOW,
    CONTEST_WORKFLOW,
    ApplicationStatus,
    BudgetLine,
    Contest,
    ContestScope,
    ContestStatus,
)

SOURCE_LABELS = {
    "grant": gettext_lazy("grant"),
    "local_budget": gettext_lazy("municipal or regional budget"),
    "residents": gettext_lazy("residents"),
    "sponsors": gettext_lazy("sponsors"),
    "volunteer_labour": gettext_lazy("volunteer labour"),
}
HISTORY_LABELS = {
    "create": gettext_lazy("Draft created"),
    "update": gettext_lazy("Edited"),
    "attach": gettext_lazy("File attached"),
    "detach": gettext_lazy("File removed"),
    **{name: t.label for name, t in APPLICATION_WORKFLOW.transitions.items()},
    **{name: t.label for name, t in CONTEST_WORKFLOW.transitions.items()},
}


@dataclass(frozen=True)
class Stage:
    status: str
    label: str | Promise
    starts: date | None
    ends: date | None
    current: bool
    past: bool


STAGE_ORDER = (
    ContestStatus.ANNOUNCED,
    ContestStatus.REVIEW,
    ContestStatus.EVALUATION,
    ContestStatus.RANKING,
    ContestStatus.FINISHED,
)


def stages(contest: Contest) -> list[Stage]:
    """The contest's stages with their dates, the current one marked."""
    rows = [
        (ContestStatus.ANNOUNCED, gettext_lazy("Applications"), contest.applications_open, contest.applications_close),
        (ContestStatus.REVIEW, gettext_lazy("Technical review"), None, contest.review_until),
        (ContestStatus.EVALUATION, gettext_lazy("Expert evaluation"), None, contest.evaluation_until),
        (ContestStatus.RANKING, gettext_lazy("Ranking and the commission's decision"), None, None),
        (ContestStatus.FINISHED, gettext_lazy("Results"), contest.results_on, None),
    ]
    position = STAGE_ORDER.index(contest.status) if contest.status in STAGE_ORDER else -1  # type: ignore[arg-type]
    return [
        Stage(
            status=status,
            label=label,
            starts=starts,
            ends=ends,
            current=status == contest.status,
            past=position > index,
        )
        for index, (status, label, starts, ends) in enumerate(rows)
    ]


def _kind_labels(kinds: list[str]) -> list[str]:
    labels = dict(OrganizationKind.choices)
    return [str(labels.get(kind, kind)) for kind in kinds]


def _territory(contest: Contest) -> str:
    if contest.scope == ContestScope.MUNICIPAL:
        names = [m.name for m in contest.municipalities.all()]
        return ", ".join(names) or str(contest.get_scope_display())
    if contest.scope == ContestScope.REGIONAL and contest.region is not None:
        return contest.region.name
    if contest.scope == ContestScope.NATIONAL and contest.country is not None:
        return contest.country.name
    if contest.scope == ContestScope.INTERNATIONAL:
        names = [c.name for c in contest.countries.all()]
        return ", ".join(names) or str(contest.get_scope_display())
    return str(contest.get_scope_display())


def _may_preview_results(user: Any, contest: Contest) -> bool:
    return contest.status == ContestStatus.RANKING and user.has_perm("contests.manage_contest", contest)


def _results_visible(user: Any, contest: Contest) -> bool:
    """Whether the results page exists for `user`; True is either the published results or a preview."""
    return contest.status == ContestStatus.FINISHED or _may_preview_results(user, contest)


# --- the list and a contest's page ------------------------------------------------------------------------------


def contest_list(request: HttpRequest) -> HttpResponse:
    form = ContestFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    page = paginate(request, selectors.contest_list(user=request.user, **filters))
    now = timezone.now()
    for contest in page.object_list:
        contest.accepting = selectors.contest_accepting(contest, now)  # type: ignore[attr-defined]
        contest.deadline = selectors.contest_deadline(contest)  # type: ignore[attr-defined]
    return render(
        request,
        "contests/contest_list.html",
        {
            "form": form,
            "page": page,
            "contests": page.object_list,
            "has_filters": any(filters.values()) if filters else False,
        },
    )


def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contest = selectors.contest_get(pk=pk, user=request.user)
    user = request.user
    manages = user.has_perm("contests.manage_contest", contest)
    context: dict[str, Any] = {
        "contest": contest,
        "rules_html": render_markdown(contest.rules),
        "eligible_kinds": _kind_labels(contest.eligible_kinds or []),
        "territory": _territory(contest),
        "stages": stages(contest),
        "deadline": selectors.contest_deadline(contest),
        "accepting": selectors.contest_accepting(contest),
        "nominations": list(contest.nominations.all()),
        "criteria": list(contest.criteria.all()),
        "required_documents": list(contest.required_documents.all()),
        "manages": manages,
        "results_visible": _results_visible(user, contest),
        "can_view_applications": user.has_perm("contests.view_all_applications", contest),
        "can_view_scores": user.has_perm("contests.view_all_scores", contest),
        "export_formats": EXPORT_FORMATS,
    }
    if manages:
        counts = selectors.application_counts(contest)
        labels = dict(ApplicationStatus.choices)
        context["application_counts"] = [(status, labels[status], n) for status, n in counts.items()]
        context["application_total"] = sum(counts.values())
    return render(request, "contests/contest_detail.html", context)


# --- results ------------------------------------------------------------------------------------------------


RESULTS_PER_PAGE = 100


def contest_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking by nomination, a hundred lines a page (`?funded=1`: the funded projects only): public once
    published; the organisers' preview while in "ranking"; else 404."""
    contest = selectors.contest_get(pk=pk, user=request.user)
    if not _results_visible(request.user, contest):
        raise Http404
    criteria = list(contest.criteria.all())
    funded_only = request.GET.get("funded") == "1"
    results = selectors.contest_results(contest)
    if funded_only:
        results = results.filter(funded=True)
    page = paginate(request, results, per_page=RESULTS_PER_PAGE)
    groups = exports.results_by_nomination(list(page.object_list))
    for group in groups:
        for result in group.results:
            result.means = selectors.criterion_means(result, criteria)  # type: ignore[attr-defined]
    return render(
        request,
        "contests/contest_results.html",
        {
            "contest": contest,
            "preview": contest.status != ContestStatus.FINISHED,
            "criteria": criteria,
            "groups": groups,
            "page": page,
            "funded_only": funded_only,
            "summary": selectors.results_summary(contest),
            "protocol_formats": exports.PROTOCOL_FORMATS,
        },
    )


def results_protocol(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The protocol of the results (PDF or XLSX), to whoever may see the results page."""
    if fmt not in exports.PROTOCOL_FORMATS:
        raise Http404
    contest = selectors.contest_get(pk=pk, user=request.user)
    if not _results_visible(request.user, contest):
        raise Http404
    protocol = exports.protocol_data(contest, preview=contest.status != ContestStatus.FINISHED)
    return exports.protocol_response(protocol, fmt=fmt)


# --- applications -----------------------------------------------------------------------------------------


def _history_rows(obj: Any) -> list[dict[str, Any]]:
    labels = dict(ApplicationStatus.choices)
    return [
        {
            "at": entry.at,
            "label": HISTORY_LABELS.get(entry.action, entry.action),
            "actor": entry.actor.display_name if entry.actor else _("the system"),
            "from_status": labels.get(entry.from_status, entry.from_status),
            "to_status": labels.get(entry.to_status, entry.to_status),
            "comment": entry.comment,
        }
        for entry in audit_history(obj=obj)
    ]


@login_required
def application_detail(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    """An application, read-only: its text, budget with totals by source, activities, attachments and history."""
    application = selectors.application_get(contest_pk=pk, pk=application_pk)
    if not request.user.has_perm("contests.view_application", application):
        raise PermissionDenied(_("You may not read this application."))
    lines: list[BudgetLine] = list(application.budget_lines.all())
    totals = selectors.budget_totals(lines)
    return render(
        request,
        "contests/application_detail.html",
        {
            "application": application,
            "contest": application.contest,
            "lines": lines,
            "totals": totals,
            "sources": [(name, SOURCE_LABELS[name], totals[name]) for name in BudgetLine.SOURCES],
            "activities": list(application.activities.all()),
            "attachments": list(application.attachments.all()),
            "history": _history_rows(application),
        },
    )


@login_required
def application_file(request: HttpRequest, pk: int, application_pk: int, file_pk: int) -> HttpResponseBase:
    """An attachment of an application the user may read, as a download."""
    application = selectors.application_get(contest_pk=pk, pk=application_pk)
    if not request.user.has_perm("contests.view_application", application):
        raise PermissionDenied(_("You may not read this application."))
    attachment = next((a for a in application.attachments.all() if a.pk == file_pk), None)
    if attachment is None:
        raise Http404
    try:
        return file_response(
            attachment.file,
            content_type="application/octet-stream",
            filename=attachment.original_name or f"file-{attachment.pk}",
            inline=False,
        )
    except FileNotFoundError:
        raise Http404


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.my_applications(request.user))
    return render(request, "contests/my_applications.html", {"page": page, "applications": page.object_list})


def _organizer_contest(request: HttpRequest, pk: int, perm: str) -> Contest:
    contest = selectors.contest_get(pk=pk, user=request.user)
    if not request.user.has_perm(perm, contest):
        raise PermissionDenied(_("Only the contest's organisers may see this."))
    return contest


@login_required
def organizer_applications(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _organizer_contest(request, pk, "contests.view_all_applications")
    form = ApplicationFilterForm(request.GET or None, contest=contest)
    applications = selectors.applications_for_organizer(contest, **form.filters())
    page = paginate(request, applications)
    return render(
        request,
        "contests/organizer_applications.html",
        {
            "contest": contest,
            "form": form,
            "page": page,
            "applications": page.object_list,
            "totals": selectors.application_totals(applications),
            "export_formats": EXPORT_FORMATS,
            "query": request.GET.urlencode(),
            "can_view_scores": request.user.has_perm("contests.view_all_scores", contest),
        },
    )


@login_required
def applications_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    contest = _organizer_contest(request, pk, "contests.view_all_applications")
    form = ApplicationFilterForm(request.GET or None, contest=contest)
    return exports.applications_export(
        contest, selectors.applications_for_organizer(contest, **form.filters()), fmt=fmt
    )


@login_required
def scores_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    contest = _organizer_contest(request, pk, "contests.view_all_scores")
    return exports.scores_export(contest, fmt=fmt)
