"""The applicant's and the expert's pages (included into urls.py under the contests namespace). URL names are a
contract: templates, tests and other modules' links use them."""

from django.urls import path

from . import views_participate as views

APPLICATION = "<int:pk>/applications/<int:application_pk>/"

urlpatterns = [
    # The applicant.
    path("<int:pk>/apply/", views.apply, name="apply"),
    path(f"{APPLICATION}edit/", views.application_edit, name="application_edit"),
    path(f"{APPLICATION}edit/<slug:step>/", views.application_edit, name="application_step"),
    path(f"{APPLICATION}files/<int:file_pk>/delete/", views.application_detach, name="application_detach"),
    path(f"{APPLICATION}submit/", views.application_submit, name="application_submit"),
    path(f"{APPLICATION}submitted/", views.application_submitted, name="application_submitted"),
    path(f"{APPLICATION}withdraw/", views.application_withdraw, name="application_withdraw"),
    # The expert.
    path("my/evaluations/", views.my_evaluations, name="my_evaluations"),
    path("<int:pk>/expert/respond/", views.expert_respond, name="expert_respond"),
    path("<int:pk>/expert/conflicts/", views.expert_conflicts, name="expert_conflicts"),
    path("<int:pk>/expert/conflicts/<int:conflict_pk>/withdraw/", views.conflict_withdraw, name="conflict_withdraw"),
    path("<int:pk>/expert/assignments/", views.expert_assignments, name="expert_assignments"),
    path("<int:pk>/expert/assignments/<int:assignment_pk>/", views.assignment_score, name="assignment_score"),
]
