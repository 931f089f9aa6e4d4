from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "localbridge.cooperation"
    verbose_name = _("Inter-municipal and international cooperation")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the permissions)
