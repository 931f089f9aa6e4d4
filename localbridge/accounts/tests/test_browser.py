"""Accounts in headless Chromium: the pages pass an axe accessibility check and run under the site's CSP.

Run by `./dev test` (pytest -m browser, with DJANGO_ALLOW_ASYNC_UNSAFE=true for the live server)."""

import re

import pytest
from django.core import mail

from localbridge.accounts.models import User
from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory
from localbridge.core.testing.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_confirm_and_account_pages_are_accessible(page, live_server):
    page.goto(f"{live_server.url}/accounts/signup/")
    assert_accessible(page)
    page.fill("#id_full_name", "Анна Петрова")
    page.fill("#id_email", "anna@example.org")
    page.fill("#id_password1", TEST_PASSWORD)
    page.fill("#id_password2", TEST_PASSWORD)
    page.click("form.form-signup button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    assert_accessible(page)

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    page.goto(f"{live_server.url}{link}")
    assert_accessible(page)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/me/$"))
    assert User.objects.get(email="anna@example.org").emailaddress_set.get().verified

    for path in ["/me/", "/me/tokens/", "/me/data/", "/accounts/email/", "/accounts/password/change/"]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)


def test_errors_beside_fields_are_accessible(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.fill("#id_login", "nobody@example.org")
    page.fill("#id_password", "wrong password")
    page.click("form.form-login button[type=submit]")
    page.wait_for_selector(".errorlist")
    assert_accessible(page)

    page.goto(f"{live_server.url}/accounts/password/reset/")
    assert_accessible(page)


def test_a_new_token_and_the_profile_errors_are_accessible(page, live_server):
    user = UserFactory()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("form.form-login button[type=submit]")
    page.wait_for_url(re.compile(r"/me/$"))

    page.fill("#id_birth_year", "2999")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#id_birth_year_error")
    assert_accessible(page)

    page.goto(f"{live_server.url}/me/tokens/")
    page.fill("#id_name", "Скрипт")
    page.click("main section form button[type=submit]")
    page.wait_for_selector("#new-token-secret")
    assert page.input_value("#new-token-secret").startswith("lb_")
    assert_accessible(page)
