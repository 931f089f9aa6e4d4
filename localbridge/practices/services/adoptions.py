""" "We adopted this": adoptions of published practices by other organisations."""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.events import emit
from localbridge.organizations.models import PUBLIC_STATUSES, Organization, municipality_today
from localbridge.practices.events import (
    AdoptionChanged,
    AdoptionRecorded,
    AdoptionRemoved,
)
from localbridge.practices.models import (
    Adoption,
    Practice,
    PracticeOrganization,
    PracticeStatus,
)
from localbridge.territories.models import Municipality

from .common import (
    _DATE,
    _actor_id,
    _error,
    _Errors,
    _lock,
    _require,
    _text,
)

ADOPTION_FIELDS = ("adopted_on", "municipality", "adaptation", "result")


# --- adoptions ----------------------------------------------------------------------------------------------


def _practice_start(practice: Practice) -> date | None:
    if practice.started_on is not None:
        return practice.started_on
    if practice.start_year:
        return date(practice.start_year, 1, 1)
    return None


def _clean_adoption(adoption: Adoption, values: Mapping[str, Any], now: datetime) -> None:
    errors = _Errors()
    invalid_date = False
    for field in ADOPTION_FIELDS:
        if field in values:
            value = values[field]
            if field in ("adaptation", "result"):
                value = _text(value)
            elif value == "":
                value = None
            elif field == "adopted_on":
                try:
                    value = _DATE.to_python(value)
                except ValidationError as exc:
                    errors.merge(exc, field=field)
                    invalid_date = True
                    value = None
            setattr(adoption, field, value)
    if adoption.municipality is None:
        adoption.municipality = adoption.organization.municipality
    if invalid_date:
        pass
    elif adoption.adopted_on is None:
        errors.add("adopted_on", _("Say when the practice was adopted."), "required")
    else:
        if adoption.adopted_on > municipality_today(adoption.municipality, now):
            errors.add("adopted_on", _("The date cannot be in the future."), "in_future")
        start = _practice_start(adoption.practice)
        if start is not None and adoption.adopted_on < start:
            errors.add(
                "adopted_on",
                _("The practice started on %(start)s: it cannot have been adopted before."),
                "before_practice",
                {"start": start.isoformat()},
            )
    try:
        adoption.full_clean(
            exclude=["practice", "organization", "municipality", "created_by", "adopted_on"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        errors.merge(exc)
    errors.raise_if_any()


@transaction.atomic
def adoption_record(
    *,
    practice: Practice,
    organization: Organization,
    actor: Any,
    adopted_on: date | None,
    municipality: Municipality | None = None,
    adaptation: str = "",
    result: str = "",
    now: datetime | None = None,
) -> Adoption:
    """ "We adopted this": a chair, staff member or member of `organization` records that it replicated a
    published practice — when, where (its own municipality unless another is given), with what adaptation and
    result. An organisation adopts a practice once, and never one it authored or partnered in."""
    now = now or timezone.now()
    _lock(practice)
    _require(actor, "practices.view_practice", practice)
    _require(actor, "practices.record_adoption", organization)
    if practice.status != PracticeStatus.PUBLISHED:
        raise ValidationError(_("Only a published practice can be adopted."), code="not_published")
    if organization.status not in PUBLIC_STATUSES:
        raise _error(
            "organization",
            _("Only an organisation in the public registry can record an adoption."),
            "organization_not_public",
        )
    if PracticeOrganization.objects.filter(practice=practice, organization=organization).exists():
        raise _error("organization", _("An organisation cannot adopt its own practice."), "own_practice")
    already = _("%(organization)s has already recorded adopting this practice.") % {"organization": organization}
    if Adoption.objects.filter(practice=practice, organization=organization).exists():
        raise _error("organization", already, "already_adopted")
    adoption = Adoption(
        practice=practice,
        organization=organization,
        created_by=actor if _actor_id(actor) else None,
        created_at=now,
    )
    _clean_adoption(
        adoption,
        {"adopted_on": adopted_on, "municipality": municipality, "adaptation": adaptation, "result": result},
        now,
    )
    try:
        with transaction.atomic():
            adoption.save()
    except IntegrityError:
        # A concurrent request recorded the same adoption after our check.
        raise _error("organization", already, "already_adopted")
    audit_record(
        obj=adoption,
        action="adopt",
        actor=actor,
        data={"practice": practice.pk, "organization": organization.pk},
        now=now,
    )
    emit(AdoptionRecorded(adoption.pk, practice.pk, organization.pk, _actor_id(actor)))
    return adoption


@transaction.atomic
def adoption_update(*, adoption: Adoption, actor: Any, now: datetime | None = None, **changes: Any) -> Adoption:
    """Correct an adoption (its date, place, adaptation or result): whoever recorded it, the adopting
    organisation's chair or staff, or a moderator."""
    now = now or timezone.now()
    unknown = set(changes) - set(ADOPTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown adoption fields: {sorted(unknown)}")
    _lock(adoption)
    _require(actor, "practices.change_adoption", adoption)
    _clean_adoption(adoption, changes, now)
    adoption.save()
    audit_record(obj=adoption, action="update", actor=actor, data={"fields": sorted(changes)}, now=now)
    emit(AdoptionChanged(adoption.pk, adoption.practice_id, adoption.organization_id, _actor_id(actor)))
    return adoption


@transaction.atomic
def adoption_delete(*, adoption: Adoption, actor: Any, now: datetime | None = None) -> None:
    """Remove an adoption: whoever recorded it, the adopting organisation's chair or staff, or a moderator."""
    now = now or timezone.now()
    _lock(adoption)
    _require(actor, "practices.delete_adoption", adoption)
    event = AdoptionRemoved(adoption.pk, adoption.practice_id, adoption.organization_id, _actor_id(actor))
    audit_record(
        obj=adoption,
        action="delete",
        actor=actor,
        data={"practice": adoption.practice_id, "organization": adoption.organization_id},
        now=now,
    )
    adoption.delete()
    emit(event)
