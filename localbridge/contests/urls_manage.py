"""The organiser's pages of a contest (views_manage.py), included into urls.py under the contests namespace. URL
names are a contract: templates and tests use them."""

from django.urls import path

from . import views_manage as views

urlpatterns = [
    path("new/", views.contest_create, name="create"),
    path("<int:pk>/manage/", views.contest_manage, name="manage"),
    path("<int:pk>/manage/moves/", views.contest_moves_partial, name="manage_moves"),
    path("<int:pk>/setup/", views.contest_setup, name="setup"),
    path("<int:pk>/move/<str:action>/", views.contest_move, name="move"),
    path("<int:pk>/review/", views.review_queue, name="review_queue"),
    path("<int:pk>/applications/<int:application_pk>/review/", views.application_review, name="review"),
    path("<int:pk>/experts/", views.experts, name="experts"),
    path("<int:pk>/experts/invite/", views.expert_invite, name="expert_invite"),
    path("<int:pk>/experts/<int:expert_pk>/remove/", views.expert_remove, name="expert_remove"),
    path("<int:pk>/assignments/", views.assignments, name="assignments"),
    path("<int:pk>/assignments/auto/", views.assignments_auto, name="assignments_auto"),
    path("<int:pk>/assignments/add/", views.assignment_add, name="assignment_add"),
    path("<int:pk>/assignments/<int:assignment_pk>/remove/", views.assignment_remove, name="assignment_remove"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/results/recompute/", views.results_recompute, name="results_recompute"),
]
