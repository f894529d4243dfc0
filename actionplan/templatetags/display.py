"""Built-in filters (see TEMPLATES in settings): ``{{ fiche.updated_at|moment }}``,
``{{ round.deadline|day }}``, ``{{ fiche.updated_by|person }}``; see actionplan/display.py.
``{{ form|error_count }}`` counts the errors of a form's error summary."""

from __future__ import annotations

import datetime as dt

from django import forms, template

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


@register.filter
def error_count(form: forms.BaseForm) -> int:
    """How many errors the form's summary lists: the form's own and every field's."""
    return sum(len(errors) for errors in form.errors.values())
