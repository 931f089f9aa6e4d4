"""The open-data catalogue (docs/opendata.md): every dataset the platform publishes, each with a stable slug, stable
addresses (/opendata/<slug>.csv, .xlsx, .json) and a data dictionary (/opendata/<slug>/).

- `indicators`: the indicator definitions; `indicator-values`: every value of every active indicator;
  `indicator-<code>`: one dataset per active indicator (its values by level, territory and year).
- The registries (opendata_registries.py): ТОС, practices, contests, awards (also in the 360Giving standard's
  fields), projects, cooperation agreements — only what the platform shows to everyone.

Every download streams its rows from the database in a fixed number of queries, whatever their number; the
catalogue page and the API's list are a fixed number of queries too."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from localbridge.core.exports import export_response

from . import selectors
from .models import Better, IndicatorDefinition, IndicatorValue, Level, Periodicity, Source, Unit
from .models import Group as IndicatorGroup
from .opendata_fields import FORMATS, Dataset, Field, Group, Links, choices_of, licence, publisher, stream
from .opendata_grants import GRANTS
from .opendata_registries import REGISTRIES

INDICATOR_PREFIX = "indicator-"
PREVIEW_ROWS = 5

__all__ = [
    "FORMATS",
    "Dataset",
    "Links",
    "dataset_get",
    "dataset_list",
    "download",
    "metadata",
    "preview",
    "row_counts",
]


# --- indicator values -----------------------------------------------------------------------------------------


def _territory(v: IndicatorValue) -> Any:
    return v.municipality or v.region or v.country


def _territory_code(v: IndicatorValue) -> str:
    territory = _territory(v)
    if territory is None:
        return ""
    return (territory.oktmo if v.level == Level.MUNICIPALITY else territory.code) or ""


def _region_code(v: IndicatorValue) -> str:
    if v.municipality is not None:
        return v.municipality.region.code if v.municipality.region else ""
    return v.region.code if v.region is not None else ""


def _country_code(v: IndicatorValue) -> str:
    if v.municipality is not None:
        return v.municipality.country.code
    if v.region is not None:
        return v.region.country.code
    return v.country.code if v.country is not None else ""


def _value_fields(definition: IndicatorDefinition | None = None) -> tuple[Field, ...]:
    unit = definition.get_unit_display() if definition is not None else _("see the unit column")
    return (
        Field(
            "indicator_code",
            "string",
            _("The indicator's code (see the “indicators” dataset)"),
            lambda v: v.definition.code,
        ),
        Field("level", "string", _("The level of the territory"), lambda v: v.level, choices=choices_of(Level.choices)),
        Field(
            "territory_id",
            "integer",
            _("The platform's id of the municipality, region or country"),
            lambda v: v.territory_id,
        ),
        Field(
            "territory_code",
            "string",
            _("OKTMO code of a municipality, ISO 3166-2 code of a region, ISO 3166-1 code of a country"),
            _territory_code,
        ),
        Field(
            "territory_name",
            "string",
            _("The territory's name in Russian"),
            lambda v: getattr(_territory(v), "name_ru", ""),
        ),
        Field(
            "territory_name_en",
            "string",
            _("The territory's name in English"),
            lambda v: getattr(_territory(v), "name_en", ""),
        ),
        Field(
            "region_code",
            "string",
            _("ISO 3166-2 code of the region (of a municipality: the region it is in)"),
            _region_code,
        ),
        Field("country_code", "string", _("ISO 3166-1 code of the country"), _country_code),
        Field("year", "integer", _("The year the value is for"), lambda v: v.year),
        Field("value", "decimal", _("The value, with four decimal places"), lambda v: v.value, unit=unit),
        Field(
            "unit", "string", _("The unit of the value"), lambda v: v.definition.unit, choices=choices_of(Unit.choices)
        ),
        Field(
            "indicator_source",
            "string",
            _("Where the indicator's values come from"),
            lambda v: v.definition.source,
            choices=choices_of(Source.choices),
        ),
        Field("source_note", "string", _("The source of the figure, as noted with it"), lambda v: v.source_note),
        Field(
            "is_generated",
            "boolean",
            _("true: an invented figure for demonstration, not a real statistic"),
            lambda v: v.is_generated,
        ),
        Field(
            "computed_at",
            "datetime",
            _("When the platform computed the value (computed indicators)"),
            lambda v: v.computed_at,
        ),
        Field(
            "entered_at",
            "datetime",
            _("When the value was entered or imported (other indicators)"),
            lambda v: v.entered_at,
        ),
    )


VALUE_COLUMNS = (
    "level", "territory_id", "year", "value", "source_note", "is_generated", "computed_at", "entered_at",
    "definition__code", "definition__unit", "definition__source",
    "municipality__oktmo", "municipality__name_ru", "municipality__name_en",
    "municipality__region__code", "municipality__country__code",
    "region__code", "region__name_ru", "region__name_en", "region__country__code",
    "country__code", "country__name_ru", "country__name_en",
)  # fmt: skip


def _values(definition_id: int | None) -> QuerySet[IndicatorValue]:
    """Values of one indicator (or of every active one) with their territories, in the order of the unique index
    (indicator, level, year, territory): a download walks the index instead of sorting."""
    values = IndicatorValue.objects.filter(definition__is_active=True)
    if definition_id is not None:
        values = IndicatorValue.objects.filter(definition_id=definition_id)
    return (
        values.select_related(
            "definition", "municipality__region", "municipality__country", "region__country", "country"
        )
        .only(*VALUE_COLUMNS)
        .order_by("definition_id", "level", "year", "territory_id")
    )


def _updated(values: QuerySet[IndicatorValue]) -> datetime | None:
    latest = values.aggregate(computed=Max("computed_at"), entered=Max("entered_at"))
    moments = [m for m in latest.values() if m is not None]
    return max(moments) if moments else None


INDICATOR_UPDATES = _(
    "Live: every download reads the values as they are. Computed values change when the platform recomputes them "
    "(nightly where the operator schedules it, and on demand); entered and imported values when they are saved."
)
INDICATOR_SOURCE = _(
    "Computed by the platform from its own data, entered by municipalities, or imported by operators from "
    "official statistics; the source of each figure is in its source_note."
)


def _indicator_dataset(definition: IndicatorDefinition) -> Dataset:
    definition_id = definition.pk
    return Dataset(
        slug=f"{INDICATOR_PREFIX}{definition.code}",
        title=definition.name,
        description=definition.methodology or definition.name,
        group=Group.INDICATORS,
        fields=_value_fields(definition),
        rows=lambda links, limit: stream(_values(definition_id), limit),
        count=lambda: IndicatorValue.objects.filter(definition_id=definition_id).count(),
        source=definition.get_source_display(),
        update_rule=INDICATOR_UPDATES,
        updated=lambda: _updated(IndicatorValue.objects.filter(definition_id=definition_id)),
        notes=(
            (_("A territory without a value for a year has zero: the platform stores only values that are not zero."),)
            if definition.zero_when_absent
            else (_("A territory without a value for a year has no known value."),)
        ),
    )


ALL_VALUES = Dataset(
    slug="indicator-values",
    title=_("Values of every indicator"),
    description=_(
        "Every value of every active indicator, by level (municipality, region, country), territory and year, in "
        "one file: the per-indicator datasets put together."
    ),
    group=Group.INDICATORS,
    fields=_value_fields(),
    rows=lambda links, limit: stream(_values(None), limit),
    count=lambda: IndicatorValue.objects.filter(definition__is_active=True).count(),
    source=INDICATOR_SOURCE,
    update_rule=INDICATOR_UPDATES,
    updated=lambda: _updated(IndicatorValue.objects.filter(definition__is_active=True)),
    notes=(
        _(
            "Counts and sums the platform computes are stored only where they are not zero (zero_when_absent in "
            "the “indicators” dataset): a territory missing for a year has zero."
        ),
    ),
)


DEFINITIONS = Dataset(
    slug="indicators",
    title=_("Indicator definitions"),
    description=_(
        "What each indicator measures: its code, names, group, unit, which way is better, where its values come "
        "from and the methodology, with the slug of the dataset of its values."
    ),
    group=Group.INDICATORS,
    fields=(
        Field("code", "string", _("The indicator's code"), lambda d: d.code),
        Field("dataset", "string", _("The slug of the dataset of its values"), lambda d: f"{INDICATOR_PREFIX}{d.code}"),
        Field("name_ru", "string", _("Name in Russian"), lambda d: d.name_ru),
        Field("name_en", "string", _("Name in English"), lambda d: d.name_en),
        Field(
            "group",
            "string",
            _("What the indicator is about"),
            lambda d: d.group,
            choices=choices_of(IndicatorGroup.choices),
        ),
        Field("unit", "string", _("The unit of the values"), lambda d: d.unit, choices=choices_of(Unit.choices)),
        Field("decimals", "integer", _("Decimal places the values are shown with"), lambda d: d.decimals),
        Field("better", "string", _("Which way is better"), lambda d: d.better, choices=choices_of(Better.choices)),
        Field(
            "periodicity",
            "string",
            _("How often there is a value"),
            lambda d: d.periodicity,
            choices=choices_of(Periodicity.choices),
        ),
        Field(
            "source", "string", _("Where the values come from"), lambda d: d.source, choices=choices_of(Source.choices)
        ),
        Field(
            "zero_when_absent",
            "boolean",
            _("true: a territory without a value has zero (computed counts and sums)"),
            lambda d: d.zero_when_absent,
        ),
        Field("value_min", "decimal", _("The smallest allowed value, if any"), lambda d: d.value_min),
        Field("value_max", "decimal", _("The largest allowed value, if any"), lambda d: d.value_max),
        Field("methodology_ru", "string", _("How the indicator is made, in Russian"), lambda d: d.methodology_ru),
        Field("methodology_en", "string", _("How the indicator is made, in English"), lambda d: d.methodology_en),
    ),
    rows=lambda links, limit: stream(selectors.definition_list(), limit),
    count=lambda: selectors.definition_list().count(),
    source=_("The platform's catalogue of indicators, kept by its operators."),
    update_rule=_("Live: every download reads the catalogue as it is."),
    updated=lambda: selectors.definition_list().aggregate(latest=Max("updated_at"))["latest"],
)


# --- the catalogue --------------------------------------------------------------------------------------------


def dataset_list() -> list[Dataset]:
    """Every dataset, in the catalogue's order (one query: the active indicators)."""
    indicators = [_indicator_dataset(d) for d in selectors.definition_list()]
    return [DEFINITIONS, ALL_VALUES, *indicators, *REGISTRIES, *GRANTS]


def dataset_get(*, slug: str) -> Dataset:
    """The dataset with this slug (a query for an indicator's), or Http404."""
    for dataset in (DEFINITIONS, ALL_VALUES, *REGISTRIES, *GRANTS):
        if dataset.slug == slug:
            return dataset
    if slug.startswith(INDICATOR_PREFIX):
        return _indicator_dataset(selectors.definition_get(code=slug.removeprefix(INDICATOR_PREFIX)))
    raise Http404


# The catalogue's row counts are kept this long (seconds): counting every indicator value of a country-sized
# platform takes a while, and the counts are a guide, not the data.
ROW_COUNTS_TIMEOUT = 300


def row_counts(datasets: Iterable[Dataset]) -> dict[str, int]:
    """How many rows each dataset has (one grouped query for every indicator's values, one per registry), kept in
    the cache for ROW_COUNTS_TIMEOUT seconds."""
    datasets = list(datasets)
    slugs = ",".join(sorted(d.slug for d in datasets))
    key = "opendata:row-counts:" + hashlib.sha256(slugs.encode()).hexdigest()[:32]
    cached = cache.get(key)
    if cached is None:
        cached = _row_counts(datasets)
        cache.set(key, cached, ROW_COUNTS_TIMEOUT)
    return cached


def _row_counts(datasets: list[Dataset]) -> dict[str, int]:
    per_definition = dict(
        IndicatorValue.objects.filter(definition__is_active=True)
        .order_by()
        .values_list("definition__code")
        .annotate(n=Count("pk"))
        .values_list("definition__code", "n")
    )
    counts = {}
    indicators = 0
    for dataset in datasets:
        if dataset.slug.startswith(INDICATOR_PREFIX) and dataset is not ALL_VALUES:
            counts[dataset.slug] = per_definition.get(dataset.slug.removeprefix(INDICATOR_PREFIX), 0)
            indicators += 1
    counts[ALL_VALUES.slug] = sum(per_definition.values())
    counts[DEFINITIONS.slug] = indicators
    for dataset in datasets:
        if dataset.slug not in counts:
            counts[dataset.slug] = dataset.count()
    return counts


def format_urls(dataset: Dataset, links: Links) -> dict[str, str]:
    return {fmt: links.url(reverse("opendata:download", args=[dataset.slug, fmt])) for fmt in FORMATS}


def dictionary_url(dataset: Dataset, links: Links) -> str:
    return links.url(reverse("opendata:dataset", args=[dataset.slug]))


def field_dict(f: Field) -> dict[str, Any]:
    return {
        "name": f.name,
        "type": f.type,
        "description": force_str(f.description),
        "unit": force_str(f.unit),
        "values": [{"value": value, "label": force_str(label)} for value, label in f.choices],
    }


def metadata(dataset: Dataset, links: Links) -> dict[str, Any]:
    """What a JSON download says about itself before its rows (and what the API tells about a dataset)."""
    return {
        "dataset": dataset.slug,
        "title": force_str(dataset.title),
        "description": force_str(dataset.description),
        "licence": licence().as_dict(),
        "publisher": publisher(),
        "source": force_str(dataset.source),
        "update_rule": force_str(dataset.update_rule),
        "dictionary": dictionary_url(dataset, links),
        "generated_at": timezone.now(),
        "columns": [field_dict(f) for f in dataset.fields],
    }


def display(value: Any) -> str:
    """A cell as the dictionary page's example shows it (as the JSON writes it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return force_str(value)


def preview(dataset: Dataset, links: Links, rows: int = PREVIEW_ROWS) -> list[list[str]]:
    """The first rows, as the downloads write them (the same fixed number of queries as a download)."""
    return [[display(f.value(row)) for f in dataset.fields] for row in dataset.rows(links, rows)]


def download(dataset: Dataset, fmt: str, links: Links) -> HttpResponse | StreamingHttpResponse:
    """The dataset as CSV or JSON (streamed) or XLSX. JSON starts with the metadata (or a 360Giving package's)."""
    if fmt not in FORMATS:
        raise Http404
    meta = None
    if fmt == "json":
        meta = dataset.json_package(dataset, links) if dataset.json_package else metadata(dataset, links)
    return export_response(
        dataset.rows(links, None),
        dataset.columns(),
        filename=dataset.slug,
        fmt=fmt,
        json_key=dataset.json_key,
        json_meta=meta,
        json_object=dataset.json_object,
    )
