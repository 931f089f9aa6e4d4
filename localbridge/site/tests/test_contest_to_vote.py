"""A contest's published results feed a municipality's participatory-budget vote, end to end through the real
contest source (contests/sources.py registers it; participation reads it through core/sources.py). The site shell
stands above both modules, so this test may use the factories of each."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from localbridge.contests.models import ContestStatus
from localbridge.contests.tests.factories import ApplicantFactory, ApplicationFactory, ContestFactory, ResultFactory
from localbridge.core.services import error_codes
from localbridge.participation.models import VoteStatus
from localbridge.participation.services.vote_sources import vote_projects_from_source
from localbridge.participation.tests.factories import VoteFactory, vote_staff

pytestmark = pytest.mark.django_db


def _ranked(contest, municipality, *, rank, funded, amount, requested):
    application = ApplicationFactory(
        contest=contest,
        organization=ApplicantFactory(municipality=municipality),
        status="admitted",
        number=f"К-{rank:03d}",
        total_cost=Decimal("300000.00"),
        grant_requested=Decimal(requested),
    )
    return ResultFactory(
        contest=contest,
        application=application,
        rank=rank,
        position=rank,
        funded=funded,
        amount=Decimal(amount),
    )


def test_staff_take_a_finished_contests_applications_into_a_draft_vote(client):
    vote = VoteFactory(status=VoteStatus.DRAFT)
    staff = vote_staff(vote.municipality)
    contest = ContestFactory(status=ContestStatus.FINISHED)
    winner = _ranked(contest, vote.municipality, rank=1, funded=True, amount="180000.00", requested="200000.00")
    runner_up = _ranked(contest, vote.municipality, rank=2, funded=False, amount="0.00", requested="120000.00")
    unfinished = ContestFactory(status=ContestStatus.EVALUATION)
    client.force_login(staff)

    url = reverse("participation:vote_from_source", args=[vote.pk, "contest"])
    manage = client.get(reverse("participation:vote_manage", args=[vote.pk]))
    assert url in manage.text
    page = client.get(url, {"group": contest.pk})
    assert page.status_code == 200
    assert contest.title in page.text and unfinished.title not in page.text
    assert winner.application.title in page.text and winner.application.organization.name in page.text

    response = client.post(url, {"group": contest.pk, "items": [winner.application_id, runner_up.application_id]})

    assert response.status_code == 302
    first, second = vote.projects.order_by("position")
    assert (first.title, first.cost) == (winner.application.title, Decimal("180000.00"))  # the grant awarded
    assert (second.title, second.cost) == (runner_up.application.title, Decimal("120000.00"))  # the one requested
    assert (first.source_kind, first.source_id) == ("contest", str(winner.application_id))
    assert first.source_url == reverse("contests:results", args=[contest.pk])
    assert winner.application.organization.name in first.description

    again = client.post(url, {"group": contest.pk, "items": [winner.application_id]})
    assert again.status_code == 400 and vote.projects.count() == 2


def test_a_contest_still_being_evaluated_offers_nothing_to_a_vote():
    vote = VoteFactory(status=VoteStatus.DRAFT)
    contest = ContestFactory(status=ContestStatus.RANKING)
    result = _ranked(contest, vote.municipality, rank=1, funded=True, amount="100000.00", requested="100000.00")
    with pytest.raises(ValidationError) as exc:
        vote_projects_from_source(
            vote=vote,
            actor=vote_staff(vote.municipality),
            source_key="contest",
            group_id=str(contest.pk),
            ids=[result.application_id],
        )
    assert error_codes(exc.value) == {"not_offered"}
    assert not vote.projects.exists()
