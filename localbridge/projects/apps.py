from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "localbridge.projects"
    verbose_name = _("Projects under public control")

    def ready(self) -> None:
        from . import panels, rules  # noqa: F401  (rules registers the permissions)

        panels.register()  # the organisation page's "Projects" section (core/panels.py)
