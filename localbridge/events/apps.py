from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "localbridge.events"
    verbose_name = _("Events, the knowledge library and resolutions")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (rules registers the permissions)
