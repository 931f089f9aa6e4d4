"""The ranking's pure calculations (contests/ranking.py): normalised weighted scores, their mean and spread,
tie-breaks, and awards within pools under each award rule, with nominations."""

import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localbridge.contests.models import AwardRule, TieBreak
from localbridge.contests.ranking import (
    CriterionSpec,
    Entry,
    aggregate,
    application_score,
    award,
    expert_score,
    rank,
    ranking,
)

T0 = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
CRITERIA = [CriterionSpec(1, 0, 10, D("1")), CriterionSpec(2, 1, 5, D("0.5"))]


def test_expert_score_normalises_each_criterion_and_weights_them():
    # (7/10 × 1 + (4−1)/(5−1) × 0.5) / 1.5 × 100 = (0.7 + 0.375) / 1.5 × 100 = 71.666…
    assert expert_score({1: D(7), 2: D(4)}, CRITERIA).quantize(D("0.01")) == D("71.67")


def test_expert_score_bounds_are_zero_and_one_hundred():
    assert expert_score({1: D(0), 2: D(1)}, CRITERIA) == 0
    assert expert_score({1: D(10), 2: D(5)}, CRITERIA) == 100


def test_expert_score_refuses_a_missing_criterion_or_a_value_outside_the_scale():
    with pytest.raises(ValueError):
        expert_score({1: D(7)}, CRITERIA)
    with pytest.raises(ValueError):
        expert_score({1: D(11), 2: D(3)}, CRITERIA)


def test_application_score_is_the_mean_of_the_experts_rounded_half_up():
    scores = {"a": {1: D(10), 2: D(5)}, "b": {1: D(5), 2: D(3)}, "c": {1: D(0), 2: D(1)}}
    # 100, 50, 0 → 50
    assert application_score(scores, CRITERIA) == D("50.00")
    result = aggregate(scores, CRITERIA)
    assert result.experts == 3
    assert result.spread == D("100.00")
    assert result.by_expert == {"a": D("100.00"), "b": D("50.00"), "c": D("0.00")}
    assert result.by_criterion == {1: D("5.00"), 2: D("3.00")}


def test_application_score_of_nobody_is_none():
    assert application_score({}, CRITERIA) is None
    assert aggregate({}, CRITERIA).experts == 0


@given(st.lists(st.tuples(st.integers(0, 10), st.integers(1, 5)), min_size=1, max_size=6))
def test_application_score_stays_between_zero_and_one_hundred(values):
    scores = {n: {1: D(a), 2: D(b)} for n, (a, b) in enumerate(values)}
    score = application_score(scores, CRITERIA)
    assert D(0) <= score <= D(100)
    assert score == score.quantize(D("0.01"))


def entry(key, score, minutes=0, number="", grant="100000", cofinancing="10", experts=3):
    return Entry(
        key=key,
        score=None if score is None else D(score),
        submitted_at=T0 + datetime.timedelta(minutes=minutes),
        number=number or f"К-{key}",
        grant_requested=D(grant),
        cofinancing_percent=D(cofinancing),
        experts=experts if score is not None else 0,
    )


def test_rank_orders_by_score_then_the_earlier_submission_by_default():
    entries = [entry(1, "80", minutes=5), entry(2, "90"), entry(3, "80", minutes=1), entry(4, None)]
    assert [e.key for e in rank(entries)] == [2, 3, 1, 4]


def test_rank_higher_cofinancing_then_earlier_submission():
    entries = [
        entry(1, "80", minutes=1, cofinancing="10"),
        entry(2, "80", minutes=3, cofinancing="30"),
        entry(3, "80", minutes=2, cofinancing="30"),
    ]
    assert [e.key for e in rank(entries, TieBreak.HIGHER_COFINANCING)] == [3, 2, 1]


def test_rank_smaller_grant_ranks_higher():
    entries = [entry(1, "80", grant="200000"), entry(2, "80", grant="150000", minutes=9)]
    assert [e.key for e in rank(entries, TieBreak.SMALLER_GRANT)] == [2, 1]


def test_rank_last_resort_is_the_application_number_compared_as_numbers():
    entries = [entry(1, "80", number="2026-10"), entry(2, "80", number="2026-9")]
    assert [e.key for e in rank(entries)] == [2, 1]


def test_award_caps_each_grant_and_skips_what_does_not_fit():
    ranked = [entry(1, "90", grant="400000"), entry(2, "80", grant="300000"), entry(3, "70", grant="50000")]
    amounts = award(ranked, pool=D("400000"), cap=D("300000"), rule=AwardRule.SKIP)
    assert amounts == [D("300000.00"), D("0.00"), D("50000.00")]


def test_award_stop_gives_nothing_after_the_first_that_does_not_fit():
    ranked = [entry(1, "90", grant="300000"), entry(2, "80", grant="300000"), entry(3, "70", grant="50000")]
    assert award(ranked, pool=D("400000"), rule=AwardRule.STOP) == [D("300000.00"), D("0.00"), D("0.00")]


def test_award_partial_gives_the_rest_of_the_pool_then_stops():
    ranked = [entry(1, "90", grant="300000"), entry(2, "80", grant="300000"), entry(3, "70", grant="50000")]
    assert award(ranked, pool=D("400000"), rule=AwardRule.PARTIAL) == [D("300000.00"), D("100000.00"), D("0.00")]


def test_award_gives_nothing_below_the_pass_score_or_without_experts():
    ranked = [entry(1, "60"), entry(2, "59.99"), entry(3, None)]
    amounts = award(ranked, pool=D("1000000"), min_pass_score=D("60"))
    assert amounts == [D("100000.00"), D("0.00"), D("0.00")]


@given(
    st.lists(st.integers(0, 500_000), max_size=12),
    st.integers(0, 2_000_000),
    st.sampled_from(AwardRule.values),
)
def test_award_never_exceeds_the_pool_or_the_request(grants, pool, rule):
    ranked = [entry(n, str(100 - n), grant=str(g)) for n, g in enumerate(grants)]
    amounts = award(ranked, pool=D(pool), cap=D("300000"), rule=rule)
    assert sum(amounts, D(0)) <= D(pool)
    for amount, grant in zip(amounts, grants, strict=True):
        assert D(0) <= amount <= min(D(grant), D("300000"))


def test_ranking_awards_each_pooled_nomination_from_its_own_pool():
    entries = [
        (entry(1, "90", grant="200000"), "sport"),
        (entry(2, "80", grant="200000"), "sport"),
        (entry(3, "70", grant="200000"), "culture"),
        (entry(4, "95", grant="200000"), "culture"),
    ]
    lines = ranking(
        entries,
        prize_pool=D("1000000"),
        nomination_pools={"sport": D("250000"), "culture": D("500000")},
        cap=None,
        rule=AwardRule.SKIP,
    )
    by_key = {line.entry.key: line for line in lines}
    assert (by_key[1].rank, by_key[1].amount) == (1, D("200000.00"))
    assert (by_key[2].rank, by_key[2].amount) == (2, D("0.00"))
    assert (by_key[4].rank, by_key[4].amount) == (1, D("200000.00"))
    assert (by_key[3].rank, by_key[3].amount) == (2, D("200000.00"))
    assert by_key[3].nomination == "culture"


def test_ranking_without_nomination_pools_ranks_everyone_together_in_one_pool():
    entries = [
        (entry(1, "90", grant="300000"), "sport"),
        (entry(2, "80", grant="300000"), "culture"),
        (entry(3, "85", grant="300000"), None),
    ]
    lines = ranking(entries, prize_pool=D("600000"), nomination_pools={"sport": None, "culture": None})
    assert [(line.entry.key, line.rank, line.amount) for line in lines] == [
        (1, 1, D("300000.00")),
        (3, 2, D("300000.00")),
        (2, 3, D("0.00")),
    ]
    assert lines[0].nomination == "sport" and lines[1].nomination is None


def test_ranking_common_group_shares_what_the_nomination_pools_leave():
    entries = [(entry(1, "90", grant="300000"), "pooled"), (entry(2, "80", grant="300000"), "open")]
    lines = ranking(
        entries, prize_pool=D("500000"), nomination_pools={"pooled": D("300000"), "open": None}, rule="partial"
    )
    by_key = {line.entry.key: line for line in lines}
    assert by_key[1].amount == D("300000.00")
    assert by_key[2].amount == D("200000.00")
    assert by_key[1].rank == by_key[2].rank == 1
