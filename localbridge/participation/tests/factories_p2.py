"""P2 (votes): factories and helpers of the vote tests. Kept apart from factories.py while the other helpers
write it; the lead may merge them."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import factory

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory
from localbridge.participation.models import (
    BallotType,
    Residency,
    ResidencyStatus,
    Vote,
    VoteProject,
    VoteStatus,
)
from localbridge.territories.tests.factories import MunicipalityFactory

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def vote_resident(municipality, **user_fields):
    """A user with a confirmed residency in `municipality`, born 1990."""
    user = UserFactory(birth_year=user_fields.pop("birth_year", 1990), **user_fields)
    Residency.objects.create(user=user, municipality=municipality, status=ResidencyStatus.CONFIRMED)
    return user


def vote_staff(municipality):
    """A user with an active staff membership in `municipality`'s administration."""
    user = UserFactory()
    administration = AdministrationFactory(municipality=municipality)
    MembershipFactory(user=user, organization=administration, role=MembershipRole.STAFF)
    return user


class VoteFactory(factory.django.DjangoModelFactory):
    """An open approval vote (opened a day before NOW, closing ten days after) with a budget of 100 000."""

    class Meta:
        model = Vote

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Народный бюджет {n}")
    budget = Decimal("100000.00")
    ballot_type = BallotType.APPROVAL
    max_choices = 2
    status = VoteStatus.OPEN
    opens_at = NOW - timedelta(days=1)
    closes_at = NOW + timedelta(days=10)
    min_age = 16


class VoteProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoteProject

    vote = factory.SubFactory(VoteFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Проект {n}")
    cost = Decimal("40000.00")
    position = factory.Sequence(lambda n: n)


def vote_with_projects(costs=(40000, 30000, 50000), **fields):
    """A vote with one project per cost (codes 1, 2, 3…)."""
    vote = VoteFactory(**fields)
    projects = [
        VoteProjectFactory(vote=vote, code=str(i), cost=Decimal(cost), position=i)
        for i, cost in enumerate(costs, start=1)
    ]
    return vote, projects
