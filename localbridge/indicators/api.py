"""Indicators in the JSON API (/api/v1/indicators/): definitions and values.

Everything here is public. Lists are paginated as {"items": [...], "count": N} (?limit=&offset=). A value is a
string with the definition's precision kept exact ("4.3300"), never a float. An unknown indicator code or
territory is a 404 with the API's error body. Counts and sums the platform computes are stored only where they
are not zero (`zero_when_absent`): a territory missing from such a list has zero."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from localbridge.api_auth import read_auth

from . import selectors
from .models import Better, Group, IndicatorDefinition, IndicatorValue, Level, Periodicity, Source, Unit

router = Router(tags=["indicators"])


class DefinitionOut(Schema):
    code: str
    name: str = Field(description="In the language of the request (?lang=en), Russian by default")
    name_ru: str
    name_en: str
    group: Group
    unit: Unit
    unit_display: str
    decimals: int = Field(description="Decimal places the values are shown with")
    better: Better
    periodicity: Periodicity
    source: Source = Field(description="computed by the platform, entered by municipalities, imported")
    zero_when_absent: bool = Field(description="A territory without a value has zero (computed counts and sums)")
    value_min: str | None
    value_max: str | None
    methodology: str
    methodology_ru: str
    methodology_en: str

    @staticmethod
    def resolve_unit_display(obj: IndicatorDefinition) -> str:
        return str(obj.get_unit_display())

    @staticmethod
    def resolve_value_min(obj: IndicatorDefinition) -> str | None:
        return None if obj.value_min is None else str(obj.value_min)

    @staticmethod
    def resolve_value_max(obj: IndicatorDefinition) -> str | None:
        return None if obj.value_max is None else str(obj.value_max)


class TerritoryOut(Schema):
    id: int
    name: str
    code: str = Field(description="ISO 3166-2 for a region, ISO 3166-1 for a country, OKTMO for a municipality")


class ValueOut(Schema):
    code: str = Field(description="The indicator's code")
    level: Level
    territory: TerritoryOut
    year: int
    value: str
    source: Source
    source_note: str
    is_generated: bool = Field(description="An invented figure for demonstration, not a real statistic")
    computed_at: datetime | None
    entered_at: datetime | None

    @staticmethod
    def resolve_code(obj: IndicatorValue) -> str:
        return obj.definition.code

    @staticmethod
    def resolve_source(obj: IndicatorValue) -> str:
        return obj.definition.source

    @staticmethod
    def resolve_value(obj: IndicatorValue) -> str:
        return str(obj.value)

    @staticmethod
    def resolve_territory(obj: IndicatorValue) -> dict[str, Any]:
        territory = obj.territory
        code = getattr(territory, "oktmo", None) if obj.level == Level.MUNICIPALITY else territory.code
        return {"id": territory.pk, "name": territory.name, "code": code or ""}


class ValueFilters(Schema):
    code: str | None = Field(None, description="The indicator's code")
    municipality: int | None = Field(None, description="A municipality's id: its values")
    region: str | None = Field(
        None, description="A region's ISO 3166-2 code: its own values, or with level=municipality its municipalities'"
    )
    country: str | None = Field(
        None,
        description="A country's ISO 3166-1 code: its own values, or with level=region or level=municipality its "
        "regions' or municipalities'",
    )
    level: Level | None = Field(None, description="municipality, region or country")
    year: int | None = Field(None, ge=1900, le=2100)


class DefinitionFilters(Schema):
    source: Source | None = None
    group: Group | None = None


@router.get("/", response=list[DefinitionOut], auth=read_auth, summary="Indicator definitions")
@paginate(LimitOffsetPagination)
def definition_list(request: HttpRequest, filters: Query[DefinitionFilters]) -> Any:
    """The active indicators with their unit, direction, source and methodology, in the catalogue's order."""
    return selectors.definition_list(source=filters.source, group=filters.group)


@router.get("/values", response=list[ValueOut], auth=read_auth, summary="Indicator values")
@paginate(LimitOffsetPagination)
def value_list(request: HttpRequest, filters: Query[ValueFilters]) -> Any:
    """Values by indicator, territory and year: `?code=tos_count&level=municipality&region=RU-AMU&year=2025` is
    the map of a region; `?municipality=123` a municipality's values over the years."""
    return selectors.value_list(**filters.dict())


@router.get("/{code}", response=DefinitionOut, auth=read_auth, summary="One indicator definition")
def definition_detail(request: HttpRequest, code: str) -> IndicatorDefinition:
    return selectors.definition_get(code=code)
