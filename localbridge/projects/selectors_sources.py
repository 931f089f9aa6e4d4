"""What a user may make a project from: awarded contest applications, accepted initiative proposals and funded
participatory-budget winners that have no project yet, filtered in SQL by who may make it (the same people
rules.py lets create it). Three queries, each capped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from localbridge.contests.models import Application, ContestStatus
from localbridge.organizations.models import Membership, MembershipRole, Organization, OrganizationKind
from localbridge.participation.models import Proposal, ProposalStatus, VoteProject, VoteStatus

from .models import Project
from .rules import ACTING_ROLES, MEMBER_ROLES, signed_in

SOURCES_CAP = 100


@dataclass
class EligibleSources:
    awards: list[Application]
    proposals: list[Proposal]
    vote_projects: list[VoteProject]

    @property
    def empty(self) -> bool:
        return not (self.awards or self.proposals or self.vote_projects)


def _memberships(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, is_active=True)


def _staff_municipalities(user: Any) -> QuerySet[Any]:
    return (
        _memberships(user)
        .filter(role=MembershipRole.STAFF, organization__kind=OrganizationKind.ADMINISTRATION)
        .values("organization__municipality_id")
    )


def eligible_awards(user: Any) -> QuerySet[Application]:
    """Applications funded in a finished contest without a project, of organisations the user is a member of, or
    of contests their organisation organises (every one for platform staff)."""
    applications = Application.objects.filter(
        result__funded=True, result__amount__gt=0, contest__status=ContestStatus.FINISHED
    ).filter(~Exists(Project.objects.filter(application=OuterRef("pk"))))
    if not (user.is_staff or user.is_superuser):
        members = _memberships(user).filter(role__in=MEMBER_ROLES).values("organization_id")
        organisers = _memberships(user).filter(role__in=ACTING_ROLES).values("organization_id")
        applications = applications.filter(Q(organization_id__in=members) | Q(contest__organizer_id__in=organisers))
    return applications.select_related("contest", "organization", "result").order_by("-contest__pk", "pk")


def eligible_proposals(user: Any) -> QuerySet[Proposal]:
    """Accepted initiative proposals without a project, of the municipalities the user is staff of, or proposed by
    a ТОС they chair."""
    proposals = Proposal.objects.filter(status=ProposalStatus.ACCEPTED).filter(
        ~Exists(Project.objects.filter(proposal=OuterRef("pk")))
    )
    if not (user.is_staff or user.is_superuser):
        chaired = _memberships(user).filter(role=MembershipRole.CHAIR).values("organization_id")
        proposals = proposals.filter(
            Q(municipality_id__in=_staff_municipalities(user)) | Q(proposer_tos_id__in=chaired)
        )
    return proposals.select_related("municipality", "proposer_tos").order_by("-pk")


def eligible_vote_projects(user: Any) -> QuerySet[VoteProject]:
    """Funded projects of published participatory-budget votes without a project, of the municipalities the user
    is staff of."""
    vote_projects = VoteProject.objects.filter(vote__status=VoteStatus.PUBLISHED, result__funded=True).filter(
        ~Exists(Project.objects.filter(vote_project=OuterRef("pk")))
    )
    if not (user.is_staff or user.is_superuser):
        vote_projects = vote_projects.filter(vote__municipality_id__in=_staff_municipalities(user))
    return vote_projects.select_related("vote", "vote__municipality").order_by("-vote__pk", "pk")


def eligible_sources(user: Any) -> EligibleSources:
    if not signed_in(user):
        return EligibleSources([], [], [])
    return EligibleSources(
        awards=list(eligible_awards(user)[:SOURCES_CAP]),
        proposals=list(eligible_proposals(user)[:SOURCES_CAP]),
        vote_projects=list(eligible_vote_projects(user)[:SOURCES_CAP]),
    )


def owner_choices(user: Any) -> QuerySet[Organization]:
    """Organisations the user may create a project for: those they are a member of, and the organisations of the
    municipalities they are staff of (every active one for platform staff)."""
    organizations = Organization.objects.all()
    if not (user.is_staff or user.is_superuser):
        members = _memberships(user).filter(role__in=MEMBER_ROLES).values("organization_id")
        organizations = organizations.filter(Q(pk__in=members) | Q(municipality_id__in=_staff_municipalities(user)))
    return organizations.select_related("municipality").order_by("name")
