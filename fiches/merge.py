"""Three-way merge of a fiche saved from a version that is no longer the current one.

Pure functions, no database: the service (``fiches.services.fiche_save_merging``) loads the
three sides and writes the result.

- *base*: the fiche (and its indicator values) as it was in the version the user started
  from, read back from history;
- *theirs*: the fiche as it is now, after someone else's save(s);
- *mine*: what this user sends.

A field only one side changed takes that side's value; a field both sides changed to
different values is a conflict that the user resolves explicitly. An indicator's value is
one unit (number, "no data", its reason, the assessment and the breakdown move together):
half of one person's measurement next to half of another's would be a figure nobody gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol


@dataclass(frozen=True)
class Merge:
    """The outcome for each key of *mine*.

    ``merged``: the value to keep, for the keys without conflict; ``theirs_kept``: keys only
    the other person changed (their value stays); ``conflicts``: keys both changed to
    different values (in ``merged`` neither side wins: they are absent).
    """

    merged: dict[str, Any]
    theirs_kept: tuple[str, ...]
    conflicts: tuple[str, ...]


def three_way_merge(
    *, base: Mapping[str, Any], theirs: Mapping[str, Any], mine: Mapping[str, Any]
) -> Merge:
    """Merge *mine* into *theirs*, knowing both started from *base*.

    A key missing from *base* or *theirs* counts as ``None`` (e.g. an indicator value that
    did not exist yet). Keys of *theirs* that *mine* does not mention are not in the result:
    the caller leaves them as they are.
    """
    merged: dict[str, Any] = {}
    theirs_kept: list[str] = []
    conflicts: list[str] = []
    for key, my_value in mine.items():
        old, their_value = base.get(key), theirs.get(key)
        if my_value == old:
            merged[key] = their_value
            if their_value != old:
                theirs_kept.append(key)
        elif their_value in (old, my_value):
            merged[key] = my_value
        else:
            conflicts.append(key)
    return Merge(merged=merged, theirs_kept=tuple(theirs_kept), conflicts=tuple(conflicts))


@dataclass(frozen=True)
class ValueState:
    """An indicator's value for a year, normalised so that equal measurements compare equal
    (12.5 == 12.50; a breakdown without empty categories; no reason without "no data")."""

    value: Decimal | None = None
    no_data: bool = False
    no_data_reason: str = ""
    assessment: str = ""
    breakdown: tuple[tuple[str, Decimal], ...] = ()

    @classmethod
    def of(
        cls,
        *,
        value: Decimal | None = None,
        no_data: bool = False,
        no_data_reason: str = "",
        assessment: str = "",
        breakdown: Mapping[str, Any] | None = None,
    ) -> ValueState:
        return cls(
            value=None if no_data else value,
            no_data=no_data,
            no_data_reason=(no_data_reason or "").strip() if no_data else "",
            assessment=assessment or "",
            breakdown=tuple(
                sorted(
                    (key, Decimal(str(item)))
                    for key, item in (breakdown or {}).items()
                    if item not in (None, "")
                )
            ),
        )


class Measured(Protocol):
    """An indicator's value as a row, a history record or the input of a save."""

    @property
    def value(self) -> Decimal | None: ...
    @property
    def no_data(self) -> bool: ...
    @property
    def no_data_reason(self) -> str: ...
    @property
    def assessment(self) -> str: ...
    @property
    def breakdown(self) -> Any: ...


def value_state(value: Measured | None) -> ValueState:
    """The comparable state of an indicator's value (a missing one is empty)."""
    if value is None:
        return ValueState()
    return ValueState.of(
        value=value.value,
        no_data=value.no_data,
        no_data_reason=value.no_data_reason,
        assessment=value.assessment,
        breakdown=value.breakdown,
    )


class _Unknown:
    """A base that history does not hold: equal to nothing, so each difference between
    the two sides is a conflict."""

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0


UNKNOWN: Any = _Unknown()
