"""Verified residence: a user claims to live in a territory of a municipality (the municipality, one settlement
of it, or a ТОС territory of it); the municipality's staff or the ТОС's chair confirm or reject the claim, or the
user confirms it at once with a single-use code the municipality handed out on paper.

Codes are generated in batches (at most CODES_PER_CALL a call) and returned once, for printing; only their
SHA-256 hashes and last four characters are stored. A code is spent by one conditional UPDATE (… WHERE used_by IS
NULL), so two people typing the same code at the same instant cannot both use it. Attempts are limited per user
(CODE_ATTEMPTS an hour, in the cache) so codes cannot be guessed."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.events import emit
from localbridge.core.services import FieldErrors as _Errors
from localbridge.core.services import actor_id as _actor_id
from localbridge.core.services import lock_row as _lock
from localbridge.core.services import one_line as _one_line
from localbridge.core.services import require_perm as _require
from localbridge.organizations.models import Organization, OrganizationKind
from localbridge.organizations.rules import user_is_municipal_staff
from localbridge.participation.events import CodesGenerated, ResidencyClaimed, ResidencyDecided
from localbridge.participation.models import Residency, ResidencyCode, ResidencyMethod, ResidencyStatus
from localbridge.territories.models import Municipality, Settlement

__all__ = [
    "CODE_ALPHABET",
    "CODE_ATTEMPTS",
    "CODE_LENGTH",
    "CODES_PER_CALL",
    "CodesGenerated",
    "ResidencyClaimed",
    "ResidencyDecided",
    "code_format",
    "code_hash",
    "code_normalize",
    "codes_generate",
    "residency_claim",
    "residency_confirm_with_code",
    "residency_decide",
]

# No 0/O, 1/I/L: a code copied from paper is not misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
CODES_PER_CALL = 5000
CODE_ATTEMPTS = 10  # per user per hour
CODE_ATTEMPTS_WINDOW = 3600
LIVE_STATUSES = (ResidencyStatus.CLAIMED, ResidencyStatus.CONFIRMED)


# --- events (delivered after commit; the lead may move them to events.py) ---------------------------------------


# --- helpers ---------------------------------------------------------------------------------------------------


def _territory(
    municipality: Municipality, settlement: Any, tos: Any, errors: _Errors
) -> tuple[Settlement | None, Organization | None]:
    """The settlement and the ТОС of a claim, checked to lie in the municipality (objects or primary keys)."""
    if settlement not in (None, ""):
        if not isinstance(settlement, Settlement):
            settlement = Settlement.objects.filter(pk=settlement).first()
        if settlement is None or settlement.municipality_id != municipality.pk:
            errors.add("settlement", _("Choose a settlement of this municipality."), "invalid_choice")
            settlement = None
    else:
        settlement = None
    if tos not in (None, ""):
        if not isinstance(tos, Organization):
            tos = Organization.objects.filter(pk=tos).first()
        if tos is None or tos.kind != OrganizationKind.TOS or tos.municipality_id != municipality.pk:
            errors.add("tos", _("Choose a ТОС of this municipality."), "invalid_choice")
            tos = None
    else:
        tos = None
    return settlement, tos


def _live_residency(user: Any, municipality: Municipality) -> Residency | None:
    return (
        Residency.objects.select_for_update()
        .filter(user=user, municipality=municipality, status__in=LIVE_STATUSES)
        .first()
    )


def _duplicate_error(existing: Residency) -> ValidationError:
    if existing.status == ResidencyStatus.CONFIRMED:
        return ValidationError(_("Your residence in this municipality is already confirmed."), code="already_resident")
    return ValidationError(
        _("You have already claimed residence in this municipality; it awaits confirmation."), code="already_claimed"
    )


# --- claims and decisions --------------------------------------------------------------------------------------


@transaction.atomic
def residency_claim(
    *,
    actor: Any,
    municipality: Municipality,
    settlement: Any = None,
    tos: Any = None,
    address: str = "",
    now: datetime | None = None,
) -> Residency:
    """Claim residence in the municipality (optionally in one settlement or ТОС territory of it), to be confirmed
    by the municipality's staff or the ТОС's chair. One live claim per user and municipality."""
    _require(actor, "participation.claim_residency")
    now = now or timezone.now()
    errors = _Errors()
    settlement, tos = _territory(municipality, settlement, tos, errors)
    address = _one_line(address)
    if len(address) > 300:
        errors.add("address", _("The address is too long (300 characters at most)."), "max_length")
    errors.raise_if_any()
    existing = _live_residency(actor, municipality)
    if existing is not None:
        raise _duplicate_error(existing)
    try:
        with transaction.atomic():
            residency = Residency.objects.create(
                user=actor, municipality=municipality, settlement=settlement, tos=tos, address=address
            )
    except IntegrityError:  # a concurrent claim won
        raise ValidationError(
            _("You have already claimed residence in this municipality; it awaits confirmation."),
            code="already_claimed",
        ) from None
    audit_record(obj=residency, action="claim", actor=actor, to_status=residency.status, now=now)
    emit(ResidencyClaimed(residency_id=residency.pk, actor_id=_actor_id(actor)))
    return residency


@transaction.atomic
def residency_decide(
    *, residency: Residency, actor: Any, confirm: bool, comment: str = "", now: datetime | None = None
) -> Residency:
    """Confirm or reject a claim (the municipality's staff, or the chair of the claim's ТОС). A rejection is
    explained to the resident."""
    _lock(residency)
    _require(actor, "participation.decide_residency", residency)
    now = now or timezone.now()
    comment = str(comment or "").strip()
    if residency.status != ResidencyStatus.CLAIMED:
        raise ValidationError(
            _("This claim is already decided (%(status)s).") % {"status": residency.get_status_display()},
            code="already_decided",
        )
    if not confirm and not comment:
        raise ValidationError(
            {"comment": [ValidationError(_("Please explain the decision."), code="comment_required")]}
        )
    if len(comment) > 600:
        raise ValidationError(
            {"comment": [ValidationError(_("The comment is too long (600 characters at most)."), code="max_length")]}
        )
    from_status = residency.status
    staff = bool(actor.is_staff or actor.is_superuser) or user_is_municipal_staff(actor, residency.municipality_id)
    residency.status = ResidencyStatus.CONFIRMED if confirm else ResidencyStatus.REJECTED
    residency.method = (ResidencyMethod.STAFF if staff else ResidencyMethod.CHAIR) if confirm else ""
    residency.decided_by = actor
    residency.decided_at = now
    residency.comment = comment
    residency.save(update_fields=["status", "method", "decided_by", "decided_at", "comment", "updated_at"])
    audit_record(
        obj=residency,
        action="confirm" if confirm else "reject",
        actor=actor,
        from_status=from_status,
        to_status=residency.status,
        comment=comment,
        data={"method": residency.method},
        now=now,
    )
    emit(
        ResidencyDecided(
            residency_id=residency.pk, actor_id=_actor_id(actor), status=residency.status, method=residency.method
        )
    )
    return residency


# --- single-use codes ------------------------------------------------------------------------------------------


def code_normalize(code: str) -> str:
    """A code as typed (any case, spaces and dashes) in its canonical form."""
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())


def code_hash(code: str) -> str:
    """What is stored of a code: an HMAC keyed with the site's secret, so a copy of the database alone does not let
    anyone try every possible code offline."""
    message = f"residency-code:{code_normalize(code)}".encode("ascii", "ignore")
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def code_format(code: str) -> str:
    """A code for print: two groups of five ("ABCDE-FGHJK")."""
    code = code_normalize(code)
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


@transaction.atomic
def codes_generate(
    *, municipality: Municipality, actor: Any, count: int, batch: str, now: datetime | None = None
) -> list[str]:
    """Generate `count` single-use codes in a named batch of the municipality and return them in plain text — the
    only time they exist in plain text: print them (or download the CSV) now."""
    _require(actor, "participation.issue_codes", municipality)
    now = now or timezone.now()
    errors = _Errors()
    batch = _one_line(batch)
    if not batch:
        errors.add("batch", _("Name the batch (for example, the street or the date of handing out)."), "required")
    elif len(batch) > 64:
        errors.add("batch", _("The batch name is too long (64 characters at most)."), "max_length")
    elif ResidencyCode.objects.filter(municipality=municipality, batch=batch).exists():
        errors.add("batch", _("A batch with this name exists already; choose another name."), "batch_exists")
    try:
        count = int(count)
    except (TypeError, ValueError):
        errors.add("count", _("Give a whole number."), "invalid")
    else:
        if count < 1 or count > CODES_PER_CALL:
            errors.add(
                "count",
                _("Generate from 1 to %(max)s codes at a time.") % {"max": CODES_PER_CALL},
                "out_of_range",
            )
    errors.raise_if_any()
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < count:
        code = _new_code()
        if code not in seen:
            seen.add(code)
            codes.append(code)
    ResidencyCode.objects.bulk_create(
        [
            ResidencyCode(
                municipality=municipality,
                batch=batch,
                code_hash=code_hash(code),
                hint=code[-4:],
                created_by=actor,
            )
            for code in codes
        ],
        batch_size=1000,
    )
    audit_record(obj=municipality, action="codes_generate", actor=actor, data={"batch": batch, "count": count}, now=now)
    emit(CodesGenerated(municipality_id=municipality.pk, actor_id=_actor_id(actor), batch=batch, count=count))
    return codes


def _count_attempt(actor: Any) -> int:
    """Count one code attempt of the user in the current hour; the number so far."""
    key = f"participation:code-attempts:{actor.pk}"
    cache.add(key, 0, CODE_ATTEMPTS_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, CODE_ATTEMPTS_WINDOW)
        return 1


def _code_error(message: str, code: str) -> ValidationError:
    return ValidationError({"code": [ValidationError(message, code=code)]})


@transaction.atomic
def residency_confirm_with_code(
    *,
    actor: Any,
    municipality: Municipality,
    code: str,
    settlement: Any = None,
    tos: Any = None,
    address: str = "",
    now: datetime | None = None,
) -> Residency:
    """Confirm the user's residence in the municipality with a single-use code from it: the user's open claim is
    confirmed, or a confirmed residency is created. The code is spent once, whoever else tries it at the same
    time; a wrong or spent code, and the eleventh attempt in an hour, are refused."""
    _require(actor, "participation.claim_residency")
    now = now or timezone.now()
    if _count_attempt(actor) > CODE_ATTEMPTS:
        raise _code_error(
            _("Too many attempts. Try again in an hour, or ask the municipality to confirm your residence."),
            "too_many_attempts",
        )
    errors = _Errors()
    settlement, tos = _territory(municipality, settlement, tos, errors)
    address = _one_line(address)[:300]
    normalized = code_normalize(code)
    if not normalized:
        errors.add("code", _("Type the code from the paper you were given."), "required")
    elif len(normalized) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in normalized):
        errors.add("code", _("This code is wrong. Check it against the paper and try again."), "wrong_code")
    errors.raise_if_any()
    existing = _live_residency(actor, municipality)
    if existing is not None and existing.status == ResidencyStatus.CONFIRMED:
        raise _duplicate_error(existing)
    digest = code_hash(normalized)
    spent = ResidencyCode.objects.filter(municipality=municipality, code_hash=digest, used_by__isnull=True).update(
        used_by=actor, used_at=now
    )
    if not spent:
        if ResidencyCode.objects.filter(municipality=municipality, code_hash=digest).exists():
            raise _code_error(_("This code has already been used. Each code works once."), "code_used")
        raise _code_error(_("This code is wrong. Check it against the paper and try again."), "wrong_code")
    comment = _("Code …%(hint)s") % {"hint": normalized[-4:]}
    if existing is not None:
        from_status = existing.status
        residency = existing
        if settlement is not None:
            residency.settlement = settlement
        if tos is not None:
            residency.tos = tos
        if address:
            residency.address = address
    else:
        from_status = ""
        residency = Residency(user=actor, municipality=municipality, settlement=settlement, tos=tos, address=address)
    residency.status = ResidencyStatus.CONFIRMED
    residency.method = ResidencyMethod.CODE
    residency.decided_at = now
    residency.decided_by = None
    residency.comment = comment
    try:
        with transaction.atomic():
            residency.save()
    except IntegrityError:  # a concurrent claim of the same user won; the code is not spent (rolled back)
        raise ValidationError(
            _("You have already claimed residence in this municipality; it awaits confirmation."),
            code="already_claimed",
        ) from None
    audit_record(
        obj=residency,
        action="confirm_with_code",
        actor=actor,
        from_status=from_status,
        to_status=residency.status,
        comment=comment,
        data={"method": ResidencyMethod.CODE, "hint": normalized[-4:]},
        now=now,
    )
    emit(
        ResidencyDecided(
            residency_id=residency.pk, actor_id=_actor_id(actor), status=residency.status, method=residency.method
        )
    )
    return residency
