"""Background work of the projects module (django-tasks: the database backend in development and production,
run by `manage.py db_worker`; executed at once under tests).

`notify_overdue_milestones` e-mails the owner's members and the municipality's staff about milestones past their
planned date, once per milestone (notifications.py). Enqueue it daily: `manage.py projects_check_overdue` (cron)."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from .notifications import send_overdue_notices


@task()
def notify_overdue_milestones(now: str | None = None) -> int:
    """Announce the overdue milestones as of `now` (an ISO date-time; the present moment when not given); returns
    how many milestones were announced. Arguments cross the queue as JSON, hence the text."""
    moment = datetime.fromisoformat(now) if now else None
    return send_overdue_notices(now=moment)
