"""Every write to organisations: creation, memberships, and the ТОС registration workflow.

The ТОС workflow (models.TOS_WORKFLOW): draft → submitted → under_review → registered | returned | refused, and
returned → submitted. Each move is one service here: it locks the row, checks the actor's permission
(rules.py), validates, moves through the workflow (which writes the audit row: who, when, from, to, comment) and
announces a domain event (events.py) once the transaction commits.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record, counter_next
from localbridge.core.events import emit
from localbridge.core.files import DOCUMENT_TYPES, validate_upload
from localbridge.core.text import normalize_for_search

from .events import TosDraftCreated, TosLegalEntityRecorded, TosMoved
from .models import (
    TERRITORY_HOLDING_STATUSES,
    TOS_WORKFLOW,
    BodyMember,
    BodyRole,
    Document,
    DocumentKind,
    FoundingForm,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    TosProfile,
    municipality_today,
)
from .rules import TRANSITION_PERMISSIONS

# Fields of a ТОС the applicant may set while the registration is a draft or returned.
TOS_ORGANIZATION_FIELDS = (
    "name",
    "short_name",
    "name_en",
    "description",
    "website",
    "email",
    "phone",
    "address",
    "municipality",
    "settlement",
)
TOS_PROFILE_FIELDS = (
    "territory_name",
    "territory_kind",
    "territory_description",
    "boundary",
    "residents_count",
    "founding_date",
    "founding_form",
    "participants_count",
    "delegates_elected",
)
OGRN_LENGTH = 13


def organization_search_text(organization: Organization) -> str:
    parts = [
        organization.name,
        organization.short_name,
        organization.name_en,
        organization.registry_number or "",
    ]
    if hasattr(organization, "tos"):
        parts.append(organization.tos.territory_name)
    return normalize_for_search(" ".join(p for p in parts if p))


@transaction.atomic
def organization_create(
    *, actor: Any, kind: str, name: str, now: datetime | None = None, **fields: Any
) -> Organization:
    """Create an organisation other than a ТОС (a ТОС is created by `tos_create_draft`): active at once.

    `fields` are Organization fields (country, region, municipality, settlement, short_name, website, ...).
    The region and country follow from the municipality when it is given."""
    if kind == OrganizationKind.TOS:
        raise ValidationError(_("A ТОС is registered through the registration workflow."), code="tos_via_workflow")
    municipality = fields.get("municipality")
    if municipality is not None:
        fields.setdefault("region", municipality.region)
        fields.setdefault("country", municipality.country)
    region = fields.get("region")
    if region is not None:
        fields.setdefault("country", region.country)
    if fields.get("country") is None:
        raise ValidationError({"country": _("Choose a country.")}, code="required")
    organization = Organization(kind=kind, name=name.strip(), status=OrganizationStatus.ACTIVE, **fields)
    if actor is not None and getattr(actor, "is_authenticated", False):
        organization.created_by = actor
    organization.search_text = organization_search_text(organization)
    organization.full_clean(exclude=["territory_key", "search_text"])
    organization.save()
    audit_record(obj=organization, action="create", actor=actor, to_status=organization.status, now=now)
    return organization


@transaction.atomic
def membership_grant(
    *,
    actor: Any,
    organization: Organization,
    user: Any,
    role: str,
    title: str = "",
    now: datetime | None = None,
) -> Membership:
    """Give `user` a role in `organization` (idempotent: an existing one is re-activated)."""
    if role not in MembershipRole.values:
        raise ValidationError({"role": _("Unknown role.")}, code="invalid_role")
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"title": title}
    )
    if not created and (not membership.is_active or (title and membership.title != title)):
        membership.is_active = True
        membership.title = title or membership.title
        membership.save(update_fields=["is_active", "title", "updated_at"])
    audit_record(
        obj=organization,
        action="membership_grant",
        actor=actor,
        data={"user": user.pk, "role": role},
        now=now,
    )
    return membership


# --- ТОС registration: helpers ------------------------------------------------------------------------


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """A field-keyed error that keeps its code (the API reports it per field)."""
    return ValidationError({field: [ValidationError(message, code=code)]})


def _merge(errors: dict[str, list[ValidationError]], exc: ValidationError) -> None:
    for field, field_errors in exc.update_error_dict({}).items():
        errors.setdefault(field, []).extend(
            error if isinstance(error, ValidationError) else ValidationError(error) for error in field_errors
        )


def _require(actor: Any, permission: str, organization: Organization | None) -> None:
    if actor is None or not actor.has_perm(permission, organization):
        raise PermissionDenied(_("You do not have permission to do this with this ТОС."))


def _actor_id(actor: Any) -> int | None:
    return actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None


def _profile(tos: Organization) -> TosProfile:
    if tos.kind != OrganizationKind.TOS:
        raise ValidationError(_("This organisation is not a ТОС."), code="not_tos")
    try:
        return tos.tos
    except TosProfile.DoesNotExist:
        raise ValidationError(_("This ТОС has no registration record."), code="no_profile")


def _lock(tos: Organization) -> None:
    """Re-read the ТОС under a row lock, so that two moves on one ТОС queue instead of both winning."""
    tos.refresh_from_db(from_queryset=Organization.objects.select_for_update())


def _check_can(tos: Organization, action: str) -> None:
    if not TOS_WORKFLOW.can(tos, action):
        raise ValidationError(
            _("This action is not possible in the current state (%(state)s).") % {"state": tos.get_status_display()},
            code="invalid_transition",
        )


def tos_territory_key(municipality_id: int | None, territory_name: str) -> str:
    """What makes two ТОС territories "the same": the municipality and the normalised territory name."""
    return f"{municipality_id}:{normalize_for_search(territory_name)}"


def ogrn_is_valid(value: str) -> bool:
    """An OGRN (ОГРН) of a legal entity: 13 digits, the last one a check digit equal to the first twelve taken
    as a number, modulo 11, modulo 10."""
    if len(value) != OGRN_LENGTH or not value.isascii() or not value.isdigit():
        return False
    return int(value[:12]) % 11 % 10 == int(value[12])


def validate_tos_boundary(value: Any) -> dict[str, Any] | None:
    """A ТОС boundary as GeoJSON: a Polygon or MultiPolygon geometry (or a Feature holding one), with closed
    rings of at least four [longitude, latitude] positions in range. Returns the geometry, or None if empty."""
    if value in (None, "", {}):
        return None
    invalid = "invalid_geojson"
    if not isinstance(value, dict):
        raise ValidationError(_("The boundary must be a GeoJSON object."), code=invalid)
    if value.get("type") == "Feature":
        value = value.get("geometry")
        if not isinstance(value, dict):
            raise ValidationError(_("The GeoJSON feature has no geometry."), code=invalid)
    kind = value.get("type")
    coordinates = value.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates if isinstance(coordinates, list) else [None]
    else:
        raise ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."), code=invalid)
    if not polygons:
        raise ValidationError(_("The boundary has no polygons."), code=invalid)
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ValidationError(_("Each polygon must be a list of rings."), code=invalid)
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                raise ValidationError(_("Each ring must have at least four positions."), code=invalid)
            for position in ring:
                if (
                    not isinstance(position, list)
                    or len(position) < 2
                    or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in position)
                ):
                    raise ValidationError(_("Each position must be [longitude, latitude]."), code=invalid)
                longitude, latitude = position[0], position[1]
                if not (-180 <= longitude <= 180) or not (-90 <= latitude <= 90):
                    raise ValidationError(
                        _("A position is out of range: longitude must be within ±180 and latitude within ±90."),
                        code="geojson_out_of_range",
                    )
            if ring[0][:2] != ring[-1][:2]:
                raise ValidationError(
                    _("Each ring must be closed: its last position must repeat the first."), code="geojson_not_closed"
                )
    return {"type": kind, "coordinates": coordinates}


def _validate_draft(organization: Organization, profile: TosProfile, now: datetime) -> None:
    """Checks every saved ТОС meets, draft or not: field types and lengths, the settlement's municipality, the
    boundary's shape, a founding date not in the future."""
    errors: dict[str, list[ValidationError]] = {}
    if organization.municipality is None:
        errors["municipality"] = [ValidationError(_("Choose the municipality."), code="required")]
    try:
        organization.full_clean(exclude=["territory_key", "search_text", "country", "municipality"])
    except ValidationError as exc:
        _merge(errors, exc)
    try:
        profile.full_clean(exclude=["organization", "charter", "reviewer"], validate_unique=False)
    except ValidationError as exc:
        _merge(errors, exc)
    if (
        organization.settlement is not None
        and organization.municipality is not None
        and organization.settlement.municipality_id != organization.municipality.pk
    ):
        errors.setdefault("settlement", []).append(
            ValidationError(_("This locality is not in the chosen municipality."), code="settlement_mismatch")
        )
    try:
        profile.boundary = validate_tos_boundary(profile.boundary)
    except ValidationError as exc:
        errors.setdefault("boundary", []).extend(exc.error_list)
    if profile.founding_date is not None and profile.founding_date > municipality_today(organization.municipality, now):
        errors.setdefault("founding_date", []).append(
            ValidationError(_("The founding meeting cannot be in the future."), code="in_future")
        )
    if errors:
        raise ValidationError(errors)


def _set_bodies(organization: Organization, chair: str, council: list[str]) -> dict[str, Any]:
    chair = " ".join((chair or "").split())
    names: list[str] = []
    for raw in council or []:
        name = " ".join(str(raw).split())
        if name and name not in names:
            names.append(name)
    limit = BodyMember._meta.get_field("full_name").max_length or 200
    errors: dict[str, list[ValidationError]] = {}
    if len(chair) > limit:
        errors["chair"] = [ValidationError(_("The name is too long."), code="max_length")]
    if any(len(name) > limit for name in names):
        errors["council"] = [ValidationError(_("A name is too long."), code="max_length")]
    if errors:
        raise ValidationError(errors)
    BodyMember.objects.filter(organization=organization, role__in=[BodyRole.CHAIR, BodyRole.COUNCIL]).delete()
    rows = [BodyMember(organization=organization, full_name=chair, role=BodyRole.CHAIR, position=0)] if chair else []
    rows += [
        BodyMember(organization=organization, full_name=name, role=BodyRole.COUNCIL, position=index)
        for index, name in enumerate(names, start=1)
    ]
    BodyMember.objects.bulk_create(rows)
    return {"chair": chair, "council": names}


def _attach_charter(organization: Organization, actor: Any, upload: UploadedFile) -> Document:
    try:
        content_type = validate_upload(upload, DOCUMENT_TYPES)
    except ValidationError as exc:
        raise ValidationError({"charter": exc.error_list})
    document = Document(
        organization=organization,
        kind=DocumentKind.CHARTER,
        title=_("Charter"),
        file=upload,
        original_name=(upload.name or "charter")[:255],
        content_type=content_type,
        size=upload.size or 0,
        is_public=True,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.save()
    profile = organization.tos
    profile.charter = document
    profile.save(update_fields=["charter"])
    return document


def _save_tos(organization: Organization, profile: TosProfile) -> None:
    organization.territory_key = tos_territory_key(organization.municipality_id, profile.territory_name)
    organization.search_text = organization_search_text(organization)
    organization.save()
    profile.save()


# --- ТОС registration: the services ---------------------------------------------------------------------


@transaction.atomic
def tos_create_draft(
    *,
    actor: Any,
    municipality: Any,
    name: str,
    territory_name: str,
    territory_kind: str,
    chair: str | None = None,
    council: list[str] | None = None,
    charter: UploadedFile | None = None,
    is_generated: bool = False,
    now: datetime | None = None,
    **fields: Any,
) -> Organization:
    """A ТОС registration in draft: the organisation (kind tos, country and region from the municipality), its
    registration record, and the actor as its chair member (the applicant).

    `fields` are the other fields of TOS_ORGANIZATION_FIELDS and TOS_PROFILE_FIELDS; `chair`, `council` and
    `charter` may be given at once (see tos_set_bodies and tos_attach_charter). `is_generated` marks invented
    records (demo data), which the registry labels as such."""
    _require(actor, "organizations.create_tos", None)
    now = now or timezone.now()
    unknown = set(fields) - set(TOS_ORGANIZATION_FIELDS) - set(TOS_PROFILE_FIELDS)
    if unknown:
        raise ValidationError(
            {f: [ValidationError(_("Unknown field."), code="unknown_field")] for f in sorted(unknown)}
        )
    organization = Organization(
        kind=OrganizationKind.TOS,
        status=OrganizationStatus.DRAFT,
        name=(name or "").strip(),
        municipality=municipality,
        region=getattr(municipality, "region", None),
        created_by=actor,
        is_generated=is_generated,
        **{f: v for f, v in fields.items() if f in TOS_ORGANIZATION_FIELDS},
    )
    if municipality is not None:
        organization.country = municipality.country
    profile = TosProfile(
        organization=organization,
        territory_name=" ".join((territory_name or "").split()),
        territory_kind=territory_kind,
        **{f: v for f, v in fields.items() if f in TOS_PROFILE_FIELDS},
    )
    if profile.founding_form in (None, ""):
        profile.founding_form = FoundingForm.MEETING
    _validate_draft(organization, profile, now)
    _save_tos(organization, profile)
    audit_record(obj=organization, action="create", actor=actor, to_status=organization.status, now=now)
    membership_grant(actor=actor, organization=organization, user=actor, role=MembershipRole.CHAIR, now=now)
    if chair is not None or council is not None:
        data = _set_bodies(organization, chair or "", council or [])
        audit_record(obj=organization, action="bodies", actor=actor, data=data, now=now)
    if charter is not None:
        document = _attach_charter(organization, actor, charter)
        audit_record(obj=organization, action="charter", actor=actor, data={"document": document.pk}, now=now)
    emit(TosDraftCreated(organization_id=organization.pk, actor_id=_actor_id(actor)))
    return organization


@transaction.atomic
def tos_update(
    *,
    tos: Organization,
    actor: Any,
    chair: str | None = None,
    council: list[str] | None = None,
    charter: UploadedFile | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Organization:
    """Change a draft or returned ТОС registration. Only the given fields change."""
    now = now or timezone.now()
    _lock(tos)
    _require(actor, "organizations.change_tos", tos)
    profile = _profile(tos)
    unknown = set(fields) - set(TOS_ORGANIZATION_FIELDS) - set(TOS_PROFILE_FIELDS)
    if unknown:
        raise ValidationError(
            {f: [ValidationError(_("Unknown field."), code="unknown_field")] for f in sorted(unknown)}
        )
    changed = []
    for field, value in fields.items():
        target = tos if field in TOS_ORGANIZATION_FIELDS else profile
        if field == "territory_name":
            value = " ".join((value or "").split())
        if field in ("name", "short_name", "name_en") and isinstance(value, str):
            value = value.strip()
        if getattr(target, field) != value:
            setattr(target, field, value)
            changed.append(field)
    if "municipality" in changed:
        tos.region = getattr(tos.municipality, "region", None)
        if tos.municipality is not None:
            tos.country = tos.municipality.country
    if changed:
        _validate_draft(tos, profile, now)
        _save_tos(tos, profile)
        audit_record(obj=tos, action="update", actor=actor, data={"fields": sorted(changed)}, now=now)
    if chair is not None or council is not None:
        current = list(tos.body_members.filter(role__in=[BodyRole.CHAIR, BodyRole.COUNCIL]))
        data = _set_bodies(
            tos,
            chair if chair is not None else next((b.full_name for b in current if b.role == BodyRole.CHAIR), ""),
            council if council is not None else [b.full_name for b in current if b.role == BodyRole.COUNCIL],
        )
        audit_record(obj=tos, action="bodies", actor=actor, data=data, now=now)
    if charter is not None:
        document = _attach_charter(tos, actor, charter)
        audit_record(obj=tos, action="charter", actor=actor, data={"document": document.pk}, now=now)
    return tos


@transaction.atomic
def tos_set_bodies(
    *, tos: Organization, actor: Any, chair: str, council: list[str], now: datetime | None = None
) -> list[BodyMember]:
    """Record the elected chair and council (named persons), replacing the previous list."""
    _lock(tos)
    _require(actor, "organizations.change_tos", tos)
    _profile(tos)
    data = _set_bodies(tos, chair, council)
    audit_record(obj=tos, action="bodies", actor=actor, data=data, now=now)
    return list(tos.body_members.all())


@transaction.atomic
def tos_attach_charter(*, tos: Organization, actor: Any, upload: UploadedFile, now: datetime | None = None) -> Document:
    """Attach the charter (PDF, DOC, DOCX or ODT, checked by size and by its real type)."""
    _lock(tos)
    _require(actor, "organizations.change_tos", tos)
    _profile(tos)
    document = _attach_charter(tos, actor, upload)
    audit_record(obj=tos, action="charter", actor=actor, data={"document": document.pk}, now=now)
    return document


def tos_completeness_errors(tos: Organization, *, now: datetime | None = None) -> dict[str, list[ValidationError]]:
    """What a ТОС registration still lacks before it may be submitted, by field (empty when complete)."""
    now = now or timezone.now()
    profile = _profile(tos)
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if not profile.territory_name.strip():
        add("territory_name", _("Describe the territory."), "required")
    if not profile.territory_kind:
        add("territory_kind", _("Choose the territory type."), "required")
    if tos.municipality_id is None:
        add("municipality", _("Choose the municipality."), "required")
    if profile.founding_date is None:
        add("founding_date", _("Give the date of the founding meeting or conference."), "required")
    elif profile.founding_date > municipality_today(tos.municipality, now):
        add("founding_date", _("The founding meeting cannot be in the future."), "in_future")
    if profile.founding_form not in FoundingForm.values:
        add("founding_form", _("Choose the form of the founding meeting."), "required")
    participants, residents = profile.participants_count, profile.residents_count
    if not participants:
        add("participants_count", _("Give the number of participants present."), "required")
    if not residents:
        add("residents_count", _("Give the number of residents aged 16 or more living on the territory."), "required")
    # Quorum of the founding assembly (DOMAIN.md, "ТОС"): a meeting needs at least one third of the territory's
    # residents aged 16+; a conference needs at least two thirds of the elected delegates present.
    if participants and residents and profile.founding_form == FoundingForm.MEETING:
        if participants > residents:
            add(
                "participants_count",
                _("More participants than residents aged 16 or more on the territory."),
                "too_many_participants",
            )
        elif participants * 3 < residents:
            add(
                "participants_count",
                _(
                    "No quorum: a founding meeting needs at least one third of the residents aged 16 or more "
                    "(%(needed)s of %(residents)s)."
                )
                % {"needed": -(-residents // 3), "residents": residents},
                "no_quorum",
            )
    if participants and profile.founding_form == FoundingForm.CONFERENCE:
        elected = profile.delegates_elected
        if not elected:
            add("delegates_elected", _("Give the number of delegates elected to the conference."), "required")
        elif participants > elected:
            add(
                "participants_count",
                _("More delegates present than delegates elected."),
                "too_many_participants",
            )
        elif participants * 3 < elected * 2:
            add(
                "participants_count",
                _(
                    "No quorum: a founding conference needs at least two thirds of the elected delegates "
                    "(%(needed)s of %(elected)s)."
                )
                % {"needed": -(-elected * 2 // 3), "elected": elected},
                "no_quorum",
            )
    if profile.charter_id is None:
        add("charter", _("Attach the charter adopted by the founding meeting."), "required")
    if not tos.body_members.filter(role=BodyRole.CHAIR).exclude(full_name="").exists():
        add("chair", _("Name the elected chair."), "required")
    if (
        tos.municipality_id is not None
        and profile.territory_name.strip()
        and Organization.objects.filter(
            kind=OrganizationKind.TOS,
            territory_key=tos_territory_key(tos.municipality_id, profile.territory_name),
            status__in=TERRITORY_HOLDING_STATUSES,
        )
        .exclude(pk=tos.pk)
        .exists()
    ):
        add("territory_name", _territory_taken_message(), "territory_taken")
    return errors


def _territory_taken_message() -> str:
    # "Two ТОС may not act on the same territory" (DOMAIN.md, "ТОС").
    return _("Another ТОС already holds or has applied for this territory in this municipality.")


def _enter_holding_status(tos: Organization, action: str, *, actor: Any, now: datetime) -> None:
    """Move a ТОС into a status that holds its territory. The partial unique constraint
    organizations_one_tos_per_territory is the last word: if a concurrent submission took the territory after
    our check, the database refuses, and the applicant gets the same clear error."""
    profile = tos.tos
    tos.territory_key = tos_territory_key(tos.municipality_id, profile.territory_name)
    try:
        with transaction.atomic():
            TOS_WORKFLOW.apply(tos, action, actor=actor, now=now, update_fields=["territory_key"])
    except IntegrityError:
        tos.refresh_from_db(fields=["status", "territory_key"])
        raise _field_error("territory_name", _territory_taken_message(), "territory_taken")


def _submit(*, tos: Organization, actor: Any, action: str, now: datetime | None) -> Organization:
    now = now or timezone.now()
    _lock(tos)
    _require(actor, TRANSITION_PERMISSIONS[action], tos)
    _check_can(tos, action)
    errors = tos_completeness_errors(tos, now=now)
    if errors:
        raise ValidationError(errors)
    from_status = tos.status
    _enter_holding_status(tos, action, actor=actor, now=now)
    profile = tos.tos
    profile.submitted_at = now
    # The administration's deadline counts from the submission date in the municipality's time zone.
    profile.review_due_on = municipality_today(tos.municipality, now) + timedelta(days=settings.TOS_REVIEW_DAYS)
    profile.decided_at = None
    profile.save(update_fields=["submitted_at", "review_due_on", "decided_at"])
    emit(TosMoved(tos.pk, action, from_status, tos.status, _actor_id(actor)))
    return tos


@transaction.atomic
def tos_submit(*, tos: Organization, actor: Any, now: datetime | None = None) -> Organization:
    """The applicant submits a complete draft to the municipality."""
    return _submit(tos=tos, actor=actor, action="submit", now=now)


@transaction.atomic
def tos_resubmit(*, tos: Organization, actor: Any, now: datetime | None = None) -> Organization:
    """The applicant resubmits a registration returned for revision; the review deadline starts again."""
    return _submit(tos=tos, actor=actor, action="resubmit", now=now)


def _review_move(
    *,
    tos: Organization,
    actor: Any,
    action: str,
    comment: str = "",
    now: datetime | None,
    decided: bool = False,
) -> Organization:
    now = now or timezone.now()
    _lock(tos)
    _require(actor, TRANSITION_PERMISSIONS[action], tos)
    _check_can(tos, action)
    comment = (comment or "").strip()
    if TOS_WORKFLOW.get(action).comment_required and not comment:
        message = (
            _("Write the remarks the applicant must address.")
            if action == "return"
            else _("Give the reason for the refusal.")
        )
        raise _field_error("comment", message, "comment_required")
    profile = _profile(tos)
    from_status = tos.status
    update_fields: list[str] = []
    data: dict[str, Any] = {}
    if action == "register":
        sequence = counter_next(key=f"tos-registry:{tos.municipality_id}")
        prefix = tos.municipality.oktmo if tos.municipality and tos.municipality.oktmo else f"M{tos.municipality_id}"
        tos.registry_number = f"{prefix}-{sequence:04d}"
        tos.registered_at = now
        tos.founded_on = tos.founded_on or profile.founding_date
        tos.search_text = organization_search_text(tos)
        update_fields = ["registry_number", "registered_at", "founded_on", "search_text"]
        data = {"registry_number": tos.registry_number}
    TOS_WORKFLOW.apply(tos, action, actor=actor, comment=comment, now=now, update_fields=update_fields, data=data)
    profile.reviewer = actor if getattr(actor, "is_authenticated", False) else None
    profile_fields = ["reviewer"]
    if decided:
        profile.decided_at = now
        profile_fields.append("decided_at")
    profile.save(update_fields=profile_fields)
    emit(TosMoved(tos.pk, action, from_status, tos.status, _actor_id(actor), comment))
    return tos


@transaction.atomic
def tos_start_review(*, tos: Organization, actor: Any, now: datetime | None = None) -> Organization:
    """A municipal reviewer takes a submitted registration into review."""
    return _review_move(tos=tos, actor=actor, action="start_review", now=now)


@transaction.atomic
def tos_return(*, tos: Organization, actor: Any, comment: str, now: datetime | None = None) -> Organization:
    """The reviewer returns the registration for revision, with remarks (required)."""
    return _review_move(tos=tos, actor=actor, action="return", comment=comment, now=now)


@transaction.atomic
def tos_register(*, tos: Organization, actor: Any, comment: str = "", now: datetime | None = None) -> Organization:
    """The reviewer registers the charter: the ТОС is established and gets its registry number."""
    return _review_move(tos=tos, actor=actor, action="register", comment=comment, now=now, decided=True)


@transaction.atomic
def tos_refuse(*, tos: Organization, actor: Any, comment: str, now: datetime | None = None) -> Organization:
    """The reviewer refuses the registration, with the reason (required)."""
    return _review_move(tos=tos, actor=actor, action="refuse", comment=comment, now=now, decided=True)


TOS_MOVES: dict[str, Callable[..., Organization]] = {
    "submit": tos_submit,
    "resubmit": tos_resubmit,
    "start_review": tos_start_review,
    "return": tos_return,
    "register": tos_register,
    "refuse": tos_refuse,
}


def tos_move(
    *, tos: Organization, actor: Any, action: str, comment: str = "", now: datetime | None = None
) -> Organization:
    """Dispatch a workflow move by name (the web form and the API post the action's name)."""
    if action not in TOS_MOVES:
        raise ValidationError(_("Unknown action “%(name)s”.") % {"name": action}, code="unknown_transition")
    if action in ("submit", "resubmit", "start_review"):
        return TOS_MOVES[action](tos=tos, actor=actor, now=now)
    return TOS_MOVES[action](tos=tos, actor=actor, comment=comment, now=now)


@transaction.atomic
def tos_record_legal_entity(
    *, tos: Organization, actor: Any, ogrn: str, registered_on: date | None, now: datetime | None = None
) -> Organization:
    """Record that a registered ТОС has been state-registered as a non-profit legal entity (its OGRN and date)."""
    now = now or timezone.now()
    _lock(tos)
    _require(actor, "organizations.record_legal_entity", tos)
    _profile(tos)
    if tos.status != OrganizationStatus.REGISTERED:
        raise ValidationError(
            _("Only a registered ТОС can record its state registration as a legal entity."), code="not_registered"
        )
    ogrn = "".join((ogrn or "").split())
    errors: dict[str, list[ValidationError]] = {}
    if not ogrn:
        errors["ogrn"] = [ValidationError(_("Give the OGRN."), code="required")]
    elif not ogrn_is_valid(ogrn):
        errors["ogrn"] = [
            ValidationError(_("This is not a valid OGRN: 13 digits with a correct check digit."), code="invalid_ogrn")
        ]
    if registered_on is None:
        errors["registered_on"] = [ValidationError(_("Give the state registration date."), code="required")]
    elif registered_on > municipality_today(tos.municipality, now):
        errors["registered_on"] = [
            ValidationError(_("The state registration date cannot be in the future."), code="in_future")
        ]
    if errors:
        raise ValidationError(errors)
    tos.is_legal_entity = True
    tos.ogrn = ogrn
    tos.legal_registered_on = registered_on
    tos.save(update_fields=["is_legal_entity", "ogrn", "legal_registered_on", "updated_at"])
    audit_record(
        obj=tos,
        action="legal_entity",
        actor=actor,
        data={"ogrn": ogrn, "registered_on": registered_on.isoformat() if registered_on else None},
        now=now,
    )
    emit(TosLegalEntityRecorded(organization_id=tos.pk, ogrn=ogrn, actor_id=_actor_id(actor)))
    return tos
