"""A small known world for the indicators' tests: a country with two regions and four municipalities (one of
them part of another), and helpers to read computed values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from localbridge.indicators import computed
from localbridge.indicators.catalogue import seed_definitions
from localbridge.indicators.models import IndicatorDefinition, IndicatorValue, Level
from localbridge.territories.models import Country, Municipality, MunicipalityKind, Region
from localbridge.territories.tests.factories import CountryFactory, MunicipalityFactory, RegionFactory

TODAY = date(2025, 6, 1)
YEARS = (2023, 2024, 2025)


def at(year: int, month: int = 6, day: int = 15) -> datetime:
    """Noon UTC of a day (the same day in Moscow, whose years the computations count in)."""
    return datetime(year, month, day, 12, 0, tzinfo=UTC)


@dataclass
class World:
    country: Country
    region_a: Region
    region_b: Region
    a1: Municipality  # population 10,000
    a2: Municipality  # population 5,000
    a1_part: Municipality  # an intra-city territory of a1, population 2,000
    b1: Municipality  # population unknown


def make_world() -> World:
    country = CountryFactory()
    region_a = RegionFactory(country=country, code="RU-AMU", name_ru="Амурская область")
    region_b = RegionFactory(country=country, code="RU-SMO", name_ru="Смоленская область")
    a1 = MunicipalityFactory(country=country, region=region_a, name_ru="Благовещенск", population=10_000)
    a2 = MunicipalityFactory(country=country, region=region_a, name_ru="Свободный", population=5_000)
    a1_part = MunicipalityFactory(
        country=country,
        region=region_a,
        parent=a1,
        kind=MunicipalityKind.INTRACITY,
        name_ru="Северный район",
        population=2_000,
    )
    b1 = MunicipalityFactory(country=country, region=region_b, name_ru="Смоленск", population=None)
    return World(country, region_a, region_b, a1, a2, a1_part, b1)


def context(years: tuple[int, ...] = YEARS, today: date = TODAY) -> computed.Context:
    return computed.Context(years=years, today=today)


def compute(code: str, ctx: computed.Context | None = None) -> dict[computed.Key, Decimal]:
    return computed.REGISTRY[code].run(ctx or context())


def m(municipality: Municipality, year: int) -> computed.Key:
    return (Level.MUNICIPALITY, municipality.pk, year)


def r(region: Region, year: int) -> computed.Key:
    return (Level.REGION, region.pk, year)


def c(country: Country, year: int) -> computed.Key:
    return (Level.COUNTRY, country.pk, year)


def numbers(expected: dict[computed.Key, Any]) -> dict[computed.Key, Decimal]:
    return {key: Decimal(str(value)) for key, value in expected.items()}


def seed() -> dict[str, IndicatorDefinition]:
    """The catalogue (seeded again after a transactional test flushed the tables), by code."""
    seed_definitions(IndicatorDefinition)
    return IndicatorDefinition.objects.in_bulk(field_name="code")


def put(definition: IndicatorDefinition, territory: Any, year: int, value: Any, **kwargs: Any) -> IndicatorValue:
    """A stored value of `territory` (a municipality, region or country)."""
    level = {Municipality: Level.MUNICIPALITY, Region: Level.REGION, Country: Level.COUNTRY}[type(territory)]
    return IndicatorValue.objects.create(
        definition=definition,
        **IndicatorValue.territory_fields(level, territory.pk),
        year=year,
        value=Decimal(str(value)),
        **kwargs,
    )
