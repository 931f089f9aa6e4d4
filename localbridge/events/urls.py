"""Events' pages (namespace "events"). URL names are a contract: templates, tests and other modules' links use
them."""

from django.urls import path

app_name = "events"

urlpatterns: list = []
