"""The feedback register as a file: `flask feedback import FILE.csv` (all or nothing, each problem by line and
column) and `flask feedback export FILE.csv` — so that a ward's paper or spreadsheet register of phản ánh,
kiến nghị fills in the same figures as the pages.

Columns: unit_code, received_at, channel, kind, citizen_name, citizen_contact, content, dossier_code,
procedure_code, assigned_to, answered_at, answer, satisfaction. Times `YYYY-MM-DDTHH:MM` local; `channel`
desk | phone | letter | portal | other; `kind` phan_anh | kien_nghi; `satisfaction` very_satisfied |
satisfied | unsatisfied or blank. The due time is computed (`FEEDBACK_ANSWER_DAYS` working days on the
unit's calendar), never read. A row identical to a stored item (same unit, receipt minute, name and
content) changes nothing; a stored item is never overwritten.
"""
import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy import select

from app.dossiers.models import Dossier
from app.dossiers.register_reading import parse_time
from app.extensions import db
from app.feedback.models import Feedback
from app.feedback.operations import FeedbackInput, FeedbackRefused, answer_feedback, assign_feedback, \
    rate_feedback, receive_feedback
from app.feedback.rules import FeedbackChannel, FeedbackKind, Satisfaction
from app.importing import ImportFileError, ImportProblem, read_csv_rows
from app.spreadsheet_text import csv_row, restore
from app.units.models import Unit
from app.units.scope import subtree_unit_ids
from app.worktime.clock import calendar_for

COLUMNS = ["unit_code", "received_at", "channel", "kind", "citizen_name", "citizen_contact", "content",
           "dossier_code", "procedure_code", "assigned_to", "answered_at", "answer", "satisfaction"]
LIMITS = {"citizen_name": 200, "citizen_contact": 200, "content": 4000, "assigned_to": 200, "answer": 4000,
          "dossier_code": 60, "procedure_code": 40}


# Written by the export, accepted and ignored by the import (the due time is computed), so that an export imports back.
EXPORT_ONLY = ["due_at", "resolution"]


def _header(path: str | Path) -> list[str]:
    with Path(path).open(encoding="utf-8-sig", errors="replace", newline="") as file:
        return [cell.strip().lower() for cell in next(csv.reader(file), [])]


@dataclass
class FeedbackImportReport:
    created: int = 0
    unchanged: int = 0


def import_feedback(path: str | Path, now: datetime, answer_days: int) -> FeedbackImportReport:
    rows = read_csv_rows(path, COLUMNS + [column for column in EXPORT_ONLY if column in _header(path)])
    units = {unit.code: unit for unit in db.session.scalars(select(Unit))}
    problems: list[ImportProblem] = []
    report = FeedbackImportReport()
    calendars = {}
    try:
        for line, raw in rows:
            raw = {name: restore(value) for name, value in raw.items()}
            before = len(problems)

            def bad(column, message):
                problems.append(ImportProblem(line, column, message))

            unit = units.get(raw["unit_code"])
            if unit is None:
                bad("unit_code", f"không có đơn vị mã «{raw['unit_code'][:40]}»")
            times = {}
            for column in ("received_at", "answered_at"):
                try:
                    times[column] = parse_time(raw[column])
                except ValueError as error:
                    bad(column, str(error))
            if "received_at" in times and times["received_at"] is None:
                bad("received_at", "thiếu thời điểm tiếp nhận")
            if raw["channel"] not in {c.value for c in FeedbackChannel}:
                bad("channel", f"«{raw['channel'][:20]}» không hợp lệ (desk, phone, letter, portal hoặc other)")
            if raw["kind"] not in {k.value for k in FeedbackKind}:
                bad("kind", f"«{raw['kind'][:20]}» không hợp lệ (phan_anh hoặc kien_nghi)")
            if raw["satisfaction"] and raw["satisfaction"] not in {s.value for s in Satisfaction}:
                bad("satisfaction", f"«{raw['satisfaction'][:20]}» không hợp lệ (very_satisfied, satisfied, "
                                    "unsatisfied hoặc để trống)")
            for column, limit in LIMITS.items():
                if len(raw[column]) > limit:
                    bad(column, f"dài quá {limit} ký tự")
            for column in ("citizen_name", "content"):
                if not raw[column]:
                    bad(column, "không được để trống")
            if raw["answer"] and times.get("answered_at") is None and "answered_at" in times:
                bad("answered_at", "có nội dung trả lời nhưng thiếu thời điểm trả lời")
            if times.get("answered_at") and not raw["answer"]:
                bad("answer", "có thời điểm trả lời nhưng thiếu nội dung trả lời")
            if raw["satisfaction"] and not times.get("answered_at"):
                bad("satisfaction", "chỉ ghi mức độ hài lòng cho phản ánh đã trả lời")
            if len(problems) > before:
                continue
            received_at = times["received_at"]
            existing = db.session.scalar(select(Feedback).where(
                Feedback.unit_id == unit.id, Feedback.received_at == received_at,
                Feedback.citizen_name == raw["citizen_name"], Feedback.content == raw["content"]))
            if existing is not None:
                report.unchanged += 1
                continue
            if unit.id not in calendars:
                calendars[unit.id] = calendar_for(unit)
            try:
                item = receive_feedback(unit, FeedbackInput(received_at, raw["channel"], raw["kind"],
                                                            raw["citizen_name"], raw["citizen_contact"], raw["content"],
                                                            raw["dossier_code"], raw["procedure_code"]),
                                        calendars[unit.id], answer_days, None, now)
                if raw["assigned_to"]:
                    assign_feedback(item, raw["assigned_to"], received_at)
                if times["answered_at"]:
                    answer_feedback(item, raw["answer"], times["answered_at"], None, now)
                    if raw["satisfaction"]:
                        rate_feedback(item, raw["satisfaction"], times["answered_at"])
            except FeedbackRefused as refusal:
                bad(refusal.field or "received_at", str(refusal))
                continue
            db.session.flush()
            report.created += 1
        if problems:
            raise ImportFileError(problems)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def export_feedback(out: TextIO, unit: Unit | None = None) -> int:
    """Every item (or those of `unit`'s subtree) with the import's columns plus due_at and resolution."""
    stmt = (select(Feedback, Unit.code, Dossier.code).join(Unit, Unit.id == Feedback.unit_id)
            .outerjoin(Dossier, Dossier.id == Feedback.dossier_id).order_by(Feedback.received_at, Feedback.id))
    if unit is not None:
        stmt = stmt.where(Feedback.unit_id.in_(subtree_unit_ids(unit)))
    writer = csv.writer(out)
    writer.writerow([*COLUMNS, *EXPORT_ONLY])
    count = 0
    for item, unit_code, dossier_code in db.session.execute(stmt):
        time = (lambda moment: moment.strftime("%Y-%m-%dT%H:%M") if moment else "")
        writer.writerow(csv_row([unit_code, time(item.received_at), item.channel, item.kind, item.citizen_name,
                                 item.citizen_contact, item.content, dossier_code or "",
                                 item.procedure.code if item.procedure and not dossier_code else "",
                                 item.assigned_to, time(item.answered_at), item.answer, item.satisfaction or "",
                                 time(item.due_at), item.resolution or ""]))
        count += 1
    return count
