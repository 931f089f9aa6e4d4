"""Import a CSV or XLSX file of indicator values (columns: code, municipality or oktmo, region, year, value,
source_note; see localbridge/indicators/importing.py):

    ./dev manage import_indicators values.xlsx
    ./dev manage import_indicators demo.csv --generated     # invented demonstration figures, marked so

Good rows are saved, bad rows are listed with their line, column and reason; the exit status is 1 when a row was
refused."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from localbridge.indicators.services import values_import


class Command(BaseCommand):
    help = "Import indicator values from a CSV or XLSX file, with a report of the refused rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--generated", action="store_true", help="mark the values as invented (demo data)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}")
        try:
            batch = values_import(actor=None, data=data, filename=path.name, is_generated=options["generated"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        for error in batch.errors:
            self.stderr.write(f"line {error['row']}, {error['field']}: {error['message']} [{error['code']}]")
        self.stdout.write(f"rows read: {batch.rows_total}, saved: {batch.rows_saved}, refused: {batch.rows_failed}")
        if batch.rows_failed:
            raise SystemExit(1)
