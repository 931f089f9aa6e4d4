"""URL names are a contract between the registry pages (views.py) and the ТОС registration pages
(views_tos.py); templates and tests use them."""

from django.urls import path

from . import views, views_tos

app_name = "organizations"
urlpatterns = [
    # the public registry (views.py)
    path("", views.organization_list, name="list"),
    path("export.<str:fmt>", views.organization_export, name="export"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document"),
    path("my/", views.my_organizations, name="my"),
    # ТОС registration and review (views_tos.py)
    path("tos/new/", views_tos.tos_create, name="tos_create"),
    path("tos/<int:pk>/edit/", views_tos.tos_edit, name="tos_edit"),
    path("tos/<int:pk>/move/<str:action>/", views_tos.tos_transition, name="tos_transition"),
    path("tos/<int:pk>/legal-entity/", views_tos.tos_legal_entity, name="tos_legal_entity"),
    path("tos/review/", views_tos.review_queue, name="tos_review_queue"),
]
