"""Reading and checking a register file (CSV or XLSX) into `RegisterRow`s with their due times.

Every problem is reported by line and column; nothing is written here (`register_writing` stores).
"""
import bisect
import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
from sqlalchemy import select

from app.bounds import check_day
from app.catalog.fees import MAX_FEE
from app.catalog.models import ChannelKind, Offering, OnlineKind, Procedure
from app.dossiers.lifecycle import Action, DossierState
from app.dossiers.models import Outcome, PaymentMethod
from app.dossiers.ontime import Resolution, classify
from app.dossiers.register_format import CLASSIFICATION, COLUMNS, OPTIONAL_COLUMNS, TIME_COLUMNS, format_time
from app.extensions import db
from app.importing import (ImportFileError, ImportProblem, check_file_size, check_xlsx_expansion,
                           read_csv_rows)
from app.spreadsheet_text import restore
from app.units.models import Unit
from app.vntext import nfc
from app.worktime.deadlines import TimeUnit, WorkingCalendar, due_at, shift_by_working_time, working_time_between

MAX_NAME_LENGTH = 200

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
    fee_due: int | None = None
    fee_paid: int | None = None
    payment_method: str = ""
    paid_at: datetime | None = None
    receipt_number: str = ""
    documents_received: int | None = None
    documents_digitised: int | None = None
    result_form: str = ""
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
    check_file_size(path)
    if path.suffix.lower() == ".xlsx":
        return read_xlsx_rows(path, COLUMNS, optional=[*OPTIONAL_COLUMNS, CLASSIFICATION])
    header = _csv_header(path)
    columns = COLUMNS + [column for column in (*OPTIONAL_COLUMNS, CLASSIFICATION) if column in header]
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
    check_xlsx_expansion(path)
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
    return restore(nfc(str(cell)))

def to_minute(moment: datetime) -> datetime:
    """`moment` rounded to the nearest minute."""
    return (moment + _HALF_MINUTE).replace(second=0, microsecond=0)


def parse_time(value: str | datetime) -> datetime | None:
    """A local time written YYYY-MM-DDTHH:MM (a space instead of T is accepted), within the years
    `bounds` accepts; None when blank."""
    if isinstance(value, datetime):
        return check_day(value, "Thời điểm")
    if not value:
        return None
    if _TIME_PATTERN.fullmatch(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"«{value}» không phải thời điểm có thật") from None
        return check_day(moment, "Thời điểm")
    raise ValueError(f"«{value}» không phải thời điểm dạng YYYY-MM-DDTHH:MM (giờ Việt Nam)")


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
    payment = _parse_payment(raw, received, bad)
    digitisation = _parse_digitisation(raw, outcome, bad)
    if len(problems) > errors_before:
        return None
    return RegisterRow(
        **payment, **digitisation,
        line=line, code=code, unit=unit, procedure=procedure, channel=channel, online_kind=online_kind,
        legacy_online_level=legacy_level, applicant_name=name, received_at=received,
        given_due_at=times["due_at"], supplement_requested_at=times["supplement_requested_at"],
        supplement_received_at=times["supplement_received_at"], finished_at=times["finished_at"],
        outcome=outcome, returned_at=times["returned_at"], apology_new_due_at=times["apology_new_due_at"],
        number=int(code[-4:]) if code else 0,
    )


_RECEIPT_NUMBER = re.compile(r"[^\x00-\x1f<>]{0,40}")


def _amount(value: str | datetime, column: str, bad) -> int | None:
    text = _text(value).replace(" ", "")
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        bad(column, f"«{text[:20]}» không phải số tiền (số đồng, chỉ chữ số, ví dụ 70000)")
        return None
    if int(text) > MAX_FEE:
        bad(column, "số tiền quá 1.000.000.000 đồng")
        return None
    return int(text)


def _parse_payment(raw: dict, received: datetime | None, bad) -> dict:
    """The optional fee columns of a row (blank when the file has none of them)."""
    fee_due = _amount(raw.get("fee_due", ""), "fee_due", bad)
    fee_paid = _amount(raw.get("fee_paid", ""), "fee_paid", bad)
    method = _text(raw.get("payment_method", "")).lower()
    if method and method not in {m.value for m in PaymentMethod}:
        bad("payment_method", f"«{method[:20]}» không hợp lệ (cash, transfer, online hoặc để trống)")
    try:
        paid_at = parse_time(raw.get("paid_at", ""))
    except ValueError as error:
        bad("paid_at", str(error))
        paid_at = None
    receipt_number = _text(raw.get("receipt_number", ""))
    if not _RECEIPT_NUMBER.fullmatch(receipt_number):
        bad("receipt_number", "số biên lai dài quá 40 ký tự hoặc có ký tự không hợp lệ")
    if fee_paid is not None and paid_at is None and not raw.get("paid_at"):
        bad("paid_at", "có số tiền đã nộp nhưng thiếu thời điểm nộp")
    if (paid_at is not None or method or receipt_number) and fee_paid is None and not raw.get("fee_paid"):
        bad("fee_paid", "có thông tin nộp phí nhưng thiếu số tiền đã nộp")
    if fee_paid and not method:
        bad("payment_method", "có số tiền đã nộp nhưng thiếu hình thức nộp (cash, transfer hoặc online)")
    if fee_paid is not None and fee_due is not None and fee_paid > fee_due:
        bad("fee_paid", "số tiền đã nộp lớn hơn số phải nộp (fee_due)")
    if paid_at is not None and received is not None and paid_at < received - timedelta(days=30):
        bad("paid_at", "nộp phí trước ngày tiếp nhận quá 30 ngày")
    return {"fee_due": fee_due, "fee_paid": fee_paid, "payment_method": method, "paid_at": paid_at,
            "receipt_number": receipt_number}


MAX_DOCUMENTS = 200  # documents of one dossier, as the intake form allows
RESULT_FORMS = ("paper", "digitised", "electronic")


def _count(value: str | datetime, column: str, bad) -> int | None:
    text = _text(value).strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_DOCUMENTS:
        bad(column, f"«{text[:20]}» không phải số giấy tờ (0–{MAX_DOCUMENTS})")
        return None
    return int(text)


def _parse_digitisation(raw: dict, outcome: str, bad) -> dict:
    """The optional digitisation columns of a row (blank when the file has none of them)."""
    received = _count(raw.get("documents_received", ""), "documents_received", bad)
    digitised = _count(raw.get("documents_digitised", ""), "documents_digitised", bad)
    if digitised is not None and received is not None and digitised > received:
        bad("documents_digitised", "số giấy tờ số hóa lớn hơn số giấy tờ tiếp nhận (documents_received)")
    result_form = _text(raw.get("result_form", "")).strip().lower()
    if result_form and result_form not in RESULT_FORMS:
        bad("result_form", f"«{result_form[:20]}» không hợp lệ (paper, digitised, electronic hoặc để trống)")
    elif result_form and outcome not in (Outcome.APPROVED, Outcome.REFUSED):
        bad("result_form", "chỉ ghi hình thức kết quả cho hồ sơ có kết quả approved hoặc refused")
    return {"documents_received": received if received is not None else digitised,
            "documents_digitised": digitised, "result_form": result_form}


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
