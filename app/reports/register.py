"""The register (sổ theo dõi hồ sơ) of one unit for a range of receipt dates: its rows in one query, and as XLSX.

Form 06 of Circular 01/2018/TT-VPCP (kept by Circular 03/2025/TT-VPCP): one line per dossier with
its code, request, sets, applicant, address and phone, received, due and returned times, and who
collected the result. `app/dossiers/register_export.py` writes the machine-readable register that
imports back (codes, ISO times); this one is the paper a person reads, with Vietnamese headings.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased, joinedload

from app.dossiers.lifecycle import Action, DossierState
from app.dossiers.models import Dossier, DossierEvent, Outcome
from app.extensions import db
from app.spreadsheet_text import append_row
from app.units.models import Unit

# Beyond this many rows the PDF would run to hundreds of A4 pages: the XLSX serves such ranges.
MAX_PDF_ROWS = 5000
HEADINGS = ["STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số bộ", "Người nộp", "Địa chỉ", "Số điện thoại",
            "Tiếp nhận", "Hẹn trả", "Trả kết quả", "Kết quả", "Người nhận kết quả / ghi chú"]


@dataclass(frozen=True)
class RegisterLine:
    number: int
    code: str
    procedure: str
    sets_count: int
    applicant: str
    address: str
    phone: str
    received_at: datetime
    due_at: datetime
    returned_at: datetime | None
    result: str
    collected_by: str


def _bounds(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """[first_day 00:00, the day after last_day 00:00): both days included."""
    return datetime.combine(first_day, time.min), datetime.combine(last_day + timedelta(days=1), time.min)


def _in_range(stmt: Select, unit: Unit, first_day: date, last_day: date) -> Select:
    start, end = _bounds(first_day, last_day)
    return stmt.where(Dossier.unit_id == unit.id, Dossier.received_at >= start, Dossier.received_at < end)


def register_count(unit: Unit, first_day: date, last_day: date) -> int:
    return db.session.scalar(_in_range(select(func.count(Dossier.id)), unit, first_day, last_day))


def _result(dossier: Dossier) -> str:
    """What became of the dossier, as the register's result column says it."""
    state = DossierState(dossier.state)
    if state in (DossierState.FINISHED, DossierState.RETURNED) and dossier.outcome:
        label = "Từ chối" if dossier.outcome == Outcome.REFUSED else "Có kết quả"
        return f"{label} ({dossier.resolution_label.lower()})" if dossier.resolution else label
    if state in (DossierState.WITHDRAWN, DossierState.STOPPED):
        return state.label
    return state.label  # still open: where it is


def register_lines(unit: Unit, first_day: date, last_day: date) -> list[RegisterLine]:
    """The unit's dossiers received from `first_day` to `last_day` (both included), in receipt order.

    One query: the procedure is joined in, and the note of the return event (the name of whoever
    collected the result, when not the applicant) comes from an outer join on that one event — a
    dossier is returned at most once (FINISHED → RETURNED).
    """
    returned = aliased(DossierEvent)
    stmt = (
        select(Dossier, returned.note)
        .outerjoin(returned, and_(returned.dossier_id == Dossier.id, returned.action == Action.RETURN_RESULT.value))
        .options(joinedload(Dossier.procedure))
        .order_by(Dossier.received_at, Dossier.id)
    )
    lines = []
    for number, (dossier, return_note) in enumerate(db.session.execute(_in_range(stmt, unit, first_day, last_day)),
                                                    start=1):
        if dossier.returned_at is not None:
            collected_by = return_note or f"{dossier.applicant_name} (người nộp)"
        else:
            # Not collected (yet): a resolved dossier's note says why (refusal reasons, withdrawal, stop).
            collected_by = dossier.result_note if dossier.resolved_at else ""
        lines.append(RegisterLine(
            number=number, code=dossier.code, procedure=dossier.procedure.name, sets_count=dossier.sets_count,
            applicant=dossier.applicant_name, address=dossier.applicant_address, phone=dossier.applicant_phone,
            received_at=dossier.received_at, due_at=dossier.due_at, returned_at=dossier.returned_at,
            result=_result(dossier), collected_by=collected_by,
        ))
    return lines


def register_xlsx(lines: list[RegisterLine], title_lines: list[str]) -> bytes:
    """The register as an .xlsx workbook: title lines, the headings, one row per line (times as dates)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sổ theo dõi hồ sơ"
    for text in title_lines:
        append_row(sheet, [text])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    append_row(sheet, HEADINGS)
    heading_row = sheet.max_row
    for cell in sheet[heading_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for line in lines:
        append_row(sheet, [line.number, line.code, line.procedure, line.sets_count, line.applicant, line.address,
                      line.phone, line.received_at, line.due_at, line.returned_at, line.result, line.collected_by])
        for column in (8, 9, 10):
            sheet.cell(row=sheet.max_row, column=column).number_format = "dd/mm/yyyy hh:mm"
    for column, width in zip("ABCDEFGHIJKL", (6, 28, 45, 7, 28, 35, 14, 17, 17, 17, 24, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = sheet.cell(row=heading_row + 1, column=1)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
