"""The ТОС permission matrix: each role × each action, allowed and denied — through the rules, the web pages and
the API. One behaviour per case. (docs/organizations-tos.md writes the same matrix down.)"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from localbridge.accounts.services import token_create
from localbridge.accounts.tests.factories import UserFactory
from localbridge.organizations.models import MembershipRole, Organization, OrganizationStatus
from localbridge.organizations.rules import TRANSITION_PERMISSIONS
from localbridge.organizations.tests.factories import MembershipFactory
from localbridge.organizations.tests.tos_support import (
    bring_to,
    chair_of,
    complete_draft,
    fast_password_hashing,  # noqa: F401  (an autouse fixture)
    staff_of,
)
from localbridge.territories.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

S = OrganizationStatus
ROLES = ["anonymous", "plain_user", "chair", "member", "staff_same", "staff_other", "moderator", "superuser"]
# The state each action is tried in, and the state it leads to.
ACTIONS = {
    "view_draft": (S.DRAFT, None),
    "edit": (S.DRAFT, None),
    "submit": (S.DRAFT, S.SUBMITTED),
    "start_review": (S.SUBMITTED, S.UNDER_REVIEW),
    "return": (S.UNDER_REVIEW, S.RETURNED),
    "register": (S.UNDER_REVIEW, S.REGISTERED),
    "refuse": (S.UNDER_REVIEW, S.REFUSED),
}
ALLOWED = {
    "view_draft": {"chair", "member", "staff_same", "moderator", "superuser"},
    # Django lets an active superuser do everything; platform admins manage everything.
    "edit": {"chair", "superuser"},
    "submit": {"chair", "superuser"},
    "start_review": {"staff_same", "superuser"},
    "return": {"staff_same", "superuser"},
    "register": {"staff_same", "superuser"},
    "refuse": {"staff_same", "superuser"},
}
MATRIX = [(role, action, role in ALLOWED[action]) for action in ACTIONS for role in ROLES]
IDS = [f"{role}-{action}-{'allowed' if allowed else 'denied'}" for role, action, allowed in MATRIX]


def _tos_and_user(role: str, status: str) -> tuple[Organization, object]:
    tos = bring_to(complete_draft(), status)
    users = {
        "anonymous": lambda: AnonymousUser(),
        "plain_user": lambda: UserFactory(),
        "chair": lambda: chair_of(tos),
        "member": lambda: MembershipFactory(organization=tos, role=MembershipRole.MEMBER).user,
        "staff_same": lambda: staff_of(tos.municipality),
        "staff_other": lambda: staff_of(MunicipalityFactory()),
        "moderator": lambda: UserFactory(is_staff=True),
        "superuser": lambda: UserFactory(is_staff=True, is_superuser=True),
    }
    return tos, users[role]()


PERMISSIONS = {"view_draft": "organizations.view_organization", "edit": "organizations.change_tos"}
PERMISSIONS.update(TRANSITION_PERMISSIONS)


@pytest.mark.parametrize(("role", "action", "allowed"), MATRIX, ids=IDS)
def test_rules(role, action, allowed):
    tos, user = _tos_and_user(role, ACTIONS[action][0])
    assert user.has_perm(PERMISSIONS[action], tos) is allowed


# --- web ----------------------------------------------------------------------------------------------


def _web(client, user, tos, action):
    if not isinstance(user, AnonymousUser):
        client.force_login(user)
    if action == "view_draft":
        return client.get(reverse("organizations:detail", args=[tos.pk]))
    if action == "edit":
        data = {
            "region": tos.region_id,
            "municipality": tos.municipality_id,
            "name": "ТОС «Переименованный»",
            "territory_name": tos.tos.territory_name,
            "territory_kind": tos.tos.territory_kind,
            "founding_form": tos.tos.founding_form,
        }
        return client.post(reverse("organizations:tos_edit", args=[tos.pk]), data)
    return client.post(
        reverse("organizations:tos_transition", args=[tos.pk, action]), {"comment": "Замечания и причина"}
    )


@pytest.mark.parametrize(("role", "action", "allowed"), MATRIX, ids=IDS)
def test_web(client, role, action, allowed):
    status, target = ACTIONS[action]
    tos, user = _tos_and_user(role, status)
    response = _web(client, user, tos, action)
    tos.refresh_from_db()
    if allowed:
        if action == "view_draft":
            assert response.status_code == 200
            assert tos.name in response.content.decode()
        else:
            assert response.status_code == 302
            assert response["Location"] == reverse("organizations:detail", args=[tos.pk])
            if action == "edit":
                assert tos.name == "ТОС «Переименованный»"
            else:
                assert tos.status == target
    else:
        if role == "anonymous" and action != "view_draft":
            assert response.status_code == 302 and "login" in response["Location"]
        else:
            assert response.status_code in (403, 404)
        assert tos.status == status
        assert tos.name != "ТОС «Переименованный»"


# --- API ----------------------------------------------------------------------------------------------


def _api(client, user, tos, action):
    headers = {}
    if not isinstance(user, AnonymousUser):
        _, secret = token_create(user=user, actor=user, name="tests")
        headers["Authorization"] = f"Bearer {secret}"
    url = f"/api/v1/tos/{tos.pk}"
    if action == "view_draft":
        return client.get(url, headers=headers)
    if action == "edit":
        return client.patch(url, {"name": "ТОС «Переименованный»"}, content_type="application/json", headers=headers)
    path = action.replace("_", "-")
    return client.post(
        f"{url}/{path}", {"comment": "Замечания и причина"}, content_type="application/json", headers=headers
    )


@pytest.mark.parametrize(("role", "action", "allowed"), MATRIX, ids=IDS)
def test_api(client, role, action, allowed):
    status, target = ACTIONS[action]
    tos, user = _tos_and_user(role, status)
    response = _api(client, user, tos, action)
    tos.refresh_from_db()
    if allowed:
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["id"] == tos.pk
        if action == "edit":
            assert body["name"] == tos.name == "ТОС «Переименованный»"
        elif target:
            assert body["status"] == tos.status == target
    else:
        expected = 401 if role == "anonymous" and action != "view_draft" else 403
        assert response.status_code == expected, response.content
        assert response.json()["code"] == ("not_authenticated" if expected == 401 else "permission_denied")
        assert tos.status == status
        assert tos.name != "ТОС «Переименованный»"


# --- the rest of the rules ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.SUBMITTED, S.UNDER_REVIEW, S.REGISTERED, S.REFUSED])
def test_chair_cannot_edit_outside_draft_and_returned(status):
    tos = bring_to(complete_draft(), status)
    assert not chair_of(tos).has_perm("organizations.change_tos", tos)


def test_chair_can_edit_a_returned_registration():
    tos = bring_to(complete_draft(), S.RETURNED)
    assert chair_of(tos).has_perm("organizations.change_tos", tos)


@pytest.mark.parametrize("status", [S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.REFUSED])
def test_non_public_statuses_are_hidden_from_the_public(status):
    tos = bring_to(complete_draft(), status)
    assert not AnonymousUser().has_perm("organizations.view_organization", tos)
    assert not UserFactory().has_perm("organizations.view_organization", tos)


def test_a_registered_tos_is_public():
    tos = bring_to(complete_draft(), S.REGISTERED)
    assert AnonymousUser().has_perm("organizations.view_organization", tos)


def test_an_inactive_member_sees_no_draft():
    tos = complete_draft()
    member = MembershipFactory(organization=tos, role=MembershipRole.MEMBER, is_active=False).user
    assert not member.has_perm("organizations.view_organization", tos)


def test_staff_of_a_non_administration_organisation_is_no_reviewer():
    tos = bring_to(complete_draft(), S.SUBMITTED)
    ngo_staff = MembershipFactory(role=MembershipRole.STAFF, organization__municipality=tos.municipality).user
    assert not ngo_staff.has_perm("organizations.start_review_tos", tos)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("chair", True), ("staff_same", True), ("member", False), ("staff_other", False), ("plain_user", False)],
)
def test_record_legal_entity(role, allowed):
    tos, user = _tos_and_user(role, S.REGISTERED)
    assert user.has_perm("organizations.record_legal_entity", tos) is allowed


def test_review_queue_is_for_municipal_staff():
    tos = complete_draft()
    assert staff_of(tos.municipality).has_perm("organizations.review_queue")
    assert not chair_of(tos).has_perm("organizations.review_queue")
