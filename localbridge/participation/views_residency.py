"""Residence pages: "My residence" (the user's residencies, finding their municipality, a claim, a code), the
queues of claims for the municipality's staff and for ТОС chairs (confirm or reject), and the generation of
codes with a printable sheet or a CSV file — produced once, at generation time.

Thin: forms parse, services decide and write, rules say who may act."""

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from localbridge.core.forms import add_service_errors
from localbridge.core.pagination import paginate
from localbridge.territories.selectors import municipality_list

from . import selectors_proposals as selectors
from . import services
from .forms_residency import (
    ClaimForm,
    CodeForm,
    CodesGenerateForm,
    DecideForm,
    MunicipalitySearchForm,
)
from .models import ResidencyStatus

SEARCH_LIMIT = 20


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@login_required
def my_residence(request: HttpRequest) -> HttpResponse:
    """The user's residencies with their status, and a search for the municipality to claim residence in."""
    search = MunicipalitySearchForm(request.GET or None)
    found: list[Any] = []
    if search.is_valid() and search.cleaned_data["q"]:
        found = list(municipality_list(q=search.cleaned_data["q"])[:SEARCH_LIMIT])
    return render(
        request,
        "participation/residency/my_residence.html",
        {
            "residencies": list(selectors.my_residencies(request.user)),
            "search": search,
            "found": found,
            "searched": bool(search.is_bound and search.is_valid() and search.cleaned_data["q"]),
        },
    )


def _claim_page(
    request: HttpRequest, municipality: Any, claim: ClaimForm, code: CodeForm, status: int = 200
) -> HttpResponse:
    residencies = [r for r in selectors.my_residencies(request.user) if r.municipality_id == municipality.pk]
    live = next((r for r in residencies if r.status in (ResidencyStatus.CLAIMED, ResidencyStatus.CONFIRMED)), None)
    return render(
        request,
        "participation/residency/claim.html",
        {
            "municipality": municipality,
            "claim_form": claim,
            "code_form": code,
            "live": live,
            "residencies": residencies,
        },
        status=status,
    )


@login_required
def residence_claim(request: HttpRequest, municipality_pk: int) -> HttpResponse:
    """Claim residence in the municipality (POST), or enter a code (the form posts to residence_code)."""
    municipality = selectors.municipality_get(municipality_pk)
    claim = ClaimForm(request.POST or None, municipality=municipality, prefix="claim")
    code = CodeForm(municipality=municipality, prefix="code")
    if request.method == "POST":
        if claim.is_valid():
            try:
                services.residency_claim(actor=request.user, municipality=municipality, **claim.service_kwargs())
            except ValidationError as exc:
                add_service_errors(claim, exc)
            else:
                messages.success(
                    request, _("Your claim is sent. The municipality's staff or the ТОС's chair will confirm it.")
                )
                return redirect("participation:my_residence")
        return _claim_page(request, municipality, claim, code, status=400)
    return _claim_page(request, municipality, claim, code)


@login_required
@require_POST
def residence_code(request: HttpRequest, municipality_pk: int) -> HttpResponse:
    municipality = selectors.municipality_get(municipality_pk)
    claim = ClaimForm(municipality=municipality, prefix="claim")
    code = CodeForm(request.POST, municipality=municipality, prefix="code")
    if code.is_valid():
        try:
            services.residency_confirm_with_code(
                actor=request.user, municipality=municipality, code=code.cleaned_data["code"], **code.service_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(code, exc)
        else:
            messages.success(request, _("Your residence is confirmed. You may now support proposals and vote."))
            return redirect("participation:my_residence")
    return _claim_page(request, municipality, claim, code, status=400)


# --- the queues ------------------------------------------------------------------------------------------------


def _queue_page(request: HttpRequest, queryset: Any, *, title: str, chair: bool) -> HttpResponse:
    page = paginate(request, queryset)
    return render(
        request,
        "participation/residency/queue.html",
        {"page": page, "residencies": page.object_list, "title": title, "chair": chair, "form": DecideForm()},
    )


@login_required
def residency_queue(request: HttpRequest) -> HttpResponse:
    """Claims awaiting confirmation in the municipalities the user serves as staff (platform staff: all;
    ?municipality=<pk> narrows)."""
    user: Any = request.user
    if selectors.is_platform_staff(user):
        ids: list[int] | None = None
    else:
        ids = selectors.staff_municipality_ids(user)
        if not ids:
            raise PermissionDenied(_("Only the municipality's staff confirm residence here."))
    wanted = request.GET.get("municipality", "")
    if wanted.isdigit():
        ids = [int(wanted)] if ids is None or int(wanted) in ids else []
    return _queue_page(
        request, selectors.residency_queue(municipality_ids=ids), title=_("Residence claims to confirm"), chair=False
    )


@login_required
def residency_chair_queue(request: HttpRequest) -> HttpResponse:
    """Claims awaiting confirmation on the territories of the ТОС the user chairs."""
    tos_ids = selectors.chaired_tos_ids(request.user)
    if not tos_ids:
        raise PermissionDenied(_("Only a ТОС chair confirms residence on its territory here."))
    return _queue_page(
        request,
        selectors.residency_queue(tos_ids=tos_ids),
        title=_("Residence claims on your ТОС territory"),
        chair=True,
    )


@login_required
@require_POST
def residency_decide(request: HttpRequest, pk: int) -> HttpResponse:
    residency = selectors.residency_get(pk)
    if not request.user.has_perm("participation.decide_residency", residency):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = DecideForm(request.POST)
    confirm = request.POST.get("decision") == "confirm"
    if form.is_valid():
        try:
            services.residency_decide(
                residency=residency, actor=request.user, confirm=confirm, comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("Residence confirmed.") if confirm else _("The claim is rejected."))
    else:
        for message in _messages_of(ValidationError(form.errors)):
            messages.error(request, message)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "participation:residency_queue")


# --- codes -----------------------------------------------------------------------------------------------------


@login_required
def codes_generate(request: HttpRequest, municipality_pk: int) -> HttpResponse:
    """The form; POST generates the batch and answers with the printable sheet or the CSV — the only time the codes
    are shown (nothing is kept to show them again)."""
    municipality = selectors.municipality_get(municipality_pk)
    if not request.user.has_perm("participation.issue_codes", municipality):
        raise PermissionDenied(_("Only the municipality's staff generate codes."))
    form = CodesGenerateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                codes = services.codes_generate(
                    municipality=municipality, actor=request.user, count=data["count"], batch=data["batch"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                response = _codes_output(request, municipality, data["batch"], codes, data["output"])
                response["Cache-Control"] = "no-store"
                return response
        status = 400
    return render(
        request,
        "participation/residency/codes_generate.html",
        {"municipality": municipality, "form": form},
        status=status,
    )


def _codes_output(request: HttpRequest, municipality: Any, batch: str, codes: list[str], output: str) -> HttpResponse:
    formatted = [services.code_format(code) for code in codes]
    if output == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"codes-{municipality.pk}-{timezone.localdate():%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")  # Excel reads UTF-8 with the byte-order mark
        writer = csv.writer(response)
        writer.writerow([_("Municipality"), _("Batch"), _("Number"), _("Code")])
        for number, code in enumerate(formatted, start=1):
            writer.writerow([municipality.name, batch, number, code])
        return response
    return render(
        request,
        "participation/residency/codes_sheet.html",
        {"municipality": municipality, "batch": batch, "codes": formatted},
    )
