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
