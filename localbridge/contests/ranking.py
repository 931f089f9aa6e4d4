"""The ranking of a contest: pure calculations on plain values, no database.

Score of one expert for an application: the weighted sum of the criterion scores, each normalised to 0..1 on its
scale, divided by the sum of the weights, times 100:

    sum(weight × (value − scale_min) / (scale_max − scale_min)) / sum(weight) × 100

Score of an application: the mean of the scores of the experts who completed their evaluation, rounded half up
to 0.01. Spread: the highest minus the lowest expert score (the disagreement flag compares it with the contest's
threshold).

Order: by score, highest first; applications nobody has scored come last. Ties (equal published scores, to the
hundredth) are broken by the contest's rule (TieBreak):
- earlier_submission: the earlier submission ranks higher;
- higher_cofinancing: the higher co-financing share ranks higher, then the earlier submission;
- smaller_grant: the smaller grant requested ranks higher, then the earlier submission;
and, as the last resort, by the application number (compared digit groups as numbers), then the id. Ranks are
therefore always distinct: 1, 2, 3…

Award: in rank order, each application that passes (scored by at least one expert, score ≥ the minimum pass
score, a positive grant) asks for its grant requested capped by the contest's maximum grant. The award rule
(AwardRule) decides what happens when the request does not fit what remains of the pool: skip it and go on
(skip), give nothing more to anyone (stop), or give it what remains and stop (partial).

Pools: each nomination with its own pool ranks and awards its applications separately; all other applications
(in nominations without a pool, or in none) are ranked together and share what the nominations' pools leave of
the contest's prize pool.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .models import AwardRule, TieBreak

Key = Any  # an id: of a criterion, an expert, an application, a nomination

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CriterionSpec:
    id: Key
    scale_min: Decimal | int
    scale_max: Decimal | int
    weight: Decimal | int


def expert_score(values: Mapping[Key, Decimal], criteria: Sequence[CriterionSpec]) -> Decimal:
    """One expert's normalised score (0..100, not rounded). Every criterion must be scored, within its scale."""
    if not criteria:
        raise ValueError("no criteria")
    total = Decimal(0)
    weights = Decimal(0)
    for criterion in criteria:
        if criterion.id not in values:
            raise ValueError(f"criterion {criterion.id} not scored")
        value = Decimal(values[criterion.id])
        low, high, weight = Decimal(criterion.scale_min), Decimal(criterion.scale_max), Decimal(criterion.weight)
        if high <= low or weight <= 0:
            raise ValueError(f"criterion {criterion.id}: bad scale or weight")
        if not low <= value <= high:
            raise ValueError(f"criterion {criterion.id}: {value} outside {low}..{high}")
        total += weight * (value - low) / (high - low)
        weights += weight
    return total / weights * HUNDRED


@dataclass(frozen=True)
class Aggregate:
    score: Decimal | None  # mean of the experts' scores, 0.01; None when nobody completed
    experts: int
    spread: Decimal  # highest minus lowest expert score, 0.01
    by_expert: dict[Key, Decimal]  # each expert's score, 0.01
    by_criterion: dict[Key, Decimal]  # mean raw value per criterion, 0.01


def aggregate(scores: Mapping[Key, Mapping[Key, Decimal]], criteria: Sequence[CriterionSpec]) -> Aggregate:
    """Aggregate the completed evaluations of one application: {expert: {criterion: value}}."""
    by_expert_exact = {expert: expert_score(values, criteria) for expert, values in scores.items()}
    if not by_expert_exact:
        return Aggregate(None, 0, ZERO, {}, {})
    count = len(by_expert_exact)
    mean = sum(by_expert_exact.values(), Decimal(0)) / count
    by_expert = {expert: money(value) for expert, value in by_expert_exact.items()}
    spread = money(max(by_expert_exact.values()) - min(by_expert_exact.values()))
    by_criterion = {
        c.id: money(sum((Decimal(values[c.id]) for values in scores.values()), Decimal(0)) / count) for c in criteria
    }
    return Aggregate(money(mean), count, spread, by_expert, by_criterion)


def application_score(scores: Mapping[Key, Mapping[Key, Decimal]], criteria: Sequence[CriterionSpec]) -> Decimal | None:
    """The application's score (0..100, to 0.01): the mean over experts of their normalised weighted scores;
    None when no expert's evaluation is given."""
    return aggregate(scores, criteria).score


def spread_of(expert_scores: Sequence[Decimal]) -> Decimal:
    """Highest minus lowest score (0 for fewer than two)."""
    if len(expert_scores) < 2:
        return ZERO
    return money(max(expert_scores) - min(expert_scores))


@dataclass(frozen=True)
class Entry:
    """One application as the ranking sees it."""

    key: Key  # the application's id
    score: Decimal | None
    submitted_at: datetime | None = None
    number: str = ""
    grant_requested: Decimal = ZERO
    cofinancing_percent: Decimal = ZERO
    experts: int = 0


_DIGITS = re.compile(r"(\d+)")


def _number_key(number: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(number) if part)


def _order_key(entry: Entry, tie_break: str) -> tuple:
    unscored = entry.score is None
    score = -(entry.score or ZERO)
    if tie_break == TieBreak.HIGHER_COFINANCING:
        rule: tuple = (-entry.cofinancing_percent,)
    elif tie_break == TieBreak.SMALLER_GRANT:
        rule = (entry.grant_requested,)
    elif tie_break == TieBreak.EARLIER_SUBMISSION:
        rule = ()
    else:
        raise ValueError(f"unknown tie-break {tie_break!r}")
    submitted = (entry.submitted_at is None, entry.submitted_at.timestamp() if entry.submitted_at else 0.0)
    return (unscored, score, *rule, submitted, _number_key(entry.number), str(entry.key))


def rank(entries: Sequence[Entry], tie_break: str = TieBreak.EARLIER_SUBMISSION) -> list[Entry]:
    """The entries in ranking order (rank = position + 1); see the module's docstring for the tie-breaks."""
    return sorted(entries, key=lambda entry: _order_key(entry, tie_break))


def requested_amount(grant_requested: Decimal, cap: Decimal | None) -> Decimal:
    amount = money(grant_requested)
    if cap is not None:
        amount = min(amount, money(cap))
    return max(amount, ZERO)


def award(
    ranked: Sequence[Entry],
    *,
    pool: Decimal,
    cap: Decimal | None = None,
    rule: str = AwardRule.SKIP,
    min_pass_score: Decimal = ZERO,
) -> list[Decimal]:
    """Amounts for `ranked` (in ranking order) within `pool`; see the module's docstring."""
    if rule not in AwardRule.values:
        raise ValueError(f"unknown award rule {rule!r}")
    remaining = max(money(pool), ZERO)
    amounts: list[Decimal] = []
    stopped = False
    for entry in ranked:
        amount = ZERO
        passes = entry.score is not None and entry.experts > 0 and entry.score >= min_pass_score
        asked = requested_amount(entry.grant_requested, cap)
        if passes and not stopped and asked > 0:
            if asked <= remaining:
                amount = asked
            elif rule == AwardRule.PARTIAL:
                amount = remaining
                stopped = True
            elif rule == AwardRule.STOP:
                stopped = True
            # SKIP: nothing for this one, go on.
        remaining -= amount
        amounts.append(amount)
    return amounts


@dataclass(frozen=True)
class Group:
    """Applications ranked and awarded together from one pool: a nomination with its own pool (`nomination`
    set, `pooled` true) or the common group (`pooled` false)."""

    nomination: Key | None
    pooled: bool
    pool: Decimal


def groups(prize_pool: Decimal, nomination_pools: Mapping[Key, Decimal | None]) -> tuple[dict[Key, Group], Group]:
    """The pooled nominations' groups and the common group sharing what their pools leave of the prize pool."""
    pooled = {
        nomination: Group(nomination, True, money(pool))
        for nomination, pool in nomination_pools.items()
        if pool is not None
    }
    left = money(prize_pool) - sum((group.pool for group in pooled.values()), ZERO)
    return pooled, Group(None, False, max(left, ZERO))


@dataclass(frozen=True)
class Line:
    entry: Entry
    nomination: Key | None
    rank: int
    amount: Decimal

    @property
    def funded(self) -> bool:
        return self.amount > 0


def ranking(
    entries: Sequence[tuple[Entry, Key | None]],
    *,
    prize_pool: Decimal,
    nomination_pools: Mapping[Key, Decimal | None] | None = None,
    cap: Decimal | None = None,
    rule: str = AwardRule.SKIP,
    tie_break: str = TieBreak.EARLIER_SUBMISSION,
    min_pass_score: Decimal = ZERO,
) -> list[Line]:
    """The whole ranking: entries are (entry, nomination or None). Returns lines grouped — pooled nominations
    in the order of `nomination_pools`, then the common group — each group in rank order from 1."""
    pooled, common = groups(prize_pool, nomination_pools or {})
    members: dict[Key | None, list[Entry]] = {key: [] for key in pooled}
    members[None] = []
    nominations: dict[Key, Key | None] = {}
    for entry, nomination in entries:
        nominations[entry.key] = nomination
        members[nomination if nomination in pooled else None].append(entry)
    lines: list[Line] = []
    for key, group_entries in members.items():
        group = pooled[key] if key is not None else common
        ordered = rank(group_entries, tie_break)
        amounts = award(ordered, pool=group.pool, cap=cap, rule=rule, min_pass_score=min_pass_score)
        lines += [
            Line(entry, nominations[entry.key], position, amount)
            for position, (entry, amount) in enumerate(zip(ordered, amounts, strict=True), start=1)
        ]
    return lines
