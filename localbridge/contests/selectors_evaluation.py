"""Reads of the expert evaluation: who is blocked from what, the organiser's progress board, an expert's
worklist and which scores a user may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from localbridge.organizations.models import Membership

from .models import (
    ADMITTED_STATUSES,
    Application,
    Assignment,
    Conflict,
    Contest,
    Criterion,
    Expert,
    ExpertStatus,
    Score,
)
from .ranking import CriterionSpec, expert_score, money, spread_of


def criteria_specs(contest: Contest) -> list[CriterionSpec]:
    return [
        CriterionSpec(c.pk, c.scale_min, c.scale_max, c.weight)
        for c in Criterion.objects.filter(contest=contest).order_by("position", "pk")
    ]


def expert_blocked_organizations(experts: Iterable[Expert]) -> dict[int, frozenset[int]]:
    """For each expert: the organisations whose applications they may not review — declared conflicts and
    organisations where the user holds an active membership (two queries)."""
    experts = list(experts)
    blocked: dict[int, set[int]] = {expert.pk: set() for expert in experts}
    for expert_id, organization_id in Conflict.objects.filter(expert__in=experts).values_list(
        "expert_id", "organization_id"
    ):
        blocked[expert_id].add(organization_id)
    by_user: dict[int, list[int]] = defaultdict(list)
    for expert in experts:
        by_user[expert.user_id].append(expert.pk)
    for user_id, organization_id in Membership.objects.filter(user_id__in=list(by_user), is_active=True).values_list(
        "user_id", "organization_id"
    ):
        for expert_id in by_user[user_id]:
            blocked[expert_id].add(organization_id)
    return {expert_id: frozenset(orgs) for expert_id, orgs in blocked.items()}


def expert_is_blocked(expert: Expert, organization_id: int) -> bool:
    """The expert declared a conflict with the organisation or belongs to it (active membership)."""
    return (
        Conflict.objects.filter(expert=expert, organization_id=organization_id).exists()
        or Membership.objects.filter(user_id=expert.user_id, organization_id=organization_id, is_active=True).exists()
    )


def _completed_scores(assignments: Iterable[Assignment]) -> dict[int, dict[int, Decimal]]:
    """{assignment id: {criterion id: value}} of completed assignments (scores prefetched)."""
    return {a.pk: {s.criterion_id: s.value for s in a.scores.all()} for a in assignments if a.completed_at is not None}


@dataclass
class ExpertProgress:
    expert: Expert
    assigned: int = 0
    completed: int = 0


@dataclass
class ApplicationProgress:
    application: Application
    assigned: int = 0
    completed: int = 0
    # Normalised score (0..100, 0.01) of each expert who completed, keyed by Expert; only when asked for.
    scores: dict[Expert, Decimal] = field(default_factory=dict)
    spread: Decimal = Decimal("0.00")
    disagreement: bool = False


@dataclass
class EvaluationProgress:
    contest: Contest
    experts: list[ExpertProgress]
    applications: list[ApplicationProgress]

    @property
    def disagreements(self) -> list[ApplicationProgress]:
        return [row for row in self.applications if row.disagreement]

    @property
    def assigned(self) -> int:
        return sum(row.assigned for row in self.applications)

    @property
    def completed(self) -> int:
        return sum(row.completed for row in self.applications)


def evaluation_progress(contest: Contest, *, with_scores: bool = False) -> EvaluationProgress:
    """The organiser's board: per expert (accepted or with assignments) assigned and completed counts; per
    admitted application experts assigned and completed, the spread of the completed experts' normalised scores
    and the disagreement flag (spread above the contest's threshold). Each expert's score per application is
    filled in only with `with_scores` (the caller checks "contests.view_all_scores"). A fixed number of
    queries."""
    criteria = criteria_specs(contest)
    applications = list(
        Application.objects.filter(contest=contest, status__in=ADMITTED_STATUSES)
        .select_related("organization", "nomination")
        .order_by("number", "pk")
    )
    assignments = list(
        Assignment.objects.filter(application__in=applications)
        .select_related("expert__user")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.only("assignment_id", "criterion_id", "value")))
    )
    experts = {
        e.pk: ExpertProgress(e)
        for e in Expert.objects.filter(contest=contest, status=ExpertStatus.ACCEPTED).select_related("user")
    }
    rows = {a.pk: ApplicationProgress(a) for a in applications}
    completed = _completed_scores(assignments)
    for assignment in assignments:
        expert_row = experts.get(assignment.expert_id)
        if expert_row is None:
            expert_row = experts[assignment.expert_id] = ExpertProgress(assignment.expert)
        row = rows[assignment.application_id]
        expert_row.assigned += 1
        row.assigned += 1
        values = completed.get(assignment.pk)
        if values is None:
            continue
        expert_row.completed += 1
        row.completed += 1
        try:
            row.scores[assignment.expert] = money(expert_score(values, criteria))
        except ValueError:
            # Criteria changed after the evaluation was completed: not counted until it is scored again.
            continue
    for row in rows.values():
        row.spread = spread_of(list(row.scores.values()))
        row.disagreement = row.spread > contest.disagreement_threshold
        if not with_scores:
            row.scores = {}
    return EvaluationProgress(
        contest,
        sorted(experts.values(), key=lambda r: (str(r.expert.user), r.expert.pk)),
        list(rows.values()),
    )


def expert_assignments(user: Any, contest: Contest) -> QuerySet[Assignment]:
    """The user's assignments in the contest as an accepted expert, with their applications and own scores."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(
            expert__contest=contest,
            expert__user=user,
            expert__status=ExpertStatus.ACCEPTED,
            application__status__in=ADMITTED_STATUSES,
        )
        .select_related("application__organization", "application__nomination", "expert")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("completed_at", "application__number", "application__pk")
    )


@dataclass(frozen=True)
class VisibleScores:
    """One expert's scores of an application as a user may see them: `expert` is None when anonymised (then
    `label` is "Expert 1", "Expert 2"… in a stable order)."""

    expert: Expert | None
    label: str
    own: bool
    completed: bool
    scores: list[Score]


def scores_visible_to(user: Any, application: Application) -> list[VisibleScores]:
    """The scores of the application the user may see: organisers (view_all_scores) every expert's, named; an
    assigned expert their own and, once evaluation is closed (view_peer_scores), the other experts' completed
    evaluations anonymised; nobody else anything."""
    from django.utils.translation import gettext as _

    if user is None or not getattr(user, "is_authenticated", False):
        return []
    contest = application.contest
    see_all = user.has_perm("contests.view_all_scores", contest)
    assignments = list(
        Assignment.objects.filter(application=application)
        .select_related("expert__user")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("pk")
    )
    own = [a for a in assignments if a.expert.user_id == user.pk and a.expert.status == ExpertStatus.ACCEPTED]
    if not see_all and not own:
        return []
    see_peers = see_all or user.has_perm("contests.view_peer_scores", contest)
    visible: list[VisibleScores] = []
    number = 0
    for assignment in assignments:
        is_own = assignment.expert.user_id == user.pk
        if not (see_all or is_own or (see_peers and assignment.completed_at is not None)):
            continue
        scores = sorted(assignment.scores.all(), key=lambda s: (s.criterion.position, s.criterion_id))
        named = see_all or is_own
        if not named:
            number += 1
        visible.append(
            VisibleScores(
                expert=assignment.expert if named else None,
                label=str(assignment.expert.user) if named else _("Expert %(number)s") % {"number": number},
                own=is_own,
                completed=assignment.completed_at is not None,
                scores=scores,
            )
        )
    return visible
