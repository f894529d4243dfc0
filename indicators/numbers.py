"""Numbers as Flemish users type them, read by one function for page, API and import.

``1.234,5``, ``1234,5`` and ``1234.5`` all mean 1234,5; ``1.234`` (a dot followed by
exactly three digits, no comma) means 1234: the dot groups thousands. Spaces group
thousands too (``1 234,5``). Anything else, scientific notation included, is refused with
one Dutch message.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from actionplan.display import number_display

NUMBER_EXAMPLE = "1.234,5"

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# With a decimal comma: dots group thousands (in groups of three) or are absent.
_COMMA = re.compile(r"(?P<int>\d{1,3}(?:\.\d{3})+|\d*),(?P<frac>\d+)")
# Without a comma: only dots grouping thousands.
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")
_PLAIN = re.compile(r"\d+(?:\.\d+)?|\.\d+")


def number_message() -> str:
    return _("Geef een getal, bv. %(example)s.") % {"example": NUMBER_EXAMPLE}


def parse_number(raw: str) -> Decimal:
    """The number in ``raw``; ``ValueError`` with a Dutch message for anything else."""
    text = _SPACES.sub("", str(raw)).replace("\u2212", "-")
    sign = ""
    if text and text[0] in "+-":
        sign, text = ("-" if text[0] == "-" else ""), text[1:]
    if match := _COMMA.fullmatch(text):
        normal = f"{match['int'].replace('.', '') or '0'}.{match['frac']}"
    elif _GROUPED.fullmatch(text):
        normal = text.replace(".", "")
    elif _PLAIN.fullmatch(text):
        normal = text
    else:
        raise ValueError(number_message())
    try:
        return Decimal(sign + normal)
    except InvalidOperation:  # pragma: no cover - the patterns admit only digits
        raise ValueError(number_message()) from None


class NumberField(forms.DecimalField):
    """A form field that reads numbers with ``parse_number``."""

    default_error_messages = {"invalid": gettext_lazy("Geef een getal, bv. 1.234,5.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    # django-stubs give DecimalField IntegerField's ``int | None``; Django returns a Decimal.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal | int):
            return Decimal(value)
        try:
            return parse_number(str(value))
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        # A stored 287.00 is shown as the user typed it, 287, not as the column's 287,00.
        if isinstance(value, Decimal):
            return number_display(value)
        return super().prepare_value(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs["inputmode"] = "decimal"
        return attrs


class ApiNumberField(serializers.DecimalField):
    """A DRF decimal field that also accepts numbers as text, read with ``parse_number``."""

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, str) and data.strip():
            try:
                data = parse_number(data)
            except ValueError as exc:
                raise serializers.ValidationError(str(exc), code="invalid") from None
        return super().to_internal_value(data)
