"""URL names are a contract: other apps link to territories:region_detail (ISO 3166-2 code) and
territories:municipality_detail (id)."""

from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("", views.region_list, name="region_list"),
    path("export.<str:fmt>", views.region_export, name="region_export"),
    path("countries/", views.country_list, name="country_list"),
    path("countries/export.<str:fmt>", views.country_export, name="country_export"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path("municipalities/export.<str:fmt>", views.municipality_export, name="municipality_export"),
    path("municipalities/<int:pk>/", views.municipality_detail, name="municipality_detail"),
    path("municipalities/<int:pk>/settlements.<str:fmt>", views.settlement_export, name="settlement_export"),
]
