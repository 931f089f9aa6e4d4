"""Who may see and change what in accounts.

Personal data (e-mail, phone, year of birth) is visible only to the person and to platform admins; everyone
else sees a person by `User.display_name`. Other modules ask `user.has_perm("accounts.view_personal_data", person)`.
Platform admins are superusers, and staff who were given the "view user" permission in the Django admin.
"""

from typing import Any

import rules


@rules.predicate
def is_self(user: Any, person: Any) -> bool:
    return person is not None and bool(getattr(user, "is_authenticated", False)) and user.pk == person.pk


@rules.predicate
def is_platform_admin(user: Any) -> bool:
    """A superuser: manages everything, in the Django admin included."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


@rules.predicate
def is_user_admin(user: Any) -> bool:
    """Staff allowed to look at user accounts in the Django admin."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    return bool(user.is_superuser or user.has_perm("accounts.view_user"))


rules.add_perm("accounts.view_personal_data", is_self | is_platform_admin | is_user_admin)
rules.add_perm("accounts.change_profile", is_self | is_platform_admin)
rules.add_perm("accounts.manage_tokens", is_self)
rules.add_perm("accounts.revoke_token", is_self | is_platform_admin)
rules.add_perm("accounts.export_data", is_self)
rules.add_perm("accounts.delete_account", is_self)
