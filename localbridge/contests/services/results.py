"""The ranking of a contest written down: Result rows computed from the completed evaluations when evaluation
closes (the calculation itself is contests/ranking.py), confirmed by the commission when it publishes them."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.services import lock_row as _lock

from .. import ranking
from ..models import (
    ADMITTED_STATUSES,
    Application,
    Contest,
    ContestStatus,
    Expert,
    ExpertStatus,
    Nomination,
    Result,
    Score,
)
from ..selectors_evaluation import criteria_specs, expert_blocked_organizations

# Stages in which the ranking may be (re)computed: when evaluation closes, and while the commission decides.
RESULTS_STAGES = (ContestStatus.EVALUATION, ContestStatus.RANKING)


def _snapshot(results: list[Result]) -> dict[str, dict[str, Any]]:
    return {
        str(r.application_id): {"rank": r.rank, "score": str(r.score), "amount": str(r.amount), "funded": r.funded}
        for r in results
    }


def _stored_snapshot(contest: Contest) -> dict[str, dict[str, Any]]:
    """_snapshot() of the contest's stored results, read as plain values (no model instances: thousands of rows)."""
    rows = Result.objects.filter(contest=contest).values_list("application_id", "rank", "score", "amount", "funded")
    return {
        str(application_id): {"rank": rank, "score": str(score), "amount": str(amount), "funded": funded}
        for application_id, rank, score, amount, funded in rows
    }


def _evaluations(contest: Contest, applications: list[Application]) -> dict[int, dict[int, dict[int, Decimal]]]:
    """{application id: {expert id: {criterion id: value}}} of the evaluations that count: completed, by an
    expert still accepted and without a conflict with the applicant. One query over the contest's scores (joins,
    not a list of ids: a contest may have tens of thousands of assignments)."""
    organization_of = {a.pk: a.organization_id for a in applications}
    rows = Score.objects.filter(
        assignment__application__contest=contest,
        assignment__application__status__in=ADMITTED_STATUSES,
        assignment__completed_at__isnull=False,
        assignment__expert__status=ExpertStatus.ACCEPTED,
    ).values_list("assignment__application_id", "assignment__expert_id", "criterion_id", "value")
    evaluations: dict[int, dict[int, dict[int, Decimal]]] = defaultdict(dict)
    experts: set[int] = set()
    for application_id, expert_id, criterion_id, value in rows.iterator(chunk_size=10_000):
        evaluations[application_id].setdefault(expert_id, {})[criterion_id] = value
        experts.add(expert_id)
    blocked = expert_blocked_organizations(Expert.objects.filter(pk__in=experts))
    for application_id, by_expert in evaluations.items():
        for expert_id in [e for e in by_expert if organization_of.get(application_id) in blocked.get(e, frozenset())]:
            del by_expert[expert_id]
    return evaluations


@transaction.atomic
def results_compute(*, contest: Contest, actor: Any = None, now: datetime | None = None) -> list[Result]:
    """Compute the ranking of the contest's admitted applications and replace its Result rows; returns them
    grouped (nominations with their own pool first, then the common group) in rank order.

    Only completed evaluations count, by experts still accepted and without a conflict of interest with the
    applicant; an evaluation missing a criterion (criteria changed after it was completed) is left out. Scores,
    ties and awards follow contests/ranking.py. Called by the contest's move close_evaluation (which checks the
    permission); an `actor`, when given, must manage the contest. Audited on the contest with the old and new
    rank, score and amount of every application."""
    now = now or timezone.now()
    _lock(contest)
    if actor is not None and not actor.has_perm("contests.manage_contest", contest):
        raise PermissionDenied(_("You do not have permission to do this."))
    if contest.status not in RESULTS_STAGES:
        raise ValidationError(
            _("The ranking can be computed only during expert evaluation or the commission's decision."),
            code="wrong_stage",
        )
    criteria = criteria_specs(contest)
    if not criteria:
        raise ValidationError(_("The contest has no evaluation criteria."), code="no_criteria")
    applications = list(
        Application.objects.filter(contest=contest, status__in=ADMITTED_STATUSES)
        .only("pk", "organization_id", "nomination_id", "number", "submitted_at", "total_cost", "grant_requested")
        .order_by("number", "pk")
    )
    evaluations = _evaluations(contest, applications)
    by_pk = {a.pk: a for a in applications}
    entries: list[tuple[ranking.Entry, int | None]] = []
    aggregates: dict[int, ranking.Aggregate] = {}
    for application in applications:
        counted = {
            expert_id: values
            for expert_id, values in evaluations.get(application.pk, {}).items()
            if all(c.id in values for c in criteria)
        }
        result = aggregates[application.pk] = ranking.aggregate(counted, criteria)
        entry = ranking.Entry(
            key=application.pk,
            score=result.score,
            submitted_at=application.submitted_at,
            number=application.number,
            grant_requested=application.grant_requested,
            cofinancing_percent=application.cofinancing_percent,
            experts=result.experts,
        )
        entries.append((entry, application.nomination_id))
    nominations = Nomination.objects.filter(contest=contest).order_by("position", "pk")
    lines = ranking.ranking(
        entries,
        prize_pool=contest.prize_pool,
        nomination_pools={n.pk: n.pool for n in nominations},
        cap=contest.max_grant,
        rule=contest.award_rule,
        tie_break=contest.tie_break,
        min_pass_score=contest.min_pass_score,
    )
    old = _stored_snapshot(contest)
    Result.objects.filter(contest=contest).delete()
    rows = []
    for position, line in enumerate(lines, start=1):
        aggregate = aggregates[line.entry.key]  # type: ignore[index]
        rows.append(
            Result(
                contest=contest,
                application=by_pk[line.entry.key],  # type: ignore[index]
                nomination_id=line.nomination,
                score=aggregate.score if aggregate.score is not None else ranking.ZERO,
                experts=aggregate.experts,
                spread=aggregate.spread,
                rank=line.rank,
                position=position,
                amount=line.amount,
                funded=line.funded,
                criteria={str(key): str(value) for key, value in aggregate.by_criterion.items()},
            )
        )
    Result.objects.bulk_create(rows)
    audit_record(
        obj=contest,
        action="results_compute",
        actor=actor,
        data={
            "old": old,
            "new": _snapshot(rows),
            "funded": sum(1 for r in rows if r.funded),
            "awarded": str(sum((r.amount for r in rows), ranking.ZERO)),
        },
        now=now,
    )
    return rows
