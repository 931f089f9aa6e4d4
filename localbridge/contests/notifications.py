"""E-mail notifications of contests, hung off domain events (events.py):

- ApplicationSubmitted: a confirmation with the application's number to the member who submitted it and to the
  applicant organisation's active chair(s);
- ApplicationReviewed: the technical review's decision to the same people;
- ExpertInvited: the invitation to the expert.

Plain-text, translated messages sent with django.core.mail (the locmem outbox in tests). A mail failure is
logged, never raised: the action is already committed.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from localbridge.core.events import subscribe
from localbridge.organizations.models import Membership, MembershipRole

from .events import ApplicationReviewed, ApplicationSubmitted, ExpertInvited
from .models import Application, Expert

logger = logging.getLogger(__name__)


def connect() -> None:
    """Subscribe the contests e-mail notifications to domain events."""
    subscribe(ApplicationSubmitted, notify_application_submitted)
    subscribe(ApplicationReviewed, notify_application_reviewed)
    subscribe(ExpertInvited, notify_expert_invited)


def _site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def _url(name: str, *args: Any) -> str:
    try:
        return _site_url() + reverse(name, args=args)
    except NoReverseMatch:  # the contests pages are not mounted (yet): the message goes without a link
        return ""


def _render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    subject = " ".join(render_to_string(f"contests/email/{template}_subject.txt", context).split())
    body = render_to_string(f"contests/email/{template}_body.txt", context)
    return subject, body


def applicant_emails(application: Application) -> list[str]:
    """The submitter and the applicant organisation's active chairs (active users with an e-mail, once each)."""
    users = []
    if application.submitted_by is not None:
        users.append(application.submitted_by)
    chairs = Membership.objects.filter(
        organization_id=application.organization_id, role=MembershipRole.CHAIR, is_active=True
    ).select_related("user")
    users += [membership.user for membership in chairs]
    emails: list[str] = []
    for user in users:
        if user.is_active and user.email and user.email not in emails:
            emails.append(user.email)
    return emails


def _send(messages: list[EmailMessage], what: str) -> None:
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except Exception:  # a mail server failure must not break the action, which is already committed
        logger.exception("Could not send the contests notification: %s", what)


def _application(application_id: int) -> Application | None:
    return (
        Application.objects.select_related(
            "contest", "contest__organizer", "organization", "nomination", "submitted_by"
        )
        .filter(pk=application_id)
        .first()
    )


def _application_context(application: Application) -> dict[str, Any]:
    return {
        "application": application,
        "contest": application.contest,
        "organization": application.organization,
        "status": application.get_status_display(),
        "url": _url("contests:application", application.contest_id, application.pk),
        "contest_url": _url("contests:detail", application.contest_id),
    }


def notify_application_submitted(event: ApplicationSubmitted) -> None:
    application = _application(event.application_id)
    if application is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _render("application_submitted", _application_context(application))
        messages = [EmailMessage(subject, body, to=[email]) for email in applicant_emails(application)]
    _send(messages, f"application {application.pk} submitted")


def notify_application_reviewed(event: ApplicationReviewed) -> None:
    application = _application(event.application_id)
    if application is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            **_application_context(application),
            "action": event.action,
            "reason": application.get_review_reason_display() if application.review_reason else "",
        }
        subject, body = _render("application_reviewed", context)
        messages = [EmailMessage(subject, body, to=[email]) for email in applicant_emails(application)]
    _send(messages, f"application {application.pk} reviewed ({event.action})")


def notify_expert_invited(event: ExpertInvited) -> None:
    expert = (
        Expert.objects.select_related("user", "contest", "contest__organizer", "invited_by")
        .filter(pk=event.expert_id)
        .first()
    )
    if expert is None or not expert.user.is_active or not expert.user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "expert": expert,
            "contest": expert.contest,
            "organizer": expert.contest.organizer,
            "contest_url": _url("contests:detail", expert.contest_id),
        }
        subject, body = _render("expert_invited", context)
        messages = [EmailMessage(subject, body, to=[expert.user.email])]
    _send(messages, f"expert {expert.pk} invited")
