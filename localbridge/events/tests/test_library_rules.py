"""Who may see and do what in the knowledge library: each role against each action, allowed and denied (the
matrix of docs/events.md, "Knowledge library"), and the list's SQL visibility agreeing with the per-object rule."""

import pytest
from django.contrib.auth.models import AnonymousUser

from localbridge.accounts.tests.factories import UserFactory
from localbridge.events.models import LibraryDocumentStatus
from localbridge.events.selectors.library import library_visible_to
from localbridge.events.services.library import library_document_move
from localbridge.events.tests.library_factories import (
    association_person,
    library_topics,  # noqa: F401  (an autouse fixture)
    make_document,
    municipal_staff,
    platform_staff,
)
from localbridge.organizations.models import MembershipRole, OrganizationKind
from localbridge.organizations.tests.factories import MembershipFactory, OrganizationFactory
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
ACTIONS = ("add", "view_draft", "view_published", "change", "publish")


@pytest.fixture
def world():
    municipality = MunicipalityFactory()
    creator = municipal_staff(municipality)
    draft = make_document(creator, title="Черновик", municipality=municipality)
    published = make_document(creator, title="Опубликованный", municipality=municipality, publish=True)
    tos_chair = UserFactory()
    MembershipFactory(
        user=tos_chair,
        organization=OrganizationFactory(kind=OrganizationKind.TOS, municipality=municipality),
        role=MembershipRole.CHAIR,
    )
    return {"municipality": municipality, "creator": creator, "draft": draft, "published": published, "tos": tos_chair}


def can(user, action, world):
    if action == "add":
        return user.has_perm("events.add_librarydocument")
    if action == "view_draft":
        return user.has_perm("events.view_librarydocument", world["draft"])
    if action == "view_published":
        return user.has_perm("events.view_librarydocument", world["published"])
    return user.has_perm(f"events.{action}_librarydocument", world["draft"])


ROLES = {
    # role: the actions it may do (the others are denied)
    "anonymous": {"view_published"},
    "resident": {"view_published"},
    "tos_chair": {"view_published"},
    "platform_staff": set(ACTIONS),
    "association_staff": set(ACTIONS),
    "association_chair": set(ACTIONS),
    "association_member": {"view_published"},
    "former_association_staff": {"view_published"},
    "staff_of_the_municipality": set(ACTIONS),
    "staff_of_another_municipality": {"add", "view_published"},
}


def user_for(role, world):
    return {
        "anonymous": lambda: AnonymousUser(),
        "resident": lambda: UserFactory(),
        "tos_chair": lambda: world["tos"],
        "platform_staff": platform_staff,
        "association_staff": lambda: association_person(MembershipRole.STAFF),
        "association_chair": lambda: association_person(MembershipRole.CHAIR),
        "association_member": lambda: association_person(MembershipRole.MEMBER),
        "former_association_staff": lambda: association_person(MembershipRole.STAFF, active=False),
        "staff_of_the_municipality": lambda: municipal_staff(world["municipality"]),
        "staff_of_another_municipality": lambda: municipal_staff(MunicipalityFactory()),
    }[role]()


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("action", ACTIONS)
def test_the_permission_matrix(world, role, action):
    user = user_for(role, world)
    assert can(user, action, world) == (action in ROLES[role])


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_lists_visibility_agrees_with_the_rule(world, role):
    user = user_for(role, world)
    visible = set(library_visible_to(user).values_list("title", flat=True))
    expected = {"Опубликованный"} | ({"Черновик"} if can(user, "view_draft", world) else set())
    assert visible == expected


def test_the_creator_still_sees_their_draft_after_leaving_the_administration(world):
    world["creator"].memberships.update(is_active=False)
    assert world["creator"].has_perm("events.view_librarydocument", world["draft"])
    assert not world["creator"].has_perm("events.change_librarydocument", world["draft"])
    assert "Черновик" in set(library_visible_to(world["creator"]).values_list("title", flat=True))


def test_a_withdrawn_document_is_hidden_from_the_public_again(world):
    library_document_move(document=world["published"], action="withdraw", actor=platform_staff(), comment="Устарел.")
    assert world["published"].status == LibraryDocumentStatus.WITHDRAWN
    assert not AnonymousUser().has_perm("events.view_librarydocument", world["published"])
    assert world["creator"].has_perm("events.view_librarydocument", world["published"])
