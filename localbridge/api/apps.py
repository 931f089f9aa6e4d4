from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "localbridge.api"
    label = "lb_api"
    verbose_name = "API"
