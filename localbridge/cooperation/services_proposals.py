"""Writes of partnership proposals (expressions of interest): a municipality's staff propose cooperation to another
municipality, whose staff accept it (a draft agreement of both is made) or decline it; the sender may withdraw it
while it awaits an answer.

Lifecycle (PROPOSAL_WORKFLOW): sent → accepted | declined | withdrawn; each move is one service, audited through
core.workflow, and announced after commit (events_proposals.ProposalMoved) so that the other side's municipal
staff get an e-mail (notifications_proposals.py).

One open proposal per direction: checked here with a coded error and backed by the partial unique constraint
"cooperation_proposal_one_open" (a concurrent second send gets the same error). A proposal and its counter-proposal
(the other direction) may both be open; accepting either closes both as accepted with one draft agreement, linked
from the accepted one (the counter-proposal's answer says so, and `selectors_proposals.proposal_agreement` finds the
agreement for it). Both rows are locked, in id order, before the check, so two accepts at once make one agreement.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from localbridge.core.audit import audit_record
from localbridge.core.events import emit
from localbridge.core.services import FieldErrors, actor_id, clean_text, field_error, lock_row, require_perm
from localbridge.core.workflow import Transition, Workflow
from localbridge.territories.models import Municipality

from . import services
from .events_proposals import ProposalMoved
from .models import AgreementKind, CooperationArea, PartnershipProposal, ProposalStatus, TwinLink

PROPOSAL_WORKFLOW = Workflow(
    [
        Transition("accept", (ProposalStatus.SENT,), ProposalStatus.ACCEPTED, gettext_lazy("Accept")),
        Transition("decline", (ProposalStatus.SENT,), ProposalStatus.DECLINED, gettext_lazy("Decline")),
        Transition("withdraw", (ProposalStatus.SENT,), ProposalStatus.WITHDRAWN, gettext_lazy("Withdraw")),
    ]
)
# Kinds a proposal between two municipalities may name (an agreement between associations is not one of them).
PROPOSAL_KINDS = (AgreementKind.TWINNING, AgreementKind.PARTNERSHIP, AgreementKind.CROSS_BORDER)
TITLE_LENGTH = 300


def are_partners(first_id: int, second_id: int) -> bool:
    a, b = sorted((first_id, second_id))
    return TwinLink.objects.filter(municipality_a_id=a, municipality_b_id=b).exists()


def _already_open_message(proposal_from: Municipality, proposal_to: Municipality) -> str:
    return _("%(home)s has already sent %(name)s a proposal that awaits an answer.") % {
        "home": proposal_from.name,
        "name": proposal_to.name,
    }


@transaction.atomic
def proposal_send(
    *,
    actor: Any,
    from_municipality: Municipality,
    to_municipality: Municipality,
    message: str,
    kind: str = AgreementKind.PARTNERSHIP,
    areas: Iterable[CooperationArea] = (),
    now: datetime | None = None,
) -> PartnershipProposal:
    """Propose cooperation from `from_municipality` (the actor's own, or any for platform staff) to another one
    that is not yet its partner in the network."""
    require_perm(actor, "cooperation.send_proposal", from_municipality)
    now = now or timezone.now()
    areas = list(areas)
    errors = FieldErrors()
    message = clean_text(message)
    if not message:
        errors.add("message", _("Write a few words to the partner: what you propose and why."), "required")
    if kind not in PROPOSAL_KINDS:
        errors.add("kind", _("Choose the kind of agreement proposed."), "invalid_kind")
    if from_municipality.pk == to_municipality.pk:
        errors.add("to_municipality", _("A municipality cannot propose cooperation to itself."), "to_itself")
    elif are_partners(from_municipality.pk, to_municipality.pk):
        errors.add(
            "to_municipality",
            _("%(name)s is already a partner of %(home)s.")
            % {"name": to_municipality.name, "home": from_municipality.name},
            "already_partners",
        )
    elif PartnershipProposal.objects.filter(
        from_municipality=from_municipality, to_municipality=to_municipality, status=ProposalStatus.SENT
    ).exists():
        errors.add("to_municipality", _already_open_message(from_municipality, to_municipality), "already_open")
    errors.raise_if_any()
    try:
        with transaction.atomic():
            proposal = PartnershipProposal.objects.create(
                from_municipality=from_municipality,
                to_municipality=to_municipality,
                kind=kind,
                message=message,
                sent_by=actor if getattr(actor, "is_authenticated", False) else None,
                created_at=now,
            )
    except IntegrityError:  # a concurrent send of the same direction won (the partial unique constraint)
        raise field_error(
            "to_municipality", _already_open_message(from_municipality, to_municipality), "already_open"
        ) from None
    proposal.areas.set(areas)
    audit_record(
        obj=proposal,
        action="send",
        actor=actor,
        to_status=proposal.status,
        data={"to": to_municipality.pk, "kind": kind, "areas": [a.code for a in areas]},
        now=now,
    )
    emit(ProposalMoved(proposal.pk, "send", actor_id(actor)))
    return proposal


def _require_open(proposal: PartnershipProposal) -> None:
    if proposal.status != ProposalStatus.SENT:
        raise ValidationError(
            _("This proposal has already been answered or withdrawn (%(status)s).")
            % {"status": proposal.get_status_display()},
            code="not_open",
        )


def agreement_title(proposal: PartnershipProposal) -> str:
    """“Cooperation agreement: A — B”, in the site's language (the agreement's text is content, not interface)."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Cooperation agreement: %(first)s — %(second)s") % {
            "first": proposal.from_municipality.name,
            "second": proposal.to_municipality.name,
        }
    return title[:TITLE_LENGTH]


@transaction.atomic
def proposal_accept(
    *, proposal: PartnershipProposal, actor: Any, answer: str = "", now: datetime | None = None
) -> PartnershipProposal:
    """Accept an open proposal (the receiving municipality's staff, or platform staff): a draft agreement of both
    municipalities with the proposal's kind and areas is created and linked. An open counter-proposal is closed as
    accepted by the same move."""
    require_perm(actor, "cooperation.answer_proposal", proposal)
    now = now or timezone.now()
    # Lock this proposal and an open counter-proposal in id order: two accepts at once queue here.
    locked = list(
        PartnershipProposal.objects.select_for_update()
        .filter(
            Q(pk=proposal.pk)
            | Q(
                from_municipality_id=proposal.to_municipality_id,
                to_municipality_id=proposal.from_municipality_id,
                status=ProposalStatus.SENT,
            )
        )
        .order_by("pk")
    )
    proposal.refresh_from_db()
    _require_open(proposal)
    counters = [p for p in locked if p.pk != proposal.pk and p.status == ProposalStatus.SENT]
    answer = clean_text(answer)
    agreement = services.agreement_create(
        actor=actor,
        kind=proposal.kind,
        title=agreement_title(proposal),
        parties=[
            services.PartyIn(municipality=proposal.from_municipality),
            services.PartyIn(municipality=proposal.to_municipality),
        ],
        areas=list(proposal.areas.all()),
        description=proposal.message,
        now=now,
    )
    proposal.agreement = agreement
    proposal.answered_by = actor
    proposal.answered_at = now
    proposal.answer = answer
    PROPOSAL_WORKFLOW.apply(
        proposal,
        "accept",
        actor=actor,
        comment=answer,
        now=now,
        update_fields=["agreement", "answered_by", "answered_at", "answer"],
        data={"agreement": agreement.pk, "counter_proposals": [p.pk for p in counters]},
    )
    for counter in counters:
        with translation.override(settings.LANGUAGE_CODE):
            note = _(
                "Accepted together with the counter-proposal no. %(number)s: one draft agreement was made for both."
            ) % {"number": proposal.pk}
        counter.answered_by = actor
        counter.answered_at = now
        counter.answer = note
        PROPOSAL_WORKFLOW.apply(
            counter,
            "accept",
            actor=actor,
            comment=note,
            now=now,
            update_fields=["answered_by", "answered_at", "answer"],
            data={"agreement": agreement.pk, "counter_proposal": proposal.pk},
        )
    emit(ProposalMoved(proposal.pk, "accept", actor_id(actor)))
    return proposal


@transaction.atomic
def proposal_decline(
    *, proposal: PartnershipProposal, actor: Any, answer: str = "", now: datetime | None = None
) -> PartnershipProposal:
    """Decline an open proposal (the receiving municipality's staff, or platform staff), with an optional answer."""
    require_perm(actor, "cooperation.answer_proposal", proposal)
    now = now or timezone.now()
    lock_row(proposal)
    _require_open(proposal)
    proposal.answered_by = actor
    proposal.answered_at = now
    proposal.answer = clean_text(answer)
    PROPOSAL_WORKFLOW.apply(
        proposal,
        "decline",
        actor=actor,
        comment=proposal.answer,
        now=now,
        update_fields=["answered_by", "answered_at", "answer"],
    )
    emit(ProposalMoved(proposal.pk, "decline", actor_id(actor)))
    return proposal


@transaction.atomic
def proposal_withdraw(
    *, proposal: PartnershipProposal, actor: Any, comment: str = "", now: datetime | None = None
) -> PartnershipProposal:
    """Withdraw an open proposal (the sending municipality's staff, or platform staff)."""
    require_perm(actor, "cooperation.withdraw_proposal", proposal)
    lock_row(proposal)
    _require_open(proposal)
    PROPOSAL_WORKFLOW.apply(proposal, "withdraw", actor=actor, comment=clean_text(comment), now=now)
    emit(ProposalMoved(proposal.pk, "withdraw", actor_id(actor)))
    return proposal
