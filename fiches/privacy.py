"""Warnings for text that looks like personal data.

No personal data about victims or perpetrators belongs in a fiche. These patterns catch the
obvious slips (a national register number, an e-mail address, a phone number); the editor
must confirm before such text is saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

# Belgian national register number: YY.MM.DD-XXX.CC, with or without separators.
NATIONAL_NUMBER = re.compile(r"(?<!\d)\d{2}[.\s]?\d{2}[.\s]?\d{2}[-\s]?\d{3}[.\s]?\d{2}(?!\d)")
# Bounded parts, tried only where a run of address characters starts: linear in the text's
# length (the unbounded form took seconds on a long text without an "@").
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
# +32 or 0032 or a national 0 prefix followed by 8-9 digits with optional separators.
PHONE = re.compile(r"(?<![\w.])(?:\+32|0032|0)\s?(?:\d[\s./-]?){8,9}(?!\d)")

PATTERNS = [
    (NATIONAL_NUMBER, _("een rijksregisternummer")),
    (EMAIL, _("een e-mailadres")),
    (PHONE, _("een telefoonnummer")),
]


def personal_data_warnings(texts: Mapping[str, str]) -> dict[str, list[str]]:
    """{field name: [what it seems to contain, ...]} for fields with suspicious text."""
    warnings: dict[str, list[str]] = {}
    for name, text in texts.items():
        found = [str(label) for pattern, label in PATTERNS if text and pattern.search(text)]
        if found:
            warnings[name] = found
    return warnings
