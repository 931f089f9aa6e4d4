"""Enqueue the check of overdue milestones (for cron, once a day):

    ./dev manage projects_check_overdue            # enqueue; `manage.py db_worker` runs it
    ./dev manage projects_check_overdue --now 2026-06-01T09:00:00+00:00 --sync   # run it here, as of a moment

The task e-mails the owner's members and the municipality's staff once per overdue milestone (docs/projects.md)."""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django_tasks import TaskResultStatus

from localbridge.projects.notifications import send_overdue_notices
from localbridge.projects.tasks import notify_overdue_milestones


class Command(BaseCommand):
    help = "Enqueue the e-mail notices about overdue project milestones (run daily from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="check as of this ISO date-time (default: now)")
        parser.add_argument("--sync", action="store_true", help="run the check in this process instead of queueing it")

    def handle(self, *args: Any, **options: Any) -> None:
        now_text = options.get("now") or None
        if now_text:
            try:
                moment = datetime.fromisoformat(now_text)
            except ValueError:
                raise CommandError(f"not an ISO date-time: {now_text}")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            now_text = moment.isoformat()
        if options.get("sync"):
            count = send_overdue_notices(now=datetime.fromisoformat(now_text) if now_text else None)
            self.stdout.write(f"overdue milestones announced: {count}")
            return
        result = notify_overdue_milestones.enqueue(now=now_text)
        if result.status == TaskResultStatus.SUCCESSFUL:
            self.stdout.write(f"task {result.id} done, overdue milestones announced: {result.return_value}")
        elif result.status == TaskResultStatus.FAILED:
            raise CommandError(f"task {result.id} failed: {result.errors[-1].traceback if result.errors else ''}")
        else:
            self.stdout.write(f"task {result.id} enqueued")
