"""`manage.py import_twin_cities FILE [--exclude PAIRS.csv] [--list-created]`: the real twin-city network (see
cooperation/importing.py). Prints every row error with its line, and the counts; running it twice changes
nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from localbridge.cooperation.importing import twin_cities_import


class Command(BaseCommand):
    help = "Import twin-city pairs (city1,country1,lat1,lng1,city2,country2,lat2,lng2) into the network."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="twin_cities_geocoded.csv or a file of the same columns")
        parser.add_argument("--exclude", type=Path, default=None, help="A CSV of the same columns: pairs left out.")
        parser.add_argument(
            "--list-created", action="store_true", help="Print the cities created as new municipalities."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        exclude: Path | None = options["exclude"]
        for each in (path, exclude):
            if each is not None and not each.is_file():
                raise CommandError(f"{each} not found.")
        try:
            result = twin_cities_import(path=path, exclude=exclude)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for error in result.errors:
            self.stdout.write(f"error: {error}")
        if options["list_created"]:
            for name in result.created_names:
                self.stdout.write(f"created: {name}")
        for name, count in result.unknown_countries.most_common():
            self.stdout.write(f"unknown country: “{name}” ({count} rows)")
        self.stdout.write(
            f"rows: {result.rows} (links created {result.links_created}, already present {result.links_existing}, "
            f"repeated in the file {result.repeated}, excluded {result.excluded}, errors {len(result.errors)})"
        )
        self.stdout.write(
            f"cities: {result.cities} (matched to the registry {result.matched}, "
            f"created as municipalities {result.municipalities_created}); countries created: {result.countries_created}"
        )
        if result.accounted != result.rows:  # pragma: no cover - an invariant of the import
            raise CommandError(f"{result.rows - result.accounted} rows without an outcome")
        self.stdout.write(self.style.SUCCESS("Twin cities imported."))
