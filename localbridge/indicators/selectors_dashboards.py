"""Reads of the dashboards: a municipality's trends (built on selectors.municipality_dashboard), the comparison of
a region's municipalities by one indicator, and the map of one indicator in one year over a region or a country.

Each read is a fixed number of queries however many municipalities, years or values there are: the values of one
indicator in one year over a territory come in one query served by the unique index (definition, level, year,
territory_id); municipalities are selected by a subquery, never one query per row.

A computed count or sum (`zero_when_absent`) that is not stored is zero; any other missing value is unknown."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Exists, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from localbridge.territories.models import Country, Municipality, Region

from . import choropleth
from .models import MIN_YEAR, IndicatorDefinition, IndicatorValue, Level, Unit
from .selectors import Dashboard, DashboardRow, definition_list

# The country the map shows when none is asked for (the platform's home country), if it is on the platform.
DEFAULT_COUNTRY = "RU"
# Units whose values add up over municipalities (a sum over a region's municipalities means something).
ADDITIVE_UNITS = {Unit.COUNT, Unit.PEOPLE, Unit.RUB, Unit.HOURS}


def this_year() -> int:
    return timezone.localdate().year


def year_is_valid(year: int) -> bool:
    return MIN_YEAR <= year <= this_year()


def definitions() -> list[IndicatorDefinition]:
    """The active definitions in the catalogue's order (one query): the indicator select of every dashboard, and
    where the chosen one is looked up without another query."""
    return list(definition_list())


def definition_in(definitions: list[IndicatorDefinition], code: str | None) -> IndicatorDefinition:
    """The definition with `code` among `definitions`; the first one when no code is given; Http404 for an
    unknown or inactive code."""
    if not definitions:
        raise Http404
    if not code:
        return definitions[0]
    for definition in definitions:
        if definition.code == code:
            return definition
    raise Http404


# --- a municipality's trends ---------------------------------------------------------------------------------------


def chosen_row(dashboard: Dashboard, code: str | None) -> DashboardRow | None:
    """The dashboard's row of `code` (Http404 for an unknown code); without a code, the first indicator the
    municipality has a stored value of, else the first one."""
    rows = [row for _label, group in dashboard.groups for row in group]
    if not rows:
        return None
    if code:
        for row in rows:
            if row.definition.code == code:
                return row
        raise Http404
    return next((row for row in rows if row.values), rows[0])


def _number(value: Decimal | None) -> float | int | None:
    """A value for the browser's charts (JSON has no decimals): an integer when whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def trend_chart_data(dashboard: Dashboard) -> dict[str, Any]:
    """The JSON the municipality's charts are drawn from: the years, and per indicator its name, unit, decimals
    and one value (or null: unknown) per year."""
    return {
        "years": dashboard.years,
        "indicators": {
            row.definition.code: {
                "name": row.definition.name,
                "unit": str(row.definition.get_unit_display()),
                "decimals": row.definition.decimals,
                "values": [_number(cell) for cell in row.cells],
            }
            for _label, group in dashboard.groups
            for row in group
        },
    }


@dataclass
class ValueRow:
    """One line of a municipality's download: an indicator's value in a year (`stored` is None for a computed
    count that is zero because nothing is stored)."""

    definition: IndicatorDefinition
    year: int
    value: Decimal
    stored: IndicatorValue | None


def municipality_value_rows(*, municipality: Municipality, code: str | None = None) -> list[ValueRow]:
    """Every value of the municipality over all the years it has any value (two queries), by indicator and year;
    with `code`, one indicator's (Http404 if unknown). Computed counts and sums are zero in those years when
    not stored; unknown values are left out."""
    all_definitions = definitions()
    chosen = [definition_in(all_definitions, code)] if code else all_definitions
    values = list(
        IndicatorValue.objects.filter(
            level=Level.MUNICIPALITY, territory_id=municipality.pk, definition__is_active=True
        ).only(
            "definition_id",
            "year",
            "value",
            "source_note",
            "computed_at",
            "entered_at",
            "import_batch_id",
            "is_generated",
        )
    )
    years = sorted({v.year for v in values})
    known: dict[tuple[int, int], IndicatorValue] = {(v.definition_id, v.year): v for v in values}
    rows: list[ValueRow] = []
    for definition in chosen:
        for year in years:
            stored = known.get((definition.pk, year))
            if stored is not None:
                rows.append(ValueRow(definition=definition, year=year, value=stored.value, stored=stored))
            elif definition.zero_when_absent:
                rows.append(ValueRow(definition=definition, year=year, value=Decimal(0), stored=None))
    return rows


# --- territories -------------------------------------------------------------------------------------------------


def region_get(*, code: str) -> Region:
    """The region with this ISO 3166-2 code (any letter case), with its country; else Http404."""
    region = Region.objects.select_related("country").filter(code=code.upper()).first()
    if region is None:
        raise Http404
    return region


def country_get(*, code: str) -> Country:
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise Http404
    return country


@dataclass
class Scope:
    """The territory a map or a comparison covers: a region's municipalities, or a country's."""

    country: Country
    region: Region | None = None

    @property
    def name(self) -> str:
        return self.region.name if self.region else self.country.name

    def municipalities(self) -> QuerySet[Municipality]:
        if self.region is not None:
            return Municipality.objects.filter(region=self.region)
        return Municipality.objects.filter(country=self.country)

    def municipality_ids(self) -> QuerySet:
        """A subquery of the municipalities' ids: values are found by (level, territory_id)."""
        return self.municipalities().order_by().values("pk")

    def params(self) -> dict[str, str]:
        return {"region": self.region.code} if self.region else {"country": self.country.code}


def scope_get(*, region: str | None = None, country: str | None = None) -> Scope | None:
    """The map's territory (one query): `region` (ISO 3166-2) wins over `country` (ISO 3166-1); Http404 for an
    unknown code. Without either, DEFAULT_COUNTRY, else the first country with municipalities; None when there
    is none."""
    if region:
        found = region_get(code=region)
        return Scope(country=found.country, region=found)
    if country:
        return Scope(country=country_get(code=country))
    default = (
        Country.objects.filter(Exists(Municipality.objects.filter(country=OuterRef("pk"))))
        .annotate(home=Case(When(code=DEFAULT_COUNTRY, then=Value(0)), default=Value(1)))
        .order_by("home", "name_ru", "code")
        .first()
    )
    return Scope(country=default) if default else None


def region_choices(scope: Scope) -> list[Region]:
    """The regions of the scope's country, by name (the map's region select; one query)."""
    return list(Region.objects.filter(country=scope.country).only("pk", "code", "name_ru", "name_en"))


def latest_year(*, definition: IndicatorDefinition, scope: Scope) -> int | None:
    """The latest year in which a municipality of the scope has a stored value of the indicator (one query, the
    unique index read backwards)."""
    return IndicatorValue.objects.filter(
        definition=definition, level=Level.MUNICIPALITY, territory_id__in=scope.municipality_ids()
    ).aggregate(year=Max("year"))["year"]


def default_year(*, definition: IndicatorDefinition, scope: Scope) -> int:
    """The latest year with values in the scope, else last year (this year's figures are rarely complete)."""
    return latest_year(definition=definition, scope=scope) or this_year() - 1


# --- a region's comparison -----------------------------------------------------------------------------------------


@dataclass
class ComparisonRow:
    municipality: Municipality
    rank: int | None  # None: the value is not known
    value: Decimal | None
    previous: Decimal | None  # the value of the year before

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass
class Comparison:
    region: Region
    definition: IndicatorDefinition
    year: int
    rows: list[ComparisonRow]
    region_value: Decimal | None  # the region-level figure (computed ones: rolled up; imported: the region's own)
    region_previous: Decimal | None
    municipal_sum: Decimal | None  # additive indicators: the sum over the municipalities that are part of no other
    municipal_median: Decimal | None
    known: int = 0  # municipalities with a value

    @property
    def region_change(self) -> Decimal | None:
        if self.region_value is None or self.region_previous is None:
            return None
        return self.region_value - self.region_previous

    @property
    def unknown(self) -> int:
        return len(self.rows) - self.known


def region_comparison(*, region: Region, definition: IndicatorDefinition, year: int) -> Comparison:
    """The region's municipalities ranked by the indicator in `year` (two queries: the municipalities, and the
    values of the year and the year before at the municipalities and the region), best first; ties share a place
    (1, 2, 2, 4) and are listed by name; unknown values come last. A computed count or sum that is not stored is
    zero, so every municipality has one."""
    municipalities = list(
        Municipality.objects.filter(region=region)
        .select_related("parent")
        .only("pk", "name_ru", "name_en", "oktmo", "population", "parent_id", "parent__name_ru", "parent__name_en")
        .order_by("name_ru", "pk")
    )
    ids = {m.pk for m in municipalities}
    values = IndicatorValue.objects.filter(definition=definition, year__in=(year, year - 1)).filter(
        Q(level=Level.MUNICIPALITY, territory_id__in=Municipality.objects.filter(region=region).values("pk"))
        | Q(level=Level.REGION, territory_id=region.pk)
    )
    current: dict[int, Decimal] = {}
    previous: dict[int, Decimal] = {}
    region_value = region_previous = None
    for level, territory_id, value_year, value in values.values_list("level", "territory_id", "year", "value"):
        if level == Level.REGION:
            if value_year == year:
                region_value = value
            else:
                region_previous = value
        elif territory_id in ids:
            (current if value_year == year else previous)[territory_id] = value
    zero = Decimal(0) if definition.zero_when_absent else None
    if definition.zero_when_absent:
        region_value = region_value if region_value is not None else Decimal(0)
        region_previous = region_previous if region_previous is not None else Decimal(0)
    by_pk = {m.pk: m for m in municipalities}
    ranked = choropleth.rank(
        {m.pk: current.get(m.pk, zero) for m in municipalities},
        lower_is_better=definition.lower_is_better,
        names={m.pk: m.name for m in municipalities},
    )
    rows = [
        ComparisonRow(
            municipality=by_pk[item.key], rank=item.rank, value=item.value, previous=previous.get(item.key, zero)
        )
        for item in ranked
    ]
    known_values = [row.value for row in rows if row.value is not None]
    additive = definition.zero_when_absent and definition.unit in ADDITIVE_UNITS
    municipal_sum = (
        sum((row.value for row in rows if row.value is not None and row.municipality.parent_id is None), Decimal(0))
        if additive
        else None
    )
    return Comparison(
        region=region,
        definition=definition,
        year=year,
        rows=rows,
        region_value=region_value,
        region_previous=region_previous,
        municipal_sum=municipal_sum,
        municipal_median=choropleth.median(known_values),
        known=len(known_values),
    )


# --- the map ---------------------------------------------------------------------------------------------------


def map_points(*, scope: Scope) -> list[list[Any]]:
    """[[id, name, lat, lon], …] of the scope's municipalities that have a point (one query). Coordinates are
    rounded to 3 decimals (about 100 m), enough for a point per municipality and a third shorter."""
    rows = (
        scope.municipalities()
        .exclude(latitude=None)
        .exclude(longitude=None)
        .order_by("pk")
        .values_list("pk", "name_ru", "name_en", "latitude", "longitude")
    )
    english = _english()
    return [
        [pk, (name_en or name_ru) if english else name_ru, round(lat or 0, 3), round(lon or 0, 3)]
        for pk, name_ru, name_en, lat, lon in rows
    ]


def _english() -> bool:
    return (get_language() or "ru").startswith("en")


@dataclass
class MapData:
    definition: IndicatorDefinition
    year: int
    scope: Scope
    values: dict[int, Decimal]  # stored values by municipality id
    classes: list[choropleth.ValueClass]
    class_of: dict[int, int]  # municipality id -> class index
    absent_class: int | None  # zero_when_absent: the class of the municipalities without a stored value (zero)
    municipality_count: int

    @property
    def known_count(self) -> int:
        if self.definition.zero_when_absent:
            return self.municipality_count
        return len(self.values)


def map_values(*, definition: IndicatorDefinition, year: int, scope: Scope) -> MapData:
    """The indicator's values in `year` at the scope's municipalities and their quantile classes: one query for
    the values, and for a computed count or sum one more for the number of municipalities (those without a
    stored value have zero and are classed with it)."""
    values = dict(
        IndicatorValue.objects.filter(
            definition=definition, level=Level.MUNICIPALITY, year=year, territory_id__in=scope.municipality_ids()
        )
        .order_by()
        .values_list("territory_id", "value")
    )
    count = scope.municipalities().count() if definition.zero_when_absent else len(values)
    absent = max(count - len(values), 0) if definition.zero_when_absent else 0
    classed = list(values.values()) + [Decimal(0)] * absent
    classes, index_of = choropleth.classify(classed, lower_is_better=definition.lower_is_better)
    return MapData(
        definition=definition,
        year=year,
        scope=scope,
        values=values,
        classes=classes,
        class_of={pk: index_of(value) for pk, value in values.items()},
        absent_class=index_of(Decimal(0)) if absent else None,
        municipality_count=count,
    )


def map_table(*, definition: IndicatorDefinition, year: int, scope: Scope) -> QuerySet[IndicatorValue]:
    """The stored values of the map, best first, then by name, with the municipality and its region (one query a
    page; the map page pages it)."""
    order = "value" if definition.lower_is_better else "-value"
    return (
        IndicatorValue.objects.filter(
            definition=definition, level=Level.MUNICIPALITY, year=year, territory_id__in=scope.municipality_ids()
        )
        .select_related("municipality__region")
        .only(
            "pk",
            "value",
            "year",
            "territory_id",
            "is_generated",
            "municipality__id",
            "municipality__name_ru",
            "municipality__name_en",
            "municipality__region_id",
            "municipality__region__code",
            "municipality__region__name_ru",
            "municipality__region__name_en",
        )
        .order_by(order, "municipality__name_ru", "territory_id")
    )


def map_export_rows(*, definition: IndicatorDefinition, year: int, scope: Scope) -> Iterator[Municipality]:
    """Every municipality of the scope with `.indicator_value` (zero for a computed count without a stored value,
    None when unknown), by name: the map's download (one query, streamed)."""
    stored = IndicatorValue.objects.filter(
        definition=definition, level=Level.MUNICIPALITY, year=year, territory_id=OuterRef("pk")
    ).values("value")[:1]
    rows = (
        scope.municipalities()
        .select_related("region")
        .annotate(indicator_value=Subquery(stored))
        .order_by("name_ru", "pk")
    )
    for municipality in rows.iterator(chunk_size=2000):
        value = municipality.indicator_value  # type: ignore[attr-defined]
        if value is None and definition.zero_when_absent:
            municipality.indicator_value = Decimal(0)  # type: ignore[attr-defined]
        elif value is not None and not isinstance(value, Decimal):
            municipality.indicator_value = Decimal(str(value))  # type: ignore[attr-defined]
        yield municipality
