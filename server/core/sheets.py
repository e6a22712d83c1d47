"""Writing a ledger (台账) to a file, for every domain that hands one out: its columns (Chinese headers, widths, kinds)
and its rows, as XLSX through openpyxl's write-only mode, or CSV (UTF-8 with a BOM, which Excel needs to read it as
UTF-8). Rows go straight to the file as they come: nothing but one batch is held.

Times are shown in Asia/Shanghai (stored in UTC): in XLSX as Excel dates with a date-time format (openpyxl gives
every datetime cell `yyyy-mm-dd h:mm:ss`: no styled cell per value, which would cost a Python object a cell), so
they sort and filter as times; in CSV as `YYYY-MM-DD HH:MM:SS`. Numbers stay numbers (cells of type n), never text.
"""

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from server.core.i18n import SHANGHAI

TEXT, TIME, NUMBER, INTEGER = "text", "time", "number", "integer"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Column:
    header: str  # Chinese: the ledger goes to the city as it is
    width: int  # in characters, as Excel counts them
    kind: str = TEXT


def _done(written: int) -> None:
    """The progress of a ledger nobody waits on."""


def local(value: datetime | None) -> datetime | None:
    """A stored UTC time as Shanghai's wall clock, naive (Excel has no zones)."""
    if value is None:
        return None
    return value.astimezone(SHANGHAI).replace(tzinfo=None)


def write_xlsx(
    path, title: str, columns: tuple[Column, ...], batches: Iterable[list[tuple]], progress: Callable = _done
) -> int:
    """Write the ledger to `path` (a file name or a binary file): one sheet, a frozen header row, the columns'
    widths, Shanghai times; how many rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        header.append(cell)
    sheet.append(header)
    times = [index for index, column in enumerate(columns) if column.kind == TIME]
    written = 0
    for batch in batches:
        for values in batch:
            row = list(values)
            for index in times:  # a datetime cell gets a date-time number format of its own (yyyy-mm-dd h:mm:ss)
                if row[index] is not None:
                    row[index] = local(row[index])
            sheet.append(row)
        written += len(batch)
        progress(written)
    book.save(path)
    return written


def write_csv(path, columns: tuple[Column, ...], batches: Iterable[list[tuple]], progress: Callable = _done) -> int:
    """Write the ledger to `path` as CSV, UTF-8 with a BOM (Excel then reads the Chinese as it is); how many rows."""
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        return csv_rows(file, columns, batches, progress)


def csv_rows(file, columns: tuple[Column, ...], batches: Iterable[list[tuple]], progress: Callable = _done) -> int:
    """The CSV's header and rows, to a text file (the BOM is the file's encoding's)."""
    times = [index for index, column in enumerate(columns) if column.kind == TIME]
    writer = csv.writer(file)
    writer.writerow([column.header for column in columns])
    written = 0
    for batch in batches:
        for values in batch:
            row = list(values)
            for index in times:
                row[index] = "" if row[index] is None else local(row[index]).strftime("%Y-%m-%d %H:%M:%S")
            writer.writerow(["" if value is None else value for value in row])
        written += len(batch)
        progress(written)
    return written
