from datetime import UTC, datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError

from localbridge.accounts import services
from localbridge.accounts.auth import user_for_token
from localbridge.accounts.models import ApiToken, User
from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory
from localbridge.core.audit import audit_record
from localbridge.core.models import AuditEntry

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def _codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


# --- profile -----------------------------------------------------------------------------------------------


def test_profile_update_saves_the_fields_and_audits_their_names_not_values():
    user = UserFactory()
    services.profile_update(
        user=user, actor=user, full_name="  Анна   Петрова ", phone="+7 900 123-45-67", birth_year=1980, about="Хи"
    )
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.birth_year, user.about) == ("Анна Петрова", "+7 900 123-45-67", 1980, "Хи")
    entry = AuditEntry.objects.get(action="profile_update")
    assert entry.actor == user
    assert sorted(entry.data["fields"]) == ["about", "birth_year", "full_name", "phone"]
    assert "+7 900 123-45-67" not in str(entry.data)


def test_profile_update_without_changes_writes_no_audit_row():
    user = UserFactory(full_name="Анна")
    services.profile_update(user=user, actor=user, full_name="Анна")
    assert not AuditEntry.objects.filter(action="profile_update").exists()


def test_birth_year_in_the_future_is_refused():
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.profile_update(user=user, actor=user, full_name="Анна", birth_year=2026, now=NOW)
    assert _codes(error.value) == {"birth_year": ["birth_year_future"]}


def test_birth_year_of_someone_older_than_120_is_refused():
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.profile_update(user=user, actor=user, full_name="Анна", birth_year=1904, now=NOW)
    assert _codes(error.value) == {"birth_year": ["birth_year_too_early"]}


@pytest.mark.parametrize("year", [1905, 2025])
def test_birth_year_at_the_edges_of_the_range_is_accepted(year):
    user = UserFactory()
    services.profile_update(user=user, actor=user, full_name="Анна", birth_year=year, now=NOW)
    user.refresh_from_db()
    assert user.birth_year == year


@pytest.mark.parametrize("phone", ["call me", "12", "+7 (900) 123-45-67-89-00-11-22"])
def test_a_malformed_phone_is_refused(phone):
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.profile_update(user=user, actor=user, full_name="Анна", phone=phone)
    assert _codes(error.value) == {"phone": ["invalid_phone"]}


def test_bad_input_saves_nothing():
    user = UserFactory(full_name="Старое Имя")
    with pytest.raises(ValidationError) as error:
        services.profile_update(user=user, actor=user, full_name="Новое Имя", birth_year=3000, now=NOW)
    assert "birth_year" in error.value.error_dict
    user.refresh_from_db()
    assert user.full_name == "Старое Имя"
    assert not AuditEntry.objects.exists()


def test_an_empty_name_is_refused():
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.profile_update(user=user, actor=user, full_name="   ")
    assert _codes(error.value) == {"full_name": ["required"]}


def test_nobody_else_may_change_a_profile():
    user, other = UserFactory(), UserFactory()
    with pytest.raises(PermissionDenied):
        services.profile_update(user=user, actor=other, full_name="Взлом")


def test_a_platform_admin_may_change_a_profile():
    user, admin = UserFactory(), UserFactory(is_superuser=True, is_staff=True)
    services.profile_update(user=user, actor=admin, full_name="Исправлено")
    user.refresh_from_db()
    assert user.full_name == "Исправлено"


# --- tokens --------------------------------------------------------------------------------------------------


def test_token_create_stores_only_a_hash_and_the_secret_authenticates():
    user = UserFactory()
    token, secret = services.token_create(user=user, actor=user, name="Скрипт отчётов")
    assert secret.startswith(f"lb_{token.key_id}_")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.split("_", 2)[2] not in (stored.key_hash, stored.key_id, stored.name)
    assert user_for_token(secret) == user
    assert AuditEntry.objects.filter(action="token_create", actor=user).exists()


def test_a_revoked_token_no_longer_authenticates():
    user = UserFactory()
    token, secret = services.token_create(user=user, actor=user, name="CI")
    services.token_revoke(token=token, actor=user, now=NOW)
    token.refresh_from_db()
    assert token.revoked_at == NOW
    assert user_for_token(secret) is None


def test_revoking_twice_changes_nothing():
    user = UserFactory()
    token, _ = services.token_create(user=user, actor=user, name="CI")
    services.token_revoke(token=token, actor=user, now=NOW)
    services.token_revoke(token=token, actor=user)
    token.refresh_from_db()
    assert token.revoked_at == NOW
    assert AuditEntry.objects.filter(action="token_revoke").count() == 1


def test_nobody_else_may_revoke_a_token_or_create_one_for_someone():
    user, other = UserFactory(), UserFactory()
    token, _ = services.token_create(user=user, actor=user, name="CI")
    with pytest.raises(PermissionDenied):
        services.token_revoke(token=token, actor=other)
    with pytest.raises(PermissionDenied):
        services.token_create(user=user, actor=other, name="чужой")


def test_even_a_platform_admin_may_not_create_a_token_for_someone_else():
    user, admin = UserFactory(), UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        services.token_create(user=user, actor=admin, name="под чужим именем")


def test_a_token_needs_a_name():
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.token_create(user=user, actor=user, name="  ")
    assert _codes(error.value) == {"name": ["required"]}


def test_the_number_of_active_tokens_is_capped():
    user = UserFactory()
    for n in range(services.MAX_ACTIVE_TOKENS):
        services.token_create(user=user, actor=user, name=f"t{n}")
    with pytest.raises(ValidationError) as error:
        services.token_create(user=user, actor=user, name="one too many")
    assert error.value.code == "too_many_tokens"
    services.token_revoke(token=ApiToken.objects.filter(user=user).first(), actor=user)
    services.token_create(user=user, actor=user, name="after a revocation")


# --- the person's data ---------------------------------------------------------------------------------------


def test_export_holds_profile_addresses_audit_entries_and_token_metadata():
    # Memberships in the export are tested in localbridge/site/tests/test_security.py: accounts' tests may not
    # import organizations, which stands on a higher floor.
    user = UserFactory(phone="+7 900 000-00-00", birth_year=1975, about="Председатель ТОС")
    token, secret = services.token_create(user=user, actor=user, name="Отчёты")
    other = UserFactory()
    audit_record(obj=other, action="something_else", actor=other)

    data = services.account_export_data(user=user, actor=user, now=NOW)

    assert data["format"] == services.EXPORT_FORMAT
    assert data["exported_at"] == NOW.isoformat()
    assert data["profile"]["email"] == user.email
    assert data["profile"]["phone"] == "+7 900 000-00-00"
    assert data["profile"]["birth_year"] == 1975
    assert data["email_addresses"] == [{"email": user.email, "verified": True, "primary": True}]
    assert data["memberships"] == []
    assert [entry["action"] for entry in data["audit_entries"]] == ["token_create"]
    assert data["api_tokens"][0]["name"] == "Отчёты"
    assert data["api_tokens"][0]["prefix"] == f"lb_{token.key_id}"
    assert secret not in str(data) and token.key_hash not in str(data)
    assert AuditEntry.objects.filter(action="data_export", actor=user).exists()


def test_nobody_else_may_export_a_persons_data():
    user, admin = UserFactory(), UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        services.account_export_data(user=user, actor=admin)


def test_account_delete_with_a_wrong_password_deletes_nothing():
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.account_delete(user=user, actor=user, password="wrong password")
    assert _codes(error.value) == {"password": ["wrong_password"]}
    assert User.objects.filter(pk=user.pk).exists()


def test_account_delete_removes_the_user_and_keeps_audit_rows_without_actor():
    user = UserFactory()
    user_pk = user.pk
    services.token_create(user=user, actor=user, name="CI")
    acted = audit_record(obj=user, action="something", actor=user)

    services.account_delete(user=user, actor=user, password=TEST_PASSWORD)

    assert not User.objects.filter(pk=user_pk).exists()
    assert not ApiToken.objects.filter(user_id=user_pk).exists()
    assert not EmailAddress.objects.filter(user_id=user_pk).exists()
    acted.refresh_from_db()
    assert acted.actor is None
    deletion = AuditEntry.objects.get(action="account_delete")
    assert deletion.actor is None and deletion.object_id == str(user_pk) and deletion.data == {}


def test_the_last_platform_admin_cannot_delete_their_account():
    admin = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(ValidationError) as error:
        services.account_delete(user=admin, actor=admin, password=TEST_PASSWORD)
    assert error.value.code == "last_admin"
    UserFactory(is_superuser=True, is_staff=True)
    services.account_delete(user=admin, actor=admin, password=TEST_PASSWORD)
    assert not User.objects.filter(pk=admin.pk).exists()


def test_nobody_else_may_delete_an_account_even_knowing_the_password():
    user, admin = UserFactory(), UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        services.account_delete(user=user, actor=admin, password=TEST_PASSWORD)
