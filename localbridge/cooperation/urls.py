"""Cooperation's pages (namespace "cooperation"). URL names are a contract: templates, tests and other modules'
links use them."""

from django.urls import path

from . import views

app_name = "cooperation"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.agreement_create, name="create"),
    path("<int:pk>/", views.agreement_detail, name="agreement"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("<int:pk>/move/<str:action>/", views.agreement_move, name="move"),
    path("<int:pk>/documents/new/", views.document_add, name="document_add"),
    path("<int:pk>/reports/new/", views.report_add, name="report_add"),
    path("network/", views.network_search, name="network_search"),
    path("network/<int:pk>/", views.network, name="network"),
]
