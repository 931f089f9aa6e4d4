"""CSV, XLSX and JSON export of any list, with the same columns in each."""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    label: str | Promise
    value: Callable[[Any], Any]
    # XLSX writes a Decimal of a numeric column as a number (CSV and JSON keep its exact digits as text).
    numeric: bool = False


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Promise):
        return force_str(value)
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    return force_str(value) if not hasattr(value, "isoformat") else value


def _xlsx_cell(column: Column, value: Any) -> Any:
    if column.numeric and isinstance(value, Decimal):
        return value
    return _cell(value)


def _csv_rows(rows: Iterable[Any], columns: list[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheet programs open UTF-8 Cyrillic correctly
    yield writer.writerow([force_str(c.label) for c in columns])
    for row in rows:
        yield writer.writerow([_cell(c.value(row)) for c in columns])


def _json_value(value: Any) -> Any:
    """A cell as JSON: numbers and booleans as they are, a Decimal as its exact digits (a string, as the API
    gives values), dates and times in ISO 8601 (times in the site's zone, with the offset)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Promise):
        return force_str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return (timezone.localtime(value) if value.tzinfo is not None else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {force_str(key): _json_value(item) for key, item in value.items()}
    return force_str(value)


def _json_chunks(
    rows: Iterable[Any],
    columns: list[Column],
    *,
    key: str,
    meta: dict[str, Any] | None,
    to_object: Callable[[Any], dict[str, Any]] | None,
) -> Iterator[str]:
    """`{...meta, key: [row, row, ...]}`, one row at a time, so that memory does not grow with the rows."""
    encode = json.JSONEncoder(ensure_ascii=False, default=force_str).encode
    head = "".join(f"{encode(force_str(k))}: {encode(_json_value(v))}, " for k, v in (meta or {}).items())
    yield "{" + head + encode(key) + ": ["
    separator = "\n"
    for row in rows:
        obj = to_object(row) if to_object else {force_str(c.label): c.value(row) for c in columns}
        yield separator + encode(_json_value(obj))
        separator = ",\n"
    yield "\n]}\n"


def export_response(
    rows: Iterable[Any],
    columns: list[Column],
    *,
    filename: str,
    fmt: str,
    json_key: str = "data",
    json_meta: dict[str, Any] | None = None,
    json_object: Callable[[Any], dict[str, Any]] | None = None,
) -> HttpResponse | StreamingHttpResponse:
    """A download of `rows` as CSV or JSON (both streamed) or XLSX. `rows` should be an iterator
    (queryset.iterator()). JSON is `{**json_meta, json_key: [{column label: value}, ...]}`, or each row shaped by
    `json_object` instead of the columns."""
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        streaming = StreamingHttpResponse(_csv_rows(rows, columns), content_type="text/csv; charset=utf-8")
        streaming["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
        return streaming
    if fmt == "json":
        chunks = _json_chunks(rows, columns, key=json_key, meta=json_meta, to_object=json_object)
        streaming = StreamingHttpResponse(chunks, content_type="application/json; charset=utf-8")
        streaming["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.json"'
        return streaming
    if fmt != "xlsx":
        raise ValueError(fmt)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=force_str(column.label))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(c, c.value(row)) for c in columns])
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    workbook.save(response)
    return response
