"""Reading a file of indicator values (CSV or XLSX) into rows of text cells, and parsing a cell's number and year.
No database here: services.values_import matches the rows to indicators and territories and saves the good ones.

The file has a header row naming its columns (English or Russian names, any order, any case; others ignored):

- code (код), required: the indicator's code, e.g. satisfaction_local_government;
- municipality (муниципальное образование): the municipality's id on the platform or its exact name (Russian or
  English);
- oktmo (октмо): the municipality's OKTMO code (8 digits), which wins over the name;
- region (регион): the region's ISO 3166-2 code (RU-AMU), which narrows a name down; alone (no municipality, no
  OKTMO), the row is the region's own value; one of municipality, oktmo and region is required;
- year (год), required: the year the value is for (not later than this year);
- value (значение), required: a number, with a comma or a point before the decimals and spaces between
  thousands allowed;
- source_note (источник): where the figure comes from.

CSV files may be in UTF-8 (with or without a byte-order mark) or Windows-1251, separated by commas, semicolons
or tabs (Russian spreadsheet programs write semicolons)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "indicator", "код", "код показателя", "показатель"),
    "municipality": ("municipality", "municipality_id", "муниципальное образование", "мо", "муниципалитет"),
    "oktmo": ("oktmo", "октмо"),
    "region": ("region", "region_code", "регион", "код региона"),
    "year": ("year", "год"),
    "value": ("value", "значение"),
    "source_note": ("source_note", "source", "note", "источник", "примечание"),
}
REQUIRED = ("code", "year", "value")
MAX_ROWS = 100_000
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RawRow:
    number: int  # the line in the file (the header is line 1)
    cells: dict[str, str]


def _header_map(header: list[Any]) -> dict[int, str]:
    """Column positions to our column names; unknown columns are ignored."""
    aliases = {alias: name for name, names in COLUMNS.items() for alias in names}
    found: dict[int, str] = {}
    for position, title in enumerate(header):
        name = aliases.get(" ".join(str(title or "").replace("\ufeff", "").split()).casefold())
        if name is not None and name not in found.values():
            found[position] = name
    missing = [name for name in REQUIRED if name not in found.values()]
    if not any(name in found.values() for name in ("municipality", "oktmo", "region")):
        missing.append("municipality")
    if missing:
        raise ValidationError(
            _("The file has no column %(columns)s (the first row must name the columns).")
            % {"columns": ", ".join(missing)},
            code="missing_columns",
        )
    return found


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _rows(table: list[list[Any]]) -> list[RawRow]:
    if not table:
        raise ValidationError(_("The file is empty."), code="empty_file")
    columns = _header_map(table[0])
    rows = []
    for number, line in enumerate(table[1:], start=2):
        cells = {name: _cell_text(line[position]) if position < len(line) else "" for position, name in columns.items()}
        if any(cells.values()):
            rows.append(RawRow(number=number, cells=cells))
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("The file has more than %(max)s rows: split it.") % {"max": f"{MAX_ROWS:,}".replace(",", " ")},
            code="too_many_rows",
        )
    return rows


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is neither UTF-8 nor Windows-1251 text."), code="bad_encoding")


def _read_csv(data: bytes) -> list[list[Any]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a damaged file
        raise ValidationError(_("The spreadsheet cannot be read."), code="bad_file") from None
    try:
        sheet = workbook.worksheets[0]
        table = []
        for line in sheet.iter_rows(values_only=True):
            table.append(list(line))
            if len(table) > MAX_ROWS + 1:
                break
        return table
    finally:
        workbook.close()


def read_table(data: bytes, filename: str) -> list[RawRow]:
    """The file's rows (CSV or XLSX, told by the content), each with the text of our columns."""
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        return _rows(_read_xlsx(data))
    return _rows(_read_csv(data))


_SPACES = re.compile(r"[\s\u00a0\u2009\u202f']")


def parse_number(text: str) -> Decimal | None:
    """A number written the Russian or the English way ("1 234,5", "1234.5", "-3"); None if it is not one."""
    text = _SPACES.sub("", text or "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_year(text: str) -> int | None:
    text = (text or "").strip()
    if text.endswith(".0"):  # a year typed in a spreadsheet's number cell
        text = text[:-2]
    return int(text) if re.fullmatch(r"\d{4}", text) else None
