from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from localbridge.api.api import api

admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # rate limits, lockout
admin.site.site_header = "LocalBridge"

urlpatterns = [
    path("", include("localbridge.site.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("me/", include("localbridge.accounts.urls")),
    path("territories/", include("localbridge.territories.urls")),
    path("organizations/", include("localbridge.organizations.urls")),
    path("practices/", include("localbridge.practices.urls")),
    path("contests/", include("localbridge.contests.urls")),
    path("participation/", include("localbridge.participation.urls")),
    path("projects/", include("localbridge.projects.urls")),
    path("events/", include("localbridge.events.urls")),
    path("cooperation/", include("localbridge.cooperation.urls")),
    path("indicators/", include("localbridge.indicators.urls")),
    path("opendata/", include("localbridge.indicators.urls_opendata")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
