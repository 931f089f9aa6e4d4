from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("data/", views.data, name="data"),
    path("data/download/", views.data_download, name="data_download"),
    path("delete/", views.account_delete, name="delete"),
]
