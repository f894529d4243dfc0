from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def number(value: Decimal | float | int | None) -> str:
    """A measured value the Dutch way (``1.250,5``), without needless decimals; ``—`` if
    there is none."""
    if value is None or value == "":
        return "—"
    return floatformat(value, "-2g")
