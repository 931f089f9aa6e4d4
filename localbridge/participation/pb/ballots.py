"""Check a ballot against the settings of a participatory-budget vote.

User input never raises: :func:`validate_ballot` returns a list of :class:`BallotError` (a ``code``
and its numbers), empty when the ballot is valid, and the web layer phrases and translates them.

Ballot types:

- ``approval``: choose at least ``min_choices`` and at most ``max_choices`` projects;
- ``knapsack``: choose projects whose total cost is at most ``budget`` (and the count limits, if set);
- ``cumulative``: spread points over projects; each a non-negative integer, at most
  ``max_points_per_project`` each if set, at most ``total_points`` in all;
- ``choose-1``: exactly one project.

Error codes and their ``params``:

=====================  ======================================================
``unknown_project``    ``project``
``duplicate_project``  ``project``
``too_few``            ``min``, ``given``
``too_many``           ``max``, ``given``
``over_budget``        ``budget``, ``total``
``points_missing``     (cumulative ballot without points)
``points_unexpected``  (points on a ballot type without points)
``points_mismatch``    ``projects``, ``points`` (the two lists' lengths)
``points_invalid``     ``project`` (a negative or non-integer value)
``points_over_max``    ``project``, ``max``, ``given``
``points_over_total``  ``max``, ``given``
``not_exactly_one``    ``given``
=====================  ======================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

__all__ = ["BallotError", "BallotType", "VoteSettings", "validate_ballot"]


class BallotType(StrEnum):
    """How residents vote."""

    APPROVAL = "approval"
    KNAPSACK = "knapsack"
    CUMULATIVE = "cumulative"
    CHOOSE_ONE = "choose-1"


@dataclass(frozen=True)
class VoteSettings:
    """The limits a vote sets when it opens (unused fields are ignored for the ballot type)."""

    ballot_type: BallotType
    min_choices: int = 0
    max_choices: int | None = None
    budget: Decimal | int | None = None
    total_points: int | None = None
    max_points_per_project: int | None = None


@dataclass(frozen=True)
class BallotError:
    """One fault in a ballot: ``code`` (see the module doc) and the numbers to show."""

    code: str
    params: dict[str, object] = field(default_factory=dict, compare=True, hash=False)


def validate_ballot(
    settings: VoteSettings,
    choices: Sequence[str],
    points: Sequence[int] | None,
    project_costs: Mapping[str, Decimal | int | Fraction],
) -> list[BallotError]:
    """All faults of a ballot (``[]`` when valid). ``project_costs`` lists the vote's projects."""
    errors: list[BallotError] = []
    seen: set[str] = set()
    for project in choices:
        if project not in project_costs:
            errors.append(BallotError("unknown_project", {"project": project}))
        elif project in seen:
            errors.append(BallotError("duplicate_project", {"project": project}))
        seen.add(project)

    kind = settings.ballot_type
    if kind is BallotType.CUMULATIVE:
        errors.extend(_check_points(settings, choices, points))
    elif points is not None:
        errors.append(BallotError("points_unexpected"))

    if kind is BallotType.CHOOSE_ONE:
        if len(choices) != 1:
            errors.append(BallotError("not_exactly_one", {"given": len(choices)}))
        return errors

    given = len(choices)
    if given < settings.min_choices:
        errors.append(BallotError("too_few", {"min": settings.min_choices, "given": given}))
    if settings.max_choices is not None and given > settings.max_choices:
        errors.append(BallotError("too_many", {"max": settings.max_choices, "given": given}))
    if kind is BallotType.KNAPSACK and settings.budget is not None:
        total = sum((Fraction(project_costs[p]) for p in seen if p in project_costs), Fraction(0))
        if total > Fraction(settings.budget):
            errors.append(BallotError("over_budget", {"budget": settings.budget, "total": _plain(total)}))
    return errors


def _plain(value: Fraction) -> Decimal | Fraction:
    """Costs are money: show a whole-cent total as Decimal, anything else exactly."""
    cents = value * 100
    if cents.denominator == 1:
        return (Decimal(cents.numerator) / 100).quantize(Decimal("0.01"))
    return value


def _check_points(settings: VoteSettings, choices: Sequence[str], points: Sequence[int] | None) -> list[BallotError]:
    if points is None:
        return [BallotError("points_missing")]
    if len(points) != len(choices):
        return [BallotError("points_mismatch", {"projects": len(choices), "points": len(points)})]
    errors: list[BallotError] = []
    total = 0
    for project, value in zip(choices, points, strict=True):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append(BallotError("points_invalid", {"project": project}))
            continue
        cap = settings.max_points_per_project
        if cap is not None and value > cap:
            errors.append(BallotError("points_over_max", {"project": project, "max": cap, "given": value}))
        total += value
    if settings.total_points is not None and total > settings.total_points:
        errors.append(BallotError("points_over_total", {"max": settings.total_points, "given": total}))
    return errors
