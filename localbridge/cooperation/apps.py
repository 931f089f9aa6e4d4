from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "localbridge.cooperation"
    verbose_name = _("Inter-municipal and international cooperation")

    def ready(self) -> None:
        from . import (
            notifications_proposals,
            panels,
            rules,  # noqa: F401  (registers the permissions)
        )

        notifications_proposals.connect()
        panels.register()  # the event page's "In cooperation roadmaps" section (core/panels.py)
