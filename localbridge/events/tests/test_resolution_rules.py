"""Who may do what with resolutions (the matrix in docs/events.md, "Resolutions"): one behaviour per test."""

import pytest
from django.contrib.auth.models import AnonymousUser

from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.models import EventOrganization, OrganizerRole
from localbridge.events.tests.events_factories import EventFactory, organizer_of
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import OrganizationFactory

from .resolution_factories import acting_for, government, make_resolution, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    """A resolution of an event, with one item addressed to a registry organisation."""
    event = EventFactory()
    organization = government()
    resolution = make_resolution(event=event)
    addressed, _, media = resolution.items.order_by("section__position", "position")
    return {
        "event": event,
        "organization": organization,
        "resolution": resolution,
        "addressed": addressed,
        "media": media,
    }


def test_everyone_reads_resolutions(setting):
    assert AnonymousUser().has_perm("events.view_resolution", setting["resolution"])
    assert UserFactory().has_perm("events.view_resolution", setting["resolution"])


def test_anonymous_and_plain_users_change_nothing(setting):
    for user in (AnonymousUser(), UserFactory()):
        assert not user.has_perm("events.enter_resolution")
        assert not user.has_perm("events.add_resolution", setting["event"])
        assert not user.has_perm("events.change_resolution", setting["resolution"])
        assert not user.has_perm("events.update_resolution_item", setting["addressed"])


def test_platform_staff_do_everything(setting):
    staff = staff_user()
    assert staff.has_perm("events.enter_resolution")
    assert staff.has_perm("events.add_resolution", None)
    assert staff.has_perm("events.add_resolution", setting["event"])
    assert staff.has_perm("events.change_resolution", setting["resolution"])
    assert staff.has_perm("events.update_resolution_item", setting["media"])


@pytest.mark.parametrize("role", [MembershipRole.CHAIR, MembershipRole.STAFF])
def test_the_event_organisers_acting_people_edit_its_resolutions(setting, role):
    person = organizer_of(setting["event"], role=role)
    assert person.has_perm("events.enter_resolution")
    assert person.has_perm("events.add_resolution", setting["event"])
    assert person.has_perm("events.change_resolution", setting["resolution"])
    assert person.has_perm("events.change_resolution", setting["media"])  # an item: its resolution's editors
    assert person.has_perm("events.update_resolution_item", setting["media"])


def test_an_organisers_plain_member_is_no_editor(setting):
    member = organizer_of(setting["event"], role=MembershipRole.MEMBER)
    assert not member.has_perm("events.enter_resolution")
    assert not member.has_perm("events.change_resolution", setting["resolution"])


def test_an_organiser_of_another_event_is_no_editor_here(setting):
    other = organizer_of(EventFactory())
    assert other.has_perm("events.enter_resolution")
    assert not other.has_perm("events.add_resolution", setting["event"])
    assert not other.has_perm("events.add_resolution", None)  # without an event: platform staff only
    assert not other.has_perm("events.change_resolution", setting["resolution"])


def test_a_partner_of_the_event_is_no_editor(setting):
    partner = OrganizationFactory()
    EventOrganization.objects.create(event=setting["event"], organization=partner, role=OrganizerRole.PARTNER)
    person = acting_for(partner)
    assert not person.has_perm("events.change_resolution", setting["resolution"])
    assert not person.has_perm("events.enter_resolution")


def test_a_resolution_without_event_is_edited_by_platform_staff_only():
    resolution = make_resolution()
    assert not organizer_of(EventFactory()).has_perm("events.change_resolution", resolution)
    assert staff_user().has_perm("events.change_resolution", resolution)


@pytest.mark.parametrize("role", [MembershipRole.CHAIR, MembershipRole.STAFF])
def test_an_addressees_acting_people_update_the_items_addressed_to_it(setting, role):
    person = acting_for(setting["organization"], role)
    assert person.has_perm("events.update_resolution_item", setting["addressed"])
    assert not person.has_perm("events.update_resolution_item", setting["media"])
    assert not person.has_perm("events.change_resolution", setting["resolution"])
    assert not person.has_perm("events.change_resolution", setting["addressed"])


def test_an_addressees_plain_member_or_former_staff_update_nothing(setting):
    member = acting_for(setting["organization"], MembershipRole.MEMBER)
    assert not member.has_perm("events.update_resolution_item", setting["addressed"])
    former = acting_for(setting["organization"], MembershipRole.STAFF)
    former.memberships.update(is_active=False)
    assert not former.has_perm("events.update_resolution_item", setting["addressed"])
