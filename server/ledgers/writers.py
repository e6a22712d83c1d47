"""Writing a ledger's rows to a file: XLSX through openpyxl's write-only mode, or CSV (UTF-8 with a BOM, which
Excel needs to read it as UTF-8). Rows go straight to the file as they come: nothing but one batch is held.

Times are shown in Asia/Shanghai (stored in UTC): in XLSX as Excel dates with a date-time format (openpyxl gives
every datetime cell `yyyy-mm-dd h:mm:ss`: no styled cell per value, which would cost a Python object a cell), so
they sort and filter as times; in CSV as `YYYY-MM-DD HH:MM:SS`. Numbers stay numbers (cells of type n), never text.
"""

import csv
from collections.abc import Callable, Iterable
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from server.core.i18n import SHANGHAI
from server.ledgers.sheets import TIME, Column

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


def local(value: datetime | None) -> datetime | None:
    """A stored UTC time as Shanghai's wall clock, naive (Excel has no zones)."""
    if value is None:
        return None
    return value.astimezone(SHANGHAI).replace(tzinfo=None)


def write_xlsx(path, title: str, columns: tuple[Column, ...], batches: Iterable[list[tuple]], progress: Callable):
    """Write the ledger to `path`: one sheet, a frozen header row, the columns' widths, Shanghai times."""
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


def write_csv(path, columns: tuple[Column, ...], batches: Iterable[list[tuple]], progress: Callable):
    """Write the ledger to `path` as CSV, UTF-8 with a BOM (Excel then reads the Chinese as it is)."""
    times = [index for index, column in enumerate(columns) if column.kind == TIME]
    written = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([column.header for column in columns])
        for batch in batches:
            for values in batch:
                row = list(values)
                for index in times:
                    row[index] = "" if row[index] is None else local(row[index]).strftime("%Y-%m-%d %H:%M:%S")
                writer.writerow(["" if value is None else value for value in row])
            written += len(batch)
            progress(written)
    return written
