from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "localbridge.indicators"
    verbose_name = _("Indicators, ratings and open data")

    def ready(self) -> None:
        from . import panels, rules  # noqa: F401  (rules registers the permissions)

        panels.register()  # the territories municipality page's link to its indicators (core/panels.py)
