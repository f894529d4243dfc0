"""Reading and writing spreadsheets (XLSX and CSV), safely.

CSV is written in UTF-8 with a BOM and ``;`` as separator, which is what spreadsheet programs
in Belgium open correctly. Text cells starting with ``=``, ``+``, ``-`` or ``@`` are prefixed
with an apostrophe so that no formula runs when the file is opened; reading strips that
prefix again, so an export imported unchanged changes nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

from django.core.files import File
from django.utils.translation import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message is for the user (Dutch)."""


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]  # every cell as text, stripped; row numbers start at 2


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        # A number cell: written with a decimal comma, so that 1.234 (a float) is not read
        # as 1234 by parse_number, for which a dot before three digits groups thousands.
        return format(Decimal(repr(value)), "f").replace(".", ",")
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# --- Writing ---------------------------------------------------------------------------


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return neutralise(value)


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        # Text stays text: a string that looks like a formula is neutralised.
        return neutralise(value)
    return value


# --- Reading ---------------------------------------------------------------------------


def read_table(upload: BinaryIO | File, *, filename: str, size: int | None = None) -> Table:
    """Read the first sheet of an XLSX file, or a CSV file; refuse anything else."""
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            _("Het bestand is te groot (%(size)s MB); het maximum is %(max)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "max": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            _("Het bestand is te groot; het maximum is %(max)s MB.")
            % {"max": MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    if not data:
        raise SpreadsheetError(_("Het bestand is leeg."))
    name = filename.lower()
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise SpreadsheetError(
            _(
                "Dit bestand is beveiligd met een wachtwoord of is een oud Excel-bestand (.xls). "
                "Sla het op als .xlsx zonder wachtwoord, of als CSV."
            )
        )
    if data[:2] == b"PK" or name.endswith(".xlsx"):
        table = _read_xlsx(data)
    elif name.endswith((".csv", ".txt")):
        table = _read_csv(data)
    else:
        raise SpreadsheetError(
            _("Dit bestandstype wordt niet ondersteund. Gebruik een Excel-bestand (.xlsx) of CSV.")
        )
    if not table.header:
        raise SpreadsheetError(_("Het bestand heeft geen kopregel met kolomnamen."))
    if len(table.rows) > MAX_ROWS:
        raise SpreadsheetError(_("Het bestand heeft meer dan %(max)s rijen.") % {"max": MAX_ROWS})
    return table


def _cell(text: str) -> str:
    """A cell as the importers read it: trimmed, a byte-order mark that a program left at its
    start dropped (the one invisible character removed rather than refused), a neutralised
    formula restored."""
    return unneutralise(text.strip().lstrip("\ufeff").strip())


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise SpreadsheetError(
            _("Dit Excel-bestand is beschadigd of geen geldig .xlsx-bestand.")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = [[_cell(_cell_text(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _table(rows)


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise SpreadsheetError(_("Het CSV-bestand is niet in UTF-8 opgeslagen.")) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        rows = [
            [_cell(cell) for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise SpreadsheetError(
            _("Het CSV-bestand kan niet gelezen worden: %(e)s") % {"e": exc}
        ) from exc
    return _table(rows)


def _table(rows: list[list[str]]) -> Table:
    rows = [row for row in rows]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        return Table([], [])
    header = [h.strip() for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    body = [(row + [""] * width)[:width] for row in rows[1:]]
    return Table(header, body)


def require_columns(table: Table, required: Sequence[str]) -> dict[str, int]:
    """Column positions by name; a clear message naming every missing column."""
    positions = {name.lower(): i for i, name in enumerate(table.header)}
    missing = [name for name in required if name.lower() not in positions]
    if missing:
        raise SpreadsheetError(
            _(
                "Deze kolommen ontbreken: %(cols)s. Gebruik het sjabloon of een export als "
                "vertrekpunt."
            )
            % {"cols": ", ".join(missing)}
        )
    return positions
