"""The Report 06 table (Circular 01/2020/TT-VPCP, mẫu 06) as rows of cells: its header and one row per field,
then the total. Beside the engine so that every writer — the dashboard, the CSV/XLSX exports, the quarterly
and monthly reports (PDF and DOCX), `flask report figures --format csv` — lays out the same numbers, and so
that the report modules and the command line do not import each other."""
from app.stats.figures import Counts, Report06

CSV_HEADER = [
    "Lĩnh vực", "Tổng số tiếp nhận", "Kỳ trước chuyển qua", "Tiếp nhận trực tuyến", "Tiếp nhận trực tiếp, bưu chính",
    "Tổng số đã giải quyết", "Trước hạn", "Đúng hạn", "Quá hạn",
    "Tổng số đang giải quyết", "Trong hạn", "Quá hạn (đang giải quyết)",
]


def counts_cells(name: str, c: Counts) -> list:
    """One row of the table: the field's name and its eleven counts, in CSV_HEADER's order."""
    return [name, c.received, c.carried_over, c.online, c.direct_or_post, c.resolved, c.early, c.on_time,
            c.late, c.pending, c.within_time, c.overdue]


def report_06_rows(report: Report06) -> list[list]:
    """The Report 06 table: one row per field, then the total."""
    return [counts_cells(name, counts) for name, counts in report.rows] + [counts_cells("Tổng số", report.total)]
