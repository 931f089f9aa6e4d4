"""The budget's arithmetic and money rules (contests/budget.py): pure functions, no database."""

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from localbridge.contests.budget import (
    BudgetTotals,
    budget_errors,
    budget_totals,
    line_errors,
    line_total,
    money,
    to_decimal,
)

D = Decimal


@dataclass
class Line:
    quantity: Decimal = D("1")
    unit_cost: Decimal = D("100.00")
    total: Decimal = D("100.00")
    grant: Decimal = D("80.00")
    local_budget: Decimal = D("0")
    residents: Decimal = D("20.00")
    sponsors: Decimal = D("0")
    volunteer_labour: Decimal = D("0")


def codes(errors):
    return [error.code for error in errors]


def test_money_rounds_half_up_to_kopecks():
    assert money("10.005") == D("10.01")
    assert money("1 234,50") == D("1234.50")
    assert money(None) == D("0.00")


def test_to_decimal_refuses_what_is_not_a_number():
    assert to_decimal("abc") is None
    assert to_decimal("NaN") is None
    assert to_decimal("") is None
    assert to_decimal(2) == D(2)


def test_line_total_is_quantity_times_unit_cost_rounded():
    assert line_total(D("3"), D("33.333")) == D("100.00")
    assert line_total(D("2.5"), D("10.01")) == D("25.03")


def test_a_consistent_budget_has_no_errors():
    assert budget_errors([Line()], max_grant=D("100"), min_cofinancing_percent=D("20")) == []


def test_an_empty_budget_cannot_be_submitted():
    assert codes(budget_errors([])) == ["budget_empty"]


def test_a_line_total_that_is_not_quantity_times_unit_cost_is_refused():
    errors = line_errors(Line(total=D("90.00"), grant=D("70.00")), 1)
    assert "line_total_mismatch" in codes(errors)


def test_sources_that_do_not_add_up_to_the_total_are_refused():
    errors = budget_errors([Line(residents=D("10.00"))])
    assert codes(errors) == ["sources_mismatch"]
    assert errors[0].line == 1
    assert "90.00" in str(errors[0])


def test_negative_amounts_are_refused():
    assert codes(budget_errors([Line(sponsors=D("-1"), residents=D("21.00"))])) == ["negative_amount"]


def test_a_grant_above_the_cap_is_refused():
    assert codes(budget_errors([Line()], max_grant=D("79.99"))) == ["grant_over_cap"]


def test_a_budget_without_a_grant_is_refused():
    assert codes(budget_errors([Line(grant=D("0"), residents=D("100.00"))])) == ["no_grant"]


def test_cofinancing_below_the_minimum_is_refused():
    assert codes(budget_errors([Line()], min_cofinancing_percent=D("20.01"))) == ["cofinancing_below_minimum"]


def test_cofinancing_is_compared_exactly_not_after_rounding():
    # 1 of 300 = 0.3333…%: shown as 0.33 %, but it is above a minimum of 0.33 % and below 0.34 %.
    line = Line(quantity=D("1"), unit_cost=D("300.00"), total=D("300.00"), grant=D("299.00"), residents=D("1.00"))
    assert budget_errors([line], min_cofinancing_percent=D("0.33")) == []
    assert codes(budget_errors([line], min_cofinancing_percent=D("0.34"))) == ["cofinancing_below_minimum"]


def test_totals_add_up_each_source_and_the_cofinancing():
    totals = budget_totals([Line(), Line(volunteer_labour=D("20.00"), residents=D("0"))])
    assert totals.total == D("200.00")
    assert totals.grant == D("160.00")
    assert totals.residents == D("20.00")
    assert totals.volunteer_labour == D("20.00")
    assert totals.cofinancing == D("40.00")
    assert totals.cofinancing_percent == D("20.00")


def test_cofinancing_percent_of_an_empty_budget_is_zero():
    assert BudgetTotals().cofinancing_percent == D("0.00")


amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
quantities = st.decimals(min_value=0, max_value=10**4, places=3, allow_nan=False, allow_infinity=False)
shares = st.lists(st.integers(min_value=0, max_value=100), min_size=5, max_size=5).filter(lambda s: sum(s) > 0)


def _split(total: Decimal, weights: list[int]) -> Line:
    """A line whose total is split among the five sources in proportion to `weights`, the rest on the grant."""
    parts = [money(total * w / sum(weights)) for w in weights[1:]]
    grant = total - sum(parts, D(0))
    if grant < 0:  # rounding overshot: give the overshoot back from the largest part
        i = parts.index(max(parts))
        parts[i] += grant
        grant = D("0.00")
    return Line(D("1"), total, total, grant, *parts)


@given(st.lists(st.tuples(quantities, amounts, shares), min_size=1, max_size=20))
def test_lines_split_consistently_have_no_line_errors_and_totals_add_up(rows):
    lines = []
    for quantity, unit_cost, weights in rows:
        total = line_total(quantity, unit_cost)
        line = _split(total, weights)
        line.quantity, line.unit_cost = quantity, unit_cost
        lines.append(line)
    for number, line in enumerate(lines, start=1):
        assert line_errors(line, number) == []
    totals = budget_totals(lines)
    assert totals.total == sum((line.total for line in lines), D(0))
    assert sum(totals.by_source().values(), D(0)) == totals.total
    assert totals.cofinancing == totals.total - totals.grant


@given(amounts.filter(lambda a: a > 0), st.decimals(min_value=0, max_value=100, places=2))
def test_the_cofinancing_rule_agrees_with_the_share(total, minimum):
    grant = money(total / 2)
    line = Line(D("1"), total, total, grant, D(0), total - grant, D(0), D(0))
    refused = "cofinancing_below_minimum" in codes(budget_errors([line], min_cofinancing_percent=minimum))
    assert refused == ((total - grant) * 100 < minimum * total)


@given(amounts, amounts)
def test_a_grant_is_refused_exactly_when_it_exceeds_the_cap(grant, cap):
    total = grant + D("1.00")
    line = Line(D("1"), total, total, grant, D(0), D("1.00"), D(0), D(0))
    errors = codes(budget_errors([line], max_grant=cap))
    assert ("grant_over_cap" in errors) == (grant > cap)
