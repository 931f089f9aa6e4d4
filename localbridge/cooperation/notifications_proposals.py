"""E-mail about partnership proposals, hung off the domain event ProposalMoved (events_proposals.py).

The other side hears of each move: the receiving municipality's staff of a proposal sent or withdrawn, the sending
municipality's staff of its acceptance or refusal. Staff means active users with an active "staff" membership in
the municipality's administration (organizations.rules.user_is_municipal_staff); the one who acted is left out.
Plain-text, translated messages (templates cooperation/email/proposal_<action>_*.txt) in the site's language, sent
with django.core.mail (the console backend in development, SMTP in production, the locmem outbox in tests), as the
organisations' notifications do. A mail-server failure is logged and does not undo the move, already committed."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from localbridge.core.events import subscribe
from localbridge.organizations.models import Membership, MembershipRole, OrganizationKind

from .events_proposals import ProposalMoved
from .models import PartnershipProposal

logger = logging.getLogger(__name__)

# Which side hears of each move.
TO_RECEIVER = ("send", "withdraw")
TO_SENDER = ("accept", "decline")


def connect() -> None:
    subscribe(ProposalMoved, notify_proposal_moved)


def _site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def municipal_staff_emails(municipality_id: int, *, exclude_user_id: int | None = None) -> list[str]:
    """The e-mail addresses of the active staff of the municipality's administration, once each."""
    memberships = (
        Membership.objects.filter(
            is_active=True,
            user__is_active=True,
            role=MembershipRole.STAFF,
            organization__kind=OrganizationKind.ADMINISTRATION,
            organization__municipality_id=municipality_id,
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    emails: list[str] = []
    for membership in memberships:
        if membership.user_id == exclude_user_id:
            continue
        email = membership.user.email
        if email not in emails:
            emails.append(email)
    return emails


def _render(action: str, context: dict[str, Any]) -> tuple[str, str]:
    subject = " ".join(render_to_string(f"cooperation/email/proposal_{action}_subject.txt", context).split())
    body = render_to_string(f"cooperation/email/proposal_{action}_body.txt", context)
    return subject, body


def notify_proposal_moved(event: ProposalMoved) -> None:
    proposal = (
        PartnershipProposal.objects.select_related(
            "from_municipality__country", "to_municipality__country", "agreement"
        )
        .filter(pk=event.proposal_id)
        .first()
    )
    if proposal is None or event.action not in (*TO_RECEIVER, *TO_SENDER):
        return
    side = proposal.to_municipality_id if event.action in TO_RECEIVER else proposal.from_municipality_id
    recipients = municipal_staff_emails(side, exclude_user_id=event.actor_id)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "proposal": proposal,
            "sender": proposal.from_municipality.name,
            "receiver": proposal.to_municipality.name,
            "kind": proposal.get_kind_display(),
            "areas": ", ".join(area.name for area in proposal.areas.all()),
            "url": _site_url() + reverse("cooperation:proposal", args=[proposal.pk]),
            "agreement_url": _site_url() + reverse("cooperation:agreement", args=[proposal.agreement_id])
            if proposal.agreement_id
            else "",
        }
        subject, body = _render(event.action, context)
    messages = [EmailMessage(subject, body, to=[email]) for email in recipients]
    try:
        get_connection().send_messages(messages)
    except Exception:  # the move is committed; a mail-server failure must not break it
        logger.exception("Could not send the notifications of partnership proposal %s (%s)", proposal.pk, event.action)
