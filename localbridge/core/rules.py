"""Predicates every app's rules.py shares (django-rules): who is signed in, who is platform staff."""

from typing import Any

import rules


def signed_in(user: Any) -> bool:
    """An authenticated, active user (a plain function, for code that is not a rule)."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return signed_in(user)


@rules.predicate
def is_platform_staff(user: Any) -> bool:
    """Platform staff: Django staff or superusers."""
    return signed_in(user) and bool(user.is_staff or user.is_superuser)
