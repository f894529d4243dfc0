"""How dates, times and people read in the interface, the same on every page, PDF and
message: ``24 dec. 2026``, ``24 dec. 2026 om 14:05`` (Europe/Brussels), a person's full
name. One home, used by the template filters (``actionplan.templatetags.display``, a
built-in of every template) and by services that put a date in a message.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

# Month abbreviations as the Taalunie writes them (``mei`` has none) and as British
# English does; Django's own ``N`` format gives ``dec`` in Dutch and ``Dec.`` in English.
MONTHS = {
    "nl": (
        "jan.",
        "feb.",
        "mrt.",
        "apr.",
        "mei",
        "jun.",
        "jul.",
        "aug.",
        "sep.",
        "okt.",
        "nov.",
        "dec.",
    ),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def _months() -> tuple[str, ...]:
    language = (get_language() or "nl").split("-")[0]
    return MONTHS.get(language, MONTHS["nl"])


def date_display(value: dt.date | dt.datetime | None) -> str:
    """``24 dec. 2026``; a moment is first taken to Brussels time, so that a fiche saved at
    00:30 in Brussels reads as that day, not the day before in UTC."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {_months()[value.month - 1]} {value.year}"


def datetime_display(value: dt.datetime | None) -> str:
    """``24 dec. 2026 om 14:05``, in Brussels time, without seconds."""
    if value is None or value == "":
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return _("%(date)s om %(time)s") % {
        "date": date_display(local),
        "time": local.strftime("%H:%M"),
    }


def number_display(value: Decimal) -> str:
    """250.00 as 250, 12.50 as 12,5: the number as typed, not the column's scale."""
    exact = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return str(number_format(exact))


def person_display(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """A person by their full name; the account name only for an account without one."""
    if user is None:
        return _("systeem")
    full_name = getattr(user, "get_full_name", lambda: "")().strip()
    return full_name or user.get_username()
