"""ТОС registration pages: create, edit, move along the workflow, record the legal entity, the reviewers' queue,
and the panel the organisation page shows for a ТОС. Thin: forms parse, services decide and write."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from localbridge.core.audit import audit_history
from localbridge.core.exports import EXPORT_FORMATS, Column, export_response
from localbridge.core.pagination import paginate
from localbridge.core.text import normalize_for_search

from . import selectors_tos, services
from .forms import TosCommentForm, TosLegalEntityForm, TosRegistrationForm
from .models import TOS_PENDING_STATUSES, TOS_WORKFLOW, BodyRole, Organization, OrganizationStatus, TosProfile
from .rules import TRANSITION_PERMISSIONS

# What the history shows for each audited action.
ACTION_LABELS = {
    "create": gettext_lazy("Draft created"),
    "update": gettext_lazy("Registration edited"),
    "bodies": gettext_lazy("Elected bodies recorded"),
    "charter": gettext_lazy("Charter attached"),
    "membership_grant": gettext_lazy("Member added"),
    "submit": gettext_lazy("Submitted"),
    "resubmit": gettext_lazy("Resubmitted"),
    "start_review": gettext_lazy("Review started"),
    "return": gettext_lazy("Returned for revision"),
    "register": gettext_lazy("Registered"),
    "refuse": gettext_lazy("Registration refused"),
    "legal_entity": gettext_lazy("Registered as a legal entity"),
}
# Moves whose button is the main call to action (the others are secondary).
PRIMARY_MOVES = {"submit", "resubmit", "start_review", "register"}


def _status_label(code: str) -> str:
    try:
        return str(OrganizationStatus(code).label)
    except ValueError:
        return code


def _history_rows(organization: Organization) -> list[dict[str, Any]]:
    return [
        {
            "at": entry.at,
            "action": entry.action,
            "label": ACTION_LABELS.get(entry.action, entry.action),
            "actor": entry.actor.display_name if entry.actor else _("the system"),
            "from_status": _status_label(entry.from_status) if entry.from_status else "",
            "to_status": _status_label(entry.to_status) if entry.to_status else "",
            "comment": entry.comment,
        }
        for entry in audit_history(obj=organization)
    ]


def tos_panel_context(request: HttpRequest, organization: Organization) -> dict[str, Any]:
    """What organizations/partials/_tos_panel.html needs for a ТОС: status, deadline, territory, founding data,
    bodies, charter, history and the moves the current user may make. A constant number of queries."""
    if not organization.is_tos:
        return {}
    profile = (
        TosProfile.objects.select_related("charter", "reviewer", "organization__municipality")
        .filter(organization_id=organization.pk)
        .first()
    )
    if profile is None:
        return {}
    user = request.user
    bodies = selectors_tos.tos_bodies(organization=organization)
    moves = [
        {
            "name": t.name,
            "label": t.label,
            "url": reverse("organizations:tos_transition", args=[organization.pk, t.name]),
            "comment_required": t.comment_required,
            "primary": t.name in PRIMARY_MOVES,
        }
        for t in selectors_tos.tos_allowed_moves(user=user, organization=organization)
    ]
    can_edit = organization.status in (OrganizationStatus.DRAFT, OrganizationStatus.RETURNED) and user.has_perm(
        "organizations.change_tos", organization
    )
    missing: dict[str, list[ValidationError]] = {}
    if can_edit:
        missing = services.tos_completeness_errors(organization)
    return {
        "tos_organization": organization,
        "tos_profile": profile,
        "tos_status_label": organization.get_status_display(),
        "tos_is_pending": organization.status in TOS_PENDING_STATUSES,
        "tos_overdue": profile.decision_overdue(),
        "tos_chair": next((b for b in bodies if b.role == BodyRole.CHAIR), None),
        "tos_council": [b for b in bodies if b.role == BodyRole.COUNCIL],
        "tos_charter": profile.charter,
        "tos_charter_url": reverse("organizations:document", args=[organization.pk, profile.charter_id])
        if profile.charter_id
        else "",
        "tos_history": _history_rows(organization),
        "tos_moves": moves,
        "tos_comment_form": TosCommentForm(),
        "tos_can_edit": can_edit,
        "tos_missing": [str(e.message) for errors in missing.values() for e in errors],
        "tos_edit_url": reverse("organizations:tos_edit", args=[organization.pk]),
        "tos_can_record_legal_entity": selectors_tos.tos_can_record_legal_entity(user=user, organization=organization),
        "tos_legal_entity_url": reverse("organizations:tos_legal_entity", args=[organization.pk]),
    }


# --- the registration form ------------------------------------------------------------------------------


def _registration_page(request: HttpRequest, organization: Organization | None) -> HttpResponse:
    url = request.path
    partial = request.GET.get("partial")
    if request.method == "GET" and partial in ("place", "settlement"):
        # htmx asks for the municipality (and locality) selects of the chosen region.
        form = TosRegistrationForm(initial=request.GET.dict(), htmx_url=url)
        template = "_tos_place_fields.html" if partial == "place" else "_tos_settlement_field.html"
        return render(request, f"organizations/partials/{template}", {"form": form})
    status = 200
    if request.method == "POST" and "refresh" in request.POST:
        # Without JavaScript: reload the form with the chosen region's municipalities, keeping what was typed.
        form = TosRegistrationForm(initial=request.POST.dict(), organization=organization, htmx_url=url)
        form.initial.pop("charter", None)
    elif request.method == "POST":
        form = TosRegistrationForm(request.POST, request.FILES, organization=organization, htmx_url=url)
        if form.is_valid():
            try:
                if organization is None:
                    organization = services.tos_create_draft(actor=request.user, **form.service_kwargs())
                    messages.success(request, _("The draft is saved. Submit it when it is complete."))
                else:
                    services.tos_update(tos=organization, actor=request.user, **form.service_kwargs())
                    messages.success(request, _("The registration is saved."))
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("organizations:detail", pk=organization.pk)
        status = 400
    else:
        initial = {"region": request.GET.get("region")} if organization is None and request.GET.get("region") else None
        form = TosRegistrationForm(organization=organization, htmx_url=url, **({"initial": initial} if initial else {}))
    return render(
        request,
        "organizations/tos_form.html",
        {"form": form, "organization": organization},
        status=status,
    )


@login_required
def tos_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("organizations.create_tos"):
        raise PermissionDenied
    return _registration_page(request, None)


@login_required
def tos_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors_tos.tos_get(pk=pk)
    if not request.user.has_perm("organizations.change_tos", organization):
        raise PermissionDenied
    return _registration_page(request, organization)


# --- workflow moves -------------------------------------------------------------------------------------


@login_required
@require_POST
def tos_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TRANSITION_PERMISSIONS:
        raise Http404
    organization = selectors_tos.tos_get(pk=pk)
    if not request.user.has_perm(TRANSITION_PERMISSIONS[action], organization):
        raise PermissionDenied
    form = TosCommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if form.is_valid():
        try:
            services.tos_move(tos=organization, actor=request.user, action=action, comment=comment)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "comment" in exc.error_dict:
                form.add_error("comment", exc.error_dict["comment"])
                errors = {k: v for k, v in exc.error_dict.items() if k != "comment"}
            else:
                errors = exc.error_dict if hasattr(exc, "error_dict") else {"__all__": exc.error_list}
            organization.refresh_from_db()
            return _transition_error_page(request, organization, action, form, errors)
        messages.success(
            request,
            _("Done: %(action)s. The status is now “%(status)s”.")
            % {"action": TOS_WORKFLOW.get(action).label, "status": organization.get_status_display()},
        )
        return redirect("organizations:detail", pk=organization.pk)
    return _transition_error_page(request, organization, action, form, {})


def _transition_error_page(
    request: HttpRequest,
    organization: Organization,
    action: str,
    form: TosCommentForm,
    errors: dict[str, list[ValidationError]],
) -> HttpResponse:
    labels = {name: field.label for name, field in TosRegistrationForm.base_fields.items()}
    rows = [
        {
            "name": field,
            "field": labels.get(field, "") if field != "__all__" else "",
            "code": error.code,
            "message": message,
        }
        for field, field_errors in errors.items()
        for error in field_errors
        for message in error.messages
    ]
    context = {
        "organization": organization,
        "transition": TOS_WORKFLOW.get(action),
        "form": form,
        "errors": rows,
        "can_edit": request.user.has_perm("organizations.change_tos", organization),
    }
    return render(request, "organizations/tos_transition.html", context, status=400)


@login_required
def tos_legal_entity(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors_tos.tos_get(pk=pk)
    if not request.user.has_perm("organizations.record_legal_entity", organization):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = TosLegalEntityForm(request.POST)
        if form.is_valid():
            try:
                services.tos_record_legal_entity(
                    tos=organization,
                    actor=request.user,
                    ogrn=form.cleaned_data["ogrn"],
                    registered_on=form.cleaned_data["registered_on"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The state registration as a legal entity is recorded."))
                return redirect("organizations:detail", pk=organization.pk)
        status = 400
    else:
        form = TosLegalEntityForm(
            initial={"ogrn": organization.ogrn, "registered_on": organization.legal_registered_on}
        )
    return render(
        request, "organizations/tos_legal_entity.html", {"form": form, "organization": organization}, status=status
    )


# --- the reviewers' queue -------------------------------------------------------------------------------

QUEUE_COLUMNS = [
    Column(gettext_lazy("Name"), lambda o: o.name),
    Column(gettext_lazy("Municipality"), lambda o: o.municipality.name if o.municipality else ""),
    Column(gettext_lazy("Territory"), lambda o: o.tos.territory_name),
    Column(gettext_lazy("Status"), lambda o: o.get_status_display()),
    Column(gettext_lazy("Submitted"), lambda o: o.tos.submitted_at),
    Column(gettext_lazy("Decision due"), lambda o: o.tos.review_due_on),
    Column(gettext_lazy("Overdue"), lambda o: o.tos.decision_overdue()),
]


@login_required
def review_queue(request: HttpRequest) -> HttpResponseBase:
    if not request.user.has_perm("organizations.review_queue"):
        raise PermissionDenied
    items = selectors_tos.tos_review_queue(user=request.user)
    status = request.GET.get("status", "")
    if status in TOS_PENDING_STATUSES:
        items = items.filter(status=status)
    query = normalize_for_search(request.GET.get("q", ""))
    if query:
        items = items.filter(search_text__contains=query)
    fmt = request.GET.get("export", "")
    if fmt in EXPORT_FORMATS:
        return export_response(items.iterator(), QUEUE_COLUMNS, filename="tos-review-queue", fmt=fmt)
    page = paginate(request, items)
    rows = [{"organization": o, "profile": o.tos, "overdue": o.tos.decision_overdue()} for o in page.object_list]
    return render(
        request,
        "organizations/tos_review_queue.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "q": request.GET.get("q", ""),
            "statuses": [(s.value, s.label) for s in TOS_PENDING_STATUSES],
        },
    )
