"""Experts of a contest: invitations and answers, conflicts of interest, automatic balanced assignment and
adjustments by hand, each audited."""

import datetime
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from localbridge.accounts.tests.factories import UserFactory
from localbridge.contests.events import ExpertInvited
from localbridge.contests.models import (
    ApplicationStatus,
    Assignment,
    Conflict,
    ContestStatus,
    ExpertStatus,
)
from localbridge.contests.services.experts import (
    assignment_add,
    assignment_remove,
    assignments_auto,
    conflict_declare,
    conflict_withdraw,
    expert_invite,
    expert_remove,
    expert_respond,
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
from localbridge.core import events as core_events
from localbridge.core.audit import audit_history
from localbridge.organizations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 4, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def invited_events():
    received: list = []
    core_events.subscribe(ExpertInvited, received.append)
    yield received
    core_events._subscribers[ExpertInvited].remove(received.append)


def admitted(contest, **kwargs):
    return ApplicationFactory(contest=contest, status=ApplicationStatus.ADMITTED, submitted_at=NOW, **kwargs)


# --- invitations ---------------------------------------------------------------------------------------------


def test_expert_invite_creates_an_invited_expert_audits_and_emits(invited_events, django_capture_on_commit_callbacks):
    contest = ContestFactory(status=ContestStatus.ANNOUNCED)
    organizer = chair_of(contest.organizer)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        expert = expert_invite(contest=contest, actor=organizer, user=user, now=NOW)
    assert expert.status == ExpertStatus.INVITED
    assert expert.invited_by == organizer
    assert [e.expert_id for e in invited_events] == [expert.pk]
    assert [entry.action for entry in audit_history(obj=expert)] == ["invite"]


def test_expert_invite_refused_to_a_non_organiser():
    contest = ContestFactory(status=ContestStatus.ANNOUNCED)
    with pytest.raises(PermissionDenied):
        expert_invite(contest=contest, actor=UserFactory(), user=UserFactory(), now=NOW)


def test_expert_invite_twice_is_refused():
    contest = ContestFactory(status=ContestStatus.ANNOUNCED)
    organizer = chair_of(contest.organizer)
    user = UserFactory()
    expert_invite(contest=contest, actor=organizer, user=user, now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        expert_invite(contest=contest, actor=organizer, user=user, now=NOW)
    assert excinfo.value.error_dict["user"][0].code == "already_invited"


def test_expert_invite_again_after_a_decline():
    contest = ContestFactory(status=ContestStatus.ANNOUNCED)
    expert = ExpertFactory(contest=contest, status=ExpertStatus.DECLINED)
    again = expert_invite(contest=contest, actor=chair_of(contest.organizer), user=expert.user, now=NOW)
    assert again.pk == expert.pk and again.status == ExpertStatus.INVITED


def test_expert_invite_refused_after_evaluation():
    contest = ContestFactory(status=ContestStatus.RANKING)
    with pytest.raises(ValidationError) as excinfo:
        expert_invite(contest=contest, actor=chair_of(contest.organizer), user=UserFactory(), now=NOW)
    assert excinfo.value.code == "wrong_stage"


@pytest.mark.parametrize(("accept", "status"), [(True, ExpertStatus.ACCEPTED), (False, ExpertStatus.DECLINED)])
def test_expert_respond_by_the_invited_user(accept, status):
    expert = ExpertFactory(contest__status=ContestStatus.ANNOUNCED, status=ExpertStatus.INVITED)
    expert_respond(expert=expert, actor=expert.user, accept=accept, now=NOW)
    expert.refresh_from_db()
    assert expert.status == status
    assert expert.responded_at == NOW


def test_expert_respond_refused_to_someone_else():
    expert = ExpertFactory(contest__status=ContestStatus.ANNOUNCED, status=ExpertStatus.INVITED)
    with pytest.raises(PermissionDenied):
        expert_respond(expert=expert, actor=chair_of(expert.contest.organizer), accept=True, now=NOW)


def test_expert_respond_twice_is_refused():
    expert = ExpertFactory(contest__status=ContestStatus.ANNOUNCED, status=ExpertStatus.ACCEPTED)
    with pytest.raises(ValidationError) as excinfo:
        expert_respond(expert=expert, actor=expert.user, accept=False, now=NOW)
    assert excinfo.value.code == "already_answered"


def test_expert_remove_drops_unfinished_assignments_and_keeps_completed():
    contest = ContestFactory(status=ContestStatus.EVALUATION)
    expert = ExpertFactory(contest=contest)
    open_one = AssignmentFactory(application=admitted(contest), expert=expert)
    done = AssignmentFactory(application=admitted(contest), expert=expert, completed_at=NOW)
    expert_remove(expert=expert, actor=chair_of(contest.organizer), now=NOW)
    expert.refresh_from_db()
    assert expert.status == ExpertStatus.REMOVED
    assert not Assignment.objects.filter(pk=open_one.pk).exists()
    assert Assignment.objects.filter(pk=done.pk).exists()
    assert "unassign_expert" in [e.action for e in audit_history(obj=open_one.application)]


# --- conflicts -----------------------------------------------------------------------------------------------


def test_conflict_declare_by_the_expert_withdraws_their_assignments_to_that_organisation():
    contest = ContestFactory(status=ContestStatus.EVALUATION)
    expert = ExpertFactory(contest=contest)
    application = admitted(contest)
    assignment = AssignmentFactory(application=application, expert=expert)
    score = ScoreFactory(assignment=assignment)
    other = AssignmentFactory(application=admitted(contest), expert=expert)
    conflict = conflict_declare(
        expert=expert, actor=expert.user, organization=application.organization, comment="Сестра — председатель"
    )
    assert conflict.organization == application.organization
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert Assignment.objects.filter(pk=other.pk).exists()
    entry = [e for e in audit_history(obj=application) if e.action == "unassign_expert"][0]
    assert entry.data["old"]["scores"][str(score.criterion_id)]["value"] == "7.00"
    assert entry.data["reason"] == "conflict"


def test_conflict_declare_twice_is_refused():
    expert = ExpertFactory(contest__status=ContestStatus.ANNOUNCED)
    organization = admitted(expert.contest).organization
    conflict_declare(expert=expert, actor=expert.user, organization=organization)
    with pytest.raises(ValidationError) as excinfo:
        conflict_declare(expert=expert, actor=expert.user, organization=organization)
    assert excinfo.value.error_dict["organization"][0].code == "already_declared"


def test_conflict_declare_refused_to_another_user():
    expert = ExpertFactory(contest__status=ContestStatus.ANNOUNCED)
    with pytest.raises(PermissionDenied):
        conflict_declare(expert=expert, actor=UserFactory(), organization=admitted(expert.contest).organization)


def test_conflict_withdraw_by_the_organiser_is_audited():
    expert = ExpertFactory(contest__status=ContestStatus.ANNOUNCED)
    organization = admitted(expert.contest).organization
    conflict = conflict_declare(expert=expert, actor=expert.user, organization=organization)
    conflict_withdraw(conflict=conflict, actor=chair_of(expert.contest.organizer), now=NOW)
    assert not Conflict.objects.filter(pk=conflict.pk).exists()
    entry = [e for e in audit_history(obj=expert) if e.action == "conflict_withdraw"][0]
    assert entry.data["old"]["organization"] == organization.pk


# --- assignment ----------------------------------------------------------------------------------------------


def test_assignments_auto_balances_and_respects_conflicts_and_memberships():
    contest = ContestFactory(status=ContestStatus.EVALUATION, experts_per_application=2)
    CriterionFactory(contest=contest)
    applications = [admitted(contest) for _ in range(6)]
    experts = [ExpertFactory(contest=contest) for _ in range(4)]
    ExpertFactory(contest=contest, status=ExpertStatus.DECLINED)
    ConflictFactory(expert=experts[0], organization=applications[0].organization)
    MembershipFactory(user=experts[1].user, organization=applications[1].organization)
    ApplicationFactory(contest=contest, status=ApplicationStatus.NOT_ADMITTED)
    created = assignments_auto(contest=contest, actor=chair_of(contest.organizer), now=NOW)
    assert created == 12
    per_app = Counter(Assignment.objects.values_list("application_id", flat=True))
    assert set(per_app.values()) == {2} and set(per_app) == {a.pk for a in applications}
    loads = Counter(Assignment.objects.values_list("expert_id", flat=True))
    assert sorted(loads.values()) == [3, 3, 3, 3]
    assert not Assignment.objects.filter(application=applications[0], expert=experts[0]).exists()
    assert not Assignment.objects.filter(application=applications[1], expert=experts[1]).exists()
    assert [e.action for e in audit_history(obj=contest)] == ["assign_experts"]


def test_assignments_auto_keeps_existing_assignments():
    contest = ContestFactory(status=ContestStatus.REVIEW, experts_per_application=2)
    application = admitted(contest)
    experts = [ExpertFactory(contest=contest) for _ in range(3)]
    AssignmentFactory(application=application, expert=experts[0], manual=True)
    assert assignments_auto(contest=contest, actor=chair_of(contest.organizer), now=NOW) == 1
    assert assignments_auto(contest=contest, actor=chair_of(contest.organizer), now=NOW) == 0
    assert Assignment.objects.filter(application=application).count() == 2


def test_assignments_auto_impossible_names_the_application_and_writes_nothing():
    contest = ContestFactory(status=ContestStatus.EVALUATION, experts_per_application=2)
    application = admitted(contest, number="2026-0001")
    expert = ExpertFactory(contest=contest)
    ExpertFactory(contest=contest)
    ConflictFactory(expert=expert, organization=application.organization)
    with pytest.raises(ValidationError) as excinfo:
        assignments_auto(contest=contest, actor=chair_of(contest.organizer), now=NOW)
    assert excinfo.value.code == "assignment_impossible"
    assert "2026-0001" in excinfo.value.message
    assert not Assignment.objects.exists()


def test_assignments_auto_refused_to_a_non_organiser_and_outside_its_stages():
    contest = ContestFactory(status=ContestStatus.EVALUATION)
    with pytest.raises(PermissionDenied):
        assignments_auto(contest=contest, actor=UserFactory(), now=NOW)
    contest = ContestFactory(status=ContestStatus.ANNOUNCED)
    with pytest.raises(ValidationError) as excinfo:
        assignments_auto(contest=contest, actor=chair_of(contest.organizer), now=NOW)
    assert excinfo.value.code == "wrong_stage"


def test_assignment_add_by_hand_and_remove_are_audited():
    contest = ContestFactory(status=ContestStatus.EVALUATION)
    application = admitted(contest)
    expert = ExpertFactory(contest=contest)
    organizer = chair_of(contest.organizer)
    assignment = assignment_add(application=application, expert=expert, actor=organizer, now=NOW)
    assert assignment.manual
    assignment_remove(assignment=assignment, actor=organizer, now=NOW)
    assert not Assignment.objects.exists()
    actions = [e.action for e in audit_history(obj=application)]
    assert actions == ["assign_expert", "unassign_expert"]


def test_assignment_add_refuses_a_conflicted_expert():
    contest = ContestFactory(status=ContestStatus.EVALUATION)
    application = admitted(contest)
    expert = ExpertFactory(contest=contest)
    MembershipFactory(user=expert.user, organization=application.organization)
    with pytest.raises(ValidationError) as excinfo:
        assignment_add(application=application, expert=expert, actor=chair_of(contest.organizer), now=NOW)
    assert excinfo.value.error_dict["expert"][0].code == "conflict"


def test_assignment_add_refuses_a_duplicate_and_an_expert_who_has_not_accepted():
    contest = ContestFactory(status=ContestStatus.EVALUATION)
    application = admitted(contest)
    organizer = chair_of(contest.organizer)
    expert = ExpertFactory(contest=contest)
    assignment_add(application=application, expert=expert, actor=organizer, now=NOW)
    with pytest.raises(ValidationError) as excinfo:
        assignment_add(application=application, expert=expert, actor=organizer, now=NOW)
    assert excinfo.value.error_dict["expert"][0].code == "already_assigned"
    invited = ExpertFactory(contest=contest, status=ExpertStatus.INVITED)
    with pytest.raises(ValidationError) as excinfo:
        assignment_add(application=application, expert=invited, actor=organizer, now=NOW)
    assert excinfo.value.error_dict["expert"][0].code == "not_accepted"
