"""Ratings: min-max and rank normalisation (ties, all equal, lower is better), the composite score, missing values
under both rules, shared places for equal scores; and a rating computed from stored values."""

from decimal import Decimal
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localbridge.indicators.models import MissingRule, Normalisation, RatingMethod, RatingScope, RatingWeight
from localbridge.indicators.ratings import (
    EXCLUDE_OVER_HALF,
    MINMAX,
    RANK,
    WORST,
    Criterion,
    average_ranks,
    composite,
    normalise,
    normalise_minmax,
    normalise_rank,
)
from localbridge.indicators.selectors import rating_compute

from .factories import make_world, put


def test_minmax_puts_the_worst_at_0_and_the_best_at_1():
    assert normalise_minmax({"a": 10, "b": 20, "c": 40}) == {"a": 0, "b": F(1, 3), "c": 1}


def test_minmax_turns_lower_is_better_around():
    assert normalise_minmax({"a": 10, "b": 20, "c": 40}, lower_is_better=True) == {"a": 1, "b": F(2, 3), "c": 0}


def test_minmax_gives_everyone_1_when_all_values_are_equal():
    assert normalise_minmax({"a": Decimal("5.5"), "b": Decimal("5.50")}) == {"a": 1, "b": 1}
    assert normalise_minmax({}) == {}


def test_ranks_of_tied_values_are_the_average_of_the_places_they_take():
    values = {"a": 30, "b": 20, "c": 20, "d": 10, "e": 20}
    assert average_ranks(values) == {"a": 1, "b": 3, "c": 3, "e": 3, "d": 5}
    assert average_ranks({"a": 1, "b": 1}) == {"a": F(3, 2), "b": F(3, 2)}
    assert average_ranks(values, lower_is_better=True) == {"d": 1, "b": 3, "c": 3, "e": 3, "a": 5}


def test_rank_normalisation_with_ties_and_a_single_value():
    assert normalise_rank({"a": 10, "b": 20, "c": 20, "d": 30}) == {"d": 1, "b": F(1, 2), "c": F(1, 2), "a": 0}
    assert normalise_rank({"only": 7}) == {"only": 1}
    assert normalise_rank({"x": 3, "y": 3, "z": 3}) == {"x": F(1, 2), "y": F(1, 2), "z": F(1, 2)}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.integers(0, 30), st.integers(-50, 50), min_size=1, max_size=12), st.booleans())
def test_normalised_scores_lie_between_0_and_1_and_keep_the_order(values, lower):
    for normalised in (normalise_minmax(values, lower_is_better=lower), normalise_rank(values, lower_is_better=lower)):
        assert set(normalised) == set(values)
        assert all(0 <= s <= 1 for s in normalised.values())
        for a in values:
            for b in values:
                better = values[a] < values[b] if lower else values[a] > values[b]
                if better:
                    assert normalised[a] >= normalised[b]
                if values[a] == values[b]:
                    assert normalised[a] == normalised[b]


CRITERIA = [Criterion("tos", 2), Criterion("roads", 1, lower_is_better=True), Criterion("money", 1)]


def test_the_composite_is_the_weighted_mean_of_the_scores_times_100_and_equal_scores_share_a_place():
    values = {
        "tos": {"A": 10, "B": 20, "C": 20, "D": 0},
        "roads": {"A": 50, "B": 10, "C": 10, "D": 30},
        "money": {"A": 100, "B": 0, "C": 0, "D": 50},
    }
    rows = composite(values, CRITERIA, ["A", "B", "C", "D"], names={"B": "Берёзово", "C": "Арсеньев"})
    # A: (2·½ + 1·0 + 1·1)/4 = ½; B, C: (2·1 + 1 + 0)/4 = ¾; D: (0 + ½ + ½)/4 = ¼
    assert [(row.key, row.score, row.rank) for row in rows] == [
        ("C", 75, 1),  # tied with B: the same place, listed by name (Арсеньев before Берёзово)
        ("B", 75, 1),
        ("A", 50, 3),  # the next place is skipped
        ("D", 25, 4),
    ]
    assert rows[0].scores == {"tos": 1, "roads": 1, "money": 0}


def test_with_rank_normalisation_ties_take_average_ranks():
    values = {"tos": {"A": 10, "B": 20, "C": 20}}
    rows = composite(values, [Criterion("tos", 1)], ["A", "B", "C"], method=RANK)
    assert [(r.key, r.score) for r in rows] == [("B", 75), ("C", 75), ("A", 0)]


def test_a_missing_value_scores_as_the_worst_and_over_half_the_weight_missing_is_not_rated():
    values = {
        "tos": {"A": 10, "B": 20},  # weight 2 of 4
        "roads": {"A": 10, "B": 20},  # weight 1, lower is better
        "money": {"A": 5},  # weight 1: B has no figure
    }
    rows = composite(values, CRITERIA, ["A", "B", "C", "D"], missing_rule=EXCLUDE_OVER_HALF)
    by_key = {r.key: r for r in rows}
    # A: (2·0 + 1·1 + 1·1)/4 — a single money value scores 1 (everyone who has it is equal)
    assert by_key["A"].score == 50 and by_key["A"].missing == []
    # B misses money only (1 of 4): rated, and money scores 0: (2·1 + 1·0 + 1·0)/4
    assert by_key["B"].score == 50 and by_key["B"].missing == ["money"]
    # C and D miss everything (4 of 4, over half): not rated, listed after the rated ones
    assert by_key["C"].score is None and by_key["C"].missing == ["tos", "roads", "money"]
    assert [r.key for r in rows] == ["A", "B", "C", "D"] and [r.rank for r in rows] == [1, 1, None, None]


def test_exactly_half_the_weight_missing_is_still_rated():
    rows = composite({"tos": {"A": 1, "B": 2}}, [Criterion("tos", 1), Criterion("money", 1)], ["A", "B"])
    assert [(r.key, r.score) for r in rows] == [("B", 50), ("A", 0)]


def test_under_the_worst_rule_everyone_is_rated():
    rows = composite({"tos": {"A": 1}}, CRITERIA, ["A", "B"], missing_rule=WORST)
    assert [(r.key, r.score, r.rank) for r in rows] == [("A", 50, 1), ("B", 0, 2)]


def test_a_rating_needs_a_positive_weight():
    with pytest.raises(ValueError):
        composite({}, [Criterion("tos", 0)], ["A"])


@pytest.mark.django_db
def test_a_rating_method_computed_from_stored_values_counts_absent_computed_counts_as_zero(definitions):
    w = make_world()
    method = RatingMethod.objects.create(
        code="amur-2024",
        name_ru="Рейтинг муниципальных образований Амурской области",
        year=2024,
        scope=RatingScope.REGION,
        region=w.region_a,
        normalisation=Normalisation.MINMAX,
        missing_rule=MissingRule.EXCLUDE_OVER_HALF,
    )
    RatingWeight.objects.create(method=method, definition=definitions["tos_count"], weight=1, position=1)
    RatingWeight.objects.create(method=method, definition=definitions["roads_substandard_share"], weight=1, position=2)
    put(definitions["tos_count"], w.a1, 2024, 4)
    put(definitions["tos_count"], w.a2, 2023, 9)  # another year
    put(definitions["roads_substandard_share"], w.a1, 2024, 40)
    put(definitions["roads_substandard_share"], w.a2, 2024, 20)
    put(definitions["roads_substandard_share"], w.b1, 2024, 0)  # another region
    result = rating_compute(method=method)
    by_id = {row.key: row for row in result.rows}
    # a1: tos 1, roads 0 → 50; a2: tos 0 (absent count is zero), roads 1 → 50; the intra-city part: tos 0, roads
    # missing (1 of 2, not over half) → 0.
    assert {k: (r.score, r.rank) for k, r in by_id.items()} == {
        w.a1.pk: (50, 1),
        w.a2.pk: (50, 1),
        w.a1_part.pk: (0, 3),
    }
    assert set(result.municipalities) == {w.a1.pk, w.a2.pk, w.a1_part.pk}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c"]),
        st.dictionaries(st.integers(0, 8), st.decimals(-1000, 1000, places=4, allow_nan=False), max_size=9),
        min_size=1,
    ),
    st.lists(st.decimals("0.001", 50, places=3), min_size=3, max_size=3),
    st.sampled_from([MINMAX, RANK]),
    st.sampled_from([EXCLUDE_OVER_HALF, WORST]),
)
def test_the_integer_composite_equals_the_weighted_mean_of_the_fraction_scores(values, weights, method, rule):
    """composite() computes in integers over common denominators; it must give exactly the scores the Fraction
    functions give, one value at a time."""
    criteria = [Criterion(code, weights[i], lower_is_better=code == "b") for i, code in enumerate(sorted(values))]
    candidates = list(range(9))
    rows = composite(values, criteria, candidates, method=method, missing_rule=rule)
    total = sum(F(c.weight) for c in criteria)
    normalised = {c.code: normalise(values[c.code], method=method, lower_is_better=c.lower_is_better) for c in criteria}
    for row in rows:
        assert row.scores == {c.code: normalised[c.code][row.key] for c in criteria if row.key in normalised[c.code]}
        expected = sum(F(c.weight) * normalised[c.code].get(row.key, 0) for c in criteria) / total * 100
        missing = sum(F(c.weight) for c in criteria if row.key not in normalised[c.code])
        if rule == EXCLUDE_OVER_HALF and missing * 2 > total:
            assert row.score is None and row.rank is None
        else:
            assert row.score == expected
    rated = [row for row in rows if row.score is not None]
    assert [row.score for row in rated] == sorted((row.score for row in rated), reverse=True)
    for a, b in zip(rated, rated[1:], strict=False):
        assert (a.rank == b.rank) == (a.score == b.score)
