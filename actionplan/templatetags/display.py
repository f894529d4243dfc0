"""Built-in filters (see TEMPLATES in settings): ``{{ fiche.updated_at|moment }}``,
``{{ round.deadline|day }}``, ``{{ fiche.updated_by|person }}``; see actionplan/display.py."""

from __future__ import annotations

import datetime as dt

from django import template

from actionplan.display import date_display, datetime_display, person_display

register = template.Library()


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    return date_display(value)


@register.filter
def moment(value: dt.datetime | None) -> str:
    return datetime_display(value)


@register.filter
def person(user: object) -> str:
    return person_display(user)  # type: ignore[arg-type]
