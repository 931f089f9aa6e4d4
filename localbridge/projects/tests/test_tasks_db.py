"""The overdue check through the real queue: the database backend stores the task, `db_worker --batch` (the
worker production runs) picks it up and the e-mails go out once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from localbridge.participation.tests.factories import MunicipalStaffFactory
from localbridge.projects.tests.factories import MilestoneFactory, make_cast

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
AFTER = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)


def test_the_cron_command_queues_the_check_in_the_database_and_the_worker_sends_the_notices():
    from django_tasks_db.models import DBTaskResult

    cast = make_cast()
    staff = MunicipalStaffFactory(municipality=cast.project.municipality)
    MilestoneFactory(project=cast.project, title="Фундамент", planned_date=date(2026, 6, 29), percent_done=40)
    with override_settings(TASKS=DATABASE_QUEUE):
        call_command("projects_check_overdue", "--now", AFTER.isoformat(), stdout=StringIO())
        queued = DBTaskResult.objects.get()
        assert queued.status == "READY" and mail.outbox == []
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())
        queued.refresh_from_db()
        assert queued.status == "SUCCESSFUL"
        sent = len(mail.outbox)
        assert sent > 0 and staff.email in {address for message in mail.outbox for address in message.to}
        call_command("projects_check_overdue", "--now", AFTER.isoformat(), stdout=StringIO())
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO(), stderr=StringIO())
        assert len(mail.outbox) == sent  # announced once
