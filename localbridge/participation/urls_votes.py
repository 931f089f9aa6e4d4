"""Participatory-budget vote pages (included into urls.py under the participation namespace). URL names are a
contract: templates, tests and other modules' links use them."""

from django.urls import path

from . import views_vote_sources
from . import views_votes as views

urlpatterns = [
    path("votes/", views.vote_list, name="vote_list"),
    path("votes/<int:pk>/", views.vote_detail, name="vote_detail"),
    path("votes/<int:pk>/ballot/", views.vote_ballot, name="vote_ballot"),
    path("votes/<int:pk>/receipt/", views.vote_receipt, name="vote_receipt"),
    path("votes/<int:pk>/results/", views.vote_results, name="vote_results"),
    # The municipality's staff.
    path("m/<int:municipality_pk>/votes/new/", views.vote_create, name="vote_create"),
    path("votes/<int:pk>/edit/", views.vote_edit, name="vote_edit"),
    path("votes/<int:pk>/manage/", views.vote_manage, name="vote_manage"),
    path("votes/<int:pk>/move/<slug:action>/", views.vote_move, name="vote_move"),
    path("votes/<int:pk>/paper/", views.vote_paper, name="vote_paper"),
    path(
        "votes/<int:pk>/projects/from/<slug:source>/", views_vote_sources.vote_add_from_source, name="vote_from_source"
    ),
]
