"""The practice bank's permission matrix: each role × each action, allowed and denied — through the rules
(has_perm), through the services (which refuse with PermissionDenied), and the SQL visibility filter against
the view rule. One behaviour per case. docs/practices.md writes the same matrix down."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole, OrganizationKind, OrganizationStatus
from localbridge.organizations.tests.factories import MembershipFactory, OrganizationFactory
from localbridge.practices import services
from localbridge.practices.models import Practice, PracticeStatus
from localbridge.practices.rules import allowed_moves
from localbridge.practices.selectors import practice_visible_to
from localbridge.practices.tests.conftest import NOW
from localbridge.practices.tests.factories import (
    AdoptionFactory,
    PracticeFactory,
    PracticeOrganizationFactory,
    association_moderator,
    member_of,
)

pytestmark = pytest.mark.django_db
S = PracticeStatus

ROLES = [
    "anonymous",
    "plain_user",
    "author",
    "org_chair",
    "org_staff",
    "org_member",
    "partner_chair",
    "tos_moderator",
    "association_moderator",
    "platform_moderator",
    "superuser",
]
INSIDERS = {"author", "org_chair", "org_staff", "org_member", "partner_chair"}
EDITORS = {"author", "org_chair", "org_staff", "superuser"}
MODERATORS = {"association_moderator", "platform_moderator", "superuser"}
EVERYONE = set(ROLES)

# action: (the status it is tried in, the permission, who is allowed)
ACTIONS = {
    "view_draft": (S.DRAFT, "practices.view_practice", INSIDERS | MODERATORS),
    "view_on_moderation": (S.ON_MODERATION, "practices.view_practice", INSIDERS | MODERATORS),
    "view_rejected": (S.REJECTED, "practices.view_practice", INSIDERS | MODERATORS),
    "view_archived": (S.ARCHIVED, "practices.view_practice", INSIDERS | MODERATORS),
    "view_published": (S.PUBLISHED, "practices.view_practice", EVERYONE),
    "edit_draft": (S.DRAFT, "practices.change_practice", EDITORS),
    "edit_returned": (S.RETURNED, "practices.change_practice", EDITORS),
    # Django lets an active superuser do everything; the services still refuse by status (not_editable).
    "edit_published": (S.PUBLISHED, "practices.change_practice", {"superuser"}),
    "submit": (S.DRAFT, "practices.submit_practice", EDITORS),
    "withdraw": (S.ON_MODERATION, "practices.withdraw_practice", EDITORS),
    "resubmit": (S.RETURNED, "practices.resubmit_practice", EDITORS),
    "publish": (S.ON_MODERATION, "practices.publish_practice", MODERATORS),
    "return": (S.ON_MODERATION, "practices.return_practice", MODERATORS),
    "reject": (S.ON_MODERATION, "practices.reject_practice", MODERATORS),
    "unpublish": (S.PUBLISHED, "practices.unpublish_practice", MODERATORS),
    "restore": (S.ARCHIVED, "practices.restore_practice", MODERATORS),
    "recommend": (S.PUBLISHED, "practices.recommend_practice", MODERATORS),
    "delete_draft": (S.DRAFT, "practices.delete_practice", EDITORS | MODERATORS),
    "delete_published": (S.PUBLISHED, "practices.delete_practice", MODERATORS),
}
GLOBAL_ACTIONS = {
    "create": ("practices.create_practice", EVERYONE - {"anonymous"}),
    "moderation_queue": ("practices.moderation_queue", MODERATORS),
    "manage_topics": ("practices.manage_topics", MODERATORS),
}


def make_user(role, practice=None):
    """A user in `role` towards `practice` (whose first organisation link is its authoring ТОС and second its
    partner)."""
    links = list(practice.organization_links.order_by("pk")) if practice is not None else []
    if role == "anonymous":
        return AnonymousUser()
    if role == "author":
        return practice.author
    if role in ("org_chair", "org_staff", "org_member"):
        return member_of(links[0].organization, role.removeprefix("org_"))
    if role == "partner_chair":
        return member_of(links[1].organization, MembershipRole.CHAIR)
    if role == "tos_moderator":
        return member_of(OrganizationFactory(kind=OrganizationKind.TOS), MembershipRole.MODERATOR)
    if role == "association_moderator":
        return association_moderator()
    if role == "platform_moderator":
        return UserFactory(is_staff=True)
    if role == "superuser":
        return UserFactory(is_staff=True, is_superuser=True)
    return UserFactory()


def practice_in(status):
    practice = PracticeFactory(status=status)
    PracticeOrganizationFactory(practice=practice, role="author")
    PracticeOrganizationFactory(practice=practice, role="partner")
    return practice


MATRIX = [(role, action, role in ACTIONS[action][2]) for action in ACTIONS for role in ROLES]
IDS = [f"{action}-{role}-{'allowed' if allowed else 'denied'}" for role, action, allowed in MATRIX]


@pytest.mark.parametrize(("role", "action", "allowed"), MATRIX, ids=IDS)
def test_rules(role, action, allowed):
    status, permission, _who = ACTIONS[action]
    practice = practice_in(status)
    assert make_user(role, practice).has_perm(permission, practice) is allowed


GLOBAL_MATRIX = [(role, action, role in GLOBAL_ACTIONS[action][1]) for action in GLOBAL_ACTIONS for role in ROLES]


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    GLOBAL_MATRIX,
    ids=[f"{a}-{r}-{'allowed' if ok else 'denied'}" for r, a, ok in GLOBAL_MATRIX],
)
def test_rules_without_an_object(role, action, allowed):
    permission, _who = GLOBAL_ACTIONS[action]
    assert make_user(role, practice_in(S.DRAFT)).has_perm(permission) is allowed


# --- the services enforce the same matrix ------------------------------------------------------------------

SERVICE_CALLS = {
    "edit_draft": lambda p, u: services.practice_update(practice=p, actor=u, summary="Иначе", now=NOW),
    "submit": lambda p, u: services.practice_submit(practice=p, actor=u, now=NOW),
    "withdraw": lambda p, u: services.practice_withdraw(practice=p, actor=u, now=NOW),
    "resubmit": lambda p, u: services.practice_resubmit(practice=p, actor=u, now=NOW),
    "publish": lambda p, u: services.practice_publish(practice=p, actor=u, now=NOW),
    "return": lambda p, u: services.practice_return(practice=p, actor=u, comment="Уточните", now=NOW),
    "reject": lambda p, u: services.practice_reject(practice=p, actor=u, comment="Не практика", now=NOW),
    "unpublish": lambda p, u: services.practice_unpublish(practice=p, actor=u, comment="Устарело", now=NOW),
    "restore": lambda p, u: services.practice_restore(practice=p, actor=u, now=NOW),
    "recommend": lambda p, u: services.practice_recommend(practice=p, actor=u, note="Образец", now=NOW),
    "delete_draft": lambda p, u: services.practice_delete(practice=p, actor=u, now=NOW),
    "delete_published": lambda p, u: services.practice_delete(practice=p, actor=u, now=NOW),
}
SERVICE_MATRIX = [(role, action, role in ACTIONS[action][2]) for action in SERVICE_CALLS for role in ROLES]


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    SERVICE_MATRIX,
    ids=[f"{a}-{r}-{'allowed' if ok else 'denied'}" for r, a, ok in SERVICE_MATRIX],
)
def test_services(role, action, allowed):
    status = ACTIONS[action][0]
    practice = practice_in(status)
    user = make_user(role, practice)
    if allowed:
        SERVICE_CALLS[action](practice, user)
    else:
        with pytest.raises(PermissionDenied):
            SERVICE_CALLS[action](practice, user)
        assert Practice.objects.get(pk=practice.pk).status == status


# --- the SQL filter agrees with the rule ------------------------------------------------------------------

VISIBILITY = [(role, status) for status in S.values for role in ROLES]


@pytest.mark.parametrize(("role", "status"), VISIBILITY, ids=[f"{s}-{r}" for r, s in VISIBILITY])
def test_practice_visible_to_agrees_with_the_view_rule(role, status):
    practice = practice_in(status)
    PracticeFactory(status=status)  # another one, no relation to the user
    user = make_user(role, practice)
    expected = {p.pk for p in Practice.objects.all() if user.has_perm("practices.view_practice", p)}
    assert set(practice_visible_to(user).values_list("pk", flat=True)) == expected
    assert (practice.pk in expected) is (role in ACTIONS["view_draft"][2] or status == S.PUBLISHED)


# --- finer points -----------------------------------------------------------------------------------------


def test_a_moderator_does_not_moderate_a_practice_they_wrote():
    curator = association_moderator()
    practice = PracticeFactory(status=S.ON_MODERATION, author=curator)
    assert not curator.has_perm("practices.publish_practice", practice)
    assert not curator.has_perm("practices.recommend_practice", practice)
    assert curator.has_perm("practices.withdraw_practice", practice)


def test_an_inactive_membership_gives_no_rights():
    practice = practice_in(S.DRAFT)
    membership = MembershipFactory(
        organization=practice.organization_links.first().organization, role=MembershipRole.CHAIR, is_active=False
    )
    assert not membership.user.has_perm("practices.view_practice", practice)
    assert not membership.user.has_perm("practices.change_practice", practice)
    assert practice.pk not in set(practice_visible_to(membership.user).values_list("pk", flat=True))


def test_a_deactivated_account_loses_its_rights():
    practice = practice_in(S.DRAFT)
    author = practice.author
    author.is_active = False
    author.save()
    assert not author.has_perm("practices.change_practice", practice)


def test_a_moderator_role_outside_associations_does_not_curate():
    ngo_moderator = member_of(OrganizationFactory(kind=OrganizationKind.NGO), MembershipRole.MODERATOR)
    assert not ngo_moderator.has_perm("practices.publish_practice", practice_in(S.ON_MODERATION))
    international = OrganizationFactory(kind=OrganizationKind.ASSOCIATION_INTERNATIONAL)
    curator = member_of(international, MembershipRole.MODERATOR)
    assert curator.has_perm("practices.publish_practice", practice_in(S.ON_MODERATION))


def test_the_moves_a_page_offers():
    practice = practice_in(S.ON_MODERATION)
    assert [t.name for t in allowed_moves(practice.author, practice)] == ["withdraw"]
    assert [t.name for t in allowed_moves(UserFactory(is_staff=True), practice)] == ["publish", "return", "reject"]
    assert allowed_moves(AnonymousUser(), practice) == []


# --- adoptions --------------------------------------------------------------------------------------------

ADOPTER_ROLES = {
    "adopter_chair": True,
    "adopter_staff": True,
    "adopter_member": True,
    "adopter_expert": False,
    "adopter_moderator_role": False,
    "adopter_inactive_member": False,
    "plain_user": False,
    "anonymous": False,
    "platform_moderator": False,
    "superuser": True,
}


def adopter_user(role, adopter):
    if role.startswith("adopter_"):
        name = role.removeprefix("adopter_")
        if name == "inactive_member":
            return MembershipFactory(organization=adopter, role=MembershipRole.MEMBER, is_active=False).user
        return member_of(adopter, {"moderator_role": MembershipRole.MODERATOR}.get(name, name))
    return make_user(role)


@pytest.mark.parametrize(("role", "allowed"), list(ADOPTER_ROLES.items()), ids=list(ADOPTER_ROLES))
def test_who_records_an_adoption(role, allowed):
    adopter = OrganizationFactory(kind=OrganizationKind.TOS, status=OrganizationStatus.ACTIVE)
    practice = practice_in(S.PUBLISHED)
    user = adopter_user(role, adopter)
    assert user.has_perm("practices.record_adoption", adopter) is allowed

    def record():
        return services.adoption_record(
            practice=practice, organization=adopter, actor=user, adopted_on=datetime.date(2024, 3, 1), now=NOW
        )

    if allowed:
        assert record().organization == adopter
    else:
        with pytest.raises(PermissionDenied):
            record()


DELETERS = {
    "recorder": True,
    "adopter_chair": True,
    "adopter_staff": True,
    "adopter_member": False,
    "plain_user": False,
    "anonymous": False,
    "association_moderator": True,
    "platform_moderator": True,
    "superuser": True,
}


@pytest.mark.parametrize(("role", "allowed"), list(DELETERS.items()), ids=list(DELETERS))
def test_who_changes_or_deletes_an_adoption(role, allowed):
    adopter = OrganizationFactory(kind=OrganizationKind.TOS, status=OrganizationStatus.ACTIVE)
    recorder = member_of(adopter)
    adoption = AdoptionFactory(organization=adopter, created_by=recorder)
    user = recorder if role == "recorder" else adopter_user(role, adopter)
    assert user.has_perm("practices.change_adoption", adoption) is allowed
    assert user.has_perm("practices.delete_adoption", adoption) is allowed
    if allowed:
        services.adoption_delete(adoption=adoption, actor=user, now=NOW)
    else:
        with pytest.raises(PermissionDenied):
            services.adoption_delete(adoption=adoption, actor=user, now=NOW)
