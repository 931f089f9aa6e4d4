"""/api/v1/accounts/: the signed-in person and their personal API tokens."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from localbridge.api_auth import api_auth

from . import selectors, services
from .models import User

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    display_name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


class TokenIn(Schema):
    name: str


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@router.get("/me", response=MeOut, auth=api_auth)
def me(request: HttpRequest) -> object:
    """The signed-in person (their own e-mail address included)."""
    return request.user


@router.get("/tokens", response=list[TokenOut], auth=api_auth)
@paginate(LimitOffsetPagination)
def token_list(request: HttpRequest) -> Any:
    """The person's API tokens, the newest first, revoked ones included. Secrets are never returned."""
    return selectors.tokens_of(user=_me(request))


# Only a signed-in session (with its CSRF token) may make a token: a leaked token must not be able to mint
# fresh ones that would outlive its own revocation.
@router.post("/tokens", response={201: TokenCreatedOut}, auth=django_auth)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    """Create a token. The full token is in this response only: store it, it cannot be shown again."""
    user = _me(request)
    token, secret = services.token_create(user=user, actor=user, name=payload.name)
    return Status(201, {**{field: getattr(token, field) for field in TokenOut.model_fields}, "token": secret})


@router.delete("/tokens/{token_id}", response={204: None}, auth=api_auth)
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    """Revoke one of the person's tokens (the token sending the request may revoke itself)."""
    user = _me(request)
    token = selectors.token_get_for(user=user, token_id=token_id)
    services.token_revoke(token=token, actor=user)
    return Status(204, None)
