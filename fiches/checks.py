"""The checks on what an editor enters that ask for a confirmation, not a correction:
text that looks like personal data, a value far from last year's approved one.

One rule each, applied by the fiche services (page and API, with a confirm flag) and by
the importer of indicator values (which refuses: a spreadsheet row cannot confirm).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from fiches.models import Fiche
from fiches.privacy import personal_data_warnings
from fiches.selectors import counted_values
from indicators.models import IndicatorValue


class PersonalDataSuspected(ValidationError):
    """Text that looks like personal data: saved only once the editor confirms it is not."""


class OutliersSuspected(ValidationError):
    """Values more than ten times larger or smaller than last year's approved value: saved
    only once the editor confirms them."""


def indicator_value_key(indicator_id: int) -> str:
    """The error key of an indicator's value in a service's ``ValidationError``."""
    return f"indicator-{indicator_id}"


# --- Personal data ---------------------------------------------------------------------


def check_personal_data(texts: Mapping[str, str]) -> None:
    """No personal data of victims or perpetrators in a fiche: refuse what looks like it.
    ``texts``: {error key: text}."""
    found = personal_data_messages(texts)
    if found:
        raise PersonalDataSuspected(found)


def personal_data_messages(texts: Mapping[str, str], *, confirmable: bool = True) -> dict[str, str]:
    """The refusal of each text that looks like personal data.

    ``confirmable``: the editor may confirm that it is no personal data (not in an import).
    """
    if confirmable:
        message = _(
            "Deze tekst lijkt %(what)s te bevatten. Verwijder persoonsgegevens of "
            "bevestig dat het geen persoonsgegevens zijn."
        )
    else:
        message = _(
            "Deze tekst lijkt %(what)s te bevatten. Verwijder persoonsgegevens, of vul de "
            "tekst in de fiche in en bevestig daar dat het geen persoonsgegevens zijn."
        )
    return {
        key: message % {"what": " en ".join(what)}
        for key, what in personal_data_warnings(texts).items()
    }


# --- Outliers --------------------------------------------------------------------------

# A value more than this many times larger or smaller than last year's approved value is
# more often a typing error (a missing comma, an extra zero) than a real change.
OUTLIER_FACTOR = Decimal(10)


def is_outlier(previous: Decimal, new: Decimal) -> bool:
    """``new`` differs from ``previous`` by more than ``OUTLIER_FACTOR``, either way.

    From or to zero there is no factor: a jump from 0 is not flagged, a fall to 0 from
    more than zero is (it is ten times smaller than any positive value).
    """
    if previous == 0:
        return False
    return abs(new) > abs(previous) * OUTLIER_FACTOR or abs(new) * OUTLIER_FACTOR < abs(previous)


def outlier_message(previous: Decimal, previous_year: int, *, confirmable: bool = True) -> str:
    """The warning for a value far from last year's approved one."""
    text = _(
        "Deze waarde verschilt meer dan een factor tien van de goedgekeurde waarde van "
        "%(year)s (%(value)s). Kijk ze na"
    ) % {"year": previous_year, "value": number_format(previous, use_l10n=True)}
    if confirmable:
        return text + _(", of bevestig dat ze klopt.")
    return text + _("; een uitzonderlijke waarde bevestig je in de fiche zelf.")


def check_outliers(fiche: Fiche, numbers: Mapping[int, Decimal]) -> None:
    """``numbers``: {indicator id: the value entered for the fiche's year}."""
    if not numbers:
        return
    previous = counted_values(
        IndicatorValue.objects.filter(
            indicator_id__in=numbers, year=fiche.year - 1, value__isnull=False
        )
    ).values_list("indicator_id", "value")
    found = {
        indicator_value_key(indicator_id): outlier_message(value, fiche.year - 1)
        for indicator_id, value in previous
        if value is not None and is_outlier(value, numbers[indicator_id])
    }
    if found:
        raise OutliersSuspected(found)
