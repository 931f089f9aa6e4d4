"""The permission matrix of docs/cooperation.md, one behaviour per test."""

import pytest

from localbridge.accounts.tests.factories import UserFactory
from localbridge.cooperation import selectors
from localbridge.cooperation.services import agreement_move
from localbridge.organizations.models import MembershipRole
from localbridge.organizations.tests.factories import MembershipFactory
from localbridge.territories.tests.factories import MunicipalityFactory

from .factories import association, draft_agreement, municipal_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    return MunicipalityFactory(), MunicipalityFactory()


@pytest.fixture
def agreement(parties):
    return draft_agreement(municipal_staff(parties[0]), *parties)


def test_a_draft_is_seen_by_the_parties_people_and_platform_staff_only(agreement, parties):
    party_staff, outsider, platform = municipal_staff(parties[1]), UserFactory(), UserFactory(is_staff=True)
    assert party_staff.has_perm("cooperation.view_agreement", agreement)
    assert platform.has_perm("cooperation.view_agreement", agreement)
    assert not outsider.has_perm("cooperation.view_agreement", agreement)
    assert set(selectors.agreement_visible_to(party_staff)) == {agreement}
    assert set(selectors.agreement_visible_to(platform)) == {agreement}
    assert not selectors.agreement_visible_to(outsider).exists()


def test_a_signed_agreement_is_public(agreement, parties):
    actor = municipal_staff(parties[0])
    agreement_move(agreement=agreement, action="submit", actor=actor)
    agreement_move(agreement=agreement, action="sign", actor=actor)
    anonymous = UserFactory.build()
    assert UserFactory().has_perm("cooperation.view_agreement", agreement)
    assert set(selectors.agreement_visible_to(None)) == {agreement}
    assert anonymous.pk is None


def test_a_party_associations_chair_acts_for_it_but_not_its_members(parties):
    union = association()
    chair, member = UserFactory(), UserFactory()
    MembershipFactory(user=chair, organization=union, role=MembershipRole.CHAIR)
    MembershipFactory(user=member, organization=union, role=MembershipRole.MEMBER)
    from localbridge.cooperation.services import PartyIn, agreement_create

    agreement = agreement_create(
        actor=chair,
        kind="association",
        title="Соглашение ассоциаций",
        parties=[PartyIn(organization=union), PartyIn(municipality=parties[0])],
    )
    assert chair.has_perm("cooperation.change_agreement", agreement)
    assert not member.has_perm("cooperation.change_agreement", agreement)
    assert set(selectors.agreement_visible_to(chair)) == {agreement}


def test_who_may_start_agreements(parties):
    assert municipal_staff(parties[0]).has_perm("cooperation.add_agreement")
    assert UserFactory(is_staff=True).has_perm("cooperation.add_agreement")
    assert not UserFactory().has_perm("cooperation.add_agreement")


def test_only_the_municipalitys_staff_and_platform_staff_state_its_interests(parties):
    home, other = parties
    assert municipal_staff(home).has_perm("cooperation.change_interest", home)
    assert not municipal_staff(other).has_perm("cooperation.change_interest", home)
    assert UserFactory(is_staff=True).has_perm("cooperation.change_interest", home)
