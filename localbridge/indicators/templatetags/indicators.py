"""Template filters of the indicators pages."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def indicator_number(value: Any, decimals: Any = 0) -> str:
    """A value with the definition's decimal places and the language's separators (1 234,5 in Russian); an
    em dash for an unknown value."""
    if value is None or value == "":
        return "—"
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    places = int(decimals or 0)
    return number_format(
        number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), decimal_pos=places, force_grouping=True
    )
