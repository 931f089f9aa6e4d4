"""CSV and XLSX export of any list, with the same columns in both."""

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
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


def _csv_rows(rows: Iterable[Any], columns: list[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheet programs open UTF-8 Cyrillic correctly
    yield writer.writerow([force_str(c.label) for c in columns])
    for row in rows:
        yield writer.writerow([_cell(c.value(row)) for c in columns])


def export_response(
    rows: Iterable[Any], columns: list[Column], *, filename: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """A download of `rows` as CSV (streamed) or XLSX. `rows` should be an iterator (queryset.iterator())."""
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        streaming = StreamingHttpResponse(_csv_rows(rows, columns), content_type="text/csv; charset=utf-8")
        streaming["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
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
        sheet.append([_cell(c.value(row)) for c in columns])
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    workbook.save(response)
    return response
