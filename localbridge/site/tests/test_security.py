"""The security baseline every module inherits (docs/security.md): password hashing, CSRF, security headers and
the Content-Security-Policy, the production configuration, error pages, and a person's own data."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from localbridge.accounts import services as account_services
from localbridge.accounts.models import User
from localbridge.accounts.tests.factories import TEST_PASSWORD, UserFactory
from localbridge.core.audit import audit_record
from localbridge.core.models import AuditEntry
from localbridge.organizations.models import Membership
from localbridge.organizations.tests.factories import MembershipFactory

REPO = Path(django_settings.BASE_DIR)
GOOD_SECRET = "k" * 20 + "-production-secret-for-the-settings-test-" + "q" * 20


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


# --- passwords -----------------------------------------------------------------------------------------------


@pytest.mark.real_hasher
@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(client):
    assert UserFactory().password.startswith("argon2")
    client.post(
        reverse("account_signup"),
        {"full_name": "Анна", "email": "new@example.org", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
    )
    assert User.objects.get(email="new@example.org").password.startswith("argon2")


# --- CSRF ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "logged_in", "data"),
    [
        ("account_login", False, {"login": "a@example.org", "password": "x"}),
        ("account_signup", False, {"email": "a@example.org"}),
        ("account_reset_password", False, {"email": "a@example.org"}),
        ("set_language", False, {"language": "en"}),
        ("account_logout", True, {}),
        ("account_change_password", True, {"oldpassword": "x"}),
        ("account_email", True, {"action_add": "", "email": "b@example.org"}),
        ("accounts:profile", True, {"full_name": "Взлом"}),
        ("accounts:tokens", True, {"name": "чужой"}),
        ("accounts:data_download", True, {}),
        ("accounts:delete", True, {"password": TEST_PASSWORD, "confirm": "on"}),
    ],
)
def test_a_form_posted_without_the_csrf_token_is_refused_with_403(url_name, logged_in, data):
    client = Client(enforce_csrf_checks=True)
    user = UserFactory(full_name="Анна")
    if logged_in:
        client.force_login(user)
    response = client.post(reverse(url_name), data)
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.full_name == "Анна"


@pytest.mark.django_db
def test_the_csrf_failure_page_is_the_sites_own_translated_page_without_inline_styles(settings):
    settings.LANGUAGE_CODE = "en"
    response = Client(enforce_csrf_checks=True).post(reverse("account_login"), {"login": "a@example.org"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form could not be accepted" in html
    assert "<style" not in html and " style=" not in html


@pytest.mark.django_db
def test_the_same_form_with_the_csrf_token_is_accepted():
    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("accounts:profile"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(reverse("accounts:profile"), {"full_name": "Анна", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


# --- headers -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/api/v1/territories/regions/", "/no-such-page/"])
def test_pages_carry_the_security_headers(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_site_pages_have_no_inline_scripts_or_style_attributes(client):
    client.force_login(UserFactory())
    for url in ["/", reverse("accounts:profile"), reverse("accounts:tokens"), reverse("accounts:data")]:
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url


@pytest.mark.django_db
def test_the_api_docs_load_their_scripts_from_static_files_under_the_csp(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts if "src=" in attrs]
    assert sources == ["/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui-init.js"]
    for attrs, _body in scripts:
        assert "src=" in attrs or 'type="application/json"' in attrs, "an inline script would be blocked"
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source
    assert client.get("/api/v1/openapi.json").status_code == 200


# --- the production configuration -----------------------------------------------------------------------------


def _run_production(tmp_path, code_or_args, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "localbridge.settings",
            "LOCALBRIDGE_ENV": "production",
            "LOCALBRIDGE_VAR_DIR": str(tmp_path),
            "PYTHONPATH": str(REPO),
        }
    )
    env.update(env_overrides)
    args = [sys.executable, "-c", code_or_args] if isinstance(code_or_args, str) else [sys.executable, *code_or_args]
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_production_refuses_the_development_secret_key(tmp_path):
    result = _run_production(tmp_path, "import django; django.setup()")
    assert result.returncode != 0
    assert "Production refuses to start with the development secret key" in result.stderr


def test_production_refuses_a_short_secret_key(tmp_path):
    result = _run_production(tmp_path, "import django; django.setup()", SECRET_KEY="short")
    assert result.returncode != 0
    assert "secret key" in result.stderr


def test_production_refuses_debug(tmp_path):
    result = _run_production(tmp_path, "import django; django.setup()", SECRET_KEY=GOOD_SECRET, DEBUG="1")
    assert result.returncode != 0
    assert "Production refuses to start with DEBUG on" in result.stderr


def test_check_deploy_is_clean_in_production(tmp_path):
    result = _run_production(
        tmp_path,
        [str(REPO / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="localbridge.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_has_secure_cookies_hsts_and_no_debug(tmp_path):
    names = [
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "EMAIL_BACKEND",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = _run_production(tmp_path, code, SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="localbridge.example.org")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and values["SECURE_HSTS_PRELOAD"] is True
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


# --- error pages -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_person_without_the_right_role_gets_a_translated_403_page_not_a_crash(client):
    client.force_login(UserFactory())
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/admin/", follow=True)  # /admin/login/ refuses
    assert response.status_code == 403
    html = response.content.decode()
    assert "Access denied" in html and 'lang="en"' in html and 'class="skip-link"' in html
    with translation.override("en"):
        assert "Access denied" in render_to_string("403.html")


@pytest.mark.django_db
def test_a_missing_page_gets_the_404_page_in_the_site_layout(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'class="skip-link"' in response.content.decode()


def test_the_500_page_renders_without_a_request_or_database():
    with translation.override("en"):
        html = render_to_string("500.html")
    assert "Server error" in html and 'lang="en"' in html


# --- a person's own data, across modules ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_data_export_lists_memberships_and_roles():
    user = UserFactory()
    membership = MembershipFactory(user=user, role="chair", title="Председатель")
    MembershipFactory(role="staff")  # someone else's
    data = account_services.account_export_data(user=user, actor=user)
    assert [(m["organization_id"], m["role"], m["title"]) for m in data["memberships"]] == [
        (membership.organization_id, "chair", "Председатель")
    ]
    assert data["memberships"][0]["organization"] == membership.organization.name


@pytest.mark.django_db
def test_the_data_download_page_includes_memberships(client):
    user = UserFactory()
    MembershipFactory(user=user, role="member")
    client.force_login(user)
    data = json.loads(client.post(reverse("accounts:data_download")).content)
    assert [m["role"] for m in data["memberships"]] == ["member"]


@pytest.mark.django_db
def test_deleting_an_account_deletes_memberships_and_keeps_audit_rows_anonymous(client):
    user = UserFactory()
    membership = MembershipFactory(user=user, role="chair")
    entry = audit_record(obj=membership.organization, action="membership_grant", actor=user)
    client.force_login(user)
    response = client.post(reverse("accounts:delete"), {"password": TEST_PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry.refresh_from_db()
    assert entry.actor is None
    assert AuditEntry.objects.filter(action="account_delete", object_id=str(user.pk)).exists()
    assert "_auth_user_id" not in client.session


# --- in a real browser ---------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_api_docs_work_in_chromium_under_the_csp(live_server, page):
    console, scripts = [], []
    page.on("console", lambda message: console.append(message.text))
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock-tag")  # the bundle ran, fetched the schema and rendered it
    assert "LocalBridge API" in page.inner_text(".swagger-ui .info .title")
    assert [line for line in console if "Content Security Policy" in line] == []
    assert scripts and all(url.startswith(f"{live_server.url}/static/") for url in scripts), scripts
