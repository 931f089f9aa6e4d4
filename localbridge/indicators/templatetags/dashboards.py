"""Template filters of the indicators dashboards."""

from decimal import Decimal
from typing import Any

from django import template

from .indicators import indicator_number

register = template.Library()


@register.filter
def indicator_change(value: Any, decimals: Any = 0) -> str:
    """A change since the year before with its sign (+3, −1,5, 0) in the language's format; an em dash when one of
    the two values is not known."""
    if value is None or value == "":
        return "—"
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = indicator_number(abs(number), decimals)
    if text.strip("0,. \xa0") == "":
        return text  # zero, or rounds to zero: no sign
    return ("+" if number > 0 else "\u2212") + text
