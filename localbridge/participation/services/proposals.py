"""Initiative proposals: written as a draft by a resident (or for a ТОС by its chair), published to collect
supports from eligible residents, sent to the administration automatically when the supports reach the
municipality's threshold, and answered there within `answer_days` (accepted, rejected with reasons, or sent to
competitive selection). Comments by signed-in users; the municipality's staff may hide one.

Supports: one per resident (a database constraint; a repeated click returns the same support), eligibility
checked on every support (eligibility.py), limited per user in the cache (SUPPORTS_PER_MINUTE), and
`supports_count` kept exact with an F() update in the transaction that inserts the support, under a lock of the
proposal's row. The deadline is a date in the municipality's time zone: the date the proposal reached the
administration there, plus `answer_days`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.events import emit
from localbridge.core.services import FieldErrors as _Errors
from localbridge.core.services import actor_id as _actor_id
from localbridge.core.services import clean_text as _text
from localbridge.core.services import lock_row as _lock
from localbridge.core.services import one_line as _one_line
from localbridge.core.services import require_perm as _require
from localbridge.organizations.models import Organization, OrganizationKind
from localbridge.organizations.rules import is_chair
from localbridge.participation.eligibility import eligibility_errors
from localbridge.participation.events import ProposalCommented, ProposalMoved, ProposalSupported
from localbridge.participation.models import (
    PROPOSAL_WORKFLOW,
    Comment,
    Proposal,
    ProposalStatus,
    Support,
)
from localbridge.territories.models import Municipality, Settlement

__all__ = [
    "ANSWERS",
    "PROPOSAL_FIELDS",
    "SUPPORTS_PER_MINUTE",
    "ProposalCommented",
    "ProposalMoved",
    "ProposalSupported",
    "comment_hide",
    "municipality_zone",
    "proposal_answer",
    "proposal_answer_due",
    "proposal_comment",
    "proposal_create",
    "proposal_is_overdue",
    "proposal_publish",
    "proposal_publish_errors",
    "proposal_set_terms",
    "proposal_support",
    "proposal_update",
    "proposal_withdraw",
]

PROPOSAL_FIELDS = (
    "title",
    "summary",
    "description",
    "address",
    "latitude",
    "longitude",
    "estimated_cost",
    "residents_contribution",
    "settlement",
    "tos",
    "proposer_tos",
)
ANSWERS = ("accept", "reject", "to_selection")
SUPPORTS_PER_MINUTE = 30
MAX_COMMENT = 5000
CENT = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")


def default_threshold() -> int:
    return int(getattr(settings, "PARTICIPATION_SUPPORT_THRESHOLD", 10))


def default_answer_days() -> int:
    return int(getattr(settings, "PARTICIPATION_ANSWER_DAYS", 30))


# --- events (delivered after commit; the lead may move them to events.py) ---------------------------------------


# --- helpers ---------------------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        return None


def _moved(proposal: Proposal, actor: Any, action: str, from_status: str) -> None:
    emit(
        ProposalMoved(
            proposal_id=proposal.pk,
            actor_id=_actor_id(actor),
            action=action,
            from_status=from_status,
            to_status=proposal.status,
        )
    )


# --- the municipality's clock ----------------------------------------------------------------------------------


def municipality_zone(municipality: Municipality) -> ZoneInfo:
    try:
        return ZoneInfo(municipality.timezone or "Europe/Moscow")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Moscow")


def proposal_answer_due(proposal: Proposal, submitted_at: datetime) -> date:
    """The date the administration must answer by: the day the proposal reached it, in the municipality's time
    zone, plus `answer_days`."""
    local = timezone.localtime(submitted_at, municipality_zone(proposal.municipality))
    return local.date() + timedelta(days=proposal.answer_days)


def proposal_is_overdue(proposal: Proposal, now: datetime | None = None) -> bool:
    """With the administration past its answer date (the municipality's today is later than `answer_due`)."""
    if proposal.status != ProposalStatus.UNDER_REVIEW or proposal.answer_due is None:
        return False
    today = timezone.localtime(now or timezone.now(), municipality_zone(proposal.municipality)).date()
    return today > proposal.answer_due


# --- the draft -------------------------------------------------------------------------------------------------


def _clean(proposal: Proposal, actor: Any, values: Mapping[str, Any], errors: _Errors) -> None:
    municipality_id = proposal.municipality_id
    for field in PROPOSAL_FIELDS:
        if field not in values:
            continue
        value = values[field]
        if field == "title":
            value = _one_line(value)
            if not value:
                errors.add("title", _("Give the proposal a title."), "required")
            elif len(value) > 300:
                errors.add("title", _("The title is too long (300 characters at most)."), "max_length")
            proposal.title = value[:300]
        elif field in ("summary", "address"):
            value = _one_line(value)
            limit = 600 if field == "summary" else 300
            if len(value) > limit:
                errors.add(field, _("Too long (%(max)s characters at most).") % {"max": limit}, "max_length")
            setattr(proposal, field, value[:limit])
        elif field == "description":
            proposal.description = _text(value)
        elif field in ("latitude", "longitude"):
            number = _decimal(value)
            bound = Decimal(90 if field == "latitude" else 180)
            if value not in (None, "") and (number is None or not -bound <= number <= bound):
                errors.add(
                    field,
                    _("Give a number from %(min)s to %(max)s.") % {"min": -bound, "max": bound},
                    "invalid",
                )
                continue
            setattr(proposal, field, number.quantize(Decimal("0.000001")) if number is not None else None)
        elif field in ("estimated_cost", "residents_contribution"):
            number = _decimal(value)
            if value not in (None, "") and number is None:
                errors.add(field, _("Give an amount in roubles, for example 150000.00."), "invalid")
                continue
            number = (number or Decimal(0)).quantize(CENT)
            if number < 0 or number > MAX_MONEY:
                errors.add(field, _("The amount cannot be negative or this large."), "out_of_range")
                continue
            setattr(proposal, field, number)
        elif field == "settlement":
            if value in (None, ""):
                proposal.settlement = None
                continue
            settlement = value if isinstance(value, Settlement) else Settlement.objects.filter(pk=value).first()
            if settlement is None or settlement.municipality_id != municipality_id:
                errors.add("settlement", _("Choose a settlement of this municipality."), "invalid_choice")
                continue
            proposal.settlement = settlement
        elif field in ("tos", "proposer_tos"):
            if value in (None, ""):
                setattr(proposal, field, None)
                continue
            tos = value if isinstance(value, Organization) else Organization.objects.filter(pk=value).first()
            if tos is None or tos.kind != OrganizationKind.TOS or tos.municipality_id != municipality_id:
                errors.add(field, _("Choose a ТОС of this municipality."), "invalid_choice")
                continue
            if field == "proposer_tos" and not is_chair(actor, tos):
                errors.add(field, _("Only the chair of a ТОС may propose on its behalf."), "not_chair")
                continue
            setattr(proposal, field, tos)
    if proposal.residents_contribution and proposal.residents_contribution > proposal.estimated_cost:
        errors.add(
            "residents_contribution",
            _("The residents' contribution cannot exceed the estimated cost."),
            "over_cost",
        )
    if (proposal.latitude is None) != (proposal.longitude is None) and not (
        "latitude" in errors.errors or "longitude" in errors.errors
    ):
        errors.add("longitude", _("Give both the latitude and the longitude, or neither."), "incomplete_point")


@transaction.atomic
def proposal_create(*, actor: Any, municipality: Municipality, now: datetime | None = None, **fields: Any) -> Proposal:
    """A draft proposal to the municipality, with the municipality's threshold and answer term."""
    _require(actor, "participation.propose")
    unknown = set(fields) - set(PROPOSAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    now = now or timezone.now()
    proposal = Proposal(
        municipality=municipality,
        author=actor,
        support_threshold=default_threshold(),
        answer_days=default_answer_days(),
        min_age=int(getattr(settings, "TOS_MIN_PARTICIPANT_AGE", 16)),
    )
    errors = _Errors()
    _clean(proposal, actor, {"title": "", **fields}, errors)
    errors.raise_if_any()
    proposal.save()
    audit_record(obj=proposal, action="create", actor=actor, to_status=proposal.status, now=now)
    return proposal


@transaction.atomic
def proposal_update(*, proposal: Proposal, actor: Any, now: datetime | None = None, **fields: Any) -> Proposal:
    """Change the draft (only a draft: a published proposal keeps what its supporters supported)."""
    _lock(proposal)
    _require(actor, "participation.change_proposal", proposal)
    unknown = set(fields) - set(PROPOSAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if proposal.status != ProposalStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed."), code="not_draft")
    errors = _Errors()
    _clean(proposal, actor, fields, errors)
    errors.raise_if_any()
    proposal.save()
    audit_record(obj=proposal, action="update", actor=actor, data={"fields": sorted(fields)}, now=now)
    return proposal


def proposal_publish_errors(proposal: Proposal) -> ValidationError | None:
    errors = _Errors()
    if not proposal.title:
        errors.add("title", _("Give the proposal a title."), "required")
    if not proposal.description:
        errors.add("description", _("Describe the problem, the project and the expected result."), "required")
    if not proposal.estimated_cost or proposal.estimated_cost <= 0:
        errors.add("estimated_cost", _("Give the estimated cost."), "required")
    return ValidationError(errors.errors) if errors else None


@transaction.atomic
def proposal_publish(*, proposal: Proposal, actor: Any, now: datetime | None = None) -> Proposal:
    """Publish the draft: it is public and collects supports."""
    _lock(proposal)
    _require(actor, "participation.change_proposal", proposal)
    problem = proposal_publish_errors(proposal)
    if problem is not None:
        raise problem
    now = now or timezone.now()
    proposal.published_at = now
    PROPOSAL_WORKFLOW.apply(proposal, "publish", actor=actor, now=now, update_fields=["published_at"])
    _moved(proposal, actor, "publish", ProposalStatus.DRAFT)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor: Any, comment: str = "", now: datetime | None = None) -> Proposal:
    _lock(proposal)
    _require(actor, "participation.change_proposal", proposal)
    from_status = proposal.status
    PROPOSAL_WORKFLOW.apply(proposal, "withdraw", actor=actor, comment=comment, now=now)
    _moved(proposal, actor, "withdraw", from_status)
    return proposal


def _submit(proposal: Proposal, actor: Any, now: datetime) -> None:
    """To the administration (the proposal's row is locked by the caller)."""
    proposal.submitted_at = now
    proposal.answer_due = proposal_answer_due(proposal, now)
    PROPOSAL_WORKFLOW.apply(
        proposal,
        "submit",
        actor=actor,
        now=now,
        update_fields=["submitted_at", "answer_due"],
        data={"supports": proposal.supports_count, "threshold": proposal.support_threshold},
    )
    _moved(proposal, actor, "submit", ProposalStatus.COLLECTING)


@transaction.atomic
def proposal_set_terms(
    *,
    proposal: Proposal,
    actor: Any,
    support_threshold: int | None = None,
    answer_days: int | None = None,
    now: datetime | None = None,
) -> Proposal:
    """The municipality sets the proposal's threshold of supports and the days for its answer (before the
    proposal reaches it). A threshold already reached sends the proposal to the administration at once."""
    _lock(proposal)
    _require(actor, "participation.answer_proposal", proposal)
    now = now or timezone.now()
    errors = _Errors()
    if proposal.status not in (ProposalStatus.DRAFT, ProposalStatus.COLLECTING):
        raise ValidationError(
            _("The terms are fixed once the proposal has reached the administration."), code="terms_fixed"
        )
    if support_threshold is not None and not 1 <= int(support_threshold) <= 1_000_000:
        errors.add("support_threshold", _("Give a number from 1 to 1,000,000."), "out_of_range")
    if answer_days is not None and not 1 <= int(answer_days) <= 365:
        errors.add("answer_days", _("Give a number of days from 1 to 365."), "out_of_range")
    errors.raise_if_any()
    before = {"support_threshold": proposal.support_threshold, "answer_days": proposal.answer_days}
    if support_threshold is not None:
        proposal.support_threshold = int(support_threshold)
    if answer_days is not None:
        proposal.answer_days = int(answer_days)
    proposal.save(update_fields=["support_threshold", "answer_days", "updated_at"])
    audit_record(
        obj=proposal,
        action="set_terms",
        actor=actor,
        data={
            "before": before,
            "after": {"support_threshold": proposal.support_threshold, "answer_days": proposal.answer_days},
        },
        now=now,
    )
    if proposal.status == ProposalStatus.COLLECTING and proposal.supports_count >= proposal.support_threshold:
        _submit(proposal, actor, now)
    return proposal


# --- supports --------------------------------------------------------------------------------------------------


def _support_rate_limited(actor: Any) -> bool:
    key = f"participation:supports:{actor.pk}"
    cache.add(key, 0, 60)
    try:
        return cache.incr(key) > SUPPORTS_PER_MINUTE
    except ValueError:
        cache.set(key, 1, 60)
        return False


@transaction.atomic
def proposal_support(*, proposal: Proposal, actor: Any, now: datetime | None = None) -> Support:
    """Support the proposal: one support per resident (a repeated call returns the same support), only while it
    collects supports and only by an eligible resident. Reaching the threshold sends the proposal to the
    administration."""
    _require(actor, "participation.support", proposal)
    now = now or timezone.now()
    if _support_rate_limited(actor):
        raise ValidationError(_("Too many supports in a minute. Wait a little and try again."), code="rate_limited")
    _lock(proposal)
    existing = Support.objects.filter(proposal=proposal, user=actor).first()
    if existing is not None:
        return existing
    if proposal.status != ProposalStatus.COLLECTING:
        raise ValidationError(_("This proposal is not collecting supports."), code="not_collecting")
    problems = eligibility_errors(actor, proposal, now)
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            support = Support.objects.create(proposal=proposal, user=actor)
    except IntegrityError:  # the same resident's concurrent click won
        return Support.objects.get(proposal=proposal, user=actor)
    Proposal.objects.filter(pk=proposal.pk).update(supports_count=F("supports_count") + 1)
    proposal.refresh_from_db(fields=["supports_count"])
    audit_record(obj=proposal, action="support", actor=actor, data={"supports": proposal.supports_count}, now=now)
    emit(ProposalSupported(proposal_id=proposal.pk, user_id=actor.pk))
    if proposal.supports_count >= proposal.support_threshold:
        _submit(proposal, None, now)
    return support


# --- the administration's answer -------------------------------------------------------------------------------


@transaction.atomic
def proposal_answer(
    *, proposal: Proposal, actor: Any, decision: str, comment: str = "", now: datetime | None = None
) -> Proposal:
    """Accept, reject (with the reasons) or send to competitive selection a proposal with the administration."""
    _lock(proposal)
    _require(actor, "participation.answer_proposal", proposal)
    if decision not in ANSWERS:
        raise ValidationError(
            {"decision": [ValidationError(_("Choose accept, reject or competitive selection."), code="invalid_choice")]}
        )
    now = now or timezone.now()
    comment = _text(comment)
    proposal.decided_at = now
    proposal.decision_comment = comment
    PROPOSAL_WORKFLOW.apply(
        proposal,
        decision,
        actor=actor,
        comment=comment,
        now=now,
        update_fields=["decided_at", "decision_comment"],
        data={"overdue": proposal_is_overdue(proposal, now)} if proposal.answer_due else None,
    )
    _moved(proposal, actor, decision, ProposalStatus.UNDER_REVIEW)
    return proposal


# --- comments --------------------------------------------------------------------------------------------------


@transaction.atomic
def proposal_comment(*, proposal: Proposal, actor: Any, text: str, now: datetime | None = None) -> Comment:
    """A comment by a signed-in user (residence not needed) on a published proposal."""
    _require(actor, "participation.comment", proposal)
    if proposal.status == ProposalStatus.DRAFT:
        raise ValidationError(_("A draft cannot be commented on."), code="draft")
    text = _text(text)
    if not text:
        raise ValidationError({"text": [ValidationError(_("Write the comment."), code="required")]})
    if len(text) > MAX_COMMENT:
        raise ValidationError(
            {
                "text": [
                    ValidationError(
                        _("The comment is too long (%(max)s characters at most).") % {"max": MAX_COMMENT},
                        code="max_length",
                    )
                ]
            }
        )
    comment = Comment.objects.create(proposal=proposal, author=actor, text=text)
    Proposal.objects.filter(pk=proposal.pk).update(comments_count=F("comments_count") + 1)
    audit_record(obj=comment, action="comment", actor=actor, data={"proposal": proposal.pk}, now=now)
    emit(ProposalCommented(proposal_id=proposal.pk, comment_id=comment.pk, actor_id=_actor_id(actor)))
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, actor: Any, hidden: bool = True, now: datetime | None = None) -> Comment:
    """Hide a comment (or show it again): the municipality's staff. `comments_count` counts the visible ones."""
    _lock(comment)
    proposal = comment.proposal
    _require(actor, "participation.answer_proposal", proposal)
    if comment.is_hidden == hidden:
        return comment
    comment.is_hidden = hidden
    comment.save(update_fields=["is_hidden"])
    visible = Comment.objects.filter(proposal=proposal, is_hidden=False).count()
    Proposal.objects.filter(pk=proposal.pk).update(comments_count=visible)
    audit_record(
        obj=comment, action="hide" if hidden else "unhide", actor=actor, data={"proposal": proposal.pk}, now=now
    )
    return comment
