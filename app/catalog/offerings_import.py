"""`flask catalog import-offerings`: which procedures each unit's desk handles, and in what time."""
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select

from app.bounds import parse_day
from app.catalog.models import OnlineKind, Offering, Procedure, comparable_time
from app.extensions import db
from app.importing import ImportFileError, ImportProblem, read_csv_rows
from app.units.models import Unit
from app.worktime.deadlines import TimeUnit

COLUMNS = ["unit_code", "procedure_code", "committed_value", "committed_unit", "at_desk",
           "online_kind", "active_from"]
MAX_COMMITTED_VALUE = Decimal(1000)


def check_committed_time(value: Decimal, unit: str, procedure: Procedure) -> str | None:
    """Why a committed time is not acceptable, or None. It may not exceed the statutory time (DOMAIN.md)."""
    if value <= 0:
        return "thời gian phải lớn hơn 0"
    if value > MAX_COMMITTED_VALUE:
        return f"thời gian {value} quá lớn"
    if value != value.quantize(Decimal("0.01")):
        # Stored with two decimals: refuse rather than round silently.
        return f"thời gian {value} có quá 2 chữ số thập phân"
    hours, days = comparable_time(value, unit)
    if (hours is not None and procedure.statutory_hours is not None and hours > procedure.statutory_hours) or (
        days is not None and procedure.statutory_days is not None and days > procedure.statutory_days
    ):
        return f"dài hơn thời hạn luật định ({procedure.statutory_label})"
    return None


def import_offerings(path: str | Path) -> dict[str, int]:
    """Create or update offerings keyed by (unit, procedure, active_from); all or nothing.

    Returns counts {"created", "updated", "unchanged"}; raises ImportFileError naming line and field.
    """
    rows = read_csv_rows(path, COLUMNS)
    units = {unit.code: unit for unit in db.session.scalars(select(Unit))}
    procedures = {p.code: p for p in db.session.scalars(select(Procedure))}
    problems: list[ImportProblem] = []
    parsed = []
    seen: dict[tuple, int] = {}
    for line, row in rows:
        errors_before = len(problems)
        unit = units.get(row["unit_code"])
        if unit is None:
            problems.append(ImportProblem(line, "unit_code", f"không có đơn vị mã «{row['unit_code']}»"))
        procedure = procedures.get(row["procedure_code"])
        if procedure is None:
            problems.append(ImportProblem(line, "procedure_code", f"không có thủ tục mã «{row['procedure_code']}» trong danh mục"))
        try:
            value = Decimal(row["committed_value"].replace(",", "."))
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            value = None
            problems.append(ImportProblem(line, "committed_value", f"«{row['committed_value']}» không phải số"))
        if row["committed_unit"] not in {u.value for u in TimeUnit}:
            problems.append(ImportProblem(line, "committed_unit", f"«{row['committed_unit']}» không hợp lệ (working_days, working_hours hoặc days)"))
        if row["at_desk"] not in ("yes", "no"):
            problems.append(ImportProblem(line, "at_desk", f"«{row['at_desk']}» không hợp lệ (yes hoặc no)"))
        if row["online_kind"] not in {k.value for k in OnlineKind}:
            problems.append(ImportProblem(line, "online_kind", f"«{row['online_kind']}» không hợp lệ (toan_trinh, mot_phan hoặc none)"))
        try:
            active_from = parse_day(row["active_from"])
        except ValueError as error:
            active_from = None
            problems.append(ImportProblem(line, "active_from", str(error)))
        if len(problems) > errors_before:
            continue
        reason = check_committed_time(value, row["committed_unit"], procedure)
        if reason:
            problems.append(ImportProblem(line, "committed_value", reason))
            continue
        key = (unit.id, procedure.id, active_from)
        if key in seen:
            problems.append(ImportProblem(line, "procedure_code", f"trùng với dòng {seen[key]}"))
            continue
        seen[key] = line
        parsed.append((unit, procedure, value, TimeUnit(row["committed_unit"]), row["at_desk"] == "yes",
                       OnlineKind(row["online_kind"]), active_from))
    if problems:
        raise ImportFileError(problems)

    existing = {(o.unit_id, o.procedure_id, o.active_from): o for o in db.session.scalars(select(Offering))}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    try:
        for unit, procedure, value, time_unit, at_desk, online_kind, active_from in parsed:
            offering = existing.get((unit.id, procedure.id, active_from))
            if offering is None:
                offering = Offering(unit=unit, procedure=procedure, active_from=active_from)
                db.session.add(offering)
                counts["created"] += 1
            elif (offering.committed_value, offering.committed_unit, offering.at_desk, offering.online_kind) == (
                value, time_unit, at_desk, online_kind
            ):
                counts["unchanged"] += 1
                continue
            else:
                counts["updated"] += 1
            offering.set_committed_time(value, time_unit)
            offering.at_desk = at_desk
            offering.online_kind = online_kind
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts
