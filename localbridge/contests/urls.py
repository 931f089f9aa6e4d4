"""The contests' pages. URL names are a contract: templates, tests and other modules' links use them. The write
pages (a contest's form, applying, review, experts, scoring) are added beside these."""

from django.urls import include, path

from . import views

app_name = "contests"
urlpatterns = [
    path("", views.contest_list, name="list"),
    path("my/applications/", views.my_applications, name="my_applications"),
    path("<int:pk>/", views.contest_detail, name="detail"),
    path("<int:pk>/results/", views.contest_results, name="results"),
    path("<int:pk>/results/protocol.<str:fmt>", views.results_protocol, name="results_protocol"),
    path("<int:pk>/applications/", views.organizer_applications, name="organizer_applications"),
    path("<int:pk>/applications/export.<str:fmt>", views.applications_export, name="applications_export"),
    path("<int:pk>/scores/export.<str:fmt>", views.scores_export, name="scores_export"),
    path("<int:pk>/applications/<int:application_pk>/", views.application_detail, name="application"),
    path(
        "<int:pk>/applications/<int:application_pk>/files/<int:file_pk>/",
        views.application_file,
        name="application_file",
    ),
    # The write pages: the organiser's (urls_manage.py), the applicant's and the expert's (urls_participate.py).
    path("", include("localbridge.contests.urls_manage")),
    path("", include("localbridge.contests.urls_participate")),
]
