"""The API's parsers. JSON: a body nested deeper than any resource needs is refused with 400.

Python's JSON decoder recurses once per level: ten thousand ``[`` ran it into a
``RecursionError``, a 500. The depth is counted before decoding, over the brackets outside
strings, so a deep body never reaches the decoder. Form and multipart bodies are DRF's,
with Dutch refusals. Errors name no internals.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from itertools import accumulate
from json import JSONDecodeError
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

# No resource is nested more than a few levels (a fiche's indicator values with their
# breakdown: four); fifty leaves room and stays far from the interpreter's recursion limit.
MAX_DEPTH = 50

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nesting_depth(text: str) -> int:
    """How deep ``text`` nests arrays and objects (brackets inside strings do not count)."""
    steps = (_STEP[b] for b in _BRACKET.findall(_STRING.sub("", text)))
    return max(accumulate(steps, initial=0))


class JSONParser(parsers.JSONParser):
    max_depth = MAX_DEPTH

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]
        except ParseError as exc:
            raise ParseError(_("Deze tekenset wordt niet ondersteund.")) from exc
        try:
            text = codecs.getreader(encoding)(stream).read()
        except UnicodeDecodeError as exc:
            raise ParseError(
                _("De inhoud is geen geldige tekst in %(encoding)s.") % {"encoding": encoding}
            ) from exc
        if nesting_depth(text) > self.max_depth:
            raise ParseError(
                _("De JSON is te diep genest: hoogstens %(max)s niveaus.") % {"max": self.max_depth}
            )
        parse_constant = json.strict_constant if self.strict else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except RecursionError as exc:  # pragma: no cover - the depth check comes first
            raise ParseError(_("De JSON is te diep genest.")) from exc
        except JSONDecodeError as exc:
            raise ParseError(
                _("Ongeldige JSON op regel %(line)s, kolom %(column)s.")
                % {"line": exc.lineno, "column": exc.colno}
            ) from exc
        except ValueError as exc:
            # NaN, Infinity, or an integer of thousands of digits.
            raise ParseError(_("Ongeldige JSON: geen geldig getal.")) from exc


class FormParser(parsers.FormParser):
    """DRF's form parser, refusing an unknown character set in Dutch."""

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            raise ParseError(_("Deze tekenset wordt niet ondersteund.")) from exc


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, refusing a malformed body in Dutch (DRF passes Django's
    English parser error on)."""

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            raise ParseError(
                _("Het formulier kan niet gelezen worden: ongeldige multipart-inhoud of tekenset.")
            ) from exc
