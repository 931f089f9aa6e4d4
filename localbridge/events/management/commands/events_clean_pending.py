"""Remove the resolution files uploaded for a correction that was never saved (media/resolutions/pending/):

    ./dev manage events_clean_pending                       # those older than 24 hours
    ./dev manage events_clean_pending --older-than-hours 48

Run it daily from cron, e.g. `30 3 * * * cd /srv/localbridge && ./dev manage events_clean_pending`. The signed
reference a correction page carries is valid 24 hours, so with the default nothing still in use is removed. See
docs/events.md ("Entering a resolution")."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from localbridge.events.services.resolutions import PENDING_MAX_AGE, pending_uploads_clean


class Command(BaseCommand):
    help = "Delete pending resolution uploads (media/resolutions/pending/) older than the given number of hours."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-hours",
            type=int,
            default=int(PENDING_MAX_AGE.total_seconds() // 3600),
            help="remove the files last written more than this many hours ago (default: 24)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["older_than_hours"]
        if hours < 1:
            raise CommandError("--older-than-hours must be at least 1")
        removed = pending_uploads_clean(older_than=timedelta(hours=hours))
        if options["verbosity"] >= 2:
            for path in removed:
                self.stdout.write(f"removed {path}")
        self.stdout.write(f"{len(removed)} pending upload(s) older than {hours} h removed")
