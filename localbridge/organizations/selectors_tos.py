"""Reads of the ТОС registration workflow: one ТОС with what its pages show, the reviewers' queue, and the
moves a user may make now. (The public registry's reads are in selectors.py.)"""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from localbridge.core.workflow import Transition

from .models import (
    TOS_PENDING_STATUSES,
    TOS_WORKFLOW,
    BodyMember,
    BodyRole,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    OrganizationStatus,
)
from .rules import TRANSITION_PERMISSIONS


def tos_queryset() -> QuerySet[Organization]:
    return Organization.objects.filter(kind=OrganizationKind.TOS).select_related(
        "municipality", "region", "settlement", "tos", "tos__charter", "tos__reviewer"
    )


def tos_get(*, pk: int) -> Organization:
    """A ТОС with its registration record, municipality and charter; 404 for an unknown id or another kind."""
    return get_object_or_404(tos_queryset(), pk=pk)


def tos_bodies(*, organization: Organization) -> list[BodyMember]:
    return list(
        BodyMember.objects.filter(organization=organization, role__in=[BodyRole.CHAIR, BodyRole.COUNCIL]).order_by(
            "position", "pk"
        )
    )


def reviewer_municipality_ids(*, user: Any) -> QuerySet[Any]:
    """The municipalities whose ТОС `user` reviews (a subquery, not a list)."""
    return Membership.objects.filter(
        user=user,
        is_active=True,
        role=MembershipRole.STAFF,
        organization__kind=OrganizationKind.ADMINISTRATION,
        organization__municipality__isnull=False,
    ).values("organization__municipality_id")


def tos_review_queue(*, user: Any) -> QuerySet[Organization]:
    """ТОС awaiting a decision (submitted or under review) in the municipalities `user` reviews (all of them for
    a superuser), the nearest deadline first."""
    queryset = tos_queryset().filter(status__in=TOS_PENDING_STATUSES)
    if not (getattr(user, "is_superuser", False) and user.is_active):
        queryset = queryset.filter(municipality_id__in=reviewer_municipality_ids(user=user))
    return queryset.order_by("tos__review_due_on", "tos__submitted_at", "pk")


def tos_allowed_moves(*, user: Any, organization: Organization) -> list[Transition]:
    """The workflow moves possible from the ТОС's current state that `user` may make."""
    if organization.kind != OrganizationKind.TOS:
        return []
    return [
        transition
        for transition in TOS_WORKFLOW.available(organization)
        if user.has_perm(TRANSITION_PERMISSIONS[transition.name], organization)
    ]


def tos_can_record_legal_entity(*, user: Any, organization: Organization) -> bool:
    return organization.status == OrganizationStatus.REGISTERED and user.has_perm(
        "organizations.record_legal_entity", organization
    )
