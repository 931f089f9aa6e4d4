"""Territories in the JSON API (/api/v1/territories/). Lists are paginated as {"items": [...], "count": N}
(?limit=&offset=); an unknown code or id is a 404 with the API's error body."""

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from . import selectors
from .models import Municipality, MunicipalityKind, Region

router = Router(tags=["territories"])


class CountryOut(Schema):
    code: str
    code3: str
    name_ru: str
    name_en: str


class RegionOut(Schema):
    code: str = Field(description="ISO 3166-2 code")
    country: str = Field(alias="country.code", description="ISO 3166-1 code")
    name_ru: str
    name_en: str
    federal_district: str = Field(description="For Russia: central, northwestern, southern, ...; else empty")
    municipality_count: int


class MunicipalityOut(Schema):
    id: int
    name_ru: str
    name_en: str
    kind: str
    oktmo: str
    country: str = Field(alias="country.code")
    region: str | None
    population: int | None
    latitude: float | None
    longitude: float | None
    timezone: str
    geonameid: int | None

    @staticmethod
    def resolve_region(obj: Municipality) -> str | None:
        return obj.region.code if obj.region else None


class MunicipalityDetailOut(MunicipalityOut):
    parent: int | None = Field(alias="parent_id")
    settlement_count: int


class SettlementOut(Schema):
    id: int
    municipality: int = Field(alias="municipality_id")
    name_ru: str
    name_en: str
    kind: str
    oktmo: str
    population: int | None
    latitude: float | None
    longitude: float | None
    foundation_year: int | None
    geonameid: int | None


@router.get("/countries/", response=list[CountryOut])
@paginate(LimitOffsetPagination)
def countries(request: HttpRequest) -> object:
    """Every ISO 3166-1 country with its Russian and English names."""
    return selectors.country_list()


@router.get("/regions/", response=list[RegionOut])
@paginate(LimitOffsetPagination)
def regions(request: HttpRequest, country: str = "RU", federal_district: str | None = None) -> object:
    """Regions of a country (ISO 3166-1 code, Russia by default): ISO 3166-2 codes, names, federal district."""
    return selectors.region_list(country=country, federal_district=federal_district)


@router.get("/regions/{code}", response=RegionOut)
def region(request: HttpRequest, code: str) -> Region:
    return selectors.region_get(code)


@router.get("/municipalities/", response=list[MunicipalityOut])
@paginate(LimitOffsetPagination)
def municipalities(
    request: HttpRequest, region: str | None = None, q: str | None = None, kind: MunicipalityKind | None = None
) -> object:
    """Municipalities by name; `region` is an ISO 3166-2 code, `q` a part of the Russian or English name."""
    if region:
        selectors.region_get(region)  # an unknown region is a 404, not an empty list
    return selectors.municipality_list(region=region, q=q, kind=kind)


@router.get("/municipalities/{municipality_id}", response=MunicipalityDetailOut)
def municipality(request: HttpRequest, municipality_id: int) -> Municipality:
    return selectors.municipality_get(municipality_id)


@router.get("/settlements/", response=list[SettlementOut])
@paginate(LimitOffsetPagination)
def settlements(request: HttpRequest, municipality: int | None = None) -> object:
    """Settlements (localities), of one municipality when `municipality` (an id) is given."""
    if municipality is not None:
        selectors.municipality_get(municipality)  # an unknown municipality is a 404
    return selectors.settlement_list(municipality=municipality)
