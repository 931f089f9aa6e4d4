"""Who may see and do what with an organisation, as django-rules predicates.

The role matrix is written down in docs/organizations-tos.md and tested in tests/test_tos_permissions.py.
`view_organization` is also implemented as a SQL filter (`organization_visible_to` in selectors.py): keep the two
alike.
"""

from typing import Any

import rules

from localbridge.core.rules import is_signed_in

from .models import (
    PUBLIC_STATUSES,
    TOS_EDITABLE_STATUSES,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    OrganizationStatus,
)


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def user_is_municipal_staff(user: Any, municipality_id: int | None) -> bool:
    """Whether `user` is staff of municipality `municipality_id`: an active "staff" membership in an organisation
    of kind "administration" of that municipality."""
    if not _signed_in(user) or municipality_id is None:
        return False
    return Membership.objects.filter(
        user=user,
        is_active=True,
        role=MembershipRole.STAFF,
        organization__kind=OrganizationKind.ADMINISTRATION,
        organization__municipality_id=municipality_id,
    ).exists()


def user_is_any_municipal_staff(user: Any) -> bool:
    if not _signed_in(user):
        return False
    return Membership.objects.filter(
        user=user,
        is_active=True,
        role=MembershipRole.STAFF,
        organization__kind=OrganizationKind.ADMINISTRATION,
        organization__municipality__isnull=False,
    ).exists()


@rules.predicate
def is_public(user: Any, organization: Organization | None) -> bool:
    return organization is not None and organization.status in PUBLIC_STATUSES


@rules.predicate
def is_active_member(user: Any, organization: Organization | None) -> bool:
    """Any active role in the organisation (chair, member, staff, expert, moderator)."""
    if organization is None or not _signed_in(user):
        return False
    return Membership.objects.filter(user=user, organization=organization, is_active=True).exists()


@rules.predicate
def is_chair(user: Any, organization: Organization | None) -> bool:
    if organization is None or not _signed_in(user):
        return False
    return Membership.objects.filter(
        user=user, organization=organization, role=MembershipRole.CHAIR, is_active=True
    ).exists()


@rules.predicate
def is_municipal_staff(user: Any, organization: Organization | None) -> bool:
    """Staff of the administration of the organisation's municipality."""
    return organization is not None and user_is_municipal_staff(user, organization.municipality_id)


@rules.predicate
def is_any_municipal_staff(user: Any) -> bool:
    return user_is_any_municipal_staff(user)


@rules.predicate
def is_moderator(user: Any) -> bool:
    """Platform moderators: Django staff or superusers."""
    return _signed_in(user) and (user.is_staff or user.is_superuser)


@rules.predicate
def is_superuser(user: Any) -> bool:
    return _signed_in(user) and user.is_superuser


@rules.predicate
def is_tos(user: Any, organization: Organization | None) -> bool:
    return organization is not None and organization.kind == OrganizationKind.TOS


@rules.predicate
def is_editable(user: Any, organization: Organization | None) -> bool:
    return organization is not None and organization.status in TOS_EDITABLE_STATUSES


@rules.predicate
def is_registered(user: Any, organization: Organization | None) -> bool:
    return organization is not None and organization.status == OrganizationStatus.REGISTERED


can_view = is_public | is_active_member | is_municipal_staff | is_moderator
can_change_tos = is_tos & is_editable & is_chair
can_review_tos = is_tos & (is_municipal_staff | is_superuser)

rules.add_perm("organizations.view_organization", can_view)
rules.add_perm("organizations.create_tos", is_signed_in)
rules.add_perm("organizations.change_tos", can_change_tos)
rules.add_perm("organizations.submit_tos", can_change_tos)
rules.add_perm("organizations.resubmit_tos", can_change_tos)
rules.add_perm("organizations.start_review_tos", can_review_tos)
rules.add_perm("organizations.return_tos", can_review_tos)
rules.add_perm("organizations.register_tos", can_review_tos)
rules.add_perm("organizations.refuse_tos", can_review_tos)
rules.add_perm("organizations.record_legal_entity", is_tos & is_registered & (is_chair | is_municipal_staff))
rules.add_perm("organizations.review_queue", is_any_municipal_staff | is_superuser)

# The permission each workflow move needs.
TRANSITION_PERMISSIONS = {
    "submit": "organizations.submit_tos",
    "resubmit": "organizations.resubmit_tos",
    "start_review": "organizations.start_review_tos",
    "return": "organizations.return_tos",
    "register": "organizations.register_tos",
    "refuse": "organizations.refuse_tos",
}
