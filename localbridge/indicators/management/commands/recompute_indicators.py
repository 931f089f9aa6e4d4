"""Recompute the computed indicators:

    ./dev manage recompute_indicators                    # every computed indicator, every year of the window
    ./dev manage recompute_indicators --year 2025 --code tos_count --code tos_residents
    ./dev manage recompute_indicators --enqueue          # queue it for `manage.py db_worker` (nightly cron)

Prints the number of values written per indicator (docs/indicators.md)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks import TaskResultStatus

from localbridge.indicators.services import recompute_all
from localbridge.indicators.tasks import recompute_indicators


class Command(BaseCommand):
    help = "Recompute the computed indicators (all years of the window, or one year; all codes, or some)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="only this year (default: every year of the window)")
        parser.add_argument("--code", action="append", dest="codes", help="only this indicator (repeatable)")
        parser.add_argument("--enqueue", action="store_true", help="queue the work for the task worker")

    def handle(self, *args: Any, **options: Any) -> None:
        year, codes = options.get("year"), options.get("codes")
        if options.get("enqueue"):
            result = recompute_indicators.enqueue(year=year, codes=codes)
            if result.status == TaskResultStatus.FAILED:
                raise CommandError(f"task {result.id} failed: {result.errors[-1].traceback if result.errors else ''}")
            self.stdout.write(f"task {result.id} {result.status.lower()}")
            return
        try:
            written = recompute_all(year=year, codes=codes)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages))
        for code, count in written.items():
            self.stdout.write(f"{code}: {count}")
        self.stdout.write(f"values written: {sum(written.values())}")
