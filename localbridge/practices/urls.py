"""The practice bank's pages. URL names are a contract: templates, tests and other modules' links use them."""

from django.urls import path

from . import views, views_import
from .feeds import PracticeFeed

app_name = "practices"
urlpatterns = [
    path("", views.practice_list, name="list"),
    path("export.<str:fmt>", views.practice_export, name="export"),
    path("feed/", PracticeFeed(), name="feed"),
    path("new/", views.practice_create, name="create"),
    path("mine/", views.my_practices, name="mine"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("import/", views_import.practice_import, name="import"),
    path("<int:pk>/", views.practice_detail, name="detail"),
    path("<int:pk>/edit/", views.practice_edit, name="edit"),
    path("<int:pk>/delete/", views.practice_delete, name="delete"),
    path("<int:pk>/move/<str:action>/", views.practice_move, name="move"),
    path("<int:pk>/recommend/", views.practice_recommend, name="recommend"),
    path("<int:pk>/adopt/", views.practice_adopt, name="adopt"),
    path("<int:pk>/files/<int:file_pk>/", views.practice_file, name="file"),
    path("<int:pk>/files/<int:file_pk>/remove/", views.practice_detach, name="detach"),
]
