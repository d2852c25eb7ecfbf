"""Storing a register file's dossiers, all or nothing: matched against the stored ones, numbered, written
with the events their rows tell (`register_format` states the decisions the file leaves open)."""
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.audit.recording import record_register_import
from app.catalog.models import Procedure
from app.dossiers.lifecycle import Action, DossierState, next_state
from app.dossiers.models import PAYMENT_ACTION, Apology, CopyKind, Dossier, DossierDocument, DossierCounter, DossierEvent, Outcome, SupplementPeriod, new_lookup_pin
from app.dossiers.numbering import format_dossier_code
from app.dossiers.operations import DESK_OFFICE, PROCESSING_OFFICE
from app.dossiers.register_export import register_cells, register_select
from app.dossiers.register_format import CHUNK_SIZE, COLUMNS, OPTIONAL_COLUMNS, format_amount, format_time
from app.dossiers.register_reading import (ENDINGS, RegisterRow, in_effect, offering_terms, parse_row,
                                           read_register_file, settle_times)
from app.extensions import db
from app.importing import ImportFileError, ImportProblem
from app.units.models import Unit
from app.vntext import fold
from app.worktime.clock import calendar_for
from app.worktime.deadlines import WorkingCalendar

IMPORT_NOTE = "Nhập từ sổ theo dõi"
CITIZEN = "Công dân"
MAX_NUMBER = 9999


@dataclass
class RegisterImportReport:
    created: int = 0
    unchanged: int = 0
    codes_assigned: int = 0  # among the created ones, those whose code the app gave


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

def row_cells(row: RegisterRow) -> list[str]:
    """The register columns of a file row, written the way `register_cells` writes a dossier."""
    online = str(row.legacy_online_level) if row.legacy_online_level else (row.online_kind or "")
    return [row.code, row.unit.code, row.procedure.code, row.channel, online, row.applicant_name,
            format_time(row.received_at), format_time(row.given_due_at),
            format_time(row.supplement_requested_at), format_time(row.supplement_received_at),
            format_time(row.finished_at), row.outcome, format_time(row.returned_at),
            format_time(row.apology_new_due_at),
            format_amount(row.fee_due), format_amount(row.fee_paid), row.payment_method,
            format_time(row.paid_at), row.receipt_number,
            str(row.documents_received) if row.documents_received is not None else "",
            str(row.documents_digitised) if row.documents_digitised is not None else "", row.result_form]

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
    """(column, stored value, file value) where they differ; a blank code, due time or fee cell states nothing."""
    differences = []
    for column, old, new in zip([*COLUMNS, *OPTIONAL_COLUMNS], stored, row_cells(row), strict=True):
        if old != new and not (column in ("code", "due_at", *OPTIONAL_COLUMNS) and not new):
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
        documents = [document for row in chunk for document in _document_values(row, ids[row.code])]
        if documents:
            db.session.execute(insert(DossierDocument.__table__), documents)
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
        # A blank fee_due is what the catalog says the procedure costs by that channel.
        "fee_due": row.fee_due if row.fee_due is not None else row.procedure.fee_for(row.channel),
        "fee_paid": row.fee_paid, "payment_method": row.payment_method or None, "paid_at": row.paid_at,
        "receipt_number": row.receipt_number,
        "result_form": row.result_form or None,
        # One version step per event, as the desk's actions do (operations.events_since relies on it).
        "version": len(events),
    }


def _document_values(row: RegisterRow, dossier_id: int) -> list[dict]:
    """The documents the register counts: named by their position (the register names none), the first
    `documents_digitised` digitised at receipt, without a file."""
    digitised = row.documents_digitised or 0
    return [{"dossier_id": dossier_id, "position": number, "name": f"Giấy tờ {number} (theo sổ)",
             "copy_kind": CopyKind.ORIGINAL.value, "count": 1,
             "digitised_at": row.received_at if number <= digitised else None}
            for number in range(1, (row.documents_received or 0) + 1)]


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
    if row.paid_at is not None:
        _insert_payment_event(events, row)
    return events


def _insert_payment_event(events: list[dict], row: RegisterRow) -> None:
    """The payment as the desk records it (operations.record_payment), placed among the events by its time
    (never before the receipt: an online payment made before the desk received the dossier follows it)."""
    position = next((index for index, event in enumerate(events) if index and event["at"] > row.paid_at),
                    len(events))
    state = events[position - 1]["to_state"]
    details = {"payment": {name: {"old": None, "new": value} for name, value in (
        ("fee_paid", row.fee_paid), ("payment_method", row.payment_method or None),
        ("paid_at", row.paid_at.isoformat()), ("receipt_number", row.receipt_number)) if value}}
    events.insert(position, _event(row.paid_at, PAYMENT_ACTION, state, state, "", "", details))


def _event(at: datetime, action: str, from_state: str | None, to_state: str, from_office: str, to_office: str,
           details: dict) -> dict:
    return {"at": at, "actor_id": None, "action": str(action), "from_state": from_state, "to_state": str(to_state),
            "from_office": from_office, "to_office": to_office, "note": IMPORT_NOTE, "details": details}


def _chunks(items: list) -> Iterator[list]:
    items = list(items)
    for start in range(0, len(items), CHUNK_SIZE):
        yield items[start:start + CHUNK_SIZE]
