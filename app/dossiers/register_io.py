"""A unit's register of dossiers (sổ theo dõi hồ sơ) in and out of the app: CSV or XLSX in, CSV out.

The register is one of the desk's forms (Circular 01/2018/TT-VPCP, kept by Circular 03/2025/TT-VPCP):
one row per dossier with its receipt, due and return times. Importing loads a ward's existing
register, all or nothing, and is idempotent; exporting writes the same columns back with the due
times the app computed and each dossier's classification (DOMAIN.md "A dossier's life").

Decisions the file format leaves open:
- A dossier is never overwritten: a row whose dossier exists with other content is refused as a
  conflict (dossiers change only through their events). Rows are matched by code, or when the code
  is blank by (unit, procedure, applicant name, receipt minute).
- Times are compared to the minute, the precision of the file: a dossier registered at the desk at
  10:15:42 exports as 10:15 and re-imports unchanged.
- An open dossier is `awaiting_supplement` while a supplement is requested and not received,
  `in_progress` after a supplement arrived, else `received`: the state its events lead to (the
  register does not record the hand-over to the processing office, so no such event is invented).
- The register does not date an apology: it is stored approved, with the import time as its request
  and approval time, and without an event (an event would claim a time nobody recorded).
"""
import bisect
import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import openpyxl
from sqlalchemy import Select, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from app.audit.recording import record_register_import
from app.catalog.models import ChannelKind, Offering, OnlineKind, Procedure
from app.dossiers.lifecycle import Action, DossierState, next_state
from app.dossiers.models import (Apology, Dossier, DossierCounter, DossierEvent, Outcome, SupplementPeriod,
                                 new_lookup_pin)
from app.dossiers.numbering import format_dossier_code
from app.dossiers.ontime import Resolution, classify
from app.dossiers.operations import DESK_OFFICE, PROCESSING_OFFICE
from app.extensions import db
from app.importing import ImportFileError, ImportProblem, read_csv_rows
from app.units.models import Unit
from app.units.scope import subtree_unit_ids
from app.vntext import fold, nfc
from app.worktime.clock import calendar_for
from app.worktime.deadlines import TimeUnit, WorkingCalendar, due_at, shift_by_working_time, working_time_between

COLUMNS = ["code", "unit_code", "procedure_code", "channel", "online_kind", "applicant_name", "received_at",
           "due_at", "supplement_requested_at", "supplement_received_at", "finished_at", "outcome", "returned_at",
           "apology_new_due_at"]
# Written by the export and accepted (then ignored: it is recomputed) by the import, so that an
# exported file imports back as it is.
CLASSIFICATION = "classification"
EXPORT_COLUMNS = [*COLUMNS, CLASSIFICATION]
TIME_COLUMNS = ("received_at", "due_at", "supplement_requested_at", "supplement_received_at", "finished_at",
                "returned_at", "apology_new_due_at")
TIME_FORMAT = "%Y-%m-%dT%H:%M"
OPEN = "open"  # the classification of a dossier not yet resolved
IMPORT_NOTE = "Nhập từ sổ theo dõi"
CITIZEN = "Công dân"
MAX_NAME_LENGTH = 200
CHUNK_SIZE = 1000  # rows per INSERT and per fetch from the database
MAX_NUMBER = 9999

_TIME_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_HALF_MINUTE = timedelta(seconds=30)
# online_kind cell → (kind since Decree 42/2022, level 1–4 of Decree 43/2011); 4 ≈ toàn trình,
# 3 ≈ một phần, and levels 1–2 (information, forms) are no online service in today's sense.
ONLINE_KINDS: dict[str, tuple[OnlineKind | None, int | None]] = {
    OnlineKind.END_TO_END.value: (OnlineKind.END_TO_END, None),
    OnlineKind.PARTIAL.value: (OnlineKind.PARTIAL, None),
    "1": (None, 1),
    "2": (None, 2),
    "3": (OnlineKind.PARTIAL, 3),
    "4": (OnlineKind.END_TO_END, 4),
}
CHANNELS = {kind.value for kind in ChannelKind}
# outcome cell → the action that ends the dossier.
ENDINGS = {
    Outcome.APPROVED.value: Action.FINISH,
    Outcome.REFUSED.value: Action.FINISH,
    DossierState.WITHDRAWN.value: Action.WITHDRAW,
    DossierState.STOPPED.value: Action.STOP,
}


@dataclass
class RegisterImportReport:
    created: int = 0
    unchanged: int = 0
    codes_assigned: int = 0  # among the created ones, those whose code the app gave


@dataclass(slots=True)
class RegisterRow:
    """One valid row of a register file, with the times the calendar gave it."""

    line: int
    code: str  # "" until assigned
    unit: Unit
    procedure: Procedure
    channel: str
    online_kind: OnlineKind | None
    legacy_online_level: int | None
    applicant_name: str
    received_at: datetime
    given_due_at: datetime | None
    supplement_requested_at: datetime | None
    supplement_received_at: datetime | None
    finished_at: datetime | None
    outcome: str
    returned_at: datetime | None
    apology_new_due_at: datetime | None
    number: int = 0  # the NNNN of a given code
    time_value: Decimal | None = None
    time_unit: str = ""
    supplement_rule: str = ""
    first_due_at: datetime | None = None  # before any supplement moved it
    due_at: datetime | None = None  # the legal due time, moved only by the supplement
    resolution: Resolution | None = None

    @property
    def key(self) -> tuple:
        """What identifies a dossier whose row has no code."""
        return (self.unit.id, self.procedure.id, self.applicant_name, self.received_at)


def read_register_file(path: str | Path) -> list[tuple[int, dict[str, str | datetime]]]:
    """(line, row) of every non-empty row of a CSV or `.xlsx` register; ImportFileError if unreadable."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return read_xlsx_rows(path, COLUMNS, optional=[CLASSIFICATION])
    columns = COLUMNS + ([CLASSIFICATION] if CLASSIFICATION in _csv_header(path) else [])
    return read_csv_rows(path, columns)


def _csv_header(path: Path) -> list[str]:
    """The header cells, read leniently: read_csv_rows reports what is wrong with the file."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as file:
        return [nfc(cell).lower() for cell in next(csv.reader(file), [])]


def read_xlsx_rows(path: str | Path, columns: list[str],
                   optional: Iterable[str] = ()) -> list[tuple[int, dict[str, str | datetime]]]:
    """(sheet row number, row) for every non-empty row of the first sheet, like `read_csv_rows`.

    Text is NFC-normalised and stripped; date-time cells stay datetimes, rounded to the minute
    (a spreadsheet stores them as fractions of a day, so 09:00 may come back as 08:59:59.999);
    whole numbers read as integers (a level typed as 4 is "4", not "4.0").
    """
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl fails with zip, XML or key errors alike on a file that is no workbook
        raise ImportFileError([ImportProblem(1, "", "không đọc được tệp Excel (.xlsx)")]) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the stored dimensions may be wrong; read what is there
        rows = sheet.iter_rows(min_row=1, values_only=True)
        header = [_xlsx_text(cell).lower() for cell in next(rows, ())]
        while header and not header[-1]:
            header.pop()
        if not header:
            raise ImportFileError([ImportProblem(1, "", "tệp rỗng")])
        _check_header(header, columns, optional)
        result, problems = [], []
        for line, cells in enumerate(rows, start=2):
            values = [_xlsx_value(cell) for cell in cells]
            while values and values[-1] == "":
                values.pop()
            if not values:
                continue
            if len(values) > len(header):
                problems.append(ImportProblem(line, "", f"có {len(values)} ô, cần {len(header)}"))
                continue
            values += [""] * (len(header) - len(values))
            result.append((line, dict(zip(header, values, strict=True))))
    finally:
        workbook.close()
    if problems:
        raise ImportFileError(problems)
    return result


def _check_header(header: list[str], columns: list[str], optional: Iterable[str]) -> None:
    """The checks `read_csv_rows` makes on a header, with the same messages."""
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        raise ImportFileError([ImportProblem(1, column, "cột lặp lại") for column in repeated])
    allowed = set(columns) | set(optional)
    missing = [column for column in columns if column not in header]
    unknown = [column for column in header if column not in allowed]
    if missing or unknown:
        problems = [ImportProblem(1, column, "thiếu cột") for column in missing]
        problems += [ImportProblem(1, column, "cột không được hỗ trợ") for column in unknown]
        raise ImportFileError(problems)


def _xlsx_value(cell) -> str | datetime:
    if isinstance(cell, datetime):
        return to_minute(cell)
    if isinstance(cell, date):
        return datetime.combine(cell, time())
    return _xlsx_text(cell)


def _xlsx_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return nfc(str(cell))


def to_minute(moment: datetime) -> datetime:
    """`moment` rounded to the nearest minute."""
    return (moment + _HALF_MINUTE).replace(second=0, microsecond=0)


def parse_time(value: str | datetime) -> datetime | None:
    """A local time written YYYY-MM-DDTHH:MM (a space instead of T is accepted); None when blank."""
    if isinstance(value, datetime):
        return value
    if not value:
        return None
    if _TIME_PATTERN.fullmatch(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"«{value}» không phải thời điểm có thật") from None
    raise ValueError(f"«{value}» không phải thời điểm dạng YYYY-MM-DDTHH:MM (giờ Việt Nam)")


def format_time(moment: datetime | None) -> str:
    return moment.strftime(TIME_FORMAT) if moment is not None else ""


def _text(value: str | datetime) -> str:
    return format_time(value) if isinstance(value, datetime) else value


def parse_row(line: int, raw: dict[str, str | datetime], units: dict[str, Unit],
              procedures: dict[str, Procedure], problems: list[ImportProblem]) -> RegisterRow | None:
    """The row if every cell is valid and the cells agree with each other; else None, with problems added."""
    errors_before = len(problems)

    def bad(field: str, message: str) -> None:
        problems.append(ImportProblem(line, field, message))

    code = _text(raw["code"])
    unit = units.get(_text(raw["unit_code"]))
    if unit is None:
        bad("unit_code", f"không có đơn vị mã «{_text(raw['unit_code'])}»" if raw["unit_code"] else "thiếu mã đơn vị")
    procedure = procedures.get(_text(raw["procedure_code"]))
    if procedure is None:
        bad("procedure_code", f"không có thủ tục mã «{_text(raw['procedure_code'])}» trong danh mục")
    channel = _text(raw["channel"]).lower()
    if channel not in CHANNELS:
        bad("channel", f"«{channel}» không hợp lệ (direct, post hoặc online)")
    online = _text(raw["online_kind"]).lower()
    online_kind, legacy_level = ONLINE_KINDS.get(online, (None, None))
    if online and online not in ONLINE_KINDS:
        bad("online_kind", f"«{online}» không hợp lệ (toan_trinh, mot_phan, 1, 2, 3, 4 hoặc để trống)")
    name = _text(raw["applicant_name"])
    if not name:
        bad("applicant_name", "thiếu tên người nộp hồ sơ")
    elif len(name) > MAX_NAME_LENGTH:
        bad("applicant_name", f"dài quá {MAX_NAME_LENGTH} ký tự")
    outcome = _text(raw["outcome"]).lower()
    if outcome and outcome not in ENDINGS:
        bad("outcome", f"«{outcome}» không hợp lệ (approved, refused, withdrawn, stopped hoặc để trống)")

    times: dict[str, datetime | None] = {}
    for column in TIME_COLUMNS:
        try:
            times[column] = parse_time(raw[column])
        except ValueError as error:
            bad(column, str(error))
    received = times.get("received_at")
    if "received_at" in times and received is None:
        bad("received_at", "thiếu thời điểm tiếp nhận")
    _check_order(times, outcome, bad)

    if unit is not None and received is not None and code:
        prefix = f"{unit.code}-{received:%y%m%d}-"
        suffix = code.removeprefix(prefix)
        if not code.startswith(prefix) or len(suffix) != 4 or not suffix.isdigit() or suffix == "0000":
            bad("code", f"mã «{code}» không đúng dạng {prefix}NNNN (mã định danh của đơn vị, ngày tiếp nhận, "
                        "số thứ tự 0001–9999)")
    if len(problems) > errors_before:
        return None
    return RegisterRow(
        line=line, code=code, unit=unit, procedure=procedure, channel=channel, online_kind=online_kind,
        legacy_online_level=legacy_level, applicant_name=name, received_at=received,
        given_due_at=times["due_at"], supplement_requested_at=times["supplement_requested_at"],
        supplement_received_at=times["supplement_received_at"], finished_at=times["finished_at"],
        outcome=outcome, returned_at=times["returned_at"], apology_new_due_at=times["apology_new_due_at"],
        number=int(code[-4:]) if code else 0,
    )


def _check_order(times: dict[str, datetime | None], outcome: str, bad) -> None:
    """The times of a row must follow the dossier's life: receipt, supplement, result, return.

    A time that could not be read is missing from `times`, and an unknown outcome is already
    reported: neither takes part in these checks.
    """
    received = times.get("received_at")
    due = times.get("due_at")
    requested = times.get("supplement_requested_at")
    supplied = times.get("supplement_received_at")
    finished = times.get("finished_at")
    returned = times.get("returned_at")
    known_outcome = outcome in ENDINGS or not outcome
    finishing = outcome in (Outcome.APPROVED, Outcome.REFUSED)
    if received and due and due < received:
        bad("due_at", "hạn trả kết quả trước thời điểm tiếp nhận")
    if received and requested and requested < received:
        bad("supplement_requested_at", "yêu cầu bổ sung trước thời điểm tiếp nhận")
    if supplied and "supplement_requested_at" in times and requested is None:
        bad("supplement_received_at", "có thời điểm nhận bổ sung nhưng không có thời điểm yêu cầu bổ sung")
    if supplied and requested and supplied < requested:
        bad("supplement_received_at", "nhận bổ sung trước khi yêu cầu bổ sung")
    if outcome in ENDINGS and "finished_at" in times and finished is None:
        bad("finished_at", f"kết quả «{outcome}» cần thời điểm kết thúc (finished_at)")
    if finished and not outcome:
        bad("outcome", "có thời điểm kết thúc nhưng thiếu kết quả (approved, refused, withdrawn hoặc stopped)")
    if finished:
        if received and finished < received:
            bad("finished_at", "kết thúc trước thời điểm tiếp nhận")
        elif supplied and finished < supplied:
            bad("finished_at", "kết thúc trước khi nhận hồ sơ bổ sung")
        elif requested and finished < requested:
            bad("finished_at", "kết thúc trước khi yêu cầu bổ sung")
    if finishing and requested and "supplement_received_at" in times and supplied is None:
        # Lifecycle: a dossier awaiting a supplement can be withdrawn or stopped, not finished.
        bad("supplement_received_at", "hồ sơ đang chờ bổ sung không thể có kết quả giải quyết; "
                                      "ghi thời điểm nhận bổ sung")
    if returned and known_outcome:
        if not finishing:
            bad("returned_at", "chỉ trả kết quả cho hồ sơ có kết quả approved hoặc refused")
        elif finished and returned < finished:
            bad("returned_at", "trả kết quả trước khi có kết quả")


@dataclass(frozen=True, slots=True)
class OfferingTerms:
    """What `settle_times` needs of an offering."""

    active_from: date
    committed_value: Decimal
    committed_unit: str
    supplement_rule: str | None


def settle_times(row: RegisterRow, offering: OfferingTerms | None, calendar: WorkingCalendar,
                 default_rule: str, problems: list[ImportProblem]) -> bool:
    """Fix the row's committed time and its due times; False (with a problem) when that is impossible.

    The time is the unit's offering in effect on the day of receipt; a unit that had no offering for
    the procedure may still have received it, if the register states the due time: the procedure's
    statutory time is then the one recorded. A blank due time is computed by the working calendar,
    the supplement period applied by the offering's rule (Decree 61/2018/NĐ-CP art. 19, kept by
    Decree 118/2025/NĐ-CP: `pause` does not count the time waiting for the citizen; `restart`
    counts the full time again from the day the supplement arrives).
    """
    procedure = row.procedure
    if offering is not None:
        row.time_value, row.time_unit = offering.committed_value, offering.committed_unit
        row.supplement_rule = offering.supplement_rule or default_rule
    elif row.given_due_at is None:
        problems.append(ImportProblem(row.line, "procedure_code", (
            f"đơn vị chưa tiếp nhận thủ tục {procedure.code} vào ngày {row.received_at:%d/%m/%Y} nên không tính được "
            "hạn trả kết quả; ghi hạn vào cột due_at hoặc nhập thủ tục của đơn vị trước")))
        return False
    elif procedure.statutory_value is None or procedure.statutory_unit is None:
        problems.append(ImportProblem(row.line, "procedure_code", (
            f"đơn vị chưa tiếp nhận thủ tục {procedure.code} vào ngày {row.received_at:%d/%m/%Y} và thủ tục "
            "chưa có thời hạn luật định để ghi vào hồ sơ")))
        return False
    else:
        row.time_value, row.time_unit = procedure.statutory_value, procedure.statutory_unit
        row.supplement_rule = default_rule

    requested, supplied = row.supplement_requested_at, row.supplement_received_at
    try:
        if row.given_due_at is None or supplied is not None:
            row.first_due_at = due_at(calendar, row.received_at, row.time_value, row.time_unit)
        if row.given_due_at is not None:
            row.due_at = row.given_due_at
            if supplied is None:
                row.first_due_at = row.given_due_at
        elif supplied is None:
            row.due_at = row.first_due_at
            if requested is not None and row.finished_at is not None and row.supplement_rule == "pause":
                # Ended while the citizen had not supplemented: as at the desk (operations._end), the
                # time waited so far does not count against the unit.
                row.due_at = shift_by_working_time(calendar, row.first_due_at,
                                                   working_time_between(calendar, requested, row.finished_at))
        elif row.supplement_rule == "restart":
            row.due_at = due_at(calendar, supplied, row.time_value, row.time_unit)
        else:
            row.due_at = shift_by_working_time(calendar, row.first_due_at,
                                               working_time_between(calendar, requested, supplied))
    except ValueError as error:
        problems.append(ImportProblem(row.line, "due_at", f"không tính được hạn trả kết quả ({error})"))
        return False

    if row.apology_new_due_at is not None and row.apology_new_due_at <= row.due_at:
        problems.append(ImportProblem(row.line, "apology_new_due_at", (
            f"ngày hẹn lại phải sau hạn trả kết quả {row.due_at:%H:%M %d/%m/%Y}")))
        return False
    if row.finished_at is not None:
        row.resolution = classify(row.finished_at, row.due_at, row.time_unit == TimeUnit.WORKING_HOURS)
    return True


def offering_terms(unit_ids: Iterable[int]) -> dict[tuple[int, int], list[OfferingTerms]]:
    """Every offering of the units, by (unit id, procedure id), oldest first (one query)."""
    stmt = (select(Offering.unit_id, Offering.procedure_id, Offering.active_from, Offering.committed_value,
                   Offering.committed_unit, Offering.supplement_rule)
            .where(Offering.unit_id.in_(list(unit_ids)))
            .order_by(Offering.active_from))
    terms: dict[tuple[int, int], list[OfferingTerms]] = defaultdict(list)
    for unit_id, procedure_id, *rest in db.session.execute(stmt):
        terms[(unit_id, procedure_id)].append(OfferingTerms(*rest))
    return terms


def in_effect(versions: list[OfferingTerms], on_day: date) -> OfferingTerms | None:
    """The version with the latest active_from ≤ on_day: the rule of `catalog.queries.offerings_in_effect`."""
    index = bisect.bisect_right(versions, on_day, key=lambda terms: terms.active_from)
    return versions[index - 1] if index else None


def register_select() -> Select:
    """One row per dossier with every register column, its unit and procedure codes and its latest
    supplement period joined in (no query per dossier).

    The latest period comes from one grouped sub-select joined by dossier id: a correlated
    "latest period of this dossier" lets PostgreSQL walk the whole table backwards per dossier.
    """
    latest = (select(SupplementPeriod.dossier_id, func.max(SupplementPeriod.id).label("period_id"))
              .group_by(SupplementPeriod.dossier_id)
              .subquery())
    period = aliased(SupplementPeriod)
    return (
        select(Dossier.id, Dossier.code, Dossier.unit_id, Dossier.procedure_id, Unit.code.label("unit_code"),
               Procedure.code.label("procedure_code"), Dossier.channel, Dossier.online_kind,
               Dossier.legacy_online_level, Dossier.applicant_name, Dossier.received_at, Dossier.due_at,
               period.requested_at.label("supplement_requested_at"),
               period.received_at.label("supplement_received_at"), Dossier.state, Dossier.outcome,
               Dossier.resolved_at, Dossier.returned_at, Dossier.apology_due_at, Dossier.resolution)
        .join(Unit, Unit.id == Dossier.unit_id)
        .join(Procedure, Procedure.id == Dossier.procedure_id)
        .outerjoin(latest, latest.c.dossier_id == Dossier.id)
        .outerjoin(period, period.id == latest.c.period_id)
    )


def register_cells(record) -> list[str]:
    """The register columns of a dossier (a `register_select` row), as the export writes them.

    A dossier with several supplement periods shows its latest; withdrawn and stopped dossiers show
    that in `outcome`, with the time they ended in `finished_at`.
    """
    state = record.state
    outcome = state if state in (DossierState.WITHDRAWN, DossierState.STOPPED) else (record.outcome or "")
    online = str(record.legacy_online_level) if record.legacy_online_level else (record.online_kind or "")
    return [record.code, record.unit_code, record.procedure_code, record.channel, online, record.applicant_name,
            format_time(record.received_at), format_time(record.due_at),
            format_time(record.supplement_requested_at), format_time(record.supplement_received_at),
            format_time(record.resolved_at), outcome, format_time(record.returned_at),
            format_time(record.apology_due_at)]


def row_cells(row: RegisterRow) -> list[str]:
    """The register columns of a file row, written the way `register_cells` writes a dossier."""
    online = str(row.legacy_online_level) if row.legacy_online_level else (row.online_kind or "")
    return [row.code, row.unit.code, row.procedure.code, row.channel, online, row.applicant_name,
            format_time(row.received_at), format_time(row.given_due_at),
            format_time(row.supplement_requested_at), format_time(row.supplement_received_at),
            format_time(row.finished_at), row.outcome, format_time(row.returned_at),
            format_time(row.apology_new_due_at)]


def export_register(out: TextIO, unit: Unit | None = None) -> int:
    """Write the register as CSV to `out`: every dossier, or those of `unit` and the units below it.

    Columns are `EXPORT_COLUMNS`: the import's, with the due times the app holds and the
    classification (early, on_time, late, or open). Rows are streamed in receipt order; returns
    how many were written.
    """
    stmt = register_select().order_by(Dossier.received_at, Dossier.id)
    if unit is not None:
        stmt = stmt.where(Dossier.unit_id.in_(subtree_unit_ids(unit)))
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for record in db.session.execute(stmt.execution_options(yield_per=CHUNK_SIZE)):
        writer.writerow([*register_cells(record), record.resolution or OPEN])
        count += 1
    return count


def import_register(path: str | Path, now: datetime, default_rule: str) -> RegisterImportReport:
    """Load a register file (CSV, or `.xlsx` by its name), all or nothing.

    `now` stamps what was written; `default_rule` is the SUPPLEMENT_RULE setting for offerings that
    set none. Rows whose dossier exists with the same content change nothing. Raises
    ImportFileError naming line and field of every problem; nothing is written then.
    """
    path = Path(path)
    raw_rows = read_register_file(path)
    units = {unit.code: unit for unit in db.session.scalars(select(Unit))}
    procedures = {procedure.code: procedure for procedure in db.session.scalars(select(Procedure))}
    problems: list[ImportProblem] = []
    parsed = [row for line, raw in raw_rows if (row := parse_row(line, raw, units, procedures, problems))]
    del raw_rows

    terms = offering_terms({row.unit.id for row in parsed})
    calendars: dict[int, WorkingCalendar] = {}
    rows = []
    for row in parsed:
        calendar = calendars.get(row.unit.id)
        if calendar is None:
            calendar = calendars[row.unit.id] = calendar_for(row.unit)
        offering = in_effect(terms.get((row.unit.id, row.procedure.id), []), row.received_at.date())
        if settle_times(row, offering, calendar, default_rule, problems):
            rows.append(row)
    del parsed

    _check_duplicates(rows, problems)
    new_rows, unchanged = _match_existing(rows, problems)
    raises, blanks = _check_numbers(new_rows, problems)
    if problems:
        problems.sort(key=lambda problem: problem.line)
        raise ImportFileError(problems)

    report = RegisterImportReport(created=len(new_rows), unchanged=unchanged,
                                  codes_assigned=sum(len(group) for group in blanks.values()))
    try:
        _raise_counters(raises)
        _assign_codes(blanks)
        _insert(new_rows, path.name, now)
        for unit_id, created in sorted(Counter(row.unit.id for row in new_rows).items()):
            record_register_import(unit_id, path.name, created)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def _check_duplicates(rows: list[RegisterRow], problems: list[ImportProblem]) -> None:
    """A code twice, or two rows alike where one has no code (a re-import could not tell them apart)."""
    codes: dict[str, int] = {}
    keys: dict[tuple, RegisterRow] = {}
    for row in rows:
        if row.code:
            if row.code in codes:
                problems.append(ImportProblem(row.line, "code", f"mã «{row.code}» trùng với dòng {codes[row.code]}"))
                continue
            codes[row.code] = row.line
        first = keys.setdefault(row.key, row)
        if first is not row and not (row.code and first.code):
            problems.append(ImportProblem(row.line, "code", (
                f"cùng đơn vị, thủ tục, người nộp và thời điểm tiếp nhận với dòng {first.line}; "
                "ghi mã hồ sơ cho cả hai dòng để phân biệt")))


def _match_existing(rows: list[RegisterRow], problems: list[ImportProblem]) -> tuple[list[RegisterRow], int]:
    """(rows of dossiers not yet in the database, count of rows identical to a stored dossier).

    A row that differs from its stored dossier is a conflict, one problem per differing column:
    a dossier changes only through the events of its processing, never by being imported over.
    """
    if not rows:
        return [], 0
    by_code, by_key = _stored_dossiers(rows)
    new_rows, unchanged = [], 0
    for row in rows:
        if row.code:
            stored = by_code.get(row.code)
            if stored is None:
                twins = by_key.get(row.key)
                if twins:
                    problems.append(ImportProblem(row.line, "code", (
                        f"đã có hồ sơ {twins[0][0]} cùng đơn vị, thủ tục, người nộp và thời điểm tiếp nhận")))
                else:
                    new_rows.append(row)
                continue
        else:
            twins = by_key.get(row.key)
            if not twins:
                new_rows.append(row)
                continue
            stored = next((cells for cells in twins if not _differences(row, cells)), twins[0])
        differences = _differences(row, stored)
        for column, old, new in differences:
            problems.append(ImportProblem(row.line, column, (
                f"hồ sơ {stored[0]} đã có với giá trị «{old}», tệp ghi «{new}»; hồ sơ đã tiếp nhận chỉ thay đổi "
                "qua các bước xử lý, không nhập đè")))
        if not differences:
            unchanged += 1
    return new_rows, unchanged


def _stored_dossiers(rows: list[RegisterRow]) -> tuple[dict[str, list[str]], dict[tuple, list[list[str]]]]:
    """Register cells of the stored dossiers the rows could be: same units, received on the same days.

    A code holds its unit and day of receipt, and a row without code matches on unit and receipt
    time, so no other dossier can match. Returns (cells by code, cells by key).
    """
    first_day = min(row.received_at for row in rows).date()
    last_day = max(row.received_at for row in rows).date()
    stmt = register_select().where(
        Dossier.unit_id.in_({row.unit.id for row in rows}),
        Dossier.received_at >= datetime.combine(first_day, time()),
        Dossier.received_at < datetime.combine(last_day + timedelta(days=1), time()),
    )
    by_code: dict[str, list[str]] = {}
    by_key: dict[tuple, list[list[str]]] = defaultdict(list)
    for record in db.session.execute(stmt.execution_options(yield_per=CHUNK_SIZE)):
        cells = register_cells(record)
        by_code[record.code] = cells
        received_minute = record.received_at.replace(second=0, microsecond=0)  # what the file shows
        key = (record.unit_id, record.procedure_id, record.applicant_name, received_minute)
        by_key[key].append(cells)
    return by_code, by_key


def _differences(row: RegisterRow, stored: list[str]) -> list[tuple[str, str, str]]:
    """(column, stored value, file value) where they differ; a blank code or due time states nothing."""
    differences = []
    for column, old, new in zip(COLUMNS, stored, row_cells(row), strict=True):
        if old != new and not (column in ("code", "due_at") and not new):
            differences.append((column, old, new))
    return differences


def _check_numbers(new_rows: list[RegisterRow], problems: list[ImportProblem]) -> tuple[dict, dict]:
    """(highest given number by (unit id, day), rows to number by (unit id, day) in receipt order).

    A day has numbers 0001–9999: rows that would need more are refused.
    """
    raises: dict[tuple[int, date], int] = {}
    blanks: dict[tuple[int, date], list[RegisterRow]] = defaultdict(list)
    for row in new_rows:
        day_key = (row.unit.id, row.received_at.date())
        if row.code:
            raises[day_key] = max(raises.get(day_key, 0), row.number)
        else:
            blanks[day_key].append(row)
    if not blanks:
        return raises, blanks
    days = [day for _, day in blanks]
    counters = {(unit_id, day): number for unit_id, day, number in db.session.execute(
        select(DossierCounter.unit_id, DossierCounter.day, DossierCounter.last_number).where(
            DossierCounter.unit_id.in_({unit_id for unit_id, _ in blanks}),
            DossierCounter.day.between(min(days), max(days))))}
    for day_key, group in blanks.items():
        group.sort(key=lambda row: (row.received_at, row.line))
        free = max(0, MAX_NUMBER - max(counters.get(day_key, 0), raises.get(day_key, 0)))
        for row in group[free:]:
            problems.append(ImportProblem(row.line, "code", (
                f"ngày {day_key[1]:%d/%m/%Y} của đơn vị đã hết số thứ tự (0001–{MAX_NUMBER}) để cấp mã")))
    return raises, blanks


def _upsert_counters(keys: Iterable[tuple[int, date]]) -> None:
    """Make sure a counter row exists for each (unit id, day), as `numbering.take_next_number` does."""
    dialect = db.session.get_bind().dialect.name
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    params = [{"unit_id": unit_id, "day": day, "last_number": 0} for unit_id, day in keys]
    for chunk in _chunks(params):
        db.session.execute(dialect_insert(DossierCounter.__table__)
                           .on_conflict_do_nothing(index_elements=["unit_id", "day"]), chunk)


def _raise_counters(raises: dict[tuple[int, date], int]) -> None:
    """Move each day's counter up to the highest imported number, never down, so that the desk never
    gives an imported number again. The conditional UPDATE is atomic against a clerk's intake."""
    if not raises:
        return
    _upsert_counters(raises)
    table = DossierCounter.__table__
    stmt = (update(table)
            .where(table.c.unit_id == bindparam("b_unit"), table.c.day == bindparam("b_day"),
                   table.c.last_number < bindparam("b_number"))
            .values(last_number=bindparam("b_number")))
    params = [{"b_unit": unit_id, "b_day": day, "b_number": number} for (unit_id, day), number in raises.items()]
    for chunk in _chunks(params):
        db.session.execute(stmt, chunk)


def _assign_codes(blanks: dict[tuple[int, date], list[RegisterRow]]) -> None:
    """Number the rows without code, one counter update per unit and day for all of its rows.

    The same locked-row mechanism as `numbering.take_next_number`, reserving len(group) numbers at
    once: gap-free, and safe against a clerk registering a dossier of that day meanwhile.
    """
    if not blanks:
        return
    _upsert_counters(blanks)
    for (unit_id, day), group in blanks.items():
        last = db.session.execute(
            update(DossierCounter)
            .where(DossierCounter.unit_id == unit_id, DossierCounter.day == day)
            .values(last_number=DossierCounter.last_number + len(group))
            .returning(DossierCounter.last_number)
        ).scalar_one()
        for number, row in enumerate(group, start=last - len(group) + 1):
            row.code = format_dossier_code(row.unit.code, day, number)


def _insert(rows: list[RegisterRow], file_name: str, now: datetime) -> None:
    """Write the dossiers with their events, supplement periods and apologies, a chunk at a time."""
    dossiers = Dossier.__table__
    for chunk in _chunks(rows):
        histories = [history(row, file_name) for row in chunk]
        values = [_dossier_values(row, events, now) for row, events in zip(chunk, histories, strict=True)]
        ids = {}
        for value, dossier_id in zip(values, _take_dossier_ids(len(values)), strict=True):
            value["id"] = ids[value["code"]] = dossier_id
        db.session.execute(insert(dossiers), values)
        events, periods, apologies = [], [], []
        for row, row_events in zip(chunk, histories, strict=True):
            dossier_id = ids[row.code]
            events += [{**event, "dossier_id": dossier_id} for event in row_events]
            if row.supplement_requested_at is not None:
                periods.append({"dossier_id": dossier_id, "requested_at": row.supplement_requested_at,
                                "reason": IMPORT_NOTE, "rule": row.supplement_rule,
                                "received_at": row.supplement_received_at, "old_due_at": row.first_due_at,
                                "new_due_at": row.due_at if row.supplement_received_at else None})
            if row.apology_new_due_at is not None:
                apologies.append({"dossier_id": dossier_id, "reason": IMPORT_NOTE, "responsible_office": "",
                                  "new_due_at": row.apology_new_due_at, "requested_at": now,
                                  "requested_by_id": None, "approved_at": now, "approved_by_id": None})
        db.session.execute(insert(DossierEvent.__table__), events)
        if periods:
            db.session.execute(insert(SupplementPeriod.__table__), periods)
        if apologies:
            db.session.execute(insert(Apology.__table__), apologies)


def _take_dossier_ids(count: int) -> list[int]:
    """`count` new dossier ids, so that events can be written without reading the dossiers back.

    PostgreSQL hands them out from the id sequence (safe beside clerks registering dossiers).
    On SQLite this transaction already holds the single write lock, taken when it moved the day
    counters, so the ids after the highest one stay free until it commits. (INSERT … RETURNING
    of many rows would do, but psycopg parses such a statement slower than PostgreSQL runs it,
    and reading the ids back by code makes PostgreSQL scan the table per chunk.)
    """
    if db.session.get_bind().dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(Dossier.__tablename__, "id")
        return list(db.session.scalars(select(func.nextval(sequence)).select_from(func.generate_series(1, count))))
    highest = db.session.scalar(select(func.coalesce(func.max(Dossier.id), 0)))
    return list(range(highest + 1, highest + 1 + count))


def _dossier_values(row: RegisterRow, events: list[dict], now: datetime) -> dict:
    state = events[-1]["to_state"]
    return {
        "code": row.code, "lookup_pin": new_lookup_pin(), "unit_id": row.unit.id, "procedure_id": row.procedure.id,
        "applicant_name": row.applicant_name, "applicant_search": fold(row.applicant_name),
        "applicant_id_number": "", "applicant_phone": "", "applicant_address": "", "applicant_email": "",
        "channel": row.channel, "online_kind": row.online_kind, "legacy_online_level": row.legacy_online_level,
        "sets_count": 1, "received_at": row.received_at, "time_value": row.time_value, "time_unit": row.time_unit,
        "supplement_rule": row.supplement_rule, "due_at": row.due_at,
        "apology_due_at": row.apology_new_due_at, "state": state,
        "outcome": row.outcome if row.outcome in (Outcome.APPROVED, Outcome.REFUSED) else None,
        "result_note": "", "resolved_at": row.finished_at, "resolution": row.resolution,
        "returned_at": row.returned_at, "created_by_id": None, "updated_at": now,
        # One version step per event, as the desk's actions do (operations.events_since relies on it).
        "version": len(events),
    }


def history(row: RegisterRow, file_name: str) -> list[dict]:
    """The events the row says happened, in order, each moving the state as the lifecycle does."""
    events = [_event(row.received_at, "receive", None, DossierState.RECEIVED, "", DESK_OFFICE,
                     {"imported_from": file_name, "line": row.line})]

    def then(at: datetime, action: Action, from_office: str, to_office: str, details: dict) -> None:
        state = DossierState(events[-1]["to_state"])
        events.append(_event(at, action, state, next_state(state, action), from_office, to_office, details))

    if row.supplement_requested_at is not None:
        then(row.supplement_requested_at, Action.REQUEST_SUPPLEMENT, PROCESSING_OFFICE, CITIZEN, {})
    if row.supplement_received_at is not None:
        then(row.supplement_received_at, Action.RECEIVE_SUPPLEMENT, CITIZEN, PROCESSING_OFFICE,
             {"old_due_at": row.first_due_at.isoformat(), "new_due_at": row.due_at.isoformat(),
              "rule": row.supplement_rule})
    if row.outcome:
        action = ENDINGS[row.outcome]
        if action is Action.FINISH:
            then(row.finished_at, action, PROCESSING_OFFICE, DESK_OFFICE,
                 {"outcome": row.outcome, "resolution": row.resolution})
            if row.returned_at is not None:
                then(row.returned_at, Action.RETURN_RESULT, DESK_OFFICE, CITIZEN, {})
        else:
            then(row.finished_at, action, "", "", {"resolution": row.resolution})
    return events


def _event(at: datetime, action: str, from_state: str | None, to_state: str, from_office: str, to_office: str,
           details: dict) -> dict:
    return {"at": at, "actor_id": None, "action": str(action), "from_state": from_state, "to_state": str(to_state),
            "from_office": from_office, "to_office": to_office, "note": IMPORT_NOTE, "details": details}


def _chunks(items: list) -> Iterator[list]:
    items = list(items)
    for start in range(0, len(items), CHUNK_SIZE):
        yield items[start:start + CHUNK_SIZE]
