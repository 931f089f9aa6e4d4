"""Save a resolution from a .txt or .docx file, split as the parser proposes (parse_resolution shows the split
first):

    ./dev manage import_resolution ../shared/data/resolutions/2016-10-26-amur-tos-conference.txt --event 12
    ./dev manage import_resolution resolution.docx --user editor@example.org

The parser's warnings are printed (a text without structure is saved as one item: nothing is lost); the
addressees are matched to the registry's organisations by name. The resolution is entered by the system account
unless --user names one (who then needs the right to enter a resolution for the event)."""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from localbridge.accounts.models import User
from localbridge.events.models import Event
from localbridge.events.resolution_parser import ResolutionFileError, parse_resolution_file
from localbridge.events.services.resolutions import resolution_create_from_split
from localbridge.practices.importing import system_actor


class Command(BaseCommand):
    help = "Save a resolution (.txt or .docx) split into addressees and items as the parser proposes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a .txt or .docx file with the resolution's text")
        parser.add_argument("--event", type=int, help="the id of the event that adopted the resolution")
        parser.add_argument("--title", help="the title, when the parser finds none (default: the file's name)")
        parser.add_argument("--user", help="the e-mail of the user who enters it (default: the system account)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}")
        try:
            text, parsed = parse_resolution_file(path.name, data)
        except ResolutionFileError as exc:
            raise CommandError(f"{path}: {exc.message}")
        for warning in parsed.warnings:
            self.stderr.write(f"warning [{warning.code}]: {warning.message}")

        event = None
        if options.get("event") is not None:
            event = Event.objects.filter(pk=options["event"]).first()
            if event is None:
                raise CommandError(f"no event with id {options['event']}")
        if options.get("user"):
            actor = User.objects.filter(email__iexact=options["user"]).first()
            if actor is None:
                raise CommandError(f"no user with e-mail {options['user']}")
        else:
            actor = system_actor()
        try:
            resolution = resolution_create_from_split(
                actor=actor,
                title=options.get("title") or parsed.title or path.stem,
                adopted_on=parsed.date,
                place=parsed.place or "",
                event=event,
                sections=parsed.sections,
                source_text=text,
                source_name=path.name,
                source_data=data,
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc))
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages))
        sections = resolution.sections.count()
        items = resolution.items.count()
        linked = resolution.items.filter(addressees__isnull=False).distinct().count()
        self.stdout.write(
            f"resolution {resolution.pk} saved: «{resolution.title}», {sections} section(s), {items} item(s), "
            f"{linked} linked to registry organisations"
        )
