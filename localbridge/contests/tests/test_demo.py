"""The demo contests: loaded through the services by load_demo, in the stages they are meant to show, results
published for the finished ones, and a second run adds nothing."""

import io

import pytest
from django.core.management import call_command

from localbridge.accounts.models import User
from localbridge.contests.demo import DEMO_EXPERTS, PEACE_TITLE, REGIONAL_COPIES, load_contest_demo
from localbridge.contests.models import (
    Application,
    ApplicationStatus,
    Assignment,
    Conflict,
    Contest,
    ContestStatus,
    Expert,
    ExpertStatus,
    Result,
    Score,
)
from localbridge.core.models import AuditEntry
from localbridge.organizations.models import Organization

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Contest.objects.count(),
        Application.objects.count(),
        Expert.objects.count(),
        Assignment.objects.count(),
        Score.objects.count(),
        Result.objects.count(),
        Organization.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
    )


def _load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _contest(state: str) -> Contest:
    title = next(copy.title for copy in REGIONAL_COPIES if copy.state == state)
    return Contest.objects.get(title=title)


def _load_demo_reports_the_contests_and_the_experts(demo):
    assert "Demo contests: 4 created, 0 already there" in demo
    assert "expert1@demo.localbridge.local" in demo


def _open_contest_accepts_applications_with_drafts_and_submitted(demo):
    contest = _contest("open")
    assert contest.status == ContestStatus.ANNOUNCED
    statuses = list(contest.applications.values_list("status", flat=True))
    assert len(statuses) == 12
    assert statuses.count(ApplicationStatus.DRAFT) == 5
    assert statuses.count(ApplicationStatus.SUBMITTED) == 7
    assert "сгенерирован" in contest.rules and contest.title.endswith("(демо)")


def _evaluation_contest_has_admitted_applications_three_experts_and_some_scores(demo):
    contest = _contest("evaluation")
    assert contest.status == ContestStatus.EVALUATION
    assert contest.applications.filter(status__in=["admitted", "admitted_conditions"]).count() == 11
    assert contest.applications.filter(status=ApplicationStatus.NOT_ADMITTED).count() == 1
    assert contest.experts.filter(status=ExpertStatus.ACCEPTED).count() == 3
    assignments = Assignment.objects.filter(application__contest=contest)
    assert assignments.count() == 22  # two experts per admitted application
    scored = assignments.filter(scores__isnull=False).distinct().count()
    assert 0 < scored < assignments.count()
    assert 0 < assignments.filter(completed_at__isnull=False).count() < scored
    assert not Result.objects.filter(contest=contest).exists()


def _conflicted_expert_is_never_assigned_to_the_applicant(demo):
    for contest in Contest.objects.filter(title__in=[c.title for c in REGIONAL_COPIES]):
        conflict = Conflict.objects.get(expert__contest=contest)
        assert not Assignment.objects.filter(
            expert=conflict.expert, application__organization=conflict.organization
        ).exists()


def _finished_contests_have_published_results(demo):
    for contest in (_contest("finished"), Contest.objects.get(title=PEACE_TITLE)):
        assert contest.status == ContestStatus.FINISHED and contest.results_published_at is not None
        results = Result.objects.filter(contest=contest)
        admitted = contest.applications.filter(status__in=["admitted", "admitted_conditions"]).count()
        assert results.count() == admitted > 0
        assert results.filter(funded=True).exists()
        assert all(r.experts > 0 for r in results)


def _international_contest_has_nominations_and_applicants_of_seven_countries(demo):
    contest = Contest.objects.get(title=PEACE_TITLE)
    assert contest.nominations.count() == 3
    assert contest.applications.count() == 12
    countries = set(contest.applications.values_list("organization__country__code", flat=True))
    assert countries == {"RU", "BY", "IL", "FI", "LT", "PL", "DE"}
    assert all(contest.applications.values_list("organization__is_generated", flat=True))


def _budgets_are_split_by_source_with_cofinancing(demo):
    for application in Application.objects.filter(contest__title__in=[c.title for c in REGIONAL_COPIES]):
        assert 0 < application.grant_requested <= application.contest.max_grant
        assert application.cofinancing_percent >= 10


def _demo_experts_can_sign_in_with_the_demo_password(demo):
    for email, _name in DEMO_EXPERTS:
        assert User.objects.get(email=email).check_password("localbridge-demo")


def _second_run_creates_nothing(demo):
    before = _counts()
    summary = load_contest_demo()
    assert (summary.contests_created, summary.contests_found, summary.applications_created) == (0, 4, 0)
    assert _counts() == before


def test_the_demo_loads_its_contests_in_their_stages_and_a_second_run_adds_nothing():
    """One test, one load of the whole demo (reference data, organisations, practices, contests: tens of seconds),
    then every check of it in turn."""
    demo = _load_demo()
    _load_demo_reports_the_contests_and_the_experts(demo)
    _open_contest_accepts_applications_with_drafts_and_submitted(demo)
    _evaluation_contest_has_admitted_applications_three_experts_and_some_scores(demo)
    _conflicted_expert_is_never_assigned_to_the_applicant(demo)
    _finished_contests_have_published_results(demo)
    _international_contest_has_nominations_and_applicants_of_seven_countries(demo)
    _budgets_are_split_by_source_with_cofinancing(demo)
    _demo_experts_can_sign_in_with_the_demo_password(demo)
    _second_run_creates_nothing(demo)
