"""Ballot validation for each ballot type: error codes with numbers, never exceptions."""

from __future__ import annotations

from decimal import Decimal

from localbridge.participation.pb.ballots import BallotError, BallotType, VoteSettings, validate_ballot

COSTS = {"1": Decimal("100.00"), "2": Decimal("250.50"), "3": Decimal("400")}


def codes(errors: list[BallotError]) -> list[str]:
    return [e.code for e in errors]


def test_approval_within_limits_is_valid() -> None:
    settings = VoteSettings(BallotType.APPROVAL, min_choices=1, max_choices=2)
    assert validate_ballot(settings, ["1", "3"], None, COSTS) == []


def test_approval_too_many_and_too_few() -> None:
    settings = VoteSettings(BallotType.APPROVAL, min_choices=2, max_choices=2)
    assert validate_ballot(settings, ["1", "2", "3"], None, COSTS) == [BallotError("too_many", {"max": 2, "given": 3})]
    assert validate_ballot(settings, ["1"], None, COSTS) == [BallotError("too_few", {"min": 2, "given": 1})]


def test_unknown_and_duplicate_projects_are_reported() -> None:
    settings = VoteSettings(BallotType.APPROVAL)
    assert validate_ballot(settings, ["1", "1", "9"], None, COSTS) == [
        BallotError("duplicate_project", {"project": "1"}),
        BallotError("unknown_project", {"project": "9"}),
    ]


def test_points_on_an_approval_ballot_are_unexpected() -> None:
    assert codes(validate_ballot(VoteSettings(BallotType.APPROVAL), ["1"], [1], COSTS)) == ["points_unexpected"]


def test_knapsack_total_cost_must_fit_the_budget() -> None:
    settings = VoteSettings(BallotType.KNAPSACK, budget=Decimal("500"))
    assert validate_ballot(settings, ["1", "3"], None, COSTS) == []
    assert validate_ballot(settings, ["2", "3"], None, COSTS) == [
        BallotError("over_budget", {"budget": Decimal("500"), "total": Decimal("650.50")})
    ]


def test_cumulative_points_non_negative_integers_within_total() -> None:
    settings = VoteSettings(BallotType.CUMULATIVE, total_points=5, max_points_per_project=3)
    assert validate_ballot(settings, ["1", "2"], [3, 2], COSTS) == []
    assert validate_ballot(settings, ["1", "2"], [3, 3], COSTS) == [
        BallotError("points_over_total", {"max": 5, "given": 6})
    ]
    assert codes(validate_ballot(settings, ["1", "2"], [-1, 2], COSTS)) == ["points_invalid"]
    assert codes(validate_ballot(settings, ["1"], [True], COSTS)) == ["points_invalid"]  # type: ignore[list-item]
    assert codes(validate_ballot(settings, ["1"], [4], COSTS)) == ["points_over_max"]
    assert codes(validate_ballot(settings, ["1"], None, COSTS)) == ["points_missing"]
    assert validate_ballot(settings, ["1", "2"], [1], COSTS) == [
        BallotError("points_mismatch", {"projects": 2, "points": 1})
    ]


def test_choose_one_needs_exactly_one() -> None:
    settings = VoteSettings(BallotType.CHOOSE_ONE)
    assert validate_ballot(settings, ["2"], None, COSTS) == []
    assert validate_ballot(settings, [], None, COSTS) == [BallotError("not_exactly_one", {"given": 0})]
    assert codes(validate_ballot(settings, ["1", "2"], None, COSTS)) == ["not_exactly_one"]
