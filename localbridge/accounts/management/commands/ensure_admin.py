"""`manage.py ensure_admin`: the platform administrator for a development or demo installation.

Creates (once) the superuser admin@localbridge.local with a random password kept in VAR_DIR/admin-password.txt
(mode 600), and prints "Admin: <email> / <password>" on every run. If the user exists but the file is gone, the
password is reset to a new random one and saved. The e-mail address is marked verified, so that logging in works
with mandatory e-mail verification."""

import os
import secrets
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from localbridge.accounts.models import User

ADMIN_EMAIL = "admin@localbridge.local"
PASSWORD_FILE = "admin-password.txt"  # noqa: S105  (a file name)


def password_file() -> Path:
    return Path(settings.VAR_DIR) / PASSWORD_FILE


def _read_password(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def _write_password(path: Path, password: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    path.chmod(0o600)  # also when the file was there before with other permissions


@transaction.atomic
def admin_ensure(*, email: str = ADMIN_EMAIL, path: Path | None = None) -> tuple[User, str, bool]:
    """The administrator, its saved password, and whether the password was set now. A new administrator gets
    the saved password if there is one (the database was reset), else a random one; an existing one keeps
    theirs while the file is there (a password changed in the site is not overwritten), and gets a new random
    one when the file is gone."""
    path = path or password_file()
    saved = _read_password(path)
    user = User.objects.filter(email=email).first()
    changed = False
    if user is None:
        password = saved or secrets.token_urlsafe(18)
        user = User.objects.create_superuser(email=email, password=password, full_name="Administrator")
        changed = True
    elif saved:
        password = saved
    else:
        password = secrets.token_urlsafe(18)
        user.set_password(password)
        user.save(update_fields=["password"])
        changed = True
    if not (user.is_superuser and user.is_staff and user.is_active):
        user.is_superuser = user.is_staff = user.is_active = True
        user.save(update_fields=["is_superuser", "is_staff", "is_active"])
    if password != saved:
        _write_password(path, password)
    EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user, password, changed


class Command(BaseCommand):
    help = "Create the platform administrator once and print its e-mail and password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", default=ADMIN_EMAIL)

    def handle(self, *args: Any, **options: Any) -> None:
        user, password, _ = admin_ensure(email=options["email"])
        self.stdout.write(f"Admin: {user.email} / {password}")
        if not user.check_password(password):
            self.stderr.write(
                f"The password was changed in the site since; delete {password_file()} to reset it to a new one."
            )
