"""Indicators' pages: the catalogue of definitions with their methodology, a municipality's staff's entry of
values, and the operators' import and recomputation (the dashboards are in views_dashboards.py).

Thin: forms parse, services decide and write (and check permissions); reads come from selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tasks import TaskResultStatus

from localbridge.core.forms import add_service_errors, errors_to_messages

from . import selectors, services
from .forms import ImportForm, RecomputeForm, ValueEntryForm
from .models import IndicatorValue, Level


def definition_list(request: HttpRequest) -> HttpResponse:
    definitions = list(selectors.definition_list())
    return render(
        request,
        "indicators/definition_list.html",
        {
            "groups": selectors.definitions_by_group(definitions),
            "may_recompute": request.user.has_perm("indicators.recompute"),
            "may_import": request.user.has_perm("indicators.import_values"),
            "recompute_form": RecomputeForm(),
            "section": "list",
        },
    )


@login_required
def value_entry(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = selectors.municipality_get(pk=pk)
    if not request.user.has_perm("indicators.enter_value", municipality):
        raise PermissionDenied
    form = ValueEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.value_enter(
                actor=request.user,
                definition=data["definition"],
                municipality=municipality,
                year=data["year"],
                value=data["value"],
                source_note=data["source_note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Saved: %(indicator)s, %(year)s.") % {"indicator": saved.definition.name, "year": saved.year},
            )
            return redirect("indicators:enter", pk=municipality.pk)
    return render(
        request,
        "indicators/value_entry.html",
        {
            "municipality": municipality,
            "form": form,
            "values": list(selectors.entered_values(municipality=municipality)[:200]),
        },
    )


@login_required
@require_POST
def value_remove(request: HttpRequest, pk: int, value_pk: int) -> HttpResponse:
    municipality = selectors.municipality_get(pk=pk)
    value = (
        IndicatorValue.objects.select_related("definition", "municipality")
        .filter(pk=value_pk, level=Level.MUNICIPALITY, territory_id=municipality.pk)
        .first()
    )
    if value is None:
        raise Http404
    try:
        services.value_remove(actor=request.user, value=value)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The value is removed."))
    return redirect("indicators:enter", pk=municipality.pk)


@login_required
def values_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("indicators.import_values"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    batch = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.values_import(
                actor=request.user,
                data=upload.read(),
                filename=upload.name,
                is_generated=form.cleaned_data["is_generated"],
            )
        except ValidationError as exc:  # the file cannot be read at all: nothing is saved
            add_service_errors(form, exc)
    return render(request, "indicators/import.html", {"form": form, "batch": batch, "section": "import"})


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    form = RecomputeForm(request.POST)
    if not form.is_valid():
        errors_to_messages(request, ValidationError([e for errors in form.errors.values() for e in errors]))
        return redirect("indicators:list")
    try:
        result: Any = services.recompute_request(actor=request.user, year=form.cleaned_data["year"])
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("indicators:list")
    if result.status == TaskResultStatus.SUCCESSFUL:
        messages.success(
            request, _("Recomputed: %(count)s values written.") % {"count": sum(result.return_value.values())}
        )
    elif result.status == TaskResultStatus.FAILED:
        messages.error(request, _("The recomputation failed; the previous values are kept."))
    else:
        messages.info(request, _("The recomputation is queued; the values will be updated in a few minutes."))
    return redirect(reverse("indicators:list"))
