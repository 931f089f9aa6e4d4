"""The pure calculations of the dashboards: quantile classes of the map and their colours, the ranking of a
region's municipalities with ties and missing values, the median."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from localbridge.indicators import choropleth
from localbridge.indicators.choropleth import PALETTE, class_colours, classify, median, quantile_bounds, rank


def d(*values):
    return [Decimal(str(v)) for v in values]


def test_ten_distinct_values_make_five_classes_of_two():
    assert quantile_bounds(d(*range(1, 11))) == [
        (Decimal(1), Decimal(2)),
        (Decimal(3), Decimal(4)),
        (Decimal(5), Decimal(6)),
        (Decimal(7), Decimal(8)),
        (Decimal(9), Decimal(10)),
    ]


def test_equal_values_are_never_split_and_classes_merge():
    # Six zeros among ten values: the first three quantiles are all zero, so one class holds the zeros.
    assert quantile_bounds(d(0, 0, 0, 0, 0, 0, 1, 2, 3, 10)) == [
        (Decimal(0), Decimal(0)),
        (Decimal(1), Decimal(2)),
        (Decimal(3), Decimal(10)),
    ]
    assert quantile_bounds(d(7, 7, 7)) == [(Decimal(7), Decimal(7))]
    assert quantile_bounds([]) == []


def test_the_best_class_is_the_darkest_either_way():
    assert class_colours(5, lower_is_better=False) == list(PALETTE)
    assert class_colours(5, lower_is_better=True) == list(reversed(PALETTE))
    # Fewer classes spread over the palette, still from light to dark.
    assert class_colours(3, lower_is_better=False) == [PALETTE[0], PALETTE[2], PALETTE[4]]
    assert class_colours(1, lower_is_better=False) == [PALETTE[2]]
    classes, index_of = classify(d(1, 2, 3, 4, 5), lower_is_better=True)
    assert classes[0].colour == PALETTE[-1]  # the lowest values are the best
    assert index_of(Decimal(1)) == 0 and index_of(Decimal(5)) == 4
    assert [c.count for c in classes] == [1, 1, 1, 1, 1]


values_strategy = st.lists(
    st.decimals(min_value=-1000, max_value=10**6, places=2, allow_nan=False, allow_infinity=False), max_size=60
)


@given(values_strategy, st.integers(min_value=1, max_value=7))
def test_every_value_falls_in_exactly_one_class(values, k):
    classes, index_of = classify(values, lower_is_better=False, k=k)
    assert len(classes) <= k
    assert sum(c.count for c in classes) == len(values)
    for value in values:
        inside = [i for i, c in enumerate(classes) if c.low <= value <= c.high]
        assert inside == [index_of(value)]
    for before, after in zip(classes, classes[1:], strict=False):
        assert before.high < after.low
    assert all(c.count > 0 and c.low in values and c.high in values for c in classes)


def test_ranking_shares_places_and_puts_missing_values_last_by_name():
    values = {1: Decimal(3), 2: Decimal(7), 3: Decimal(3), 4: None, 5: Decimal(1), 6: None}
    names = {1: "Благовещенск", 2: "Свободный", 3: "Белогорск", 4: "Зея", 5: "Тында", 6: "Архара"}
    ranked = rank(values, lower_is_better=False, names=names)
    assert [(r.key, r.rank) for r in ranked] == [(2, 1), (3, 2), (1, 2), (5, 4), (6, None), (4, None)]
    lower = rank(values, lower_is_better=True, names=names)
    assert [(r.key, r.rank) for r in lower][:4] == [(5, 1), (3, 2), (1, 2), (2, 4)]


def test_median():
    assert median([]) is None
    assert median(d(5, 1, 3)) == Decimal(3)
    assert median(d(1, 2, 3, 10)) == Decimal("2.5")
    assert choropleth.NO_DATA_COLOUR not in PALETTE
