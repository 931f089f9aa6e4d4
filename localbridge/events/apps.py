from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "localbridge.events"
    verbose_name = _("Events, the knowledge library and resolutions")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (rules registers the permissions)
        from .services.library import connect_library_search

        connect_library_search()  # the library's search scope, kept in step by its services
        from .events_notifications import connect as connect_event_notifications

        connect_event_notifications()  # registrations' and cancellations' e-mails
        from . import panels_resolutions

        panels_resolutions.register()  # the organisation page's "what is asked of it" section (core/panels.py)
