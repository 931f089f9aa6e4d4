"""Reads for accounts: a person's tokens, e-mail addresses, memberships and audit entries."""

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from localbridge.core.models import AuditEntry

from .models import ApiToken, User


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """All the person's tokens, the newest first, revoked ones included (they show when they were revoked)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def token_get_for(*, user: User, token_id: int) -> ApiToken:
    """One of the person's own tokens; someone else's token is "not found", not "forbidden"."""
    return get_object_or_404(ApiToken, pk=token_id, user=user)


def email_addresses_of(*, user: User) -> QuerySet[EmailAddress]:
    return EmailAddress.objects.filter(user=user).order_by("-primary", "email")


def memberships_of(*, user: User) -> QuerySet[Any]:
    """The person's roles in organisations. Read through the reverse relation: accounts stands below
    organizations and must not import it."""
    manager = user.memberships  # type: ignore[attr-defined]
    return manager.select_related("organization").order_by("-is_active", "pk")


def audit_entries_by(*, user: User) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(actor=user).select_related("content_type").order_by("at", "pk")
