"""Pure calculations of the dashboards: quantile classes of a choropleth map with their colours, and the ranking
of a region's municipalities by one indicator (missing values last, ties sharing a place).

No database here: selectors_dashboards.py feeds these functions the stored values."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

CLASS_COUNT = 5
# Viridis in five steps, from light to dark: perceptually even and readable with the common colour-vision
# deficiencies (and in greyscale). The darkest colour always marks the best class (see class_colours).
PALETTE = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
NO_DATA_COLOUR = "#9e9e9e"


@dataclass(frozen=True)
class ValueClass:
    """One class of the legend: the values from `low` to `high` (both included), its colour, how many fall in it."""

    low: Decimal
    high: Decimal
    colour: str
    count: int


def quantile_bounds(values: Sequence[Decimal], k: int = CLASS_COUNT) -> list[tuple[Decimal, Decimal]]:
    """Up to `k` classes of `values` by quantiles, as (low, high) pairs in increasing order.

    The i-th class ends at the value below which i/k of the values lie (the nearest-rank quantile), so each class
    holds about n/k values. Equal values are never split between classes: where quantiles coincide (many zeros),
    the classes merge and there are fewer than k. Every value falls in exactly one class; every class holds at
    least one value, and its bounds are values that occur."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return []
    highs: list[Decimal] = []
    for i in range(1, k + 1):
        high = ordered[math.ceil(i * n / k) - 1]
        if not highs or high > highs[-1]:
            highs.append(high)
    bounds: list[tuple[Decimal, Decimal]] = []
    position = 0
    for high in highs:
        low = ordered[position]
        while position < n and ordered[position] <= high:
            position += 1
        bounds.append((low, high))
    return bounds


def class_colours(count: int, *, lower_is_better: bool) -> list[str]:
    """The colours of `count` classes in increasing order of value, spread over the palette. The best class is
    the darkest: the highest values for "higher is better", the lowest for "lower is better"."""
    if count <= 0:
        return []
    if count == 1:
        colours = [PALETTE[len(PALETTE) // 2]]
    else:
        last = len(PALETTE) - 1
        colours = [PALETTE[round(i * last / (count - 1))] for i in range(count)]
    return list(reversed(colours)) if lower_is_better else colours


def classify(
    values: Sequence[Decimal], *, lower_is_better: bool, k: int = CLASS_COUNT
) -> tuple[list[ValueClass], Callable[[Decimal], int]]:
    """The legend's classes of `values` and a function giving a value's class index (0 = lowest values)."""
    bounds = quantile_bounds(values, k)
    highs = [high for _low, high in bounds]

    def index_of(value: Decimal) -> int:
        for index, high in enumerate(highs):
            if value <= high:
                return index
        return len(highs) - 1

    counts = [0] * len(bounds)
    for value in values:
        counts[index_of(value)] += 1
    colours = class_colours(len(bounds), lower_is_better=lower_is_better)
    classes = [
        ValueClass(low=low, high=high, colour=colour, count=count)
        for (low, high), colour, count in zip(bounds, colours, counts, strict=True)
    ]
    return classes, index_of


@dataclass(frozen=True)
class Ranked(Generic[T]):
    key: T
    rank: int | None  # None: no value, listed last
    value: Decimal | None


def rank(
    values: Mapping[K, Decimal | None], *, lower_is_better: bool, names: Mapping[K, str] | None = None
) -> list[Ranked[K]]:
    """`values` from the best to the worst: equal values share a place and the next place is skipped (1, 2, 2, 4);
    equal values and the keys without a value (ranked None, listed last) are ordered by name, then key."""
    label = names or {}

    def by_name(key: K) -> tuple[str, str]:
        return (str(label.get(key, "")).casefold(), str(key))

    known = [(key, value) for key, value in values.items() if value is not None]
    known.sort(key=lambda item: by_name(item[0]))
    known.sort(key=lambda item: item[1], reverse=not lower_is_better)
    result: list[Ranked[K]] = []
    previous: Decimal | None = None
    place = 0
    for position, (key, value) in enumerate(known, start=1):
        if previous is None or value != previous:
            place = position
            previous = value
        result.append(Ranked(key=key, rank=place, value=value))
    missing = sorted((key for key, value in values.items() if value is None), key=by_name)
    result.extend(Ranked(key=key, rank=None, value=None) for key in missing)
    return result


def median(values: Sequence[Decimal]) -> Decimal | None:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    if n % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
