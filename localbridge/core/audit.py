"""Writing and reading the audit trail."""

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from .models import AuditEntry, Counter


def audit_record(
    *,
    obj: models.Model,
    action: str,
    actor: Any = None,
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        data=data or {},
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        at=now or timezone.now(),
    )


def audit_history(*, obj: models.Model) -> models.QuerySet[AuditEntry]:
    return (
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )


@transaction.atomic
def counter_next(*, key: str) -> int:
    """The next value of a named counter, safe under concurrent callers on SQLite and PostgreSQL."""
    Counter.objects.get_or_create(key=key)
    Counter.objects.filter(key=key).update(value=F("value") + 1)
    return Counter.objects.select_for_update().get(key=key).value
