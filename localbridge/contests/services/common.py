"""Helpers the contests services share: permission checks, field errors gathered before any write, row locks,
text and money clean-up, the normalised project title, and the contest's clock (deadline in its time zone)."""

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import models

from localbridge.contests.budget import money as _money
from localbridge.contests.budget import to_decimal
from localbridge.contests.models import Contest, ContestStatus
from localbridge.core.services import FieldErrors, actor_id, clean_text, field_error, lock_row, one_line, require_perm

# The services' shared helpers (localbridge/core/services.py), under the names the app's services import.
_actor_id = actor_id
_require = require_perm
_error = field_error
_Errors = FieldErrors
_lock = lock_row
_one_line = one_line
_text = clean_text

# Parser of dates given as text (a form, an API call): the model field's own conversion.
_DATE: "models.DateField[Any, Any]" = models.DateField()


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
