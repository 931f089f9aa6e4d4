"""Scoring: an assigned expert scores each criterion of an application (with a comment) while the contest is in
expert evaluation, then marks the evaluation complete. Every score is audited with its old and new value."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.services import FieldErrors as _Errors
from localbridge.core.services import lock_row as _lock

from ..models import ADMITTED_STATUSES, Assignment, ContestStatus, Criterion, ExpertStatus, Score

SCORE_PLACES = Decimal("0.01")


# --- helpers -----------------------------------------------------------------------------------------------------


def criterion_field(criterion_id: int) -> str:
    """The error key of a criterion's score in scores_record's ValidationError."""
    return f"criterion_{criterion_id}"


def _check_scorer(assignment: Assignment, actor: Any) -> None:
    """Only the assigned expert (accepted, without a conflict with the applicant), only while the contest is in
    expert evaluation and the application admitted."""
    application = assignment.application
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    if (
        actor_id is None
        or assignment.expert.user_id != actor_id
        or assignment.expert.status != ExpertStatus.ACCEPTED
        or not actor.has_perm("contests.score_application", application)
    ):
        raise PermissionDenied(
            _("You can score only the applications assigned to you, without a conflict of interest.")
        )
    if application.contest.status != ContestStatus.EVALUATION:
        raise ValidationError(
            _("Expert evaluation is closed: scores can no longer be changed."), code="evaluation_closed"
        )
    if application.status not in ADMITTED_STATUSES:
        raise ValidationError(_("This application is not admitted to evaluation."), code="not_admitted")


def _clean_value(criterion: Criterion, value: Any, field: str, errors: _Errors) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        errors.add(field, _("Enter a number."), "invalid")
        return None
    if not number.is_finite():
        errors.add(field, _("Enter a number."), "invalid")
        return None
    if number != number.quantize(SCORE_PLACES):
        errors.add(field, _("Use at most two decimal places."), "precision")
        return None
    if not criterion.scale_min <= number <= criterion.scale_max:
        errors.add(
            field,
            _("The score must be between %(min)s and %(max)s.")
            % {"min": criterion.scale_min, "max": criterion.scale_max},
            "out_of_scale",
        )
        return None
    return number.quantize(SCORE_PLACES)


def _write(
    assignment: Assignment, criterion: Criterion, value: Decimal, comment: str, actor: Any, now: datetime
) -> Score:
    score = Score.objects.filter(assignment=assignment, criterion=criterion).first()
    old = None if score is None else {"value": str(score.value), "comment": score.comment}
    new = {"value": str(value), "comment": comment}
    if old == new and score is not None:
        return score
    if score is None:
        score = Score(assignment=assignment, criterion=criterion)
    score.value = value
    score.comment = comment
    score.updated_at = now
    score.save()
    audit_record(
        obj=score,
        action="score",
        actor=actor,
        data={
            "application": assignment.application_id,
            "expert": assignment.expert_id,
            "criterion": criterion.pk,
            "old": old,
            "new": new,
        },
        now=now,
    )
    return score


# --- services ------------------------------------------------------------------------------------------------


@transaction.atomic
def scores_record(
    *,
    assignment: Assignment,
    actor: Any,
    values: Mapping[int, tuple[Any, str]],
    now: datetime | None = None,
) -> list[Score]:
    """Record several criterion scores at once: {criterion id: (value, comment)}. All are validated first
    (errors keyed by criterion_field(id)); nothing is written if any is wrong."""
    now = now or timezone.now()
    _lock(assignment)
    _check_scorer(assignment, actor)
    criteria = {c.pk: c for c in Criterion.objects.filter(contest_id=assignment.application.contest_id)}
    errors = _Errors()
    cleaned: list[tuple[Criterion, Decimal, str]] = []
    for criterion_id, (value, comment) in values.items():
        field = criterion_field(criterion_id)
        criterion = criteria.get(criterion_id)
        if criterion is None:
            errors.add(field, _("This criterion is not one of the contest's."), "other_contest")
            continue
        number = _clean_value(criterion, value, field, errors)
        if number is not None:
            cleaned.append((criterion, number, (comment or "").replace("\r\n", "\n").strip()))
    errors.raise_if_any()
    return [_write(assignment, criterion, number, comment, actor, now) for criterion, number, comment in cleaned]


def score_record(
    *,
    assignment: Assignment,
    actor: Any,
    criterion: Criterion,
    value: Any,
    comment: str = "",
    now: datetime | None = None,
) -> Score:
    """Record one criterion's score (within its scale, two decimals at most) with a comment; refused outside
    expert evaluation, for an expert not assigned or with a conflict. Errors are keyed by "value"."""
    try:
        return scores_record(assignment=assignment, actor=actor, values={criterion.pk: (value, comment)}, now=now)[0]
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and criterion_field(criterion.pk) in exc.error_dict:
            raise ValidationError({"value": exc.error_dict[criterion_field(criterion.pk)]})
        raise


@transaction.atomic
def assignment_complete(*, assignment: Assignment, actor: Any, now: datetime | None = None) -> Assignment:
    """The expert marks their evaluation complete: every criterion must be scored. The scores can still be
    corrected while evaluation lasts; only completed evaluations count in the ranking."""
    now = now or timezone.now()
    _lock(assignment)
    _check_scorer(assignment, actor)
    if assignment.completed_at is not None:
        raise ValidationError(_("This evaluation is already complete."), code="already_completed")
    scored = set(Score.objects.filter(assignment=assignment).values_list("criterion_id", flat=True))
    criteria = list(Criterion.objects.filter(contest_id=assignment.application.contest_id))
    if not criteria:
        raise ValidationError(_("The contest has no evaluation criteria."), code="no_criteria")
    missing = [c.name for c in criteria if c.pk not in scored]
    if missing:
        raise ValidationError(
            _("Score every criterion first. Missing: %(criteria)s.") % {"criteria": "; ".join(missing)},
            code="incomplete",
        )
    assignment.completed_at = now
    assignment.save(update_fields=["completed_at", "updated_at"])
    audit_record(
        obj=assignment.application,
        action="evaluation_complete",
        actor=actor,
        data={"expert": assignment.expert_id, "old": {"completed_at": None}, "new": {"completed_at": now.isoformat()}},
        now=now,
    )
    return assignment
