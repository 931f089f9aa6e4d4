"""ensure_admin: one superuser with a saved random password, printed on every run, verified e-mail."""

import io
import stat

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from localbridge.accounts.models import User

pytestmark = pytest.mark.django_db

EMAIL = "admin@localbridge.local"


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def run() -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("ensure_admin", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def printed_password(output: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith("Admin: "))
    email, password = line.removeprefix("Admin: ").split(" / ")
    assert email == EMAIL
    return password


def test_creates_a_superuser_with_a_random_password_saved_with_mode_600(var_dir):
    password = printed_password(run())
    user = User.objects.get(email=EMAIL)
    assert user.is_superuser and user.is_staff and user.is_active
    assert user.check_password(password)
    assert len(password) >= 20
    saved = var_dir / "admin-password.txt"
    assert saved.read_text().strip() == password
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600


def test_the_admin_email_is_verified_and_primary(var_dir, client):
    password = printed_password(run())
    address = EmailAddress.objects.get(user__email=EMAIL)
    assert address.verified and address.primary
    response = client.post("/accounts/login/", {"login": EMAIL, "password": password})
    assert response.status_code == 302
    assert "/accounts/confirm-email/" not in response["Location"]


def test_a_second_run_creates_nothing_and_prints_the_same_password(var_dir):
    first = printed_password(run())
    second = printed_password(run())
    assert first == second
    assert User.objects.filter(email=EMAIL).count() == 1
    assert EmailAddress.objects.filter(email=EMAIL).count() == 1


def test_a_lost_password_file_resets_the_password(var_dir):
    first = printed_password(run())
    (var_dir / "admin-password.txt").unlink()
    second = printed_password(run())
    assert second != first
    assert User.objects.get(email=EMAIL).check_password(second)
    assert (var_dir / "admin-password.txt").read_text().strip() == second


def test_a_password_changed_in_the_site_is_not_overwritten(var_dir):
    run()
    user = User.objects.get(email=EMAIL)
    user.set_password("chosen-by-the-admin-2024")
    user.save()
    output = run()
    assert User.objects.get(email=EMAIL).check_password("chosen-by-the-admin-2024")
    assert "changed in the site" in output


def test_a_fresh_database_reuses_the_saved_password(var_dir):
    var_dir.mkdir(parents=True)
    (var_dir / "admin-password.txt").write_text("kept-from-before-42\n")
    assert printed_password(run()) == "kept-from-before-42"
    assert User.objects.get(email=EMAIL).check_password("kept-from-before-42")
