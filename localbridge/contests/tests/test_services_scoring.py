"""Scoring: who may score (the assigned expert only, never one with a conflict), when (only in expert
evaluation), what (within the criterion's scale), completion, and the audit of every score with old and new
values."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from localbridge.accounts.tests.factories import UserFactory
from localbridge.contests.models import ApplicationStatus, ContestStatus, ExpertStatus, Score
from localbridge.contests.services.scoring import assignment_complete, score_record, scores_record
from localbridge.contests.tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    ConflictFactory,
    ContestFactory,
    CriterionFactory,
    ExpertFactory,
    chair_of,
)
from localbridge.core.audit import audit_history
from localbridge.organizations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 4, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def setup():
    contest = ContestFactory(status=ContestStatus.EVALUATION)
    criteria = [CriterionFactory(contest=contest), CriterionFactory(contest=contest, scale_min=1, scale_max=5)]
    application = ApplicationFactory(contest=contest, status=ApplicationStatus.ADMITTED, submitted_at=NOW)
    assignment = AssignmentFactory(application=application, expert=ExpertFactory(contest=contest))
    return contest, criteria, application, assignment


def test_score_record_by_the_assigned_expert(setup):
    _contest, criteria, _application, assignment = setup
    score = score_record(
        assignment=assignment, actor=assignment.expert.user, criterion=criteria[0], value="7,5", comment="Актуально"
    )
    assert score.value == Decimal("7.50")
    assert score.comment == "Актуально"


def test_score_record_change_is_audited_with_old_and_new_values(setup):
    _contest, criteria, _application, assignment = setup
    user = assignment.expert.user
    score_record(assignment=assignment, actor=user, criterion=criteria[0], value=6, comment="а", now=NOW)
    score = score_record(assignment=assignment, actor=user, criterion=criteria[0], value=8, comment="б", now=NOW)
    entries = list(audit_history(obj=score))
    assert [e.data["old"] for e in entries] == [None, {"value": "6.00", "comment": "а"}]
    assert entries[-1].data["new"] == {"value": "8.00", "comment": "б"}
    assert entries[-1].actor == user
    assert Score.objects.count() == 1


def test_score_record_refused_for_an_expert_not_assigned(setup):
    contest, criteria, _application, assignment = setup
    stranger = ExpertFactory(contest=contest).user
    with pytest.raises(PermissionDenied):
        score_record(assignment=assignment, actor=stranger, criterion=criteria[0], value=5)


def test_score_record_refused_for_an_expert_assigned_to_another_application_only(setup):
    contest, criteria, _application, assignment = setup
    other = AssignmentFactory(
        application=ApplicationFactory(contest=contest, status=ApplicationStatus.ADMITTED),
        expert=ExpertFactory(contest=contest),
    )
    with pytest.raises(PermissionDenied):
        score_record(assignment=assignment, actor=other.expert.user, criterion=criteria[0], value=5)


def test_score_record_refused_for_an_expert_with_a_declared_conflict(setup):
    _contest, criteria, application, assignment = setup
    ConflictFactory(expert=assignment.expert, organization=application.organization)
    with pytest.raises(PermissionDenied):
        score_record(assignment=assignment, actor=assignment.expert.user, criterion=criteria[0], value=5)


def test_score_record_refused_for_an_expert_who_belongs_to_the_applicant(setup):
    _contest, criteria, application, assignment = setup
    MembershipFactory(user=assignment.expert.user, organization=application.organization)
    with pytest.raises(PermissionDenied):
        score_record(assignment=assignment, actor=assignment.expert.user, criterion=criteria[0], value=5)


def test_score_record_refused_for_a_removed_expert_and_the_organiser(setup):
    contest, criteria, _application, assignment = setup
    with pytest.raises(PermissionDenied):
        score_record(assignment=assignment, actor=chair_of(contest.organizer), criterion=criteria[0], value=5)
    assignment.expert.status = ExpertStatus.REMOVED
    assignment.expert.save()
    with pytest.raises(PermissionDenied):
        score_record(assignment=assignment, actor=assignment.expert.user, criterion=criteria[0], value=5)


@pytest.mark.parametrize(
    ("index", "value", "code"),
    [(0, "11", "out_of_scale"), (0, "-1", "out_of_scale"), (1, "0", "out_of_scale"), (0, "abc", "invalid"),
     (0, "7.555", "precision"), (0, "NaN", "invalid")],
)  # fmt: skip
def test_score_record_refuses_a_value_outside_the_scale_or_not_a_number(setup, index, value, code):
    _contest, criteria, _application, assignment = setup
    with pytest.raises(ValidationError) as excinfo:
        score_record(assignment=assignment, actor=assignment.expert.user, criterion=criteria[index], value=value)
    assert excinfo.value.error_dict["value"][0].code == code
    assert not Score.objects.exists()


@pytest.mark.parametrize("status", [ContestStatus.REVIEW, ContestStatus.RANKING, ContestStatus.FINISHED])
def test_score_record_refused_outside_expert_evaluation(setup, status):
    contest, criteria, _application, assignment = setup
    contest.status = status
    contest.save()
    with pytest.raises(ValidationError) as excinfo:
        score_record(assignment=assignment, actor=assignment.expert.user, criterion=criteria[0], value=5)
    assert excinfo.value.code == "evaluation_closed"


def test_score_record_refuses_a_criterion_of_another_contest(setup):
    _contest, _criteria, _application, assignment = setup
    foreign = CriterionFactory()
    with pytest.raises(ValidationError) as excinfo:
        score_record(assignment=assignment, actor=assignment.expert.user, criterion=foreign, value=5)
    assert excinfo.value.error_dict["value"][0].code == "other_contest"


def test_scores_record_validates_all_before_writing_any(setup):
    _contest, criteria, _application, assignment = setup
    with pytest.raises(ValidationError) as excinfo:
        scores_record(
            assignment=assignment,
            actor=assignment.expert.user,
            values={criteria[0].pk: (8, "хорошо"), criteria[1].pk: (9, "слишком")},
        )
    assert list(excinfo.value.error_dict) == [f"criterion_{criteria[1].pk}"]
    assert not Score.objects.exists()


def test_assignment_complete_requires_every_criterion(setup):
    _contest, criteria, application, assignment = setup
    user = assignment.expert.user
    score_record(assignment=assignment, actor=user, criterion=criteria[0], value=8)
    with pytest.raises(ValidationError) as excinfo:
        assignment_complete(assignment=assignment, actor=user, now=NOW)
    assert excinfo.value.code == "incomplete"
    assert criteria[1].name in excinfo.value.message
    score_record(assignment=assignment, actor=user, criterion=criteria[1], value=3)
    assignment_complete(assignment=assignment, actor=user, now=NOW)
    assignment.refresh_from_db()
    assert assignment.completed_at == NOW
    assert "evaluation_complete" in [e.action for e in audit_history(obj=application)]


def test_assignment_complete_refused_to_someone_else(setup):
    _contest, _criteria, _application, assignment = setup
    with pytest.raises(PermissionDenied):
        assignment_complete(assignment=assignment, actor=UserFactory(), now=NOW)
