"""The overdue-milestone notices: the background task (run at once under tests) and the cron command e-mail the
owner's members and the municipality's staff once per milestone, by the municipality's clock passed in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import MembershipFactory
from localbridge.participation.tests.factories import MunicipalStaffFactory
from localbridge.projects.models import Milestone
from localbridge.projects.notifications import send_overdue_notices
from localbridge.projects.tasks import notify_overdue_milestones
from localbridge.projects.tests.factories import MilestoneFactory, make_cast

pytestmark = pytest.mark.django_db

# The factories' municipalities keep Yakutsk time (UTC+9).
BEFORE = datetime(2026, 6, 30, 14, 0, tzinfo=UTC)  # 23:00 on 30 June in Yakutsk
AFTER = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)  # 01:00 on 1 July in Yakutsk
LATER = datetime(2026, 7, 5, 3, 0, tzinfo=UTC)


@pytest.fixture
def overdue_setup():
    cast = make_cast()
    member = MembershipFactory(organization=cast.project.owner, role=MembershipRole.MEMBER).user
    MembershipFactory(
        organization=cast.project.owner, role=MembershipRole.MEMBER, user=UserFactory(is_active=False)
    )  # an inactive account gets nothing
    staff = MunicipalStaffFactory(municipality=cast.project.municipality)
    MunicipalStaffFactory()  # another municipality's staff get nothing
    late = MilestoneFactory(project=cast.project, title="Фундамент", planned_date=date(2026, 6, 30), percent_done=60)
    MilestoneFactory(project=cast.project, title="Крыша", planned_date=date(2026, 7, 20))
    MilestoneFactory(project=cast.project, title="Проект", planned_date=date(2026, 6, 1), percent_done=100)
    return cast, member, staff, late


def test_the_task_tells_the_owner_and_the_municipality_once_per_milestone(overdue_setup):
    cast, member, staff, late = overdue_setup

    result = notify_overdue_milestones.enqueue(now=BEFORE.isoformat())
    assert result.return_value == 0 and mail.outbox == []

    result = notify_overdue_milestones.enqueue(now=AFTER.isoformat())
    assert result.return_value == 1
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([cast.owner.email, member.email, cast.funder.email, staff.email])
    message = mail.outbox[0]
    assert cast.project.title in message.subject
    assert "Фундамент" in message.body and "Крыша" not in message.body and "2026-06-30" in message.body
    late.refresh_from_db()
    assert late.overdue_notified_on == date(2026, 7, 1)

    mail.outbox.clear()
    assert notify_overdue_milestones.enqueue(now=LATER.isoformat()).return_value == 0
    assert mail.outbox == []


def test_a_milestone_done_in_time_is_never_announced(overdue_setup):
    cast, _member, _staff, late = overdue_setup
    late.percent_done = 100
    late.save()
    assert send_overdue_notices(now=LATER) == 0
    assert mail.outbox == []


def test_a_mail_failure_releases_the_milestone_for_the_next_run(overdue_setup):
    with override_settings(EMAIL_BACKEND="localbridge.projects.tests.test_tasks.FailingBackend"):
        assert send_overdue_notices(now=AFTER) == 0
    assert Milestone.objects.get(title="Фундамент").overdue_notified_on is None
    assert send_overdue_notices(now=AFTER) == 1


def test_the_cron_command_enqueues_the_task(overdue_setup):
    out = StringIO()
    call_command("projects_check_overdue", "--now", AFTER.isoformat(), stdout=out)
    assert "announced: 1" in out.getvalue()
    assert len(mail.outbox) == 4
    out = StringIO()
    call_command("projects_check_overdue", "--now", LATER.isoformat(), "--sync", stdout=out)
    assert "announced: 0" in out.getvalue()


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")
