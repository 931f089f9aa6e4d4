"""Indicators' pages (namespace "indicators"). URL names are a contract: templates, tests and other modules'
links use them."""

from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.definition_list, name="list"),
    path("municipality/<int:pk>/", views.municipality_dashboard, name="municipality"),
    path("municipality/<int:pk>/enter/", views.value_entry, name="enter"),
    path("municipality/<int:pk>/values/<int:value_pk>/remove/", views.value_remove, name="value_remove"),
    path("import/", views.values_import, name="import"),
    path("recompute/", views.recompute, name="recompute"),
]
