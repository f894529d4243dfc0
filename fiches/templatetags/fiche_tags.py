from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def days_until(day: dt.date) -> int:
    return (day - timezone.localdate()).days


@register.filter
def abs_value(value: int) -> int:
    return abs(value)
