"""Ballots under load (PostgreSQL only): many threads cast, repeat and change ballots of the same voters at once.
Afterwards every voter has exactly one ballot and the tally of the stored ballots equals a recount of what the
voters last submitted; casts racing the closing are either counted or refused."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from localbridge.participation.models import Ballot, BallotChoice, Vote, VoteResult, VoteStatus
from localbridge.participation.services.votes import ballot_cast, results_compute, vote_move

from .factories import NOW, vote_resident, vote_staff, vote_with_projects

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and parallel transactions need PostgreSQL (SQLite serialises writers with a file lock)",
    ),
]

THREADS = 8
VOTERS_PER_THREAD = 50


def _run_threads(work, count=THREADS):
    """Run work(index, barrier) in `count` threads at once; re-raise the first unexpected error."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def target(index):
        try:
            work(index, barrier)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors[:3]


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.PARTICIPATION_BALLOT_RATE = (1000, 60)


def test_parallel_casts_repeats_and_changes_keep_one_ballot_per_voter():
    vote, projects = vote_with_projects(costs=(40000, 30000, 50000, 20000), max_choices=2, allow_change=True)
    voters = [vote_resident(vote.municipality) for _ in range(THREADS * VOTERS_PER_THREAD)]

    def first(i):
        return {projects[i % 4].pk: 1, projects[(i + 1) % 4].pk: 1}

    def second(i):
        return {projects[(i + 2) % 4].pk: 1} if i % 3 else first(i)  # a third keep their choice

    def work(index, barrier):
        own = range(index * VOTERS_PER_THREAD, (index + 1) * VOTERS_PER_THREAD)
        neighbour = (index + 1) % THREADS
        theirs = range(neighbour * VOTERS_PER_THREAD, (neighbour + 1) * VOTERS_PER_THREAD)
        # Each voter's submission arrives twice at once (a double click): from its own thread and a neighbour's.
        plan = [i for pair in zip(own, reversed(theirs), strict=True) for i in pair]
        barrier.wait()
        for i in plan:
            ballot_cast(vote=vote, actor=voters[i], choices=first(i), request_key=f"first-{i}", now=NOW)
        barrier.wait()
        for i in plan:
            ballot_cast(
                vote=vote, actor=voters[i], choices=second(i), request_key=f"second-{i}", now=NOW + timedelta(hours=1)
            )

    _run_threads(work)

    vote.refresh_from_db()
    rows = Ballot.objects.filter(vote=vote)
    assert rows.count() == len(voters)
    assert sorted(rows.values_list("voter_id", flat=True)) == sorted(v.pk for v in voters)
    expected = Counter(pk for i in range(len(voters)) for pk in second(i))
    stored = Counter(BallotChoice.objects.filter(ballot__vote=vote).values_list("project_id", flat=True))
    assert stored == expected
    assert BallotChoice.objects.filter(ballot__vote=vote).count() == sum(len(second(i)) for i in range(len(voters)))
    Vote.objects.filter(pk=vote.pk).update(status=VoteStatus.CLOSED)
    vote.refresh_from_db()
    results = results_compute(vote=vote, now=NOW + timedelta(days=20))
    assert {r.project_id: r.votes for r in results} == {p.pk: expected[p.pk] for p in projects}


def test_parallel_different_submissions_without_change_keep_the_first():
    """When ballots may not be changed, two different submissions of one voter racing: one wins, one is told the
    voter has voted; never two ballots, never a mixed ballot."""
    vote, projects = vote_with_projects(costs=(40000, 30000), max_choices=1, allow_change=False)
    voters = [vote_resident(vote.municipality) for _ in range(60)]
    refused = Counter()
    lock = threading.Lock()

    def work(index, barrier):
        barrier.wait()
        for i, voter in enumerate(voters):
            try:
                ballot_cast(
                    vote=vote,
                    actor=voter,
                    choices={projects[(i + index) % 2].pk: 1},
                    request_key=f"{index}-{i}",
                    now=NOW,
                )
            except ValidationError as exc:
                assert exc.code == "voted"
                with lock:
                    refused[i] += 1

    _run_threads(work, count=4)

    vote.refresh_from_db()
    assert Ballot.objects.filter(vote=vote).count() == len(voters)
    assert all(refused[i] == 3 for i in range(len(voters)))
    per_ballot = Counter(BallotChoice.objects.filter(ballot__vote=vote).values_list("ballot_id", flat=True))
    assert set(per_ballot.values()) == {1}


def test_casts_racing_the_closing_are_all_counted_or_refused():
    """Casts run in parallel (each holds a shared lock on the vote's row) while the staff close the vote (an
    exclusive lock): every cast either lands before the closing, and is in the computed results, or is refused
    as "not open"; none is written after the results were counted."""
    vote, projects = vote_with_projects(costs=(40000, 30000), max_choices=1, allow_change=True)
    staff = vote_staff(vote.municipality)
    voters = [vote_resident(vote.municipality) for _ in range((THREADS - 1) * 40)]
    outcome = Counter()
    lock = threading.Lock()
    closed = threading.Event()

    def work(index, barrier):
        barrier.wait()
        if index == THREADS - 1:
            while outcome["created"] < len(voters) // 3:  # let a third land first
                threading.Event().wait(0.005)
            vote_move(vote=Vote.objects.get(pk=vote.pk), actor=staff, action="close", now=vote.closes_at)
            closed.set()
            return
        for i in range(index, len(voters), THREADS - 1):
            try:
                # The cast's clock says the vote runs: only the vote's status (read under the lock) can refuse it.
                ballot_cast(
                    vote=Vote.objects.get(pk=vote.pk),
                    actor=voters[i],
                    choices={projects[i % 2].pk: 1},
                    request_key=f"k{i}",
                    now=NOW,
                )
            except ValidationError as exc:
                assert exc.code == "vote_not_open"
                with lock:
                    outcome["refused"] += 1
            else:
                with lock:
                    outcome["created"] += 1

    _run_threads(work)

    assert closed.is_set()
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED
    stored = Ballot.objects.filter(vote=vote).count()
    assert stored == outcome["created"] == vote.ballots_count
    assert outcome["created"] + outcome["refused"] == len(voters)
    assert outcome["refused"] > 0, "the closing came after every cast: nothing raced"
    recount = Counter(BallotChoice.objects.filter(ballot__vote=vote).values_list("project_id", flat=True))
    assert {r.project_id: r.votes for r in VoteResult.objects.filter(vote=vote)} == {
        p.pk: recount[p.pk] for p in projects
    }
