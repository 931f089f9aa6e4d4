"""Reads of territories. Counts come from aggregate subqueries, never a query per row."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from localbridge.core.text import normalize_for_search

from .models import Country, Municipality, Region, Settlement

RUSSIA = "RU"


def _count_of(queryset: QuerySet, group_by: str) -> Coalesce:
    """A correlated COUNT of `queryset` grouped by `group_by` (compare with the outer row's pk), 0 when none."""
    counted = (
        queryset.filter(**{group_by: OuterRef("pk")}).order_by().values(group_by).annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def regions_exist() -> bool:
    return Region.objects.exists()


def country_list_with_territories() -> QuerySet[Country]:
    """Countries that have regions or municipalities on the platform, with how many of each."""
    return (
        Country.objects.annotate(
            region_count=_count_of(Region.objects.all(), "country"),
            municipality_count=_count_of(Municipality.objects.all(), "country"),
        )
        .filter(Q(region_count__gt=0) | Q(municipality_count__gt=0))
        .order_by("name_ru", "code")
    )


def country_list() -> QuerySet[Country]:
    """Every ISO 3166-1 country, by name."""
    return Country.objects.order_by("name_ru", "code")


def region_list(*, country: str | None = RUSSIA, federal_district: str | None = None) -> QuerySet[Region]:
    """Regions of `country` (an ISO 3166-1 code; None for every country), with their country and the number of
    their municipalities."""
    regions = Region.objects.select_related("country").annotate(
        municipality_count=_count_of(Municipality.objects.all(), "region")
    )
    if country:
        regions = regions.filter(country__code=country.upper())
    if federal_district:
        regions = regions.filter(federal_district=federal_district)
    return regions.order_by("name_ru", "code")


def region_list_with_counts() -> QuerySet[Region]:
    """Russian regions with `municipality_count` (the home page and the regions page)."""
    return region_list(country=RUSSIA)


def region_get(code: str) -> Region:
    """The region with this ISO 3166-2 code (any letter case), with its country and municipality count; else
    Http404."""
    region = region_list(country=None).filter(code=code.upper()).first()
    if region is None:
        raise Http404
    return region


def municipality_list(
    *, region: Region | str | None = None, q: str | None = None, kind: str | None = None
) -> QuerySet[Municipality]:
    """Municipalities by name, with region and country; `region` is a Region or an ISO 3166-2 code. `q` is a
    substring of the Russian or English name, folded alike on SQLite and PostgreSQL (search_name)."""
    municipalities = Municipality.objects.select_related("region", "country")
    if isinstance(region, Region):
        municipalities = municipalities.filter(region=region)
    elif region:
        municipalities = municipalities.filter(region__code=region.upper())
    if kind:
        municipalities = municipalities.filter(kind=kind)
    if q:
        needle = normalize_for_search(q)
        if needle:
            municipalities = municipalities.filter(search_name__contains=needle)
    return municipalities.order_by("name_ru", "pk")


def municipality_get(pk: int) -> Municipality:
    """One municipality with its region, country and parent, and `settlement_count`; else Http404."""
    municipality = (
        Municipality.objects.select_related("region", "country", "parent")
        .annotate(settlement_count=_count_of(Settlement.objects.all(), "municipality"))
        .filter(pk=pk)
        .first()
    )
    if municipality is None:
        raise Http404
    return municipality


def settlement_list(*, municipality: Municipality | int | None = None) -> QuerySet[Settlement]:
    """Settlements by name (largest first among equal names), with their municipality."""
    settlements = Settlement.objects.select_related("municipality")
    if municipality is not None:
        settlements = settlements.filter(
            municipality_id=municipality.pk if isinstance(municipality, Municipality) else municipality
        )
    return settlements.order_by("name_ru", "pk")
