"""The building blocks of the open-data catalogue (opendata.py): a dataset, its columns with their types and
descriptions, the licence, and the helpers that stream rows in a fixed number of queries.

A column's `name` is a stable machine name (the CSV/XLSX header, the JSON key): it never changes with the language
of the page. Coded values (a status, a unit) are written as their codes; the data dictionary lists the codes with
their meaning."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import DecimalField, Model, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from localbridge.core.exports import Column

Text = str | Promise

FORMATS = ("csv", "xlsx", "json")
# Rows fetched per round trip while a download streams (one query: the cursor is read in chunks).
CHUNK = 2000

DEFAULT_LICENCE = {
    "id": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
DEFAULT_PUBLISHER = "LocalBridge"
DEFAULT_360GIVING_PREFIX = "360G-localbridge"


class Group:
    """The sections of the catalogue."""

    INDICATORS = "indicators"
    REGISTRIES = "registries"
    GRANTS = "grants"

    LABELS: dict[str, Text] = {
        INDICATORS: _("Indicators"),
        REGISTRIES: _("Registries"),
        GRANTS: _("Grants and awards"),
    }


# The types a column may have: the machine name (in the API) and what it means (on the dictionary page).
TYPES: dict[str, Text] = {
    "integer": _("integer"),
    "decimal": _("decimal number, a point before the fraction"),
    "string": _("text"),
    "boolean": _("true or false"),
    "date": _("date, YYYY-MM-DD"),
    "datetime": _(
        "date and time in the site's time zone: YYYY-MM-DD HH:MM:SS in CSV and XLSX, ISO 8601 with the offset from "
        "UTC in JSON"
    ),
}


@dataclass(frozen=True)
class Licence:
    id: str
    title: str
    url: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "url": self.url}


def licence() -> Licence:
    """The licence of the platform's open data: the OPENDATA_LICENCE setting (a dict with id, title and url, or
    just an id), CC BY 4.0 by default."""
    value: Any = getattr(settings, "OPENDATA_LICENCE", None) or DEFAULT_LICENCE
    if isinstance(value, str):
        value = {"id": value, "title": value, "url": ""}
    return Licence(
        id=str(value.get("id", "")), title=str(value.get("title") or value.get("id", "")), url=str(value.get("url", ""))
    )


def publisher() -> str:
    return str(getattr(settings, "OPENDATA_PUBLISHER", DEFAULT_PUBLISHER))


def giving_prefix() -> str:
    """The 360Giving identifier prefix of the platform's grants and organisations (OPENDATA_360GIVING_PREFIX). The
    default is a placeholder: a publisher registers its own prefix with 360Giving."""
    return str(getattr(settings, "OPENDATA_360GIVING_PREFIX", DEFAULT_360GIVING_PREFIX)).rstrip("-")


@dataclass(frozen=True)
class Field:
    """A column of a dataset: its stable name, type, meaning, unit and allowed values, and how a row gives it."""

    name: str
    type: str
    description: Text
    value: Callable[[Any], Any]
    unit: Text = ""
    choices: Sequence[tuple[str, Text]] = ()

    @property
    def type_label(self) -> Text:
        return TYPES[self.type]

    def column(self) -> Column:
        return Column(self.name, self.value, numeric=self.type in ("decimal", "integer"))


@dataclass(frozen=True)
class Links:
    """Makes the absolute addresses written into the data (pages of the records): the site's scheme and host."""

    base: str = ""

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


@dataclass(frozen=True)
class Dataset:
    """One dataset of the catalogue: a stable slug, what it is, its columns, where its rows come from.

    `rows(links, limit)` yields the rows: every row in a fixed number of queries, streamed from the database
    (`limit`: the first rows only, for the dictionary page's example). `count()` is one query."""

    slug: str
    title: Text
    description: Text
    group: str
    fields: tuple[Field, ...]
    rows: Callable[[Links, int | None], Iterable[Any]]
    count: Callable[[], int]
    source: Text
    update_rule: Text
    # The latest change of the data, where it is cheap to know (one query), else None.
    updated: Callable[[], datetime | date | None] | None = None
    # JSON: the key of the list of rows, extra top-level keys (a 360Giving package's), and a row's shape when it is
    # not {column: value}.
    json_key: str = "data"
    json_package: Callable[[Dataset, Links], dict[str, Any]] | None = None
    json_object: Callable[[Any], dict[str, Any]] | None = None
    notes: tuple[Text, ...] = field(default=())

    @property
    def group_label(self) -> Text:
        return Group.LABELS[self.group]

    def columns(self) -> list[Column]:
        return [f.column() for f in self.fields]


# --- streaming helpers ---------------------------------------------------------------------------------------


def stream(queryset: QuerySet[Any], limit: int | None) -> Iterator[Any]:
    """The queryset's rows: the first `limit`, or all of them read from a cursor in chunks (one query)."""
    if limit is not None:
        return iter(list(queryset[:limit]))
    return queryset.iterator(chunk_size=CHUNK)


def attach(rows: Iterable[Model], attr: str, related: Iterable[tuple[int, Any]]) -> Iterator[Model]:
    """Give each row (in ascending primary key) the list of its related values, read from `related`: tuples
    (row's primary key, value) — or (key, value, value, ...), kept as a tuple of the values — in ascending row
    key. Both are streamed side by side, like a merge join, so a many-valued column (a practice's topics) costs
    one query however many rows, and memory does not grow."""
    pairs = iter(related)
    pending = next(pairs, None)
    for row in rows:
        found = []
        while pending is not None and pending[0] < row.pk:
            pending = next(pairs, None)
        while pending is not None and pending[0] == row.pk:
            found.append(pending[1] if len(pending) == 2 else tuple(pending[1:]))
            pending = next(pairs, None)
        setattr(row, attr, found)
        yield row


def related_pairs(queryset: QuerySet[Any], parent: str, ids: list[int] | None) -> Iterator[Any]:
    """`queryset` (values_list whose first item is the parent's key) for the rows of a page (`ids`) or streamed."""
    if ids is not None:
        return iter(list(queryset.filter(**{f"{parent}__in": ids})))
    return queryset.iterator(chunk_size=CHUNK)


def with_related(
    queryset: QuerySet[Any], limit: int | None, related: dict[str, tuple[QuerySet[Any], str]]
) -> Iterator[Any]:
    """Rows of `queryset` (ordered by primary key) each with lists of related values: `related` maps an attribute to
    (a values_list ordered by the parent key then the order wanted, the name of the parent key field)."""
    rows: Iterable[Any]
    ids: list[int] | None = None
    if limit is not None:
        rows = list(queryset[:limit])
        ids = [row.pk for row in rows]
    else:
        rows = queryset.iterator(chunk_size=CHUNK)
    for attr, (pairs, parent) in related.items():
        rows = attach(rows, attr, related_pairs(pairs, parent, ids))
    return iter(rows)


def with_urls(rows: Iterable[Any], make: Callable[[Any], str], links: Links) -> Iterator[Any]:
    """Each row with `opendata_url`: the absolute address of its public page."""
    for row in rows:
        row.opendata_url = links.url(make(row))
        yield row


def joined(values: Iterable[Any]) -> str:
    """A list in one cell: the values separated by "; "."""
    return "; ".join(str(v) for v in values if v not in (None, ""))


def local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def code_of(obj: Any, attr: str = "code") -> str:
    return getattr(obj, attr, "") or "" if obj is not None else ""


def name_of(obj: Any, attr: str = "name_ru") -> str:
    return getattr(obj, attr, "") or "" if obj is not None else ""


# --- shared pieces of the datasets -----------------------------------------------------------------------------

CENT = Decimal("0.01")
# The type of a summed amount read by a subquery.
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)
LIVE = _("Live: every download reads the registry as it is at that moment.")
GENERATED = _("true: invented demonstration or benchmark data, not a real record")


def money(value: Decimal | None) -> Decimal:
    """An amount with two decimals (SQLite returns sums without their scale), zero when there is none."""
    return (value if value is not None else Decimal(0)).quantize(CENT)


def choices_of(choices: Any) -> tuple[tuple[str, Any], ...]:
    """The allowed values of a coded column: (code, meaning) pairs."""
    return tuple((value, label) for value, label in choices)


def municipality_fields(get: Callable[[Any], Any]) -> list[Field]:
    """The columns of a municipality reached by `get(row)` (None: no municipality)."""
    return [
        Field(
            "municipality_id",
            "integer",
            _("The platform's id of the municipality"),
            lambda r: getattr(get(r), "pk", None),
        ),
        Field("municipality_oktmo", "string", _("The municipality's OKTMO code"), lambda r: code_of(get(r), "oktmo")),
        Field("municipality_name", "string", _("The municipality's name in Russian"), lambda r: name_of(get(r))),
    ]
