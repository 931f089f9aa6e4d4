"""Show how a resolution's text would be split into addressees and items, without saving anything:

    ./dev manage parse_resolution ../shared/data/resolutions/2016-10-26-amur-tos-conference.txt --json
    ./dev manage parse_resolution resolution.docx          # a readable outline, with the parser's warnings

With --json it prints exactly {"title", "date", "place", "sections": [{"addressee", "items": [...]}]}; the
warnings go to standard error. See localbridge/events/resolution_parser.py."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from localbridge.events.resolution_parser import ResolutionFileError, parse_resolution_file


class Command(BaseCommand):
    help = "Print the proposed split of a resolution (.txt or .docx) into addressees and items, without saving."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a .txt or .docx file with the resolution's text")
        parser.add_argument("--json", action="store_true", help="print the split as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}")
        try:
            _text, parsed = parse_resolution_file(path.name, data)
        except ResolutionFileError as exc:
            raise CommandError(f"{path}: {exc.message}")
        for warning in parsed.warnings:
            self.stderr.write(f"warning [{warning.code}]: {warning.message}")
        if options["json"]:
            self.stdout.write(json.dumps(parsed.to_json(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"title: {parsed.title or '—'}")
        self.stdout.write(f"date:  {parsed.date.isoformat() if parsed.date else '—'}")
        self.stdout.write(f"place: {parsed.place or '—'}")
        for number, section in enumerate(parsed.sections, start=1):
            self.stdout.write("")
            self.stdout.write(f"[{number}] {section.addressee or '(no addressee)'} — {len(section.items)} item(s)")
            for position, item in enumerate(section.items, start=1):
                lines = item.split("\n")
                self.stdout.write(f"  {position}. {lines[0]}")
                for line in lines[1:]:
                    self.stdout.write(f"     {line}")
        self.stdout.write("")
        self.stdout.write(f"{len(parsed.sections)} section(s), {parsed.item_count} item(s)")
