"""Roadmaps' pages: the list of roadmaps, a roadmap with its actions (late ones flagged), the forms that plan and
record them (services_roadmaps decides and writes), and the late actions across every roadmap the user sees.

Thin: forms parse, services decide and write, rules say who may act; reads come from selectors."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from localbridge.core.audit import audit_history
from localbridge.core.exports import EXPORT_FORMATS, Column, export_response
from localbridge.core.forms import add_service_errors, errors_to_messages
from localbridge.core.pagination import paginate
from localbridge.organizations.models import Organization

from . import selectors, services_roadmaps
from .forms_roadmaps import ActionForm, LateFilterForm, LinkForm, RoadmapForm, StatusForm
from .models import ActionLink, ActionStatus, Agreement, Roadmap, RoadmapAction

HISTORY_LABELS = {
    "create": gettext_lazy("Roadmap created"),
    "update": gettext_lazy("Roadmap changed"),
    "action_add": gettext_lazy("Action added"),
    "action_update": gettext_lazy("Action changed"),
    "action_status": gettext_lazy("Action status"),
    "action_remove": gettext_lazy("Action removed"),
    "link_add": gettext_lazy("Result linked"),
    "link_remove": gettext_lazy("Result unlinked"),
}


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _roadmap_for(request: HttpRequest, pk: int, perm: str = "cooperation.view_roadmap") -> Roadmap:
    """The roadmap if the user may see it (else 404) and do `perm` (else 403)."""
    try:
        roadmap = selectors.roadmap_get(id=pk)
    except Roadmap.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("cooperation.view_roadmap", roadmap):
        raise Http404
    if perm != "cooperation.view_roadmap" and not request.user.has_perm(perm, roadmap):
        raise PermissionDenied
    return roadmap


def _action_for(request: HttpRequest, pk: int, action_pk: int) -> RoadmapAction:
    """An action of a roadmap the user may change (404 if either is not there or not seen, 403 if not theirs)."""
    roadmap = _roadmap_for(request, pk, "cooperation.change_roadmap")
    try:
        return selectors.roadmap_action_get(roadmap=roadmap, id=action_pk)
    except RoadmapAction.DoesNotExist:
        raise Http404 from None


def _roadmap_url(roadmap: Roadmap, action: RoadmapAction | None = None) -> str:
    url = reverse("cooperation:roadmap", args=[roadmap.pk])
    return f"{url}#action-{action.pk}" if action is not None else url


def _history_rows(roadmap: Roadmap) -> list[dict[str, Any]]:
    labels = dict(ActionStatus.choices)
    rows = []
    for entry in audit_history(obj=roadmap):
        title = entry.data.get("title", "") if entry.data else ""
        label = HISTORY_LABELS.get(entry.action, entry.action)
        rows.append(
            {
                "at": entry.at,
                "action": entry.action,
                "label": f"{label}: {title}" if title and entry.action != "create" else label,
                "actor": entry.actor.display_name if entry.actor else _("the system"),
                "from_status": labels.get(entry.from_status, entry.from_status),
                "to_status": labels.get(entry.to_status, entry.to_status),
                "comment": entry.comment,
            }
        )
    return rows


def _owner_context(roadmap: Roadmap) -> dict[str, Any]:
    return {"agreement": roadmap.agreement, "association": roadmap.association}


# --- reading ----------------------------------------------------------------------------------------------------


def roadmap_list(request: HttpRequest) -> HttpResponse:
    """Every roadmap the user sees (associations' programmes and roadmaps of visible agreements), newest first,
    with progress and late counts; filters: an agreement's or an association's."""
    roadmaps = selectors.roadmap_visible_to(request.user)
    filters: dict[str, str] = {}
    for name in ("agreement", "association"):
        value = request.GET.get(name, "")
        if value.isdigit():
            roadmaps = roadmaps.filter(**{f"{name}_id": int(value)})
            filters[name] = value
    page = paginate(request, roadmaps)
    association = None
    if "association" in filters:
        association = Organization.objects.filter(pk=int(filters["association"])).first()
    return render(
        request,
        "cooperation/roadmap_list.html",
        {
            "page": page,
            "details": selectors.roadmap_details(page.object_list),
            "query": urlencode(filters),
            "has_filters": bool(filters),
            "association": association,
            "may_plan_programme": association is not None
            and request.user.has_perm("cooperation.add_roadmap", association),
            "section": "roadmaps",
        },
    )


def roadmap_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = _roadmap_for(request, pk)
    may_change = request.user.has_perm("cooperation.change_roadmap", roadmap)
    detail = selectors.roadmap_detail(roadmap=roadmap)
    return render(
        request,
        "cooperation/roadmap_detail.html",
        {
            "roadmap": roadmap,
            "detail": detail,
            "may_change": may_change,
            "history": _history_rows(roadmap) if may_change else [],
            "section": "roadmaps",
            **_owner_context(roadmap),
        },
    )


def _late_rows(request: HttpRequest) -> tuple[LateFilterForm, dict[str, int], list[selectors.ActionRow]]:
    form = LateFilterForm(request.GET or None)
    filters = form.filters()
    rows = selectors.late_actions(
        user=request.user,
        agreement_id=filters.get("agreement_id"),
        association_id=filters.get("association_id"),
        municipality_id=filters.get("municipality_id"),
    )
    return form, filters, rows


def late_actions(request: HttpRequest) -> HttpResponse:
    """Late actions across every roadmap the user sees, the longest overdue first."""
    form, filters, rows = _late_rows(request)
    page = paginate(request, rows)
    return render(
        request,
        "cooperation/roadmap_late.html",
        {
            "form": form,
            "page": page,
            "count": len(rows),
            "has_filters": bool(filters),
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
            "section": "roadmaps",
        },
    )


def _sides_text(action: RoadmapAction) -> str:
    return "; ".join(
        f"{side.municipality or side.organization}: {side.person}"
        if side.person
        else str(side.municipality or side.organization)
        for side in action.responsibles.all()
    )


LATE_COLUMNS = [
    Column(gettext_lazy("due on"), lambda row: row.action.due_on),
    Column(gettext_lazy("days late"), lambda row: row.days_late),
    Column(gettext_lazy("action"), lambda row: row.action.title),
    Column(gettext_lazy("status"), lambda row: row.action.get_status_display()),
    Column(gettext_lazy("roadmap"), lambda row: row.action.roadmap.title),
    Column(
        gettext_lazy("agreement or association"),
        lambda row: row.action.roadmap.agreement or row.action.roadmap.association,
    ),
    Column(gettext_lazy("responsible"), lambda row: _sides_text(row.action)),
    Column(gettext_lazy("address"), lambda row: _roadmap_url(row.action.roadmap, row.action)),
]


def late_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The late actions (with the page's filters) as CSV or XLSX."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _form, _filters, rows = _late_rows(request)
    return export_response(iter(rows), LATE_COLUMNS, filename="late-actions", fmt=fmt)


# --- roadmaps ------------------------------------------------------------------------------------------------------


def _roadmap_form_page(request: HttpRequest, *, agreement: Agreement | None, association: Any) -> HttpResponse:
    form = RoadmapForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            roadmap = services_roadmaps.roadmap_create(
                actor=request.user, agreement=agreement, association=association, **form.values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The roadmap is created. Add its actions."))
            return redirect("cooperation:roadmap", roadmap.pk)
    cancel = (
        reverse("cooperation:agreement", args=[agreement.pk])
        if agreement is not None
        else reverse("cooperation:roadmaps") + f"?association={association.pk}"
    )
    return render(
        request,
        "cooperation/roadmap_form.html",
        {
            "form": form,
            "roadmap": None,
            "agreement": agreement,
            "association": association,
            "cancel_url": cancel,
            "section": "roadmaps",
        },
        status=400 if form.errors else 200,
    )


@login_required
def roadmap_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new roadmap under the agreement `pk`."""
    try:
        agreement = selectors.agreement_get(id=pk)
    except Agreement.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("cooperation.view_agreement", agreement):
        raise Http404
    if not request.user.has_perm("cooperation.add_roadmap", agreement):
        raise PermissionDenied
    return _roadmap_form_page(request, agreement=agreement, association=None)


@login_required
def programme_create(request: HttpRequest, association_pk: int) -> HttpResponse:
    """A new programme (roadmap) of the association."""
    association = selectors.associations().filter(pk=association_pk).first()
    if association is None:
        raise Http404
    if not request.user.has_perm("cooperation.add_roadmap", association):
        raise PermissionDenied
    return _roadmap_form_page(request, agreement=None, association=association)


@login_required
def roadmap_edit(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = _roadmap_for(request, pk, "cooperation.change_roadmap")
    initial = {name: getattr(roadmap, name) for name in services_roadmaps.ROADMAP_FIELDS}
    form = RoadmapForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_roadmaps.roadmap_update(roadmap=roadmap, actor=request.user, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The roadmap is saved."))
            return redirect("cooperation:roadmap", roadmap.pk)
    return render(
        request,
        "cooperation/roadmap_form.html",
        {
            "form": form,
            "roadmap": roadmap,
            "cancel_url": _roadmap_url(roadmap),
            "section": "roadmaps",
            **_owner_context(roadmap),
        },
        status=400 if form.errors else 200,
    )


# --- actions ----------------------------------------------------------------------------------------------------


def _action_page(
    request: HttpRequest, roadmap: Roadmap, form: ActionForm, action: RoadmapAction | None
) -> HttpResponse:
    return render(
        request,
        "cooperation/roadmap_action_form.html",
        {"form": form, "roadmap": roadmap, "action": action, "section": "roadmaps", **_owner_context(roadmap)},
        status=400 if (form.errors or form.responsible_errors) else 200,
    )


@login_required
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = _roadmap_for(request, pk, "cooperation.change_roadmap")
    form = ActionForm(_posted(request), roadmap=roadmap)
    if request.method == "POST" and form.is_valid():
        try:
            action = services_roadmaps.action_add(
                roadmap=roadmap, actor=request.user, responsibles=form.responsibles(), **form.values()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The action is added to the roadmap."))
            return redirect(_roadmap_url(roadmap, action))
    return _action_page(request, roadmap, form, None)


@login_required
def action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    action = _action_for(request, pk, action_pk)
    form = ActionForm(_posted(request), roadmap=action.roadmap, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            services_roadmaps.action_update(
                action=action, actor=request.user, responsibles=form.responsibles(), **form.values()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The action is saved."))
            return redirect(_roadmap_url(action.roadmap, action))
    return _action_page(request, action.roadmap, form, action)


@login_required
def action_status(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    action = _action_for(request, pk, action_pk)
    form = StatusForm(_posted(request), action=action)
    if request.method == "POST" and form.is_valid():
        try:
            services_roadmaps.action_set_status(action=action, actor=request.user, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The action is now: %(status)s.") % {"status": action.get_status_display()})
            return redirect(_roadmap_url(action.roadmap, action))
    return render(
        request,
        "cooperation/roadmap_action_sub.html",
        {
            "form": form,
            "roadmap": action.roadmap,
            "action": action,
            "heading": _("Status and outcome"),
            "submit": _("Save"),
            "section": "roadmaps",
            **_owner_context(action.roadmap),
        },
        status=400 if form.errors else 200,
    )


@login_required
def action_remove(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """A confirmation page (GET), then the removal (POST)."""
    action = _action_for(request, pk, action_pk)
    if request.method == "POST":
        services_roadmaps.action_remove(action=action, actor=request.user)
        messages.success(request, _("The action is removed from the roadmap."))
        return redirect(_roadmap_url(action.roadmap))
    return render(
        request,
        "cooperation/roadmap_action_sub.html",
        {
            "form": None,
            "roadmap": action.roadmap,
            "action": action,
            "heading": _("Remove the action"),
            "confirm": _("Remove the action, its responsible sides and its linked results? This cannot be undone."),
            "submit": _("Remove"),
            "section": "roadmaps",
            **_owner_context(action.roadmap),
        },
    )


@login_required
def link_add(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    action = _action_for(request, pk, action_pk)
    form = LinkForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services_roadmaps.action_link_add(action=action, actor=request.user, **form.target)
        except ValidationError as exc:
            add_service_errors(
                form, exc, aliases={"project": "reference", "practice": "reference", "event": "reference"}
            )
        else:
            messages.success(request, _("The result is linked to the action."))
            return redirect(_roadmap_url(action.roadmap, action))
    return render(
        request,
        "cooperation/roadmap_action_sub.html",
        {
            "form": form,
            "roadmap": action.roadmap,
            "action": action,
            "heading": _("Link a result: a project, a practice or an event"),
            "submit": _("Link"),
            "section": "roadmaps",
            **_owner_context(action.roadmap),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def link_remove(request: HttpRequest, pk: int, action_pk: int, link_pk: int) -> HttpResponse:
    action = _action_for(request, pk, action_pk)
    link = next((link for link in action.links.all() if link.pk == link_pk), None)
    if link is None:
        raise Http404
    assert isinstance(link, ActionLink)
    try:
        services_roadmaps.action_link_remove(link=link, actor=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The result is unlinked."))
    return redirect(_roadmap_url(action.roadmap, action))
