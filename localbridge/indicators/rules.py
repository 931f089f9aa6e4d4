"""Who may see and do what in indicators, as django-rules predicates. The matrix is in docs/indicators.md and
tested in tests/test_rules.py.

- Everyone (anonymous too) reads the definitions, the values, the dashboards and published ratings.
- A municipality's staff (organizations.rules.user_is_municipal_staff) enter its yearly values of the indicators
  municipalities enter; platform staff may do it for any municipality.
- Platform staff (operators) import files of values, start a recomputation and manage ratings.
"""

from typing import Any

import rules

from localbridge.core.rules import is_platform_staff
from localbridge.organizations.rules import user_is_municipal_staff
from localbridge.territories.models import Municipality


@rules.predicate
def is_staff_of_municipality(user: Any, municipality: Municipality | None) -> bool:
    return isinstance(municipality, Municipality) and user_is_municipal_staff(user, municipality.pk)


rules.add_perm("indicators.enter_value", is_staff_of_municipality | is_platform_staff)
rules.add_perm("indicators.import_values", is_platform_staff)
rules.add_perm("indicators.recompute", is_platform_staff)
rules.add_perm("indicators.manage_ratings", is_platform_staff)


@rules.predicate
def is_published_rating(user: Any, method: Any) -> bool:
    return bool(getattr(method, "is_published", False))


# A rating's page: a published one for everyone; a draft for those who manage ratings.
rules.add_perm("indicators.view_rating", is_published_rating | is_platform_staff)
# The Django admin of ratings asks for the model permissions: those who manage ratings have them without being
# granted them one by one (the definitions are only read there, for choosing a rating's indicators).
for _model in ("ratingmethod", "ratingweight"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"indicators.{_action}_{_model}", is_platform_staff)
rules.add_perm("indicators.view_indicatordefinition", is_platform_staff)
