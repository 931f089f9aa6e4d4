"""Factories of events and a small cast around one event: the organiser's chair, the municipality's staff, a plain
user; the event's clock is NOW (the factories' municipalities are in Asia/Yakutsk, UTC+9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import factory
from django.utils import timezone

from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.models import (
    Event,
    EventFormat,
    EventKind,
    EventOrganization,
    EventStatus,
    OrganizerRole,
    Registration,
    RegistrationStatus,
)
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import AdministrationFactory, MembershipFactory, OrganizationFactory
from localbridge.territories.tests.factories import MunicipalityFactory

NOW = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)  # 18:00 in Yakutsk
START = NOW + timedelta(days=10)  # 2026-06-20 09:00 UTC = 18:00 Yakutsk


class EventFactory(factory.django.DjangoModelFactory):
    """A published seminar in person, ten days after NOW, for three hours, with one organiser (an NGO of the
    event's municipality); `organizer=False` for none."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    kind = EventKind.SEMINAR
    format = EventFormat.IN_PERSON
    title = factory.Sequence(lambda n: f"Семинар для активистов ТОС № {n}")
    description = "Как подготовить проект на конкурс."
    starts_at = START
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=3))
    time_zone = "Asia/Yakutsk"
    venue = "Дом культуры"
    address = "ул. Ленина, 100"
    municipality = factory.SubFactory(MunicipalityFactory)
    region = factory.LazyAttribute(lambda e: e.municipality.region if e.municipality else None)
    status = EventStatus.PUBLISHED
    published_at = NOW - timedelta(days=5)
    created_at = NOW - timedelta(days=6)

    @factory.post_generation
    def organizer(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        organization = extracted or OrganizationFactory(municipality=obj.municipality)
        EventOrganization.objects.create(event=obj, organization=organization, role=OrganizerRole.ORGANIZER)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = RegistrationStatus.REGISTERED
    created_at = NOW - timedelta(days=1)


def organizer_of(event: Event, role: str = MembershipRole.CHAIR):
    """A user acting for the event's (first) organiser organisation, as chair (or `role`)."""
    link = event.organizer_links.filter(role=OrganizerRole.ORGANIZER).select_related("organization").first()
    user = UserFactory()
    MembershipFactory(user=user, organization=link.organization, role=role)
    return user


def municipal_staff_of(municipality):
    user = UserFactory()
    MembershipFactory(
        user=user, organization=AdministrationFactory(municipality=municipality), role=MembershipRole.STAFF
    )
    return user


def platform_staff():
    return UserFactory(is_staff=True)


def soon(**fields):
    """A published event three days from the real now (pages and feeds use the real clock)."""
    starts = timezone.now() + timedelta(days=3)
    return EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=3), **fields)
