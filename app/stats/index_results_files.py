"""The published index results as files: the announcement (thông báo) PDF in the form of Decree 30/2020/NĐ-CP
and the XLSX table. Both take every figure from `IndexResults`, as the page does."""
import io
from datetime import date

from flask import render_template
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.reports.pdf import FONT_FAMILY, render_pdf
from app.stats.index_service import IndexResults
from app.stats.par_results import change_text, percent_text

def results_filename(results: IndexResults, extension: str) -> str:
    """ASCII: the unit code, the year and the rubric code."""
    return f"ket-qua-chi-so-{results.parent.code}-{results.year}-{results.rubric.code}.{extension}"


def render_results_pdf(results: IndexResults, today: date, number: str = "") -> bytes:
    html = render_template("reports/index_results.html", r=results, today=today, number=number,
                           font_family=FONT_FAMILY,
                           percent_text=percent_text, change_text=change_text)
    return render_pdf(html)


def _text_cell(sheet, row: int, column: int, value: str):
    """A text cell that stays text: a unit named "=…" must never become a formula in the reader's Excel."""
    cell = sheet.cell(row, column)
    cell.value = value
    cell.data_type = "s"
    return cell


def results_xlsx(results: IndexResults) -> bytes:
    """One sheet: title rows, each block's sentence, then one row per unit with its percentage (a number
    with two decimals, as published), rank, band, last year's percentage, the change and each area's points."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kết quả chỉ số"
    title = f"Kết quả Chỉ số cải cách hành chính năm {results.year}: các đơn vị trực thuộc {results.parent.name}"
    workbook.properties.title = title
    _text_cell(sheet, 1, 1, title).font = Font(bold=True, size=13)
    _text_cell(sheet, 2, 1, f"Bộ tiêu chí {results.rubric.code}: {results.rubric.name}; số liệu từ "
                            f"{results.start:%d/%m/%Y} đến {results.end:%d/%m/%Y}")
    row = 3
    if results.is_demo:
        _text_cell(sheet, row, 1, "Dữ liệu mẫu (demo), không phải kết quả công bố thật.")
        row += 1
    for group in results.results.groups:
        _text_cell(sheet, row, 1, group.sentence())
        row += 1
    row += 1
    areas = next(iter(results.areas.values()), ())
    header = ["Khối", "Mã đơn vị", "Đơn vị", "Điểm", "Điểm tối đa", "Chỉ số CCHC (%)", "Xếp hạng", "Nhóm",
              f"Năm {results.year - 1} (%)", "Thay đổi (điểm %)"] + [f"{area.code} (tối đa {area.max_points:g})"
                                                                     for area in areas]
    header_row = row
    for column, label in enumerate(header, start=1):
        cell = _text_cell(sheet, header_row, column, label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F6")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for line in results.results.lines:
        row += 1
        unit_areas = results.areas.get(line.key, ())
        score_points = sum((area.points for area in unit_areas), 0)
        score_max = sum((area.max_points for area in unit_areas), 0)
        _text_cell(sheet, row, 1, line.block.label)
        _text_cell(sheet, row, 2, line.code)
        _text_cell(sheet, row, 3, line.name)
        numbers = [(4, score_points, "0.00"), (5, score_max, "0.00"),
                   (6, line.percent, "0.00"), (9, line.last_percent, "0.00"), (10, line.change, "+0.00;-0.00;0")]
        for column, value, number_format in numbers:
            if value is not None:
                cell = sheet.cell(row, column, float(value))
                cell.number_format = number_format
        _text_cell(sheet, row, 7, line.rank_label)
        _text_cell(sheet, row, 8, line.band.label if line.band else "—")
        for offset, area in enumerate(unit_areas):
            sheet.cell(row, 11 + offset, float(area.points)).number_format = "0.00"
    widths = [18, 16, 30, 9, 9, 12, 10, 20, 11, 11] + [12] * len(areas)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
