"""Factories of the participation module. Helpers add factories in their own marked blocks."""

# --- P1: residence and initiative proposals ---------------------------------------------------------------------

from datetime import UTC, datetime
from decimal import Decimal

import factory

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory, TosFactory
from localbridge.participation.models import (
    Comment,
    Proposal,
    ProposalStatus,
    Residency,
    ResidencyMethod,
    ResidencyStatus,
    Support,
)
from localbridge.territories.tests.factories import MunicipalityFactory

P1_NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


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
    published_at = P1_NOW
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
