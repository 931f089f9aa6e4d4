import factory

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import (
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    TosProfile,
    TosTerritoryKind,
)
from localbridge.territories.tests.factories import MunicipalityFactory


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = OrganizationKind.NGO
    name = factory.Sequence(lambda n: f"Организация {n}")
    status = OrganizationStatus.ACTIVE
    municipality = factory.SubFactory(MunicipalityFactory)
    region = factory.LazyAttribute(lambda o: o.municipality.region if o.municipality else None)
    country = factory.LazyAttribute(lambda o: o.municipality.country)


class AdministrationFactory(OrganizationFactory):
    kind = OrganizationKind.ADMINISTRATION
    name = factory.LazyAttribute(lambda o: f"Администрация {o.municipality.name_ru}")


class TosFactory(OrganizationFactory):
    kind = OrganizationKind.TOS
    name = factory.Sequence(lambda n: f"ТОС «Улица {n}»")
    status = OrganizationStatus.DRAFT
    profile = factory.RelatedFactory(
        "localbridge.organizations.tests.factories.TosProfileFactory", factory_related_name="organization"
    )


class TosProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TosProfile

    organization = factory.SubFactory(TosFactory, profile=None)
    territory_name = factory.Sequence(lambda n: f"ул. Ленина, дома {n}–{n + 10}")
    territory_kind = TosTerritoryKind.BUILDING_GROUP
    residents_count = 300
    participants_count = 120


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = MembershipRole.MEMBER
