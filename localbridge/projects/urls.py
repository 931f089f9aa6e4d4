"""The projects module's pages (namespace "projects"). URL names are a contract: templates, tests and other
modules' links use them."""

from django.urls import path

from . import views, views_manage

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.<str:fmt>", views.project_export, name="export"),
    path("spending.<str:fmt>", views.spending_export, name="spending_export"),
    path("map/", views.project_map_page, name="map"),
    path("map.json", views.project_map, name="map_data"),
    path("map/<int:pk>.json", views.project_map_popup, name="map_popup"),
    path("my/", views_manage.my_projects, name="my"),
    path("new/", views_manage.project_create, name="create"),
    path("new/<str:kind>/<int:source_pk>/", views_manage.project_create_from, name="create_from"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/inspections/", views.inspection_create, name="inspection_create"),
    path("<int:pk>/inspections/<int:inspection_pk>/answer/", views.inspection_answer, name="inspection_answer"),
    path("<int:pk>/inspections/<int:inspection_pk>/resolve/", views.inspection_resolve, name="inspection_resolve"),
    path("<int:pk>/rating/", views.rating_set, name="rating"),
    path(
        "<int:pk>/reports/<int:report_pk>/accept/",
        views.report_decide,
        {"decision": "accept"},
        name="report_accept",
    ),
    path(
        "<int:pk>/reports/<int:report_pk>/return/",
        views.report_decide,
        {"decision": "return"},
        name="report_return",
    ),
    path("<int:pk>/photos/<int:photo_pk>/", views.report_photo, name="report_photo"),
    path("<int:pk>/notes/photos/<int:photo_pk>/", views.inspection_photo, name="inspection_photo"),
    path("<int:pk>/spending/<int:expense_pk>/document/", views.expense_document, name="expense_document"),
    path("<int:pk>/documents/<int:document_pk>/", views.project_document, name="document"),
    path("<int:pk>/manage/", views_manage.project_manage, name="manage"),
    path("<int:pk>/edit/", views_manage.project_edit, name="edit"),
    path("<int:pk>/advance/", views_manage.project_advance, name="advance"),
    path("<int:pk>/cancel/", views_manage.project_cancel, name="cancel"),
    path("<int:pk>/milestones/", views_manage.milestone_add, name="milestone_add"),
    path("<int:pk>/milestones/<int:milestone_pk>/", views_manage.milestone_edit, name="milestone_edit"),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/<str:action>/",
        views_manage.milestone_action,
        name="milestone_action",
    ),
    path("<int:pk>/stages/<int:stage_pk>/", views_manage.stage_edit, name="stage_edit"),
    path("<int:pk>/documents/new/", views_manage.document_add, name="document_add"),
    path("<int:pk>/documents/<int:document_pk>/remove/", views_manage.document_remove, name="document_remove"),
    path("<int:pk>/budget/", views_manage.budget_line_add, name="budget_line_add"),
    path("<int:pk>/budget/<int:line_pk>/", views_manage.budget_line_edit, name="budget_line_edit"),
    path("<int:pk>/budget/<int:line_pk>/remove/", views_manage.budget_line_remove, name="budget_line_remove"),
    path("<int:pk>/spending/", views_manage.expense_add, name="expense_add"),
    path("<int:pk>/spending/<int:expense_pk>/edit/", views_manage.expense_edit, name="expense_edit"),
    path("<int:pk>/spending/<int:expense_pk>/remove/", views_manage.expense_remove, name="expense_remove"),
    path("<int:pk>/reports/", views_manage.report_create, name="report_create"),
    path("<int:pk>/reports/<int:report_pk>/edit/", views_manage.report_edit, name="report_edit"),
    path("<int:pk>/reports/<int:report_pk>/photos/", views_manage.report_photo_add, name="report_photo_add"),
    path(
        "<int:pk>/reports/<int:report_pk>/photos/<int:photo_pk>/remove/",
        views_manage.report_photo_remove,
        name="report_photo_remove",
    ),
    path("<int:pk>/reports/<int:report_pk>/submit/", views_manage.report_submit, name="report_submit"),
]
