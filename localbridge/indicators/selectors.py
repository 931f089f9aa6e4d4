"""Reads of indicators: the definitions, values filtered by indicator, territory and year (the API, the map), a
municipality's table of values over the years (the dashboard), and a rating computed from its method. Each is a
fixed number of queries, however many values there are."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import get_language

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
    generated: list[bool] = field(default_factory=list)  # one per cell: an invented demonstration figure

    @property
    def latest(self) -> Decimal | None:
        return next((cell for cell in reversed(self.cells) if cell is not None), None)

    @property
    def marked_cells(self) -> list[tuple[Decimal | None, bool]]:
        """(value, generated) per year of the table, for templates."""
        return list(zip(self.cells, self.generated or [False] * len(self.cells), strict=True))


@dataclass
class Dashboard:
    years: list[int]
    groups: list[tuple[str, list[DashboardRow]]]
    has_values: bool
    has_generated: bool = False


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
        generated: list[bool] = []
        for year in table_years:
            if year in known:
                cells.append(known[year].value)
                generated.append(known[year].is_generated)
            else:
                cells.append(Decimal(0) if definition.zero_when_absent else None)
                generated.append(False)
        rows.append(DashboardRow(definition=definition, cells=cells, values=known, generated=generated))
    grouped: dict[str, list[DashboardRow]] = defaultdict(list)
    for row in rows:
        grouped[row.definition.group].append(row)
    groups = [(str(label), grouped[code]) for code, label in Group.choices if grouped.get(code)]
    has_generated = any(v.is_generated and v.year in table_years for v in values)
    return Dashboard(years=table_years, groups=groups, has_values=bool(values), has_generated=has_generated)


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

# Distinct source notes shown per indicator of a rating (the rest are in the download and the API).
RATING_NOTES_SHOWN = 3


def rating_methods_visible_to(user: Any) -> QuerySet:
    """The ratings `user` may open: the published ones, and every one for those who manage ratings (in SQL)."""
    methods = RatingMethod.objects.select_related("region", "country").annotate(indicator_count=Count("weights"))
    if not (user is not None and user.has_perm("indicators.manage_ratings")):
        methods = methods.filter(is_published=True)
    return methods.order_by("-year", "name_ru", "pk")


def rating_method_get(*, code: str, user: Any = None, check_visible: bool = False) -> RatingMethod:
    """A rating with its territory and its weighted indicators (two queries). With `check_visible`, a rating
    `user` may not open (unpublished, and not one who manages ratings) is a 404, as an unknown one."""
    try:
        method = (
            RatingMethod.objects.select_related("region", "country")
            .prefetch_related(Prefetch("weights", RatingWeight.objects.select_related("definition")))
            .get(code=code)
        )
    except RatingMethod.DoesNotExist:
        raise Http404 from None
    if check_visible and not (user is not None and user.has_perm("indicators.view_rating", method)):
        raise Http404
    return method


def rating_territories() -> tuple[list[Country], list[Region]]:
    """The countries and the regions that have municipalities: what a rating can be built over (two queries)."""
    countries = list(Country.objects.filter(pk__in=Municipality.objects.values("country_id")).order_by("name_ru"))
    regions = list(
        Region.objects.filter(pk__in=Municipality.objects.filter(region__isnull=False).values("region_id"))
        .select_related("country")
        .order_by("name_ru")
    )
    return countries, regions


@dataclass(frozen=True, slots=True)
class RatedMunicipality:
    """A municipality as a rating shows it (read as plain values: a country's rating has thousands)."""

    pk: int
    name_ru: str
    name_en: str
    oktmo: str

    @property
    def name(self) -> str:
        if (get_language() or "ru").startswith("en") and self.name_en:
            return self.name_en
        return self.name_ru


@dataclass
class RatingCell:
    """One indicator of one municipality in a rating: the raw value (None: missing), the normalised score (0 to
    1; None when missing), and whether the figure was generated for a demonstration."""

    weight: RatingWeight
    raw: Decimal | None
    normalised: Fraction | None
    generated: bool = False

    @property
    def missing(self) -> bool:
        return self.raw is None

    @property
    def normalised_value(self) -> Decimal | None:
        """The normalised score to three decimals, for the page."""
        return fraction_decimal(self.normalised, 3)


@dataclass
class RatingLine:
    """A line of the rating's table: a municipality, its place (None: not rated), its composite score (0 to 100)
    and its cells, one per indicator in the rating's order."""

    municipality: RatedMunicipality
    rank: int | None
    score: Fraction | None
    cells: list[RatingCell]
    tied: bool = False

    @property
    def missing(self) -> list[RatingCell]:
        return [cell for cell in self.cells if cell.missing]

    @property
    def score_value(self) -> Decimal | None:
        """The composite score to two decimals, for the page."""
        return fraction_decimal(self.score, 2)


def fraction_decimal(value: Fraction | None, places: int) -> Decimal | None:
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass
class RatingIndicator:
    weight: RatingWeight
    share: Decimal  # of the total weight, per cent
    notes: list[str]


@dataclass
class RatingResult:
    method: RatingMethod
    weights: list[RatingWeight]
    rows: list[ratings.Row[Any]]
    municipalities: dict[int, RatedMunicipality]
    # raw[code][municipality id]: the values used (a computed count absent from the table is there as zero)
    raw: dict[str, dict[int, Decimal]] = field(default_factory=dict)
    generated: set[tuple[str, int]] = field(default_factory=set)  # (code, municipality id) of generated figures
    notes: dict[str, list[str]] = field(default_factory=dict)  # code: distinct source notes of the values used

    @property
    def total_weight(self) -> Decimal:
        return sum((w.weight for w in self.weights), Decimal(0))

    @property
    def indicators(self) -> list[RatingIndicator]:
        """The rating's indicators for its methodology: each weight with its share of the total (per cent) and
        the source notes of the values used."""
        total = self.total_weight
        return [
            RatingIndicator(
                weight=w,
                share=w.weight / total * 100 if total else Decimal(0),
                notes=self.notes.get(w.definition.code, []),
            )
            for w in self.weights
        ]

    @property
    def has_generated(self) -> bool:
        return bool(self.generated)

    @cached_property
    def _places(self) -> Counter[int]:
        return Counter(row.rank for row in self.rows if row.rank is not None)

    def lines_for(self, rows: Iterable[ratings.Row[Any]]) -> list[RatingLine]:
        """The table's lines of `rows` (a page of them: building a line for each of 20,000 municipalities is what
        a download does, not a page)."""
        lines = []
        for row in rows:
            scores = row.scores
            cells = [
                RatingCell(
                    weight=w,
                    raw=self.raw.get(w.definition.code, {}).get(row.key),
                    normalised=scores.get(w.definition.code),
                    generated=(w.definition.code, row.key) in self.generated,
                )
                for w in self.weights
            ]
            lines.append(
                RatingLine(
                    municipality=self.municipalities[row.key],
                    rank=row.rank,
                    score=row.score,
                    cells=cells,
                    tied=row.rank is not None and self._places[row.rank] > 1,
                )
            )
        return lines

    @property
    def lines(self) -> list[RatingLine]:
        """The whole table: the rated municipalities best first (equal scores share a place, listed by name), then
        those not rated."""
        return self.lines_for(self.rows)

    @cached_property
    def unrated_rows(self) -> list[ratings.Row[Any]]:
        return [row for row in self.rows if row.rank is None]

    @property
    def rated_count(self) -> int:
        return sum(1 for row in self.rows if row.is_rated)


def _weights_of(method: RatingMethod) -> list[RatingWeight]:
    """The method's weights with their definitions: the prefetched ones when rating_method_get read them."""
    cache = getattr(method, "_prefetched_objects_cache", {})
    if "weights" in cache:
        return sorted(cache["weights"], key=lambda w: (w.position, w.pk or 0))
    return list(method.weights.select_related("definition").order_by("position", "pk"))


def rating_compute(*, method: RatingMethod, weights: list[RatingWeight] | None = None) -> RatingResult:
    """The rating of the municipalities of the method's region or country in its year: the municipalities and the
    values in two queries (a third for the weights unless given or prefetched). `weights` (with their definitions
    set) rate an unsaved method: the "build your own rating" page. A computed count that is not stored is zero,
    not missing."""
    if weights is None:
        weights = _weights_of(method)
    in_region = method.scope == RatingScope.REGION
    scope = Q(region=method.region_id) if in_region else Q(country=method.country_id)
    value_scope = Q(territory_id__in=Municipality.objects.filter(scope).values("pk"))
    # plain values, not model instances: a country's rating reads 20,000 municipalities
    municipalities = {
        row[0]: RatedMunicipality(*row)
        for row in Municipality.objects.filter(scope).values_list("pk", "name_ru", "name_en", "oktmo")
    }
    raw: dict[str, dict[int, Decimal]] = {w.definition.code: {} for w in weights}
    for weight in weights:
        if weight.definition.zero_when_absent:
            raw[weight.definition.code] = dict.fromkeys(municipalities, Decimal(0))
    codes_by_id = {w.definition.pk: w.definition.code for w in weights}
    generated: set[tuple[str, int]] = set()
    notes: dict[str, list[str]] = defaultdict(list)
    rows = IndicatorValue.objects.filter(
        value_scope, definition_id__in=codes_by_id, level=Level.MUNICIPALITY, year=method.year
    ).values_list("definition_id", "territory_id", "value", "is_generated", "source_note")
    for definition_id, territory_id, value, is_generated, note in rows:
        code = codes_by_id[definition_id]
        raw[code][territory_id] = value
        if is_generated:
            generated.add((code, territory_id))
        if note and len(notes[code]) < RATING_NOTES_SHOWN and note not in notes[code]:
            notes[code].append(note)
    criteria = [
        ratings.Criterion(code=w.definition.code, weight=w.weight, lower_is_better=w.definition.lower_is_better)
        for w in weights
    ]
    english = (get_language() or "ru").startswith("en")
    names = {pk: (m.name_en if english and m.name_en else m.name_ru) for pk, m in municipalities.items()}
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
    return RatingResult(
        method=method,
        weights=weights,
        rows=result_rows,
        municipalities=municipalities,
        raw=raw,
        generated=generated,
        notes=dict(notes),
    )
