"""Cooperation's pages: the agreements (list, page, the parties' forms and lifecycle moves) and a municipality's
twin-city network with the partner finder's suggestions.

Thin: forms parse, services decide and write, rules say who may act; reads come from selectors."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from localbridge.core.audit import audit_history
from localbridge.core.forms import add_service_errors
from localbridge.core.pagination import paginate
from localbridge.territories.models import Municipality

from . import selectors, services
from .forms import AgreementFilterForm, AgreementForm, DocumentForm, MoveForm, ReportForm, SuggestionFilterForm
from .models import AGREEMENT_WORKFLOW, Agreement, AgreementStatus

HISTORY_LABELS = {
    "create": gettext_lazy("Created"),
    "update": gettext_lazy("Changed"),
    "document": gettext_lazy("Document saved"),
    "report": gettext_lazy("Yearly report"),
    **{name: t.label for name, t in AGREEMENT_WORKFLOW.transitions.items()},
}
SUGGESTION_LIMIT = 20


def _agreement_for(request: HttpRequest, pk: int, perm: str = "cooperation.view_agreement") -> Agreement:
    """The agreement if the user may see it (else 404) and do `perm` (else 403)."""
    try:
        agreement = selectors.agreement_get(id=pk)
    except Agreement.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("cooperation.view_agreement", agreement):
        raise Http404
    if perm != "cooperation.view_agreement" and not request.user.has_perm(perm, agreement):
        raise PermissionDenied
    return agreement


def _posted(request: HttpRequest) -> tuple[Any, Any]:
    """The form's data and files: bound on a POST even when nothing was filled in."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _history_rows(agreement: Agreement) -> list[dict[str, Any]]:
    labels = dict(AgreementStatus.choices)
    return [
        {
            "at": entry.at,
            "action": entry.action,
            "label": HISTORY_LABELS.get(entry.action, entry.action),
            "actor": entry.actor.display_name if entry.actor else _("the system"),
            "from_status": labels.get(entry.from_status, entry.from_status),
            "to_status": labels.get(entry.to_status, entry.to_status),
            "comment": entry.comment,
        }
        for entry in audit_history(obj=agreement)
    ]


# --- agreements -------------------------------------------------------------------------------------------------


def agreement_list(request: HttpRequest) -> HttpResponse:
    form = AgreementFilterForm(request.GET or None)
    filters = form.filters()
    agreements = selectors.agreement_filter(
        selectors.agreement_visible_to(request.user),
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
        country=filters.get("country", ""),
        area=filters.get("area", ""),
    )
    page = paginate(request, agreements)
    return render(
        request,
        "cooperation/agreement_list.html",
        {
            "form": form,
            "page": page,
            "query": urlencode(filters),
            "has_filters": bool(filters),
            "may_create": request.user.has_perm("cooperation.add_agreement"),
            "section": "agreements",
        },
    )


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for(request, pk)
    may_manage = request.user.has_perm("cooperation.change_agreement", agreement)
    moves = AGREEMENT_WORKFLOW.available(agreement) if may_manage else []
    return render(
        request,
        "cooperation/agreement_detail.html",
        {
            "agreement": agreement,
            "parties": list(agreement.parties.all()),
            "documents": sorted(agreement.documents.all(), key=lambda d: d.language),
            "reports": sorted(agreement.reports.all(), key=lambda r: r.year, reverse=True),
            "history": _history_rows(agreement),
            "may_manage": may_manage,
            "may_report": may_manage
            and agreement.status in (AgreementStatus.REGISTERED, AgreementStatus.ACTIVE, AgreementStatus.ENDED),
            "moves": moves,
            "roadmaps": selectors.agreement_roadmaps(agreement_id=agreement.pk),
            "may_plan": agreement.status != AgreementStatus.ENDED
            and request.user.has_perm("cooperation.add_roadmap", agreement),
            "section": "agreements",
        },
    )


@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("cooperation.add_agreement"):
        raise PermissionDenied
    form = AgreementForm(*_posted(request)[:1])
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(
                actor=request.user, parties=form.parties() or [], areas=form.cleaned_data["areas"], **form.values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"parties": "municipalities"})
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The agreement is saved as a draft."))
            return redirect("cooperation:agreement", agreement.pk)
    return render(request, "cooperation/agreement_form.html", {"form": form, "agreement": None})


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for(request, pk, "cooperation.change_agreement")
    parties_editable = agreement.status in services.EDITABLE_STATUSES
    parties = list(agreement.parties.all())
    initial = {
        "title": agreement.title,
        "kind": agreement.kind,
        "description": agreement.description,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "areas": list(agreement.areas.all()),
        "municipalities": [p.municipality_id for p in parties if p.municipality_id],
        "associations": [p.organization_id for p in parties if p.organization_id],
    }
    form = AgreementForm(*_posted(request)[:1], initial=initial, parties_editable=parties_editable)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                agreement=agreement,
                actor=request.user,
                parties=form.parties(),
                areas=form.cleaned_data["areas"],
                **form.values(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"parties": "municipalities"})
        else:
            messages.success(request, _("The agreement is saved."))
            return redirect("cooperation:agreement", agreement.pk)
    return render(request, "cooperation/agreement_form.html", {"form": form, "agreement": agreement})


@login_required
def agreement_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    agreement = _agreement_for(request, pk, "cooperation.move_agreement")
    if action not in AGREEMENT_WORKFLOW.transitions:
        raise Http404
    transition = AGREEMENT_WORKFLOW.get(action)
    form = MoveForm(*_posted(request)[:1], action=action)
    possible = AGREEMENT_WORKFLOW.can(agreement, action)
    if request.method == "POST" and possible and form.is_valid():
        try:
            services.agreement_move(agreement=agreement, action=action, actor=request.user, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
            return redirect("cooperation:agreement", agreement.pk)
    return render(
        request,
        "cooperation/agreement_move.html",
        {"form": form, "agreement": agreement, "transition": transition, "possible": possible},
        status=200 if possible else 409,
    )


@login_required
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for(request, pk, "cooperation.change_agreement")
    form = DocumentForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_document_save(agreement=agreement, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The document is saved."))
            return redirect("cooperation:agreement", agreement.pk)
    heading = _("A document of the agreement")
    return render(
        request,
        "cooperation/agreement_subform.html",
        {"form": form, "agreement": agreement, "heading": heading, "multipart": True},
    )


@login_required
def report_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_for(request, pk, "cooperation.report_agreement")
    form = ReportForm(*_posted(request)[:1])
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_report_submit(agreement=agreement, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The yearly report is saved."))
            return redirect("cooperation:agreement", agreement.pk)
    heading = _("A yearly report")
    return render(
        request,
        "cooperation/agreement_subform.html",
        {"form": form, "agreement": agreement, "heading": heading, "multipart": False},
    )


# --- the network and the partner finder ----------------------------------------------------------------------------


def network_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "cooperation/network_search.html",
        {"query": query, "found": selectors.municipality_search(query=query), "section": "network"},
    )


def _point(municipality: Municipality, **extra: Any) -> dict[str, Any] | None:
    if municipality.latitude is None or municipality.longitude is None:
        return None
    return {"name": municipality.name, "lat": municipality.latitude, "lon": municipality.longitude, **extra}


def _map_agreement(cooperation: selectors.PartnerCooperation) -> dict[str, Any]:
    """An agreement with a partner as the map's popup shows it: its title, page, the next open action, lateness."""
    agreement, upcoming = cooperation.agreement, cooperation.next_action
    return {
        "title": agreement.title,
        "url": reverse("cooperation:agreement", args=[agreement.pk]),
        "status": agreement.get_status_display(),
        "next": (
            _("Next: %(action)s, due on %(date)s")
            % {"action": upcoming.action.title, "date": date_format(upcoming.action.due_on)}
            if upcoming is not None
            else ""
        ),
        "late": (
            ngettext("%(count)s action late", "%(count)s actions late", cooperation.late) % {"count": cooperation.late}
            if cooperation.late
            else ""
        ),
    }


def network(request: HttpRequest, pk: int) -> HttpResponse:
    """A municipality's partners (a list and a map) and the partner finder's suggestions with their reasons."""
    try:
        municipality = selectors.municipality_get(id=pk)
    except Municipality.DoesNotExist:
        raise Http404 from None
    partners = selectors.municipality_partners(municipality_id=pk)
    cooperation = selectors.partner_cooperation(municipality_id=pk, user=request.user)
    form = SuggestionFilterForm(request.GET or None)
    suggestions = selectors.partner_suggestions(municipality_id=pk, limit=SUGGESTION_LIMIT, filters=form.filters())
    partner_rows = [(partner, link, cooperation.get(partner.pk, [])) for partner, link in partners]
    points = [
        p
        for p in (
            _point(
                partner,
                url=reverse("cooperation:network", args=[partner.pk]),
                agreements=[_map_agreement(c) for c in cooperation.get(partner.pk, [])],
            )
            for partner, _link in partners
        )
        if p is not None
    ]
    home = _point(municipality)
    country_names = dict(form.fields["country"].choices)  # type: ignore[attr-defined]
    return render(
        request,
        "cooperation/network.html",
        {
            "municipality": municipality,
            "partners": partners,
            "partner_rows": partner_rows,
            "suggestions": suggestions,
            "suggestion_rows": [(s, country_names.get(s.country, s.country)) for s in suggestions],
            "form": form,
            "has_filters": bool(request.GET),
            "map_data": {"home": home, "partners": points},
            "section": "network",
        },
    )
