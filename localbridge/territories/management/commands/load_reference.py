"""`manage.py load_reference [--if-empty] [--data-dir PATH]`: countries, Russian regions, municipalities and
settlements from ISO 3166 (pycountry), the shared data folder and GeoNames. Running it twice changes nothing."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from localbridge.territories import selectors, services
from localbridge.territories.reference import EPOGREBNYAK_TOWNS, HFLABS_CITIES


class Command(BaseCommand):
    help = "Load the reference territories (countries, Russian regions, municipalities, settlements)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when regions are already loaded.")
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="The shared data folder (default: settings.SHARED_DATA_DIR).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and selectors.regions_exist():
            self.stdout.write("Reference territories are already loaded.")
            return
        data_dir: Path = options["data_dir"] or Path(settings.SHARED_DATA_DIR)
        for source in (HFLABS_CITIES, EPOGREBNYAK_TOWNS):
            if not (data_dir / source).is_file():
                raise CommandError(f"{data_dir / source} not found: pass --data-dir (the shared data folder).")
        result = services.reference_load(data_dir=data_dir)
        for note in result.notes:
            self.stdout.write(f"note: {note}")
        for label, count in (
            ("countries", result.countries),
            ("regions", result.regions),
            ("municipalities", result.municipalities),
            ("settlements", result.settlements),
        ):
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS("Reference territories loaded." if result.changed else "No changes."))
