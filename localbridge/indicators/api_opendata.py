"""The open-data catalogue in the JSON API (/api/v1/opendata/): every dataset with its addresses and columns, and
one dataset's data dictionary. Everything here is public. The data themselves are downloaded from the addresses
given (/opendata/<slug>.csv, .xlsx, .json); an unknown slug is a 404 with the API's error body."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils.encoding import force_str
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from localbridge.api_auth import read_auth

from . import opendata
from .opendata_fields import licence, publisher
from .views_opendata import links_for

router = Router(tags=["open data"])


class ValueOut(Schema):
    value: str
    label: str


class ColumnOut(Schema):
    name: str = Field(description="The column's name: the CSV/XLSX header and the JSON key; stable")
    type: str = Field(description="integer, decimal, string, boolean, date or datetime")
    description: str
    unit: str
    values: list[ValueOut] = Field(description="The allowed codes and their meaning, for a coded column")


class LicenceOut(Schema):
    id: str
    title: str
    url: str


class DatasetOut(Schema):
    slug: str = Field(description="Stable: the dataset's addresses are built from it")
    title: str
    description: str
    group: str = Field(description="indicators, registries or grants")
    formats: dict[str, str] = Field(description="Download address per format: csv, xlsx, json")
    dictionary: str = Field(description="The data dictionary page")
    licence: LicenceOut
    columns: list[ColumnOut]


class DatasetDetailOut(DatasetOut):
    publisher: str
    source: str
    update_rule: str
    notes: list[str]
    rows: int
    updated: datetime | date | None = Field(description="The latest change of the data, where it is known")


def _dataset(dataset: opendata.Dataset, request: HttpRequest) -> dict[str, Any]:
    links = links_for(request)
    return {
        "slug": dataset.slug,
        "title": force_str(dataset.title),
        "description": force_str(dataset.description),
        "group": dataset.group,
        "formats": opendata.format_urls(dataset, links),
        "dictionary": opendata.dictionary_url(dataset, links),
        "licence": licence().as_dict(),
        "columns": [opendata.field_dict(f) for f in dataset.fields],
    }


@router.get("/", response=list[DatasetOut], auth=read_auth, summary="Open datasets", url_name="opendata_list")
@paginate(LimitOffsetPagination)
def dataset_list(request: HttpRequest) -> Any:
    """Every dataset of the catalogue with its download addresses and columns (one query however many)."""
    return [_dataset(d, request) for d in opendata.dataset_list()]


@router.get(
    "/{slug}",
    response=DatasetDetailOut,
    auth=read_auth,
    summary="One dataset's data dictionary",
    url_name="opendata_dataset",
)
def dataset_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The dataset's columns with their types, descriptions, units and allowed values, its licence, source, update
    rule, number of rows and latest change."""
    dataset = opendata.dataset_get(slug=slug)
    return {
        **_dataset(dataset, request),
        "publisher": publisher(),
        "source": force_str(dataset.source),
        "update_rule": force_str(dataset.update_rule),
        "notes": [force_str(note) for note in dataset.notes],
        "rows": dataset.count(),
        "updated": dataset.updated() if dataset.updated else None,
    }
