from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "localbridge.contests"
    verbose_name = _("Contests and grants")

    def ready(self) -> None:
        from . import notifications, rules, sources  # noqa: F401  (rules registers the permissions)

        notifications.connect()
        sources.register()  # a vote's "From a contest" projects (core/sources.py)
