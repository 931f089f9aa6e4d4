"""The moderation workflow of a practice (models.PRACTICE_WORKFLOW) and the "recommended" mark."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localbridge.core.audit import audit_record
from localbridge.core.events import emit
from localbridge.practices.events import (
    PracticeChanged,
    PracticePublished,
)
from localbridge.practices.models import (
    PRACTICE_WORKFLOW,
    Practice,
    PracticeStatus,
)
from localbridge.practices.rules import TRANSITION_PERMISSIONS

from .common import (
    _actor_id,
    _error,
    _facet_year,
    _lock,
    _require,
    _text,
)
from .practices import practice_completeness_errors

# --- practices: the moderation workflow ----------------------------------------------------------------------

_COMMENT_MESSAGES = {
    "return": gettext_lazy("Write the remarks the author must address."),
    "reject": gettext_lazy("Give the reason for the rejection."),
    "unpublish": gettext_lazy("Give the reason for unpublishing."),
}


def _move(*, practice: Practice, actor: Any, action: str, comment: str = "", now: datetime | None) -> Practice:
    now = now or timezone.now()
    _lock(practice)
    _require(actor, "practices.view_practice", practice)
    _require(actor, TRANSITION_PERMISSIONS[action], practice)
    if not PRACTICE_WORKFLOW.can(practice, action):
        raise ValidationError(
            _("This action is not possible in the current state (%(state)s).")
            % {"state": practice.get_status_display()},
            code="invalid_transition",
        )
    comment = _text(comment)
    if PRACTICE_WORKFLOW.get(action).comment_required and not comment:
        raise _error("comment", str(_COMMENT_MESSAGES[action]), "comment_required")
    if action in ("submit", "resubmit"):
        errors = practice_completeness_errors(practice)
        if errors:
            raise ValidationError(errors)
    from_status = practice.status
    update_fields: list[str] = []
    if action in ("submit", "resubmit"):
        practice.submitted_at = now
        update_fields.append("submitted_at")
    if action in ("return", "reject", "unpublish"):
        practice.moderation_comment = comment
        update_fields.append("moderation_comment")
    if action == "publish":
        practice.published_at = practice.published_at or now
        practice.moderation_comment = ""
        update_fields += ["published_at", "moderation_comment"]
    if action == "unpublish" and practice.is_recommended:
        _clear_recommendation(practice)
        update_fields += ["is_recommended", "recommendation_note", "recommended_by", "recommended_at"]
    if action in ("publish", "restore"):
        year = _facet_year(practice, now)
        if year != practice.year:
            practice.year = year
            update_fields.append("year")
    PRACTICE_WORKFLOW.apply(practice, action, actor=actor, comment=comment, now=now, update_fields=update_fields)
    if practice.status == PracticeStatus.PUBLISHED:
        emit(PracticePublished(practice.pk, _actor_id(actor), action=action, from_status=from_status))
    else:
        emit(PracticeChanged(practice.pk, action, _actor_id(actor), from_status, practice.status, comment))
    return practice


@transaction.atomic
def practice_submit(*, practice: Practice, actor: Any, now: datetime | None = None) -> Practice:
    """The author sends a complete draft to moderation (see practice_completeness_errors)."""
    return _move(practice=practice, actor=actor, action="submit", now=now)


@transaction.atomic
def practice_withdraw(*, practice: Practice, actor: Any, now: datetime | None = None) -> Practice:
    """The author takes a practice back from moderation to the drafts."""
    return _move(practice=practice, actor=actor, action="withdraw", now=now)


@transaction.atomic
def practice_resubmit(*, practice: Practice, actor: Any, now: datetime | None = None) -> Practice:
    """The author sends a practice returned for revision to moderation again."""
    return _move(practice=practice, actor=actor, action="resubmit", now=now)


@transaction.atomic
def practice_publish(*, practice: Practice, actor: Any, comment: str = "", now: datetime | None = None) -> Practice:
    """A moderator publishes a practice on moderation: everyone can find it."""
    return _move(practice=practice, actor=actor, action="publish", comment=comment, now=now)


@transaction.atomic
def practice_return(*, practice: Practice, actor: Any, comment: str, now: datetime | None = None) -> Practice:
    """A moderator returns a practice to its author for revision, with remarks (required)."""
    return _move(practice=practice, actor=actor, action="return", comment=comment, now=now)


@transaction.atomic
def practice_reject(*, practice: Practice, actor: Any, comment: str, now: datetime | None = None) -> Practice:
    """A moderator rejects a practice, with the reason (required). A rejected practice stays with its author."""
    return _move(practice=practice, actor=actor, action="reject", comment=comment, now=now)


@transaction.atomic
def practice_unpublish(*, practice: Practice, actor: Any, comment: str, now: datetime | None = None) -> Practice:
    """A moderator takes a published practice out of the bank (archived), with the reason (required); its
    recommendation ends."""
    return _move(practice=practice, actor=actor, action="unpublish", comment=comment, now=now)


@transaction.atomic
def practice_restore(*, practice: Practice, actor: Any, comment: str = "", now: datetime | None = None) -> Practice:
    """A moderator publishes an unpublished practice again."""
    return _move(practice=practice, actor=actor, action="restore", comment=comment, now=now)


PRACTICE_MOVES: dict[str, Callable[..., Practice]] = {
    "submit": practice_submit,
    "withdraw": practice_withdraw,
    "resubmit": practice_resubmit,
    "publish": practice_publish,
    "return": practice_return,
    "reject": practice_reject,
    "unpublish": practice_unpublish,
    "restore": practice_restore,
}


def practice_move(
    *, practice: Practice, actor: Any, action: str, comment: str = "", now: datetime | None = None
) -> Practice:
    """Dispatch a workflow move by name (the web form and the API post the action's name)."""
    if action not in PRACTICE_MOVES:
        raise ValidationError(_("Unknown action “%(name)s”.") % {"name": action}, code="unknown_transition")
    if action in ("submit", "withdraw", "resubmit"):
        return PRACTICE_MOVES[action](practice=practice, actor=actor, now=now)
    return PRACTICE_MOVES[action](practice=practice, actor=actor, comment=comment, now=now)


# --- practices: the recommendation ------------------------------------------------------------------------


def _clear_recommendation(practice: Practice) -> None:
    practice.is_recommended = False
    practice.recommendation_note = ""
    practice.recommended_by = None
    practice.recommended_at = None


@transaction.atomic
def practice_recommend(*, practice: Practice, actor: Any, note: str, now: datetime | None = None) -> Practice:
    """A moderator marks a published practice as recommended (лучшая практика), with a short justification
    (required). Recommending again replaces the justification."""
    now = now or timezone.now()
    _lock(practice)
    _require(actor, "practices.view_practice", practice)
    _require(actor, "practices.recommend_practice", practice)
    if practice.status != PracticeStatus.PUBLISHED:
        raise ValidationError(_("Only a published practice can be recommended."), code="not_published")
    note = _text(note)
    if not note:
        raise _error("note", _("Say why the practice is recommended."), "note_required")
    limit = 2000
    if len(note) > limit:
        raise _error("note", _("Keep the justification under %(limit)d characters."), "max_length", {"limit": limit})
    practice.is_recommended = True
    practice.recommendation_note = note
    practice.recommended_by = actor if _actor_id(actor) else None
    practice.recommended_at = now
    practice.save(
        update_fields=["is_recommended", "recommendation_note", "recommended_by", "recommended_at", "updated_at"]
    )
    audit_record(obj=practice, action="recommend", actor=actor, comment=note, now=now)
    emit(PracticeChanged(practice.pk, "recommend", _actor_id(actor), comment=note))
    return practice


@transaction.atomic
def practice_unrecommend(*, practice: Practice, actor: Any, note: str, now: datetime | None = None) -> Practice:
    """A moderator withdraws the recommendation, saying why (required)."""
    now = now or timezone.now()
    _lock(practice)
    _require(actor, "practices.view_practice", practice)
    _require(actor, "practices.recommend_practice", practice)
    if not practice.is_recommended:
        raise ValidationError(_("This practice is not recommended."), code="not_recommended")
    note = _text(note)
    if not note:
        raise _error("note", _("Say why the recommendation is withdrawn."), "note_required")
    _clear_recommendation(practice)
    practice.save(
        update_fields=["is_recommended", "recommendation_note", "recommended_by", "recommended_at", "updated_at"]
    )
    audit_record(obj=practice, action="unrecommend", actor=actor, comment=note, now=now)
    emit(PracticeChanged(practice.pk, "unrecommend", _actor_id(actor), comment=note))
    return practice
