"""Experts of a contest: invitations and answers, conflicts of interest, and the assignment of applications —
automatic and balanced (contests/assignment.py), adjusted by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.events import emit
from localbridge.core.services import actor_id as _actor_id
from localbridge.core.services import field_error as _error
from localbridge.core.services import lock_row as _lock
from localbridge.core.services import require_perm as _require
from localbridge.organizations.models import Organization

from ..assignment import AssignmentImpossible, assign
from ..events import ExpertInvited
from ..models import (
    ADMITTED_STATUSES,
    EXPERT_WORKFLOW,
    Application,
    Assignment,
    Conflict,
    Contest,
    ContestStatus,
    Expert,
    ExpertStatus,
    Score,
)
from ..selectors_evaluation import expert_blocked_organizations, expert_is_blocked

# Stages in which experts are invited and answer, conflicts are declared and experts removed.
EXPERT_STAGES = (ContestStatus.DRAFT, ContestStatus.ANNOUNCED, ContestStatus.REVIEW, ContestStatus.EVALUATION)
# Stages in which applications are assigned to experts (admitted applications exist from the review on).
ASSIGNMENT_STAGES = (ContestStatus.REVIEW, ContestStatus.EVALUATION)


# --- helpers -----------------------------------------------------------------------------------------------------


def _require_stage(contest: Contest, stages: tuple[str, ...]) -> None:
    if contest.status not in stages:
        raise ValidationError(
            _("This is not possible while the contest is at the stage “%(status)s”.")
            % {"status": contest.get_status_display()},
            code="wrong_stage",
        )


def _require_self_or_organizer(actor: Any, expert: Expert) -> None:
    """The expert (still invited or accepted) acting for themselves, or an organiser of the contest."""
    if _actor_id(actor) == expert.user_id and actor.has_perm("contests.respond_invitation", expert.contest):
        return
    _require(actor, "contests.manage_contest", expert.contest)


def _scores_data(assignment: Assignment) -> dict[str, Any]:
    return {
        str(s.criterion_id): {"value": str(s.value), "comment": s.comment}
        for s in Score.objects.filter(assignment=assignment)
    }


def _delete_assignment(assignment: Assignment, *, actor: Any, reason: str, now: datetime) -> None:
    audit_record(
        obj=assignment.application,
        action="unassign_expert",
        actor=actor,
        data={
            "reason": reason,
            "old": {
                "expert": assignment.expert_id,
                "user": assignment.expert.user_id,
                "manual": assignment.manual,
                "completed_at": assignment.completed_at.isoformat() if assignment.completed_at else None,
                "scores": _scores_data(assignment),
            },
            "new": None,
        },
        now=now,
    )
    assignment.delete()


# --- experts -------------------------------------------------------------------------------------------------


@transaction.atomic
def expert_invite(*, contest: Contest, actor: Any, user: Any, now: datetime | None = None) -> Expert:
    """The organiser invites a user as an expert; a user who declined or was removed is invited again."""
    now = now or timezone.now()
    _lock(contest)
    _require(actor, "contests.manage_contest", contest)
    _require_stage(contest, EXPERT_STAGES)
    if not user.is_active:
        raise _error("user", _("This account is not active."), "inactive_user")
    expert = Expert.objects.select_for_update().filter(contest=contest, user=user).first()
    if expert is not None:
        if expert.status in (ExpertStatus.INVITED, ExpertStatus.ACCEPTED):
            raise _error(
                "user",
                _("%(user)s is already an expert of this contest.") % {"user": user},
                "already_invited",
            )
        expert.invited_by = actor if _actor_id(actor) else None
        expert.responded_at = None
        EXPERT_WORKFLOW.apply(expert, "reinvite", actor=actor, now=now, update_fields=["invited_by", "responded_at"])
    else:
        try:
            with transaction.atomic():
                expert = Expert.objects.create(
                    contest=contest, user=user, invited_by=actor if _actor_id(actor) else None, created_at=now
                )
        except IntegrityError:
            raise _error(
                "user", _("%(user)s is already an expert of this contest.") % {"user": user}, "already_invited"
            )
        audit_record(
            obj=expert,
            action="invite",
            actor=actor,
            to_status=expert.status,
            data={"contest": contest.pk, "user": user.pk},
            now=now,
        )
    emit(ExpertInvited(expert.pk, _actor_id(actor)))
    return expert


@transaction.atomic
def expert_respond(*, expert: Expert, actor: Any, accept: bool, now: datetime | None = None) -> Expert:
    """The invited user accepts or declines."""
    now = now or timezone.now()
    _lock(expert)
    if _actor_id(actor) != expert.user_id or not actor.has_perm("contests.respond_invitation", expert.contest):
        raise PermissionDenied(_("Only the invited expert can answer the invitation."))
    _require_stage(expert.contest, EXPERT_STAGES)
    if expert.status != ExpertStatus.INVITED:
        raise ValidationError(_("The invitation has already been answered."), code="already_answered")
    expert.responded_at = now
    EXPERT_WORKFLOW.apply(
        expert, "accept" if accept else "decline", actor=actor, now=now, update_fields=["responded_at"]
    )
    return expert


@transaction.atomic
def expert_remove(*, expert: Expert, actor: Any, comment: str = "", now: datetime | None = None) -> Expert:
    """The organiser removes an expert: their unfinished assignments go (audited with any scores); completed
    evaluations stay on record but no longer count."""
    now = now or timezone.now()
    _lock(expert.contest)
    _lock(expert)
    _require(actor, "contests.manage_contest", expert.contest)
    _require_stage(expert.contest, EXPERT_STAGES)
    if expert.status == ExpertStatus.REMOVED:
        raise ValidationError(_("This expert has already been removed."), code="already_removed")
    for assignment in Assignment.objects.filter(expert=expert, completed_at__isnull=True).select_related(
        "application", "expert"
    ):
        _delete_assignment(assignment, actor=actor, reason="expert_removed", now=now)
    EXPERT_WORKFLOW.apply(expert, "remove", actor=actor, comment=comment, now=now)
    return expert


# --- conflicts of interest -----------------------------------------------------------------------------------


@transaction.atomic
def conflict_declare(
    *, expert: Expert, actor: Any, organization: Organization, comment: str = "", now: datetime | None = None
) -> Conflict:
    """The expert (or an organiser for them) declares a conflict of interest with an organisation: the expert's
    assignments to its applications in this contest are withdrawn (audited with their scores)."""
    now = now or timezone.now()
    _lock(expert)
    _require_self_or_organizer(actor, expert)
    _require_stage(expert.contest, EXPERT_STAGES)
    if Conflict.objects.filter(expert=expert, organization=organization).exists():
        raise _error(
            "organization",
            _("A conflict of interest with %(organization)s is already declared.") % {"organization": organization},
            "already_declared",
        )
    conflict = Conflict.objects.create(
        expert=expert, organization=organization, comment=" ".join((comment or "").split()), created_at=now
    )
    audit_record(
        obj=expert,
        action="conflict_declare",
        actor=actor,
        data={"old": None, "new": {"organization": organization.pk, "comment": conflict.comment}},
        now=now,
    )
    for assignment in Assignment.objects.filter(expert=expert, application__organization=organization).select_related(
        "application", "expert"
    ):
        _delete_assignment(assignment, actor=actor, reason="conflict", now=now)
    return conflict


@transaction.atomic
def conflict_withdraw(*, conflict: Conflict, actor: Any, now: datetime | None = None) -> None:
    """Withdraw a declared conflict (the expert or an organiser)."""
    now = now or timezone.now()
    expert = conflict.expert
    _lock(expert)
    _require_self_or_organizer(actor, expert)
    _require_stage(expert.contest, EXPERT_STAGES)
    audit_record(
        obj=expert,
        action="conflict_withdraw",
        actor=actor,
        data={"old": {"organization": conflict.organization_id, "comment": conflict.comment}, "new": None},
        now=now,
    )
    conflict.delete()


# --- assignments ---------------------------------------------------------------------------------------------


def _impossible_message(exc: AssignmentImpossible, numbers: dict[Any, str]) -> str:
    listed = ", ".join(
        _("%(number)s (%(eligible)s eligible of %(needed)s needed)")
        % {"number": numbers.get(app_id) or f"#{app_id}", "eligible": eligible, "needed": needed}
        for app_id, (eligible, needed) in list(exc.shortfalls.items())[:20]
    )
    more = len(exc.shortfalls) - 20
    if more > 0:
        listed += " " + _("and %(count)s more") % {"count": more}
    return _("Not enough experts without a conflict of interest for: %(applications)s.") % {"applications": listed}


@transaction.atomic
def assignments_auto(*, contest: Contest, actor: Any, now: datetime | None = None) -> int:
    """Assign the admitted applications to the accepted experts, each to `experts_per_application` distinct
    experts without a conflict, with balanced loads; assignments already made (by hand or earlier) stay.
    Returns the number of assignments created. Refused (ValidationError "assignment_impossible", nothing
    written) when some application has too few eligible experts."""
    now = now or timezone.now()
    _lock(contest)
    _require(actor, "contests.manage_contest", contest)
    _require_stage(contest, ASSIGNMENT_STAGES)
    applications = list(
        Application.objects.filter(contest=contest, status__in=ADMITTED_STATUSES)
        .order_by("submitted_at", "number", "pk")
        .values_list("pk", "organization_id", "number")
    )
    experts = list(Expert.objects.filter(contest=contest, status=ExpertStatus.ACCEPTED).order_by("pk"))
    blocked = expert_blocked_organizations(experts)
    existing: dict[int, set[int]] = {}
    for application_id, expert_id in Assignment.objects.filter(
        application__contest=contest,
        application__status__in=ADMITTED_STATUSES,
        expert__status=ExpertStatus.ACCEPTED,
    ).values_list("application_id", "expert_id"):
        existing.setdefault(application_id, set()).add(expert_id)
    try:
        added = assign(
            [(pk, organization_id) for pk, organization_id, _number in applications],
            [(expert.pk, blocked[expert.pk]) for expert in experts],
            contest.experts_per_application,
            existing,
        )
    except AssignmentImpossible as exc:
        numbers = {pk: number for pk, _org, number in applications}
        raise ValidationError(_impossible_message(exc, numbers), code="assignment_impossible")
    rows = [
        Assignment(application_id=application_id, expert_id=expert_id, manual=False, created_at=now, updated_at=now)
        for application_id, expert_ids in added.items()
        for expert_id in expert_ids
    ]
    Assignment.objects.bulk_create(rows, batch_size=1000)
    audit_record(
        obj=contest,
        action="assign_experts",
        actor=actor,
        data={
            "experts_per_application": contest.experts_per_application,
            "new": [[row.application_id, row.expert_id] for row in rows],
        },
        now=now,
    )
    return len(rows)


@transaction.atomic
def assignment_add(*, application: Application, expert: Expert, actor: Any, now: datetime | None = None) -> Assignment:
    """The organiser assigns an application to an expert by hand (never one with a conflict)."""
    now = now or timezone.now()
    contest = application.contest
    _lock(contest)
    _require(actor, "contests.manage_contest", contest)
    _require_stage(contest, ASSIGNMENT_STAGES)
    if expert.contest_id != contest.pk:
        raise _error("expert", _("This expert is not an expert of the application's contest."), "other_contest")
    if expert.status != ExpertStatus.ACCEPTED:
        raise _error("expert", _("Only an expert who accepted the invitation can be assigned."), "not_accepted")
    if application.status not in ADMITTED_STATUSES:
        raise _error("application", _("Only an application admitted to evaluation can be assigned."), "not_admitted")
    if expert_is_blocked(expert, application.organization_id):
        raise _error(
            "expert",
            _("%(expert)s has a conflict of interest with %(organization)s.")
            % {"expert": expert, "organization": application.organization},
            "conflict",
        )
    already = _("%(expert)s is already assigned to this application.") % {"expert": expert}
    if Assignment.objects.filter(application=application, expert=expert).exists():
        raise _error("expert", already, "already_assigned")
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                application=application, expert=expert, manual=True, created_at=now, updated_at=now
            )
    except IntegrityError:
        raise _error("expert", already, "already_assigned")
    audit_record(
        obj=application,
        action="assign_expert",
        actor=actor,
        data={"old": None, "new": {"expert": expert.pk, "user": expert.user_id, "manual": True}},
        now=now,
    )
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: Assignment, actor: Any, now: datetime | None = None) -> None:
    """The organiser withdraws an assignment (its scores, if any, are kept in the audit trail)."""
    now = now or timezone.now()
    contest = assignment.application.contest
    _lock(contest)
    _require(actor, "contests.manage_contest", contest)
    _require_stage(contest, ASSIGNMENT_STAGES)
    _delete_assignment(assignment, actor=actor, reason="by_hand", now=now)
