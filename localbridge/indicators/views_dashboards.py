"""The indicators dashboards: a municipality's trends over the years, a region's comparison of its municipalities,
and the map of any indicator by municipality, each with its data table and CSV/XLSX downloads.

Thin: the GET forms parse the selection, selectors_dashboards reads (a fixed number of queries per page), and the
charts and the map are drawn in the browser from JSON (indicators/charts.js, indicators/map.js); every page reads
without JavaScript. See docs/indicators.md, "Dashboards"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.gzip import gzip_page

from localbridge.core.exports import EXPORT_FORMATS, Column, export_response
from localbridge.core.pagination import paginate

from . import choropleth, selectors
from . import selectors_dashboards as dashboards
from .forms_dashboards import SelectionForm
from .models import IndicatorDefinition
from .selectors_dashboards import Scope
from .templatetags.indicators import indicator_number

# The map page's table of values: rows a page (the download has them all).
MAP_TABLE_PAGE = 50
# A region's comparison: municipalities a page of the table and its chart (the download has them all).
REGION_PAGE = 100


def _check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise Http404


def _plain(value: Decimal | None) -> int | float | None:
    """A value for a download: an integer when whole (XLSX then stores a number, CSV reads "12" not "12.0000")."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _generated(flag: bool) -> str:
    return gettext("yes") if flag else ""


def _year_error(form: SelectionForm) -> str:
    return " ".join(str(message) for message in form.errors["year"])


def _query(**params: Any) -> str:
    return urlencode({key: value for key, value in params.items() if value not in (None, "")})


# --- a municipality's dashboard ------------------------------------------------------------------------------------


def municipality_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Its indicators over the last ten years with values: the chosen one's trend as a chart with its table and
    downloads (?indicator=code; the script switches without reloading), and every indicator in one table with a
    small trend line. Three queries: the municipality, the definitions, the values."""
    municipality = selectors.municipality_get(pk=pk)
    dashboard = selectors.municipality_dashboard(municipality=municipality)
    chosen = dashboards.chosen_row(dashboard, request.GET.get("indicator"))
    definitions = [row.definition for _label, group in dashboard.groups for row in group]
    form = SelectionForm(request.GET, definitions=definitions)
    del form.fields["year"]
    if chosen is not None:
        form.show(indicator=chosen.definition.code)
    return render(
        request,
        "indicators/municipality.html",
        {
            "municipality": municipality,
            "dashboard": dashboard,
            "chosen": chosen,
            "trend": list(zip(dashboard.years, chosen.cells, strict=True)) if chosen else [],
            "form": form,
            "chart_data": dashboards.trend_chart_data(dashboard),
            "latest_year": dashboard.years[-1] if dashboard.years else None,
            "export_formats": EXPORT_FORMATS,
            "may_enter": request.user.has_perm("indicators.enter_value", municipality),
        },
    )


def municipality_values_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The municipality's values over all the years it has any (?indicator=code: one indicator's), one line a
    value, as CSV or XLSX (three queries)."""
    _check_format(fmt)
    municipality = selectors.municipality_get(pk=pk)
    code = request.GET.get("indicator") or None
    rows = dashboards.municipality_value_rows(municipality=municipality, code=code)
    columns = [
        Column(_("Municipality"), lambda r: municipality.name),
        Column(_("OKTMO code"), lambda r: municipality.oktmo),
        Column(_("Indicator code"), lambda r: r.definition.code),
        Column(_("Indicator"), lambda r: r.definition.name),
        Column(_("Unit"), lambda r: r.definition.get_unit_display()),
        Column(_("Year"), lambda r: r.year),
        Column(_("Value"), lambda r: _plain(r.value)),
        Column(_("Source"), lambda r: r.definition.get_source_display()),
        Column(_("Source of the figure"), lambda r: r.stored.source_note if r.stored else ""),
        Column(_("Generated"), lambda r: _generated(bool(r.stored and r.stored.is_generated))),
    ]
    filename = f"indicators-municipality-{municipality.pk}" + (f"-{code}" if code else "")
    return export_response(iter(rows), columns, filename=filename, fmt=fmt)


# --- a region's comparison -----------------------------------------------------------------------------------------


def _region_selection(
    request: HttpRequest, code: str
) -> tuple[Any, list[IndicatorDefinition], IndicatorDefinition, SelectionForm, int]:
    region = dashboards.region_get(code=code)
    definitions = dashboards.definitions()
    definition = dashboards.definition_in(definitions, request.GET.get("indicator"))
    form = SelectionForm(request.GET, definitions=definitions)
    year = form.selected_year() or dashboards.default_year(
        definition=definition, scope=Scope(country=region.country, region=region)
    )
    return region, definitions, definition, form, year


def region_comparison(request: HttpRequest, code: str) -> HttpResponse:
    """The region's municipalities ranked by an indicator in a year (?indicator=&year=), with the change since the
    year before, the region's own figure, a bar chart of the table's page (REGION_PAGE rows) and downloads. A
    refused year is said beside the select and the latest year with values is shown. Four or five queries, however
    many municipalities."""
    region, _definitions, definition, form, year = _region_selection(request, code)
    comparison = dashboards.region_comparison(region=region, definition=definition, year=year)
    page = paginate(request, comparison.rows, per_page=REGION_PAGE)
    form.show(indicator=definition.code, year=year)
    query = _query(indicator=definition.code, year=year)
    return render(
        request,
        "indicators/region_comparison.html",
        {
            "region": region,
            "definition": definition,
            "year": year,
            "comparison": comparison,
            "page": page,
            "form": form,
            "query": query,
            "map_query": _query(indicator=definition.code, year=year, region=region.code),
            "export_formats": EXPORT_FORMATS,
            "chart_data": {
                "name": definition.name,
                "unit": str(definition.get_unit_display()),
                "decimals": definition.decimals,
                "year": year,
                "bars": [
                    {"id": row.municipality.pk, "name": row.municipality.name, "value": _plain(row.value)}
                    for row in page.object_list
                    if row.value is not None
                ],
            },
        },
    )


def region_comparison_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    _check_format(fmt)
    region, _definitions, definition, form, year = _region_selection(request, code)
    if "year" in form.errors:
        return HttpResponse(_year_error(form), status=400, content_type="text/plain; charset=utf-8")
    comparison = dashboards.region_comparison(region=region, definition=definition, year=year)
    columns = [
        Column(_("Rank"), lambda r: r.rank),
        Column(_("Municipality"), lambda r: r.municipality.name),
        Column(_("OKTMO code"), lambda r: r.municipality.oktmo),
        Column(_("Part of"), lambda r: r.municipality.parent.name if r.municipality.parent_id else ""),
        Column(_("Indicator code"), lambda r: definition.code),
        Column(_("Year"), lambda r: year),
        Column(_("Value"), lambda r: _plain(r.value)),
        Column(_("Value the year before"), lambda r: _plain(r.previous)),
        Column(_("Change since the year before"), lambda r: _plain(r.change)),
    ]
    filename = f"indicators-{region.code}-{definition.code}-{year}"
    return export_response(iter(comparison.rows), columns, filename=filename, fmt=fmt)


# --- the map -----------------------------------------------------------------------------------------------------


def _map_selection(
    request: HttpRequest, *, with_regions: bool = True
) -> tuple[list[IndicatorDefinition], IndicatorDefinition, Scope | None, SelectionForm, int | None]:
    """What the map shows: the indicator (Http404 if unknown), the territory (?region= or ?country=; Http404 if
    unknown), the form (with a refused year's error) and the year (the latest with values when none is asked)."""
    definitions = dashboards.definitions()
    definition = dashboards.definition_in(definitions, request.GET.get("indicator"))
    scope = dashboards.scope_get(region=request.GET.get("region"), country=request.GET.get("country"))
    regions = dashboards.region_choices(scope) if scope and with_regions else []
    form = SelectionForm(request.GET, definitions=definitions, regions=regions)
    year = form.selected_year()
    if year is None and scope is not None:
        year = dashboards.default_year(definition=definition, scope=scope)
    return definitions, definition, scope, form, year


def _map_context(request: HttpRequest, definition: IndicatorDefinition, scope: Scope, year: int) -> dict[str, Any]:
    """The table under the map (a page of the stored values, best first) and its downloads."""
    query = _query(indicator=definition.code, year=year, **scope.params())
    return {
        "definition": definition,
        "scope": scope,
        "year": year,
        "page": paginate(
            request, dashboards.map_table(definition=definition, year=year, scope=scope), per_page=MAP_TABLE_PAGE
        ),
        "municipality_count": scope.municipalities().count(),
        "query": query,
        "export_formats": EXPORT_FORMATS,
    }


def map_page(request: HttpRequest) -> HttpResponse:
    """A point map of the municipalities coloured by the class of their value (the platform has no municipal
    boundaries), with a legend, and the table of values below it. The script loads the points and the values as
    JSON and switches indicator, year and region without reloading; without it the GET form reloads the page."""
    _definitions, definition, scope, form, year = _map_selection(request)
    context: dict[str, Any] = {"form": form, "definition": definition, "scope": scope, "section": "map"}
    if scope is not None and year is not None:
        form.show(indicator=definition.code, year=year, region=scope.region.code if scope.region else "")
        context.update(_map_context(request, definition, scope, year))
    return render(request, "indicators/map.html", context)


def map_table(request: HttpRequest) -> HttpResponse:
    """The table under the map alone (the script fetches it when the selection changes)."""
    _definitions, definition, scope, _form, year = _map_selection(request, with_regions=False)
    if scope is None or year is None:
        raise Http404
    return render(request, "indicators/partials/_map_table.html", _map_context(request, definition, scope, year))


def _json_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "errors": []}, status=status)


# The map's JSON is public and holds no secret (so compressing it leaks nothing); a country's points shrink about
# fourfold.
@gzip_page
def map_points(request: HttpRequest) -> JsonResponse:
    """{"scope": {...}, "points": [[id, name, lat, lon], …]}: the municipalities of ?region= or ?country= that have
    a point (two queries). Loaded once per territory; the values come from map_data."""
    try:
        scope = dashboards.scope_get(region=request.GET.get("region"), country=request.GET.get("country"))
    except Http404:
        return _json_error("unknown_territory", gettext("No such region or country."), 404)
    if scope is None:
        return JsonResponse({"scope": None, "points": []})
    response = JsonResponse({"scope": _scope_json(scope), "points": dashboards.map_points(scope=scope)})
    response["Cache-Control"] = "public, max-age=300"
    return response


def _scope_json(scope: Scope) -> dict[str, Any]:
    return {
        "region": scope.region.code if scope.region else None,
        "country": scope.country.code,
        "name": scope.name,
    }


@gzip_page
def map_data(request: HttpRequest) -> JsonResponse:
    """One indicator in one year at the municipalities of a territory, classed for the map:

    {"indicator": {code, name, unit, decimals, lower_is_better, zero_when_absent}, "year", "scope",
     "classes": [{low, high, colour, count, label}], "values": [[id, value, class], …],
     "absent": null | {"value": 0, "class": i}, "no_data_colour", "known", "urls": {table, csv, xlsx, page}}

    Only stored values are listed; for a computed count or sum every municipality not listed has zero ("absent"),
    for other indicators it has no value. Three to five queries whatever the number of municipalities: the
    indicator, the territory, (the latest year, when none is asked), the values, (the number of municipalities,
    for a count)."""
    try:
        _definitions, definition, scope, form, year = _map_selection(request, with_regions=False)
    except Http404:
        return _json_error("not_found", gettext("No such indicator, region or country."), 404)
    if "year" in form.errors:
        return _json_error("bad_year", _year_error(form), 400)
    if scope is None or year is None:
        return _json_error("not_found", gettext("No such indicator, region or country."), 404)
    data = dashboards.map_values(definition=definition, year=year, scope=scope)
    decimals = definition.decimals
    query = _query(indicator=definition.code, year=year, **scope.params())
    payload = {
        "indicator": {
            "code": definition.code,
            "name": definition.name,
            "unit": str(definition.get_unit_display()),
            "decimals": decimals,
            "lower_is_better": definition.lower_is_better,
            "zero_when_absent": definition.zero_when_absent,
        },
        "year": year,
        "scope": _scope_json(scope),
        "classes": [
            {
                "low": _plain(c.low),
                "high": _plain(c.high),
                "colour": c.colour,
                "count": c.count,
                "label": indicator_number(c.low, decimals)
                if c.low == c.high
                else f"{indicator_number(c.low, decimals)} – {indicator_number(c.high, decimals)}",
            }
            for c in data.classes
        ],
        "values": [[pk, _plain(value), data.class_of[pk]] for pk, value in data.values.items()],
        "absent": {"value": 0, "class": data.absent_class} if data.absent_class is not None else None,
        "no_data_colour": choropleth.NO_DATA_COLOUR,
        "known": data.known_count,
        "urls": {
            "page": reverse("indicators:map") + "?" + query,
            "table": reverse("indicators:map_table") + "?" + query,
            **{fmt: reverse("indicators:map_export", args=[fmt]) + "?" + query for fmt in EXPORT_FORMATS},
        },
    }
    response = JsonResponse(payload)
    response["Cache-Control"] = "public, max-age=60"
    return response


def map_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """Every municipality of the map's territory with its value (zero for a computed count without one, empty
    when unknown), by name: one query, streamed."""
    _check_format(fmt)
    _definitions, definition, scope, form, year = _map_selection(request, with_regions=False)
    if "year" in form.errors:
        return HttpResponse(_year_error(form), status=400, content_type="text/plain; charset=utf-8")
    if scope is None or year is None:
        raise Http404
    columns = [
        Column(_("Municipality"), lambda m: m.name),
        Column(_("OKTMO code"), lambda m: m.oktmo),
        Column(_("Region"), lambda m: m.region.code if m.region_id else ""),
        Column(_("Latitude"), lambda m: m.latitude),
        Column(_("Longitude"), lambda m: m.longitude),
        Column(_("Indicator code"), lambda m: definition.code),
        Column(_("Year"), lambda m: year),
        Column(_("Value"), lambda m: _plain(m.indicator_value)),
    ]
    territory = scope.region.code if scope.region else scope.country.code
    filename = f"indicators-map-{territory}-{definition.code}-{year}"
    rows = dashboards.map_export_rows(definition=definition, year=year, scope=scope)
    return export_response(rows, columns, filename=filename, fmt=fmt)
