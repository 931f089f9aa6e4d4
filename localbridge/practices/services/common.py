"""Helpers the practice bank's services share: permission checks, field errors gathered before any write,
row locks, text clean-up."""

from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from localbridge.core.services import FieldErrors, actor_id, clean_text, field_error, lock_row, one_line, require_perm
from localbridge.practices.models import (
    Practice,
)

# The services' shared helpers (localbridge/core/services.py), under the names the app's services import.
_actor_id = actor_id
_require = require_perm
_error = field_error
_Errors = FieldErrors
_lock = lock_row
_one_line = one_line
_text = clean_text

# Parsers of dates and years given as text (a form, a CSV file): the model fields' own conversions.
_DATE: "models.DateField[Any, Any]" = models.DateField()
_YEAR: "models.PositiveSmallIntegerField[Any, Any]" = models.PositiveSmallIntegerField()

# --- helpers -----------------------------------------------------------------------------------------------


def _facet_year(practice: Practice, now: datetime) -> int:
    """The year facets count the practice under: the start year when known, else the year of publication (of
    creation while it is not published)."""
    if practice.start_year:
        return practice.start_year
    moment = practice.published_at or practice.created_at or now
    return timezone.localtime(moment).year
