"""The API's authentication: session (with CSRF) or a personal token (`api_auth`); read endpoints also let
anonymous callers in (`read_auth`), and `caller(request)` is the user the authenticators settled on."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import django_auth

from localbridge.accounts.auth import TokenAuth

api_auth = [TokenAuth(), django_auth]


class AnonymousReader:
    """The last of the read endpoints' authenticators: lets a caller without credentials in as anonymous."""

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            return None  # credentials were sent and refused by the authenticators before this one
        return AnonymousUser()


read_auth = [*api_auth, AnonymousReader()]


def caller(request: HttpRequest) -> Any:
    """The user the authenticators settled on: a signed-in user or an AnonymousUser."""
    return getattr(request, "auth", None) or AnonymousUser()
