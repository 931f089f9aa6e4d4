"""Every write to accounts: the profile, personal API tokens, and a person's own data (download and deletion).

Sign-up, e-mail confirmation, log in, password reset and e-mail management are django-allauth's own flows."""

import re
from datetime import datetime
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record

from . import selectors
from .models import ApiToken, User

# Ages the platform accepts; DOMAIN.md's age limits (16 for ТОС participation) are checked where they apply.
MAX_AGE_YEARS = 120
# A person rarely needs more; the cap keeps a leaked session from minting tokens without end.
MAX_ACTIVE_TOKENS = 20
EXPORT_FORMAT = "localbridge-account-export/1"

_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{3,38}[0-9]$")
PROFILE_FIELDS = ("full_name", "phone", "birth_year", "about")


def birth_year_range(*, now: datetime | None = None) -> tuple[int, int]:
    """The earliest and latest acceptable year of birth: nobody older than 120 or born in the future."""
    year = timezone.localdate(now or timezone.now()).year
    return year - MAX_AGE_YEARS, year


def _validate_profile(
    *, full_name: str, phone: str, birth_year: int | None, about: str, now: datetime | None
) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}
    if not full_name:
        errors.setdefault("full_name", []).append(ValidationError(_("Enter your name."), code="required"))
    if phone:
        digits = sum(ch.isdigit() for ch in phone)
        if not _PHONE_RE.match(phone) or not 5 <= digits <= 15:
            errors.setdefault("phone", []).append(
                ValidationError(
                    _("Enter a phone number of digits, spaces, brackets and hyphens, e.g. +7 900 123-45-67."),
                    code="invalid_phone",
                )
            )
    if birth_year is not None:
        earliest, latest = birth_year_range(now=now)
        if birth_year > latest:
            errors.setdefault("birth_year", []).append(
                ValidationError(_("The year of birth cannot be in the future."), code="birth_year_future")
            )
        elif birth_year < earliest:
            errors.setdefault("birth_year", []).append(
                ValidationError(
                    _("The year of birth cannot be earlier than %(year)s.") % {"year": earliest},
                    code="birth_year_too_early",
                )
            )
    if len(about) > 2000:
        errors.setdefault("about", []).append(ValidationError(_("Write at most 2000 characters."), code="max_length"))
    return errors


@transaction.atomic
def profile_update(
    *,
    user: User,
    actor: Any,
    full_name: str,
    phone: str = "",
    birth_year: int | None = None,
    about: str = "",
    now: datetime | None = None,
) -> User:
    """Change a person's profile. Only the person themself or a platform admin may."""
    if actor is None or not rules.has_perm("accounts.change_profile", actor, user):
        raise PermissionDenied(_("You may change only your own profile."))
    values: dict[str, Any] = {
        "full_name": " ".join(full_name.split()),
        "phone": " ".join(phone.split()),
        "birth_year": birth_year,
        "about": about.strip(),
    }
    errors = _validate_profile(now=now, **values)
    if errors:
        raise ValidationError(errors)
    changed = [field for field, value in values.items() if getattr(user, field) != value]
    if not changed:
        return user
    for field in changed:
        setattr(user, field, values[field])
    user.save(update_fields=changed)
    # The audit row names the changed fields, never their values: the trail must not copy personal data.
    audit_record(obj=user, action="profile_update", actor=actor, data={"fields": changed}, now=now)
    return user


@transaction.atomic
def token_create(*, user: User, actor: Any, name: str, now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new personal API token for `user`: returns the token and its full secret string, which is shown once
    and never stored (only its hash is)."""
    if actor is None or not rules.has_perm("accounts.manage_tokens", actor, user):
        raise PermissionDenied(_("You may create tokens only for yourself."))
    name = " ".join(name.split())
    if not name:
        raise ValidationError(
            {"name": ValidationError(_("Name the token, e.g. after the program that will use it."), code="required")}
        )
    if len(name) > 100:
        raise ValidationError({"name": ValidationError(_("Use at most 100 characters."), code="max_length")})
    # Counted under a lock on the user's row, so two concurrent requests cannot both pass the cap.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You have %(count)s active tokens. Revoke one you no longer use first.") % {"count": MAX_ACTIVE_TOKENS},
            code="too_many_tokens",
        )
    key_id, secret, full = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_id=key_id,
        key_hash=ApiToken.hash_secret(secret),
        created_at=now or timezone.now(),
    )
    audit_record(obj=token, action="token_create", actor=actor, data={"name": name}, now=now)
    return token, full


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Any, now: datetime | None = None) -> ApiToken:
    """Revoke a token at once: it no longer authenticates. Revoking a revoked token changes nothing."""
    if actor is None or not rules.has_perm("accounts.revoke_token", actor, token.user):
        raise PermissionDenied(_("You may revoke only your own tokens."))
    if token.revoked_at is not None:
        return token
    token.revoked_at = now or timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit_record(obj=token, action="token_revoke", actor=actor, now=now)
    return token


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@transaction.atomic
def account_export_data(*, user: User, actor: Any, now: datetime | None = None) -> dict[str, Any]:
    """Everything the platform holds about `user`, as a JSON-ready dict: the profile, e-mail addresses,
    memberships and roles, the audit entries where they acted, and their API tokens (metadata, never secrets).
    Only the person themself may download it; the download itself is audited."""
    if actor is None or not rules.has_perm("accounts.export_data", actor, user):
        raise PermissionDenied(_("You may download only your own data."))
    now = now or timezone.now()
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": now.isoformat(),
        "profile": {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "birth_year": user.birth_year,
            "about": user.about,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "is_active": user.is_active,
            "is_platform_admin": user.is_superuser,
            "is_staff": user.is_staff,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in selectors.email_addresses_of(user=user)
        ],
        "memberships": [
            {
                "organization_id": membership.organization_id,
                "organization": str(membership.organization),
                "role": membership.role,
                "role_label": str(membership.get_role_display()),
                "title": membership.title,
                "is_active": membership.is_active,
                "created_at": _iso(membership.created_at),
            }
            for membership in selectors.memberships_of(user=user)
        ],
        "audit_entries": [
            {
                "at": _iso(entry.at),
                "action": entry.action,
                "object_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
                "object_id": entry.object_id,
                "from_status": entry.from_status,
                "to_status": entry.to_status,
                "comment": entry.comment,
                "details": entry.data,
            }
            for entry in selectors.audit_entries_by(user=user)
        ],
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "created_at": _iso(token.created_at),
                "last_used_at": _iso(token.last_used_at),
                "revoked_at": _iso(token.revoked_at),
            }
            for token in selectors.tokens_of(user=user)
        ],
    }
    audit_record(obj=user, action="data_export", actor=actor, now=now)
    return data


@transaction.atomic
def account_delete(*, user: User, actor: Any, password: str, now: datetime | None = None) -> None:
    """Delete a person's account after they confirm it with their password.

    Their memberships, e-mail addresses and tokens go with the user row; audit entries they made stay, with the
    actor emptied, so the history of public decisions keeps its shape without naming them."""
    if actor is None or not rules.has_perm("accounts.delete_account", actor, user):
        raise PermissionDenied(_("You may delete only your own account."))
    if not password or not user.check_password(password):
        raise ValidationError({"password": ValidationError(_("The password is not correct."), code="wrong_password")})
    if user.is_superuser and not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists():
        raise ValidationError(
            _("You are the only platform administrator: make someone else an administrator first."),
            code="last_admin",
        )
    # The record of the deletion keeps no personal data: only that account number N was deleted by its owner.
    audit_record(obj=user, action="account_delete", actor=None, now=now)
    try:
        user.delete()
    except (ProtectedError, RestrictedError):
        raise ValidationError(
            _("Your account is referenced by records that must be kept. Ask a platform administrator to help."),
            code="account_protected",
        )
