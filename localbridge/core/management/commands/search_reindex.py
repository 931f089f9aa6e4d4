"""Rebuild the full-text search index: every registered scope, or one (--scope practices)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from localbridge.core.search.registry import registered_scopes
from localbridge.core.search.services import search_reindex


class Command(BaseCommand):
    help = "Rebuild the full-text search index of every registered scope, or of the one given with --scope."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scope", help="only this scope (default: all registered scopes)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not registered_scopes():
            self.stdout.write("No search scopes are registered; nothing to do.")
            return
        try:
            counts = search_reindex(scope=options.get("scope"))
        except ValidationError as error:
            known = ", ".join(sorted(registered_scopes()))
            raise CommandError(f"{' '.join(error.messages)} Registered: {known}.") from error
        for scope, count in counts.items():
            self.stdout.write(f"{scope}: {count} documents indexed")
