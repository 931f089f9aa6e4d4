"""Who sees a person's personal data (e-mail, phone, year of birth), and who may act on their account."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser, Permission

from localbridge.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return UserFactory()


def _viewer(kind: str, person):
    if kind == "self":
        return person
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "other":
        return UserFactory()
    if kind == "superuser":
        return UserFactory(is_staff=True, is_superuser=True)
    if kind == "staff_with_view_user":
        staff = UserFactory(is_staff=True)
        staff.user_permissions.add(Permission.objects.get(codename="view_user", content_type__app_label="accounts"))
        return type(staff).objects.get(pk=staff.pk)  # fresh permission cache
    if kind == "staff_without_permission":
        return UserFactory(is_staff=True)
    if kind == "inactive_superuser":
        return UserFactory(is_staff=True, is_superuser=True, is_active=False)
    raise AssertionError(kind)


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        ("self", True),
        ("superuser", True),
        ("staff_with_view_user", True),
        ("anonymous", False),
        ("other", False),
        ("staff_without_permission", False),
        ("inactive_superuser", False),
    ],
)
def test_who_may_view_personal_data(person, kind, allowed):
    viewer = _viewer(kind, person)
    assert rules.has_perm("accounts.view_personal_data", viewer, person) is allowed
    assert viewer.has_perm("accounts.view_personal_data", person) is allowed


@pytest.mark.parametrize(
    ("permission", "kind", "allowed"),
    [
        ("accounts.change_profile", "self", True),
        ("accounts.change_profile", "superuser", True),
        ("accounts.change_profile", "other", False),
        ("accounts.manage_tokens", "self", True),
        ("accounts.manage_tokens", "superuser", False),
        ("accounts.revoke_token", "superuser", True),
        ("accounts.revoke_token", "other", False),
        ("accounts.export_data", "self", True),
        ("accounts.export_data", "superuser", False),
        ("accounts.delete_account", "self", True),
        ("accounts.delete_account", "superuser", False),
        ("accounts.delete_account", "anonymous", False),
    ],
)
def test_who_may_act_on_an_account(person, permission, kind, allowed):
    assert rules.has_perm(permission, _viewer(kind, person), person) is allowed


def test_str_of_a_user_is_the_display_name_never_the_e_mail():
    named = UserFactory(full_name="Анна Петрова")
    unnamed = UserFactory(full_name="")
    assert str(named) == "Анна Петрова"
    assert str(unnamed) == unnamed.display_name
    assert unnamed.email not in str(unnamed) and str(unnamed.pk) in str(unnamed)
