import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localbridge.accounts import services
from localbridge.accounts.models import ApiToken, User
from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def user(client):
    person = UserFactory(full_name="Анна Петрова", phone="+7 900 123-45-67", birth_year=1980)
    client.force_login(person)
    return person


# --- profile -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["accounts:profile", "accounts:tokens", "accounts:data"])
def test_account_pages_need_a_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_shows_the_persons_own_data_and_links_to_the_other_account_pages(client, user):
    html = client.get(reverse("accounts:profile")).content.decode()
    assert user.email in html and "+7 900 123-45-67" in html and "1980" in html
    for name in ("accounts:tokens", "accounts:data", "organizations:my", "account_email", "account_change_password"):
        assert f'href="{reverse(name)}"' in html


def test_profile_edit_saves(client, user):
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Анна Сидорова", "phone": "", "birth_year": "1981", "about": ""}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.birth_year) == ("Анна Сидорова", "", 1981)


def test_a_year_of_birth_in_the_future_is_shown_beside_the_field_and_nothing_is_saved(client, user):
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Другое Имя", "phone": "", "birth_year": "2999", "about": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_birth_year_error"' in html
    assert "The year of birth cannot be in the future." in html
    assert 'aria-invalid="true"' in html
    user.refresh_from_db()
    assert user.full_name == "Анна Петрова"


def test_a_bad_phone_is_shown_beside_the_field(client, user):
    response = client.post(reverse("accounts:profile"), {"full_name": "Анна", "phone": "позвоните мне"})
    assert 'id="id_phone_error"' in response.content.decode()


# --- tokens ----------------------------------------------------------------------------------------------------


def test_creating_a_token_shows_the_secret_once(client, user):
    response = client.post(reverse("accounts:tokens"), {"name": "Скрипт"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    secret = response.context["new_token"]["secret"]
    assert secret.startswith(token.prefix + "_")
    assert secret in response.content.decode()
    again = client.get(reverse("accounts:tokens")).content.decode()
    assert "Скрипт" in again and token.prefix in again
    assert secret not in again


def test_a_token_without_a_name_shows_the_error_beside_the_field(client, user):
    response = client.post(reverse("accounts:tokens"), {"name": ""})
    assert 'id="id_name_error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_from_the_page(client, user):
    token, _ = services.token_create(user=user, actor=user, name="CI")
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoking_someone_elses_token_is_not_found(client, user):
    other = UserFactory()
    token, _ = services.token_create(user=other, actor=other, name="чужой")
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_post(client, user):
    token, _ = services.token_create(user=user, actor=user, name="CI")
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_tokens_page_makes_the_same_number_of_queries_for_few_and_many_tokens(
    client, user, django_assert_num_queries
):
    services.token_create(user=user, actor=user, name="t0")
    baseline = _queries(client, reverse("accounts:tokens"))
    for n in range(1, 15):
        services.token_create(user=user, actor=user, name=f"t{n}")
    with django_assert_num_queries(baseline):
        assert client.get(reverse("accounts:tokens")).status_code == 200


# --- the person's data -------------------------------------------------------------------------------------------


def test_the_data_page_offers_download_and_deletion(client, user):
    html = client.get(reverse("accounts:data")).content.decode()
    assert f'action="{reverse("accounts:data_download")}"' in html
    assert f'action="{reverse("accounts:delete")}"' in html
    assert 'for="id_password"' in html


def test_download_gives_a_json_attachment_of_the_persons_data(client, user):
    response = client.post(reverse("accounts:data_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="localbridge-account-')
    data = json.loads(response.content)
    assert data["profile"]["email"] == user.email
    assert data["profile"]["full_name"] == "Анна Петрова"


def test_download_needs_post(client, user):
    assert client.get(reverse("accounts:data_download")).status_code == 405


def test_delete_with_a_wrong_password_shows_the_error_and_keeps_the_account(client, user):
    response = client.post(reverse("accounts:delete"), {"password": "not my password", "confirm": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_password_error"' in html and "The password is not correct." in html
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_needs_the_confirmation_box(client, user):
    response = client.post(reverse("accounts:delete"), {"password": TEST_PASSWORD})
    assert 'id="id_confirm_error"' in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_with_the_password_deletes_the_account_and_logs_out(client, user):
    response = client.post(reverse("accounts:delete"), {"password": TEST_PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("site:home")
    assert not User.objects.filter(pk=user.pk).exists()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_guessing_the_password_through_the_delete_form_is_rate_limited(client, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reauthenticate": "3/m/user"}
    for _ in range(3):
        client.post(reverse("accounts:delete"), {"password": "guess", "confirm": "on"})
    response = client.post(reverse("accounts:delete"), {"password": TEST_PASSWORD, "confirm": "on"})
    assert "Too many attempts" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
