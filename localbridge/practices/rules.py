"""Who may see and do what in the practice bank, as django-rules predicates. The role matrix is written down in
docs/practices.md and tested in tests/test_rules.py.

- Moderators of the bank: platform moderators (Django staff or superusers) and association staff who curate it
  (an active "moderator" membership in a national or international association). A moderator does not moderate
  a practice they wrote (four eyes); a superuser may do everything.
- Editors of a practice: its author, and the active chair or staff of an organisation that authored it.
- `view_practice` is also a SQL filter (selectors.practice_visible_to): keep the two alike.

Permissions say who may act; whether the practice's status allows the move is the workflow's business
(models.PRACTICE_WORKFLOW), checked by the services. `change_practice` also requires an editable status.
"""

from typing import Any

import rules

from localbridge.core.rules import is_signed_in, signed_in
from localbridge.core.workflow import Transition
from localbridge.organizations.models import Membership, MembershipRole, Organization, OrganizationKind

from .models import EDITABLE_STATUSES, PRACTICE_WORKFLOW, Adoption, Practice, PracticeOrganizationRole, PracticeStatus

# Organisations whose "moderator" members curate the bank.
CURATING_KINDS = (OrganizationKind.ASSOCIATION_NATIONAL, OrganizationKind.ASSOCIATION_INTERNATIONAL)
# Roles that act for an organisation: they may edit its practices and delete adoptions it recorded.
EDITOR_ROLES = (MembershipRole.CHAIR, MembershipRole.STAFF)
# Roles that may record that their organisation adopted a practice.
ADOPTER_ROLES = (MembershipRole.CHAIR, MembershipRole.STAFF, MembershipRole.MEMBER)
# Statuses in which a practice that was never published may be deleted by its editors.
AUTHOR_DELETABLE_STATUSES = (PracticeStatus.DRAFT, PracticeStatus.RETURNED, PracticeStatus.REJECTED)


def curator_memberships(user: Any) -> Any:
    """The user's active moderator roles in curating associations (a queryset, to use as a subquery)."""
    return Membership.objects.filter(
        user=user, is_active=True, role=MembershipRole.MODERATOR, organization__kind__in=CURATING_KINDS
    )


def user_is_practice_moderator(user: Any) -> bool:
    """Whether `user` moderates the bank (one query at most)."""
    if not signed_in(user):
        return False
    return bool(user.is_staff or user.is_superuser or curator_memberships(user).exists())


@rules.predicate
def is_moderator(user: Any) -> bool:
    return user_is_practice_moderator(user)


@rules.predicate
def is_published(user: Any, practice: Practice | None) -> bool:
    return practice is not None and practice.status == PracticeStatus.PUBLISHED


@rules.predicate
def is_editable(user: Any, practice: Practice | None) -> bool:
    return practice is not None and practice.status in EDITABLE_STATUSES


@rules.predicate
def is_author(user: Any, practice: Practice | None) -> bool:
    return practice is not None and signed_in(user) and practice.author_id == user.pk


@rules.predicate
def is_member_of_its_organizations(user: Any, practice: Practice | None) -> bool:
    """Any active role in an organisation of the practice (author or partner)."""
    if practice is None or practice.pk is None or not signed_in(user):
        return False
    return Membership.objects.filter(
        user=user, is_active=True, organization__practice_links__practice=practice
    ).exists()


@rules.predicate
def is_editor_of_its_organizations(user: Any, practice: Practice | None) -> bool:
    """An active chair or staff role in an organisation that authored the practice."""
    if practice is None or practice.pk is None or not signed_in(user):
        return False
    return Membership.objects.filter(
        user=user,
        is_active=True,
        role__in=EDITOR_ROLES,
        organization__practice_links__practice=practice,
        organization__practice_links__role=PracticeOrganizationRole.AUTHOR,
    ).exists()


@rules.predicate
def is_deletable_by_editors(user: Any, practice: Practice | None) -> bool:
    return practice is not None and practice.published_at is None and practice.status in AUTHOR_DELETABLE_STATUSES


@rules.predicate
def can_act_for(user: Any, organization: Organization | None) -> bool:
    """An active chair, staff or member role in `organization` (it may record adoptions)."""
    if organization is None or not signed_in(user):
        return False
    return Membership.objects.filter(
        user=user, organization=organization, is_active=True, role__in=ADOPTER_ROLES
    ).exists()


@rules.predicate
def is_adoption_recorder(user: Any, adoption: Adoption | None) -> bool:
    return adoption is not None and signed_in(user) and adoption.created_by_id == user.pk


@rules.predicate
def leads_adopting_organization(user: Any, adoption: Adoption | None) -> bool:
    if adoption is None or not signed_in(user):
        return False
    return Membership.objects.filter(
        user=user, organization_id=adoption.organization_id, is_active=True, role__in=EDITOR_ROLES
    ).exists()


is_editor = is_author | is_editor_of_its_organizations
can_view = is_published | is_author | is_member_of_its_organizations | is_moderator
can_moderate = is_moderator & ~is_author

rules.add_perm("practices.view_practice", can_view)
rules.add_perm("practices.create_practice", is_signed_in)
rules.add_perm("practices.change_practice", is_editable & is_editor)
rules.add_perm("practices.delete_practice", (is_editor & is_deletable_by_editors) | is_moderator)
rules.add_perm("practices.submit_practice", is_editor)
rules.add_perm("practices.withdraw_practice", is_editor)
rules.add_perm("practices.resubmit_practice", is_editor)
rules.add_perm("practices.publish_practice", can_moderate)
rules.add_perm("practices.return_practice", can_moderate)
rules.add_perm("practices.reject_practice", can_moderate)
rules.add_perm("practices.unpublish_practice", can_moderate)
rules.add_perm("practices.restore_practice", can_moderate)
rules.add_perm("practices.recommend_practice", can_moderate)
rules.add_perm("practices.moderation_queue", is_moderator)
rules.add_perm("practices.manage_topics", is_moderator)
rules.add_perm("practices.record_adoption", can_act_for)  # the object is the adopting organisation
rules.add_perm("practices.change_adoption", is_adoption_recorder | leads_adopting_organization | is_moderator)
rules.add_perm("practices.delete_adoption", is_adoption_recorder | leads_adopting_organization | is_moderator)

# The permission each workflow move needs.
TRANSITION_PERMISSIONS = {
    "submit": "practices.submit_practice",
    "withdraw": "practices.withdraw_practice",
    "resubmit": "practices.resubmit_practice",
    "publish": "practices.publish_practice",
    "return": "practices.return_practice",
    "reject": "practices.reject_practice",
    "unpublish": "practices.unpublish_practice",
    "restore": "practices.restore_practice",
}


def allowed_moves(user: Any, practice: Practice) -> list[Transition]:
    """The workflow moves `user` may make on `practice` now (what a page offers as buttons)."""
    return [t for t in PRACTICE_WORKFLOW.available(practice) if user.has_perm(TRANSITION_PERMISSIONS[t.name], practice)]
