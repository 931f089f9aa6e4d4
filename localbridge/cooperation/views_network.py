"""Cooperation's network pages beyond one municipality: a country's and a region's twin-city links with counts by
partner country, region and area (aggregated in SQL, a constant number of queries), graphs of the network (a
municipality's ego network, a country's network, the network of countries; drawn by static/cooperation/
network_graph.js from the API, with a table that says the same), and the agreement form's municipality picker
(an htmx fragment).

Thin: the selectors count and choose; the views shape rows for the templates."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from localbridge.core.pagination import paginate
from localbridge.territories.models import Country, Municipality, Region

from . import selectors
from .forms import party_options_for

LINKS_PER_PAGE = 50
TOP_MUNICIPALITIES = 20
MAP_POINTS = 1000  # the most linked municipalities of the scope on its map
TOP_COUNTRY_PAIRS = 50
DEPTHS = (1, 2)


def _country(code: str) -> Country:
    try:
        return selectors.network_country_get(code=code)
    except Country.DoesNotExist:
        raise Http404 from None


def _url_maker(name: str, placeholder: str) -> Any:
    """A function of a code or id giving the URL named `name` for it: reversed once, then filled in (a country's
    page lists a few hundred links to countries, regions and municipalities; reversing each costs more than the
    page's queries)."""
    template = reverse(f"cooperation:{name}", args=[placeholder])
    return lambda value: template.replace(f"/{placeholder}/", f"/{value}/")


def _rows_with_urls(rows: list[selectors.CountedRow], name: str | None) -> list[dict[str, Any]]:
    url = _url_maker(name, "XX") if name else None
    return [
        {
            "code": r.code,
            "name": r.name,
            "count": r.count,
            "share": r.share,
            "url": url(r.code) if url and r.code else "",
        }
        for r in rows
    ]


class _KnownLength:
    """A query whose number of rows is already known (the scope's totals), so that the paginator does not count
    them again."""

    def __init__(self, items: Any, length: int) -> None:
        self.items, self.length = items, length

    def count(self) -> int:
        return self.length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, key: Any) -> Any:
        return self.items[key]


def _scope_context(request: HttpRequest, scope: selectors.NetworkScope) -> dict[str, Any]:
    """What the country and the region pages share: totals, counts by partner country and by area, the most linked
    municipalities, the map's points and a page of the links."""
    on_map, linked_count = selectors.network_linked_municipalities(scope, limit=MAP_POINTS)
    areas, agreement_count = selectors.network_by_area(scope)
    totals = selectors.network_totals(scope)
    links = _KnownLength(selectors.network_link_list(scope), totals["links"])
    page = paginate(request, links, per_page=LINKS_PER_PAGE)
    network_url = _url_maker("network", "0")
    rows = []
    for link in page.object_list:
        home, partner = (
            (link.municipality_a, link.municipality_b)
            if link.a_in_scope
            else (link.municipality_b, link.municipality_a)
        )
        rows.append(
            {
                "link": link,
                "home": home,
                "partner": partner,
                "home_url": network_url(home.pk),
                "partner_url": network_url(partner.pk),
            }
        )
    page.object_list = rows
    points = [
        {"id": m.id, "name": m.name, "lat": m.latitude, "lon": m.longitude, "links": m.link_count}
        for m in on_map
        if m.latitude is not None and m.longitude is not None
    ]
    return {
        "totals": totals,
        "by_country": _rows_with_urls(selectors.network_by_partner_country(scope), "network_country"),
        "by_area": _rows_with_urls(areas, None),
        "agreement_count": agreement_count,
        "top": on_map[:TOP_MUNICIPALITIES],
        "linked_count": linked_count,
        "map_data": {"points": points, "truncated": linked_count > len(on_map)},
        "map_truncated": linked_count > len(on_map),
        "map_points": MAP_POINTS,
        "page": page,
        "section": "network_countries",
    }


def country(request: HttpRequest, code: str) -> HttpResponse:
    """A country's twin-city network: every link of its municipalities, counted by partner country, by region and
    by area of cooperation, the most linked municipalities and a map of them."""
    scope = selectors.NetworkScope(country=_country(code))
    context = _scope_context(request, scope)
    context.update(
        country=scope.country, by_region=_rows_with_urls(selectors.network_by_region(scope), "network_region")
    )
    return render(request, "cooperation/network_country.html", context)


def region(request: HttpRequest, code: str) -> HttpResponse:
    """A region's twin-city network: the same as a country's, for the municipalities of one region."""
    try:
        found = selectors.network_region_get(code=code)
    except Region.DoesNotExist:
        raise Http404 from None
    scope = selectors.NetworkScope(country=found.country, region=found)
    context = _scope_context(request, scope)
    context.update(country=found.country, region=found)
    return render(request, "cooperation/network_region.html", context)


def _graph_rows(graph: dict[str, Any]) -> list[dict[str, Any]]:
    """The graph's nodes as table rows (by level, then by links within the graph, then by name), each with how many
    links it has within the graph."""
    degree: dict[int, int] = {}
    for edge in graph["edges"]:
        degree[edge["source"]] = degree.get(edge["source"], 0) + 1
        degree[edge["target"]] = degree.get(edge["target"], 0) + 1
    rows = [{**node, "degree": degree.get(node["id"], 0)} for node in graph["nodes"]]
    rows.sort(key=lambda row: (row["level"], -row["degree"], row["name"]))
    return rows


def _depth(request: HttpRequest) -> int:
    try:
        depth = int(request.GET.get("depth", "2"))
    except ValueError:
        depth = 2
    return depth if depth in DEPTHS else 2


def graph(request: HttpRequest, pk: int) -> HttpResponse:
    """A municipality's ego network as a graph (its partners and, at depth 2, their partners), with the same nodes
    in a table."""
    try:
        municipality = selectors.municipality_get(id=pk)
    except Municipality.DoesNotExist:
        raise Http404 from None
    depth = _depth(request)
    data = selectors.network_graph_of_municipality(municipality_id=pk, depth=depth)
    api = reverse("api-v1:network")
    return render(
        request,
        "cooperation/network_graph.html",
        {
            "municipality": municipality,
            "depth": depth,
            "depths": DEPTHS,
            "rows": _graph_rows(data),
            "edge_count": len(data["edges"]),
            "truncated": data["truncated"],
            "cap": selectors.GRAPH_NODE_CAP,
            "source_url": f"{api}?municipality={pk}&depth={depth}",
            "section": "network",
        },
    )


def country_graph(request: HttpRequest, code: str) -> HttpResponse:
    """A country's network as a graph: its most linked municipalities and their partners, with a table."""
    found = _country(code)
    data = selectors.network_graph_of_country(country=found)
    api = reverse("api-v1:network")
    return render(
        request,
        "cooperation/network_graph.html",
        {
            "country": found,
            "rows": _graph_rows(data),
            "edge_count": len(data["edges"]),
            "truncated": data["truncated"],
            "cap": selectors.GRAPH_NODE_CAP,
            "source_url": f"{api}?country={found.code}",
            "section": "network_countries",
        },
    )


MIN_WEIGHTS = (1, 5, 10, 25, 50)
DEFAULT_MIN_WEIGHT = 10


def countries(request: HttpRequest) -> HttpResponse:
    """The network of countries: every country with links (a table with bars, linked to its page), the pairs of
    countries with the most links, and the graph of countries."""
    data = selectors.network_graph_of_countries()
    top = data["nodes"][0]["links"] if data["nodes"] else 0
    country_rows = [{**node, "share": node["links"] / top if top else 0.0} for node in data["nodes"]]
    names = {node["id"]: node["name"] for node in data["nodes"]}
    pairs = [
        {**edge, "source_name": names[edge["source"]], "target_name": names[edge["target"]]}
        for edge in data["edges"][:TOP_COUNTRY_PAIRS]
    ]
    return render(
        request,
        "cooperation/network_countries.html",
        {
            "country_rows": country_rows,
            "pairs": pairs,
            "pair_count": len(data["edges"]),
            "link_count": sum(node["links"] for node in data["nodes"]) - sum(e["weight"] for e in data["edges"]),
            "min_weights": MIN_WEIGHTS,
            "min_weight": DEFAULT_MIN_WEIGHT,
            "source_url": reverse("api-v1:network_countries"),
            "section": "network_countries",
        },
    )


def party_options(request: HttpRequest) -> HttpResponse:
    """The agreement form's municipality picker: municipalities matching what was typed (a name or numbers), as
    boxes to tick (an htmx fragment; the form works without it)."""
    typed = request.GET.get("municipalities", "")[:100]
    return render(
        request,
        "cooperation/_party_options.html",
        {"options": party_options_for(typed), "typed": typed.strip()},
    )
