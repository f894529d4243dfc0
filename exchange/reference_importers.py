"""Spreadsheet imports of the reference data AJH keeps: ministers (one row per holder of a
portfolio) and administrations. Same contract as the other imports: every row is checked
first (a dry run checks exactly what applying checks), applying writes everything through
the services in one transaction or nothing, with the file name as history reason, and an
export imported unchanged changes nothing. Nothing is ever deleted: a row missing from the
file leaves its portfolio, holder or administration as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from actionplan.columns import (
    ADMINISTRATION_COLUMNS,
    ADMINISTRATION_LABEL,
    MINISTER_COLUMNS,
    MINISTER_LABEL,
    Column,
)
from actionplan.models import Administration, Minister, Plan, PolicyDomain, PortfolioHolder, User
from actionplan.selectors import administrations_with_ministers, ministers_with_holders
from actionplan.services import (
    administration_save,
    holder_overlap_message,
    minister_save,
    portfolio_holder_save,
)
from exchange.importers import ImportResult
from exchange.spreadsheets import Table, require_columns

REQUIRED = _("Verplichte waarde ontbreekt.")


def _rows(table: Table, columns: Sequence[Column[Any]]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, cells by column name) of every non-empty row."""
    positions = require_columns(table, [column.header for column in columns])
    for number, row in enumerate(table.rows, start=2):
        if any(row):
            yield number, {c.name: row[positions[c.header.lower()]] for c in columns}


def _read(
    cells: dict[str, str], columns: Sequence[Column[Any]], err: Callable[[str, str], None]
) -> dict[str, Any]:
    """Every readable cell as its value; an unreadable one is an error on its column."""
    values: dict[str, Any] = {}
    for column in columns:
        if column.parse is None:
            continue
        try:
            values[column.name] = column.read(cells[column.name])
        except ValueError as exc:
            err(column.name, str(exc))
    return values


def _named(
    names: list[str], table: dict[str, Any], message: str, err: Callable[[str], None]
) -> list[Any]:
    """The rows a list cell names (by lower-case key); every unknown name is an error."""
    found = []
    for name in names:
        item = table.get(name.lower())
        if item is None:
            err(message % {"v": name})
        elif item not in found:
            found.append(item)
    return found


def _clean(
    obj: models.Model, err: Callable[[str, str], None], *, where: str, exclude: list[str]
) -> None:
    """The model's own validation, each message on its column (rules of the whole row on
    ``where``)."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                err(where if name == NON_FIELD_ERRORS else name, message)


def _count(result: ImportResult, outcome: str, number: int, key: str, fields: list[str]) -> None:
    setattr(result, outcome, getattr(result, outcome) + 1)
    if outcome != "unchanged":
        change = "create" if outcome == "created" else "update"
        result.changes.append({"row": number, "code": key, "change": change, "fields": fields})


def _only_coordinators(user: User) -> None:
    if not user.is_coordinator:
        raise PermissionDenied(_("Alleen de coördinator importeert referentiegegevens."))


# --- Ministers ---------------------------------------------------------------------------


@dataclass
class _Portfolio:
    row: int
    minister: Minister
    administrations: list[Administration]
    changed: list[str]
    holders: list[tuple[int, PortfolioHolder, list[str]]] = field(default_factory=list)


def ministers_import(
    *,
    table: Table,
    plan: Plan,
    user: User,
    filename: str,
    dry_run: bool,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check (and unless ``dry_run``, apply) portfolios, their holders and administrations."""
    _only_coordinators(user)
    result = ImportResult()
    existing = {m.name.lower(): m for m in ministers_with_holders()}
    administrations = {a.code.lower(): a for a in Administration.objects.all()}
    portfolios: dict[str, _Portfolio] = {}
    for number, cells in _rows(table, MINISTER_COLUMNS):
        before = len(result.errors)

        def err(name: str, message: str, number: int = number) -> None:
            result.error(number, MINISTER_LABEL[name], message)

        values = _read(cells, MINISTER_COLUMNS, err)
        if not cells["name"]:
            err("name", REQUIRED)
            continue
        wanted = _named(
            values.get("administrations", []),
            administrations,
            _("Onbekende administratie: %(v)s."),
            lambda message: err("administrations", message),
        )
        portfolio = portfolios.get(cells["name"].lower())
        if portfolio is None:
            portfolio = _portfolio(number, cells, values, wanted, existing, err)
            portfolios[cells["name"].lower()] = portfolio
        elif _portfolio_values(values) != _portfolio_values(vars(portfolio.minister)) or {
            a.pk for a in wanted
        } != {a.pk for a in portfolio.administrations}:
            err(
                "portfolio",
                _("Deze portefeuille staat op rij %(r)s met andere gegevens.")
                % {"r": portfolio.row},
            )
        holder = _holder(number, cells, values, portfolio, err)
        if len(result.errors) == before and holder is not None:
            portfolio.holders.append(holder)
    for portfolio in portfolios.values():
        _check_periods(portfolio, result)
        _count_portfolio(portfolio, result)
    if result.errors or dry_run:
        return result
    _apply_ministers(list(portfolios.values()), user, filename)
    result.applied = True
    return result


def _portfolio_values(values: dict[str, Any]) -> tuple[Any, ...]:
    """What a portfolio's rows must repeat identically."""
    return tuple(values.get(name) or None for name in ("portfolio", "term_start", "term_end"))


def _portfolio(
    number: int,
    cells: dict[str, str],
    values: dict[str, Any],
    wanted: list[Administration],
    existing: dict[str, Minister],
    err: Callable[[str, str], None],
) -> _Portfolio:
    minister = existing.get(cells["name"].lower()) or Minister(name=cells["name"])
    new = {
        "portfolio": values.get("portfolio", ""),
        "term_start": values.get("term_start"),
        "term_end": values.get("term_end"),
    }
    changed = [
        MINISTER_LABEL[name] for name, value in new.items() if getattr(minister, name) != value
    ]
    current = {a.pk for a in minister.administrations.all()} if minister.pk else set()
    if current != {a.pk for a in wanted}:
        changed.append(MINISTER_LABEL["administrations"])
    for name, value in new.items():
        setattr(minister, name, value)
    _clean(minister, err, where="term_end", exclude=[])
    return _Portfolio(number, minister, wanted, changed)


def _holder(
    number: int,
    cells: dict[str, str],
    values: dict[str, Any],
    portfolio: _Portfolio,
    err: Callable[[str, str], None],
) -> tuple[int, PortfolioHolder, list[str]] | None:
    person, valid_from = cells["person_name"], values.get("valid_from")
    if not (person or cells["valid_from"] or cells["valid_to"]):
        return None  # a portfolio without holders
    if not person:
        err("person_name", REQUIRED)
    if not cells["valid_from"]:
        err("valid_from", REQUIRED)
    if not person or valid_from is None:
        return None
    minister = portfolio.minister
    holder = (
        next((h for h in minister.holders.all() if h.valid_from == valid_from), None)
        if minister.pk
        else None
    )
    for other_row, other, _changed in portfolio.holders:
        if other.valid_from == valid_from:
            err(
                "valid_from",
                _("Deze minister en begindatum staan al op rij %(r)s.") % {"r": other_row},
            )
            return None
    changed = []
    if holder is None:
        holder = PortfolioHolder(valid_from=valid_from)
    for name, value in (("person_name", person), ("valid_to", values.get("valid_to"))):
        if holder.pk is None or getattr(holder, name) != value:
            changed.append(MINISTER_LABEL[name])
        setattr(holder, name, value)
    _clean(holder, err, where="valid_to", exclude=["minister"])
    return number, holder, changed


def _check_periods(portfolio: _Portfolio, result: ImportResult) -> None:
    """The periods as they will be: the file's and the stored ones the file leaves alone."""
    in_file = [holder for _row, holder, _changed in portfolio.holders]
    kept = [
        h
        for h in (portfolio.minister.holders.all() if portfolio.minister.pk else [])
        if h.pk not in {holder.pk for holder in in_file}
    ]
    for number, holder, _changed in portfolio.holders:
        message = holder_overlap_message(holder, [*in_file, *kept])
        if message:
            result.error(number, MINISTER_LABEL["valid_from"], message)


def _count_portfolio(portfolio: _Portfolio, result: ImportResult) -> None:
    name = portfolio.minister.name
    if not portfolio.holders:
        outcome = (
            "created"
            if portfolio.minister.pk is None
            else ("updated" if portfolio.changed else "unchanged")
        )
        _count(result, outcome, portfolio.row, name, portfolio.changed)
        return
    for number, holder, changed in portfolio.holders:
        fields = changed + (portfolio.changed if number == portfolio.row else [])
        if portfolio.minister.pk is None or holder.pk is None:
            _count(result, "created", number, name, fields)
        else:
            _count(result, "updated" if fields else "unchanged", number, name, fields)


@transaction.atomic
def _apply_ministers(portfolios: list[_Portfolio], user: User, filename: str) -> None:
    reason = _("import %(file)s") % {"file": filename}
    for portfolio in portfolios:
        minister = portfolio.minister
        if minister.pk is None or portfolio.changed:
            minister._history_user = user  # type: ignore[attr-defined]
            minister_save(
                minister=minister, administrations=portfolio.administrations, reason=reason
            )
        # Changed periods before new ones: a reshuffle ends one period, then starts one.
        changed = [h for _row, h, fields in portfolio.holders if fields]
        for holder in sorted(changed, key=lambda h: h.pk is None):
            holder.minister = minister
            holder._history_user = user  # type: ignore[attr-defined]
            portfolio_holder_save(holder=holder, reason=reason)


# --- Administrations ---------------------------------------------------------------------


@dataclass
class _AdministrationRow:
    row: int
    administration: Administration
    ministers: list[Minister]
    changed: list[str]


def administrations_import(
    *,
    table: Table,
    plan: Plan,
    user: User,
    filename: str,
    dry_run: bool,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check (and unless ``dry_run``, apply) administrations and the ministers they fall
    under."""
    _only_coordinators(user)
    result = ImportResult()
    existing = {a.code.lower(): a for a in administrations_with_ministers()}
    domains = {d.code.lower(): d for d in PolicyDomain.objects.all()}
    ministers = {m.name.lower(): m for m in Minister.objects.prefetch_related("administrations")}
    seen: dict[str, int] = {}
    rows: list[_AdministrationRow] = []
    for number, cells in _rows(table, ADMINISTRATION_COLUMNS):
        before = len(result.errors)

        def err(name: str, message: str, number: int = number) -> None:
            result.error(number, ADMINISTRATION_LABEL[name], message)

        values = _read(cells, ADMINISTRATION_COLUMNS, err)
        for name in ("code", "name"):
            if not cells[name]:
                err(name, REQUIRED)
        key = cells["code"].lower()
        if key in seen:
            err("code", _("Deze code staat al op rij %(r)s.") % {"r": seen[key]})
            continue
        seen[key] = number
        domain = None
        if cells["policy_domain"]:
            domain = domains.get(cells["policy_domain"].lower())
            if domain is None:
                err(
                    "policy_domain",
                    _("Onbekend beleidsdomein: %(v)s.") % {"v": cells["policy_domain"]},
                )
        listed = _named(
            values.get("ministers", []),
            ministers,
            _("Onbekende minister: %(v)s."),
            lambda message: err("ministers", message),
        )
        administration = existing.get(key) or Administration(code=cells["code"])
        new = {"name": values.get("name", ""), "policy_domain": domain}
        changed = [
            ADMINISTRATION_LABEL[name]
            for name, value in new.items()
            if getattr(administration, name) != value
        ]
        current = {m.pk for m in administration.ministers.all()} if administration.pk else set()
        if current != {m.pk for m in listed}:
            changed.append(ADMINISTRATION_LABEL["ministers"])
        for name, value in new.items():
            setattr(administration, name, value)
        _clean(administration, err, where="code", exclude=[])
        if len(result.errors) > before:
            continue
        outcome = "created" if administration.pk is None else "updated" if changed else "unchanged"
        _count(result, outcome, number, administration.code, changed)
        rows.append(_AdministrationRow(number, administration, listed, changed))
    if result.errors or dry_run:
        return result
    _apply_administrations(rows, list(ministers.values()), user, filename)
    result.applied = True
    return result


@transaction.atomic
def _apply_administrations(
    rows: list[_AdministrationRow], ministers: list[Minister], user: User, filename: str
) -> None:
    reason = _("import %(file)s") % {"file": filename}
    for row in rows:
        if row.changed:
            row.administration._history_user = user  # type: ignore[attr-defined]
            administration_save(administration=row.administration, reason=reason)
    # The link lives on the minister: each minister whose administrations change is saved
    # once, with all of them (one history record).
    in_file = {row.administration.pk for row in rows}
    for minister in ministers:
        current = {a.pk for a in minister.administrations.all()}
        wanted = (current - in_file) | {
            row.administration.pk for row in rows if minister in row.ministers
        }
        if wanted != current:
            minister._history_user = user  # type: ignore[attr-defined]
            minister_save(minister=minister, administrations=wanted, reason=reason)
