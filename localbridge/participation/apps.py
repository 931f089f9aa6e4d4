from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "localbridge.participation"
    verbose_name = _("Resident participation")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the permissions)
