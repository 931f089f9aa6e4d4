"""The permission matrix of contests (docs/contests.md, "Who may do what"): one case per role, permission and
stage. Permissions say who may act; whether the stage allows the action is the services' business, so only the
permissions that depend on the stage (view_contest, view_results, view_peer_scores) are checked at two stages."""

import pytest
from django.contrib.auth.models import AnonymousUser

from localbridge.accounts.tests.factories import UserFactory
from localbridge.contests.models import ApplicationStatus, ContestStatus
from localbridge.contests.tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    AssignmentFactory,
    ConflictFactory,
    ContestFactory,
    ExpertFactory,
    chair_of,
    staff_of,
)
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ROLES = (
    "public",
    "stranger",
    "applicant_chair",
    "applicant_member",
    "expert_assigned",
    "expert_not_assigned",
    "expert_declared_conflict",
    "expert_member_of_applicant",
    "organiser_staff",
    "platform_staff",
)
MANAGERS = {"organiser_staff", "platform_staff"}
EXPERTS = {"expert_assigned", "expert_not_assigned", "expert_declared_conflict", "expert_member_of_applicant"}

# (permission, object, contest status, roles that have it); every role not listed does not.
MATRIX = [
    ("view_contest", "contest", ContestStatus.DRAFT, MANAGERS),
    ("view_contest", "contest", ContestStatus.ANNOUNCED, set(ROLES)),
    ("change_contest", "contest", ContestStatus.ANNOUNCED, MANAGERS),
    ("manage_contest", "contest", ContestStatus.EVALUATION, MANAGERS),
    ("view_results", "contest", ContestStatus.RANKING, MANAGERS),
    ("view_results", "contest", ContestStatus.FINISHED, set(ROLES)),
    (
        "view_application",
        "application",
        ContestStatus.EVALUATION,
        # A member of the applicant reads it as a member, even while an expert of the contest.
        {"applicant_chair", "applicant_member", "expert_assigned", "expert_member_of_applicant", *MANAGERS},
    ),
    ("change_application", "application", ContestStatus.ANNOUNCED, {"applicant_chair"}),
    ("submit_application", "application", ContestStatus.ANNOUNCED, {"applicant_chair"}),
    ("review_application", "application", ContestStatus.REVIEW, MANAGERS),
    ("score_application", "application", ContestStatus.EVALUATION, {"expert_assigned"}),
    ("view_all_scores", "contest", ContestStatus.EVALUATION, MANAGERS),
    ("view_peer_scores", "contest", ContestStatus.EVALUATION, MANAGERS),
    ("view_peer_scores", "contest", ContestStatus.RANKING, MANAGERS | EXPERTS),
]

CASES = [
    pytest.param(
        permission, target, status, role, role in allowed, id=f"{permission}-{status}-{role}-{role in allowed}"
    )
    for permission, target, status, allowed in MATRIX
    for role in ROLES
]


@pytest.fixture
def world():
    """One contest, one submitted application, and a user in each role (every expert is assigned to the
    application except the one not assigned; the conflicted ones are assigned too, to show the conflict wins)."""
    contest = ContestFactory()
    applicant = ApplicantFactory()
    application = ApplicationFactory(contest=contest, organization=applicant, status=ApplicationStatus.SUBMITTED)
    users = {
        "public": AnonymousUser(),
        "stranger": UserFactory(),
        "applicant_chair": chair_of(applicant),
        "applicant_member": MembershipFactory(organization=applicant, role=MembershipRole.MEMBER).user,
        "organiser_staff": staff_of(contest.organizer),
        "platform_staff": UserFactory(is_staff=True),
    }
    for role in ("expert_assigned", "expert_not_assigned", "expert_declared_conflict", "expert_member_of_applicant"):
        expert = ExpertFactory(contest=contest)
        users[role] = expert.user
        if role != "expert_not_assigned":
            AssignmentFactory(application=application, expert=expert)
        if role == "expert_declared_conflict":
            ConflictFactory(expert=expert, organization=applicant)
        if role == "expert_member_of_applicant":
            MembershipFactory(organization=applicant, user=expert.user, role=MembershipRole.MEMBER)
    return contest, application, users


@pytest.mark.parametrize(("permission", "target", "status", "role", "expected"), CASES)
def test_permission_matrix(world, permission, target, status, role, expected):
    contest, application, users = world
    contest.status = status
    contest.save(update_fields=["status"])
    obj = contest if target == "contest" else application
    if target == "application":
        application.contest = contest  # the same row, with the status just set
    assert users[role].has_perm(f"contests.{permission}", obj) is expected


def test_inactive_chair_of_the_applicant_may_not_change_the_application(world):
    contest, application, users = world
    user = users["applicant_chair"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not user.has_perm("contests.change_application", application)


def test_expert_who_declined_may_not_score_an_assigned_application(world):
    contest, application, users = world
    contest.status = ContestStatus.EVALUATION
    contest.save(update_fields=["status"])
    expert = users["expert_assigned"].contest_experts.get(contest=contest)
    expert.status = "declined"
    expert.save(update_fields=["status"])
    assert not users["expert_assigned"].has_perm("contests.score_application", application)
