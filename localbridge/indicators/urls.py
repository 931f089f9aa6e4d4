"""Indicators' pages (namespace "indicators"). URL names are a contract: templates, tests and other modules'
links use them."""

from django.urls import path

from . import views, views_dashboards, views_ratings

app_name = "indicators"

urlpatterns = [
    path("", views.definition_list, name="list"),
    path("municipality/<int:pk>/", views_dashboards.municipality_dashboard, name="municipality"),
    path(
        "municipality/<int:pk>/values.<str:fmt>",
        views_dashboards.municipality_values_export,
        name="municipality_values_export",
    ),
    path("region/<str:code>/", views_dashboards.region_comparison, name="region"),
    path("region/<str:code>/comparison.<str:fmt>", views_dashboards.region_comparison_export, name="region_export"),
    path("map/", views_dashboards.map_page, name="map"),
    path("map/points.json", views_dashboards.map_points, name="map_points"),
    path("map/data.json", views_dashboards.map_data, name="map_data"),
    path("map/table/", views_dashboards.map_table, name="map_table"),
    path("map/export.<str:fmt>", views_dashboards.map_export, name="map_export"),
    path("municipality/<int:pk>/enter/", views.value_entry, name="enter"),
    path("municipality/<int:pk>/values/<int:value_pk>/remove/", views.value_remove, name="value_remove"),
    path("import/", views.values_import, name="import"),
    path("recompute/", views.recompute, name="recompute"),
    path("ratings/", views_ratings.rating_list, name="rating_list"),
    path("ratings/custom/", views_ratings.rating_custom, name="rating_custom"),
    path("ratings/custom/export.<str:fmt>", views_ratings.rating_custom_export, name="rating_custom_export"),
    path("ratings/custom/save/", views_ratings.rating_save, name="rating_save"),
    path("ratings/<slug:code>/", views_ratings.rating_detail, name="rating_detail"),
    path("ratings/<slug:code>/export.<str:fmt>", views_ratings.rating_export, name="rating_export"),
]
