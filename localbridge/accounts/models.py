import hashlib
import secrets
from datetime import datetime

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from localbridge.core.models import TimeStampedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person using the platform. Signs in with e-mail; personal data (e-mail, phone, birth year) is shown
    only to the person and to staff who need it."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    about = models.TextField(_("about me"), blank=True, max_length=2000)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        # str(user) ends up in pages, e-mails and logs: it is the display name, never the e-mail address.
        return self.display_name

    @property
    def display_name(self) -> str:
        """What others may see: the name, never the e-mail address."""
        return self.full_name or _("User #%(id)s") % {"id": self.pk}

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


def user_display(user: User) -> str:
    """allauth's ACCOUNT_USER_DISPLAY: how allauth names a user in its pages and e-mails."""
    return str(user.display_name)


class ApiToken(TimeStampedModel):
    """A personal API token. Only a hash is stored; the secret is shown once, when the token is made."""

    PREFIX = "lb_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    key_id = models.CharField(_("key id"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.PREFIX}{self.key_id}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def prefix(self) -> str:
        """The public start of the token string, to recognise a token without its secret."""
        return f"{self.PREFIX}{self.key_id}"

    @staticmethod
    def hash_secret(secret: str) -> str:
        # Tokens are 256-bit random values, so a fast hash is enough (no dictionary to attack).
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def generate(cls) -> tuple[str, str, str]:
        """A new (key_id, secret, full token string)."""
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        return key_id, secret, f"{cls.PREFIX}{key_id}_{secret}"

    # "Last used" is precise to this many seconds: a client calling the API in a loop does not write a row per call.
    TOUCH_INTERVAL_SECONDS = 60

    def touch(self, now: datetime | None = None) -> None:
        now = now or timezone.now()
        if self.last_used_at is not None and (now - self.last_used_at).total_seconds() < self.TOUCH_INTERVAL_SECONDS:
            return
        ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
        self.last_used_at = now
