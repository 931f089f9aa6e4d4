"""Events' pages (namespace "events"). URL names are a contract: templates, tests and other modules' links use
them."""

from django.urls import path

from . import views_events, views_library, views_resolutions

app_name = "events"

urlpatterns: list = []

# The knowledge library
urlpatterns += [
    path("library/", views_library.library_list, name="library"),
    path("library/new", views_library.library_create, name="library_create"),
    path("library/export.<str:fmt>", views_library.library_export, name="library_export"),
    path("library/<int:pk>/", views_library.library_detail, name="library_document"),
    path("library/<int:pk>/edit", views_library.library_edit, name="library_edit"),
    path("library/<int:pk>/versions/new", views_library.library_version_add, name="library_version_add"),
    path("library/<int:pk>/versions/<int:number>/download", views_library.library_download, name="library_download"),
    path("library/<int:pk>/<slug:action>", views_library.library_move, name="library_move"),
]

# Events, their programme, materials and registrations
urlpatterns += [
    path("", views_events.calendar, name="calendar"),
    path("feed.ics", views_events.feed, name="feed"),
    path("my/", views_events.my_events, name="my"),
    path("new/", views_events.event_create, name="create"),
    path("<int:pk>/", views_events.event_detail, name="detail"),
    path("<int:pk>/event.ics", views_events.event_ics, name="ics"),
    path("<int:pk>/register/", views_events.event_register, name="register"),
    path("<int:pk>/unregister/", views_events.event_unregister, name="unregister"),
    path("<int:pk>/materials/<int:material_pk>/", views_events.material_download, name="material"),
    path("<int:pk>/edit/", views_events.event_edit, name="edit"),
    path("<int:pk>/manage/", views_events.event_manage, name="manage"),
    path("<int:pk>/publish/", views_events.event_publish, name="publish"),
    path("<int:pk>/cancel/", views_events.event_cancel, name="cancel"),
    path("<int:pk>/sessions/add/", views_events.session_add, name="session_add"),
    path("<int:pk>/sessions/<int:session_pk>/edit/", views_events.session_edit, name="session_edit"),
    path("<int:pk>/sessions/<int:session_pk>/remove/", views_events.session_remove, name="session_remove"),
    path("<int:pk>/materials/add/", views_events.material_add, name="material_add"),
    path("<int:pk>/materials/<int:material_pk>/remove/", views_events.material_remove, name="material_remove"),
    path("<int:pk>/registrations/", views_events.event_registrations, name="registrations"),
    path("<int:pk>/registrations/attendance/", views_events.event_attendance, name="attendance"),
    path(
        "<int:pk>/registrations/<int:registration_pk>/cancel/",
        views_events.registration_cancel,
        name="registration_cancel",
    ),
    path("<int:pk>/registrations.<str:fmt>", views_events.event_registrations_export, name="registrations_export"),
]

# Resolutions and their items
urlpatterns += [
    path("resolutions/", views_resolutions.resolution_list, name="resolution_list"),
    path("resolutions.<str:fmt>", views_resolutions.resolution_list_export, name="resolution_list_export"),
    path("resolutions/new/", views_resolutions.resolution_enter, name="resolution_enter"),
    path("resolutions/new/correct/", views_resolutions.resolution_correct, name="resolution_correct"),
    path("resolutions/<int:pk>/", views_resolutions.resolution_detail, name="resolution_detail"),
    path("resolutions/<int:pk>/edit/", views_resolutions.resolution_edit, name="resolution_edit"),
    path("resolutions/<int:pk>/source/", views_resolutions.resolution_source, name="resolution_source"),
    path("resolutions/<int:pk>/items.<str:fmt>", views_resolutions.resolution_items_export, name="resolution_export"),
    path("resolutions/<int:pk>/items/<int:item_pk>/", views_resolutions.item_detail, name="resolution_item"),
    path("resolutions/<int:pk>/items/<int:item_pk>/edit/", views_resolutions.item_edit, name="resolution_item_edit"),
    path(
        "resolutions/<int:pk>/items/<int:item_pk>/status/", views_resolutions.item_status, name="resolution_item_status"
    ),
    path(
        "resolutions/<int:pk>/items/<int:item_pk>/comment/",
        views_resolutions.item_comment,
        name="resolution_item_comment",
    ),
    path(
        "resolutions/<int:pk>/items/<int:item_pk>/evidence/",
        views_resolutions.item_evidence,
        name="resolution_item_evidence",
    ),
    path(
        "resolutions/<int:pk>/items/<int:item_pk>/evidence/<int:evidence_pk>/remove/",
        views_resolutions.evidence_remove,
        name="resolution_evidence_remove",
    ),
    path(
        "resolutions/asked-of/<int:org_pk>/",
        views_resolutions.organization_items,
        name="resolution_organization",
    ),
]
