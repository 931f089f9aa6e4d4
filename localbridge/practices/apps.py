from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "localbridge.practices"
    label = "practices"
    verbose_name = _("Best-practice bank")

    def ready(self) -> None:
        from . import panels, search

        panels.register()  # the organisation page's "Practices" section (core/panels.py)
        search.connect()  # keep the search index in step with the bank's events
