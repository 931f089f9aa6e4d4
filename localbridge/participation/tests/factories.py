"""Factories and helpers of the participation tests: residence and proposals, votes, surveys and hearings."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import factory

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory, TosFactory
from localbridge.participation.models import (
    BallotType,
    Comment,
    Hearing,
    HearingKind,
    HearingStatus,
    Proposal,
    ProposalStatus,
    Question,
    QuestionKind,
    Residency,
    ResidencyMethod,
    ResidencyStatus,
    Support,
    Survey,
    SurveyStatus,
    Vote,
    VoteProject,
    VoteStatus,
)
from localbridge.territories.tests.factories import MunicipalityFactory

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # the tests' fixed clock


# --- residence and initiative proposals ------------------------------------------------------------------------


class ResidencyFactory(factory.django.DjangoModelFactory):
    """A claim awaiting confirmation (status=CONFIRMED for a confirmed one)."""

    class Meta:
        model = Residency

    user = factory.SubFactory(UserFactory, birth_year=1985)
    municipality = factory.SubFactory(MunicipalityFactory)
    status = ResidencyStatus.CLAIMED
    address = factory.Sequence(lambda n: f"ул. Ленина, д. {n}")


class ResidentFactory(UserFactory):
    """A user born in 1985 with a confirmed residency: `ResidentFactory(residence=municipality)`, with
    `residence__tos=…` or `residence__settlement=…` for a narrower territory (a new municipality when none is
    given; `residence=False` for none)."""

    birth_year = 1985

    @factory.post_generation
    def residence(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        ResidencyFactory(
            user=obj,
            municipality=extracted or kwargs.pop("municipality", None) or MunicipalityFactory(),
            status=ResidencyStatus.CONFIRMED,
            method=ResidencyMethod.STAFF,
            **kwargs,
        )


class MunicipalStaffFactory(UserFactory):
    """A user with an active staff membership in the administration of `MunicipalStaffFactory(municipality=m)`."""

    @factory.post_generation
    def municipality(obj, create, extracted, **kwargs):
        if not create:
            return
        administration = AdministrationFactory(municipality=extracted or MunicipalityFactory())
        MembershipFactory(user=obj, organization=administration, role=MembershipRole.STAFF)


def tos_with_chair(municipality, chair=None):
    """A ТОС of the municipality and its chair: (tos, chair)."""
    tos = TosFactory(municipality=municipality)
    chair = chair or UserFactory()
    MembershipFactory(user=chair, organization=tos, role=MembershipRole.CHAIR)
    return tos, chair


class ProposalFactory(factory.django.DjangoModelFactory):
    """A proposal collecting supports (status=DRAFT for a draft)."""

    class Meta:
        model = Proposal

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Детская площадка № {n}")
    summary = "Площадка во дворе."
    description = "## Проблема\n\nДетям негде играть."
    estimated_cost = Decimal("500000.00")
    residents_contribution = Decimal("50000.00")
    author = factory.SubFactory(UserFactory)
    status = ProposalStatus.COLLECTING
    support_threshold = 3
    published_at = NOW
    min_age = 16


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Support

    proposal = factory.SubFactory(ProposalFactory)
    user = factory.SubFactory(UserFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    proposal = factory.SubFactory(ProposalFactory)
    author = factory.SubFactory(UserFactory)
    text = "Хорошая идея."


# --- end of P1 --------------------------------------------------------------------------------------------------


# --- participatory-budget votes --------------------------------------------------------------------------------


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


# --- surveys, hearings and meetings ----------------------------------------------------------------------------


def resident(municipality, **user_fields):
    """A user with a confirmed residency in `municipality`, born 1990."""
    user = UserFactory(birth_year=user_fields.pop("birth_year", 1990), **user_fields)
    Residency.objects.create(user=user, municipality=municipality, status=ResidencyStatus.CONFIRMED)
    return user


def municipal_staff(municipality):
    """A user with an active staff membership in `municipality`'s administration."""
    user = UserFactory()
    administration = AdministrationFactory(municipality=municipality)
    MembershipFactory(user=user, organization=administration, role=MembershipRole.STAFF)
    return user


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Опрос {n}")
    anonymous = True
    status = SurveyStatus.OPEN
    opens_at = NOW - timedelta(days=1)
    closes_at = NOW + timedelta(days=10)
    min_age = 16


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    kind = QuestionKind.SINGLE
    text = factory.Sequence(lambda n: f"Вопрос {n}?")
    options = factory.LazyAttribute(
        lambda q: (
            ["Да", "Нет", "Не знаю"]
            if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING)
            else []
        )
    )
    position = factory.Sequence(lambda n: n)


class HearingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hearing

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = HearingKind.HEARING
    subject = factory.Sequence(lambda n: f"Проект бюджета на 2027 год ({n})")
    description = "Обсуждение проекта бюджета."
    starts_at = NOW + timedelta(days=25)
    ends_at = NOW + timedelta(days=25, hours=2)
    place = "ул. Ленина, 1, актовый зал"
    proposals_until = NOW + timedelta(days=20)
    status = HearingStatus.ANNOUNCED
    min_age = 18
