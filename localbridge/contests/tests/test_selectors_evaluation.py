"""Evaluation reads: the organiser's progress board with disagreement flags, an expert's worklist, and which
scores each user may see (organisers all named; experts their own, and others anonymised once evaluation
closes)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from localbridge.accounts.tests.factories import UserFactory
from localbridge.contests.models import ApplicationStatus, ContestStatus, ExpertStatus
from localbridge.contests.selectors_evaluation import (
    evaluation_progress,
    expert_assignments,
    expert_blocked_organizations,
    scores_visible_to,
)
from localbridge.contests.tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    ConflictFactory,
    ContestFactory,
    CriterionFactory,
    ExpertFactory,
    ScoreFactory,
    chair_of,
)
from localbridge.organizations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 4, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def board():
    contest = ContestFactory(status=ContestStatus.EVALUATION, disagreement_threshold=Decimal("25.00"))
    criterion = CriterionFactory(contest=contest, scale_min=0, scale_max=10)
    experts = [ExpertFactory(contest=contest) for _ in range(3)]
    calm = ApplicationFactory(contest=contest, status=ApplicationStatus.ADMITTED, number="К-1")
    torn = ApplicationFactory(contest=contest, status=ApplicationStatus.ADMITTED, number="К-2")
    for app, values in ((calm, ["7", "8", None]), (torn, ["9", "3", "6"])):
        for expert, value in zip(experts, values, strict=True):
            assignment = AssignmentFactory(
                application=app, expert=expert, completed_at=NOW if value is not None else None
            )
            if value is not None:
                ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal(value))
    return contest, experts, calm, torn


def test_evaluation_progress_counts_per_expert_and_application_and_flags_disagreement(board):
    contest, experts, calm, torn = board
    progress = evaluation_progress(contest)
    by_app = {row.application.pk: row for row in progress.applications}
    assert (by_app[calm.pk].assigned, by_app[calm.pk].completed) == (2 + 1, 2)
    assert by_app[calm.pk].spread == Decimal("10.00") and not by_app[calm.pk].disagreement
    assert by_app[torn.pk].spread == Decimal("60.00") and by_app[torn.pk].disagreement
    assert progress.disagreements == [by_app[torn.pk]]
    assert by_app[torn.pk].scores == {}  # hidden unless asked
    by_expert = {row.expert.pk: row for row in progress.experts}
    assert (by_expert[experts[2].pk].assigned, by_expert[experts[2].pk].completed) == (2, 1)
    assert (progress.assigned, progress.completed) == (6, 5)


def test_evaluation_progress_with_scores_shows_each_experts_normalised_score(board):
    contest, experts, _calm, torn = board
    row = {r.application.pk: r for r in evaluation_progress(contest, with_scores=True).applications}[torn.pk]
    assert row.scores == {experts[0]: Decimal("90.00"), experts[1]: Decimal("30.00"), experts[2]: Decimal("60.00")}


def test_evaluation_progress_runs_a_fixed_number_of_queries(board, django_assert_max_num_queries):
    contest, *_rest = board
    with django_assert_max_num_queries(6):
        evaluation_progress(contest)


def test_expert_assignments_lists_only_the_users_own(board):
    contest, experts, calm, torn = board
    assert {a.application_id for a in expert_assignments(experts[2].user, contest)} == {calm.pk, torn.pk}
    assert list(expert_assignments(UserFactory(), contest)) == []
    experts[2].status = ExpertStatus.REMOVED
    experts[2].save()
    assert list(expert_assignments(experts[2].user, contest)) == []


def test_scores_visible_to_the_organiser_all_named(board):
    contest, experts, _calm, torn = board
    visible = scores_visible_to(chair_of(contest.organizer), torn)
    assert [v.expert for v in visible] == experts
    assert all(v.scores for v in visible)


def test_scores_visible_to_an_expert_during_evaluation_only_their_own(board):
    _contest, experts, _calm, torn = board
    visible = scores_visible_to(experts[0].user, torn)
    assert len(visible) == 1 and visible[0].own and visible[0].expert == experts[0]
    assert visible[0].scores[0].value == Decimal("9.00")


def test_scores_visible_to_an_expert_after_evaluation_others_anonymised(board):
    contest, experts, _calm, torn = board
    contest.status = ContestStatus.RANKING
    contest.save()
    with translation.override("en"):
        visible = scores_visible_to(experts[0].user, torn)
    assert [v.own for v in visible] == [True, False, False]
    assert [v.expert for v in visible[1:]] == [None, None]
    assert [v.label for v in visible[1:]] == ["Expert 1", "Expert 2"]


def test_scores_visible_to_nobody_else(board):
    contest, _experts, _calm, torn = board
    assert scores_visible_to(UserFactory(), torn) == []
    assert scores_visible_to(ExpertFactory(contest=contest).user, torn) == []


def test_expert_blocked_organizations_joins_conflicts_and_memberships():
    expert = ExpertFactory()
    conflict = ConflictFactory(expert=expert)
    membership = MembershipFactory(user=expert.user)
    MembershipFactory(user=expert.user, is_active=False)
    assert expert_blocked_organizations([expert]) == {
        expert.pk: frozenset({conflict.organization_id, membership.organization_id})
    }
