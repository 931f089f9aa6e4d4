"""Public pages of territories: countries, Russian regions, a region's municipalities, a municipality.
Every list is paginated and exportable as CSV and XLSX with the same filters."""

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from localbridge.core.exports import EXPORT_FORMATS, Column, export_response
from localbridge.core.pagination import paginate, querystring_without
from localbridge.core.panels import panels_for

from . import selectors
from .forms import MunicipalityFilterForm, RegionFilterForm, cleaned_filters
from .models import Region

REGIONS_PER_PAGE = 100


def _check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise Http404


COUNTRY_COLUMNS = [
    Column(_("ISO code"), lambda c: c.code),
    Column(_("Name (Russian)"), lambda c: c.name_ru),
    Column(_("Name (English)"), lambda c: c.name_en),
    Column(_("Regions"), lambda c: c.region_count),
    Column(_("Municipalities"), lambda c: c.municipality_count),
]

REGION_COLUMNS = [
    Column(_("ISO code"), lambda r: r.code),
    Column(_("Name (Russian)"), lambda r: r.name_ru),
    Column(_("Name (English)"), lambda r: r.name_en),
    Column(_("Federal district"), lambda r: r.get_federal_district_display()),
    Column(_("Municipalities"), lambda r: r.municipality_count),
]

MUNICIPALITY_COLUMNS = [
    Column(_("Name (Russian)"), lambda m: m.name_ru),
    Column(_("Name (English)"), lambda m: m.name_en),
    Column(_("Kind"), lambda m: m.get_kind_display()),
    Column(_("OKTMO code"), lambda m: m.oktmo),
    Column(_("Region"), lambda m: m.region.code if m.region else ""),
    Column(_("Population"), lambda m: m.population),
    Column(_("Latitude"), lambda m: m.latitude),
    Column(_("Longitude"), lambda m: m.longitude),
    Column(_("Time zone"), lambda m: m.timezone),
]

SETTLEMENT_COLUMNS = [
    Column(_("Name (Russian)"), lambda s: s.name_ru),
    Column(_("Name (English)"), lambda s: s.name_en),
    Column(_("Kind"), lambda s: s.get_kind_display()),
    Column(_("OKTMO code"), lambda s: s.oktmo),
    Column(_("Population"), lambda s: s.population),
    Column(_("Founded"), lambda s: s.foundation_year),
    Column(_("Latitude"), lambda s: s.latitude),
    Column(_("Longitude"), lambda s: s.longitude),
    Column(_("GeoNames id"), lambda s: s.geonameid),
]


# --- countries ----------------------------------------------------------------------------------------------


def country_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.country_list_with_territories())
    return render(request, "territories/country_list.html", {"page": page, "export_formats": EXPORT_FORMATS})


def country_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    _check_format(fmt)
    rows = selectors.country_list_with_territories().iterator()
    return export_response(rows, COUNTRY_COLUMNS, filename="countries", fmt=fmt)


# --- regions ------------------------------------------------------------------------------------------------


def _region_filters(request: HttpRequest) -> tuple[RegionFilterForm, dict[str, str]]:
    form = RegionFilterForm(request.GET or None)
    return form, cleaned_filters(form) if request.GET else {}


def region_list(request: HttpRequest) -> HttpResponse:
    form, filters = _region_filters(request)
    regions = selectors.region_list(federal_district=filters.get("federal_district"))
    return render(
        request,
        "territories/region_list.html",
        {
            "form": form,
            "page": paginate(request, regions, per_page=REGIONS_PER_PAGE),
            "export_query": querystring_without(request, "page"),
            "export_formats": EXPORT_FORMATS,
        },
    )


def region_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    _check_format(fmt)
    _, filters = _region_filters(request)
    rows = selectors.region_list(federal_district=filters.get("federal_district")).iterator()
    return export_response(rows, REGION_COLUMNS, filename="regions", fmt=fmt)


# --- municipalities -----------------------------------------------------------------------------------------


def _municipality_filters(request: HttpRequest) -> tuple[MunicipalityFilterForm, dict[str, str]]:
    form = MunicipalityFilterForm(request.GET or None)
    return form, cleaned_filters(form) if request.GET else {}


def _municipality_page(request: HttpRequest, *, region: Region | None = None) -> dict[str, object]:
    form, filters = _municipality_filters(request)
    municipalities = selectors.municipality_list(region=region, q=filters.get("q"), kind=filters.get("kind"))
    export_params = request.GET.copy()
    export_params.pop("page", None)
    if region is not None:
        export_params["region"] = region.code
    return {
        "form": form,
        "page": paginate(request, municipalities),
        "export_query": export_params.urlencode(),
        "export_formats": EXPORT_FORMATS,
    }


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(code)
    return render(
        request, "territories/region_detail.html", {"region": region, **_municipality_page(request, region=region)}
    )


def municipality_list(request: HttpRequest) -> HttpResponse:
    return render(request, "territories/municipality_list.html", _municipality_page(request))


def municipality_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The municipalities of the list page or, with ?region=CODE, of a region page, with the same filters."""
    _check_format(fmt)
    _, filters = _municipality_filters(request)
    region = request.GET.get("region") or None
    if region is not None:
        selectors.region_get(region)
    rows = selectors.municipality_list(region=region, q=filters.get("q"), kind=filters.get("kind")).iterator()
    return export_response(rows, MUNICIPALITY_COLUMNS, filename="municipalities", fmt=fmt)


def municipality_detail(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = selectors.municipality_get(pk)
    return render(
        request,
        "territories/municipality_detail.html",
        {
            "municipality": municipality,
            "page": paginate(request, selectors.settlement_list(municipality=municipality)),
            "export_formats": EXPORT_FORMATS,
            # Sections of higher modules (indicators' links), registered with core/panels.py.
            "panels": panels_for("municipality_detail", request, municipality),
        },
    )


def settlement_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | StreamingHttpResponse:
    _check_format(fmt)
    municipality = selectors.municipality_get(pk)
    rows = selectors.settlement_list(municipality=municipality).iterator()
    return export_response(rows, SETTLEMENT_COLUMNS, filename="settlements", fmt=fmt)
