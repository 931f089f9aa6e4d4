"""The indicators of events and resolutions on a small known dataset (and on empty tables)."""

from datetime import timedelta

import pytest

from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.models import (
    Event,
    EventOrganization,
    EventStatus,
    Registration,
    RegistrationStatus,
    Resolution,
    ResolutionItem,
    ResolutionItemStatus,
    ResolutionSection,
)
from localbridge.organizations.models import OrganizationKind
from localbridge.organizations.tests.factories import OrganizationFactory

from .factories import at, c, compute, m, make_world, numbers, r

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def event(*, municipality=None, region=None, starts, status=EventStatus.PUBLISHED, organizer=None):
    made = Event.objects.create(
        kind="seminar",
        title="Семинар для ТОС",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        municipality=municipality,
        region=region or (municipality.region if municipality else None),
        status=status,
    )
    if organizer is not None:
        EventOrganization.objects.create(event=made, organization=organizer)
    return made


def register(made, count, status=RegistrationStatus.REGISTERED):
    for _ in range(count):
        Registration.objects.create(
            event=made,
            user=UserFactory(),
            status=status,
            waitlist_position=1 if status == RegistrationStatus.WAITLISTED else None,
        )


def test_on_empty_tables_nothing_is_computed(world):
    for code in ("events_held", "event_participants", "resolution_items_done"):
        assert compute(code) == {}


def test_events_held_and_their_participants(world):
    w = world
    national = OrganizationFactory(
        kind=OrganizationKind.ASSOCIATION_NATIONAL, municipality=None, region=None, country=w.country
    )
    seminar = event(municipality=w.a1, starts=at(2024, 3))
    register(seminar, 3)
    register(seminar, 1, RegistrationStatus.CANCELLED)
    forum = event(region=w.region_b, starts=at(2025, 5))
    register(forum, 2)
    online = event(starts=at(2025, 2), organizer=national)  # no place: the organiser's country
    register(online, 4)
    event(municipality=w.a2, starts=at(2025, 6, 20))  # after "today" (1 June 2025): not held yet
    event(municipality=w.a2, starts=at(2025, 1), status=EventStatus.CANCELLED)
    event(municipality=w.a2, starts=at(2025, 1), status=EventStatus.DRAFT)
    assert compute("events_held") == numbers(
        {
            m(w.a1, 2024): 1,
            r(w.region_a, 2024): 1,
            c(w.country, 2024): 1,
            r(w.region_b, 2025): 1,
            c(w.country, 2025): 2,
        }
    )
    assert compute("event_participants") == numbers(
        {
            m(w.a1, 2024): 3,
            r(w.region_a, 2024): 3,
            c(w.country, 2024): 3,
            r(w.region_b, 2025): 2,
            c(w.country, 2025): 6,
        }
    )


def test_resolution_items_done_count_for_their_addressees_or_where_the_resolution_was_adopted(world):
    w = world
    administration = OrganizationFactory(kind=OrganizationKind.ADMINISTRATION, municipality=w.a1)
    other = OrganizationFactory(kind=OrganizationKind.ADMINISTRATION, municipality=w.a2)
    government = OrganizationFactory(
        kind=OrganizationKind.REGIONAL_AUTHORITY, municipality=None, region=w.region_b, country=w.country
    )
    congress = event(municipality=w.b1, starts=at(2024, 2))
    resolution = Resolution.objects.create(title="Резолюция съезда ТОС", event=congress)
    section = ResolutionSection.objects.create(resolution=resolution, position=1, addressee="Органам власти")

    def item(position, status, changed, *addressees):
        made = ResolutionItem.objects.create(
            resolution=resolution,
            section=section,
            position=position,
            text=f"Пункт {position}",
            status=status,
            status_changed_at=changed,
        )
        made.addressees.set(addressees)

    item(1, ResolutionItemStatus.DONE, at(2024, 10), administration, other)  # two municipalities of region A
    item(2, ResolutionItemStatus.DONE, at(2025, 1), government)
    item(3, ResolutionItemStatus.DONE, at(2025, 2))  # no addressee: where the congress was (Smolensk)
    item(4, ResolutionItemStatus.IN_PROGRESS, at(2025, 2), administration)
    assert compute("resolution_items_done") == numbers(
        {
            m(w.a1, 2024): 1,
            m(w.a2, 2024): 1,
            r(w.region_a, 2024): 1,
            c(w.country, 2024): 1,
            m(w.b1, 2025): 1,
            r(w.region_b, 2025): 2,
            c(w.country, 2025): 2,
        }
    )
