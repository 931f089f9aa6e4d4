"""Helpers the contests services share: permission checks, field errors gathered before any write, row locks,
text and money clean-up, the normalised project title, and the contest's clock (deadline in its time zone)."""

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from localbridge.contests.budget import money as _money
from localbridge.contests.budget import to_decimal
from localbridge.contests.models import Contest, ContestStatus

# Parser of dates given as text (a form, an API call): the model field's own conversion.
_DATE: "models.DateField[Any, Any]" = models.DateField()


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

    def __bool__(self) -> bool:
        return bool(self.errors)

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


def money(value: Any) -> Decimal:
    """An amount as Decimal rounded to kopecks (empty is zero)."""
    return _money(value)


def _decimal_or_raw(value: Any) -> Any:
    """A number given as text as a Decimal; what cannot be read is passed on for full_clean to report."""
    if value is None or value == "":
        return None
    number = to_decimal(value)
    return number if number is not None else value


def _date(value: Any) -> date | None:
    """A date from a date or ISO text; ValidationError (code "invalid") otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    return _DATE.to_python(value)


_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def title_key(title: str) -> str:
    """The project title as compared for duplicates: case-folded, ё→е, spaces collapsed, punctuation and quotes
    at both ends stripped («Двор мечты!» and "двор  мечты" are one project)."""
    text = unicodedata.normalize("NFKC", str(title or "")).casefold().replace("ё", "е")
    text = " ".join(text.split())
    return _EDGE_PUNCTUATION.sub("", text).strip()


# --- the contest's clock --------------------------------------------------------------------------------------


def contest_zone(contest: Contest) -> ZoneInfo:
    try:
        return ZoneInfo(contest.time_zone or "Europe/Moscow")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Moscow")


def contest_opens(contest: Contest) -> datetime | None:
    """The start of applications_open in the contest's time zone."""
    if contest.applications_open is None:
        return None
    return datetime.combine(contest.applications_open, time.min, tzinfo=contest_zone(contest))


def contest_deadline(contest: Contest) -> datetime | None:
    """The end of applications_close in the contest's time zone (the first instant no longer accepted)."""
    if contest.applications_close is None:
        return None
    return datetime.combine(contest.applications_close + timedelta(days=1), time.min, tzinfo=contest_zone(contest))


def contest_is_accepting(contest: Contest, now: datetime) -> bool:
    """Announced, and `now` between the start of applications_open and the end of applications_close."""
    opens, deadline = contest_opens(contest), contest_deadline(contest)
    if contest.status != ContestStatus.ANNOUNCED or opens is None or deadline is None:
        return False
    return opens <= now < deadline
