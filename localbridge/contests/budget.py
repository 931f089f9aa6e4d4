"""A project budget's arithmetic and the contest's money rules, as pure functions (no database).

A line is quantity × unit cost = total, rounded to kopecks; the total is split by source of money: the grant
requested, the municipal or regional budget, residents' contributions (initiative payments, self-taxation),
sponsors, and volunteer labour valued in money. Co-financing is everything but the grant.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Protocol

from django.utils.translation import gettext as _

SOURCES = ("grant", "local_budget", "residents", "sponsors", "volunteer_labour")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


class LineLike(Protocol):
    quantity: Any
    unit_cost: Any
    total: Any
    grant: Any
    local_budget: Any
    residents: Any
    sponsors: Any
    volunteer_labour: Any


def to_decimal(value: Any) -> Decimal | None:
    """A number given as Decimal, int or text ("1 234,50") as a Decimal; None when empty or not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def money(value: Any) -> Decimal:
    """An amount rounded half up to kopecks (empty counts as zero)."""
    number = to_decimal(value)
    return (number if number is not None else ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(quantity: Any, unit_cost: Any) -> Decimal:
    return money((to_decimal(quantity) or ZERO) * (to_decimal(unit_cost) or ZERO))


def sources_sum(line: LineLike) -> Decimal:
    return sum((money(getattr(line, source)) for source in SOURCES), ZERO)


@dataclass(frozen=True)
class BudgetTotals:
    total: Decimal = ZERO
    grant: Decimal = ZERO
    local_budget: Decimal = ZERO
    residents: Decimal = ZERO
    sponsors: Decimal = ZERO
    volunteer_labour: Decimal = ZERO

    @property
    def cofinancing(self) -> Decimal:
        """All the money but the grant: the line totals less the grant requested."""
        return self.total - self.grant

    @property
    def cofinancing_percent(self) -> Decimal:
        if not self.total:
            return ZERO
        return (self.cofinancing * HUNDRED / self.total).quantize(CENT, rounding=ROUND_HALF_UP)

    def by_source(self) -> dict[str, Decimal]:
        return {source: getattr(self, source) for source in SOURCES}


def budget_totals(lines: Iterable[LineLike]) -> BudgetTotals:
    sums = dict.fromkeys(("total", *SOURCES), ZERO)
    for line in lines:
        sums["total"] += money(line.total)
        for source in SOURCES:
            sums[source] += money(getattr(line, source))
    return BudgetTotals(**sums)


@dataclass(frozen=True)
class BudgetError:
    """One broken rule: `line` is the 1-based line number, None for the budget as a whole."""

    code: str
    message: str
    line: int | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


def line_errors(line: LineLike, number: int) -> list[BudgetError]:
    """What is wrong with one line by itself: negative numbers, a total that is not quantity × unit cost,
    sources that do not add up to the total."""
    errors: list[BudgetError] = []
    params: dict[str, Any] = {"line": number}
    values = {name: to_decimal(getattr(line, name)) for name in ("quantity", "unit_cost", "total", *SOURCES)}
    if any(value is None for name, value in values.items() if name in ("quantity", "unit_cost")):
        errors.append(
            BudgetError("line_incomplete", _("Line %(line)d: give the quantity and the unit cost."), number, params)
        )
        return errors
    if any(value is not None and value < 0 for value in values.values()):
        errors.append(BudgetError("negative_amount", _("Line %(line)d: amounts cannot be negative."), number, params))
        return errors
    expected = line_total(values["quantity"], values["unit_cost"])
    total = money(values["total"])
    if total != expected:
        errors.append(
            BudgetError(
                "line_total_mismatch",
                _("Line %(line)d: the total %(total)s is not quantity × unit cost (%(expected)s)."),
                number,
                {**params, "total": total, "expected": expected},
            )
        )
    split = sources_sum(line)
    if split != total:
        errors.append(
            BudgetError(
                "sources_mismatch",
                _("Line %(line)d: the sources of money add up to %(sum)s, not to the total %(total)s."),
                number,
                {**params, "sum": split, "total": total},
            )
        )
    return errors


def budget_errors(
    lines: Iterable[LineLike],
    *,
    max_grant: Decimal | None = None,
    min_cofinancing_percent: Decimal | None = None,
) -> list[BudgetError]:
    """Everything that keeps a budget from being submitted, line by line and as a whole."""
    lines = list(lines)
    if not lines:
        return [BudgetError("budget_empty", _("Add at least one budget line."))]
    errors: list[BudgetError] = []
    for number, line in enumerate(lines, start=1):
        errors += line_errors(line, number)
    if errors:
        return errors  # the totals of a broken budget would only add noise
    totals = budget_totals(lines)
    if totals.grant <= 0:
        errors.append(BudgetError("no_grant", _("Say how much of the cost the grant is to cover.")))
    if max_grant is not None and totals.grant > max_grant:
        errors.append(
            BudgetError(
                "grant_over_cap",
                _("The grant requested, %(grant)s, is above the contest's maximum of %(cap)s."),
                params={"grant": totals.grant, "cap": money(max_grant)},
            )
        )
    minimum = to_decimal(min_cofinancing_percent) or ZERO
    # Compared exactly (cofinancing / total ≥ minimum / 100), not on the rounded percentage.
    if minimum > 0 and totals.cofinancing * HUNDRED < minimum * totals.total:
        errors.append(
            BudgetError(
                "cofinancing_below_minimum",
                _("Co-financing is %(share)s%% of the cost; the contest requires at least %(minimum)s%%."),
                params={"share": totals.cofinancing_percent, "minimum": minimum},
            )
        )
    return errors
