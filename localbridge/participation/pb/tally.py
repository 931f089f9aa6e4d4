"""Count ballots per project.

Every project gets two numbers:

- ``votes``: the number of ballots that include the project, counted once per ballot even if a ballot
  lists it twice. This is the .pb file's ``votes`` column (checked on all 113 pabulib files; the one
  disagreement, a ballot listing four projects twice in Netherlands_Amsterdam_604, is documented in
  ``tests/test_pb_tally.py``).
- ``score``: what the outcome rules rank by —

  * approval, choose-1 and knapsack ballots: equal to ``votes``;
  * cumulative and scoring ballots: the sum of the points given to the project;
  * ordinal (ranked) ballots: a Borda count over the ballot's own length — on a ballot ranking ``L``
    projects the first gets ``L`` points, the second ``L - 1``, …, the last 1. This is the convention
    of the pabulib ``score`` column (it reproduces Switzerland_Zurich_S5R, including its one
    ballot that ranks a single project and gives it 1 point, not 5).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .format import Ballot, Election

__all__ = ["POINT_TYPES", "ProjectTally", "tally", "tally_election"]

POINT_TYPES = frozenset({"cumulative", "scoring"})
"""Vote types whose ballots carry points."""


@dataclass(frozen=True)
class ProjectTally:
    """The count for one project: ``votes`` (ballots including it) and ``score`` (see module doc)."""

    project_id: str
    votes: int
    score: int


def tally(
    ballots: Iterable[Ballot], vote_type: str = "approval", project_ids: Iterable[str] = ()
) -> dict[str, ProjectTally]:
    """Tally ballots of one vote type.

    ``project_ids`` lists the projects to report even when no ballot names them (their count is 0);
    projects that appear only on ballots are reported too. The result keeps ``project_ids`` order,
    then first-appearance order.
    """
    votes: dict[str, int] = dict.fromkeys(project_ids, 0)
    score: dict[str, int] = dict.fromkeys(votes, 0)
    with_points = vote_type in POINT_TYPES
    ordinal = vote_type == "ordinal"
    for ballot in ballots:
        seen: set[str] = set()
        length = len(ballot.choices)
        for position, pid in enumerate(ballot.choices):
            if pid not in votes:
                votes[pid] = 0
                score[pid] = 0
            if with_points:
                points = ballot.points[position] if ballot.points is not None else 0
                score[pid] += points
            if pid in seen:
                continue
            seen.add(pid)
            votes[pid] += 1
            if ordinal:
                score[pid] += length - position
            elif not with_points:
                score[pid] += 1
    return {pid: ProjectTally(pid, votes[pid], score[pid]) for pid in votes}


def tally_election(election: Election) -> dict[str, ProjectTally]:
    """Tally an election's ballots under its META ``vote_type``, reporting every project."""
    return tally(election.ballots, election.vote_type, (p.id for p in election.projects))
