"""Participatory-budget vote pages: the list, a vote's page (projects, rule, the resident's receipt), the ballot,
the receipt check, the results with each project's explanation; for the municipality's staff the vote's form,
its management page (open, close, publish; ballots count) and paper-ballot entry.

Thin: forms parse, services decide and write (services/votes.py), rules say who may act, reads come from
selectors_votes. Tallies of an open vote are shown to nobody."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from localbridge.core.forms import add_service_errors, errors_to_messages
from localbridge.core.services import error_codes
from localbridge.core.sources import project_sources
from localbridge.core.text import render_markdown
from localbridge.territories.models import Municipality

from . import selectors_votes as selectors
from .eligibility import eligibility_errors
from .forms_votes import BallotForm, PaperBallotForm, ReceiptForm, VoteForm
from .models import VOTE_WORKFLOW, BallotType, Vote, VoteStatus
from .services import votes as services


def _manage_required(request: HttpRequest, vote: Any) -> None:
    if not request.user.has_perm("participation.manage_process", vote):
        raise PermissionDenied(_("Only the municipality's staff run this vote."))


def _context(vote: Vote, **extra: Any) -> dict[str, Any]:
    return {"section": "votes", "vote": vote, "rule_text": selectors.rule_explanation(vote), **extra}


# --- residents --------------------------------------------------------------------------------------------------


def vote_list(request: HttpRequest) -> HttpResponse:
    votes = list(selectors.vote_list(user=request.user)[:200])
    return render(request, "participation/votes/vote_list.html", {"section": "votes", "votes": votes})


def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vote = selectors.vote_get(pk=pk, user=request.user)
    now = timezone.now()
    ballot = selectors.my_ballot(vote=vote, user=request.user)
    return render(
        request,
        "participation/votes/vote_detail.html",
        _context(
            vote,
            projects=selectors.vote_projects(vote),
            ballot=ballot,
            is_open=services.vote_is_open(vote, now),
            can_manage=selectors.vote_managed_by(request.user, vote),
            results_visible=selectors.results_visible(vote=vote, user=request.user),
            description=render_markdown(vote.description) if vote.description else "",
        ),
    )


@login_required
def vote_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    vote = selectors.vote_get(pk=pk, user=request.user)
    now = timezone.now()
    projects = selectors.vote_projects(vote)
    ballot = selectors.my_ballot(vote=vote, user=request.user)
    problems = [str(m) for e in eligibility_errors(request.user, vote, now) for m in e.messages]
    form = BallotForm(request.POST or None, vote=vote, projects=projects)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ballot = services.ballot_cast(
                    vote=vote,
                    actor=request.user,
                    choices=form.cleaned_data["choices"],
                    request_key=form.cleaned_data["request_key"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 429 if "rate_limited" in error_codes(exc) else 400
            else:
                messages.success(
                    request, _("Your ballot is recorded. Receipt code: %(receipt)s") % {"receipt": ballot.receipt}
                )
                return redirect("participation:vote_detail", pk=vote.pk)
        else:
            status = 400
    if request.method == "POST":
        chosen = {str(k): v for k, v in (form.cleaned_data.get("choices") or {}).items()} if form.is_bound else {}
    else:
        chosen = {str(c.project_id): c.points for c in ballot.choices.all()} if ballot else {}
    is_open = services.vote_is_open(vote, now)
    return render(
        request,
        "participation/votes/vote_ballot.html",
        _context(
            vote,
            form=form,
            projects=projects,
            chosen=chosen,
            ballot=ballot,
            problems=problems,
            is_open=is_open,
            can_vote=is_open and not problems and (ballot is None or vote.allow_change),
            BallotType=BallotType,
        ),
        status=status,
    )


def vote_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    vote = selectors.vote_get(pk=pk, user=request.user)
    form = ReceiptForm(request.GET or None)
    checked = False
    recorded_at = None
    if request.GET and form.is_valid():
        checked = True
        recorded_at = services.receipt_check(vote=vote, receipt=form.cleaned_data["receipt"])
    return render(
        request,
        "participation/votes/vote_receipt.html",
        _context(vote, form=form, checked=checked, recorded_at=recorded_at),
    )


def vote_results(request: HttpRequest, pk: int) -> HttpResponse:
    vote = selectors.vote_get(pk=pk, user=request.user)
    if not selectors.results_visible(vote=vote, user=request.user):
        return render(request, "participation/votes/vote_results.html", _context(vote, hidden=True), status=403)
    rows = selectors.vote_results(vote=vote, user=request.user)
    return render(
        request,
        "participation/votes/vote_results.html",
        _context(vote, rows=rows, summary=selectors.results_summary(rows), hidden=False),
    )


# --- the municipality's staff -------------------------------------------------------------------------------------


@login_required
def vote_create(request: HttpRequest, municipality_pk: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality, pk=municipality_pk)
    if not request.user.has_perm("participation.manage_process", municipality):
        raise PermissionDenied(_("Only the municipality's staff run votes."))
    form = VoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                vote = services.vote_create(
                    municipality=municipality,
                    actor=request.user,
                    projects=form.cleaned_data["projects"],
                    from_proposals=form.cleaned_data["from_proposals"],
                    **form.settings(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The vote is created as a draft."))
                return redirect("participation:vote_manage", pk=vote.pk)
        status = 400
    return render(
        request,
        "participation/votes/vote_form.html",
        {"section": "votes", "form": form, "municipality": municipality, "vote": None},
        status=status,
    )


@login_required
def vote_edit(request: HttpRequest, pk: int) -> HttpResponse:
    vote = selectors.vote_get(pk=pk, user=request.user)
    _manage_required(request, vote)
    if vote.status != VoteStatus.DRAFT:
        messages.info(request, _("Only a draft vote can be changed."))
        return redirect("participation:vote_manage", pk=vote.pk)
    projects = selectors.vote_projects(vote)
    form = VoteForm(request.POST or None, initial=VoteForm.initial_for(vote, projects))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            specs = form.cleaned_data["projects"]
            if form.cleaned_data["from_proposals"]:
                specs = specs + services.proposal_projects(vote=vote)
            try:
                settings = form.settings()
                settings.pop("title")
                services.vote_update(
                    vote=vote, actor=request.user, projects=specs, title=form.cleaned_data["title"], **settings
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The vote is saved."))
                return redirect("participation:vote_manage", pk=vote.pk)
        status = 400
    return render(
        request,
        "participation/votes/vote_form.html",
        {"section": "votes", "form": form, "municipality": vote.municipality, "vote": vote},
        status=status,
    )


@login_required
def vote_manage(request: HttpRequest, pk: int) -> HttpResponse:
    vote = selectors.vote_get(pk=pk, user=request.user)
    _manage_required(request, vote)
    return render(
        request,
        "participation/votes/vote_manage.html",
        _context(
            vote,
            projects=selectors.vote_projects(vote),
            transitions=VOTE_WORKFLOW.available(vote),
            results_visible=selectors.results_visible(vote=vote, user=request.user),
            ballots_so_far=selectors.ballots_so_far(vote),
            project_sources=project_sources() if vote.status == VoteStatus.DRAFT else [],
        ),
    )


@login_required
@require_POST
def vote_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    vote = selectors.vote_get(pk=pk, user=request.user)
    _manage_required(request, vote)
    try:
        services.vote_move(vote=vote, actor=request.user, action=action, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("Done: %(state)s.") % {"state": vote.get_status_display()})
    return redirect("participation:vote_manage", pk=vote.pk)


@login_required
def vote_paper(request: HttpRequest, pk: int) -> HttpResponse:
    vote = selectors.vote_get(pk=pk, user=request.user)
    if not request.user.has_perm("participation.enter_paper_ballot", vote):
        raise PermissionDenied(_("Only the municipality's staff enter paper ballots."))
    projects = selectors.vote_projects(vote)
    form = PaperBallotForm(request.POST or None, vote=vote, projects=projects)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ballot = services.ballot_enter_paper(
                    vote=vote,
                    actor=request.user,
                    choices=form.cleaned_data["choices"],
                    paper_number=form.cleaned_data["paper_number"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Paper ballot %(number)s is entered (receipt %(receipt)s).")
                    % {"number": form.cleaned_data["paper_number"], "receipt": ballot.receipt},
                )
                return redirect("participation:vote_paper", pk=vote.pk)
        status = 400
    chosen = {str(k): v for k, v in (form.cleaned_data.get("choices") or {}).items()} if form.is_bound else {}
    return render(
        request,
        "participation/votes/vote_paper.html",
        _context(
            vote,
            form=form,
            projects=projects,
            chosen=chosen,
            BallotType=BallotType,
            ballots_so_far=selectors.ballots_so_far(vote),
        ),
        status=status,
    )
