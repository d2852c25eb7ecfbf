"""Downloads of any figures table: CSV (UTF-8 with a BOM, so that Excel reads the diacritics) and XLSX.

A table is its header and rows of cells exactly as the page's table has them: counts as ints, rates as
the engine's fractions (0–1, None when there is no denominator), anything else as text. The Report 06
table comes from `app.stats.table06.report_06_rows`, so the CSV carries the same numbers as
`flask report figures --format csv`.
"""
import csv
import io
from dataclasses import dataclass, field

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.spreadsheet_text import csv_row, write_cell

NO_DATA = "không có dữ liệu"  # a rate with a zero denominator (DOMAIN.md "Rates")
MIMETYPES = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to any text/* type: saying it here doubles it
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class FiguresTable:
    title: str  # "Tình hình, kết quả giải quyết TTHC: Phường Hà Đông"
    subtitle: str  # the period, "Quý I/2026: từ 15/12/2025 đến 14/03/2026"
    header: list[str]
    rows: list[list]
    filename: str  # without extension; ASCII (unit code and dates)
    rate_columns: set[int] = field(default_factory=set)  # indexes of columns holding fractions 0–1
    total_rows: int = 0  # how many rows at the end are totals (bold)
    sheet_name: str = "Số liệu"


def as_csv(table: FiguresTable) -> str:
    """Header then rows; a missing rate is an empty cell, a rate is the engine's fraction (0.9852)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(csv_row(table.header))
    writer.writerows([csv_row("" if cell is None else cell for cell in row) for row in table.rows])
    return "\ufeff" + buffer.getvalue()


def as_xlsx(table: FiguresTable) -> bytes:
    """Title and period on rows 1–2, the header on row 4 (frozen), then the rows; totals in bold,
    counts as "#,##0", rates as "0.0%" (or "không có dữ liệu")."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.sheet_name[:31]
    workbook.properties.title = table.title
    write_cell(sheet, 1, 1, table.title).font = Font(bold=True, size=13)
    write_cell(sheet, 2, 1, table.subtitle)
    header_row = 4
    bold = Font(bold=True)
    for column, label in enumerate(table.header, start=1):
        cell = write_cell(sheet, header_row, column, label)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="EEF2F6")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    first_total = len(table.rows) - table.total_rows
    for offset, row in enumerate(table.rows):
        for column, value in enumerate(row, start=1):
            is_rate = column - 1 in table.rate_columns
            cell = write_cell(sheet, header_row + 1 + offset, column, NO_DATA if is_rate and value is None else value)
            if is_rate and value is not None:
                cell.number_format = "0.0%"
            elif isinstance(value, int):
                cell.number_format = "#,##0"
            if offset >= first_total:
                cell.font = bold
    for column, label in enumerate(table.header, start=1):
        longest = max([len(str(row[column - 1] or "")) for row in table.rows] + [min(len(label), 18)])
        sheet.column_dimensions[get_column_letter(column)].width = min(max(longest + 2, 10), 48)
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(table: FiguresTable, file_format: str) -> Response:
    """The table as an attachment named `{filename}.{csv|xlsx}`."""
    body = as_csv(table) if file_format == "csv" else as_xlsx(table)
    response = Response(body, mimetype=MIMETYPES[file_format])
    response.headers["Content-Disposition"] = f'attachment; filename="{table.filename}.{file_format}"'
    return response
