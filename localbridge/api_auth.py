"""The API's authentication: session (with CSRF) or a personal token."""

from ninja.security import django_auth

from localbridge.accounts.auth import TokenAuth

api_auth = [TokenAuth(), django_auth]
