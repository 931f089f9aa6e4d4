"""`manage.py import_practices FILE [--status published|draft|on_moderation] [--author EMAIL] [--moderator EMAIL]
[--dry-run]`: import practices from a JSON array or a CSV file (see localbridge/practices/importing.py for the
columns). Valid records are saved, each in its own transaction; the rejected ones are listed with their reasons.
Exits with status 1 (a CommandError) when any record was rejected."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from localbridge.accounts.models import User
from localbridge.practices.importing import (
    IMPORT_STATUSES,
    ImportFileError,
    import_summary,
    practices_import,
    read_records,
)
from localbridge.practices.rules import user_is_practice_moderator


class Command(BaseCommand):
    help = "Import practices from a JSON array or a CSV file; print a summary and the rejected records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A .json file (an array of objects) or a .csv file (header first).")
        parser.add_argument(
            "--status",
            choices=[str(s) for s in IMPORT_STATUSES],
            default="published",
            help="Where the imported practices end: published (the default), on_moderation or draft.",
        )
        parser.add_argument("--author", default="", help="E-mail of the user recorded as the practices' author.")
        parser.add_argument(
            "--moderator", default="", help="E-mail of the moderator who publishes them (default: the system)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every record and save nothing.")

    def _user(self, email: str, option: str) -> User | None:
        if not email:
            return None
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"{option}: no active user with the e-mail {email}.")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        author = self._user(options["author"], "--author")
        moderator = self._user(options["moderator"], "--moderator")
        if moderator is not None and not user_is_practice_moderator(moderator):
            raise CommandError(f"--moderator: {moderator.email} does not moderate the practice bank.")
        try:
            records = read_records(options["file"])
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        progress = self._progress if self.stderr.isatty() else None  # a progress bar on a terminal only
        report = practices_import(
            records=records,
            status=options["status"],
            author=author,
            moderator=moderator,
            source=str(options["file"]),
            dry_run=options["dry_run"],
            progress=progress,
        )
        if progress is not None:
            self.stderr.write("")
        for line in import_summary(report):
            self.stdout.write(line)
        if report.errors:
            raise CommandError(f"{len(report.errors)} of {report.total} records were not imported (listed above).")

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        self.stderr.flush()
