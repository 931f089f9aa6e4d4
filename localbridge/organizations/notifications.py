"""E-mail notifications of the ТОС registration workflow, hung off domain events (events.py).

The applicant (every active chair member of the ТОС) hears of every move; the municipality's reviewers (active
staff of its administration) hear of every submission. Plain-text, translated messages sent with
django.core.mail (the console backend in development, SMTP in production, the locmem outbox in tests).
"""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from localbridge.core.events import subscribe

from .events import TosMoved
from .models import Membership, MembershipRole, Organization, OrganizationKind

logger = logging.getLogger(__name__)


def connect() -> None:
    """Subscribe the organisation e-mail notifications to domain events."""
    subscribe(TosMoved, notify_tos_moved)


def _site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def _emails(memberships: Any) -> list[str]:
    emails: list[str] = []
    for membership in memberships.select_related("user"):
        email = membership.user.email
        if membership.user.is_active and email and email not in emails:
            emails.append(email)
    return emails


def applicant_emails(organization: Organization) -> list[str]:
    return _emails(Membership.objects.filter(organization=organization, role=MembershipRole.CHAIR, is_active=True))


def reviewer_emails(organization: Organization) -> list[str]:
    if organization.municipality_id is None:
        return []
    return _emails(
        Membership.objects.filter(
            role=MembershipRole.STAFF,
            is_active=True,
            organization__kind=OrganizationKind.ADMINISTRATION,
            organization__municipality_id=organization.municipality_id,
        )
    )


def _render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    subject = " ".join(render_to_string(f"organizations/email/{template}_subject.txt", context).split())
    body = render_to_string(f"organizations/email/{template}_body.txt", context)
    return subject, body


def notify_tos_moved(event: TosMoved) -> None:
    organization = Organization.objects.select_related("municipality", "tos").filter(pk=event.organization_id).first()
    if organization is None:
        return
    messages: list[EmailMessage] = []
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "organization": organization,
            "profile": organization.tos,
            "event": event,
            "status": organization.get_status_display(),
            "url": _site_url() + reverse("organizations:detail", args=[organization.pk]),
            "queue_url": _site_url() + reverse("organizations:tos_review_queue"),
        }
        subject, body = _render(f"tos_{event.action}", context)
        messages += [EmailMessage(subject, body, to=[email]) for email in applicant_emails(organization)]
        if event.action in ("submit", "resubmit"):
            subject, body = _render("tos_review_requested", context)
            messages += [EmailMessage(subject, body, to=[email]) for email in reviewer_emails(organization)]
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except Exception:  # a mail server failure must not undo or break the move, which is already committed
        logger.exception("Could not send the notifications of ТОС %s (%s)", organization.pk, event.action)
