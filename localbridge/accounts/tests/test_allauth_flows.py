"""Sign-up, e-mail confirmation, log in and out, password reset and change, e-mail management: django-allauth's
flows as LocalBridge configures them, and its pages in the site's layout."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from localbridge.accounts.models import User
from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase-77"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _link(message: str) -> str:
    match = re.search(r"https?://testserver(/\S+)", message)
    assert match, message
    return match.group(1)


def _sign_up(client, email="anna@example.org", full_name="Анна Петрова"):
    return client.post(
        reverse("account_signup"),
        {"full_name": full_name, "email": email, "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
    )


def test_sign_up_asks_for_the_full_name_and_sends_a_confirmation(client):
    response = _sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="anna@example.org")
    assert user.full_name == "Анна Петрова"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna@example.org"]
    assert mail.outbox[0].subject.startswith("[LocalBridge] ")
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_sign_up_without_a_name_shows_the_error_beside_the_field(client):
    response = _sign_up(client, full_name="  ")
    assert response.status_code == 200
    assert 'id="id_full_name_error"' in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_refuses_a_weak_password_beside_the_field(client):
    response = client.post(
        reverse("account_signup"),
        {"full_name": "Анна", "email": "anna@example.org", "password1": "12345678", "password2": "12345678"},
    )
    assert 'id="id_password1_error"' in response.content.decode()
    assert not User.objects.exists()


def test_an_unconfirmed_address_cannot_log_in_and_the_confirmation_link_logs_in(client):
    _sign_up(client)
    client.logout()
    response = client.post(reverse("account_login"), {"login": "anna@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    confirm_url = _link(mail.outbox[-1].body)
    page = client.get(confirm_url)
    assert page.status_code == 200  # a page with a button: mail scanners that follow links confirm nothing
    assert not EmailAddress.objects.get(email="anna@example.org").verified
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="anna@example.org").verified


def test_log_in_and_log_out(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused_with_a_message_on_the_form(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()


def test_password_reset_by_e_mail(client):
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    key_url = _link(mail.outbox[-1].body)
    response = client.get(key_url, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else key_url
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_does_not_reveal_whether_an_address_is_registered(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_with_a_wrong_old_password_shows_the_error_beside_the_field(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert 'id="id_oldpassword_error"' in response.content.decode()


def test_adding_an_e_mail_address_sends_a_confirmation(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "second@example.org"})
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=user, email="second@example.org", verified=False).exists()
    assert mail.outbox[-1].to == ["second@example.org"]


@pytest.mark.parametrize(
    "name", ["account_login", "account_signup", "account_reset_password", "account_reset_password_done"]
)
def test_entrance_pages_use_the_site_layout(client, name):
    html = client.get(reverse(name)).content.decode()
    assert 'class="skip-link"' in html and 'id="main"' in html  # base.html
    assert "accounts/accounts.css" in html
    assert "<title>" in html and "Menu:" not in html  # not allauth's bare layout


@pytest.mark.parametrize("name", ["account_email", "account_change_password"])
def test_management_pages_use_the_site_layout_with_the_account_menu(client, name):
    client.force_login(UserFactory())
    html = client.get(reverse(name)).content.decode()
    assert 'class="skip-link"' in html
    assert 'class="account-nav"' in html
    assert f'href="{reverse("accounts:tokens")}"' in html


def test_allauth_pages_are_in_russian_by_default(client, settings):
    settings.LANGUAGE_CODE = "ru"
    html = client.get(reverse("account_login")).content.decode()
    assert 'lang="ru"' in html
    assert "Войти" in html


def test_allauth_names_people_by_name_not_by_e_mail(client):
    user = UserFactory(full_name="Анна Петрова")
    response = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("Анна Петрова" in m for m in messages), messages
    assert not any(user.email in m for m in messages)
