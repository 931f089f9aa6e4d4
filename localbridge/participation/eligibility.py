"""Who may take part in a process (a proposal's supports, a vote, a survey, a hearing): a confirmed resident of its
territory, old enough by the profile's birth year. Checked on the server on every support, ballot and answer.

`eligibility_errors(user, process, now)` returns the reasons a user may not take part (codes with messages, none
when they may); `is_eligible` is its boolean. Age: a resident whose birth year is Y is counted as
(current year − Y) years old; with no birth year in the profile, a process with a minimum age refuses them (the
message says to fill it in)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Eligibility, Residency, ResidencyStatus


def confirmed_residencies(user: Any, process: Eligibility) -> Any:
    """The user's confirmed residencies that cover the process's territory (a queryset)."""
    residencies = Residency.objects.filter(
        user=user, municipality_id=process.municipality_id, status=ResidencyStatus.CONFIRMED
    )
    if process.settlement_id is not None:
        residencies = residencies.filter(settlement_id=process.settlement_id)
    if process.tos_id is not None:
        residencies = residencies.filter(tos_id=process.tos_id)
    return residencies


def eligibility_errors(user: Any, process: Eligibility, now: datetime | None = None) -> list[ValidationError]:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return [ValidationError(_("Sign in to take part."), code="anonymous")]
    errors: list[ValidationError] = []
    if not confirmed_residencies(user, process).exists():
        errors.append(
            ValidationError(
                _("Only confirmed residents of this territory may take part. Confirm your residence first."),
                code="not_resident",
            )
        )
    if process.min_age:
        year = timezone.localdate(now).year if now else timezone.localdate().year
        birth_year = getattr(user, "birth_year", None)
        if not birth_year:
            errors.append(
                ValidationError(
                    _("Residents aged %(age)s or more may take part: give your year of birth in your profile.")
                    % {"age": process.min_age},
                    code="no_birth_year",
                )
            )
        elif year - birth_year < process.min_age:
            errors.append(
                ValidationError(
                    _("Residents aged %(age)s or more may take part.") % {"age": process.min_age}, code="too_young"
                )
            )
    return errors


def is_eligible(user: Any, process: Eligibility, now: datetime | None = None) -> bool:
    return not eligibility_errors(user, process, now)
