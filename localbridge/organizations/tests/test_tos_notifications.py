"""E-mails of the ТОС workflow: the applicant hears of every move, the municipality's reviewers of every
submission; nothing is sent before the move commits, and a mail failure does not undo the move."""

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import translation
from django.utils.translation import gettext

from localbridge.organizations import services
from localbridge.organizations.models import OrganizationStatus as S
from localbridge.organizations.tests.tos_support import (
    bring_to,
    chair_of,
    complete_draft,
    fast_password_hashing,  # noqa: F401  (an autouse fixture)
    staff_of,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

MOVES = [
    (S.DRAFT, "submit"),
    (S.RETURNED, "resubmit"),
    (S.SUBMITTED, "start_review"),
    (S.UNDER_REVIEW, "return"),
    (S.UNDER_REVIEW, "register"),
    (S.UNDER_REVIEW, "refuse"),
]


def _to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address]]


@pytest.mark.parametrize(("status", "action"), MOVES)
def test_the_applicant_hears_of_every_move(django_capture_on_commit_callbacks, status, action):
    tos = bring_to(complete_draft(), status)
    reviewer = staff_of(tos.municipality)
    chair = chair_of(tos)
    mail.outbox.clear()
    actor = chair if action in ("submit", "resubmit") else reviewer
    with django_capture_on_commit_callbacks(execute=True):
        services.tos_move(tos=tos, actor=actor, action=action, comment="Текст замечаний")
    messages = _to(chair.email)
    assert len(messages) == 1
    assert tos.name in messages[0].subject
    assert tos.tos.territory_name in messages[0].body
    assert f"/organizations/{tos.pk}/" in messages[0].body


def test_reviewers_of_the_municipality_hear_of_a_submission(django_capture_on_commit_callbacks):
    tos = complete_draft()
    reviewer = staff_of(tos.municipality)
    second_reviewer = staff_of(tos.municipality)
    stranger = staff_of(MunicipalityFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.tos_submit(tos=tos, actor=chair_of(tos))
    assert len(_to(reviewer.email)) == 1 and len(_to(second_reviewer.email)) == 1
    assert _to(stranger.email) == []
    assert "/organizations/tos/review/" in _to(reviewer.email)[0].body
    assert tos.tos.review_due_on.strftime("%d.%m.%Y") in _to(reviewer.email)[0].body


def test_reviewers_hear_nothing_of_the_decisions(django_capture_on_commit_callbacks):
    tos = bring_to(complete_draft(), S.UNDER_REVIEW)
    reviewer = staff_of(tos.municipality)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.tos_register(tos=tos, actor=reviewer)
    assert _to(reviewer.email) == []


def test_the_return_e_mail_carries_the_remarks(django_capture_on_commit_callbacks):
    tos = bring_to(complete_draft(), S.UNDER_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        services.tos_return(tos=tos, actor=staff_of(tos.municipality), comment="Приложите протокол собрания")
    assert "Приложите протокол собрания" in _to(chair_of(tos).email)[0].body


def test_the_registration_e_mail_carries_the_registry_number(django_capture_on_commit_callbacks):
    tos = bring_to(complete_draft(), S.UNDER_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        services.tos_register(tos=tos, actor=staff_of(tos.municipality))
    assert tos.registry_number in _to(chair_of(tos).email)[0].body


def test_e_mails_are_in_the_interface_language_and_plain_text(django_capture_on_commit_callbacks, settings):
    settings.LANGUAGE_CODE = "en"
    tos = complete_draft()
    with django_capture_on_commit_callbacks(execute=True):
        services.tos_submit(tos=tos, actor=chair_of(tos))
    message = _to(chair_of(tos).email)[0]
    with translation.override("en"):  # the English catalogue spells ТОС in Latin letters
        expected = gettext("ТОС registration submitted: %(name)s") % {"name": tos.name}
    assert message.subject.endswith(expected)
    assert message.content_subtype == "plain"
    assert "&lt;" not in message.body and "&quot;" not in message.body


def test_nothing_is_sent_before_the_move_commits(django_capture_on_commit_callbacks):
    tos = complete_draft()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.tos_submit(tos=tos, actor=chair_of(tos))
    assert mail.outbox == []
    assert callbacks  # delivered on commit


def test_a_failed_move_sends_nothing(django_capture_on_commit_callbacks):
    tos = complete_draft(charter=False)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017
        services.tos_submit(tos=tos, actor=chair_of(tos))
    assert mail.outbox == []


class _BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("no mail server")


def test_a_mail_server_failure_does_not_break_the_committed_move(django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = f"{__name__}._BrokenBackend"
    tos = complete_draft()
    with django_capture_on_commit_callbacks(execute=True):
        services.tos_submit(tos=tos, actor=chair_of(tos))
    tos.refresh_from_db()
    assert tos.status == S.SUBMITTED
