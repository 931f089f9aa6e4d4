"""Pages of partnership proposals: propose cooperation to a suggested partner, a proposal's page with the answers
the user may give, and the inbox/outbox of the user's municipalities.

Thin: forms parse, services_proposals decides and writes, rules say who may act; reads from selectors_proposals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from localbridge.core.audit import audit_history
from localbridge.core.forms import add_service_errors, errors_to_messages
from localbridge.core.pagination import paginate
from localbridge.territories.models import Municipality

from . import selectors, selectors_proposals, services_proposals
from .forms_proposals import AnswerForm, ProposalFilterForm, ProposalForm, WithdrawForm
from .models import PartnershipProposal, ProposalStatus

HISTORY_LABELS = {
    "send": gettext_lazy("Sent"),
    **{name: t.label for name, t in services_proposals.PROPOSAL_WORKFLOW.transitions.items()},
}


def _municipality(pk: int) -> Municipality:
    try:
        return selectors.municipality_get(id=pk)
    except Municipality.DoesNotExist:
        raise Http404 from None


def _proposal_for(request: HttpRequest, pk: int, perm: str = "cooperation.view_proposal") -> PartnershipProposal:
    """The proposal if the user may see it (else 404) and do `perm` (else 403)."""
    try:
        proposal = selectors_proposals.proposal_get(id=pk)
    except PartnershipProposal.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("cooperation.view_proposal", proposal):
        raise Http404
    if perm != "cooperation.view_proposal" and not request.user.has_perm(perm, proposal):
        raise PermissionDenied
    return proposal


def _history_rows(proposal: PartnershipProposal) -> list[dict[str, Any]]:
    labels = dict(ProposalStatus.choices)
    return [
        {
            "at": entry.at,
            "action": entry.action,
            "label": HISTORY_LABELS.get(entry.action, entry.action),
            "actor": entry.actor.display_name if entry.actor else _("the system"),
            "from_status": labels.get(entry.from_status, entry.from_status),
            "to_status": labels.get(entry.to_status, entry.to_status),
            "comment": entry.comment,
        }
        for entry in audit_history(obj=proposal)
    ]


@login_required
def proposal_create(request: HttpRequest, from_pk: int, to_pk: int) -> HttpResponse:
    """Propose cooperation from the user's municipality `from_pk` to `to_pk` (a suggested partner)."""
    home, partner = _municipality(from_pk), _municipality(to_pk)
    if not request.user.has_perm("cooperation.send_proposal", home):
        raise PermissionDenied
    existing = selectors_proposals.open_proposal(from_id=home.pk, to_id=partner.pk)
    if existing is not None:
        messages.info(request, _("A proposal to this municipality already awaits an answer."))
        return redirect("cooperation:proposal", existing.pk)
    initial = {
        "kind": selectors_proposals.suggested_kind(home, partner),
        "areas": selectors_proposals.shared_areas(first_id=home.pk, second_id=partner.pk),
    }
    form = ProposalForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services_proposals.proposal_send(
                actor=request.user,
                from_municipality=home,
                to_municipality=partner,
                kind=form.cleaned_data["kind"],
                areas=form.cleaned_data["areas"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The proposal is sent to %(name)s.") % {"name": partner.name})
            return redirect("cooperation:proposal", proposal.pk)
    return render(
        request,
        "cooperation/proposal_form.html",
        {
            "form": form,
            "home": home,
            "partner": partner,
            "already_partners": services_proposals.are_partners(home.pk, partner.pk),
            "section": "proposals",
        },
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for(request, pk)
    is_open = proposal.status == ProposalStatus.SENT
    may_answer = is_open and request.user.has_perm("cooperation.answer_proposal", proposal)
    may_withdraw = is_open and request.user.has_perm("cooperation.withdraw_proposal", proposal)
    return render(
        request,
        "cooperation/proposal_detail.html",
        {
            "proposal": proposal,
            "areas": list(proposal.areas.all()),
            "agreement": selectors_proposals.proposal_agreement(proposal),
            "may_answer": may_answer,
            "may_withdraw": may_withdraw,
            "answer_form": AnswerForm() if may_answer else None,
            "withdraw_form": WithdrawForm() if may_withdraw else None,
            "history": _history_rows(proposal),
            "section": "proposals",
        },
    )


def _answer(request: HttpRequest, pk: int, perm: str, move: str) -> HttpResponse:
    proposal = _proposal_for(request, pk, perm)
    form: AnswerForm | WithdrawForm = WithdrawForm(request.POST) if move == "withdraw" else AnswerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("cooperation:proposal", proposal.pk)
    try:
        if move == "accept":
            services_proposals.proposal_accept(proposal=proposal, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The proposal is accepted: a draft agreement of both municipalities is ready."))
        elif move == "decline":
            services_proposals.proposal_decline(proposal=proposal, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The proposal is declined."))
        else:
            services_proposals.proposal_withdraw(proposal=proposal, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The proposal is withdrawn."))
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect("cooperation:proposal", proposal.pk)


@require_POST
@login_required
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, "cooperation.answer_proposal", "accept")


@require_POST
@login_required
def proposal_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, "cooperation.answer_proposal", "decline")


@require_POST
@login_required
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(request, pk, "cooperation.withdraw_proposal", "withdraw")


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """Proposals received by and sent from the user's municipalities (platform staff: all), by status."""
    municipalities = selectors_proposals.staff_municipalities(request.user)
    is_platform_staff = bool(request.user.is_staff or request.user.is_superuser)
    default_box = "received" if municipalities or not is_platform_staff else "all"
    form = ProposalFilterForm(request.GET or None, initial={"box": default_box})
    filters = form.filters(default_box=default_box)
    proposals = selectors_proposals.proposal_box(request.user, **filters)
    page = paginate(request, proposals)
    return render(
        request,
        "cooperation/proposal_list.html",
        {
            "form": form,
            "page": page,
            "box": filters["box"],
            "has_filters": bool(request.GET),
            "municipalities": municipalities,
            "section": "proposals",
        },
    )
