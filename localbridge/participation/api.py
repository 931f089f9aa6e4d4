"""Participatory-budget votes in the JSON API, mounted at /api/v1/participation/.

A vote and its projects can be read without an account (drafts only by their municipality's staff). Casting a
ballot needs a session (with CSRF) or a personal token, and the same checks as the web form: a confirmed resident
of the vote's territory, old enough, the vote open, the ballot valid, at most the rate limit. A ballot is one
transaction; a repeated submission with the same `request_key` (a retry after a timeout) answers with the ballot
already recorded and writes nothing. Tallies are never shown while the vote runs; results answer 404 until they
are visible (published, or closed for the vote's managers). Money is a string with two decimals. Errors have the
project's one shape (api/api.py); too many ballots in a short time answer 429 with the code "rate_limited"."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from localbridge.api_auth import api_auth, read_auth
from localbridge.api_auth import caller as _caller
from localbridge.core.services import error_codes

from . import selectors_votes as selectors
from .services import votes as services

router = Router(tags=["participation"])
CENT = Decimal("0.01")


def money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


# --- schemas ------------------------------------------------------------------------------------------------


class ProjectOut(Schema):
    id: int
    code: str
    title: str
    description: str
    cost: str


class VoteOut(Schema):
    id: int
    title: str
    municipality: str
    status: str
    status_display: str
    ballot_type: str
    ballot_type_display: str
    budget: str
    currency: str
    max_choices: int | None
    min_choices: int
    points: int | None
    rule: str
    rule_display: str
    allow_change: bool
    opens_at: datetime | None
    closes_at: datetime | None
    is_open: bool
    projects: list[ProjectOut]


class BallotIn(Schema):
    choices: dict[int, int] = Field(
        ...,
        description="Project id → points: 1 for a chosen project on approval, knapsack and choose-one ballots; "
        "the points given on a cumulative ballot. Projects left out (or given 0) are not chosen.",
    )
    request_key: str = Field(
        "",
        max_length=64,
        description="Any string unique to this submission: sent again (a retry), it returns the recorded ballot.",
    )


class BallotOut(Schema):
    receipt: str
    recorded_at: datetime
    is_paper: bool
    choices: dict[int, int]


class ReceiptOut(Schema):
    receipt: str
    recorded_at: datetime


class ResultOut(Schema):
    project_id: int
    code: str
    title: str
    cost: str
    votes: int
    funded: bool
    position: int
    explanation: str


class ResultsOut(Schema):
    vote_id: int
    rule: str
    budget: str
    currency: str
    ballots: int
    funded: int
    spent: str
    results: list[ResultOut]


class Error(Schema):
    code: str
    message: str
    errors: list[dict[str, Any]] = []


# --- endpoints ----------------------------------------------------------------------------------------------


def _vote(request: HttpRequest, vote_id: int) -> Any:
    return selectors.vote_get(pk=vote_id, user=_caller(request))


@router.get("/votes/{int:vote_id}", response=VoteOut, auth=read_auth, summary="A vote and its projects")
def vote_detail(request: HttpRequest, vote_id: int) -> dict[str, Any]:
    vote = _vote(request, vote_id)
    return {
        "id": vote.pk,
        "title": vote.title,
        "municipality": str(vote.municipality),
        "status": vote.status,
        "status_display": vote.get_status_display(),
        "ballot_type": vote.ballot_type,
        "ballot_type_display": vote.get_ballot_type_display(),
        "budget": money(vote.budget),
        "currency": vote.currency,
        "max_choices": vote.max_choices,
        "min_choices": vote.min_choices,
        "points": vote.points,
        "rule": vote.rule,
        "rule_display": vote.get_rule_display(),
        "allow_change": vote.allow_change,
        "opens_at": vote.opens_at,
        "closes_at": vote.closes_at,
        "is_open": services.vote_is_open(vote, timezone.now()),
        "projects": [
            {"id": p.pk, "code": p.code, "title": p.title, "description": p.description, "cost": money(p.cost)}
            for p in selectors.vote_projects(vote)
        ],
    }


def _ballot_out(ballot: Any, choices: dict[int, int]) -> dict[str, Any]:
    return {
        "receipt": ballot.receipt,
        "recorded_at": ballot.updated_at,
        "is_paper": ballot.is_paper,
        "choices": choices,
    }


@router.post(
    "/votes/{int:vote_id}/ballot",
    response={200: BallotOut, 429: Error},
    auth=api_auth,
    summary="Cast or change my ballot",
)
def ballot_cast(request: HttpRequest, vote_id: int, payload: BallotIn) -> Any:
    """Records the caller's ballot (or replaces it, where the vote allows changes) and answers with the receipt
    code, which anyone can check later without learning the choices."""
    vote = selectors.vote_for_ballot(pk=vote_id)
    try:
        ballot = services.ballot_cast(
            vote=vote,
            actor=_caller(request),
            choices=payload.choices,
            request_key=payload.request_key,
        )
    except ValidationError as exc:
        if "rate_limited" in error_codes(exc):
            return Status(429, {"code": "rate_limited", "message": " ".join(exc.messages), "errors": []})
        raise
    return Status(200, _ballot_out(ballot, {int(k): int(v) for k, v in payload.choices.items() if int(v)}))


@router.get("/votes/{int:vote_id}/ballot", response=BallotOut, auth=api_auth, summary="My ballot")
def my_ballot(request: HttpRequest, vote_id: int) -> dict[str, Any]:
    vote = _vote(request, vote_id)
    ballot = selectors.my_ballot(vote=vote, user=_caller(request))
    if ballot is None:
        raise Http404(_("You have not voted in this vote."))
    return _ballot_out(ballot, {c.project_id: c.points for c in ballot.choices.all()})


@router.get(
    "/votes/{int:vote_id}/receipts/{receipt}", response=ReceiptOut, auth=read_auth, summary="Check a receipt code"
)
def receipt_check(request: HttpRequest, vote_id: int, receipt: str) -> dict[str, Any]:
    """When the ballot with this receipt was last recorded; 404 when no ballot of the vote has it. Reveals
    nothing else about the ballot."""
    vote = _vote(request, vote_id)
    recorded = services.receipt_check(vote=vote, receipt=receipt)
    if recorded is None:
        raise Http404(_("No ballot of this vote has that receipt code."))
    return {"receipt": services.normalize_receipt(receipt), "recorded_at": recorded}


@router.get("/votes/{int:vote_id}/results", response=ResultsOut, auth=read_auth, summary="A vote's results")
def vote_results(request: HttpRequest, vote_id: int) -> dict[str, Any]:
    """Every project's votes, whether it was funded and why, funded first in the rule's order."""
    user = _caller(request)
    vote = _vote(request, vote_id)
    if not selectors.results_visible(vote=vote, user=user):
        raise Http404(_("The results of this vote are not published."))
    rows = selectors.vote_results(vote=vote, user=user)
    summary = selectors.results_summary(rows)
    return {
        "vote_id": vote.pk,
        "rule": vote.rule,
        "budget": money(vote.budget),
        "currency": vote.currency,
        "ballots": vote.ballots_count,
        "funded": summary["funded"],
        "spent": money(summary["spent"]),
        "results": [
            {
                "project_id": r.project.pk,
                "code": r.project.code,
                "title": r.project.title,
                "cost": money(r.project.cost),
                "votes": r.votes,
                "funded": r.funded,
                "position": r.position,
                "explanation": r.explanation,
            }
            for r in rows
        ],
    }
