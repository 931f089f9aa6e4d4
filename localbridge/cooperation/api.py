"""Cooperation in the JSON API (/api/v1/cooperation/): partner suggestions for now."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from localbridge.territories.models import Municipality

from . import finder, selectors

router = Router(tags=["cooperation"])


class ReasonOut(Schema):
    code: str = Field(description="partners_of_partners, border_neighbour, distance, similar_size, ...")
    contribution: float = Field(description="What this reason adds to the score")
    text: str


class SuggestionOut(Schema):
    id: int
    name: str
    name_en: str
    country: str = Field(description="ISO 3166-1 alpha-2")
    lat: float | None = Field(alias="latitude")
    lon: float | None = Field(alias="longitude")
    population: int | None
    score: float = Field(description="The sum of the reasons' contributions")
    reasons: list[ReasonOut]


class SuggestionFilters(Schema):
    limit: int = Field(10, ge=1, le=100)
    country: str | None = Field(None, min_length=2, max_length=2, description="Only this country (alpha-2)")
    max_km: float | None = Field(None, gt=0)
    min_population: int | None = Field(None, ge=0)
    max_population: int | None = Field(None, ge=0)
    area: str | None = Field(None, description="Only candidates that seek this area of cooperation (its code)")
    cross_border: bool = Field(False, description="Only border neighbours (within border_km across a border)")
    border_km: float = Field(finder.BORDER_KM, gt=0, le=2000)


@router.get("/municipalities/{municipality_id}/suggestions", response=list[SuggestionOut])
def suggestions(
    request: HttpRequest, municipality_id: int, filters: Query[SuggestionFilters]
) -> list[finder.Suggestion]:
    """Potential partners, best first, each with its score and the reasons that make it up."""
    get_object_or_404(Municipality, pk=municipality_id)
    return selectors.partner_suggestions(
        municipality_id=municipality_id,
        limit=filters.limit,
        filters=finder.Filters(
            country=filters.country.upper() if filters.country else None,
            max_km=filters.max_km,
            min_population=filters.min_population,
            max_population=filters.max_population,
            area=filters.area,
            cross_border_only=filters.cross_border,
        ),
        border_km=filters.border_km,
    )
