from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "localbridge.organizations"
    label = "organizations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from . import notifications

        notifications.connect()
