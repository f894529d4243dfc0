"""Texts users write: a maximum length (the model field, its validator and the count in a
message), and no invisible or control characters.

A text field refuses what a reader cannot see but a screen or a PDF acts on: control
characters (line breaks and tabs only in texts of several lines), bidirectional overrides
and isolates, which reorder what is displayed (U+202A–U+202E, U+2066–U+2069), zero-width
characters (U+200B–U+200D, U+2060, U+FEFF) and lone surrogates, which PostgreSQL cannot
store. The model fields carry the validator, so ``full_clean`` refuses them whatever the
path (page, API, import); nothing is stripped silently, the person sees which character and
where.
"""

from __future__ import annotations

import re
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


_INVISIBLE = "\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_REFUSED_IN_PROSE = re.compile(f"[{_CONTROLS}{_INVISIBLE}]")
_REFUSED_IN_LINE = re.compile(f"[\t\n\r{_CONTROLS}{_INVISIBLE}]")


@deconstructible
class TextCharactersValidator:
    """Refuses invisible and control characters, naming the first one and where it is:
    "Bevat een onzichtbaar teken of stuurteken (U+202E) op positie 12; verwijder het."

    ``multiline``: line breaks and tabs are allowed (a textarea); otherwise refused too.
    """

    code = "hidden_characters"

    def __init__(self, *, multiline: bool = True) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        pattern = _REFUSED_IN_PROSE if self.multiline else _REFUSED_IN_LINE
        match = pattern.search(str(value))
        if match is None:
            return
        character = match.group()
        if character in "\t\n\r":
            message = _("Een regeleinde of tab kan hier niet (positie %(position)s).")
        else:
            message = _(
                "Bevat een onzichtbaar teken of stuurteken (%(character)s) op positie "
                "%(position)s; verwijder het."
            )
        raise ValidationError(
            message,
            code=self.code,
            params={"character": f"U+{ord(character):04X}", "position": match.start() + 1},
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextCharactersValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((type(self), self.multiline))


# The validators of a model's text fields: ``validators=PROSE`` on a TextField of several
# lines, ``validators=LINE`` on a CharField of one line.
PROSE = [TextCharactersValidator()]
LINE = [TextCharactersValidator(multiline=False)]


def check_text(name: str, value: str, *, multiline: bool = True) -> str:
    """``value`` if it holds no invisible or control characters, else ``ValidationError`` on
    ``name``: for a text a service keeps without a model field's ``full_clean`` (a reason
    that becomes a history record)."""
    try:
        TextCharactersValidator(multiline=multiline)(value)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None
    return value


def limited_text(
    verbose_name: StrOrPromise, max_length: int, *, blank: bool = True
) -> models.TextField:
    """A text field that refuses more than ``max_length`` characters, wherever it is saved
    from; its form field is a textarea with ``maxlength`` for the page's counter."""
    return models.TextField(
        verbose_name,
        blank=blank,
        max_length=max_length,
        validators=[TextLengthValidator(max_length), *PROSE],
    )


def text_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A model's text field with a maximum length, for the form, serializer or importer
    that reuses its maximum and validators."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.TextField | models.CharField) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{name} is not a text with a maximum length")
    return field
