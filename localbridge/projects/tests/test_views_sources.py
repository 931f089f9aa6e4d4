""" "My projects" offers the decisions a user may make a project from — an awarded application to its applicant's
members, an accepted proposal and a funded vote winner to the municipality's staff — each once, and its
"Create the project" button calls the service."""

from decimal import Decimal

import pytest
from django.urls import reverse

from localbridge.accounts.tests.factories import UserFactory
from localbridge.contests.tests.factories import ResultFactory, chair_of
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory
from localbridge.participation.models import ProposalStatus, Vote, VoteProject, VoteResult, VoteStatus
from localbridge.participation.tests.factories import ProposalFactory
from localbridge.projects.models import Origin, Project
from localbridge.projects.selectors_sources import eligible_sources
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

MY_URL = reverse("projects:my")


def test_the_applicants_chair_makes_the_project_of_an_award_once(client):
    result = ResultFactory(funded=True, amount=Decimal("100000"))
    chair = chair_of(result.application.organization)
    client.force_login(chair)
    response = client.get(MY_URL)
    assert response.context["sources"].awards == [result.application]
    url = reverse("projects:create_from", args=["award", result.application.pk])
    response = client.post(url)
    project = Project.objects.get()
    assert response["Location"] == reverse("projects:manage", args=[project.pk])
    assert project.origin == Origin.CONTEST_AWARD
    assert client.get(MY_URL).context["sources"].awards == []
    client.post(url)  # a second click makes no second project
    assert Project.objects.count() == 1


def test_a_stranger_sees_no_award_and_cannot_make_its_project(client):
    result = ResultFactory(funded=True)
    stranger = UserFactory()
    assert eligible_sources(stranger).empty
    client.force_login(stranger)
    response = client.post(reverse("projects:create_from", args=["award", result.application.pk]))
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_the_staff_make_projects_of_accepted_proposals_and_vote_winners(client):
    city = MunicipalityFactory()
    administration = AdministrationFactory(municipality=city)
    staff = MembershipFactory(organization=administration, role=MembershipRole.STAFF).user
    proposal = ProposalFactory(municipality=city, status=ProposalStatus.ACCEPTED, estimated_cost=Decimal("1000"))
    ProposalFactory(municipality=city, status=ProposalStatus.UNDER_REVIEW)
    vote = Vote.objects.create(municipality=city, title="Бюджет", budget=Decimal("1000"), status=VoteStatus.PUBLISHED)
    winner = VoteProject.objects.create(vote=vote, code="1", title="Фонари", cost=Decimal("500"))
    VoteResult.objects.create(vote=vote, project=winner, votes=5, score=Decimal(5), funded=True, reason="funded")
    client.force_login(staff)
    sources = client.get(MY_URL).context["sources"]
    assert sources.proposals == [proposal] and sources.vote_projects == [winner]
    client.post(reverse("projects:create_from", args=["proposal", proposal.pk]))
    client.post(reverse("projects:create_from", args=["vote", winner.pk]))
    assert set(Project.objects.values_list("origin", flat=True)) == {Origin.INITIATIVE_PROPOSAL, Origin.PB_WINNER}
    assert client.get(MY_URL).context["sources"].empty


def test_an_unknown_kind_of_source_is_404(client):
    client.force_login(UserFactory())
    assert client.post(reverse("projects:create_from", args=["bogus", 1])).status_code == 404
