"""Factories and helpers for cooperation tests."""

from typing import Any

from localbridge.accounts.tests.factories import UserFactory
from localbridge.cooperation.models import Agreement, AgreementKind, CooperationArea
from localbridge.cooperation.services import PartyIn, agreement_create
from localbridge.organizations.models import MembershipRole, OrganizationKind
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory, OrganizationFactory
from localbridge.territories.models import Municipality
from localbridge.territories.tests.factories import CountryFactory


def municipal_staff(municipality: Municipality) -> Any:
    """A user with a staff membership in the municipality's administration."""
    user = UserFactory()
    MembershipFactory(
        user=user, organization=AdministrationFactory(municipality=municipality), role=MembershipRole.STAFF
    )
    return user


def association(**kwargs: Any) -> Any:
    return OrganizationFactory(
        kind=OrganizationKind.ASSOCIATION_NATIONAL, municipality=None, region=None, country=CountryFactory(), **kwargs
    )


def area(code: str) -> CooperationArea:
    """A seeded area (seeded again when a transactional test has flushed the tables)."""
    return CooperationArea.objects.get_or_create(code=code, defaults={"name_ru": code, "name_en": code})[0]


def draft_agreement(actor: Any, *municipalities: Municipality, **kwargs: Any) -> Agreement:
    kwargs.setdefault("kind", AgreementKind.TWINNING)
    kwargs.setdefault("title", "Соглашение о побратимстве")
    return agreement_create(actor=actor, parties=[PartyIn(municipality=m) for m in municipalities], **kwargs)
