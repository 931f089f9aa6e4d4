"""Reads of the organisation registry. Who may see what is decided here, in SQL, never by a loop over rows:

- organisations in a public status (PUBLIC_STATUSES) are seen by everyone;
- the others only by the organisation's active members (any role), by the municipal staff of its municipality
  (an active "staff" membership in an administration of the same municipality), and by platform moderators
  (is_staff or is_superuser), who see everything.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from localbridge.core.text import normalize_for_search
from localbridge.territories.models import Municipality, Region

from .models import (
    PUBLIC_STATUSES,
    BodyMember,
    Document,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    OrganizationStatus,
)

# Columns the registry list and its exports show, fetched with the organisation in one query.
LIST_RELATED = ("region", "municipality", "settlement")


def registry_stats() -> dict[str, int]:
    return Organization.objects.filter(status__in=PUBLIC_STATUSES).aggregate(
        organizations=Count("pk"),
        tos=Count("pk", filter=Q(kind=OrganizationKind.TOS)),
        tos_legal=Count("pk", filter=Q(kind=OrganizationKind.TOS, is_legal_entity=True)),
    )


def user_is_moderator(user: Any) -> bool:
    """Platform moderators and admins see every organisation and every document."""
    return bool(user is not None and user.is_authenticated and (user.is_staff or user.is_superuser))


def _staff_municipality_ids(user: Any) -> QuerySet[Membership, Any]:
    """The municipalities whose administration employs `user` (a subquery, evaluated inside the caller's SQL)."""
    return Membership.objects.filter(
        user=user,
        is_active=True,
        role=MembershipRole.STAFF,
        organization__kind=OrganizationKind.ADMINISTRATION,
        organization__municipality__isnull=False,
    ).values("organization__municipality_id")


def _insider_q(user: Any) -> Q:
    """Organisations `user` belongs to, or that act in a municipality whose administration employs `user`."""
    member_of = Membership.objects.filter(user=user, is_active=True).values("organization_id")
    return Q(pk__in=member_of) | Q(municipality_id__in=_staff_municipality_ids(user))


HIDDEN_STATUSES = tuple(s for s in OrganizationStatus if s not in PUBLIC_STATUSES)


def _public_q(*, scanning: bool) -> Q:
    """ "In a public status", spelt for the query at hand. Both spellings select the same rows (status is never
    null). `status IN (public ones)` lets a plain list be answered from the (status, name) index; when every
    row must be read anyway (a substring search), `status NOT IN (hidden ones)` keeps SQLite from walking that
    index and fetching 30,000 rows one by one, which took five times as long as reading the table through."""
    return ~Q(status__in=HIDDEN_STATUSES) if scanning else Q(status__in=PUBLIC_STATUSES)


def organization_visible_to(user: Any, *, scanning: bool = False) -> QuerySet[Organization]:
    """Every organisation `user` may see (anonymous users pass None or an AnonymousUser). `scanning` says the
    caller adds a condition that reads every row (see _public_q)."""
    organizations = Organization.objects.all()
    if user_is_moderator(user):
        return organizations
    public = _public_q(scanning=scanning)
    if user is None or not user.is_authenticated:
        return organizations.filter(public)
    return organizations.filter(public | _insider_q(user))


def organization_is_insider(*, organization: Organization, user: Any) -> bool:
    """Whether `user` sees the organisation's non-public side (private documents, drafts): a member, the
    municipal staff of its municipality, or a moderator. One query at most."""
    if user is None or not user.is_authenticated:
        return False
    if user_is_moderator(user):
        return True
    return Organization.objects.filter(_insider_q(user), pk=organization.pk).exists()


def status_choices_for(user: Any) -> list[tuple[str, Any]]:
    """The statuses `user` may filter the registry by: public ones for everyone, all of them for users who can
    see organisations that are not public (members, municipal staff, moderators). One query at most."""
    if user_is_moderator(user) or (
        user is not None and user.is_authenticated and Membership.objects.filter(user=user, is_active=True).exists()
    ):
        return list(OrganizationStatus.choices)
    return [(value, label) for value, label in OrganizationStatus.choices if value in PUBLIC_STATUSES]


def organization_list(
    *,
    user: Any,
    region: str | None = None,
    municipality: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    legal_entity: bool | None = None,
    q: str | None = None,
) -> QuerySet[Organization]:
    """The registry as `user` sees it, filtered and ordered by name. `region` is an ISO 3166-2 code."""
    needle = normalize_for_search(q or "")
    organizations = organization_visible_to(user, scanning=bool(needle))
    if region:
        organizations = organizations.filter(region__code=region)
    if municipality:
        organizations = organizations.filter(municipality_id=municipality)
    if kind:
        organizations = organizations.filter(kind=kind)
    if status:
        organizations = organizations.filter(status=status)
    if legal_entity is not None:
        organizations = organizations.filter(is_legal_entity=legal_entity)
    if needle:
        # search_text holds the names already normalised (casefolded, ё→е): the same on SQLite and PostgreSQL,
        # whose LIKE/ILIKE differ in how they fold Cyrillic.
        organizations = organizations.filter(search_text__contains=needle)
    return organizations.select_related(*LIST_RELATED).order_by("name", "pk")


def organization_ids(organizations: QuerySet[Organization]) -> QuerySet[Organization, int]:
    """The same list as primary keys only, in the same order: what to sort, count and slice a page from.

    A page is then loaded by `organizations_by_ids`. Sorting bare keys lets the database answer from the
    (status, name) index and join the region and municipality for 25 rows only; sorting the joined rows made
    SQLite join all 40,000 organisations before sorting them (180 ms against 2 ms; see docs/benchmarks.md)."""
    return organizations.values_list("pk", flat=True)


def organizations_by_ids(ids: list[int]) -> list[Organization]:
    """The organisations with these keys, in this order, with what the list shows (one query)."""
    if not ids:
        return []
    rows = Organization.objects.select_related(*LIST_RELATED).in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def organization_page(organizations: QuerySet[Organization], *, offset: int, limit: int) -> list[Organization]:
    """One page of a registry list (two queries, whatever the size of the registry)."""
    return organizations_by_ids(list(organization_ids(organizations)[offset : offset + limit]))


def organization_get(*, pk: int, user: Any) -> Organization:
    """One organisation with what its page shows, or Http404 when `user` may not see it."""
    organization = (
        organization_visible_to(user)
        .select_related("country", "region", "municipality", "settlement", "tos")
        .filter(pk=pk)
        .first()
    )
    if organization is None:
        raise Http404
    return organization


@dataclass(frozen=True)
class Leaders:
    """Who leads an organisation: platform users with a chair or staff role, and the elected body members the
    charter records (who need not have an account)."""

    memberships: list[Membership]
    body_members: list[BodyMember]

    def __bool__(self) -> bool:
        return bool(self.memberships or self.body_members)


def organization_leaders(organization: Organization) -> Leaders:
    memberships = list(
        Membership.objects.filter(
            organization=organization,
            is_active=True,
            role__in=[MembershipRole.CHAIR, MembershipRole.STAFF],
        )
        .select_related("user")
        .order_by("role", "user__full_name", "pk")
    )
    body_members = list(BodyMember.objects.filter(organization=organization).order_by("position", "pk"))
    return Leaders(memberships=memberships, body_members=body_members)


def document_list_visible(*, organization: Organization, user: Any, insider: bool | None = None) -> QuerySet[Document]:
    """The organisation's documents `user` may see: public ones, and all of them for insiders.
    Pass `insider` when it is already known, to save a query."""
    if insider is None:
        insider = organization_is_insider(organization=organization, user=user)
    documents = Document.objects.filter(organization=organization)
    if not insider:
        documents = documents.filter(is_public=True)
    return documents.order_by("-created_at", "pk")


def document_get(*, organization_pk: int, document_pk: int, user: Any) -> tuple[Document, bool]:
    """A document of an organisation `user` may see, and whether `user` may download it (a private document
    only for insiders). Http404 when the organisation or the document is not there for `user`."""
    document = (
        Document.objects.select_related("organization")
        .filter(pk=document_pk, organization__in=organization_visible_to(user).filter(pk=organization_pk))
        .first()
    )
    if document is None:
        raise Http404
    allowed = document.is_public or organization_is_insider(organization=document.organization, user=user)
    return document, allowed


def my_memberships(user: Any) -> QuerySet[Membership]:
    """The user's active roles, with their organisations (any status)."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organization", "organization__region", "organization__municipality")
        .order_by("organization__name", "organization_id", "role")
    )


def my_drafts(user: Any) -> QuerySet[Organization]:
    """Organisations the user started that are not public yet and in which they hold no role."""
    has_role = Membership.objects.filter(user=user, is_active=True, organization=OuterRef("pk"))
    return (
        Organization.objects.filter(created_by=user)
        .exclude(status__in=PUBLIC_STATUSES)
        .exclude(Exists(has_role))
        .select_related("region", "municipality")
        .order_by("-updated_at", "pk")
    )


def my_organizations(user: Any) -> dict[str, Any]:
    """What the "my organisations" page lists: the user's memberships with roles, and their drafts."""
    return {"memberships": my_memberships(user), "drafts": my_drafts(user)}


def filter_regions() -> QuerySet[Region]:
    """Regions offered by the registry filter (those with organisations come from every country)."""
    return Region.objects.order_by("country__code", "name_ru")


def filter_municipalities(*, region: str | None, municipality: int | None) -> list[Municipality]:
    """Municipalities offered by the registry filter: those of the chosen region, or else the one chosen."""
    if region:
        return list(Municipality.objects.filter(region__code=region).order_by("name_ru", "pk"))
    if municipality:
        return list(Municipality.objects.filter(pk=municipality))
    return []
