"""Writes to ratings: an operator saves a rating built on the "build your own rating" page as a rating of the
platform (a draft, or published at once). Editing, publishing and removing saved ratings is in the Django admin
(admin.py), open to those who manage ratings (rules.py).

The rules a rating must meet are checked here, so that the page and any other caller say the same: a known
territory, a year in range, at least one indicator, each weight a positive number under 100,000 with at most
three decimals (the column's precision), a code not taken and not one of the pages' own words."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.services import FieldErrors, one_line, require_perm
from localbridge.territories.models import Country, Region

from .models import (
    MAX_YEAR,
    MIN_YEAR,
    IndicatorDefinition,
    MissingRule,
    Normalisation,
    RatingMethod,
    RatingScope,
    RatingWeight,
)

# Words the ratings' addresses use themselves (/indicators/ratings/custom/): a rating cannot take them as its code.
RESERVED_CODES = frozenset({"custom", "new", "export"})
WEIGHT_QUANTUM = Decimal("0.001")
WEIGHT_LIMIT = Decimal(100_000)
NAME_MAX = 255


def weight_error(weight: Decimal | None) -> tuple[str, str] | None:
    """(message, code) when `weight` cannot be a rating's weight, else None. Shared with the page's form."""
    if weight is None or not weight.is_finite():
        return _("Enter a number."), "bad_weight"
    if weight.quantize(WEIGHT_QUANTUM) <= 0:
        return _("A weight must be greater than zero."), "weight_not_positive"
    if weight >= WEIGHT_LIMIT:
        return _("A weight must be less than 100,000."), "weight_too_large"
    return None


@transaction.atomic
def rating_method_create(
    *,
    actor: Any,
    code: str,
    name_ru: str,
    name_en: str = "",
    description_ru: str = "",
    description_en: str = "",
    year: int,
    region: Region | None = None,
    country: Country | None = None,
    normalisation: str = Normalisation.MINMAX,
    missing_rule: str = MissingRule.EXCLUDE_OVER_HALF,
    weights: Sequence[tuple[IndicatorDefinition, Decimal]],
    is_published: bool = False,
    now: datetime | None = None,
) -> RatingMethod:
    """Save a rating: the municipalities of `region` (or, without one, of `country`) in `year`, the indicators with
    their weights in the order given. Audited. `actor` None is the system (demo loading): no permission check."""
    if actor is not None:
        require_perm(actor, "indicators.manage_ratings")
    now = now or timezone.now()
    errors = FieldErrors()
    code = slugify(code or "")[:64]
    if not code:
        errors.add("code", _("Give the rating a code: Latin letters, digits and hyphens."), "required")
    elif code in RESERVED_CODES:
        errors.add("code", _("This code is reserved; choose another."), "reserved_code")
    elif RatingMethod.objects.filter(code=code).exists():
        errors.add("code", _("A rating with this code already exists."), "code_taken")
    name_ru, name_en = one_line(name_ru), one_line(name_en)
    if not name_ru:
        errors.add("name_ru", _("Give the rating a name."), "required")
    for field_name, value in (("name_ru", name_ru), ("name_en", name_en)):
        if len(value) > NAME_MAX:
            errors.add(field_name, _("Keep it under %(max)s characters.") % {"max": NAME_MAX}, "too_long")
    if region is None and country is None:
        errors.add("territory", _("Choose a region or a country."), "required")
    if not MIN_YEAR <= year <= min(MAX_YEAR, timezone.localdate(now).year):
        errors.add(
            "year",
            _("Enter a year from %(first)s to %(last)s.") % {"first": MIN_YEAR, "last": timezone.localdate(now).year},
            "bad_year",
        )
    if normalisation not in Normalisation.values:
        errors.add("normalisation", _("Choose a normalisation."), "bad_choice")
    if missing_rule not in MissingRule.values:
        errors.add("missing_rule", _("Choose a rule for missing values."), "bad_choice")
    if not weights:
        errors.add("weights", _("Choose at least one indicator and give it a weight."), "no_indicators")
    seen: set[int] = set()
    for definition, weight in weights:
        problem = weight_error(weight)
        if problem is not None:
            errors.add(f"w_{definition.code}", problem[0], problem[1])
        if not definition.is_active:
            errors.add(f"w_{definition.code}", _("This indicator is no longer in use."), "inactive_indicator")
        if definition.pk in seen:
            errors.add(f"w_{definition.code}", _("The indicator is chosen twice."), "duplicate_indicator")
        seen.add(definition.pk)
    errors.raise_if_any()
    method = RatingMethod(
        code=code,
        name_ru=name_ru,
        name_en=name_en,
        description_ru=(description_ru or "").strip(),
        description_en=(description_en or "").strip(),
        year=year,
        scope=RatingScope.REGION if region is not None else RatingScope.COUNTRY,
        region=region,
        country=None if region is not None else country,
        normalisation=normalisation,
        missing_rule=missing_rule,
        is_published=is_published,
    )
    try:
        with transaction.atomic():
            method.save()
    except IntegrityError:  # the same code saved a moment ago by someone else
        raise ValidationError(
            {"code": [ValidationError(_("A rating with this code already exists."), code="code_taken")]}
        ) from None
    RatingWeight.objects.bulk_create(
        RatingWeight(method=method, definition=definition, weight=weight.quantize(WEIGHT_QUANTUM), position=position)
        for position, (definition, weight) in enumerate(weights, start=1)
    )
    audit_record(
        obj=method,
        action="create",
        actor=actor,
        data={
            "code": code,
            "year": year,
            "territory": region.code if region is not None else country.code if country is not None else "",
            "normalisation": normalisation,
            "missing_rule": missing_rule,
            "weights": {d.code: str(w) for d, w in weights},
            "published": is_published,
        },
        now=now,
    )
    return method
