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

import math
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
    # the composite score (0 to 100) as points / scale, one scale for every row of a rating; None: not rated.
    # Made into a fraction when read (`score`): a rating of 20,000 municipalities reads a page of them.
    points: int | None
    scale: int
    rank: int | None
    # the normalised score per indicator (0 to 1) as (numerator, denominator): made into fractions when read
    parts: dict[str, tuple[int, int]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # codes without a value

    @property
    def score(self) -> Fraction | None:
        return None if self.points is None else Fraction(self.points, self.scale)

    @property
    def is_rated(self) -> bool:
        return self.points is not None

    @property
    def scores(self) -> dict[str, Fraction]:
        """The normalised score per indicator (0 to 1), for the indicators with a value."""
        return {code: Fraction(numerator, denominator) for code, (numerator, denominator) in self.parts.items()}


def _ratio(value: Number) -> tuple[int, int]:
    if isinstance(value, int):
        return value, 1
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    return value.as_integer_ratio()


def _integers(values: Mapping[K, Number]) -> dict[K, int]:
    """The values as integers over one common denominator (the same order and the same ties: min-max and ranks
    depend only on differences and order, which scaling by a positive constant keeps in proportion)."""
    ratios = {key: _ratio(v) for key, v in values.items()}
    common = 1
    for denominator in {d for _n, d in ratios.values()}:
        common = math.lcm(common, denominator)
    return {key: numerator * (common // denominator) for key, (numerator, denominator) in ratios.items()}


def _normalised_parts(values: Mapping[K, Number], *, method: str, lower_is_better: bool) -> tuple[dict[K, int], int]:
    """Each value's normalised score as an integer numerator over one denominator for the indicator: the same
    scores as normalise(), in integers, because a rating of 20,000 municipalities made of Fraction operations
    takes seconds and this takes a small fraction of it."""
    if method not in (MINMAX, RANK):
        raise ValueError(method)
    numbers = _integers(values)
    if not numbers:
        return {}, 1
    if method == MINMAX:
        low, high = min(numbers.values()), max(numbers.values())
        if low == high:
            return dict.fromkeys(numbers, 1), 1
        if lower_is_better:
            return {key: high - v for key, v in numbers.items()}, high - low
        return {key: v - low for key, v in numbers.items()}, high - low
    n = len(numbers)
    if n == 1:
        return dict.fromkeys(numbers, 1), 1
    # (n − rank) / (n − 1) with average ranks: twice the rank is an integer (position + 1 + end + 1)
    ordered = sorted(numbers.items(), key=lambda item: item[1], reverse=not lower_is_better)
    parts: dict[K, int] = {}
    position = 0
    while position < n:
        end = position
        while end + 1 < n and ordered[end + 1][1] == ordered[position][1]:
            end += 1
        twice_rank = position + 1 + end + 1
        for key, _value in ordered[position : end + 1]:
            parts[key] = 2 * n - twice_rank
        position = end + 1
    return parts, 2 * (n - 1)


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
    candidates not rated, by name.

    Exact, in integers: each indicator's scores share one denominator D, each weight is an integer over one
    common denominator, so every composite is an integer numerator over the same denominator and equal scores are
    equal integers (the Fraction functions above say the same thing one value at a time)."""
    weights = {c.code: _fraction(c.weight) for c in criteria}
    total_weight = sum(weights.values(), Fraction(0))
    if total_weight <= 0:
        raise ValueError("a rating needs a positive total weight")
    weight_denominator = 1
    for weight in weights.values():
        weight_denominator = math.lcm(weight_denominator, weight.denominator)
    int_weights = {code: int(w * weight_denominator) for code, w in weights.items()}
    candidate_set = set(candidates)
    normalised: dict[str, tuple[dict[K, int], int]] = {
        c.code: _normalised_parts(
            {k: v for k, v in values.get(c.code, {}).items() if k in candidate_set},
            method=method,
            lower_is_better=c.lower_is_better,
        )
        for c in criteria
    }
    common = 1
    for _parts, denominator in normalised.values():
        common = math.lcm(common, denominator)
    factors = {code: int_weights[code] * (common // denominator) for code, (_parts, denominator) in normalised.items()}
    # composite = Σ w·s / Σ w × 100 = numerator / (common · Σ w_int) × 100
    total = common * int(total_weight * weight_denominator)
    rows: list[Row[K]] = []
    numerators: dict[K, int] = {}
    for key in candidates:
        parts: dict[str, tuple[int, int]] = {}
        missing: list[str] = []
        missing_weight = 0
        numerator = 0
        for c in criteria:
            scores, denominator = normalised[c.code]
            score = scores.get(key)
            if score is None:
                missing.append(c.code)
                missing_weight += int_weights[c.code]
                continue
            parts[c.code] = (score, denominator)
            numerator += factors[c.code] * score
        excluded = missing_rule == EXCLUDE_OVER_HALF and missing_weight * 2 * common > total
        if not excluded:
            numerators[key] = numerator
        points = None if excluded else numerator * 100
        rows.append(Row(key=key, points=points, scale=total, rank=None, parts=parts, missing=missing))
    return _rank(rows, names, numerators)


def _rank(rows: list[Row[K]], names: Mapping[K, str] | None, numerators: Mapping[K, int]) -> list[Row[K]]:
    """Equal scores share a place and the next place is skipped (1, 2, 2, 4); ties are listed by name. The rated
    rows are compared by their integer numerators (one denominator for all: the same order as the scores)."""

    def label(row: Row[K]) -> str:
        return (names or {}).get(row.key, str(row.key))

    rated = sorted((r for r in rows if r.key in numerators), key=lambda r: (-numerators[r.key], label(r)))
    for position, row in enumerate(rated):
        if position and numerators[row.key] == numerators[rated[position - 1].key]:
            row.rank = rated[position - 1].rank
        else:
            row.rank = position + 1
    unrated = sorted((r for r in rows if r.key not in numerators), key=label)
    return rated + unrated
