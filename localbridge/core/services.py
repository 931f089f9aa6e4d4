"""Helpers every app's services share (one copy, used by practices, contests, participation…): the permission
check, field errors gathered before any write, row locks, and clean-up of typed text."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def actor_id(actor: Any) -> int | None:
    """The acting user's id, or None for an anonymous or system actor."""
    return actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None


def require_perm(actor: Any, permission: str, obj: Any = None) -> None:
    """Raise PermissionDenied (translated) unless `actor` has `permission` (on `obj`)."""
    if actor is None or not actor.has_perm(permission, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def field_error(field: str, message: str, code: str, params: dict[str, Any] | None = None) -> ValidationError:
    """A ValidationError keyed by one field."""
    return ValidationError({field: [ValidationError(message, code=code, params=params)]})


def error_codes(exc: ValidationError) -> set[str]:
    """The codes of every error in `exc`, with or without fields."""
    if hasattr(exc, "error_dict"):
        return {e.code or "" for errors in exc.error_dict.values() for e in errors}
    return {e.code or "" for e in exc.error_list}


class FieldErrors:
    """Field errors gathered before anything is written, raised together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str, params: dict[str, Any] | None = None) -> None:
        self.errors.setdefault(field, []).append(ValidationError(message, code=code, params=params))

    def merge(self, exc: ValidationError, *, field: str | None = None) -> None:
        """Add the errors of `exc`: under `field` if given (or if it has no fields), else under its own fields."""
        if field is not None or not hasattr(exc, "error_dict"):
            self.errors.setdefault(field or "__all__", []).extend(exc.error_list)
            return
        for name, errors in exc.error_dict.items():
            self.errors.setdefault(name, []).extend(errors)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def lock_row(obj: Any) -> None:
    """Re-read the row under a lock, so that two writes to one object queue instead of both winning."""
    obj.refresh_from_db(from_queryset=type(obj).objects.select_for_update())


def one_line(value: Any) -> str:
    """Text on one line, runs of whitespace collapsed."""
    return " ".join(str(value or "").split())


def clean_text(value: Any) -> str:
    """Text with Windows line ends made plain and the ends trimmed."""
    return str(value or "").replace("\r\n", "\n").strip()
