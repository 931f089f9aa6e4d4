"""The contests e-mails sent off domain events (notifications.py)."""

import pytest
from django.core import mail

from localbridge.contests import notifications
from localbridge.contests.events import ExpertInvited
from localbridge.contests.tests.factories import ExpertFactory
from localbridge.core.events import emit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _connected():
    notifications.connect()


def test_an_invited_expert_receives_the_invitation(django_capture_on_commit_callbacks):
    expert = ExpertFactory()
    with django_capture_on_commit_callbacks(execute=True):
        emit(ExpertInvited(expert.pk, None))
    assert [m.to for m in mail.outbox] == [[expert.user.email]]
    assert expert.contest.title in mail.outbox[0].subject
    assert expert.contest.organizer.name in mail.outbox[0].body


def test_an_inactive_expert_is_not_written_to(django_capture_on_commit_callbacks):
    expert = ExpertFactory(user__is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        emit(ExpertInvited(expert.pk, None))
    assert mail.outbox == []
