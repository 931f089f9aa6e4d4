"""P1: the permission matrix of residence and proposals (participation.* rules) for an anonymous visitor, a
signed-in user without confirmed residence, a confirmed resident of the territory, a resident of another territory,
the municipality's staff, and a ТОС chair; for supports, the eligibility that the service adds to the rule."""

import pytest
from django.contrib.auth.models import AnonymousUser

from localbridge.accounts.tests.factories import UserFactory
from localbridge.participation.eligibility import is_eligible
from localbridge.participation.models import ProposalStatus
from localbridge.participation.tests.factories import (
    MunicipalStaffFactory,
    ProposalFactory,
    ResidencyFactory,
    ResidentFactory,
    tos_with_chair,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "unverified", "resident", "other_resident", "staff")


@pytest.fixture
def world():
    municipality = MunicipalityFactory()
    return {
        "municipality": municipality,
        "anonymous": AnonymousUser(),
        "unverified": UserFactory(birth_year=1980),
        "resident": ResidentFactory(residence=municipality),
        "other_resident": ResidentFactory(residence=MunicipalityFactory()),
        "staff": MunicipalStaffFactory(municipality=municipality),
    }


def _matrix(world, perm, obj):
    return {role: world[role].has_perm(perm, obj) for role in ROLES}


def test_anyone_signed_in_claims_residence_and_proposes(world):
    for perm in ("participation.claim_residency", "participation.propose", "participation.comment"):
        assert _matrix(world, perm, None) == {
            "anonymous": False,
            "unverified": True,
            "resident": True,
            "other_resident": True,
            "staff": True,
        }


def test_only_the_municipalitys_staff_issue_codes(world):
    assert _matrix(world, "participation.issue_codes", world["municipality"]) == {
        "anonymous": False,
        "unverified": False,
        "resident": False,
        "other_resident": False,
        "staff": True,
    }


def test_the_municipalitys_staff_and_the_tos_chair_decide_a_claim(world):
    tos, chair = tos_with_chair(world["municipality"])
    on_tos = ResidencyFactory(municipality=world["municipality"], tos=tos)
    plain = ResidencyFactory(municipality=world["municipality"])
    assert _matrix(world, "participation.decide_residency", on_tos) == {
        "anonymous": False,
        "unverified": False,
        "resident": False,
        "other_resident": False,
        "staff": True,
    }
    assert chair.has_perm("participation.decide_residency", on_tos)
    assert not chair.has_perm("participation.decide_residency", plain)
    assert not plain.user.has_perm("participation.decide_residency", plain)


def test_a_published_proposal_is_public_a_draft_is_its_authors_and_the_staffs(world):
    published = ProposalFactory(municipality=world["municipality"])
    draft = ProposalFactory(municipality=world["municipality"], status=ProposalStatus.DRAFT)
    assert set(_matrix(world, "participation.view_proposal", published).values()) == {True}
    assert _matrix(world, "participation.view_proposal", draft) == {
        "anonymous": False,
        "unverified": False,
        "resident": False,
        "other_resident": False,
        "staff": True,
    }
    assert draft.author.has_perm("participation.view_proposal", draft)


def test_only_the_author_changes_a_proposal(world):
    proposal = ProposalFactory(municipality=world["municipality"], author=world["resident"])
    assert _matrix(world, "participation.change_proposal", proposal) == {
        "anonymous": False,
        "unverified": False,
        "resident": True,
        "other_resident": False,
        "staff": False,
    }


def test_only_the_municipalitys_staff_answer_and_moderate(world):
    proposal = ProposalFactory(municipality=world["municipality"])
    assert _matrix(world, "participation.answer_proposal", proposal) == {
        "anonymous": False,
        "unverified": False,
        "resident": False,
        "other_resident": False,
        "staff": True,
    }


def test_only_a_confirmed_resident_of_the_territory_may_support(world):
    proposal = ProposalFactory(municipality=world["municipality"])
    may_support = {
        role: world[role].has_perm("participation.support", proposal) and is_eligible(world[role], proposal)
        for role in ROLES
    }
    assert may_support == {
        "anonymous": False,
        "unverified": False,
        "resident": True,
        "other_resident": False,
        "staff": False,  # staff are not residents by their job
    }


def test_platform_staff_may_do_what_the_municipalitys_staff_do():
    admin = UserFactory(is_staff=True)
    proposal = ProposalFactory()
    assert admin.has_perm("participation.answer_proposal", proposal)
    assert admin.has_perm("participation.issue_codes", proposal.municipality)
    assert admin.has_perm("participation.decide_residency", ResidencyFactory())
