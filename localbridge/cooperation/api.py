"""Cooperation in the JSON API (/api/v1/cooperation/): partner suggestions, roadmaps, agreements and the twin-city
network (nodes and edges)."""

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from localbridge.api_auth import caller, read_auth
from localbridge.territories.models import Country, Municipality

from . import finder, selectors
from .models import Agreement, AgreementKind, AgreementParty, AgreementStatus, Roadmap

router = Router(tags=["cooperation"])


class ReasonOut(Schema):
    code: str = Field(description="partners_of_partners, border_neighbour, distance, similar_size, ...")
    contribution: float = Field(description="What this reason adds to the score")
    text: str


class SuggestionOut(Schema):
    id: int
    name: str
    name_en: str
    country: str = Field(description="ISO 3166-1 alpha-2")
    lat: float | None = Field(alias="latitude")
    lon: float | None = Field(alias="longitude")
    population: int | None
    score: float = Field(description="The sum of the reasons' contributions")
    reasons: list[ReasonOut]


class SuggestionFilters(Schema):
    limit: int = Field(10, ge=1, le=100)
    country: str | None = Field(None, min_length=2, max_length=2, description="Only this country (alpha-2)")
    max_km: float | None = Field(None, gt=0)
    min_population: int | None = Field(None, ge=0)
    max_population: int | None = Field(None, ge=0)
    area: str | None = Field(None, description="Only candidates that seek this area of cooperation (its code)")
    cross_border: bool = Field(False, description="Only border neighbours (within border_km across a border)")
    border_km: float = Field(finder.BORDER_KM, gt=0, le=2000)


@router.get("/municipalities/{municipality_id}/suggestions", response=list[SuggestionOut])
def suggestions(
    request: HttpRequest, municipality_id: int, filters: Query[SuggestionFilters]
) -> list[finder.Suggestion]:
    """Potential partners, best first, each with its score and the reasons that make it up."""
    get_object_or_404(Municipality, pk=municipality_id)
    return selectors.partner_suggestions(
        municipality_id=municipality_id,
        limit=filters.limit,
        filters=finder.Filters(
            country=filters.country.upper() if filters.country else None,
            max_km=filters.max_km,
            min_population=filters.min_population,
            max_population=filters.max_population,
            area=filters.area,
            cross_border_only=filters.cross_border,
        ),
        border_km=filters.border_km,
    )


# --- roadmaps -----------------------------------------------------------------------------------------------------


class RoadmapSideOut(Schema):
    kind: str = Field(description="municipality or association")
    id: int
    name: str
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 of a municipality")
    person: str = Field(description="The person or office that answers for the action on this side")


class RoadmapLinkOut(Schema):
    kind: str = Field(
        description="project, practice or event (a practice unpublished since it was linked and an event still in "
        "draft are left out; a cancelled event stays: its own page and API say it was cancelled)"
    )
    id: int
    title: str
    url: str


class RoadmapActionOut(Schema):
    id: int
    title: str
    description: str
    area: str | None = Field(None, description="The area of cooperation's code")
    starts_on: date | None
    due_on: date
    status: str = Field(description="planned, in_progress, done or cancelled")
    completed_on: date | None
    outcome: str
    late: bool = Field(description="Planned or in progress, and due before today for every responsible side")
    days_late: int
    responsibles: list[RoadmapSideOut]
    links: list[RoadmapLinkOut]


class RoadmapOwnerOut(Schema):
    id: int
    name: str


class RoadmapProgressOut(Schema):
    total: int
    done: int
    cancelled: int
    late: int
    percent_done: int = Field(description="Done out of the actions not cancelled")


class RoadmapOut(Schema):
    id: int
    title: str
    description: str
    starts_on: date | None
    ends_on: date | None
    agreement_id: int | None
    association: RoadmapOwnerOut | None = Field(None, description="The association whose programme it is")
    url: str
    progress: RoadmapProgressOut
    actions: list[RoadmapActionOut]


def _roadmap_side(side: Any) -> dict[str, Any]:
    if side.municipality_id is not None:
        municipality = side.municipality
        return {
            "kind": "municipality",
            "id": municipality.pk,
            "name": municipality.name,
            "country": municipality.country.code,
            "person": side.person,
        }
    return {"kind": "association", "id": side.organization_id, "name": side.organization.name, "person": side.person}


def _roadmap_links(action: Any) -> list[dict[str, Any]]:
    links = []
    for link in action.links.all():
        if link.project_id is not None:
            links.append(
                {
                    "kind": "project",
                    "id": link.project_id,
                    "title": link.project.title,
                    "url": reverse("projects:detail", args=[link.project_id]),
                }
            )
        elif link.practice_id is not None:
            if link.practice.is_published:  # a practice unpublished since it was linked is not shown
                links.append(
                    {
                        "kind": "practice",
                        "id": link.practice_id,
                        "title": link.practice.title,
                        "url": reverse("practices:detail", args=[link.practice_id]),
                    }
                )
        elif link.event.is_public:  # an event still in draft is not shown; a cancelled one is
            links.append(
                {
                    "kind": "event",
                    "id": link.event_id,
                    "title": link.event.title,
                    "url": reverse("events:detail", args=[link.event_id]),
                }
            )
    return links


def _roadmap_out(detail: selectors.RoadmapDetail) -> dict[str, Any]:
    roadmap = detail.roadmap
    return {
        "id": roadmap.pk,
        "title": roadmap.title,
        "description": roadmap.description,
        "starts_on": roadmap.starts_on,
        "ends_on": roadmap.ends_on,
        "agreement_id": roadmap.agreement_id,
        "association": (
            {"id": roadmap.association.pk, "name": roadmap.association.name} if roadmap.association else None
        ),
        "url": reverse("cooperation:roadmap", args=[roadmap.pk]),
        "progress": {
            "total": detail.total,
            "done": detail.done,
            "cancelled": detail.cancelled,
            "late": detail.late,
            "percent_done": detail.percent_done,
        },
        "actions": [
            {
                "id": row.action.pk,
                "title": row.action.title,
                "description": row.action.description,
                "area": row.action.area.code if row.action.area else None,
                "starts_on": row.action.starts_on,
                "due_on": row.action.due_on,
                "status": row.action.status,
                "completed_on": row.action.completed_on,
                "outcome": row.action.outcome,
                "late": row.late,
                "days_late": row.days_late,
                "responsibles": [_roadmap_side(side) for side in row.action.responsibles.all()],
                "links": _roadmap_links(row.action),
            }
            for row in detail.rows
        ],
    }


@router.get("/roadmaps/{int:roadmap_id}", response=RoadmapOut, auth=read_auth, summary="One roadmap")
def roadmap_detail(request: HttpRequest, roadmap_id: int) -> dict[str, Any]:
    """A roadmap with its actions (by due date): status, the late flag, the responsible sides and the results.
    Roadmaps of agreements not yet concluded are seen only by the parties' people (404 for others)."""
    try:
        roadmap = selectors.roadmap_get(id=roadmap_id)
    except Roadmap.DoesNotExist:
        raise Http404 from None
    if not caller(request).has_perm("cooperation.view_roadmap", roadmap):
        raise Http404
    return _roadmap_out(selectors.roadmap_detail(roadmap=roadmap))


@router.get(
    "/agreements/{int:agreement_id}/roadmaps",
    response=list[RoadmapOut],
    auth=read_auth,
    summary="The roadmaps of an agreement",
)
def agreement_roadmaps(request: HttpRequest, agreement_id: int) -> list[dict[str, Any]]:
    agreement = get_object_or_404(Agreement, pk=agreement_id)
    if not caller(request).has_perm("cooperation.view_agreement", agreement):
        raise Http404
    return [_roadmap_out(detail) for detail in selectors.agreement_roadmaps(agreement_id=agreement_id)]


# --- agreements -----------------------------------------------------------------------------------------------


class AgreementPartyOut(Schema):
    kind: str = Field(description="municipality or association")
    id: int
    name: str
    country: str | None = Field(description="ISO 3166-1 alpha-2 of the municipality or association")
    signatory: str


class AreaOut(Schema):
    code: str
    name: str


class AgreementListItem(Schema):
    id: int
    title: str
    kind: str
    kind_display: str
    status: str
    status_display: str
    parties: list[AgreementPartyOut]
    areas: list[AreaOut]
    signed_on: date | None
    signed_place: str
    starts_on: date | None
    ends_on: date | None = Field(description="Empty: open-ended")
    url: str


class AgreementPage(Schema):
    items: list[AgreementListItem]
    count: int


class AgreementDocumentOut(Schema):
    language: str
    title: str
    has_text: bool
    has_file: bool


class AgreementHistoryOut(Schema):
    action: str = Field(description="create, submit, return, sign, register, activate, end")
    from_status: str
    to_status: str
    at: datetime


class AgreementDetail(AgreementListItem):
    description: str
    registration_number: str
    registration_authority: str
    registered_on: date | None
    ended_on: date | None
    end_reason: str
    documents: list[AgreementDocumentOut] = Field(description="The agreement's text: one per language")
    report_years: list[int] = Field(description="Years with a yearly activity report, the latest first")
    history: list[AgreementHistoryOut] = Field(description="Every change of status, the oldest first")


class AgreementFilters(Schema):
    kind: AgreementKind | None = None
    status: AgreementStatus | None = None
    country: str | None = Field(None, min_length=2, max_length=2, description="A party's country (alpha-2)")
    municipality: int | None = Field(None, description="A party municipality's id")
    area: str | None = Field(None, description="An area of cooperation's code")
    limit: int = Field(25, ge=1, le=100)
    offset: int = Field(0, ge=0)


def _party_out(party: AgreementParty) -> dict[str, Any]:
    side = party.municipality or party.organization
    country = getattr(side, "country", None)
    return {
        "kind": "municipality" if party.municipality_id else "association",
        "id": side.pk if side is not None else 0,
        "name": str(side),
        "country": country.code if country is not None else None,
        "signatory": party.signatory,
    }


def _agreement_item(agreement: Agreement) -> dict[str, Any]:
    return {
        "id": agreement.pk,
        "title": agreement.title,
        "kind": agreement.kind,
        "kind_display": str(agreement.get_kind_display()),
        "status": agreement.status,
        "status_display": str(agreement.get_status_display()),
        "parties": [_party_out(p) for p in agreement.parties.all()],
        "areas": [{"code": a.code, "name": a.name} for a in agreement.areas.all()],
        "signed_on": agreement.signed_on,
        "signed_place": agreement.signed_place,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "url": reverse("cooperation:agreement", args=[agreement.pk]),
    }


@router.get("/agreements", response=AgreementPage, auth=read_auth, summary="List agreements")
def agreement_list(request: HttpRequest, filters: Query[AgreementFilters]) -> dict[str, Any]:
    """Agreements, the newest first: the concluded ones (signed, registered, active, ended) for everyone, and the
    drafts and those awaiting approval of the caller's own municipality or association. Filters: `kind`,
    `status`, `country` (a party's), `municipality` (a party's id), `area`. Paginated by `limit`/`offset` as
    `{"items": [...], "count": N}`; a constant number of queries per page."""
    data = filters.dict()
    limit, offset = data.pop("limit"), data.pop("offset")
    agreements = selectors.agreement_filter(
        selectors.agreement_visible_to(caller(request)),
        kind=data["kind"] or "",
        status=data["status"] or "",
        country=(data["country"] or "").upper(),
        area=data["area"] or "",
        municipality=data["municipality"],
    )
    return {
        "items": [_agreement_item(a) for a in agreements[offset : offset + limit]],
        "count": agreements.count(),
    }


@router.get("/agreements/{int:agreement_id}", response=AgreementDetail, auth=read_auth, summary="One agreement")
def agreement_detail(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    """An agreement with its parties, areas, term, registration, the languages of its text, the years of its
    reports and the dates of its changes of status. A draft is a 404 for all but its parties' people."""
    try:
        agreement = selectors.agreement_get(id=agreement_id)
    except Agreement.DoesNotExist:
        raise Http404 from None
    if not caller(request).has_perm("cooperation.view_agreement", agreement):
        raise Http404
    return {
        **_agreement_item(agreement),
        "description": agreement.description,
        "registration_number": agreement.registration_number,
        "registration_authority": agreement.registration_authority,
        "registered_on": agreement.registered_on,
        "ended_on": agreement.ended_on,
        "end_reason": agreement.end_reason,
        "documents": [
            {"language": d.language, "title": d.title, "has_text": bool(d.text), "has_file": bool(d.file)}
            for d in sorted(agreement.documents.all(), key=lambda d: d.language)
        ],
        "report_years": sorted((r.year for r in agreement.reports.all()), reverse=True),
        "history": [
            {"action": e.action, "from_status": e.from_status, "to_status": e.to_status, "at": e.at}
            for e in selectors.agreement_status_history(agreement=agreement)
        ],
    }


# --- the network ----------------------------------------------------------------------------------------------


class NetworkNodeOut(Schema):
    id: int
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2")
    lat: float | None
    lon: float | None
    population: int | None
    level: int = Field(
        description="0: the municipality asked for (or one of the country's); 1: a partner; 2: a partner's partner"
    )


class NetworkEdgeOut(Schema):
    source: int
    target: int
    source_kind: Literal["hekman", "agreement"] = Field(
        description="hekman: Wikipedia's lists of twin towns (CC BY-SA); agreement: an agreement on the platform"
    )


class NetworkOut(Schema):
    nodes: list[NetworkNodeOut]
    edges: list[NetworkEdgeOut]
    truncated: bool = Field(description="true when nodes were left out to keep within `limit`")
    center: int | None = Field(None, description="The municipality asked for")
    country: str | None = Field(None, description="The country asked for")
    credit: str = Field(description="Whom the links from Wikipedia must be credited to")


class NetworkQuery(Schema):
    municipality: int | None = Field(None, description="A municipality's id: its ego network")
    depth: int = Field(1, ge=1, le=2, description="1: partners; 2: also partners of partners")
    country: str | None = Field(None, min_length=2, max_length=2, description="A country (alpha-2): its network")
    limit: int = Field(selectors.GRAPH_NODE_CAP, ge=1, le=selectors.GRAPH_NODE_MAX, description="Nodes at most")


class CountryNodeOut(Schema):
    id: str = Field(description="ISO 3166-1 alpha-2")
    name: str
    links: int = Field(description="Links of the country's municipalities")
    domestic: int = Field(description="Links between two of the country's municipalities")


class CountryEdgeOut(Schema):
    source: str
    target: str
    weight: int = Field(description="Links between the two countries' municipalities")


class CountryNetworkOut(Schema):
    nodes: list[CountryNodeOut]
    edges: list[CountryEdgeOut]
    credit: str


NETWORK_CREDIT = "Twin-city links: Wikipedia contributors (Hekman dataset), CC BY-SA"


@router.get(
    "/network",
    response=NetworkOut,
    url_name="network",
    summary="The twin-city network of a municipality or a country",
)
def network(request: HttpRequest, query: Query[NetworkQuery]) -> dict[str, Any]:
    """Nodes (municipalities) and edges (links, with their source) of `?municipality=ID&depth=1|2` (the
    municipality, its partners and at depth 2 their partners, the partners with more links first) or of
    `?country=CC` (the country's linked municipalities, the most linked first, and their partners); at most
    `limit` nodes, with `truncated` saying whether some were left out."""
    if (query.municipality is None) == (query.country is None):
        raise ValidationError(
            {"municipality": ValidationError(_("Give either a municipality or a country."), code="scope_required")}
        )
    if query.municipality is not None:
        get_object_or_404(Municipality, pk=query.municipality)
        graph = selectors.network_graph_of_municipality(
            municipality_id=query.municipality, depth=query.depth, cap=query.limit
        )
    else:
        try:
            country = selectors.network_country_get(code=query.country or "")
        except Country.DoesNotExist:
            raise Http404 from None
        graph = selectors.network_graph_of_country(country=country, cap=query.limit)
    return {**graph, "credit": NETWORK_CREDIT}


@router.get(
    "/network/countries",
    response=CountryNetworkOut,
    url_name="network_countries",
    summary="The twin-city network between countries",
)
def network_countries(
    request: HttpRequest, min_weight: int = Query(1, ge=1, description="Leave out lighter edges")
) -> dict[str, Any]:
    """Countries as nodes and the links between their municipalities as edges weighted by their number, the
    heaviest first."""
    graph = selectors.network_graph_of_countries()
    return {
        "nodes": graph["nodes"],
        "edges": [e for e in graph["edges"] if e["weight"] >= min_weight],
        "credit": NETWORK_CREDIT,
    }
