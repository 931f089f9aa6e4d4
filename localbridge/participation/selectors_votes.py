"""Reads of participatory-budget votes: the votes a user may see (filtered in SQL), a vote's projects, the
resident's own ballots, and the results with each project's explanation in words.

Tallies are secret until the vote closes: nothing here gives counts of an open vote to anyone; the municipality's
staff see the computed results of a closed vote before they are published, everyone sees published ones."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from localbridge.organizations.models import Membership, MembershipRole, OrganizationKind

from .models import Ballot, BallotChoice, Vote, VoteProject, VoteResult, VoteStatus
from .rules import is_platform_staff, signed_in

PUBLIC_STATUSES = (VoteStatus.OPEN, VoteStatus.CLOSED, VoteStatus.PUBLISHED)


def _staff_municipality_ids(user: Any) -> QuerySet[Membership, Any]:
    """The municipalities whose administration employs `user` (a subquery)."""
    return Membership.objects.filter(
        user=user,
        is_active=True,
        role=MembershipRole.STAFF,
        organization__kind=OrganizationKind.ADMINISTRATION,
        organization__municipality__isnull=False,
    ).values("organization__municipality_id")


def vote_visible_to(user: Any) -> QuerySet[Vote]:
    """Votes `user` may see: every vote past its draft; drafts to their municipality's staff and platform staff."""
    votes = Vote.objects.all()
    if is_platform_staff(user):
        return votes
    if signed_in(user):
        return votes.filter(Q(status__in=PUBLIC_STATUSES) | Q(municipality_id__in=_staff_municipality_ids(user)))
    return votes.filter(status__in=PUBLIC_STATUSES)


def vote_list(*, user: Any, municipality: Any = None, status: str | None = None) -> QuerySet[Vote]:
    """Visible votes, open first, then the newest."""
    votes = vote_visible_to(user).select_related("municipality")
    if municipality is not None:
        votes = votes.filter(municipality=municipality)
    if status:
        votes = votes.filter(status=status)
    order = {VoteStatus.OPEN: 0, VoteStatus.DRAFT: 1, VoteStatus.CLOSED: 2, VoteStatus.PUBLISHED: 3}
    rank = Case(*(When(status=s, then=Value(n)) for s, n in order.items()), output_field=IntegerField())
    return votes.annotate(stage=rank).order_by("stage", "-closes_at", "-pk")


def vote_get(*, pk: int, user: Any) -> Vote:
    vote = vote_visible_to(user).select_related("municipality", "settlement", "tos").filter(pk=pk).first()
    if vote is None:
        raise Http404(_("No such vote."))
    return vote


def vote_for_ballot(*, pk: int) -> Vote:
    """A vote a ballot may be cast in, read alone (the cast re-reads its state under the lock): never a draft."""
    vote = Vote.objects.filter(pk=pk, status__in=PUBLIC_STATUSES).first()
    if vote is None:
        raise Http404(_("No such vote."))
    return vote


def vote_managed_by(user: Any, vote: Vote) -> bool:
    return bool(user is not None and user.has_perm("participation.manage_process", vote))


def ballots_so_far(vote: Vote) -> int:
    """How many ballots are recorded now (turnout, never the tally; for the municipality's staff while the vote
    runs). Vote.ballots_count holds the number the results were computed from."""
    return Ballot.objects.filter(vote=vote).count()


def vote_projects(vote: Vote) -> list[VoteProject]:
    return list(VoteProject.objects.filter(vote=vote).order_by("position", "pk"))


def my_ballot(*, vote: Vote, user: Any) -> Ballot | None:
    """The user's own ballot with its choices (to show and to prefill the form)."""
    if not signed_in(user):
        return None
    return (
        Ballot.objects.filter(vote=vote, voter_key=f"u{user.pk}")
        .prefetch_related(Prefetch("choices", queryset=BallotChoice.objects.order_by("position")))
        .first()
    )


def my_ballots(user: Any) -> QuerySet[Ballot]:
    """The resident's ballots, newest first, with their votes (for "My participation"): receipt and when."""
    if not signed_in(user):
        return Ballot.objects.none()
    return (
        Ballot.objects.filter(voter=user, is_paper=False)
        .select_related("vote", "vote__municipality")
        .order_by("-updated_at")
    )


def results_visible(*, vote: Vote, user: Any) -> bool:
    """Published results to everyone; a closed vote's computed results to those who run it."""
    if vote.status == VoteStatus.PUBLISHED:
        return True
    return vote.status == VoteStatus.CLOSED and vote_managed_by(user, vote)


# --- results with explanations ----------------------------------------------------------------------------------


def _number(value: Any) -> Decimal:
    if isinstance(value, str) and "/" in value:
        value = Fraction(value)
    if isinstance(value, Fraction):
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _money(value: Any, currency: str) -> str:
    return f"{number_format(_number(value), 2, force_grouping=True)}\u00a0{currency}"


def result_explanation(result: VoteResult, *, cost: Decimal, currency: str) -> str:
    """Why the project was or was not funded, in words, from the rule's reason code and numbers."""
    p = result.params or {}

    def money(key: str) -> str:
        return _money(p.get(key, 0), currency)

    reason = result.reason
    if reason == "funded":
        return _(
            "Funded: ranked %(rank)s by votes; its cost of %(cost)s fitted the %(before)s still left, "
            "leaving %(after)s."
        ) % {
            "rank": p.get("rank"),
            "cost": _money(cost, currency),
            "before": money("remaining_before"),
            "after": money("remaining_after"),
        }
    if reason == "does_not_fit":
        return _(
            "Not funded: ranked %(rank)s by votes, but only %(remaining)s was left at its turn, %(shortfall)s "
            "short of its cost."
        ) % {"rank": p.get("rank"), "remaining": money("remaining"), "shortfall": money("shortfall")}
    if reason == "no_support":
        return _("Not funded: nobody voted for it.")
    if reason == "mes_funded":
        return _(
            "Funded in round %(round)s: its %(supporters)s supporters paid for it from their equal shares of "
            "%(share)s each, none paying more than %(max_payment)s (%(effective)s effective votes)."
        ) % {
            "round": p.get("round"),
            "supporters": p.get("supporters"),
            "share": money("share"),
            "max_payment": money("max_payment"),
            "effective": number_format(_number(p.get("effective_votes", 0)).quantize(Decimal("0.1")), 1),
        }
    if reason == "mes_unaffordable":
        if p.get("round"):
            return _(
                "Not funded: in round %(round)s its supporters had only %(held)s left of their equal shares of "
                "%(share)s, less than its cost of %(cost)s."
            ) % {
                "round": p.get("round"),
                "held": money("supporters_money"),
                "share": money("share"),
                "cost": money("cost"),
            }
        return _("Not funded: its supporters' equal shares of %(share)s could not pay its cost of %(cost)s.") % {
            "share": money("share"),
            "cost": money("cost"),
        }
    if reason == "completion_funded":
        return _("Funded from the money the equal shares left: %(before)s was left, %(after)s after it.") % {
            "before": money("remaining_before"),
            "after": money("remaining_after"),
        }
    return _("Funded.") if result.funded else _("Not funded.")


def rule_explanation(vote: Vote) -> str:
    """The outcome rule as shown to voters before they vote and with the results."""
    if vote.rule == "mes":
        return _(
            "Method of Equal Shares: the budget is split equally among the voters; a project is bought with its "
            "supporters' shares, the project that costs its supporters least per vote first, until no project "
            "can be paid for by its supporters."
        )
    return _(
        "Greedy: projects are taken by the number of votes, most first; a project is funded if it fits the money "
        "still left, otherwise it is skipped and the next is tried."
    )


@dataclass(frozen=True)
class ResultRow:
    project: VoteProject
    votes: int
    score: Decimal
    funded: bool
    reason: str
    explanation: str
    position: int


def vote_results(*, vote: Vote, user: Any) -> list[ResultRow]:
    """The vote's results with explanations, funded first in the rule's order; [] when not visible to `user`
    (an open vote's counts are never shown)."""
    if not results_visible(vote=vote, user=user):
        return []
    rows = VoteResult.objects.filter(vote=vote).select_related("project").order_by("-funded", "position")
    return [
        ResultRow(
            project=r.project,
            votes=r.votes,
            score=r.score,
            funded=r.funded,
            reason=r.reason,
            explanation=result_explanation(r, cost=r.project.cost, currency=vote.currency),
            position=r.position,
        )
        for r in rows
    ]


def results_summary(rows: list[ResultRow]) -> dict[str, Any]:
    funded = [r for r in rows if r.funded]
    return {"funded": len(funded), "spent": sum((r.project.cost for r in funded), Decimal("0.00"))}
