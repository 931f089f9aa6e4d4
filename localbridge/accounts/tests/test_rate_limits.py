"""Logins and sign-ups are rate-limited, with a lockout after repeated failures (settings.ACCOUNT_RATE_LIMITS)."""

import pytest
from django.urls import reverse

from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED_OUT = "Too many failed login attempts. Try again later."


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client):
    user = UserFactory()
    for _ in range(5):
        response = _log_in(client, user.email, "wrong password")
        assert response.status_code == 200
        assert LOCKED_OUT not in response.content.decode()
    response = _log_in(client, user.email, TEST_PASSWORD)
    assert response.status_code == 200
    assert LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_account_not_for_everyone(client):
    victim, other = UserFactory(), UserFactory()
    for _ in range(5):
        _log_in(client, victim.email, "wrong password")
    response = _log_in(client, other.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_four_failures_then_the_right_password_still_logs_in(client):
    user = UserFactory()
    for _ in range(4):
        _log_in(client, user.email, "wrong password")
    assert _log_in(client, user.email, TEST_PASSWORD).status_code == 302


def test_the_lockout_message_is_translated(client, settings):
    settings.LANGUAGE_CODE = "ru"
    user = UserFactory()
    for _ in range(6):
        response = _log_in(client, user.email, "wrong password")
    html = response.content.decode()
    assert LOCKED_OUT not in html
    assert "Слишком много" in html


def test_sign_up_is_rate_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    for n in range(2):
        client.post(
            reverse("account_signup"),
            {"full_name": "Анна", "email": f"a{n}@example.org", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
        )
        client.logout()
    response = client.post(
        reverse("account_signup"),
        {"full_name": "Анна", "email": "a9@example.org", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()  # templates/429.html, in the site layout
    assert 'class="skip-link"' in response.content.decode()


def test_the_configured_limits_lock_out_after_five_failures_per_account(settings):
    assert "5/15m/key" in settings.ACCOUNT_RATE_LIMITS["login_failed"]
    assert settings.ACCOUNT_RATE_LIMITS["signup"]


# --- the Django admin's login goes through allauth's (rate limits, lockout) ---------------------------------


def test_the_admin_login_sends_anonymous_visitors_to_the_allauth_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_the_admin_refuses_a_logged_in_person_who_is_not_staff_with_403(client):
    client.force_login(UserFactory())
    assert client.get("/admin/login/").status_code == 403


def test_the_admin_lets_staff_in(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200


def test_a_password_posted_to_the_admin_login_is_not_checked_there(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    response = client.post("/admin/login/", {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
