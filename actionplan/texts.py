"""Texts with a maximum length: the model field, its validator and the count in a message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def format_count(count: int) -> str:
    """A count the Dutch way: ``212.000``."""
    return f"{count:,}".replace(",", ".")


def text_length(value: str) -> int:
    """The length of a text as the browser counts it in a textarea.

    A browser submits a line break as CR LF but counts it as one character against the
    textarea's ``maxlength``; counting it once here keeps the page's limit and the server's
    the same.
    """
    return len(value.replace("\r\n", "\n"))


@deconstructible
class TextLengthValidator(MaxLengthValidator):
    """A maximum length whose refusal names both numbers: "Maximaal 10.000 tekens (nu 212.000)."

    A ``TextField(max_length=...)`` only sizes the form's textarea; this is what makes
    ``full_clean`` (page, API, importer) refuse a longer text.
    """

    message = _("Maximaal %(limit)s tekens (nu %(count)s).")

    def __call__(self, value: Any) -> None:
        length = self.clean(value)
        if self.compare(length, self.limit_value):
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit_value": self.limit_value,
                    "show_value": length,
                    "value": value,
                    "limit": format_count(self.limit_value),
                    "count": format_count(length),
                },
            )

    def clean(self, x: Any) -> int:
        return text_length(str(x))


def limited_text(
    verbose_name: StrOrPromise, max_length: int, *, blank: bool = True
) -> models.TextField:
    """A text field that refuses more than ``max_length`` characters, wherever it is saved
    from; its form field is a textarea with ``maxlength`` for the page's counter."""
    return models.TextField(
        verbose_name,
        blank=blank,
        max_length=max_length,
        validators=[TextLengthValidator(max_length)],
    )


def text_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A model's text field with a maximum length, for the form, serializer or importer
    that reuses its maximum and validators."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.TextField | models.CharField) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{name} is not a text with a maximum length")
    return field
