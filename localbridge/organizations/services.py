"""Every write to organisations: creation, memberships, and the ТОС registration workflow."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.text import normalize_for_search

from .models import Membership, MembershipRole, Organization, OrganizationKind, OrganizationStatus


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
