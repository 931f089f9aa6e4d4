from django.http import HttpRequest
from ninja import Router, Schema

from localbridge.api_auth import api_auth

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    email: str
    full_name: str


@router.get("/me", response=MeOut, auth=api_auth)
def me(request: HttpRequest) -> object:
    return request.user
