"""Reads of partnership proposals: a user's inbox and outbox, one proposal with its agreement, and what two
municipalities both seek (to pre-fill a proposal)."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import Q, QuerySet

from localbridge.core.rules import signed_in
from localbridge.organizations.models import Membership, MembershipRole, OrganizationKind
from localbridge.territories.models import Municipality

from . import finder
from .models import Agreement, AgreementKind, CooperationArea, MunicipalityInterest, PartnershipProposal, ProposalStatus

BOXES = ("received", "sent", "all")


def proposal_list() -> QuerySet[PartnershipProposal]:
    return (
        PartnershipProposal.objects.select_related(
            "from_municipality__country", "to_municipality__country", "agreement", "sent_by", "answered_by"
        )
        .prefetch_related("areas")
        .order_by("-created_at", "-pk")
    )


def proposal_get(*, id: int) -> PartnershipProposal:
    return proposal_list().get(pk=id)


def staff_municipality_ids(user: Any) -> QuerySet[Membership, int]:
    """The ids of the municipalities whose administration has `user` as active staff (a subquery)."""
    memberships = Membership.objects.filter(user_id=user.pk) if signed_in(user) else Membership.objects.none()
    return memberships.filter(
        is_active=True,
        role=MembershipRole.STAFF,
        organization__kind=OrganizationKind.ADMINISTRATION,
        organization__municipality__isnull=False,
    ).values_list("organization__municipality_id", flat=True)


def staff_municipalities(user: Any) -> list[Municipality]:
    if not signed_in(user):
        return []
    return list(Municipality.objects.filter(pk__in=staff_municipality_ids(user)).order_by("name_ru", "pk"))


def proposal_visible_to(user: Any) -> QuerySet[PartnershipProposal]:
    """Proposals sent or received by the user's municipalities; every proposal for platform staff (the SQL twin of
    the "cooperation.view_proposal" rule)."""
    proposals = proposal_list()
    if not signed_in(user):
        return proposals.none()
    if user.is_staff or user.is_superuser:
        return proposals
    ids = staff_municipality_ids(user)
    return proposals.filter(Q(from_municipality_id__in=ids) | Q(to_municipality_id__in=ids))


def proposal_box(user: Any, *, box: str = "received", status: str = "") -> QuerySet[PartnershipProposal]:
    """The user's received proposals (to their municipalities), sent ones (from them), or every proposal they may
    see ("all"), optionally in one status."""
    proposals = proposal_visible_to(user)
    if box == "received":
        proposals = proposals.filter(to_municipality_id__in=staff_municipality_ids(user))
    elif box == "sent":
        proposals = proposals.filter(from_municipality_id__in=staff_municipality_ids(user))
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    return proposals


def open_proposal(*, from_id: int, to_id: int) -> PartnershipProposal | None:
    return PartnershipProposal.objects.filter(
        from_municipality_id=from_id, to_municipality_id=to_id, status=ProposalStatus.SENT
    ).first()


def proposal_agreement(proposal: PartnershipProposal) -> Agreement | None:
    """The draft agreement an accepted proposal led to: its own, or, for a counter-proposal closed by accepting the
    other direction, the agreement of that one (accepted at the same moment)."""
    if proposal.agreement_id is not None:
        return proposal.agreement
    if proposal.status != ProposalStatus.ACCEPTED or proposal.answered_at is None:
        return None
    counter = (
        PartnershipProposal.objects.filter(
            from_municipality_id=proposal.to_municipality_id,
            to_municipality_id=proposal.from_municipality_id,
            status=ProposalStatus.ACCEPTED,
            answered_at=proposal.answered_at,
            agreement__isnull=False,
        )
        .select_related("agreement")
        .first()
    )
    return counter.agreement if counter is not None else None


def shared_areas(*, first_id: int, second_id: int) -> list[CooperationArea]:
    """The areas both municipalities seek; if only the second states any, those (what the partner looks for)."""
    sought: dict[int, set[int]] = {first_id: set(), second_id: set()}
    rows = MunicipalityInterest.objects.filter(municipality_id__in=[first_id, second_id], areas__isnull=False)
    for municipality_id, area_id in rows.values_list("municipality_id", "areas"):
        sought[municipality_id].add(area_id)
    wanted = sought[first_id] & sought[second_id] if sought[first_id] else sought[second_id]
    return list(CooperationArea.objects.filter(pk__in=wanted))


def _km(first: Municipality, second: Municipality) -> float | None:
    if first.latitude is None or first.longitude is None or second.latitude is None or second.longitude is None:
        return None
    lat1, lon1 = math.radians(first.latitude), math.radians(first.longitude)
    lat2, lon2 = math.radians(second.latitude), math.radians(second.longitude)
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * finder.EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def suggested_kind(first: Municipality, second: Municipality) -> str:
    """Cross-border cooperation for border neighbours (another country within the finder's border distance), else
    a partnership."""
    km = _km(first, second)
    if first.country_id != second.country_id and km is not None and km <= finder.BORDER_KM:
        return AgreementKind.CROSS_BORDER
    return AgreementKind.PARTNERSHIP
