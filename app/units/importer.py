"""`flask units import`: the unit tree from a CSV file (code,name,kind,parent_code), all or nothing."""
import re
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.importing import ImportFileError, ImportProblem, read_csv_rows
from app.units.models import ALLOWED_PARENT_KINDS, Unit, UnitKind

COLUMNS = ["code", "name", "kind", "parent_code"]
# The same rules as the unit form, so that a file cannot store what the page would refuse.
CODE_PATTERN = re.compile(r"[A-Za-z0-9.]+")
CODE_MAX_LENGTH = 40
NAME_MAX_LENGTH = 200


def import_units(path: str | Path) -> dict[str, int]:
    """Create or update units by code. Returns counts {"created", "updated", "unchanged"}.

    Parents may come later in the file than their children. Raises ImportFileError, having written
    nothing, if any row is bad.
    """
    rows = read_csv_rows(path, COLUMNS)
    existing = {unit.code: unit for unit in db.session.scalars(select(Unit))}
    problems: list[ImportProblem] = []
    wanted: dict[str, tuple[int, dict[str, str]]] = {}
    for line, row in rows:
        code = row["code"]
        if not code:
            problems.append(ImportProblem(line, "code", "để trống"))
            continue
        if code in wanted:
            problems.append(ImportProblem(line, "code", f"mã {code} lặp lại (đã có ở dòng {wanted[code][0]})"))
            continue
        if len(code) > CODE_MAX_LENGTH or not CODE_PATTERN.fullmatch(code):
            problems.append(ImportProblem(line, "code", f"mã «{code[:60]}» không hợp lệ (chữ, số, dấu chấm; tối đa {CODE_MAX_LENGTH} ký tự)"))
        if not row["name"]:
            problems.append(ImportProblem(line, "name", "để trống"))
        elif len(row["name"]) > NAME_MAX_LENGTH:
            problems.append(ImportProblem(line, "name", f"dài quá {NAME_MAX_LENGTH} ký tự"))
        if row["kind"] not in {kind.value for kind in UnitKind}:
            problems.append(ImportProblem(line, "kind", f"«{row['kind']}» không hợp lệ (city, district hoặc ward)"))
        wanted[code] = (line, row)

    # The tree as it will be: units of the database, with the file's rows laid over them.
    parent_code_of_id = {unit.id: unit.code for unit in existing.values()}
    final = {code: (unit.kind, parent_code_of_id.get(unit.parent_id, "")) for code, unit in existing.items()}
    final.update({code: (row["kind"], row["parent_code"]) for code, (line, row) in wanted.items()})
    valid_kinds = {kind.value for kind in UnitKind}

    for code, (line, row) in wanted.items():
        kind, parent_code = row["kind"], row["parent_code"]
        if kind not in valid_kinds:
            continue
        allowed = ALLOWED_PARENT_KINDS[UnitKind(kind)]
        if not parent_code:
            if allowed:
                problems.append(ImportProblem(line, "parent_code", "phường/xã hoặc quận/huyện phải có đơn vị cấp trên"))
            continue
        if parent_code == code:
            problems.append(ImportProblem(line, "parent_code", "một đơn vị không thể là cấp trên của chính nó"))
        elif parent_code not in final:
            problems.append(ImportProblem(line, "parent_code", f"không có đơn vị mã {parent_code}"))
        elif final[parent_code][0] not in allowed:
            problems.append(ImportProblem(line, "parent_code", f"đơn vị {parent_code} ({final[parent_code][0]}) không thể là cấp trên của {kind}"))

    # A unit the file turns into another kind must still fit the children it keeps in the database.
    for code, (kind, parent_code) in final.items():
        if code in wanted or parent_code not in wanted:
            continue
        parent_kind = final[parent_code][0]
        if parent_kind in valid_kinds and parent_kind not in ALLOWED_PARENT_KINDS[UnitKind(kind)]:
            line = wanted[parent_code][0]
            problems.append(ImportProblem(line, "kind", f"{parent_code} còn đơn vị trực thuộc {code} ({kind}), không thể là {parent_kind}"))
    if problems:
        raise ImportFileError(sorted(problems, key=lambda p: p.line))

    counts = {"created": 0, "updated": 0, "unchanged": 0}
    # Parents before children: city, then district, then ward.
    order = {UnitKind.CITY: 0, UnitKind.DISTRICT: 1, UnitKind.WARD: 2}
    try:
        for code, (_line, row) in sorted(wanted.items(), key=lambda item: order[UnitKind(item[1][1]["kind"])]):
            parent = existing.get(row["parent_code"]) if row["parent_code"] else None
            unit = existing.get(code)
            if unit is None:
                unit = Unit(code=code, name=row["name"], kind=UnitKind(row["kind"]), parent=parent)
                db.session.add(unit)
                existing[code] = unit
                counts["created"] += 1
            elif (unit.name, unit.kind, unit.parent_id) == (row["name"], row["kind"], parent.id if parent else None):
                counts["unchanged"] += 1
                continue
            else:
                unit.name, unit.kind, unit.parent = row["name"], UnitKind(row["kind"]), parent
                counts["updated"] += 1
            db.session.flush()
            unit.refresh_path()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts
