"""P3 (surveys + hearings): factories and helpers of these tests. Kept apart from factories.py while the other
helpers write it; the lead may merge them."""

from datetime import UTC, datetime, timedelta

import factory

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory
from localbridge.participation.models import (
    Hearing,
    HearingKind,
    HearingStatus,
    Question,
    QuestionKind,
    Residency,
    ResidencyStatus,
    Survey,
    SurveyStatus,
)
from localbridge.territories.tests.factories import MunicipalityFactory

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


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
