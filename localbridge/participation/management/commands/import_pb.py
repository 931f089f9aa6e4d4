"""Import a real participatory-budget election from a .pb file (pabulib.org) as a closed vote; prints its id.

    ./dev manage import_pb FILE.pb [--municipality NAME]

The municipality is found by NAME (Russian or English name, or its id); without it, by the file's META `unit`;
failing that, the first municipality is used (with a warning)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from localbridge.participation.pb.format import PbFormatError, load
from localbridge.participation.services.votes import vote_import
from localbridge.territories.models import Municipality


class Command(BaseCommand):
    help = "Import a .pb election as a closed participatory-budget vote and print the vote's id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .pb file")
        parser.add_argument("--municipality", help="the municipality's name or id")
        parser.add_argument("--title", default="", help="the vote's title (default: the file's description)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            election = load(options["file"])
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {options['file']}") from exc
        except PbFormatError as exc:
            raise CommandError(f"{options['file']}: {exc} ({exc.code})") from exc
        municipality = self._municipality(options.get("municipality"), election.meta.get("unit", ""))
        vote = vote_import(election=election, municipality=municipality, title=options["title"])
        self.stdout.write(str(vote.pk))

    def _municipality(self, name: str | None, unit: str) -> Municipality:
        if name:
            query = Q(name_ru__iexact=name) | Q(name_en__iexact=name)
            if name.isdigit():
                query |= Q(pk=int(name))
            found = Municipality.objects.filter(query).order_by("pk").first()
            if found is None:
                raise CommandError(f"no municipality named {name!r}")
            return found
        if unit:
            found = Municipality.objects.filter(Q(name_ru__iexact=unit) | Q(name_en__iexact=unit)).first()
            if found is not None:
                return found
        found = Municipality.objects.order_by("pk").first()
        if found is None:
            raise CommandError("there is no municipality yet: load the territories first or give --municipality")
        self.stderr.write(f"no municipality named {unit!r}: the vote is attached to {found} (use --municipality)")
        return found
