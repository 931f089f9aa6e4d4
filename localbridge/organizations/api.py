"""The registry of organisations in the JSON API: GET /api/v1/organizations/ and /api/v1/organizations/{id}.

Reading needs no account: anonymous callers see public organisations; a session or a personal token shows what
`organization_visible_to` allows that user. A token that is sent but not accepted is refused (401), rather
than quietly treated as anonymous."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from localbridge.api_auth import caller as _caller
from localbridge.api_auth import read_auth

from . import selectors
from .models import Organization, OrganizationKind, OrganizationStatus

router = Router(tags=["organizations"])


KindName = Literal[tuple(OrganizationKind.values)]  # type: ignore[valid-type]
StatusName = Literal[tuple(OrganizationStatus.values)]  # type: ignore[valid-type]


class OrganizationFilters(Schema):
    kind: KindName | None = None  # type: ignore[valid-type]
    region: str | None = None
    municipality: int | None = None
    status: StatusName | None = None  # type: ignore[valid-type]
    legal_entity: bool | None = None
    q: str | None = None


class RegionRef(Schema):
    code: str
    name: str


class MunicipalityRef(Schema):
    id: int
    name: str


class SettlementRef(Schema):
    id: int
    name: str


def _region(obj: Organization) -> dict[str, str] | None:
    return {"code": obj.region.code, "name": obj.region.name} if obj.region else None


def _municipality(obj: Organization) -> dict[str, Any] | None:
    return {"id": obj.municipality.pk, "name": obj.municipality.name} if obj.municipality else None


class _OrganizationFields(Schema):
    id: int
    kind: str
    kind_display: str
    name: str
    short_name: str
    name_en: str
    status: str
    status_display: str
    region: RegionRef | None
    municipality: MunicipalityRef | None
    is_legal_entity: bool
    ogrn: str
    registry_number: str | None
    is_generated: bool
    url: str


class OrganizationListItem(_OrganizationFields):
    @staticmethod
    def resolve_kind_display(obj: Organization) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_display(obj: Organization) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_region(obj: Organization) -> dict[str, str] | None:
        return _region(obj)

    @staticmethod
    def resolve_municipality(obj: Organization) -> dict[str, Any] | None:
        return _municipality(obj)

    @staticmethod
    def resolve_url(obj: Organization) -> str:
        return reverse("organizations:detail", args=[obj.pk])


class LeaderOut(Schema):
    name: str
    role: str
    role_display: str
    source: Literal["member", "elected"]


class DocumentOut(Schema):
    id: int
    title: str
    kind: str
    kind_display: str
    content_type: str
    size: int
    is_public: bool
    created_at: datetime
    download_url: str


class TosTerritoryOut(Schema):
    name: str
    kind: str
    kind_display: str


class OrganizationDetail(_OrganizationFields):
    country: str
    settlement: SettlementRef | None
    territory: TosTerritoryOut | None
    description: str
    website: str
    email: str
    phone: str
    address: str
    founded_on: date | None
    legal_registered_on: date | None
    registered_at: datetime | None
    leaders: list[LeaderOut]
    documents: list[DocumentOut]


class OrganizationPagination(LimitOffsetPagination):
    """limit/offset over the registry, slicing primary keys first (see selectors.organization_ids)."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        limit = min(pagination.limit, self.max_limit)
        return {
            self.items_attribute: selectors.organization_page(queryset, offset=pagination.offset, limit=limit),
            "count": self._items_count(queryset),
        }


@router.get("/", response=list[OrganizationListItem], auth=read_auth, summary="List organisations")
@paginate(OrganizationPagination)
def organization_list(request: HttpRequest, filters: Query[OrganizationFilters]) -> Any:
    """The registry, filtered: `kind`, `region` (ISO 3166-2 code, e.g. RU-AMU), `municipality` (id), `status`,
    `legal_entity` (true/false), `q` (name, short or English name, registry number, ТОС territory)."""
    return selectors.organization_list(user=_caller(request), **filters.dict())


@router.get("/{int:organization_id}", response=OrganizationDetail, auth=read_auth, summary="One organisation")
def organization_detail(request: HttpRequest, organization_id: int) -> dict[str, Any]:
    user = _caller(request)
    organization = selectors.organization_get(pk=organization_id, user=user)
    insider = selectors.organization_is_insider(organization=organization, user=user)
    leaders = selectors.organization_leaders(organization)
    documents = selectors.document_list_visible(organization=organization, user=user, insider=insider)
    tos = getattr(organization, "tos", None) if organization.is_tos else None
    return {
        **{field: getattr(organization, field) for field in _PLAIN_FIELDS},
        "kind_display": str(organization.get_kind_display()),
        "status_display": str(organization.get_status_display()),
        "region": _region(organization),
        "municipality": _municipality(organization),
        "settlement": {"id": organization.settlement.pk, "name": organization.settlement.name}
        if organization.settlement
        else None,
        "country": organization.country.code,
        "territory": {
            "name": tos.territory_name,
            "kind": tos.territory_kind,
            "kind_display": str(tos.get_territory_kind_display()),
        }
        if tos is not None
        else None,
        "url": reverse("organizations:detail", args=[organization.pk]),
        "leaders": [
            {"name": m.full_name, "role": m.role, "role_display": str(m.get_role_display()), "source": "elected"}
            for m in leaders.body_members
        ]
        + [
            {
                "name": str(m.user.display_name),
                "role": m.role,
                "role_display": str(m.get_role_display()),
                "source": "member",
            }
            for m in leaders.memberships
        ],
        "documents": [
            {
                "id": d.pk,
                "title": d.title,
                "kind": d.kind,
                "kind_display": str(d.get_kind_display()),
                "content_type": d.content_type,
                "size": d.size,
                "is_public": d.is_public,
                "created_at": d.created_at,
                "download_url": request.build_absolute_uri(
                    reverse("organizations:document", args=[organization.pk, d.pk])
                ),
            }
            for d in documents
        ],
    }


_PLAIN_FIELDS = (
    "id",
    "kind",
    "name",
    "short_name",
    "name_en",
    "status",
    "is_legal_entity",
    "ogrn",
    "registry_number",
    "is_generated",
    "description",
    "website",
    "email",
    "phone",
    "address",
    "founded_on",
    "legal_registered_on",
    "registered_at",
)
