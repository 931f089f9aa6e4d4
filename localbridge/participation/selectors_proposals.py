"""Reads of initiative proposals and residence: lists that filter and sort in SQL with what their pages show
selected in the same query, the administration's queue (overdue first), a resident's supports, the compact map
points, and the municipalities a user serves as staff."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.db.models import F, Q, QuerySet
from django.http import Http404

from localbridge.organizations.models import Membership, MembershipRole, OrganizationKind
from localbridge.participation.models import (
    Comment,
    Proposal,
    ProposalStatus,
    Residency,
    ResidencyStatus,
    Support,
)
from localbridge.territories.models import Municipality

SORTS = ("newest", "supported", "closest", "deadline")
OPEN_STATUSES = (ProposalStatus.COLLECTING, ProposalStatus.UNDER_REVIEW)
MAP_CAP = 2000
MAP_CACHE_SECONDS = 60


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def is_platform_staff(user: Any) -> bool:
    return _signed_in(user) and bool(user.is_staff or user.is_superuser)


def staff_municipality_ids(user: Any) -> list[int]:
    """The municipalities whose administration employs `user` (active staff memberships)."""
    if not _signed_in(user):
        return []
    return list(
        Membership.objects.filter(
            user=user,
            is_active=True,
            role=MembershipRole.STAFF,
            organization__kind=OrganizationKind.ADMINISTRATION,
            organization__municipality__isnull=False,
        )
        .values_list("organization__municipality_id", flat=True)
        .distinct()
    )


def chaired_tos_ids(user: Any) -> list[int]:
    if not _signed_in(user):
        return []
    return list(
        Membership.objects.filter(
            user=user, is_active=True, role=MembershipRole.CHAIR, organization__kind=OrganizationKind.TOS
        ).values_list("organization_id", flat=True)
    )


def municipality_get(pk: Any) -> Municipality:
    try:
        municipality = Municipality.objects.select_related("region").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        municipality = None
    if municipality is None:
        raise Http404
    return municipality


# --- proposals -------------------------------------------------------------------------------------------------


def proposal_list(
    *, municipality: Municipality | int | None = None, status: str | None = None, sort: str = "newest"
) -> QuerySet[Proposal]:
    """Published proposals (drafts are their authors' own), with municipality and author, filtered and sorted:
    newest published, most supported, closest to the threshold (those collecting first), the answer deadline."""
    proposals = Proposal.objects.exclude(status=ProposalStatus.DRAFT).select_related("municipality", "author")
    if municipality:
        proposals = proposals.filter(
            municipality_id=municipality.pk if isinstance(municipality, Municipality) else municipality
        )
    if status:
        proposals = proposals.filter(status=status)
    if sort == "supported":
        return proposals.order_by("-supports_count", "-pk")
    if sort == "closest":
        # Collecting first, then by the supports still missing: the generated column Proposal.closeness, indexed.
        return proposals.order_by("closeness", "-pk")
    if sort == "deadline":
        # The earliest answer date first, none last: the generated column Proposal.deadline_key, indexed.
        return proposals.order_by("deadline_key", "-pk")
    # Every published proposal has `published_at` (drafts, which lack it, are not listed): a plain descending
    # order, which the (municipality, published_at, id) index gives without sorting.
    return proposals.order_by("-published_at", "-pk")


def proposal_get(*, pk: int, user: Any) -> Proposal:
    """One proposal the user may see (drafts: the author and the municipality's staff), else Http404."""
    proposal = (
        Proposal.objects.select_related("municipality", "author", "settlement", "tos", "proposer_tos")
        .filter(pk=pk)
        .first()
    )
    if proposal is None or not user.has_perm("participation.view_proposal", proposal):
        raise Http404
    return proposal


def proposal_comments(proposal: Proposal, *, show_hidden: bool) -> QuerySet[Comment]:
    comments = Comment.objects.filter(proposal=proposal).select_related("author").order_by("created_at", "pk")
    return comments if show_hidden else comments.filter(is_hidden=False)


def proposal_queue(*, municipality_ids: list[int] | None) -> QuerySet[Proposal]:
    """Proposals with the administration, earliest answer date first (so the overdue come first); None means
    every municipality (platform staff)."""
    proposals = Proposal.objects.filter(status=ProposalStatus.UNDER_REVIEW).select_related("municipality", "author")
    if municipality_ids is not None:
        proposals = proposals.filter(municipality_id__in=municipality_ids)
    return proposals.order_by(F("answer_due").asc(nulls_last=True), "submitted_at", "pk")


def my_proposals(user: Any) -> QuerySet[Proposal]:
    return Proposal.objects.filter(author=user).select_related("municipality").order_by("-created_at", "-pk")


def supported_by(user: Any) -> QuerySet[Support]:
    """The user's supports, the latest first, with their proposals and municipalities."""
    return (
        Support.objects.filter(user=user)
        .select_related("proposal", "proposal__municipality")
        .order_by("-created_at", "-pk")
    )


def has_supported(user: Any, proposal: Proposal) -> bool:
    return _signed_in(user) and Support.objects.filter(proposal=proposal, user=user).exists()


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """ "south,west,north,east" in degrees, or None."""
    if not value:
        return None
    try:
        south, west, north, east = (float(part) for part in value.split(","))
    except ValueError:
        return None
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        return None
    return south, west, north, east


def map_status(value: str | None) -> str | None:
    """A published status to filter the map by, or None (an unknown value or a draft filters nothing)."""
    if value and value in ProposalStatus.values and value != ProposalStatus.DRAFT:
        return value
    return None


def proposal_map_data(
    *, municipality: int | None, bbox: str | None = None, status: str | None = None
) -> tuple[list[list[Any]], bool]:
    """([[id, lat, lon, status], …], truncated): published proposals with a point, at most MAP_CAP, newest first;
    within a bounding box and of one status when given; `truncated` when more than MAP_CAP matched (one row more
    is read to know it). Each answer is cached for a minute."""
    box = _bbox(bbox)
    status = map_status(status)
    key = (
        f"participation:proposal-map:v2:{municipality or 'all'}:{status or ''}:{','.join(map(str, box)) if box else ''}"
    )
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    proposals = Proposal.objects.exclude(status=ProposalStatus.DRAFT).filter(
        latitude__isnull=False, longitude__isnull=False
    )
    if municipality:
        proposals = proposals.filter(municipality_id=municipality)
    if status:
        proposals = proposals.filter(status=status)
    if box is not None:
        south, west, north, east = box
        proposals = proposals.filter(latitude__gte=south, latitude__lte=north)
        if west <= east:
            proposals = proposals.filter(longitude__gte=west, longitude__lte=east)
        else:  # across the antimeridian
            proposals = proposals.filter(Q(longitude__gte=west) | Q(longitude__lte=east))
    rows = list(proposals.order_by("-pk").values_list("pk", "latitude", "longitude", "status")[: MAP_CAP + 1])
    points: list[list[Any]] = [
        [pk, float(lat), float(lon), state]
        for pk, lat, lon, state in rows[:MAP_CAP]
        if lat is not None and lon is not None
    ]
    result = (points, len(rows) > MAP_CAP)
    cache.set(key, result, MAP_CACHE_SECONDS)
    return result


def proposal_map_points(
    *, municipality: int | None, bbox: str | None = None, status: str | None = None
) -> list[list[Any]]:
    """[[id, lat, lon, status], …] of published proposals with a point, at most MAP_CAP, newest first; by a
    bounding box (and a status) when given. Cached for a minute."""
    return proposal_map_data(municipality=municipality, bbox=bbox, status=status)[0]


def proposal_map_popup(pk: int) -> Mapping[str, Any] | None:
    """What a map marker's popup shows of a published proposal: id, title, status; None for a draft or none."""
    return Proposal.objects.exclude(status=ProposalStatus.DRAFT).filter(pk=pk).values("pk", "title", "status").first()


# --- residence -------------------------------------------------------------------------------------------------


def my_residencies(user: Any) -> QuerySet[Residency]:
    return (
        Residency.objects.filter(user=user)
        .select_related("municipality", "settlement", "tos")
        .order_by("-created_at", "-pk")
    )


def residency_queue(
    *, municipality_ids: list[int] | None = None, tos_ids: list[int] | None = None
) -> QuerySet[Residency]:
    """Claims awaiting confirmation, the oldest first: of the municipalities (None: every one), or of the ТОС."""
    residencies = Residency.objects.filter(status=ResidencyStatus.CLAIMED).select_related(
        "user", "municipality", "settlement", "tos"
    )
    if municipality_ids is not None:
        residencies = residencies.filter(municipality_id__in=municipality_ids)
    if tos_ids is not None:
        residencies = residencies.filter(tos_id__in=tos_ids)
    return residencies.order_by("created_at", "pk")


def residency_get(pk: int) -> Residency:
    residency = Residency.objects.select_related("user", "municipality", "tos").filter(pk=pk).first()
    if residency is None:
        raise Http404
    return residency
