"""The ТОС registration through the JSON API (/api/v1/tos/): the same services as the web pages.

Errors are raised as Django's ValidationError / PermissionDenied / Http404 and shaped by api/api.py:
{"code", "message", "errors": [{"field", "code", "message"}]}.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from localbridge.api_auth import api_auth
from localbridge.core.audit import audit_history
from localbridge.territories.models import Municipality, Settlement

from . import selectors_tos, services
from .models import BodyRole, Organization

router = Router(tags=["tos"], auth=api_auth)


def _anonymous(request: HttpRequest) -> bool:
    """Reading needs no sign-in: public ТОС are public; the permission check decides the rest. A token that is
    sent but not accepted is refused (401) rather than silently read as anonymous."""
    return "HTTP_AUTHORIZATION" not in request.META


READ_AUTH = [*api_auth, _anonymous]


# --- schemas --------------------------------------------------------------------------------------------


class TosFieldsIn(Schema):
    name: str | None = Field(None, max_length=300)
    settlement_id: int | None = None
    territory_name: str | None = Field(None, max_length=300)
    territory_kind: str | None = None
    territory_description: str | None = None
    boundary: dict[str, Any] | None = Field(None, description="GeoJSON Polygon or MultiPolygon (lon/lat)")
    residents_count: int | None = Field(None, ge=0)
    founding_date: date | None = None
    founding_form: str | None = Field(None, description="meeting or conference")
    participants_count: int | None = Field(None, ge=0)
    delegates_elected: int | None = Field(None, ge=0)
    chair: str | None = Field(None, max_length=200, description="The elected chair's full name")
    council: list[str] | None = Field(None, description="The elected council members' full names")
    description: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    website: str | None = None


class TosCreateIn(TosFieldsIn):
    municipality_id: int
    name: str = Field(..., max_length=300)
    territory_name: str = Field(..., max_length=300)
    territory_kind: str


class TosPatchIn(TosFieldsIn):
    municipality_id: int | None = None


class CommentIn(Schema):
    comment: str = ""


class LegalEntityIn(Schema):
    ogrn: str
    registered_on: date | None = None


class MunicipalityOut(Schema):
    id: int
    name: str
    region: str | None
    timezone: str


class DocumentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class TosOut(Schema):
    id: int
    name: str
    status: str
    status_label: str
    registry_number: str | None
    municipality: MunicipalityOut | None
    settlement_id: int | None
    territory_name: str
    territory_kind: str
    territory_description: str
    boundary: dict[str, Any] | None
    residents_count: int | None
    founding_date: date | None
    founding_form: str
    participants_count: int | None
    delegates_elected: int | None
    chair: str | None
    council: list[str]
    charter: DocumentOut | None
    email: str
    phone: str
    address: str
    website: str
    submitted_at: datetime | None
    review_due_on: date | None
    overdue: bool
    registered_at: datetime | None
    decided_at: datetime | None
    is_legal_entity: bool
    ogrn: str
    legal_registered_on: date | None
    allowed_actions: list[str]


class HistoryOut(Schema):
    at: datetime
    action: str
    from_status: str
    to_status: str
    comment: str
    actor: str | None


class ErrorOut(Schema):
    code: str
    message: str
    errors: list[dict[str, Any]]


ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- helpers --------------------------------------------------------------------------------------------


def _visible_tos(request: HttpRequest, pk: int) -> Organization:
    organization = selectors_tos.tos_get(pk=pk)
    if not request.user.has_perm("organizations.view_organization", organization):
        raise PermissionDenied(_("You may not see this ТОС."))
    return organization


def _out(request: HttpRequest, organization: Organization) -> dict[str, Any]:
    profile = organization.tos
    bodies = selectors_tos.tos_bodies(organization=organization)
    municipality = organization.municipality
    charter = profile.charter
    actions = [t.name for t in selectors_tos.tos_allowed_moves(user=request.user, organization=organization)]
    if selectors_tos.tos_can_record_legal_entity(user=request.user, organization=organization):
        actions.append("legal_entity")
    return {
        "id": organization.pk,
        "name": organization.name,
        "status": organization.status,
        "status_label": organization.get_status_display(),
        "registry_number": organization.registry_number,
        "municipality": {
            "id": municipality.pk,
            "name": municipality.name,
            "region": organization.region.code if organization.region else None,
            "timezone": municipality.timezone,
        }
        if municipality
        else None,
        "settlement_id": organization.settlement_id,
        "territory_name": profile.territory_name,
        "territory_kind": profile.territory_kind,
        "territory_description": profile.territory_description,
        "boundary": profile.boundary,
        "residents_count": profile.residents_count,
        "founding_date": profile.founding_date,
        "founding_form": profile.founding_form,
        "participants_count": profile.participants_count,
        "delegates_elected": profile.delegates_elected,
        "chair": next((b.full_name for b in bodies if b.role == BodyRole.CHAIR), None),
        "council": [b.full_name for b in bodies if b.role == BodyRole.COUNCIL],
        "charter": {
            "id": charter.pk,
            "name": charter.original_name,
            "content_type": charter.content_type,
            "size": charter.size,
            "url": reverse("organizations:document", args=[organization.pk, charter.pk]),
        }
        if charter
        else None,
        "email": organization.email,
        "phone": organization.phone,
        "address": organization.address,
        "website": organization.website,
        "submitted_at": profile.submitted_at,
        "review_due_on": profile.review_due_on,
        "overdue": profile.decision_overdue(),
        "registered_at": organization.registered_at,
        "decided_at": profile.decided_at,
        "is_legal_entity": organization.is_legal_entity,
        "ogrn": organization.ogrn,
        "legal_registered_on": organization.legal_registered_on,
        "allowed_actions": actions,
    }


def _fresh(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(request, selectors_tos.tos_get(pk=pk))


def _service_fields(payload: TosFieldsIn) -> dict[str, Any]:
    """The payload's fields as service keyword arguments (only those sent, for PATCH)."""
    data = payload.dict(exclude_unset=True)
    fields: dict[str, Any] = {}
    if "municipality_id" in data:
        fields["municipality"] = (
            Municipality.objects.select_related("region", "country").filter(pk=data.pop("municipality_id")).first()
        )
        if fields["municipality"] is None:
            raise ValidationError(
                {"municipality_id": [ValidationError(_("Unknown municipality."), code="unknown_municipality")]}
            )
    if "settlement_id" in data:
        settlement_id = data.pop("settlement_id")
        fields["settlement"] = Settlement.objects.filter(pk=settlement_id).first() if settlement_id else None
        if settlement_id and fields["settlement"] is None:
            raise ValidationError(
                {"settlement_id": [ValidationError(_("Unknown locality."), code="unknown_settlement")]}
            )
    for key, value in data.items():
        if key in ("chair", "council"):
            fields[key] = value
        elif value is None and key in services.TOS_PROFILE_FIELDS:
            fields[key] = None
        elif value is None:
            fields[key] = ""
        else:
            fields[key] = value
    return fields


# --- endpoints ------------------------------------------------------------------------------------------


@router.post("/", response={201: TosOut, **ERRORS}, summary="Create a ТОС registration draft")
def create_tos(request: HttpRequest, payload: TosCreateIn) -> Any:
    fields = _service_fields(payload)
    fields.setdefault("founding_form", "meeting")
    organization = services.tos_create_draft(actor=request.user, **fields)
    return Status(201, _fresh(request, organization.pk))


@router.get("/{int:tos_id}", response={200: TosOut, **ERRORS}, auth=READ_AUTH, summary="A ТОС registration")
def get_tos(request: HttpRequest, tos_id: int) -> Any:
    return _out(request, _visible_tos(request, tos_id))


@router.patch("/{int:tos_id}", response={200: TosOut, **ERRORS}, summary="Change a draft or returned registration")
def patch_tos(request: HttpRequest, tos_id: int, payload: TosPatchIn) -> Any:
    organization = _visible_tos(request, tos_id)
    services.tos_update(tos=organization, actor=request.user, **_service_fields(payload))
    return _fresh(request, tos_id)


@router.post("/{int:tos_id}/charter", response={201: DocumentOut, **ERRORS}, summary="Attach the charter")
def attach_charter(request: HttpRequest, tos_id: int, file: File[UploadedFile]) -> Any:
    organization = _visible_tos(request, tos_id)
    document = services.tos_attach_charter(tos=organization, actor=request.user, upload=file)
    return Status(
        201,
        {
            "id": document.pk,
            "name": document.original_name,
            "content_type": document.content_type,
            "size": document.size,
            "url": reverse("organizations:document", args=[organization.pk, document.pk]),
        },
    )


def _move(request: HttpRequest, tos_id: int, action: str, comment: str = "") -> Any:
    organization = _visible_tos(request, tos_id)
    services.tos_move(tos=organization, actor=request.user, action=action, comment=comment)
    return _fresh(request, tos_id)


@router.post("/{int:tos_id}/submit", response={200: TosOut, **ERRORS}, summary="Submit the registration")
def submit_tos(request: HttpRequest, tos_id: int) -> Any:
    return _move(request, tos_id, "submit")


@router.post("/{int:tos_id}/resubmit", response={200: TosOut, **ERRORS}, summary="Resubmit a returned registration")
def resubmit_tos(request: HttpRequest, tos_id: int) -> Any:
    return _move(request, tos_id, "resubmit")


@router.post("/{int:tos_id}/start-review", response={200: TosOut, **ERRORS}, summary="Start the review")
def start_review_tos(request: HttpRequest, tos_id: int) -> Any:
    return _move(request, tos_id, "start_review")


@router.post("/{int:tos_id}/return", response={200: TosOut, **ERRORS}, summary="Return for revision (remarks)")
def return_tos(request: HttpRequest, tos_id: int, payload: CommentIn) -> Any:
    return _move(request, tos_id, "return", payload.comment)


@router.post("/{int:tos_id}/register", response={200: TosOut, **ERRORS}, summary="Register the ТОС")
def register_tos(request: HttpRequest, tos_id: int, payload: CommentIn | None = None) -> Any:
    return _move(request, tos_id, "register", payload.comment if payload else "")


@router.post("/{int:tos_id}/refuse", response={200: TosOut, **ERRORS}, summary="Refuse the registration (reason)")
def refuse_tos(request: HttpRequest, tos_id: int, payload: CommentIn) -> Any:
    return _move(request, tos_id, "refuse", payload.comment)


@router.post(
    "/{int:tos_id}/legal-entity", response={200: TosOut, **ERRORS}, summary="Record the state registration (OGRN)"
)
def legal_entity_tos(request: HttpRequest, tos_id: int, payload: LegalEntityIn) -> Any:
    organization = _visible_tos(request, tos_id)
    services.tos_record_legal_entity(
        tos=organization, actor=request.user, ogrn=payload.ogrn, registered_on=payload.registered_on
    )
    return _fresh(request, tos_id)


@router.get(
    "/{int:tos_id}/history", response={200: list[HistoryOut], **ERRORS}, auth=READ_AUTH, summary="The audit trail"
)
def tos_history(request: HttpRequest, tos_id: int) -> Any:
    organization = _visible_tos(request, tos_id)
    return [
        {
            "at": entry.at,
            "action": entry.action,
            "from_status": entry.from_status,
            "to_status": entry.to_status,
            "comment": entry.comment,
            "actor": entry.actor.display_name if entry.actor else None,
        }
        for entry in audit_history(obj=organization)
    ]
