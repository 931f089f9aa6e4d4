"""Helpers the practice bank's services share: permission checks, field errors gathered before any write,
row locks, text clean-up."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.practices.models import (
    Practice,
)

# Parsers of dates and years given as text (a form, a CSV file): the model fields' own conversions.
_DATE: "models.DateField[Any, Any]" = models.DateField()
_YEAR: "models.PositiveSmallIntegerField[Any, Any]" = models.PositiveSmallIntegerField()

# --- helpers -----------------------------------------------------------------------------------------------


def _actor_id(actor: Any) -> int | None:
    return actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None


def _require(actor: Any, permission: str, obj: Any = None) -> None:
    if actor is None or not actor.has_perm(permission, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _error(field: str, message: str, code: str, params: dict[str, Any] | None = None) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code, params=params)]})


class _Errors:
    """Field errors gathered before anything is written, raised together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str, params: dict[str, Any] | None = None) -> None:
        self.errors.setdefault(field, []).append(ValidationError(message, code=code, params=params))

    def merge(self, exc: ValidationError, *, field: str | None = None) -> None:
        if field is not None or not hasattr(exc, "error_dict"):
            self.errors.setdefault(field or "__all__", []).extend(exc.error_list)
            return
        for name, errors in exc.error_dict.items():
            self.errors.setdefault(name, []).extend(errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _lock(obj: Any) -> None:
    """Re-read the row under a lock, so that two writes to one object queue instead of both winning."""
    obj.refresh_from_db(from_queryset=type(obj).objects.select_for_update())


def _one_line(value: Any) -> str:
    return " ".join(str(value or "").split())


def _text(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").strip()


def _facet_year(practice: Practice, now: datetime) -> int:
    """The year facets count the practice under: the start year when known, else the year of publication (of
    creation while it is not published)."""
    if practice.start_year:
        return practice.start_year
    moment = practice.published_at or practice.created_at or now
    return timezone.localtime(moment).year
