"""results_compute: the Result rows of a contest from its completed evaluations — scores, spread, ranks with
tie-breaks, awards within the pool and per nomination — replaced on every run and audited."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from localbridge.accounts.tests.factories import UserFactory
from localbridge.contests.models import ApplicationStatus, AwardRule, ContestStatus, ExpertStatus, Result
from localbridge.contests.services.results import results_compute
from localbridge.contests.tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    ConflictFactory,
    ContestFactory,
    CriterionFactory,
    ExpertFactory,
    NominationFactory,
    ScoreFactory,
    chair_of,
)
from localbridge.core.audit import audit_history

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 3, 15, 9, 0, tzinfo=datetime.UTC)
NOW = datetime.datetime(2026, 4, 21, 9, 0, tzinfo=datetime.UTC)


def make_contest(**kwargs):
    defaults = {
        "status": ContestStatus.EVALUATION,
        "prize_pool": Decimal("500000.00"),
        "max_grant": Decimal("300000.00"),
    }
    contest = ContestFactory(**{**defaults, **kwargs})
    criterion = CriterionFactory(contest=contest, scale_min=0, scale_max=10)
    return contest, criterion


def application(contest, criterion, values, *, minutes=0, grant="200000.00", completed=True, **kwargs):
    """An admitted application scored `values` (one per expert) on the single criterion."""
    app = ApplicationFactory(
        contest=contest,
        status=ApplicationStatus.ADMITTED,
        submitted_at=T0 + datetime.timedelta(minutes=minutes),
        grant_requested=Decimal(grant),
        total_cost=Decimal(grant) * 2,
        **kwargs,
    )
    for value in values:
        assignment = AssignmentFactory(
            application=app, expert=ExpertFactory(contest=contest), completed_at=NOW if completed else None
        )
        ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal(value))
    return app


def test_results_compute_scores_ranks_and_awards_within_the_pool():
    contest, criterion = make_contest()
    first = application(contest, criterion, ["9", "7"], number="К-1")  # 80
    second = application(contest, criterion, ["6", "8"], number="К-2")  # 70
    third = application(contest, criterion, ["5", "5"], number="К-3", grant="400000.00")  # 50, capped 300k
    results = {r.application_id: r for r in results_compute(contest=contest, now=NOW)}
    assert (results[first.pk].rank, results[first.pk].score, results[first.pk].spread) == (
        1,
        Decimal("80.00"),
        Decimal("20.00"),
    )
    assert results[first.pk].amount == Decimal("200000.00") and results[first.pk].funded
    assert results[second.pk].amount == Decimal("200000.00")
    # 100,000 left, 300,000 asked: skipped under the default rule.
    assert (results[third.pk].rank, results[third.pk].amount, results[third.pk].funded) == (3, 0, False)
    assert results[first.pk].criteria == {str(criterion.pk): "8.00"}
    assert results[first.pk].experts == 2
    assert Result.objects.filter(contest=contest).count() == 3


def test_results_compute_partial_rule_gives_the_rest():
    contest, criterion = make_contest(award_rule=AwardRule.PARTIAL)
    application(contest, criterion, ["9"])
    application(contest, criterion, ["8"])
    last = application(contest, criterion, ["7"], grant="400000.00")
    results = {r.application_id: r for r in results_compute(contest=contest, now=NOW)}
    assert results[last.pk].amount == Decimal("100000.00")


def test_results_compute_breaks_a_tie_by_the_earlier_submission():
    contest, criterion = make_contest()
    late = application(contest, criterion, ["8"], minutes=30)
    early = application(contest, criterion, ["8"], minutes=5)
    results = {r.application_id: r.rank for r in results_compute(contest=contest, now=NOW)}
    assert results == {early.pk: 1, late.pk: 2}


def test_results_compute_counts_only_completed_evaluations_of_accepted_experts_without_conflict():
    contest, criterion = make_contest()
    app = application(contest, criterion, ["10"])
    application_extra = AssignmentFactory(application=app, expert=ExpertFactory(contest=contest))  # not completed
    ScoreFactory(assignment=application_extra, criterion=criterion, value=Decimal("0"))
    removed = AssignmentFactory(
        application=app, expert=ExpertFactory(contest=contest, status=ExpertStatus.REMOVED), completed_at=NOW
    )
    ScoreFactory(assignment=removed, criterion=criterion, value=Decimal("0"))
    conflicted = AssignmentFactory(application=app, expert=ExpertFactory(contest=contest), completed_at=NOW)
    ScoreFactory(assignment=conflicted, criterion=criterion, value=Decimal("0"))
    ConflictFactory(expert=conflicted.expert, organization=app.organization)
    [result] = results_compute(contest=contest, now=NOW)
    assert (result.score, result.experts) == (Decimal("100.00"), 1)


def test_results_compute_below_the_pass_score_or_unscored_gets_nothing():
    contest, criterion = make_contest(min_pass_score=Decimal("60.00"))
    weak = application(contest, criterion, ["5"])
    unscored = application(contest, criterion, ["9"], completed=False)
    results = {r.application_id: r for r in results_compute(contest=contest, now=NOW)}
    assert results[weak.pk].amount == 0
    assert (results[unscored.pk].experts, results[unscored.pk].score, results[unscored.pk].rank) == (0, 0, 2)
    assert not results[unscored.pk].funded


def test_results_compute_ranks_each_pooled_nomination_separately():
    contest, criterion = make_contest(prize_pool=Decimal("600000.00"))
    sport = NominationFactory(contest=contest, pool=Decimal("200000.00"))
    culture = NominationFactory(contest=contest, pool=Decimal("400000.00"))
    s1 = application(contest, criterion, ["9"], nomination=sport)
    s2 = application(contest, criterion, ["8"], nomination=sport)
    c1 = application(contest, criterion, ["5"], nomination=culture)
    results = {r.application_id: r for r in results_compute(contest=contest, now=NOW)}
    assert (results[s1.pk].rank, results[s1.pk].amount) == (1, Decimal("200000.00"))
    assert (results[s2.pk].rank, results[s2.pk].amount) == (2, 0)
    assert (results[c1.pk].rank, results[c1.pk].amount, results[c1.pk].nomination) == (1, Decimal("200000.00"), culture)


def test_results_compute_replaces_previous_rows_and_audits_old_and_new():
    contest, criterion = make_contest()
    app = application(contest, criterion, ["9"])
    results_compute(contest=contest, now=NOW)
    contest.status = ContestStatus.RANKING
    contest.save()
    results_compute(contest=contest, actor=chair_of(contest.organizer), now=NOW)
    assert Result.objects.filter(contest=contest).count() == 1
    entries = [e for e in audit_history(obj=contest) if e.action == "results_compute"]
    assert len(entries) == 2
    assert entries[0].data["old"] == {}
    assert entries[1].data["old"] == entries[1].data["new"]
    assert entries[1].data["new"][str(app.pk)]["score"] == "90.00"


def test_results_compute_refused_before_evaluation_and_to_a_stranger():
    contest, _criterion = make_contest(status=ContestStatus.REVIEW)
    with pytest.raises(ValidationError) as excinfo:
        results_compute(contest=contest, now=NOW)
    assert excinfo.value.code == "wrong_stage"
    contest, _criterion = make_contest()
    with pytest.raises(PermissionDenied):
        results_compute(contest=contest, actor=UserFactory(), now=NOW)
