"""Initiative proposal pages: the list (all, or one municipality's; filters, sorts, pages), the map page with its
data and its markers' popups, a proposal's page (description, place, progress, state and deadline, comments,
support), the draft's form, the administration's queue and answer; the municipality's participation page and the
resident's "My participation".

Thin: forms parse, services decide and write, rules say who may act; reads come from selectors_proposals."""

from importlib import import_module
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from localbridge.core.forms import add_service_errors
from localbridge.core.pagination import paginate
from localbridge.core.text import render_markdown
from localbridge.territories.models import Municipality

from . import selectors_proposals as selectors
from . import services
from .eligibility import eligibility_errors
from .forms_proposals import AnswerForm, CommentForm, ProposalFilterForm, ProposalForm, TermsForm
from .models import PROPOSAL_WORKFLOW, Proposal, ProposalStatus

MUNICIPALITY_PAGE_PROPOSALS = 20


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _mark(proposals: Any, now: Any = None) -> Any:
    """Each proposal with `overdue` and `percent` (of its threshold) for the templates."""
    now = now or timezone.now()
    for proposal in proposals:
        proposal.overdue = services.proposal_is_overdue(proposal, now)
        threshold = proposal.support_threshold or 1
        proposal.percent = min(100, round(100 * proposal.supports_count / threshold))
    return proposals


def _filter_municipalities() -> list[Municipality]:
    """Municipalities with published proposals (the list's filter)."""
    # One index probe per municipality, not a scan of every proposal.
    published = Proposal.objects.filter(municipality=OuterRef("pk")).exclude(status=ProposalStatus.DRAFT)
    return list(Municipality.objects.filter(Exists(published)).order_by("name_ru", "pk"))


# --- the list and the map --------------------------------------------------------------------------------------


def proposal_list(request: HttpRequest) -> HttpResponse:
    form = ProposalFilterForm(request.GET or None, municipalities=_filter_municipalities())
    filters = form.filters() if request.GET else {"municipality": None, "status": None, "sort": "newest"}
    page = paginate(request, selectors.proposal_list(**filters))
    _mark(page.object_list)
    return render(
        request,
        "participation/proposals/proposal_list.html",
        {
            "form": form,
            "page": page,
            "proposals": page.object_list,
            "municipality_pk": filters["municipality"],
            "has_filters": bool(filters["municipality"] or filters["status"]),
        },
    )


def proposal_map(request: HttpRequest) -> JsonResponse:
    """[[id, lat, lon, status], …] of published proposals with a point (?municipality=<pk>, ?status=,
    ?bbox=s,w,n,e), the newest first; the header X-Map-Truncated is 1 when only the newest MAP_CAP are given."""
    wanted = request.GET.get("municipality", "")
    municipality = int(wanted) if wanted.isdigit() else None
    points, truncated = selectors.proposal_map_data(
        municipality=municipality, bbox=request.GET.get("bbox"), status=request.GET.get("status")
    )
    response = JsonResponse(points, safe=False)
    response["Cache-Control"] = "public, max-age=60"
    response["X-Map-Truncated"] = "1" if truncated else "0"
    return response


def proposal_map_popup(request: HttpRequest, pk: int) -> JsonResponse:
    """What a map marker's popup shows, fetched when it opens: {id, title, status, url} of a published proposal."""
    found = selectors.proposal_map_popup(pk)
    if found is None:
        raise Http404
    response = JsonResponse(
        {
            "id": found["pk"],
            "title": found["title"],
            "status": found["status"],
            "url": reverse("participation:proposal_detail", args=[found["pk"]]),
        }
    )
    response["Cache-Control"] = "public, max-age=60"
    return response


# Each status's marker carries a symbol as well as a colour, so that the status is not told by colour alone.
MAP_SYMBOLS = {
    ProposalStatus.COLLECTING: "+",
    ProposalStatus.UNDER_REVIEW: "…",
    ProposalStatus.ACCEPTED: "✓",
    ProposalStatus.REJECTED: "✕",
    ProposalStatus.SELECTION: "★",
    ProposalStatus.WITHDRAWN: "−",
}


def proposal_map_page(request: HttpRequest) -> HttpResponse:
    """The proposals on a map, filtered like the list (municipality, status). The page holds no proposal: its
    script draws them from proposal_map (by bounding box when the cap is reached) and fetches a marker's popup
    from proposal_map_popup. Without JavaScript it points to the list with the same filters."""
    municipalities = _filter_municipalities()
    form = ProposalFilterForm(request.GET or None, municipalities=municipalities)
    del form.fields["sort"]  # a map has no order
    filters = form.filters() if request.GET else {"municipality": None, "status": None}
    municipality = next((m for m in municipalities if m.pk == filters["municipality"]), None)
    query = {key: filters[key] for key in ("municipality", "status") if filters[key]}
    return render(
        request,
        "participation/proposals/proposal_map.html",
        {
            "form": form,
            "municipality": municipality,
            "status": filters["status"] or "",
            "has_filters": bool(query),
            "list_query": urlencode(query),
            "legend": [(status, status.label, MAP_SYMBOLS[status]) for status in MAP_SYMBOLS],
            "cap": selectors.MAP_CAP,
        },
    )


# --- one proposal ----------------------------------------------------------------------------------------------


COMMENTS_PER_PAGE = 50


def _detail(
    request: HttpRequest, proposal: Proposal, *, comment_form: CommentForm | None = None, status: int = 200
) -> HttpResponse:
    user: Any = request.user
    now = timezone.now()
    manages = user.has_perm("participation.answer_proposal", proposal)
    supported = selectors.has_supported(user, proposal)
    refusals: list[str] = []
    if proposal.status == ProposalStatus.COLLECTING and not supported:
        refusals = [m for e in eligibility_errors(user, proposal, now) for m in e.messages]
    _mark([proposal], now)
    # Fifty comments a page, the oldest first: a proposal may gather hundreds.
    comments = paginate(request, selectors.proposal_comments(proposal, show_hidden=manages), per_page=COMMENTS_PER_PAGE)
    return render(
        request,
        "participation/proposals/proposal_detail.html",
        {
            "proposal": proposal,
            "description_html": render_markdown(proposal.description),
            "comments": comments,
            "page": comments,
            "comment_form": comment_form or CommentForm(),
            "manages": manages,
            "is_author": user.has_perm("participation.change_proposal", proposal),
            "supported": supported,
            "refusals": refusals,
            "has_point": proposal.latitude is not None and proposal.longitude is not None,
            "terms_form": TermsForm(
                initial={"support_threshold": proposal.support_threshold, "answer_days": proposal.answer_days}
            ),
            "transitions": [t.name for t in PROPOSAL_WORKFLOW.available(proposal)],
        },
        status=status,
    )


def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.proposal_get(pk=pk, user=request.user))


@login_required
@require_POST
def proposal_support(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(pk=pk, user=request.user)
    try:
        services.proposal_support(proposal=proposal, actor=request.user)
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("Thank you: your support is counted."))
    return redirect("participation:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def proposal_comment(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(pk=pk, user=request.user)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_comment(proposal=proposal, actor=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your comment is published."))
            return redirect("participation:proposal_detail", pk=proposal.pk)
    return _detail(request, proposal, comment_form=form, status=400)


@login_required
@require_POST
def comment_hide(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(pk=pk, user=request.user)
    comment = selectors.proposal_comments(proposal, show_hidden=True).filter(pk=comment_pk).first()
    if comment is None:
        raise Http404
    hidden = request.POST.get("hidden", "1") != "0"
    services.comment_hide(comment=comment, actor=request.user, hidden=hidden)
    messages.success(request, _("The comment is hidden.") if hidden else _("The comment is shown again."))
    return redirect("participation:proposal_detail", pk=proposal.pk)


# --- the draft -------------------------------------------------------------------------------------------------


@login_required
def proposal_create(request: HttpRequest) -> HttpResponse:
    """A new draft for the municipality given as ?municipality=<pk>."""
    municipality = selectors.municipality_get(request.GET.get("municipality"))
    form = ProposalForm(request.POST or None, municipality=municipality, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                proposal = services.proposal_create(
                    actor=request.user, municipality=municipality, **form.service_kwargs()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The draft is saved. Publish it when it is ready to collect supports."))
                return redirect("participation:proposal_detail", pk=proposal.pk)
        status = 400
    return render(
        request,
        "participation/proposals/proposal_form.html",
        {"form": form, "municipality": municipality, "proposal": None},
        status=status,
    )


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(pk=pk, user=request.user)
    if not request.user.has_perm("participation.change_proposal", proposal):
        raise PermissionDenied(_("Only the author may change the proposal."))
    if proposal.status != ProposalStatus.DRAFT:
        messages.info(request, _("The proposal is published and can no longer be changed."))
        return redirect("participation:proposal_detail", pk=proposal.pk)
    form = ProposalForm(
        request.POST or None,
        initial=ProposalForm.initial_for(proposal),
        municipality=proposal.municipality,
        user=request.user,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.proposal_update(proposal=proposal, actor=request.user, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("participation:proposal_detail", pk=proposal.pk)
        status = 400
    return render(
        request,
        "participation/proposals/proposal_form.html",
        {"form": form, "municipality": proposal.municipality, "proposal": proposal},
        status=status,
    )


@login_required
@require_POST
def proposal_publish(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(pk=pk, user=request.user)
    try:
        services.proposal_publish(proposal=proposal, actor=request.user)
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
        return redirect("participation:proposal_edit", pk=proposal.pk)
    messages.success(request, _("The proposal is published and collects supports."))
    return redirect("participation:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(pk=pk, user=request.user)
    try:
        services.proposal_withdraw(proposal=proposal, actor=request.user, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("The proposal is withdrawn."))
    return redirect("participation:proposal_detail", pk=proposal.pk)


# --- the administration ----------------------------------------------------------------------------------------


@login_required
def proposal_queue(request: HttpRequest) -> HttpResponse:
    """Proposals with the administration of the user's municipalities, the overdue first."""
    user: Any = request.user
    if selectors.is_platform_staff(user):
        ids: list[int] | None = None
    else:
        ids = selectors.staff_municipality_ids(user)
        if not ids:
            raise PermissionDenied(_("Only the municipality's staff answer proposals."))
    wanted = request.GET.get("municipality", "")
    if wanted.isdigit():
        ids = [int(wanted)] if ids is None or int(wanted) in ids else []
    page = paginate(request, selectors.proposal_queue(municipality_ids=ids))
    _mark(page.object_list)
    return render(
        request,
        "participation/proposals/proposal_queue.html",
        {"page": page, "proposals": page.object_list, "overdue": sum(1 for p in page.object_list if p.overdue)},
    )


@login_required
def proposal_answer(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(pk=pk, user=request.user)
    if not request.user.has_perm("participation.answer_proposal", proposal):
        raise PermissionDenied(_("Only the municipality's staff answer proposals."))
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.proposal_answer(
                    proposal=proposal,
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The answer is published."))
                return redirect("participation:proposal_detail", pk=proposal.pk)
        status = 400
    _mark([proposal])
    return render(
        request, "participation/proposals/proposal_answer.html", {"proposal": proposal, "form": form}, status=status
    )


@login_required
@require_POST
def proposal_terms(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(pk=pk, user=request.user)
    if not request.user.has_perm("participation.answer_proposal", proposal):
        raise PermissionDenied(_("Only the municipality's staff set the terms."))
    form = TermsForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_set_terms(proposal=proposal, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("The terms are saved."))
    else:
        for message in _messages_of(ValidationError(form.errors)):
            messages.error(request, message)
    return redirect("participation:proposal_detail", pk=proposal.pk)


# --- the municipality's page and the resident's page ----------------------------------------------------------


def municipality_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The municipality's participation: its open proposals, and links to its votes, surveys and hearings."""
    municipality = selectors.municipality_get(pk)
    open_proposals = selectors.proposal_list(municipality=municipality, sort="newest").filter(
        status__in=selectors.OPEN_STATUSES
    )
    proposals = _mark(list(open_proposals[: MUNICIPALITY_PAGE_PROPOSALS + 1]))
    user: Any = request.user
    return render(
        request,
        "participation/proposals/municipality.html",
        {
            "municipality": municipality,
            "proposals": proposals[:MUNICIPALITY_PAGE_PROPOSALS],
            "more": len(proposals) > MUNICIPALITY_PAGE_PROPOSALS,
            "is_staff": user.has_perm("participation.issue_codes", municipality),
        },
    )


BALLOTS_TEMPLATE = "participation/votes/_my_ballots.html"


def _ballots_template() -> str | None:
    """The votes module's partial for the user's ballots, when it provides one (else a plain list is shown)."""
    try:
        get_template(BALLOTS_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return BALLOTS_TEMPLATE


# --- HOOK for the votes module (P2): selectors_votes.my_ballots(user) fills "My participation"'s votes block. ---
def _my_ballots(user: Any) -> tuple[bool, list[Any]]:
    """The votes block of "My participation": (available, ballots) from selectors_votes.my_ballots when the votes
    module provides it; its absence is tolerated."""
    name = "localbridge.participation.selectors_votes"
    try:
        module = import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return False, []
    my_ballots = getattr(module, "my_ballots", None)
    if my_ballots is None:
        return False, []
    return True, list(my_ballots(user))


@login_required
def my_participation(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    supports = list(selectors.supported_by(user)[:200])
    _mark([s.proposal for s in supports])
    votes_available, ballots = _my_ballots(user)
    return render(
        request,
        "participation/proposals/my_participation.html",
        {
            "supports": supports,
            "my_proposals": _mark(list(selectors.my_proposals(user)[:200])),
            "residencies": list(selectors.my_residencies(user)),
            "votes_available": votes_available,
            "ballots": ballots,
            "ballots_template": _ballots_template() if ballots else None,
        },
    )
