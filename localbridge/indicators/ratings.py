"""Composite ratings of municipalities: normalisation of each indicator, the weighted composite score, and the
ranking. Pure functions over plain numbers (exact fractions, so that equal scores are equal and ties are real
ties); selectors.rating_compute feeds them the values of a RatingMethod.

The rules, as docs/indicators.md states them:

- **Min-max**: score = (value − worst) / (best − worst), so the best value scores 1 and the worst 0 ("lower is
  better" indicators are turned around: the smallest value is the best). When every value is the same, every
  one scores 1 (nobody is behind anybody).
- **Rank**: the values are ranked from the best (rank 1); equal values share the average of the ranks they take
  (two values tied for 2nd and 3rd both get 2.5); score = (n − rank) / (n − 1), so the best scores 1 and the
  worst 0; a single value scores 1.
- Only the municipalities that have a value take part in an indicator's normalisation.
- **Missing values**: a municipality without a value of an indicator scores 0 for it (the worst normalised
  value). Under the rule "exclude over half" (the default), a municipality missing indicators whose weights
  add up to more than half of the total weight is not rated at all (listed apart, with what is missing).
- **Composite**: Σ weight × score / Σ weight over all the rating's indicators, × 100 (0 to 100).
- **Ties**: equal composite scores share a place, and the next place is skipped (1, 2, 2, 4); tied
  municipalities are listed by name.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
Number = Fraction | Decimal | int

MINMAX, RANK = "minmax", "rank"
EXCLUDE_OVER_HALF, WORST = "exclude_over_half", "worst"


def _fraction(value: Number) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def normalise_minmax(values: Mapping[K, Number], *, lower_is_better: bool = False) -> dict[K, Fraction]:
    """Each value's share of the way from the worst value to the best (0 to 1); all equal: all 1."""
    numbers = {key: _fraction(v) for key, v in values.items()}
    if not numbers:
        return {}
    low, high = min(numbers.values()), max(numbers.values())
    if low == high:
        return dict.fromkeys(numbers, Fraction(1))
    span = high - low
    if lower_is_better:
        return {key: (high - v) / span for key, v in numbers.items()}
    return {key: (v - low) / span for key, v in numbers.items()}


def average_ranks(values: Mapping[K, Number], *, lower_is_better: bool = False) -> dict[K, Fraction]:
    """Rank 1 is the best value; equal values share the average of the ranks they occupy."""
    numbers = {key: _fraction(v) for key, v in values.items()}
    ordered = sorted(numbers.items(), key=lambda item: item[1], reverse=not lower_is_better)
    ranks: dict[K, Fraction] = {}
    position = 0
    while position < len(ordered):
        end = position
        while end + 1 < len(ordered) and ordered[end + 1][1] == ordered[position][1]:
            end += 1
        shared = Fraction(position + 1 + end + 1, 2)  # the average of ranks position+1 … end+1
        for key, _value in ordered[position : end + 1]:
            ranks[key] = shared
        position = end + 1
    return ranks


def normalise_rank(values: Mapping[K, Number], *, lower_is_better: bool = False) -> dict[K, Fraction]:
    """(n − rank) / (n − 1) with average ranks for ties: the best 1, the worst 0; a single value 1."""
    ranks = average_ranks(values, lower_is_better=lower_is_better)
    n = len(ranks)
    if n == 1:
        return dict.fromkeys(ranks, Fraction(1))
    return {key: (n - rank) / (n - 1) for key, rank in ranks.items()}


def normalise(values: Mapping[K, Number], *, method: str, lower_is_better: bool = False) -> dict[K, Fraction]:
    if method == MINMAX:
        return normalise_minmax(values, lower_is_better=lower_is_better)
    if method == RANK:
        return normalise_rank(values, lower_is_better=lower_is_better)
    raise ValueError(method)


@dataclass(frozen=True)
class Criterion:
    """One indicator of a rating: its code, weight and direction."""

    code: str
    weight: Number
    lower_is_better: bool = False


@dataclass
class Row(Generic[K]):
    key: K
    score: Fraction | None  # 0 to 100; None: not rated
    rank: int | None
    scores: dict[str, Fraction] = field(default_factory=dict)  # normalised score per indicator (0 to 1)
    missing: list[str] = field(default_factory=list)  # codes without a value

    @property
    def is_rated(self) -> bool:
        return self.score is not None


def composite(
    values: Mapping[str, Mapping[K, Number]],
    criteria: Sequence[Criterion],
    candidates: Sequence[K],
    *,
    method: str = MINMAX,
    missing_rule: str = EXCLUDE_OVER_HALF,
    names: Mapping[K, str] | None = None,
) -> list[Row[K]]:
    """The rating of `candidates`: `values[code][candidate]` are the raw values (a candidate without a value
    for a code is missing it). Rated rows come first, best first, with shared ranks for equal scores; then the
    candidates not rated, by name."""
    total_weight = sum((_fraction(c.weight) for c in criteria), Fraction(0))
    if total_weight <= 0:
        raise ValueError("a rating needs a positive total weight")
    candidate_set = set(candidates)
    normalised = {
        c.code: normalise(
            {k: v for k, v in values.get(c.code, {}).items() if k in candidate_set},
            method=method,
            lower_is_better=c.lower_is_better,
        )
        for c in criteria
    }
    rows: list[Row[K]] = []
    for key in candidates:
        scores: dict[str, Fraction] = {}
        missing: list[str] = []
        missing_weight = Fraction(0)
        weighted = Fraction(0)
        for c in criteria:
            score = normalised[c.code].get(key)
            if score is None:
                missing.append(c.code)
                missing_weight += _fraction(c.weight)
                continue
            scores[c.code] = score
            weighted += _fraction(c.weight) * score
        excluded = missing_rule == EXCLUDE_OVER_HALF and missing_weight * 2 > total_weight
        composite_score = None if excluded else weighted / total_weight * 100
        rows.append(Row(key=key, score=composite_score, rank=None, scores=scores, missing=missing))

    def label(row: Row[K]) -> str:
        return (names or {}).get(row.key, str(row.key))

    rated = sorted((r for r in rows if r.score is not None), key=lambda r: (-r.score, label(r)))  # type: ignore[operator]
    for position, row in enumerate(rated):
        if position and row.score == rated[position - 1].score:
            row.rank = rated[position - 1].rank
        else:
            row.rank = position + 1
    unrated = sorted((r for r in rows if r.score is None), key=label)
    return rated + unrated
