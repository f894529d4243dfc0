"""Text in the API as strictly as the model keeps it.

DRF's ``CharField`` turns a number into text: ``{"reason": 0.0}`` was stored as the reason
"0.0". ``TextField`` accepts only a JSON string (form bodies send strings anyway) and
refuses invisible and control characters (``actionplan.texts``) before a service sees them.
Every serializer that takes text from a client uses it, explicitly or through
``ModelSerializer`` below.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from actionplan.params import YEAR_MAX, YEAR_MIN
from actionplan.texts import TextCharactersValidator


class TextField(serializers.CharField):
    """A string, nothing else; ``multiline``: line breaks and tabs allowed."""

    default_error_messages = {"invalid": _("Geef tekst (een string), geen getal of lijst.")}

    def __init__(self, *, multiline: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # A model field's own character validator (on a ModelSerializer) stands; one is enough.
        if not any(isinstance(v, TextCharactersValidator) for v in self.validators):
            self.validators.append(TextCharactersValidator(multiline=multiline))

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class OptionalChoiceField(serializers.ChoiceField):
    """One of ``choices``, or none: ``null`` in the API where the model stores "" (a choice
    field with ``blank=True``), so that a value is always in the schema's enum or null.
    Input takes ``null`` and "" alike for none."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        # Input may say none with "" too; output never does.
        kwargs.setdefault("allow_blank", not kwargs.get("read_only", False))
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        return super().run_validation("" if data is None else data)

    def to_representation(self, value: Any) -> Any:
        return None if value in ("", None) else super().to_representation(value)


class YearField(serializers.IntegerField):
    """A calendar year from ``YEAR_MIN`` to ``YEAR_MAX`` (``minimum``/``maximum`` in the
    schema); the model's own rules (the years of the plan) may narrow it further."""

    default_error_messages = {
        "min_value": _("Geef een jaartal tussen 2000 en 2100."),
        "max_value": _("Geef een jaartal tussen 2000 en 2100."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)


# Model text fields as ``TextField``s, for a serializer's ``serializer_field_mapping``.
TEXT_FIELD_MAPPING: dict[
    type[models.Field[Any, Any]], type[serializers.Field[Any, Any, Any, Any]]
] = {
    models.CharField: TextField,
    models.TextField: TextField,
}


class ModelSerializer(serializers.ModelSerializer):
    """A model serializer whose text fields are ``TextField``s."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        **TEXT_FIELD_MAPPING,
    }
