"""Authentication for the API: personal tokens sent as `Authorization: Bearer lb_<id>_<secret>`."""

from typing import Any

from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from ninja.security import HttpBearer

from .models import ApiToken


def user_for_token(token: str) -> Any:
    if not token.startswith(ApiToken.PREFIX) or "_" not in token[len(ApiToken.PREFIX) :]:
        return None
    key_id, _, secret = token[len(ApiToken.PREFIX) :].partition("_")
    api_token = ApiToken.objects.select_related("user").filter(key_id=key_id, revoked_at__isnull=True).first()
    if api_token is None or not api_token.user.is_active:
        return None
    if not constant_time_compare(api_token.key_hash, ApiToken.hash_secret(secret)):
        return None
    api_token.touch()
    return api_token.user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
