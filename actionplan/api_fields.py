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
