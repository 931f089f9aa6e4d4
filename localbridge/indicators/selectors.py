"""Reads of indicators: the definitions, values filtered by indicator, territory and year (the API, the map), a
municipality's table of values over the years (the dashboard), and a rating computed from its method. Each is a
fixed number of queries, however many values there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from localbridge.territories.models import Country, Municipality, Region

from . import ratings
from .models import Group, IndicatorDefinition, IndicatorValue, Level, RatingMethod, RatingScope, RatingWeight

# The dashboard shows at most this many recent years (older ones are in the API and the downloads).
DASHBOARD_YEARS = 10


def definition_list(*, active_only: bool = True, source: str | None = None, group: str | None = None) -> QuerySet:
    definitions = IndicatorDefinition.objects.all()
    if active_only:
        definitions = definitions.filter(is_active=True)
    if source:
        definitions = definitions.filter(source=source)
    if group:
        definitions = definitions.filter(group=group)
    return definitions.order_by("position", "code")


def definition_get(*, code: str) -> IndicatorDefinition:
    try:
        return IndicatorDefinition.objects.get(code=code, is_active=True)
    except IndicatorDefinition.DoesNotExist:
        raise Http404 from None


def definitions_by_group(definitions: list[IndicatorDefinition]) -> list[tuple[str, list[IndicatorDefinition]]]:
    """(group label, definitions) in the catalogue's order of groups."""
    grouped: dict[str, list[IndicatorDefinition]] = defaultdict(list)
    for definition in definitions:
        grouped[definition.group].append(definition)
    return [(str(label), grouped[code]) for code, label in Group.choices if grouped.get(code)]


def value_list(
    *,
    code: str | None = None,
    municipality: int | None = None,
    region: str | None = None,
    country: str | None = None,
    level: str | None = None,
    year: int | None = None,
) -> QuerySet:
    """Values, filtered. `municipality` (id): that municipality's values. `region` (ISO 3166-2 code): the region's
    own values, or with `level=municipality` its municipalities'. `country` (ISO 3166-1 code): the country's own
    values, or with `level=region` / `level=municipality` its regions' / municipalities'. An unknown code or
    territory raises Http404."""
    values = IndicatorValue.objects.select_related("definition", "municipality", "region", "country")
    if code:
        values = values.filter(definition=definition_get(code=code))
    if municipality is not None:
        if not Municipality.objects.filter(pk=municipality).exists():
            raise Http404
        values = values.filter(level=Level.MUNICIPALITY, territory_id=municipality)
    elif region:
        region_obj = Region.objects.filter(code=region.upper()).first()
        if region_obj is None:
            raise Http404
        if level == Level.MUNICIPALITY:
            values = values.filter(level=Level.MUNICIPALITY, territory_id__in=_municipality_ids(region=region_obj))
        else:
            values = values.filter(level=Level.REGION, territory_id=region_obj.pk)
    elif country:
        country_obj = Country.objects.filter(code=country.upper()).first()
        if country_obj is None:
            raise Http404
        if level == Level.MUNICIPALITY:
            values = values.filter(level=Level.MUNICIPALITY, territory_id__in=_municipality_ids(country=country_obj))
        elif level == Level.REGION:
            regions = Region.objects.filter(country=country_obj).values("pk")
            values = values.filter(level=Level.REGION, territory_id__in=regions)
        else:
            values = values.filter(level=Level.COUNTRY, territory_id=country_obj.pk)
    elif level:
        values = values.filter(level=level)
    if year is not None:
        values = values.filter(year=year)
    return values.order_by("definition__position", "definition_id", "level", "territory_id", "year")


def _municipality_ids(**scope: Any) -> QuerySet:
    """A subquery of municipality ids: values are found by (level, territory_id), which the territory index serves."""
    return Municipality.objects.filter(**scope).values("pk")


def municipality_get(*, pk: int) -> Municipality:
    try:
        return Municipality.objects.select_related("region", "country", "parent").get(pk=pk)
    except Municipality.DoesNotExist:
        raise Http404 from None


@dataclass
class DashboardRow:
    definition: IndicatorDefinition
    cells: list[Decimal | None]  # one per year of the table; None: no value known
    values: dict[int, IndicatorValue] = field(default_factory=dict)

    @property
    def latest(self) -> Decimal | None:
        return next((cell for cell in reversed(self.cells) if cell is not None), None)


@dataclass
class Dashboard:
    years: list[int]
    groups: list[tuple[str, list[DashboardRow]]]
    has_values: bool


def municipality_dashboard(*, municipality: Municipality, years: int = DASHBOARD_YEARS) -> Dashboard:
    """Every active indicator with the municipality's values over the most recent `years` years that have any
    value (two queries). A computed count without a value in such a year is zero (it is stored only when not
    zero); any other missing value stays unknown."""
    definitions = list(definition_list())
    values = list(
        IndicatorValue.objects.filter(
            level=Level.MUNICIPALITY, territory_id=municipality.pk, definition__is_active=True
        )
        .only("definition_id", "year", "value", "source_note", "computed_at", "entered_at", "is_generated")
        .order_by("year")
    )
    table_years = sorted({v.year for v in values})[-years:]
    by_definition: dict[int, dict[int, IndicatorValue]] = defaultdict(dict)
    for value in values:
        by_definition[value.definition_id][value.year] = value
    rows = []
    for definition in definitions:
        known = by_definition.get(definition.pk, {})
        cells: list[Decimal | None] = []
        for year in table_years:
            if year in known:
                cells.append(known[year].value)
            else:
                cells.append(Decimal(0) if definition.zero_when_absent else None)
        rows.append(DashboardRow(definition=definition, cells=cells, values=known))
    grouped: dict[str, list[DashboardRow]] = defaultdict(list)
    for row in rows:
        grouped[row.definition.group].append(row)
    groups = [(str(label), grouped[code]) for code, label in Group.choices if grouped.get(code)]
    return Dashboard(years=table_years, groups=groups, has_values=bool(values))


def entered_values(*, municipality: Municipality) -> QuerySet:
    """The municipality's entered values, newest year first (for its staff's page)."""
    return (
        IndicatorValue.objects.filter(
            level=Level.MUNICIPALITY, territory_id=municipality.pk, definition__source="entered"
        )
        .select_related("definition", "entered_by")
        .order_by("-year", "definition__position")
    )


# --- ratings ----------------------------------------------------------------------------------------------------


def rating_method_get(*, code: str) -> RatingMethod:
    try:
        return (
            RatingMethod.objects.select_related("region", "country")
            .prefetch_related(Prefetch("weights", RatingWeight.objects.select_related("definition")))
            .get(code=code)
        )
    except RatingMethod.DoesNotExist:
        raise Http404 from None


@dataclass
class RatingResult:
    method: RatingMethod
    weights: list[RatingWeight]
    rows: list[ratings.Row[Any]]
    municipalities: dict[int, Municipality]


def rating_compute(*, method: RatingMethod) -> RatingResult:
    """The rating of the municipalities of the method's region or country in its year (three queries: the
    municipalities, the weights, the values). A computed count that is not stored is zero, not missing."""
    weights = list(method.weights.select_related("definition").order_by("position", "pk"))
    in_region = method.scope == RatingScope.REGION
    scope = Q(region=method.region_id) if in_region else Q(country=method.country_id)
    value_scope = Q(territory_id__in=Municipality.objects.filter(scope).values("pk"))
    municipalities = Municipality.objects.filter(scope).only("pk", "name_ru", "name_en", "region_id").in_bulk()
    raw: dict[str, dict[int, Decimal]] = {w.definition.code: {} for w in weights}
    for weight in weights:
        if weight.definition.zero_when_absent:
            raw[weight.definition.code] = dict.fromkeys(municipalities, Decimal(0))
    codes_by_id = {w.definition_id: w.definition.code for w in weights}
    rows = IndicatorValue.objects.filter(
        value_scope, definition_id__in=codes_by_id, level=Level.MUNICIPALITY, year=method.year
    ).values_list("definition_id", "territory_id", "value")
    for definition_id, territory_id, value in rows:
        raw[codes_by_id[definition_id]][territory_id] = value
    criteria = [
        ratings.Criterion(code=w.definition.code, weight=w.weight, lower_is_better=w.definition.lower_is_better)
        for w in weights
    ]
    names = {pk: m.name for pk, m in municipalities.items()}
    result_rows = (
        ratings.composite(
            raw,
            criteria,
            list(municipalities),
            method=method.normalisation,
            missing_rule=method.missing_rule,
            names=names,
        )
        if criteria
        else []
    )
    return RatingResult(method=method, weights=weights, rows=result_rows, municipalities=municipalities)
