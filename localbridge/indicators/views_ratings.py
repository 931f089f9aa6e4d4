"""Ratings' pages: the published ratings, a rating with its methodology and its ranked table (and its download),
"build your own rating" (the same page from the query string, nothing saved), and the operators' "save as a
rating". Thin: forms parse, selectors compute, services_ratings saves."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from localbridge.core.exports import EXPORT_FORMATS, Column, export_response
from localbridge.core.forms import add_service_errors
from localbridge.core.pagination import paginate

from . import selectors, services_ratings
from .forms_ratings import WEIGHT_PREFIX, RatingCustomForm, RatingSaveForm, initial_from_method
from .models import RatingScope

LINES_PER_PAGE = 100
CHART_BARS = 30  # the chart shows the first lines of the page; the table has them all
UNRATED_SHOWN = 100  # the municipalities not rated listed with what they miss (all of them in the download)


def rating_list(request: HttpRequest) -> HttpResponse:
    methods = selectors.rating_methods_visible_to(request.user)
    return render(
        request,
        "indicators/rating_list.html",
        {
            "page": paginate(request, methods),
            "may_manage": request.user.has_perm("indicators.manage_ratings"),
            "section": "ratings",
        },
    )


def rating_detail(request: HttpRequest, code: str) -> HttpResponse:
    method = selectors.rating_method_get(code=code, user=request.user, check_visible=True)
    result = selectors.rating_compute(method=method)
    return render(
        request,
        "indicators/rating_detail.html",
        {
            **_result_context(request, result),
            "method": method,
            "downloads": [
                (fmt, reverse("indicators:rating_export", args=[method.code, fmt])) for fmt in EXPORT_FORMATS
            ],
            "may_manage": request.user.has_perm("indicators.manage_ratings"),
            "section": "ratings",
        },
    )


def rating_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    method = selectors.rating_method_get(code=code, user=request.user, check_visible=True)
    result = selectors.rating_compute(method=method)
    return export_response(iter(result.lines), _columns(result), filename=f"rating-{method.code}", fmt=fmt)


def _custom_form(request: HttpRequest, data: Any = None) -> RatingCustomForm:
    countries, regions = selectors.rating_territories()
    definitions = list(selectors.definition_list())
    initial = None
    source = request.GET.get("from")
    if data is None and source:  # "adjust this rating": start from a saved one the visitor may open
        method = selectors.rating_method_get(code=source, user=request.user, check_visible=True)
        initial = initial_from_method(method, list(method.weights.all()))
    return RatingCustomForm(data, initial=initial, definitions=definitions, countries=countries, regions=regions)


def _has_rating_params(data: Any) -> bool:
    return any(key != "from" and key != "page" for key in data)


def _rating_params(form: RatingCustomForm) -> list[tuple[str, str]]:
    """The parameters that describe the rating (for its download link and the save form), without the rest."""
    names = ["territory", "year", "normalisation", "missing_rule"]
    names += [WEIGHT_PREFIX + d.code for d in form.definitions]
    return [(name, str(form.data.get(name, "")).strip()) for name in names if str(form.data.get(name, "")).strip()]


def rating_custom(request: HttpRequest) -> HttpResponse:
    bound = _has_rating_params(request.GET)
    form = _custom_form(request, request.GET if bound else None)
    return _render_custom(request, form, RatingSaveForm() if bound else None)


def _render_custom(
    request: HttpRequest, form: RatingCustomForm, save_form: RatingSaveForm | None, *, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "save_form": save_form,
        "may_manage": request.user.has_perm("indicators.manage_ratings"),
        "section": "ratings",
    }
    if form.is_bound and form.is_valid():
        method, weights = form.unsaved_method()
        result = selectors.rating_compute(method=method, weights=weights)
        context.update(_result_context(request, result))
        context["method"] = method
        query = urlencode(_rating_params(form))
        context["rating_params"] = _rating_params(form)
        context["downloads"] = [
            (fmt, f"{reverse('indicators:rating_custom_export', args=[fmt])}?{query}") for fmt in EXPORT_FORMATS
        ]
    elif form.is_bound:
        status = 400
    return render(request, "indicators/rating_custom.html", context, status=status)


def rating_custom_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = _custom_form(request, request.GET)
    if not form.is_valid():
        return _render_custom(request, form, None)
    method, weights = form.unsaved_method()
    result = selectors.rating_compute(method=method, weights=weights)
    return export_response(iter(result.lines), _columns(result), filename="rating-custom", fmt=fmt)


@login_required
@require_POST
def rating_save(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("indicators.manage_ratings"):
        raise PermissionDenied
    form = _custom_form(request, request.POST)
    save_form = RatingSaveForm(request.POST)
    if not (form.is_valid() and save_form.is_valid()):
        return _render_custom(request, form, save_form)
    data, extra = form.cleaned_data, save_form.cleaned_data
    territory = data["territory"]
    is_region = form.unsaved_method()[0].scope == RatingScope.REGION
    try:
        method = services_ratings.rating_method_create(
            actor=request.user,
            code=extra["code"],
            name_ru=extra["name_ru"],
            name_en=extra["name_en"],
            description_ru=extra["description_ru"],
            description_en=extra["description_en"],
            year=data["year"],
            region=territory if is_region else None,
            country=None if is_region else territory,
            normalisation=data["normalisation"],
            missing_rule=data["missing_rule"],
            weights=data["weights"],
            is_published=extra["is_published"],
        )
    except ValidationError as exc:
        add_service_errors(save_form, exc)
        return _render_custom(request, form, save_form, status=400)
    messages.success(request, _("The rating is saved: %(name)s.") % {"name": method.name})
    return redirect("indicators:rating_detail", code=method.code)


# --- the result on the page and in the download -----------------------------------------------------------------


def _result_context(request: HttpRequest, result: selectors.RatingResult) -> dict[str, Any]:
    page: Any = Paginator(result.rows, LINES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = result.lines_for(page.object_list)  # the page's rows become the table's lines
    chart = [
        {"name": line.municipality.name, "score": float(line.score_value or 0)}
        for line in page.object_list[:CHART_BARS]
        if line.score is not None
    ]
    unrated = result.unrated_rows
    return {
        "result": result,
        "lines_page": page,
        "unrated": result.lines_for(unrated[:UNRATED_SHOWN]),
        "unrated_count": len(unrated),
        "chart": {"label": _("Composite score (0–100)"), "bars": chart} if len(chart) > 1 else None,
    }


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _raw_of(index: int) -> Callable[[selectors.RatingLine], float | None]:
    return lambda line: _number(line.cells[index].raw)


def _normalised_of(index: int) -> Callable[[selectors.RatingLine], float | None]:
    return lambda line: _number(selectors.fraction_decimal(line.cells[index].normalised, 4))


def _columns(result: selectors.RatingResult) -> list[Column]:
    columns = [
        Column(gettext_lazy("Place"), lambda line: line.rank),
        Column(gettext_lazy("Municipality"), lambda line: line.municipality.name),
        Column(gettext_lazy("Municipality id"), lambda line: line.municipality.pk),
        Column(gettext_lazy("OKTMO code"), lambda line: line.municipality.oktmo),
        Column(gettext_lazy("Composite score (0–100)"), lambda line: _number(line.score_value)),
    ]
    for index, weight in enumerate(result.weights):
        code = weight.definition.code
        columns.append(Column(_("%(code)s: value") % {"code": code}, _raw_of(index)))
        columns.append(Column(_("%(code)s: normalised (0–1)") % {"code": code}, _normalised_of(index)))
    columns.append(
        Column(
            gettext_lazy("Missing indicators"),
            lambda line: ", ".join(cell.weight.definition.code for cell in line.missing),
        )
    )
    columns.append(
        Column(
            gettext_lazy("Generated figures"),
            lambda line: ", ".join(cell.weight.definition.code for cell in line.cells if cell.generated),
        )
    )
    return columns
