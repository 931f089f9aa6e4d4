"""Writes of associations' members: a municipality or another association joins or leaves an association of local
authorities. Done by the association's active chair or staff, or platform staff ("cooperation.manage_association_
members"); audited on the association. Errors carry codes; the database's constraints back them (one membership
per member, never the association itself)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.services import FieldErrors, field_error, one_line, require_perm
from localbridge.organizations.models import Organization
from localbridge.territories.models import Municipality

from .models import AssociationMember
from .selectors_associations import ASSOCIATION_KINDS

NOTE_LENGTH = 300


def _twice(name: str) -> str:
    return _("%(name)s is already a member.") % {"name": name}


@transaction.atomic
def association_member_add(
    *,
    actor: Any,
    association: Organization,
    municipality: Municipality | None = None,
    organization: Organization | None = None,
    joined_on: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> AssociationMember:
    """Add a member: a municipality of any country, or another association (exactly one)."""
    if association.kind not in ASSOCIATION_KINDS:
        raise ValidationError(_("Only an association of local authorities has members here."), code="not_association")
    require_perm(actor, "cooperation.manage_association_members", association)
    errors = FieldErrors()
    if (municipality is None) == (organization is None):
        errors.add("member", _("Choose a municipality or an association (one of them)."), "member_kind")
    elif organization is not None:
        if organization.kind not in ASSOCIATION_KINDS:
            errors.add(
                "organization",
                _("%(name)s is not an association of local authorities.") % {"name": organization.name},
                "member_not_association",
            )
        elif organization.pk == association.pk:
            errors.add("organization", _("An association cannot be a member of itself."), "member_itself")
        elif AssociationMember.objects.filter(association=organization, organization=association).exists():
            errors.add(
                "organization",
                _("This association is itself a member of %(name)s: membership cannot go both ways.")
                % {"name": organization.name},
                "member_cycle",
            )
        elif AssociationMember.objects.filter(association=association, organization=organization).exists():
            errors.add("organization", _twice(organization.name), "member_twice")
    elif municipality is not None and (
        AssociationMember.objects.filter(association=association, municipality=municipality).exists()
    ):
        errors.add("municipality", _twice(municipality.name), "member_twice")
    note = one_line(note)
    if len(note) > NOTE_LENGTH:
        errors.add("note", _("The note is too long (at most 300 characters)."), "too_long")
    errors.raise_if_any()
    try:
        with transaction.atomic():
            member = AssociationMember.objects.create(
                association=association,
                municipality=municipality,
                organization=organization,
                joined_on=joined_on,
                note=note,
            )
    except IntegrityError:  # a concurrent add of the same member won (the unique constraints)
        name = municipality.name if municipality is not None else organization.name  # type: ignore[union-attr]
        raise field_error("municipality" if municipality is not None else "organization", _twice(name), "member_twice")
    audit_record(
        obj=association,
        action="member_add",
        actor=actor,
        data={"municipality": member.municipality_id, "organization": member.organization_id, "note": note},
        now=now,
    )
    return member


@transaction.atomic
def association_member_remove(*, actor: Any, member: AssociationMember, now: datetime | None = None) -> None:
    """Remove a member from its association."""
    association = member.association
    require_perm(actor, "cooperation.manage_association_members", association)
    data = {"municipality": member.municipality_id, "organization": member.organization_id}
    deleted, _rows = AssociationMember.objects.filter(pk=member.pk).delete()
    if not deleted:
        raise ValidationError(_("This member has already been removed."), code="member_gone")
    audit_record(obj=association, action="member_remove", actor=actor, data=data, now=now)
