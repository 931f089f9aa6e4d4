"""The open-data catalogue's pages (namespace "opendata", mounted at /opendata/). The addresses are a promise to
everyone who links to or scripts against them: /opendata/<slug>/ (the data dictionary) and
/opendata/<slug>.<csv|xlsx|json> never change for a dataset."""

from django.urls import path

from . import views_opendata

app_name = "opendata"

urlpatterns = [
    path("", views_opendata.catalogue, name="list"),
    path("<slug:slug>/", views_opendata.dataset, name="dataset"),
    path("<slug:slug>.<str:fmt>", views_opendata.download, name="download"),
]
