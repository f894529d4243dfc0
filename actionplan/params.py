"""Query parameters read strictly, for pages and API alike.

A year, a number or a filter value that cannot be honoured is refused (400, naming the
parameter in Dutch), never silently replaced by a default: ``/dashboard/?year=abc`` once
showed the current year as if that had been asked. Parameters a page does not know stay
ignored; only the values of the ones it reads are checked.

Pages answer ``InvalidQuery`` with the 400 page (``actionplan.bad_request``), the API
with ``{"year": ["..."]}`` (``actionplan.api_errors``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_filters import FilterSet

    from actionplan.models import Plan

# Calendar years, wherever a year is asked for: the query parameters here, the list filters
# (``actionplan.filters.YearFilter``) and the bodies (``actionplan.api_fields.YearField``)
# refuse others, and the OpenAPI schema publishes the same bounds (``actionplan.schema``).
YEAR_MIN = 2000
YEAR_MAX = 2100

# A value is echoed in the message only this far: the message is for a person.
ECHO_MAX = 40


def _echo(raw: str) -> str:
    return raw if len(raw) <= ECHO_MAX else raw[:ECHO_MAX] + "…"


class InvalidQuery(BadRequest):
    """Query parameters that cannot be honoured, with the Dutch messages per parameter."""

    def __init__(self, errors: Mapping[str, Sequence[Any]]) -> None:
        self.errors = {name: [str(m) for m in messages] for name, messages in errors.items()}
        super().__init__(" ".join(m for messages in self.errors.values() for m in messages))


class QueryParams:
    """Reads the parameters of one request and gathers every refusal; ``check()`` raises
    them together, so a person sees all that is wrong at once."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = params
        self.errors: dict[str, list[str]] = {}

    def _raw(self, name: str) -> str:
        value = self.params.get(name)
        return str(value).strip() if value is not None else ""

    def refuse(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def integer(self, name: str, *, low: int = 1, high: int = 2**31 - 1) -> int | None:
        """A whole number in ``[low, high]``, or None when absent or empty (ASCII digits only:
        ``int()`` would read Arabic-Indic digits too)."""
        raw = self._raw(name)
        if not raw:
            return None
        if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
            self.refuse(
                name,
                _("Geef een geheel getal van %(low)s tot %(high)s, niet ‘%(value)s’.")
                % {"low": low, "high": high, "value": _echo(raw)},
            )
            return None
        return int(raw)

    def year(self, plan: Plan | None = None, name: str = "year") -> int | None:
        """A year of ``plan`` (any year from ``YEAR_MIN`` to ``YEAR_MAX`` without a plan), or
        None."""
        raw = self._raw(name)
        if not raw:
            return None
        years: Iterable[int] = plan.years if plan is not None else range(YEAR_MIN, YEAR_MAX + 1)
        if raw.isascii() and raw.isdigit() and int(raw) in years:
            return int(raw)
        if plan is not None:
            message = _("Kies een jaar van het plan (%(a)s–%(b)s), niet ‘%(value)s’.") % {
                "a": plan.start_year,
                "b": plan.end_year,
                "value": _echo(raw),
            }
        else:
            message = _("Geef een jaartal van 2000 tot 2100, niet ‘%(value)s’.") % {
                "value": _echo(raw)
            }
        self.refuse(name, message)
        return None

    def choice(self, name: str, choices: Iterable[str]) -> str:
        """One of ``choices``, or "" when absent or empty."""
        raw = self._raw(name)
        allowed = list(choices)
        if raw and raw not in allowed:
            self.refuse(
                name,
                _("Onbekende waarde ‘%(value)s’; kies uit: %(choices)s.")
                % {"value": _echo(raw), "choices": ", ".join(allowed)},
            )
            return ""
        return raw

    def filter[F: FilterSet](self, filterset: F) -> F:
        """A bound filter set whose values are all valid (its form's messages otherwise)."""
        if filterset.is_bound and not filterset.is_valid():
            for name, messages in filterset.errors.items():
                for message in messages:
                    self.refuse(name, str(message))
        return filterset

    def check(self) -> None:
        if self.errors:
            raise InvalidQuery(self.errors)
