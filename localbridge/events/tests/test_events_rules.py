"""The events' permission matrix (docs/events.md, "Who may do what"): each role against each action, allowed and
denied; and the SQL visibility of drafts agrees with the rule."""

import pytest
from django.contrib.auth.models import AnonymousUser

from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.models import EventStatus, OrganizerRole, Registration
from localbridge.events.selectors.events import event_visible_to
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import MembershipFactory, OrganizationFactory
from localbridge.territories.tests.factories import MunicipalityFactory

from .events_factories import EventFactory, RegistrationFactory, municipal_staff_of, organizer_of, platform_staff

pytestmark = pytest.mark.django_db

RUN = ("events.change_event", "events.publish_event", "events.cancel_event", "events.manage_registrations")


@pytest.fixture
def draft():
    return EventFactory(status=EventStatus.DRAFT)


def _partner_chair(event):
    partner = OrganizationFactory()
    event.organizer_links.create(organization=partner, role=OrganizerRole.PARTNER)
    user = UserFactory()
    MembershipFactory(user=user, organization=partner, role=MembershipRole.CHAIR)
    return user


ROLES = {
    "anonymous": lambda e: AnonymousUser(),
    "signed in": lambda e: UserFactory(),
    "organiser chair": lambda e: organizer_of(e, MembershipRole.CHAIR),
    "organiser staff": lambda e: organizer_of(e, MembershipRole.STAFF),
    "organiser member": lambda e: organizer_of(e, MembershipRole.MEMBER),
    "partner chair": _partner_chair,
    "municipal staff": lambda e: municipal_staff_of(e.municipality),
    "other municipality's staff": lambda e: municipal_staff_of(MunicipalityFactory()),
    "platform staff": lambda e: platform_staff(),
}
RUNS = {"organiser chair", "organiser staff", "municipal staff", "platform staff"}


@pytest.mark.parametrize("role", ROLES)
def test_who_runs_an_event_and_sees_its_draft(draft, role):
    user = ROLES[role](draft)
    expected = role in RUNS
    for permission in RUN:
        assert user.has_perm(permission, draft) is expected, permission
    assert user.has_perm("events.view_event", draft) is expected
    assert event_visible_to(user).filter(pk=draft.pk).exists() is expected


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_a_published_event_and_the_signed_in_register(role):
    event = EventFactory()
    user = ROLES[role](event)
    assert user.has_perm("events.view_event", event)
    assert event_visible_to(user).filter(pk=event.pk).exists()
    assert user.has_perm("events.register_event", event) is (role != "anonymous")


@pytest.mark.parametrize(
    ("role", "may_create", "may_organise_for_it"),
    [
        ("anonymous", False, False),
        ("signed in", False, False),
        ("chair", True, True),
        ("staff", True, True),
        ("member", False, False),
        ("municipal staff", True, True),
        ("platform staff", True, True),
    ],
)
def test_who_creates_events_and_for_which_organisation(role, may_create, may_organise_for_it):
    organization = OrganizationFactory()
    if role == "anonymous":
        user = AnonymousUser()
    elif role == "signed in":
        user = UserFactory()
    elif role in ("chair", "staff", "member"):
        user = UserFactory()
        MembershipFactory(user=user, organization=organization, role=role)
    elif role == "municipal staff":
        user = municipal_staff_of(organization.municipality)
    else:
        user = platform_staff()
    assert user.has_perm("events.create_event") is may_create
    assert user.has_perm("events.organise_for", organization) is may_organise_for_it
    assert user.has_perm("events.organise_for", OrganizationFactory()) is (role == "platform staff")


def test_a_registration_is_cancelled_by_its_person_or_by_those_who_run_the_event():
    registration = RegistrationFactory()
    event = registration.event
    assert registration.user.has_perm("events.cancel_registration", registration)
    assert organizer_of(event).has_perm("events.cancel_registration", registration)
    assert not UserFactory().has_perm("events.cancel_registration", registration)
    assert not AnonymousUser().has_perm("events.cancel_registration", registration)
    assert Registration.objects.count() == 1
