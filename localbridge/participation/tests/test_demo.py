"""The participation demo: loaded through the services by load_demo for Blagoveshchensk, every state it is meant to
show, and a second run adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from localbridge.accounts.models import User
from localbridge.core.models import AuditEntry
from localbridge.participation.demo import (
    ANNOUNCED_HEARING,
    DEMO_RESIDENTS,
    HELD_HEARING,
    OPEN_VOTE_TITLE,
    PROPOSALS,
    PUBLISHED_VOTE_TITLE,
    SURVEY_TITLE,
    load_participation_demo,
)
from localbridge.participation.eligibility import is_eligible
from localbridge.participation.models import (
    Ballot,
    Comment,
    Hearing,
    HearingProposal,
    HearingRegistration,
    HearingStatus,
    Proposal,
    ProposalStatus,
    Residency,
    ResidencyCode,
    ResidencyMethod,
    ResidencyStatus,
    Support,
    Survey,
    SurveyResponse,
    SurveyStatus,
    Vote,
    VoteResult,
    VoteStatus,
)
from localbridge.participation.services import proposal_is_overdue

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Residency.objects.count(),
        ResidencyCode.objects.count(),
        Proposal.objects.count(),
        Support.objects.count(),
        Comment.objects.count(),
        Vote.objects.count(),
        Ballot.objects.count(),
        VoteResult.objects.count(),
        Survey.objects.count(),
        SurveyResponse.objects.count(),
        Hearing.objects.count(),
        HearingRegistration.objects.count(),
        AuditEntry.objects.count(),
    )


def _load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _residents_are_confirmed_by_the_staff_and_one_by_a_code(demo):
    assert "Demo participation in Blagoveshchensk: 12 created, 0 already there" in demo
    assert "resident5@demo.localbridge.local" in demo
    residencies = Residency.objects.filter(user__email__in=[r[0] for r in DEMO_RESIDENTS]).select_related("user")
    assert {r.municipality.name_ru for r in residencies} == {"Благовещенск"}
    assert {r.status for r in residencies} == {ResidencyStatus.CONFIRMED}
    methods = sorted(r.method for r in residencies)
    assert methods == [ResidencyMethod.CODE] + [ResidencyMethod.STAFF] * 4
    assert residencies.get(method=ResidencyMethod.STAFF, tos__isnull=False).tos.name.endswith("(демо)")
    assert ResidencyCode.objects.filter(used_by__email="resident5@demo.localbridge.local").count() == 1
    assert all(r.user.birth_year and r.user.check_password("localbridge-demo") for r in residencies)


def _proposals_are_in_every_state(demo):
    proposals = {p.title: p for p in Proposal.objects.filter(title__in=[s.title for s in PROPOSALS])}
    states = {spec.state: proposals[spec.title] for spec in PROPOSALS}
    assert states["draft"].status == ProposalStatus.DRAFT
    assert states["collecting"].status == ProposalStatus.COLLECTING and states["collecting"].supports_count == 2
    assert states["under_review"].status == ProposalStatus.UNDER_REVIEW
    assert states["under_review"].answer_due > timezone.localdate() and not proposal_is_overdue(states["under_review"])
    assert states["overdue"].status == ProposalStatus.UNDER_REVIEW and proposal_is_overdue(states["overdue"])
    assert states["accepted"].status == ProposalStatus.ACCEPTED
    assert states["rejected"].status == ProposalStatus.REJECTED and states["rejected"].decision_comment
    assert states["selection"].status == ProposalStatus.SELECTION
    for proposal in proposals.values():
        assert proposal.title.endswith("(демо)") and "сгенерированы" in proposal.description
        assert proposal.supports.count() == proposal.supports_count
        if proposal.status != ProposalStatus.DRAFT:
            assert proposal.published_at < proposal.created_at  # time-travelled through the services


def _open_vote_takes_knapsack_ballots_and_resident5_may_still_vote(demo):
    vote = Vote.objects.get(title=OPEN_VOTE_TITLE)
    now = timezone.now()
    assert (vote.status, vote.ballot_type, vote.ballots.count()) == (VoteStatus.OPEN, "knapsack", 4)
    assert vote.opens_at < now < vote.closes_at
    assert vote.projects.count() == 6 and vote.projects.filter(proposal__isnull=False).count() == 2
    for ballot in vote.ballots.prefetch_related("choices__project"):
        assert sum(c.project.cost for c in ballot.choices.all()) <= vote.budget
    resident5 = User.objects.get(email="resident5@demo.localbridge.local")
    assert is_eligible(resident5, vote, now) and not vote.ballots.filter(voter=resident5).exists()
    assert not VoteResult.objects.filter(vote=vote).exists()


def _finished_vote_has_published_results(demo):
    vote = Vote.objects.get(title=PUBLISHED_VOTE_TITLE)
    assert (vote.status, vote.rule, vote.ballots_count) == (VoteStatus.PUBLISHED, "mes", 6)
    assert vote.ballots.filter(is_paper=True).count() == 1
    results = VoteResult.objects.filter(vote=vote)
    assert results.count() == vote.projects.count() == 6
    funded = results.filter(funded=True)
    assert funded.exists() and sum(r.project.cost for r in funded) <= vote.budget
    assert all(r.reason for r in results)


def _survey_is_closed_with_answers(demo):
    survey = Survey.objects.get(title=SURVEY_TITLE)
    assert (survey.status, survey.anonymous, survey.responses_count) == (SurveyStatus.CLOSED, True, 5)
    assert survey.questions.count() == 5
    assert not survey.responses.filter(user__isnull=False).exists()
    assert survey.closes_at < timezone.now()


def _hearings_are_held_and_announced(demo):
    held = Hearing.objects.get(subject=HELD_HEARING)
    assert held.status == HearingStatus.HELD and held.minutes and held.decision and held.attendance == 42
    assert held.registrations.count() == 3 and held.registrations.filter(attended=True).count() == 2
    assert HearingProposal.objects.get(hearing=held).answer
    announced = Hearing.objects.get(subject=ANNOUNCED_HEARING)
    assert announced.status == HearingStatus.ANNOUNCED and announced.starts_at > timezone.now()
    assert announced.registrations.count() == 2


def _second_run_creates_nothing(demo):
    before = _counts()
    summary = load_participation_demo()
    assert (summary.created, summary.found, summary.users_created, summary.residencies_created) == (0, 12, 0, 0)
    assert _counts() == before


def test_the_demo_loads_participation_in_every_state_and_a_second_run_adds_nothing():
    """One test, one load of the whole demo (reference data, organisations, practices, contests, participation:
    tens of seconds), then every check of it in turn."""
    demo = _load_demo()
    _residents_are_confirmed_by_the_staff_and_one_by_a_code(demo)
    _proposals_are_in_every_state(demo)
    _open_vote_takes_knapsack_ballots_and_resident5_may_still_vote(demo)
    _finished_vote_has_published_results(demo)
    _survey_is_closed_with_answers(demo)
    _hearings_are_held_and_announced(demo)
    _second_run_creates_nothing(demo)
