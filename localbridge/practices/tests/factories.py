import datetime

import factory
from django.utils import timezone

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole, OrganizationKind
from localbridge.organizations.tests.factories import MembershipFactory, OrganizationFactory
from localbridge.practices.models import (
    Adoption,
    FigureKind,
    Practice,
    PracticeFigure,
    PracticeOrganization,
    PracticeOrganizationRole,
    PracticeStatus,
    Tag,
    Topic,
)
from localbridge.territories.tests.factories import MunicipalityFactory


class TopicFactory(factory.django.DjangoModelFactory):
    """A topic of its own (the 18 curated ones are there already, from the data migration)."""

    class Meta:
        model = Topic
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_topic_{n}")
    name_ru = factory.Sequence(lambda n: f"Тема {n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")
    position = factory.Sequence(lambda n: 1000 + n)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"метка {n}")


class PracticeFactory(factory.django.DjangoModelFactory):
    """A complete draft (it can be sent to moderation), written by a new user, in a Russian municipality, under
    the "landscaping" topic. Pass `status=...` to make one in another state directly (for reads and rules;
    the services' tests move practices through the services)."""

    class Meta:
        model = Practice
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Двор без луж № {n}")
    summary = "Жители отремонтировали двор на свои деньги и деньги района."
    problem = "Во дворе стояли лужи, дети играли на проезжей части."
    actions = "Собрали сход, составили смету, нашли подрядчика, вышли на субботники."
    results = "Двор отремонтирован, площадка открыта."
    language = "ru"
    municipality = factory.SubFactory(MunicipalityFactory)
    region = factory.LazyAttribute(lambda o: o.municipality.region if o.municipality else None)
    country = factory.LazyAttribute(lambda o: o.municipality.country if o.municipality else None)
    author = factory.SubFactory(UserFactory)
    status = PracticeStatus.DRAFT
    start_year = 2023
    year = factory.LazyAttribute(lambda o: o.start_year)
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in (PracticeStatus.PUBLISHED, PracticeStatus.ARCHIVED) else None
    )

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [Topic.objects.get(code="landscaping")]
        obj.topics.set(extracted)

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)


class PublishedPracticeFactory(PracticeFactory):
    status = PracticeStatus.PUBLISHED


class PracticeOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeOrganization

    practice = factory.SubFactory(PracticeFactory)
    organization = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.TOS)
    role = PracticeOrganizationRole.AUTHOR


class PracticeFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeFigure

    practice = factory.SubFactory(PracticeFactory)
    kind = FigureKind.BENEFICIARIES
    value = 250


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    practice = factory.SubFactory(PublishedPracticeFactory)
    organization = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.TOS)
    municipality = factory.LazyAttribute(lambda o: o.organization.municipality)
    adopted_on = datetime.date(2024, 5, 1)
    adaptation = "Сделали то же, но с детской площадкой."


def member_of(organization, role=MembershipRole.MEMBER):
    """A new user with an active `role` in `organization`."""
    return MembershipFactory(organization=organization, role=role).user


def association_moderator():
    """A user who moderates the bank as staff of a national association of ТОС."""
    association = OrganizationFactory(
        kind=OrganizationKind.ASSOCIATION_NATIONAL,
        municipality=None,
        region=None,
        country=MunicipalityFactory().country,
    )
    return member_of(association, MembershipRole.MODERATOR)
