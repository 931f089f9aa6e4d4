"""Outcome rules for participatory budgets: greedy and the Method of Equal Shares (MES).

Each rule returns one :class:`ProjectOutcome` per project, with a machine-readable ``reason`` code and
the numbers behind it in ``params`` (exact :class:`~fractions.Fraction`/``int``/``Decimal`` values), so
that the web layer can phrase and translate the explanation. All arithmetic is exact.

Greedy (``"greedy"``)
    Projects are ranked by score (see :mod:`.tally`: votes for approval-type ballots, points for
    cumulative/scoring, a Borda count for ordinal ballots); going down the ranking, a project is
    funded if it fits the budget still left, otherwise it is skipped and the next one is tried
    (pabulib's "greedy": skip and continue, not stop at the first that does not fit). Projects with
    a score of 0 are never funded. Ties are broken by more ballots, then lower cost, then project id
    (numeric ids compared as numbers). No file of the pabulib corpus records a greedy outcome
    (``selected`` appears only in files whose rule is MES or "unknown"), so this tie-break is our
    own documented choice, not a reproduction of an official one.

Method of Equal Shares (``"mes"``, ``"mes/add1"``)
    As defined by Peters, Pierczyński and Skowron ("Proportional participatory budgeting with
    additive utilities", NeurIPS 2021) and explained at https://equalshares.net/explanation; the
    completion is the standard one of https://equalshares.net/implementation/completion/:

    1. The budget is split equally among the ``n`` voters (every ballot, even an empty one).
    2. A project whose supporters together hold less money than its cost drops out.
    3. For every other project find the smallest price ``ρ`` per unit of utility such that the
       supporters can pay its cost, each paying ``min(money left, ρ × utility)``.
    4. Fund the project with the smallest ``ρ``, charge its supporters, repeat from step 2.

    Utilities (``utility=``): ``"cost"`` (the default, as equalshares.net and the cities using MES —
    Wieliczka's Green Million, Aarau, Assen — do): a supporter's utility for an approved project is
    its cost, so the rule picks the largest "effective vote count" ``cost / ρ_voter`` where
    ``ρ_voter`` is the most any supporter pays. ``"approval"``: utility 1 per approved project, so
    the rule picks the smallest per-supporter payment. Cumulative/scoring ballots give utilities
    proportional to their points (times the cost under ``"cost"``); ordinal ballots count as
    approvals of the ranked projects.

    Ties in ``ρ`` go to the lower cost, then to more supporters (the order of equalshares.net's
    reference implementation), then to the higher score, then to the project id.

    ``"mes/add1"`` (``completion="add1"``): if plain MES leaves money that could still fund a
    project, rerun it with every voter's share raised by 1 (the total by ``n``) while the outcome is
    not exhaustive and still fits the real budget; keep the last outcome that fits. This is what
    pabulib records as ``equalshares/add1``; it reproduces the ``selected`` column of
    Netherlands_Assen_2024 exactly. ``"mes/add1u"`` (``completion="add1u"``) then also spends what is
    left greedily by score ("utilitarian completion", the "Add1U" of equalshares.net's tool); in
    Assen that would have added one more project (7, 12 000 of the 23 300 left), which the city did
    not do.

    Cost: each MES round is ``O(P · V log V)``; add1 reruns MES up to ``budget / n`` times. Fine for
    neighbourhood votes (thousands of ballots), slow (minutes) for a city-wide 30 000-ballot vote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from .format import Election
from .tally import POINT_TYPES, tally_election

__all__ = [
    "Candidate",
    "ProjectOutcome",
    "Reason",
    "Rule",
    "candidates_from",
    "greedy",
    "mes",
    "outcome",
    "supports_from",
]

Number = Fraction | Decimal | int


class Rule(StrEnum):
    """Outcome rules a vote may use (chosen when it opens)."""

    GREEDY = "greedy"
    MES = "mes"
    MES_ADD1 = "mes/add1"
    MES_ADD1U = "mes/add1u"


RULE_ALIASES = {"equalshares": Rule.MES, "equalshares/add1": Rule.MES_ADD1}
"""pabulib's names for our rules."""


class Reason(StrEnum):
    """Why a project was or was not funded. ``params`` of each code are listed below."""

    FUNDED = "funded"
    """greedy: ``rank``, ``remaining_before``, ``remaining_after``."""
    DOES_NOT_FIT = "does_not_fit"
    """greedy: ``rank``, ``remaining`` (budget left at its turn), ``shortfall``."""
    NO_SUPPORT = "no_support"
    """greedy or MES: nobody voted for it (score 0). No params."""
    MES_FUNDED = "mes_funded"
    """MES: ``round``, ``price`` (ρ per unit of utility), ``max_payment`` (most any supporter paid),
    ``effective_votes`` (cost / max_payment), ``supporters``, ``exhausted`` (supporters who paid all
    they had left), ``share`` (each voter's initial share)."""
    MES_UNAFFORDABLE = "mes_unaffordable"
    """MES: no group of its supporters could afford it: ``round`` (when it dropped out),
    ``supporters_money`` (what its supporters had left then) < ``cost``; ``share``; after a
    completion also ``remaining`` (the money left at the end)."""
    COMPLETION_FUNDED = "completion_funded"
    """MES ``add1u`` completion: funded from the money MES left, by score: ``remaining_before``,
    ``remaining_after``."""


@dataclass(frozen=True)
class Candidate:
    """A project as the rules see it."""

    id: str
    cost: Number
    votes: int
    score: int


@dataclass
class ProjectOutcome:
    """One project's result: funded or not, and why (``reason`` + ``params``)."""

    project_id: str
    cost: Number
    votes: int
    score: int
    funded: bool
    reason: Reason
    params: dict[str, Fraction | Decimal | int] = field(default_factory=dict)


def _id_key(project_id: str) -> tuple[int, int, str]:
    return (0, int(project_id), "") if project_id.isdigit() else (1, 0, project_id)


def _rank_key(c: Candidate) -> tuple[int, int, Fraction, tuple[int, int, str]]:
    return (-c.score, -c.votes, Fraction(c.cost), _id_key(c.id))


def _money(value: Number) -> Fraction:
    return Fraction(value)


# ---------------------------------------------------------------------------------------- greedy


def greedy(candidates: Sequence[Candidate], budget: Number) -> list[ProjectOutcome]:
    """Fund projects by score, skipping any that no longer fits; results in ranking order."""
    remaining = _money(budget)
    results: list[ProjectOutcome] = []
    for rank, c in enumerate(sorted(candidates, key=_rank_key), start=1):
        cost = _money(c.cost)
        if c.score <= 0:
            results.append(ProjectOutcome(c.id, c.cost, c.votes, c.score, False, Reason.NO_SUPPORT))
        elif cost <= remaining:
            params: dict[str, Fraction | Decimal | int] = {
                "rank": rank,
                "remaining_before": remaining,
                "remaining_after": remaining - cost,
            }
            remaining -= cost
            results.append(ProjectOutcome(c.id, c.cost, c.votes, c.score, True, Reason.FUNDED, params))
        else:
            params = {"rank": rank, "remaining": remaining, "shortfall": cost - remaining}
            results.append(ProjectOutcome(c.id, c.cost, c.votes, c.score, False, Reason.DOES_NOT_FIT, params))
    return results


# ------------------------------------------------------------------------------------------- MES


@dataclass
class _Bought:
    project_id: str
    round: int
    price: Fraction
    max_payment: Fraction
    supporters: int
    exhausted: int


@dataclass
class _MesRun:
    bought: list[_Bought]
    dropped: dict[str, tuple[int, Fraction]]  # project -> (round, supporters' money then)
    share: Fraction


def _price(cost: Fraction, supporters: list[tuple[int, Fraction]], money: list[Fraction]) -> Fraction:
    """Smallest ρ with Σ min(money_i, ρ·u_i) = cost (the caller checked Σ money_i ≥ cost)."""
    if len({u for _, u in supporters}) == 1:  # equal utilities (approval ballots): sort by money
        order = sorted(supporters, key=lambda s: money[s[0]])
    else:
        order = sorted(supporters, key=lambda s: money[s[0]] / s[1])
    paid = Fraction(0)
    weight = sum((u for _, u in order), Fraction(0))
    for voter, utility in order:
        rho = (cost - paid) / weight
        if rho * utility <= money[voter]:
            return rho
        paid += money[voter]
        weight -= utility
    raise AssertionError("unaffordable project priced")  # pragma: no cover


def _mes_fixed(
    candidates: Mapping[str, Candidate],
    supporters: Mapping[str, list[tuple[int, Fraction]]],
    n_voters: int,
    total: Fraction,
) -> _MesRun:
    share = total / n_voters
    money = [share] * n_voters
    bound: dict[str, Fraction] = {pid: Fraction(0) for pid, sup in supporters.items() if sup}
    bought: list[_Bought] = []
    dropped: dict[str, tuple[int, Fraction]] = {}
    round_no = 0
    while bound:
        round_no += 1
        best: list[tuple[str, Fraction]] = []
        for pid in sorted(bound, key=lambda p: bound[p]):
            if best and bound[pid] > best[0][1]:
                break  # prices only rise as money is spent: this one cannot beat the best
            cost = _money(candidates[pid].cost)
            held = sum((money[v] for v, _ in supporters[pid]), Fraction(0))
            if held < cost:
                dropped[pid] = (round_no, held)
                del bound[pid]
                continue
            rho = _price(cost, supporters[pid], money)
            bound[pid] = rho
            if not best or rho < best[0][1]:
                best = [(pid, rho)]
            elif rho == best[0][1]:
                best.append((pid, rho))
        if not best:
            break
        pid, rho = min(
            best,
            key=lambda b: (
                _money(candidates[b[0]].cost),
                -len(supporters[b[0]]),
                -candidates[b[0]].score,
                _id_key(b[0]),
            ),
        )
        del bound[pid]
        exhausted = 0
        max_payment = Fraction(0)
        for voter, utility in supporters[pid]:
            pay = min(money[voter], rho * utility)
            if pay == money[voter] and pay < rho * utility:
                exhausted += 1
            max_payment = max(max_payment, pay)
            money[voter] -= pay
        bought.append(_Bought(pid, round_no, rho, max_payment, len(supporters[pid]), exhausted))
    return _MesRun(bought, dropped, share)


def _spent(run: _MesRun, candidates: Mapping[str, Candidate]) -> Fraction:
    return sum((_money(candidates[b.project_id].cost) for b in run.bought), Fraction(0))


def _exhaustive(run: _MesRun, candidates: Mapping[str, Candidate], budget: Fraction) -> bool:
    """True when no unfunded project with support fits the money left."""
    left = budget - _spent(run, candidates)
    funded = {b.project_id for b in run.bought}
    return not any(_money(c.cost) <= left for pid, c in candidates.items() if pid not in funded and c.score > 0)


def mes(
    candidates: Sequence[Candidate],
    supports: Sequence[Mapping[str, int]],
    budget: Number,
    *,
    utility: str = "cost",
    completion: str | None = None,
) -> list[ProjectOutcome]:
    """Method of Equal Shares (see the module doc); results in funding order, then the rest by rank.

    ``supports`` has one mapping per voter: project id → weight (1 for an approval, the points for
    cumulative/scoring ballots); :func:`supports_from` builds it from ballots. ``utility`` is
    ``"cost"`` or ``"approval"``; ``completion`` is ``None``, ``"add1"`` or ``"add1u"``.
    """
    if utility not in ("cost", "approval"):
        raise ValueError(f"unknown utility {utility!r}")
    if completion not in (None, "add1", "add1u"):
        raise ValueError(f"unknown completion {completion!r}")
    by_id = {c.id: c for c in candidates}
    total = _money(budget)
    n_voters = len(supports)
    supporters: dict[str, list[tuple[int, Fraction]]] = {pid: [] for pid in by_id}
    for voter, support in enumerate(supports):
        for pid, weight in support.items():
            if weight > 0 and pid in by_id and _money(by_id[pid].cost) > 0:
                scale = _money(by_id[pid].cost) if utility == "cost" else Fraction(1)
                supporters[pid].append((voter, weight * scale))
    if n_voters == 0:
        return [
            ProjectOutcome(c.id, c.cost, c.votes, c.score, False, Reason.NO_SUPPORT)
            for c in sorted(candidates, key=_rank_key)
        ]

    run = _mes_fixed(by_id, supporters, n_voters, total)
    if completion in ("add1", "add1u"):
        virtual = total
        while not _exhaustive(run, by_id, total):
            virtual += n_voters
            attempt = _mes_fixed(by_id, supporters, n_voters, virtual)
            if _spent(attempt, by_id) > total:
                break
            run = attempt

    results: list[ProjectOutcome] = []
    done: set[str] = set()
    for b in run.bought:
        c = by_id[b.project_id]
        params: dict[str, Fraction | Decimal | int] = {
            "round": b.round,
            "price": b.price,
            "max_payment": b.max_payment,
            "effective_votes": _money(c.cost) / b.max_payment if b.max_payment else Fraction(0),
            "supporters": b.supporters,
            "exhausted": b.exhausted,
            "share": run.share,
        }
        results.append(ProjectOutcome(c.id, c.cost, c.votes, c.score, True, Reason.MES_FUNDED, params))
        done.add(c.id)

    remaining = total - _spent(run, by_id)
    if completion == "add1u":
        for c in sorted((c for c in candidates if c.id not in done), key=_rank_key):
            cost = _money(c.cost)
            if c.score > 0 and cost <= remaining:
                params = {"remaining_before": remaining, "remaining_after": remaining - cost}
                remaining -= cost
                results.append(ProjectOutcome(c.id, c.cost, c.votes, c.score, True, Reason.COMPLETION_FUNDED, params))
                done.add(c.id)

    for c in sorted((c for c in candidates if c.id not in done), key=_rank_key):
        if c.score <= 0 or not supporters[c.id]:
            results.append(ProjectOutcome(c.id, c.cost, c.votes, c.score, False, Reason.NO_SUPPORT))
            continue
        round_no, held = run.dropped.get(c.id, (0, Fraction(0)))
        params = {"round": round_no, "supporters_money": held, "cost": _money(c.cost), "share": run.share}
        if completion is not None:
            params["remaining"] = remaining
        results.append(ProjectOutcome(c.id, c.cost, c.votes, c.score, False, Reason.MES_UNAFFORDABLE, params))
    return results


# ------------------------------------------------------------------------------ from an election


def candidates_from(election: Election) -> list[Candidate]:
    """The election's projects with our own tally (never the file's ``votes`` column)."""
    counts = tally_election(election)
    return [Candidate(p.id, p.cost, counts[p.id].votes, counts[p.id].score) for p in election.projects]


def supports_from(election: Election) -> list[dict[str, int]]:
    """One mapping per ballot: project → weight (1, or the points for cumulative/scoring)."""
    with_points = election.vote_type in POINT_TYPES
    supports: list[dict[str, int]] = []
    for ballot in election.ballots:
        support: dict[str, int] = {}
        for i, pid in enumerate(ballot.choices):
            if with_points:
                points = ballot.points[i] if ballot.points is not None else 0
                support[pid] = support.get(pid, 0) + points
            else:
                support[pid] = 1
        supports.append(support)
    return supports


def outcome(election: Election, rule: str | Rule = Rule.GREEDY, *, utility: str = "cost") -> list[ProjectOutcome]:
    """Apply ``rule`` (``greedy``, ``mes``, ``mes/add1``, ``mes/add1u``; pabulib's
    ``equalshares`` and ``equalshares/add1`` too)."""
    chosen = Rule(RULE_ALIASES.get(str(rule), rule))
    candidates = candidates_from(election)
    if chosen is Rule.GREEDY:
        return greedy(candidates, election.budget)
    completion = {Rule.MES_ADD1: "add1", Rule.MES_ADD1U: "add1u"}.get(chosen)
    return mes(candidates, supports_from(election), election.budget, utility=utility, completion=completion)
