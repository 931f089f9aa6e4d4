from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from localbridge.accounts import services
from localbridge.accounts.models import ApiToken
from localbridge.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/accounts/me"
TOKENS = "/api/v1/accounts/tokens"


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- authentication with a personal token ---------------------------------------------------------------------


def test_a_valid_token_authenticates_and_records_when_it_was_used(client):
    user = UserFactory()
    token, secret = services.token_create(user=user, actor=user, name="CI")
    response = client.get(ME, **bearer(secret))
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "display_name": user.display_name,
    }
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"),  # wrong secret
        lambda s: s.replace("lb_", "xx_", 1),  # wrong prefix
        lambda s: s.split("_", 2)[0] + "_" + s.split("_", 2)[1],  # no secret
        lambda s: "lb_ffffffffffff_" + s.split("_", 2)[2],  # unknown key id
        lambda s: "",
    ],
)
def test_a_wrong_or_malformed_token_is_refused_with_401(client, mangle):
    user = UserFactory()
    _, secret = services.token_create(user=user, actor=user, name="CI")
    response = client.get(ME, **bearer(mangle(secret)))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_revoked_token_is_refused(client):
    user = UserFactory()
    token, secret = services.token_create(user=user, actor=user, name="CI")
    services.token_revoke(token=token, actor=user)
    assert client.get(ME, **bearer(secret)).status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(client):
    user = UserFactory()
    _, secret = services.token_create(user=user, actor=user, name="CI")
    user.is_active = False
    user.save()
    assert client.get(ME, **bearer(secret)).status_code == 401


def test_last_used_is_written_at_most_once_a_minute():
    user = UserFactory()
    token, _ = services.token_create(user=user, actor=user, name="CI")
    first = timezone.now()
    token.touch(now=first)
    token.touch(now=first + timedelta(seconds=30))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    token.touch(now=first + timedelta(seconds=61))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first + timedelta(seconds=61)


def test_me_needs_authentication(client):
    assert client.get(ME).status_code == 401


# --- the tokens endpoints --------------------------------------------------------------------------------------


def test_list_tokens_returns_metadata_never_secrets(client):
    user = UserFactory()
    services.token_create(user=user, actor=user, name="первый")
    token, secret = services.token_create(user=user, actor=user, name="второй")
    response = client.get(TOKENS, **bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["name"] for item in body["items"]] == ["второй", "первый"]
    assert body["items"][0]["prefix"] == f"lb_{token.key_id}"
    assert secret.split("_", 2)[2] not in response.content.decode()
    assert "key_hash" not in body["items"][0]


def test_list_shows_only_ones_own_tokens(client):
    user, other = UserFactory(), UserFactory()
    services.token_create(user=other, actor=other, name="чужой")
    client.force_login(user)
    assert client.get(TOKENS).json() == {"items": [], "count": 0}


def test_create_a_token_with_a_session_returns_the_secret_once(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(TOKENS, {"name": "Импорт"}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Импорт" and body["token"].startswith(body["prefix"] + "_")
    assert client.get(ME, **bearer(body["token"])).json()["id"] == user.pk
    listed = client.get(TOKENS).json()["items"][0]
    assert "token" not in listed


def test_create_with_an_empty_name_gives_a_json_error_with_a_code(client):
    client.force_login(UserFactory())
    response = client.post(TOKENS, {"name": " "}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "required"
    assert response.json()["errors"][0]["field"] == "name"


def test_a_token_cannot_mint_new_tokens(client):
    user = UserFactory()
    _, secret = services.token_create(user=user, actor=user, name="CI")
    response = Client().post(TOKENS, {"name": "more"}, content_type="application/json", **bearer(secret))
    assert response.status_code == 401
    assert ApiToken.objects.filter(user=user).count() == 1


def test_creating_a_token_with_a_session_needs_the_csrf_token():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(TOKENS, {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_delete_revokes_ones_own_token(client):
    user = UserFactory()
    token, secret = services.token_create(user=user, actor=user, name="CI")
    response = client.delete(f"{TOKENS}/{token.pk}", **bearer(secret))
    assert response.status_code == 204
    assert client.get(ME, **bearer(secret)).status_code == 401


def test_delete_of_someone_elses_token_is_not_found(client):
    user, other = UserFactory(), UserFactory()
    token, other_secret = services.token_create(user=other, actor=other, name="чужой")
    client.force_login(user)
    response = client.delete(f"{TOKENS}/{token.pk}")
    assert response.status_code == 404
    assert client.get(ME, **bearer(other_secret)).status_code == 200
