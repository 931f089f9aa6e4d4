"""Who may see and do what with projects, as django-rules predicates. The matrix is written down in
docs/projects.md and tested in tests/test_rules.py.

- Everyone, signed in or not, reads every project: implementation is public.
- The owner's members (an active chair, member or staff role in the owner organisation) run the project: its
  stages, milestones, budget plan, spending, documents and reports, and answer residents' notes.
- A project is created directly by a member of the owner organisation or by the staff of the owner's
  municipality; from a contest award by the applicant's members or the organiser's chair or staff; from an
  accepted initiative proposal by the municipality's staff or the proposing ТОС's chair; from a
  participatory-budget winner by the municipality's staff.
- The funder's chair or staff (without a funder, the staff of the project's municipality) accept or return the
  reports; they, the owner and the municipality's staff may cancel a project.
- Residents of the territory (a confirmed residence in the project's municipality) who are not the owner's
  members leave inspection notes and, once the project is completed, rate it. A note is marked resolved by its
  author, the funder's staff or the municipality's staff.
- Platform staff may do what the owner and the funder may (not inspect or rate: they are no residents by that).

Permissions say who may act; whether the project's stage or a report's status allows it is the services' check.
"""

from typing import Any

import rules

from localbridge.contests.models import Application
from localbridge.core.rules import is_platform_staff, signed_in
from localbridge.organizations.models import Membership, MembershipRole, Organization
from localbridge.organizations.rules import is_chair, user_is_municipal_staff
from localbridge.participation.models import Proposal, Residency, ResidencyStatus, VoteProject

from .models import Inspection, Project

# Roles that make a user one of the owner's people (they run the project).
MEMBER_ROLES = (MembershipRole.CHAIR, MembershipRole.MEMBER, MembershipRole.STAFF)
# Roles that act for an organisation as funder or organiser.
ACTING_ROLES = (MembershipRole.CHAIR, MembershipRole.STAFF)


def has_role(user: Any, organization_id: int | None, roles: tuple[str, ...]) -> bool:
    """An active membership of `user` in the organisation with one of `roles` (one query)."""
    if organization_id is None or not signed_in(user):
        return False
    return Membership.objects.filter(
        user=user, organization_id=organization_id, is_active=True, role__in=roles
    ).exists()


def is_resident_of(user: Any, municipality_id: int | None) -> bool:
    """A confirmed residence of `user` in the municipality (participation's verified residence)."""
    if municipality_id is None or not signed_in(user):
        return False
    return Residency.objects.filter(
        user=user, municipality_id=municipality_id, status=ResidencyStatus.CONFIRMED
    ).exists()


def _project(obj: Any) -> Project | None:
    if isinstance(obj, Project):
        return obj
    project = getattr(obj, "project", None)
    return project if isinstance(project, Project) else None


@rules.predicate
def is_owner_member(user: Any, obj: Any) -> bool:
    """An active chair, member or staff of the project's owner (the object: a project or one of its parts)."""
    project = _project(obj)
    return project is not None and has_role(user, project.owner_id, MEMBER_ROLES)


@rules.predicate
def is_funder_staff(user: Any, obj: Any) -> bool:
    """The chair or staff of the project's funder; without a funder, the staff of the project's municipality."""
    project = _project(obj)
    if project is None:
        return False
    if project.funder_id is None:
        return user_is_municipal_staff(user, project.municipality_id)
    return has_role(user, project.funder_id, ACTING_ROLES)


@rules.predicate
def is_municipal_staff(user: Any, obj: Any) -> bool:
    """Staff of the administration of the project's municipality."""
    project = _project(obj)
    return project is not None and user_is_municipal_staff(user, project.municipality_id)


@rules.predicate
def is_territory_resident(user: Any, obj: Any) -> bool:
    """A confirmed resident of the project's municipality."""
    project = _project(obj)
    return project is not None and is_resident_of(user, project.municipality_id)


@rules.predicate
def is_inspection_author(user: Any, inspection: Any) -> bool:
    return isinstance(inspection, Inspection) and signed_in(user) and inspection.author_id == user.pk


# --- creation: the object is the owner organisation, or the source the project is made from ---------------------


@rules.predicate
def may_create_for(user: Any, organization: Any) -> bool:
    """A member of the owner organisation, or staff of its municipality."""
    if not isinstance(organization, Organization):
        return False
    return has_role(user, organization.pk, MEMBER_ROLES) or user_is_municipal_staff(user, organization.municipality_id)


@rules.predicate
def may_create_from_award(user: Any, application: Any) -> bool:
    """A member of the applicant organisation, or the chair or staff of the contest's organiser."""
    if not isinstance(application, Application):
        return False
    return has_role(user, application.organization_id, MEMBER_ROLES) or has_role(
        user, application.contest.organizer_id, ACTING_ROLES
    )


@rules.predicate
def may_create_from_proposal(user: Any, proposal: Any) -> bool:
    """The staff of the proposal's municipality, or the chair of the ТОС that proposed it."""
    if not isinstance(proposal, Proposal):
        return False
    if user_is_municipal_staff(user, proposal.municipality_id):
        return True
    return proposal.proposer_tos_id is not None and is_chair(user, proposal.proposer_tos)


@rules.predicate
def may_create_from_vote_project(user: Any, vote_project: Any) -> bool:
    """The staff of the vote's municipality."""
    return isinstance(vote_project, VoteProject) and user_is_municipal_staff(user, vote_project.vote.municipality_id)


runs = is_owner_member | is_platform_staff
funds = is_funder_staff | is_platform_staff

rules.add_perm("projects.view_project", rules.always_allow)
rules.add_perm("projects.create_project", may_create_for | is_platform_staff)  # object: the owner organisation
rules.add_perm("projects.create_from_award", may_create_from_award | is_platform_staff)  # object: the application
rules.add_perm("projects.create_from_proposal", may_create_from_proposal | is_platform_staff)  # object: proposal
rules.add_perm("projects.create_from_vote_project", may_create_from_vote_project | is_platform_staff)
rules.add_perm("projects.change_project", runs)  # details, stages, milestones, budget, spending, documents, reports
rules.add_perm("projects.advance_project", runs)
rules.add_perm("projects.cancel_project", runs | is_funder_staff | is_municipal_staff)
rules.add_perm("projects.decide_report", funds)
rules.add_perm("projects.inspect_project", is_territory_resident & ~is_owner_member)
rules.add_perm("projects.answer_inspection", runs)  # object: the inspection note
rules.add_perm(
    "projects.resolve_inspection", is_inspection_author | is_funder_staff | is_municipal_staff | is_platform_staff
)
rules.add_perm("projects.rate_project", is_territory_resident & ~is_owner_member)
