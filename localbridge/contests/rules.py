"""Who may see and do what in contests, as django-rules predicates. The matrix is written down in
docs/contests.md and tested in tests/test_rules.py.

- Organisers: the active chair or staff of the contest's organiser organisation; platform staff and superusers
  too. They edit the call while it is a draft, move it through its stages, review applications, invite experts,
  assign them, see every score and confirm and publish the results.
- Organising organisations: a contest may be announced by a municipal administration or representative body, a
  regional authority, an association or a resource centre (ORGANIZER_KINDS), by its chair or staff.
- Applicants: the active chair or staff of the applicant organisation write, submit and withdraw its
  applications; its members may read them.
- Experts: a user invited to the contest who accepted; they see and score only their assigned applications, and
  never one of an organisation they belong to or declared a conflict with. Other experts' scores stay hidden
  from them until evaluation closes.
- The public sees announced contests and, once published, the results (scores by criterion, experts anonymous).

Permissions say who may act; whether the stage allows it (a deadline, a status) is the services' business.
"""

from typing import Any

import rules

from localbridge.core.rules import is_platform_staff, signed_in
from localbridge.organizations.models import Membership, MembershipRole, Organization, OrganizationKind

from .models import (
    PUBLIC_CONTEST_STATUSES,
    Application,
    Assignment,
    Conflict,
    Contest,
    ContestStatus,
    Expert,
    ExpertStatus,
)

ORGANIZER_KINDS = (
    OrganizationKind.ADMINISTRATION,
    OrganizationKind.REPRESENTATIVE_BODY,
    OrganizationKind.REGIONAL_AUTHORITY,
    OrganizationKind.ASSOCIATION_NATIONAL,
    OrganizationKind.ASSOCIATION_INTERNATIONAL,
    OrganizationKind.RESOURCE_CENTRE,
)
# Roles that act for an organisation: organise its contests, write its applications.
ACTING_ROLES = (MembershipRole.CHAIR, MembershipRole.STAFF)
# Statuses after which experts may see each other's scores.
SCORES_OPEN_STATUSES = (ContestStatus.RANKING, ContestStatus.FINISHED)


def acts_for(user: Any, organization_id: int | None) -> bool:
    """An active chair or staff role in the organisation (one query)."""
    if organization_id is None or not signed_in(user):
        return False
    return Membership.objects.filter(
        user=user, organization_id=organization_id, is_active=True, role__in=ACTING_ROLES
    ).exists()


def _contest_of(obj: Any) -> Contest | None:
    if isinstance(obj, Contest):
        return obj
    if isinstance(obj, Application):
        return obj.contest
    return None


@rules.predicate
def can_organize_for(user: Any, organization: Organization | None) -> bool:
    """The user may announce contests on behalf of `organization`."""
    return organization is not None and organization.kind in ORGANIZER_KINDS and acts_for(user, organization.pk)


@rules.predicate
def organizes_some(user: Any) -> bool:
    """The user acts for at least one organisation that may organise contests."""
    return (
        signed_in(user)
        and Membership.objects.filter(
            user=user, is_active=True, role__in=ACTING_ROLES, organization__kind__in=ORGANIZER_KINDS
        ).exists()
    )


@rules.predicate
def is_organizer(user: Any, obj: Contest | Application | None) -> bool:
    """The chair or staff of the contest's organiser (the object is a contest or one of its applications)."""
    contest = _contest_of(obj)
    return contest is not None and acts_for(user, contest.organizer_id)


@rules.predicate
def acts_for_organization(user: Any, organization: Organization | None) -> bool:
    """The chair or staff of `organization` (it may apply to contests; eligibility is the services' check)."""
    return organization is not None and acts_for(user, organization.pk)


@rules.predicate
def is_public_contest(user: Any, contest: Contest | None) -> bool:
    return contest is not None and contest.status in PUBLIC_CONTEST_STATUSES


@rules.predicate
def results_are_public(user: Any, contest: Contest | None) -> bool:
    return contest is not None and contest.status == ContestStatus.FINISHED


@rules.predicate
def is_applicant(user: Any, application: Application | None) -> bool:
    """The chair or staff of the applicant organisation."""
    return application is not None and acts_for(user, application.organization_id)


@rules.predicate
def is_applicant_member(user: Any, application: Application | None) -> bool:
    """Any active role in the applicant organisation."""
    if application is None or not signed_in(user):
        return False
    return Membership.objects.filter(user=user, organization_id=application.organization_id, is_active=True).exists()


def expert_of(user: Any, contest_id: int) -> Expert | None:
    """The user's accepted expert role in the contest, if any."""
    if not signed_in(user):
        return None
    return Expert.objects.filter(contest_id=contest_id, user=user, status=ExpertStatus.ACCEPTED).first()


@rules.predicate
def is_expert(user: Any, contest: Contest | None) -> bool:
    return contest is not None and expert_of(user, contest.pk) is not None


@rules.predicate
def is_invited_expert(user: Any, contest: Contest | None) -> bool:
    """Invited (whatever the answer so far): may accept or decline and declare conflicts."""
    return (
        contest is not None
        and signed_in(user)
        and Expert.objects.filter(contest=contest, user=user).exclude(status=ExpertStatus.REMOVED).exists()
    )


def is_conflicted(user: Any, application: Application) -> bool:
    """The user belongs to the applicant organisation, or declared a conflict with it as an expert."""
    if not signed_in(user):
        return False
    return (
        Membership.objects.filter(user=user, organization_id=application.organization_id, is_active=True).exists()
        or Conflict.objects.filter(
            expert__contest_id=application.contest_id, expert__user=user, organization_id=application.organization_id
        ).exists()
    )


@rules.predicate
def is_assigned_expert(user: Any, application: Application | None) -> bool:
    """An accepted expert assigned to this application, without a conflict with its applicant."""
    if application is None or not signed_in(user):
        return False
    assigned = Assignment.objects.filter(
        application=application, expert__user=user, expert__status=ExpertStatus.ACCEPTED
    ).exists()
    return assigned and not is_conflicted(user, application)


@rules.predicate
def scores_are_open(user: Any, contest: Contest | None) -> bool:
    return contest is not None and contest.status in SCORES_OPEN_STATUSES


manages = is_organizer | is_platform_staff

rules.add_perm("contests.add_contest", organizes_some | is_platform_staff)
rules.add_perm("contests.organize_for", can_organize_for | is_platform_staff)  # object: the organiser organisation
rules.add_perm("contests.view_contest", is_public_contest | manages)
rules.add_perm("contests.change_contest", manages)
rules.add_perm("contests.manage_contest", manages)  # stages, review, experts, assignment, results
rules.add_perm("contests.view_all_applications", manages)
rules.add_perm("contests.view_results", results_are_public | manages)
rules.add_perm("contests.view_all_scores", manages)  # every expert's scores, named
rules.add_perm("contests.view_peer_scores", manages | (is_expert & scores_are_open))  # other experts', anonymous
rules.add_perm("contests.respond_invitation", is_invited_expert)  # accept, decline, declare conflicts
rules.add_perm("contests.apply_as", acts_for_organization)  # object: the applicant organisation
rules.add_perm("contests.view_application", is_applicant_member | is_assigned_expert | manages)
rules.add_perm("contests.change_application", is_applicant)
rules.add_perm("contests.submit_application", is_applicant)
rules.add_perm("contests.withdraw_application", is_applicant)
rules.add_perm("contests.review_application", manages)
rules.add_perm("contests.score_application", is_assigned_expert)
