"""Public hearings, meetings and conferences of citizens: the staff announce one (subject, documents, date, place
or online link), residents register and send written proposals until `proposals_until`, the staff mark who came
and, after the date, publish the minutes, the decision and the attendance (or cancel it with a reason).

DOMAIN.md's typical rules are advice, not refusals: notice of a public hearing at least 20 days ahead
(`hearing_notice_warnings`), written proposals until 5 days before (the default `proposals_until`), participants
18+ (the default minimum age of a public hearing)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.events import emit
from localbridge.core.files import validate_upload
from localbridge.core.services import FieldErrors as _Errors
from localbridge.core.services import actor_id as _actor_id
from localbridge.core.services import clean_text as _text
from localbridge.core.services import lock_row as _lock
from localbridge.core.services import one_line as _one_line
from localbridge.core.services import require_perm as _require
from localbridge.participation.eligibility import eligibility_errors
from localbridge.participation.events import HearingAnnounced, HearingCancelled, HearingHeld
from localbridge.participation.models import (
    HEARING_WORKFLOW,
    Hearing,
    HearingDocument,
    HearingKind,
    HearingProposal,
    HearingRegistration,
    HearingStatus,
)
from localbridge.territories.models import Municipality

__all__ = [
    "DOCUMENT_EXTENSIONS",
    "HEARING_FIELDS",
    "HEARING_WORKFLOW",
    "HearingAnnounced",
    "HearingCancelled",
    "HearingHeld",
    "attendance_mark",
    "document_add",
    "document_remove",
    "hearing_accepting_proposals",
    "hearing_create",
    "hearing_move",
    "hearing_notice_warnings",
    "hearing_proposals_deadline",
    "hearing_update",
    "proposal_answer",
    "proposal_submit",
    "registration_open",
    "registration_toggle",
]

HEARING_FIELDS = (
    "kind",
    "subject",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "proposals_until",
    "municipality",
    "settlement",
    "tos",
    "min_age",
)
DOCUMENT_EXTENSIONS = ("pdf", "docx", "odt", "xlsx")
MAX_PROPOSAL = 10_000
MAX_DOCUMENTS = 30


def _notice_days() -> int:
    return int(getattr(settings, "HEARING_NOTICE_DAYS", 20))


def _proposal_days() -> int:
    return int(getattr(settings, "HEARING_PROPOSAL_DAYS", 5))


def _hearing_min_age() -> int:
    return int(getattr(settings, "HEARING_MIN_AGE", 18))


# --- events ---------------------------------------------------------------------------------------------------


# --- helpers --------------------------------------------------------------------------------------------------


def hearing_proposals_deadline(hearing: Hearing) -> datetime:
    """Until when written proposals are accepted: `proposals_until`, else the start."""
    return hearing.proposals_until or hearing.starts_at


def hearing_accepting_proposals(hearing: Hearing, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return hearing.status == HearingStatus.ANNOUNCED and now < hearing_proposals_deadline(hearing)


def registration_open(hearing: Hearing, now: datetime | None = None) -> bool:
    """Announced and not started yet."""
    now = now or timezone.now()
    return hearing.status == HearingStatus.ANNOUNCED and now < hearing.starts_at


def hearing_notice_warnings(hearing: Hearing, now: datetime | None = None) -> list[str]:
    """Advice, not refusals: DOMAIN.md's typical notice (public hearings) and proposals period."""
    now = now or timezone.now()
    warnings: list[str] = []
    if hearing.status not in (HearingStatus.DRAFT, HearingStatus.ANNOUNCED) or hearing.starts_at is None:
        return warnings
    days = _notice_days()
    if hearing.kind == HearingKind.HEARING and hearing.starts_at - now < timedelta(days=days):
        warnings.append(
            _("Public hearings are usually announced at least %(days)s days ahead; this one starts sooner.")
            % {"days": days}
        )
    if hearing.proposals_until is not None and hearing.proposals_until <= now:
        warnings.append(_("The period for written proposals has already ended."))
    return warnings


# --- create and edit ------------------------------------------------------------------------------------------


def _set_fields(hearing: Hearing, values: Mapping[str, Any]) -> None:
    unknown = set(values) - set(HEARING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown hearing fields: {sorted(unknown)}")
    for field, value in values.items():
        if field in ("subject", "place"):
            value = _one_line(value)
        elif field == "description":
            value = _text(value)
        elif field == "online_url":
            value = str(value or "").strip()
        setattr(hearing, field, value)


def _clean_hearing(hearing: Hearing, errors: _Errors) -> None:
    try:
        hearing.full_clean(
            exclude=["created_by", "status", "minutes", "decision", "attendance"], validate_constraints=False
        )
    except ValidationError as exc:
        errors.merge(exc)
    if not hearing.subject and "subject" not in errors.errors:
        errors.add("subject", _("Give the subject."), "required")
    if not hearing.place and not hearing.online_url and "online_url" not in errors.errors:
        errors.add("place", _("Give the place or an online link."), "required")
    starts = hearing.starts_at
    if starts is not None:
        if hearing.ends_at is not None and hearing.ends_at <= starts:
            errors.add("ends_at", _("The end must be after the start."), "dates_order")
        if hearing.proposals_until is not None and hearing.proposals_until > starts:
            errors.add("proposals_until", _("Written proposals must be due before the start."), "dates_order")
    if hearing.settlement is not None and hearing.settlement.municipality_id != hearing.municipality_id:
        errors.add("settlement", _("This settlement is not in the chosen municipality."), "territory_mismatch")
    if hearing.tos is not None and hearing.tos.municipality_id != hearing.municipality_id:
        errors.add("tos", _("This ТОС is not in the chosen municipality."), "territory_mismatch")


@transaction.atomic
def hearing_create(*, actor: Any, municipality: Municipality, now: datetime | None = None, **fields: Any) -> Hearing:
    """A draft hearing, meeting or conference of `municipality`. Unless given: written proposals until 5 days
    before the start, and for a public hearing participants aged 18+."""
    now = now or timezone.now()
    _require(actor, "participation.manage_process", municipality)
    fields = {k: v for k, v in fields.items() if k != "municipality"}
    hearing = Hearing(municipality=municipality, created_by=actor if _actor_id(actor) else None)
    _set_fields(hearing, fields)
    if "min_age" not in fields and hearing.kind == HearingKind.HEARING:
        hearing.min_age = _hearing_min_age()
    if "proposals_until" not in fields and isinstance(hearing.starts_at, datetime):
        hearing.proposals_until = hearing.starts_at - timedelta(days=_proposal_days())
    errors = _Errors()
    _clean_hearing(hearing, errors)
    errors.raise_if_any()
    hearing.save()
    audit_record(obj=hearing, action="create", actor=actor, data={"subject": hearing.subject}, now=now)
    return hearing


@transaction.atomic
def hearing_update(*, hearing: Hearing, actor: Any, now: datetime | None = None, **changes: Any) -> Hearing:
    """Change a draft or announced hearing (a new date, place or link is the announcement's correction)."""
    now = now or timezone.now()
    _lock(hearing)
    _require(actor, "participation.manage_process", hearing)
    if "municipality" in changes and changes["municipality"] != hearing.municipality:
        _require(actor, "participation.manage_process", changes["municipality"])
    if hearing.status not in (HearingStatus.DRAFT, HearingStatus.ANNOUNCED):
        raise ValidationError(_("The hearing can no longer be changed."), code="not_editable")
    before = {name: getattr(hearing, name) for name in changes if name in HEARING_FIELDS}
    _set_fields(hearing, changes)
    errors = _Errors()
    _clean_hearing(hearing, errors)
    errors.raise_if_any()
    changed = [name for name in before if before[name] != getattr(hearing, name)]
    hearing.save(update_fields=[*changed, "updated_at"])
    audit_record(obj=hearing, action="update", actor=actor, data={"fields": sorted(changed)}, now=now)
    return hearing


@transaction.atomic
def hearing_move(
    *,
    hearing: Hearing,
    actor: Any,
    action: str,
    comment: str = "",
    minutes: str = "",
    decision: str = "",
    attendance: int | None = None,
    now: datetime | None = None,
) -> Hearing:
    """announce (draft → announced); held (after the start: the minutes, the decision and the attendance are
    required); cancel (with the reason in `comment`)."""
    now = now or timezone.now()
    _lock(hearing)
    _require(actor, "participation.manage_process", hearing)
    HEARING_WORKFLOW.get(action)
    update_fields: list[str] = []
    if action == "announce" and hearing.status == HearingStatus.DRAFT and hearing.starts_at <= now:
        raise ValidationError({"starts_at": [ValidationError(_("The date has already passed."), code="date_passed")]})
    if action == "held" and hearing.status == HearingStatus.ANNOUNCED:
        errors = _Errors()
        if now < hearing.starts_at:
            errors.add("__all__", _("The minutes are published after the hearing has started."), "not_yet")
        minutes, decision = _text(minutes), _text(decision)
        if not minutes:
            errors.add("minutes", _("Publish the minutes."), "required")
        if not decision:
            errors.add("decision", _("Give the decision."), "required")
        if attendance is None or isinstance(attendance, bool) or not isinstance(attendance, int) or attendance < 0:
            errors.add("attendance", _("Give the number of participants who attended."), "required")
        errors.raise_if_any()
        hearing.minutes, hearing.decision, hearing.attendance = minutes, decision, attendance
        update_fields = ["minutes", "decision", "attendance"]
    data = {"attendance": attendance} if action == "held" else None
    HEARING_WORKFLOW.apply(
        hearing, action, actor=actor, comment=comment, now=now, update_fields=update_fields, data=data
    )
    event = {"announce": HearingAnnounced, "held": HearingHeld, "cancel": HearingCancelled}[action]
    emit(event(hearing.pk))
    return hearing


# --- documents ------------------------------------------------------------------------------------------------


@transaction.atomic
def document_add(
    *, hearing: Hearing, actor: Any, title: str, upload: UploadedFile, now: datetime | None = None
) -> HearingDocument:
    """Attach a document (PDF, DOCX, ODT, XLSX, checked by content) to a hearing that is not over."""
    now = now or timezone.now()
    _lock(hearing)
    _require(actor, "participation.manage_process", hearing)
    if hearing.status == HearingStatus.CANCELLED:
        raise ValidationError(_("The hearing is cancelled."), code="not_editable")
    errors = _Errors()
    title = _one_line(title) or _one_line(getattr(upload, "name", ""))
    if not title:
        errors.add("title", _("Give the document a title."), "required")
    elif len(title) > 300:
        errors.add("title", _("The title is too long (at most 300 characters)."), "too_long")
    try:
        content_type = validate_upload(upload, DOCUMENT_EXTENSIONS)
    except ValidationError as exc:
        errors.errors.setdefault("file", []).extend(exc.error_list)
        content_type = ""
    if hearing.documents.count() >= MAX_DOCUMENTS:
        errors.add("file", _("At most %(n)s documents.") % {"n": MAX_DOCUMENTS}, "too_many")
    errors.raise_if_any()
    document = HearingDocument(hearing=hearing, title=title, content_type=content_type, size=upload.size or 0)
    document.file.save(upload.name or "document", upload, save=False)
    document.save()
    audit_record(obj=hearing, action="attach", actor=actor, data={"document": document.pk, "title": title}, now=now)
    return document


@transaction.atomic
def document_remove(*, document: HearingDocument, actor: Any, now: datetime | None = None) -> None:
    now = now or timezone.now()
    hearing = document.hearing
    _require(actor, "participation.manage_process", hearing)
    if hearing.status not in (HearingStatus.DRAFT, HearingStatus.ANNOUNCED):
        raise ValidationError(_("The documents of a past hearing stay published."), code="not_editable")
    name, title, pk = document.file.name, document.title, document.pk
    document.delete()
    storage = document.file.storage
    transaction.on_commit(lambda: storage.delete(name) if name else None)
    audit_record(obj=hearing, action="detach", actor=actor, data={"document": pk, "title": title}, now=now)


# --- participants ---------------------------------------------------------------------------------------------


@transaction.atomic
def registration_toggle(*, hearing: Hearing, actor: Any, register: bool = True, now: datetime | None = None) -> bool:
    """Register `actor` (an eligible resident) for an announced hearing before it starts, or withdraw the
    registration (`register=False`). Idempotent: the same call twice leaves the same state. Returns whether the
    actor is registered afterwards."""
    now = now or timezone.now()
    _require(actor, "participation.register_hearing", hearing)
    existing = HearingRegistration.objects.filter(hearing=hearing, user=actor)
    if not register:
        if existing.exists():
            if not registration_open(hearing, now):
                raise ValidationError(_("Registration is closed."), code="closed")
            existing.delete()
            audit_record(obj=hearing, action="unregister", actor=actor, now=now)
        return False
    if existing.exists():
        return True
    if not registration_open(hearing, now):
        raise ValidationError(_("Registration is closed."), code="closed")
    problems = eligibility_errors(actor, hearing, now)
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            HearingRegistration.objects.create(hearing=hearing, user=actor)
    except IntegrityError:
        return True  # registered by a concurrent request (a double click)
    audit_record(obj=hearing, action="register", actor=actor, now=now)
    return True


@transaction.atomic
def proposal_submit(*, hearing: Hearing, actor: Any, text: str, now: datetime | None = None) -> HearingProposal:
    """A written proposal of an eligible resident, until the hearing's proposals deadline."""
    now = now or timezone.now()
    _require(actor, "participation.register_hearing", hearing)
    if hearing.status != HearingStatus.ANNOUNCED:
        raise ValidationError(_("This hearing does not accept proposals."), code="closed")
    if now >= hearing_proposals_deadline(hearing):
        raise ValidationError(_("The period for written proposals has ended."), code="deadline_passed")
    problems = eligibility_errors(actor, hearing, now)
    if problems:
        raise ValidationError(problems)
    text = _text(text)
    if not text:
        raise ValidationError({"text": [ValidationError(_("Write the proposal."), code="required")]})
    if len(text) > MAX_PROPOSAL:
        raise ValidationError(
            {
                "text": [
                    ValidationError(
                        _("The proposal is too long (at most %(n)s characters).") % {"n": MAX_PROPOSAL},
                        code="too_long",
                    )
                ]
            }
        )
    proposal = HearingProposal.objects.create(hearing=hearing, author=actor, text=text)
    audit_record(obj=hearing, action="propose", actor=actor, data={"proposal": proposal.pk}, now=now)
    return proposal


@transaction.atomic
def proposal_answer(
    *, proposal: HearingProposal, actor: Any, answer: str, now: datetime | None = None
) -> HearingProposal:
    """The staff's answer to a written proposal, as recorded in the minutes."""
    now = now or timezone.now()
    _require(actor, "participation.manage_process", proposal.hearing)
    if proposal.hearing.status == HearingStatus.CANCELLED:
        raise ValidationError(_("The hearing is cancelled."), code="not_editable")
    proposal.answer = _text(answer)
    proposal.save(update_fields=["answer"])
    audit_record(obj=proposal.hearing, action="answer_proposal", actor=actor, data={"proposal": proposal.pk}, now=now)
    return proposal


@transaction.atomic
def attendance_mark(
    *, hearing: Hearing, actor: Any, attended_user_ids: Iterable[int], now: datetime | None = None
) -> int:
    """Mark which registered participants came (the others are unmarked); returns how many attended. Possible
    from the start of an announced hearing and after it is held."""
    now = now or timezone.now()
    _lock(hearing)
    _require(actor, "participation.manage_process", hearing)
    if hearing.status not in (HearingStatus.ANNOUNCED, HearingStatus.HELD) or now < hearing.starts_at:
        raise ValidationError(_("Attendance is marked once the hearing has started."), code="not_yet")
    ids = {int(pk) for pk in attended_user_ids}
    registrations = HearingRegistration.objects.filter(hearing=hearing)
    registrations.filter(user_id__in=ids).update(attended=True)
    registrations.exclude(user_id__in=ids).update(attended=False)
    count = registrations.filter(attended=True).count()
    audit_record(obj=hearing, action="attendance", actor=actor, data={"attended": count}, now=now)
    return count
