"""`flask dossiers import/export`: a ward's register in and out, idempotent, all or nothing, due times computed."""
import csv
import io
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry, AuditKind
from app.catalog.models import Offering, OnlineKind, Procedure, SupplementRule
from app.dossiers.cli import dossiers_cli
from app.dossiers.lifecycle import DossierState
from app.dossiers.models import Dossier, DossierCounter
from app.dossiers.numbering import take_next_number
from app.dossiers.operations import Applicant, Intake, register_dossier
from app.dossiers.register_format import COLUMNS, EXPORT_COLUMNS
from app.dossiers.register_writing import import_register
from app.extensions import db
from app.importing import ImportFileError
from app.units.models import Unit
from app.worktime.clock import calendar_for
from app.worktime.deadlines import TimeUnit
from conftest import make_procedure

WARD_A = "000.01.01.H99"  # the world's ward A, under the district
WARD_B = "000.00.02.H99"  # the world's ward B, straight under the city
NOW = datetime(2025, 6, 1, 8, 0)

# Seven dossiers of the two wards, one of each kind of life. The due times in the comments are
# worked out by hand on Vietnam's 2025 calendar: Saturday 26/4 was a make-up working day paying for
# Friday 2/5, so 30/4–4/5 were five days off in a row.
GOOD = [
    # Line 2: 3 working days from Fri 25/4 09:00 → Sat 26/4, Mon 28/4, Tue 29/4 09:00. The supplement
    # waited 9 working hours (28/4 15–17, 29/4 8–12 and 13–16), so the due time moves 9 hours on:
    # 29/4 09–12 and 13–17 is 7, then the next working day is Mon 5/5: 08:00 + 2 = 10:00.
    dict(code=f"{WARD_A}-250425-0001", unit_code=WARD_A, procedure_code="1.000001", channel="direct",
         applicant_name="Nguyễn Văn An", received_at="2025-04-25T09:00",
         supplement_requested_at="2025-04-28T15:00", supplement_received_at="2025-04-29T16:00",
         finished_at="2025-05-05T09:30", outcome="approved", returned_at="2025-05-05T10:00"),
    # Line 3: from Fri 25/4 16:30 → Tue 29/4 16:30; finished the day before: early.
    dict(unit_code=WARD_A, procedure_code="1.000001", channel="online", online_kind="4",
         applicant_name="Trần Thị Bình", received_at="2025-04-25T16:30", finished_at="2025-04-28T11:00",
         outcome="refused"),
    # Line 4: 4 working hours, rule restart: the full 4 hours again from Wed 7/5 14:00 → Thu 8/5 09:00.
    dict(unit_code=WARD_A, procedure_code="1.000002", channel="post", online_kind="mot_phan",
         applicant_name="Lê Văn Cường", received_at="2025-05-05T15:00",
         supplement_requested_at="2025-05-06T08:30", supplement_received_at="2025-05-07T14:00"),
    # Line 5: a procedure ward A does not offer, received anyway with its due time written down.
    dict(code=f"{WARD_A}-250506-0007", unit_code=WARD_A, procedure_code="1.000003", channel="direct",
         applicant_name="Phạm Thị Dung", received_at="2025-05-06T10:00", due_at="2025-05-16T10:00",
         supplement_requested_at="2025-05-07T09:00", finished_at="2025-05-20T08:00", outcome="withdrawn"),
    # Line 6: 5 working days from Tue 6/5 08:00 → Tue 13/5 08:00, with an apology for 20/5.
    dict(unit_code=WARD_B, procedure_code="1.000001", channel="direct", online_kind="1",
         applicant_name="Hoàng Văn Em", received_at="2025-05-06T08:00", apology_new_due_at="2025-05-20T08:00"),
    # Line 7: waiting for a supplement, so the due time (Fri 9/5 09:00) has not moved yet.
    dict(unit_code=WARD_A, procedure_code="1.000001", channel="direct", applicant_name="Đỗ Thị Giang",
         received_at="2025-05-06T09:00", supplement_requested_at="2025-05-07T10:00"),
    # Line 8: received the day ward A's 2-day commitment took effect → Fri 9/5 10:00; stopped before.
    dict(code=f"{WARD_A}-250507-0003", unit_code=WARD_A, procedure_code="1.000001", channel="direct",
         applicant_name="Vũ Văn Hải", received_at="2025-05-07T10:00", finished_at="2025-05-08T10:00",
         outcome="stopped"),
]
BAD_ROW_LINE = len(GOOD) + 2
HEADER = ",".join(COLUMNS)


def csv_line(cells: dict[str, str]) -> str:
    return ",".join(cells.get(column, "") for column in COLUMNS)


def write_csv(tmp_path, rows, name="register.csv", header=HEADER) -> str:
    lines = [row if isinstance(row, str) else csv_line(row) for row in rows]
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return str(path)


def import_file(path) -> dict[str, int]:
    report = import_register(path, now=NOW, default_rule="pause")
    return {"created": report.created, "unchanged": report.unchanged, "codes_assigned": report.codes_assigned}


def database_contents() -> dict[str, list]:
    """Every row of every table, so that "nothing changed" is checked on all of them."""
    db.session.expire_all()
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(table.select())), key=repr)
        for table in db.metadata.sorted_tables
    }


def dossiers_by_name() -> dict[str, Dossier]:
    db.session.expire_all()
    return {dossier.applicant_name: dossier for dossier in db.session.scalars(select(Dossier))}


def dossier_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Dossier))


def counters() -> dict[tuple[str, date], int]:
    rows = db.session.execute(select(Unit.code, DossierCounter.day, DossierCounter.last_number)
                              .join(Unit, Unit.id == DossierCounter.unit_id))
    return {(unit_code, day): number for unit_code, day, number in rows}


def export_rows(app, tmp_path, *options, name="export.csv") -> list[dict[str, str]]:
    path = tmp_path / name
    result = app.test_cli_runner().invoke(dossiers_cli, ["export", str(path), *options])
    assert result.exit_code == 0, result.output
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        assert next(reader) == EXPORT_COLUMNS
        return [dict(zip(EXPORT_COLUMNS, cells, strict=True)) for cells in reader]


def add_offering(unit, procedure, value, time_unit, active_from, rule=None) -> Offering:
    offering = Offering(unit=unit, procedure=procedure, active_from=active_from, supplement_rule=rule)
    offering.set_committed_time(Decimal(value), time_unit)
    db.session.add(offering)
    return offering


@pytest.fixture
def register(world):
    """Four procedures; ward A shortens 1.000001 to 3 then 2 working days and handles 1.000002 in 4 hours
    (restarting after a supplement); ward B keeps 5 days; nobody offers 1.000003 or 1.000004."""
    first = make_procedure("1.000001", value=5, unit=TimeUnit.WORKING_DAYS)
    hourly = make_procedure("1.000002", value=1, unit=TimeUnit.WORKING_DAYS)
    make_procedure("1.000003", value=10, unit=TimeUnit.DAYS)
    make_procedure("1.000004", value=None, unit=None, needs_review=True)
    add_offering(world.ward_a, first, 3, TimeUnit.WORKING_DAYS, date(2025, 1, 1))
    add_offering(world.ward_a, first, 2, TimeUnit.WORKING_DAYS, date(2025, 5, 7))
    add_offering(world.ward_a, hourly, 4, TimeUnit.WORKING_HOURS, date(2025, 1, 1), SupplementRule.RESTART)
    add_offering(world.ward_b, first, 5, TimeUnit.WORKING_DAYS, date(2025, 1, 1))
    db.session.commit()
    return world


def test_importing_a_register_creates_each_dossier_in_the_state_its_row_describes(app, register, tmp_path):
    assert import_file(write_csv(tmp_path, GOOD)) == {"created": 7, "unchanged": 0, "codes_assigned": 4}

    stored = dossiers_by_name()
    assert {name: (d.code, d.state, d.outcome, d.resolution) for name, d in stored.items()} == {
        "Nguyễn Văn An": (f"{WARD_A}-250425-0001", DossierState.RETURNED, "approved", "on_time"),
        "Trần Thị Bình": (f"{WARD_A}-250425-0002", DossierState.FINISHED, "refused", "early"),
        "Lê Văn Cường": (f"{WARD_A}-250505-0001", DossierState.IN_PROGRESS, None, None),
        "Phạm Thị Dung": (f"{WARD_A}-250506-0007", DossierState.WITHDRAWN, None, "late"),
        "Hoàng Văn Em": (f"{WARD_B}-250506-0001", DossierState.RECEIVED, None, None),
        "Đỗ Thị Giang": (f"{WARD_A}-250506-0008", DossierState.AWAITING_SUPPLEMENT, None, None),
        "Vũ Văn Hải": (f"{WARD_A}-250507-0003", DossierState.STOPPED, None, "early"),
    }
    assert {name: d.due_at for name, d in stored.items()} == {
        "Nguyễn Văn An": datetime(2025, 5, 5, 10, 0),
        "Trần Thị Bình": datetime(2025, 4, 29, 16, 30),
        "Lê Văn Cường": datetime(2025, 5, 8, 9, 0),
        "Phạm Thị Dung": datetime(2025, 5, 16, 10, 0),
        "Hoàng Văn Em": datetime(2025, 5, 13, 8, 0),
        "Đỗ Thị Giang": datetime(2025, 5, 9, 9, 0),
        "Vũ Văn Hải": datetime(2025, 5, 9, 10, 0),
    }
    an = stored["Nguyễn Văn An"]
    assert (an.resolved_at, an.returned_at, an.updated_at) == (
        datetime(2025, 5, 5, 9, 30), datetime(2025, 5, 5, 10, 0), NOW)
    assert (an.time_value, an.time_unit, an.supplement_rule) == (Decimal(3), TimeUnit.WORKING_DAYS, "pause")
    assert (an.applicant_search, an.applicant_phone, an.applicant_address, an.created_by) == (
        "nguyen van an", "", "", None)


def test_an_imported_dossier_has_the_history_its_row_tells_one_event_per_version(app, register, tmp_path):
    import_file(write_csv(tmp_path, GOOD))

    stored = dossiers_by_name()
    an = stored["Nguyễn Văn An"]
    assert [(e.action, e.at, e.from_state, e.to_state) for e in an.events] == [
        ("receive", datetime(2025, 4, 25, 9, 0), None, "received"),
        ("request_supplement", datetime(2025, 4, 28, 15, 0), "received", "awaiting_supplement"),
        ("receive_supplement", datetime(2025, 4, 29, 16, 0), "awaiting_supplement", "in_progress"),
        ("finish", datetime(2025, 5, 5, 9, 30), "in_progress", "finished"),
        ("return_result", datetime(2025, 5, 5, 10, 0), "finished", "returned"),
    ]
    assert an.version == 5
    assert an.events[0].details == {"imported_from": "register.csv", "line": 2}
    assert an.events[2].details == {"old_due_at": "2025-04-29T09:00:00", "new_due_at": "2025-05-05T10:00:00",
                                    "rule": "pause"}
    assert all(event.actor is None for event in an.events)
    [period] = an.supplements
    assert (period.requested_at, period.received_at, period.old_due_at, period.new_due_at, period.rule) == (
        datetime(2025, 4, 28, 15, 0), datetime(2025, 4, 29, 16, 0), datetime(2025, 4, 29, 9, 0),
        datetime(2025, 5, 5, 10, 0), "pause")

    em = stored["Hoàng Văn Em"]
    assert [e.action for e in em.events] == ["receive"] and em.version == 1
    assert (em.apology.new_due_at, em.apology.approved_at, em.apology.reason, em.apology_due_at) == (
        datetime(2025, 5, 20, 8, 0), NOW, "Nhập từ sổ theo dõi", datetime(2025, 5, 20, 8, 0))
    assert [(e.action, e.to_state) for e in stored["Phạm Thị Dung"].events] == [
        ("receive", "received"), ("request_supplement", "awaiting_supplement"), ("withdraw", "withdrawn")]
    assert [e.action for e in stored["Vũ Văn Hải"].events] == ["receive", "stop"]
    assert stored["Đỗ Thị Giang"].supplements[0].new_due_at is None


def test_online_levels_of_the_old_decree_map_to_todays_kinds_and_are_kept(app, register, tmp_path):
    import_file(write_csv(tmp_path, GOOD))

    stored = dossiers_by_name()
    assert {name: (stored[name].online_kind, stored[name].legacy_online_level) for name in
            ("Trần Thị Bình", "Lê Văn Cường", "Hoàng Văn Em", "Đỗ Thị Giang")} == {
        "Trần Thị Bình": (OnlineKind.END_TO_END, 4),
        "Lê Văn Cường": (OnlineKind.PARTIAL, None),
        "Hoàng Văn Em": (None, 1),
        "Đỗ Thị Giang": (None, None),
    }


def test_a_blank_due_time_pauses_over_the_supplement_across_the_may_holidays(app, register, tmp_path):
    # 1 working day from Tue 29/4 08:00 → Mon 5/5 08:00 (30/4–4/5 off). The supplement was requested on
    # 29/4 at 14:00 and arrived on 29/4 at 16:30: 2.5 working hours not counted → 5/5 10:30.
    procedure = db.session.scalar(select(Procedure).where(Procedure.code == "1.000001"))
    add_offering(register.ward_a, procedure, 1, TimeUnit.WORKING_DAYS, date(2025, 4, 29))
    db.session.commit()
    row = dict(unit_code=WARD_A, procedure_code="1.000001", channel="direct", applicant_name="Mai Thị Lan",
               received_at="2025-04-29T08:00", supplement_requested_at="2025-04-29T14:00",
               supplement_received_at="2025-04-29T16:30")

    import_file(write_csv(tmp_path, [row]))

    lan = dossiers_by_name()["Mai Thị Lan"]
    assert (lan.time_value, lan.supplements[0].old_due_at, lan.due_at) == (
        Decimal(1), datetime(2025, 5, 5, 8, 0), datetime(2025, 5, 5, 10, 30))


def test_a_procedure_the_unit_does_not_offer_records_its_statutory_time_when_the_due_time_is_given(
        app, register, tmp_path):
    import_file(write_csv(tmp_path, GOOD))

    dung = dossiers_by_name()["Phạm Thị Dung"]
    assert (dung.time_value, dung.time_unit, dung.due_at) == (Decimal(10), TimeUnit.DAYS, datetime(2025, 5, 16, 10))
    assert (dung.supplements[0].old_due_at, dung.supplements[0].received_at) == (datetime(2025, 5, 16, 10), None)


def test_reimporting_the_same_register_changes_nothing(app, register, tmp_path):
    path = write_csv(tmp_path, GOOD)
    import_file(path)
    before = database_contents()

    assert import_file(path) == {"created": 0, "unchanged": 7, "codes_assigned": 0}
    assert database_contents() == before


def test_an_import_leaves_one_audit_entry_per_unit_naming_the_file_and_the_command_line(app, register, tmp_path):
    path = write_csv(tmp_path, GOOD)
    import_file(path)
    import_file(path)  # the second time adds nothing, and logs nothing

    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == AuditKind.IMPORT)
                                 .order_by(AuditEntry.unit_id)).all()
    assert [(entry.unit_id, entry.target, entry.detail) for entry in entries] == sorted([
        (register.ward_a.id, "register.csv", "Thêm 6 hồ sơ từ sổ theo dõi hồ sơ"),
        (register.ward_b.id, "register.csv", "Thêm 1 hồ sơ từ sổ theo dõi hồ sơ")])
    assert all(entry.username.startswith("dòng lệnh (") and entry.user_id is None for entry in entries)


def test_blank_codes_are_numbered_in_receipt_order_after_the_given_ones_and_the_counters_follow(
        app, register, tmp_path):
    late_in_the_day = dict(GOOD[5], applicant_name="Cao Văn Khoa", received_at="2025-05-06T16:00")
    early_in_the_day = dict(GOOD[5], applicant_name="Lý Thị Mơ", received_at="2025-05-06T08:05")

    import_file(write_csv(tmp_path, [*GOOD, late_in_the_day, early_in_the_day]))

    codes = {name: dossier.code for name, dossier in dossiers_by_name().items()}
    assert [codes["Lý Thị Mơ"], codes["Đỗ Thị Giang"], codes["Cao Văn Khoa"]] == [
        f"{WARD_A}-250506-0008", f"{WARD_A}-250506-0009", f"{WARD_A}-250506-0010"]
    assert counters() == {
        (WARD_A, date(2025, 4, 25)): 2, (WARD_A, date(2025, 5, 5)): 1, (WARD_A, date(2025, 5, 6)): 10,
        (WARD_A, date(2025, 5, 7)): 3, (WARD_B, date(2025, 5, 6)): 1,
    }
    # The desk's next dossier of that day continues after the imported ones.
    assert take_next_number(register.ward_a.id, date(2025, 5, 6)) == 11
    db.session.rollback()


def test_the_desk_registers_after_an_import_with_the_next_code_and_a_fresh_id(app, register, tmp_path):
    import_file(write_csv(tmp_path, GOOD))
    offering = db.session.scalar(select(Offering).where(Offering.unit_id == register.ward_a.id,
                                                        Offering.active_from == date(2025, 1, 1),
                                                        Offering.committed_unit == TimeUnit.WORKING_DAYS))
    intake = Intake(offering=offering, applicant=Applicant("Tạ Văn Nam"), channel="direct", online_kind=None,
                    received_at=datetime(2025, 5, 6, 15, 0))

    dossier = register_dossier(intake, calendar_for(register.ward_a), None, "pause", NOW)
    db.session.commit()

    assert dossier.code == f"{WARD_A}-250506-0009"
    assert dossier.id > max(d.id for d in dossiers_by_name().values() if d is not dossier)
    assert dossier_count() == 8


def test_an_import_never_moves_a_days_counter_back(app, register, tmp_path):
    db.session.add(DossierCounter(unit_id=register.ward_a.id, day=date(2025, 4, 25), last_number=50))
    db.session.commit()

    import_file(write_csv(tmp_path, GOOD))

    assert dossiers_by_name()["Trần Thị Bình"].code == f"{WARD_A}-250425-0051"
    assert counters()[(WARD_A, date(2025, 4, 25))] == 51


def test_an_xlsx_register_imports_like_the_csv_one(app, register, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in GOOD:
        values = []
        for column in COLUMNS:
            value = row.get(column, "")
            if column.endswith("_at") and value:
                value = datetime.fromisoformat(value)
            elif column == "online_kind" and value.isdigit():
                value = int(value)  # a level typed as a number
            values.append(value or None)
        sheet.append(values)
    # A spreadsheet gives 08:59:59.999 for a 09:00 it stored as a fraction of a day.
    sheet["G2"] = datetime(2025, 4, 25, 8, 59, 59, 999000)
    sheet["H4"] = ""  # an empty string is a blank cell too
    path = tmp_path / "register.xlsx"
    workbook.save(path)

    assert import_file(path) == {"created": 7, "unchanged": 0, "codes_assigned": 4}
    stored = dossiers_by_name()
    assert (stored["Nguyễn Văn An"].received_at, stored["Nguyễn Văn An"].due_at) == (
        datetime(2025, 4, 25, 9, 0), datetime(2025, 5, 5, 10, 0))
    assert stored["Hoàng Văn Em"].legacy_online_level == 1
    assert stored["Nguyễn Văn An"].events[0].details == {"imported_from": "register.xlsx", "line": 2}
    assert import_file(path)["unchanged"] == 7


def test_a_bad_xlsx_row_is_named_by_its_sheet_row_number(app, register, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    sheet.append([GOOD[1].get(column) for column in COLUMNS])
    sheet.append([])  # row 3 left empty
    sheet.append([])
    sheet.append([GOOD[2].get(column) if column != "channel" else "fax" for column in COLUMNS])  # row 5
    path = tmp_path / "register.xlsx"
    workbook.save(path)

    with pytest.raises(ImportFileError) as raised:
        import_file(path)

    assert [(p.line, p.field) for p in raised.value.problems] == [(5, "channel")]
    assert dossier_count() == 0


@pytest.mark.parametrize("content, expected", [
    (b"not a workbook", [(1, "")]),
    ("xlsx without the outcome column", [(1, "outcome")]),
], ids=["not a workbook", "missing column"])
def test_an_unreadable_xlsx_file_is_refused(app, register, tmp_path, content, expected):
    path = tmp_path / "register.xlsx"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        workbook = openpyxl.Workbook()
        workbook.active.append([column for column in COLUMNS if column != "outcome"])
        workbook.save(path)

    with pytest.raises(ImportFileError) as raised:
        import_file(path)

    assert [(p.line, p.field) for p in raised.value.problems] == expected


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_padded_sheet(workbook: bytes, padding: int) -> bytes:
    """The workbook with `padding` spaces inside its sheet's XML: valid, and compressing ~1000 times."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * padding)
            bomb.writestr(member.filename, data)
    return out.getvalue()


def test_an_xlsx_that_expands_a_thousand_times_is_refused_before_it_is_parsed(app, register, tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(with_padded_sheet(xlsx_bytes([COLUMNS]), padding=4 * 1024 * 1024))
    assert path.stat().st_size < 50 * 1024
    monkeypatch.setattr("openpyxl.load_workbook", lambda *args, **kwargs: pytest.fail("the bomb was parsed"))

    with pytest.raises(ImportFileError) as raised:
        import_file(path)

    assert [(p.line, p.field) for p in raised.value.problems] == [(1, "")]
    assert "giải nén" in raised.value.problems[0].message


def test_an_xlsx_whose_members_expand_beyond_the_bound_is_refused(app, register, tmp_path, monkeypatch):
    monkeypatch.setattr("app.importing.MAX_XLSX_EXPANDED_BYTES", 4 * 1024)
    path = tmp_path / "register.xlsx"
    path.write_bytes(xlsx_bytes([COLUMNS, [GOOD[0].get(column, "") for column in COLUMNS]]))

    with pytest.raises(ImportFileError) as raised:
        import_file(path)

    assert "giải nén" in raised.value.problems[0].message
    assert dossier_count() == 0


@pytest.mark.parametrize("name", ["register.csv", "register.xlsx"])
def test_a_file_over_the_size_bound_is_refused_without_being_read(app, register, tmp_path, monkeypatch, name):
    monkeypatch.setattr("app.importing.MAX_IMPORT_BYTES", 1000)
    path = tmp_path / name
    path.write_bytes(b"x" * 1001)

    with pytest.raises(ImportFileError) as raised:
        import_file(path)

    assert [(p.line, p.field) for p in raised.value.problems] == [(1, "")]
    assert "quá lớn" in raised.value.problems[0].message


BASE_BAD = dict(unit_code=WARD_A, procedure_code="1.000001", channel="direct", applicant_name="Bùi Thị Khánh",
                received_at="2025-06-02T09:00")
# (case, cells changed from BASE_BAD — or a raw CSV line —, [fields of every problem on line 9]).
BAD_ROWS = [
    ("unknown unit", dict(unit_code="000.99.99.H99"), ["unit_code"]),
    ("blank unit", dict(unit_code=""), ["unit_code"]),
    ("unknown procedure", dict(procedure_code="9.999999"), ["procedure_code"]),
    ("bad channel", dict(channel="truc_tiep"), ["channel"]),
    ("bad online kind", dict(online_kind="5"), ["online_kind"]),
    ("bad outcome", dict(outcome="done", finished_at="2025-06-03T09:00"), ["outcome"]),
    ("blank applicant name", dict(applicant_name=""), ["applicant_name"]),
    ("applicant name too long", dict(applicant_name="A" * 201), ["applicant_name"]),
    ("missing receipt time", dict(received_at=""), ["received_at"]),
    ("receipt time written dd/mm/yyyy", dict(received_at="02/06/2025 09:00"), ["received_at"]),
    ("impossible receipt time", dict(received_at="2025-06-31T09:00"), ["received_at"]),
    ("receipt time with a time zone", dict(received_at="2025-06-02T09:00+07:00"), ["received_at"]),
    ("receipt time in the year 9999", dict(received_at="9999-12-31T23:59"), ["received_at"]),
    ("receipt time in the year 1", dict(received_at="0001-01-01T08:00"), ["received_at"]),
    ("due time in the year 9999", dict(due_at="9999-12-31T23:59"), ["due_at"]),
    ("finished in the year 9999", dict(finished_at="9999-12-31T23:59", outcome="approved"), ["finished_at"]),
    ("due date without a time", dict(due_at="2025-06-05"), ["due_at"]),
    ("due before receipt", dict(due_at="2025-06-02T08:59"), ["due_at"]),
    ("finished before receipt", dict(finished_at="2025-06-01T09:00", outcome="approved"), ["finished_at"]),
    ("outcome without finished_at", dict(outcome="approved"), ["finished_at"]),
    ("finished_at without outcome", dict(finished_at="2025-06-03T09:00"), ["outcome"]),
    ("supplement received without a request", dict(supplement_received_at="2025-06-03T09:00"),
     ["supplement_received_at"]),
    ("supplement received before it was requested",
     dict(supplement_requested_at="2025-06-03T09:00", supplement_received_at="2025-06-02T10:00"),
     ["supplement_received_at"]),
    ("supplement requested before receipt", dict(supplement_requested_at="2025-06-02T08:00"),
     ["supplement_requested_at"]),
    ("result while still awaiting the supplement",
     dict(supplement_requested_at="2025-06-03T09:00", finished_at="2025-06-04T09:00", outcome="approved"),
     ["supplement_received_at"]),
    ("result before the supplement arrived",
     dict(supplement_requested_at="2025-06-03T09:00", supplement_received_at="2025-06-04T09:00",
          finished_at="2025-06-03T15:00", outcome="refused"), ["finished_at"]),
    ("returned while open", dict(returned_at="2025-06-04T09:00"), ["returned_at"]),
    ("returned after a withdrawal",
     dict(finished_at="2025-06-03T09:00", outcome="withdrawn", returned_at="2025-06-04T09:00"), ["returned_at"]),
    ("returned before the result",
     dict(finished_at="2025-06-04T09:00", outcome="approved", returned_at="2025-06-03T09:00"), ["returned_at"]),
    # 2 working days (ward A's time since 7/5) from Mon 2/6 09:00 → Wed 4/6 09:00: an apology must
    # promise a later time than that.
    ("apology not after the due time", dict(apology_new_due_at="2025-06-04T09:00"), ["apology_new_due_at"]),
    ("apology date unreadable", dict(apology_new_due_at="tuần sau"), ["apology_new_due_at"]),
    ("code already on line 2", dict(code=f"{WARD_A}-250425-0001", received_at="2025-04-25T11:00"), ["code"]),
    ("code of another unit", dict(code=f"{WARD_B}-250602-0001"), ["code"]),
    ("code of another day", dict(code=f"{WARD_A}-250603-0001"), ["code"]),
    ("code numbered 0000", dict(code=f"{WARD_A}-250602-0000"), ["code"]),
    ("code with five digits", dict(code=f"{WARD_A}-250602-00001"), ["code"]),
    ("row without code like line 3", dict(applicant_name="Trần Thị Bình", received_at="2025-04-25T16:30"),
     ["code"]),
    ("procedure not offered and no due time", dict(procedure_code="1.000003"), ["procedure_code"]),
    ("procedure not offered in that ward", dict(unit_code=WARD_B, procedure_code="1.000002"), ["procedure_code"]),
    ("received before the offering took effect", dict(received_at="2024-12-31T09:00"), ["procedure_code"]),
    ("not offered and no statutory time", dict(procedure_code="1.000004", due_at="2025-06-05T09:00"),
     ["procedure_code"]),
    ("several bad cells", dict(channel="fax", online_kind="muc_5", outcome="xong", received_at="hôm qua"),
     ["channel", "online_kind", "outcome", "received_at"]),
    ("too few cells", f"{WARD_A},1.000001,direct", [""]),
]


@pytest.mark.parametrize("case, change, fields", BAD_ROWS, ids=[case for case, _, _ in BAD_ROWS])
def test_a_bad_row_is_named_by_line_and_field_and_nothing_is_written(app, register, tmp_path, case, change,
                                                                      fields):
    before = database_contents()
    bad_row = change if isinstance(change, str) else {**BASE_BAD, **change}

    with pytest.raises(ImportFileError) as raised:
        import_file(write_csv(tmp_path, [*GOOD, bad_row]))

    assert sorted((p.line, p.field) for p in raised.value.problems) == sorted((BAD_ROW_LINE, f) for f in fields)
    assert str(raised.value.problems[0]).startswith(f"dòng {BAD_ROW_LINE}")
    assert database_contents() == before


def test_a_bad_last_row_after_many_good_ones_writes_none_of_them(app, register, tmp_path):
    import_file(write_csv(tmp_path, GOOD, name="first.csv"))
    before = database_contents()
    start = datetime(2025, 6, 2, 8, 0)
    many = [dict(BASE_BAD, applicant_name=f"Người nộp {index}",
                 received_at=(start + timedelta(minutes=index)).strftime("%Y-%m-%dT%H:%M"))
            for index in range(300)]

    with pytest.raises(ImportFileError) as raised:
        import_file(write_csv(tmp_path, [*GOOD, *many, dict(BASE_BAD, channel="fax")]))

    assert [(p.line, p.field) for p in raised.value.problems] == [(len(GOOD) + len(many) + 2, "channel")]
    assert database_contents() == before


def test_a_row_that_differs_from_its_stored_dossier_is_a_conflict_not_an_overwrite(app, register, tmp_path):
    import_file(write_csv(tmp_path, GOOD))
    before = database_contents()
    changed = [dict(GOOD[0], outcome="refused"), dict(GOOD[1], finished_at="2025-04-28T14:00"), *GOOD[2:]]

    with pytest.raises(ImportFileError) as raised:
        import_file(write_csv(tmp_path, changed, name="changed.csv"))

    problems = raised.value.problems
    assert [(p.line, p.field) for p in problems] == [(2, "outcome"), (3, "finished_at")]
    assert str(problems[0]) == (
        f"dòng 2, cột outcome: hồ sơ {WARD_A}-250425-0001 đã có với giá trị «approved», tệp ghi «refused»; "
        "hồ sơ đã tiếp nhận chỉ thay đổi qua các bước xử lý, không nhập đè")
    assert database_contents() == before


def test_a_new_code_for_a_dossier_already_stored_under_another_is_refused(app, register, tmp_path):
    import_file(write_csv(tmp_path, GOOD))
    before = database_contents()

    with pytest.raises(ImportFileError) as raised:
        import_file(write_csv(tmp_path, [dict(GOOD[1], code=f"{WARD_A}-250425-0005")], name="recoded.csv"))

    assert [(p.line, p.field) for p in raised.value.problems] == [(2, "code")]
    assert f"đã có hồ sơ {WARD_A}-250425-0002" in str(raised.value.problems[0])
    assert database_contents() == before


def test_the_export_writes_every_column_with_due_times_and_classifications(app, register, tmp_path):
    import_file(write_csv(tmp_path, GOOD))

    rows = {row["applicant_name"]: row for row in export_rows(app, tmp_path)}

    assert rows["Nguyễn Văn An"] == {
        "code": f"{WARD_A}-250425-0001", "unit_code": WARD_A, "procedure_code": "1.000001", "channel": "direct",
        "online_kind": "", "applicant_name": "Nguyễn Văn An", "received_at": "2025-04-25T09:00",
        "due_at": "2025-05-05T10:00", "supplement_requested_at": "2025-04-28T15:00",
        "supplement_received_at": "2025-04-29T16:00", "finished_at": "2025-05-05T09:30", "outcome": "approved",
        "returned_at": "2025-05-05T10:00", "apology_new_due_at": "", "classification": "on_time",
        "fee_due": "", "fee_paid": "", "payment_method": "", "paid_at": "", "receipt_number": "",
        "documents_received": "", "documents_digitised": "", "result_form": "",
    }
    assert {name: (row["code"], row["due_at"], row["outcome"], row["online_kind"], row["classification"])
            for name, row in rows.items()} == {
        "Nguyễn Văn An": (f"{WARD_A}-250425-0001", "2025-05-05T10:00", "approved", "", "on_time"),
        "Trần Thị Bình": (f"{WARD_A}-250425-0002", "2025-04-29T16:30", "refused", "4", "early"),
        "Lê Văn Cường": (f"{WARD_A}-250505-0001", "2025-05-08T09:00", "", "mot_phan", "open"),
        "Phạm Thị Dung": (f"{WARD_A}-250506-0007", "2025-05-16T10:00", "withdrawn", "", "late"),
        "Hoàng Văn Em": (f"{WARD_B}-250506-0001", "2025-05-13T08:00", "", "1", "open"),
        "Đỗ Thị Giang": (f"{WARD_A}-250506-0008", "2025-05-09T09:00", "", "", "open"),
        "Vũ Văn Hải": (f"{WARD_A}-250507-0003", "2025-05-09T10:00", "stopped", "", "early"),
    }
    assert rows["Hoàng Văn Em"]["apology_new_due_at"] == "2025-05-20T08:00"
    # In order of receipt.
    assert [row["received_at"] for row in rows.values()] == sorted(row["received_at"] for row in rows.values())


@pytest.mark.parametrize("unit_code, expected", [
    ("000.00.00.H99", 7),  # the city: everything
    ("000.01.00.H99", 6),  # the district: ward A
    (WARD_B, 1),
], ids=["city", "district", "ward B"])
def test_the_export_for_a_unit_holds_its_subtree_only(app, register, tmp_path, unit_code, expected):
    import_file(write_csv(tmp_path, GOOD))

    rows = export_rows(app, tmp_path, "--unit", unit_code)

    assert len(rows) == expected
    assert all(row["unit_code"] in (WARD_A, WARD_B) for row in rows)
    if unit_code == WARD_B:
        assert rows[0]["applicant_name"] == "Hoàng Văn Em"


def test_the_export_refuses_an_unknown_unit_and_writes_no_file(app, register, tmp_path):
    path = tmp_path / "export.csv"

    result = app.test_cli_runner().invoke(dossiers_cli, ["export", str(path), "--unit", "000.99.99.H99"])

    assert result.exit_code != 0
    assert "Không có đơn vị mã «000.99.99.H99»" in result.output
    assert not path.exists()


def test_an_exported_register_imports_back_unchanged_and_exports_the_same(app, register, tmp_path):
    import_file(write_csv(tmp_path, GOOD))
    exported = tmp_path / "export.csv"
    first = export_rows(app, tmp_path, name="export.csv")
    before = database_contents()

    assert import_file(exported) == {"created": 0, "unchanged": 7, "codes_assigned": 0}
    assert database_contents() == before
    assert export_rows(app, tmp_path, name="again.csv") == first
    assert (tmp_path / "again.csv").read_bytes() == exported.read_bytes()


def test_an_exported_register_loads_into_an_empty_database_as_the_same_register(app, register, tmp_path):
    import_file(write_csv(tmp_path, GOOD))
    first = export_rows(app, tmp_path, name="export.csv")
    for table in reversed(db.metadata.sorted_tables):
        if table.name.startswith(("dossier", "supplement", "apolog")):
            db.session.execute(table.delete())
    db.session.commit()

    assert import_file(tmp_path / "export.csv") == {"created": 7, "unchanged": 0, "codes_assigned": 0}
    assert export_rows(app, tmp_path, name="again.csv") == first


def test_a_dossier_registered_at_the_desk_round_trips_though_the_file_has_no_seconds(app, register, tmp_path):
    offering = db.session.scalar(select(Offering).where(Offering.unit_id == register.ward_a.id,
                                                        Offering.active_from == date(2025, 5, 7)))
    intake = Intake(offering=offering, applicant=Applicant("Ngô Thị Lan"), channel="direct", online_kind=None,
                    received_at=datetime(2025, 6, 2, 9, 15, 42))
    register_dossier(intake, calendar_for(register.ward_a), None, "pause", NOW)
    db.session.commit()
    [row] = export_rows(app, tmp_path)
    assert (row["code"], row["received_at"], row["due_at"]) == (
        f"{WARD_A}-250602-0001", "2025-06-02T09:15", "2025-06-04T09:15")
    before = database_contents()

    assert import_file(tmp_path / "export.csv") == {"created": 0, "unchanged": 1, "codes_assigned": 0}
    assert database_contents() == before


def test_the_import_command_prints_the_summary_in_vietnamese(app, register, tmp_path):
    runner = app.test_cli_runner()
    path = write_csv(tmp_path, GOOD)

    first = runner.invoke(dossiers_cli, ["import", path])
    again = runner.invoke(dossiers_cli, ["import", path])

    assert first.exit_code == 0, first.output
    assert "Hồ sơ: thêm 7 (cấp mã mới cho 4), giữ nguyên 0." in first.output
    assert again.exit_code == 0, again.output
    assert "Hồ sơ: thêm 0 (cấp mã mới cho 0), giữ nguyên 7." in again.output
    assert dossier_count() == 7


def test_the_import_command_refuses_a_bad_file_naming_line_and_field(app, register, tmp_path):
    path = write_csv(tmp_path, [*GOOD, dict(BASE_BAD, unit_code="000.99.99.H99")])

    result = app.test_cli_runner().invoke(dossiers_cli, ["import", path])

    assert result.exit_code != 0
    assert f"{path}: dòng {BAD_ROW_LINE}, cột unit_code: không có đơn vị mã «000.99.99.H99»" in result.output
    assert "Không nhập gì" in result.output
    assert dossier_count() == 0


def test_a_register_with_only_its_header_imports_nothing(app, register, tmp_path):
    assert import_file(write_csv(tmp_path, [])) == {"created": 0, "unchanged": 0, "codes_assigned": 0}
    assert dossier_count() == 0


def test_a_register_with_a_wrong_header_is_refused_on_line_one(app, register, tmp_path):
    header = HEADER.replace("applicant_name", "ho_ten")

    with pytest.raises(ImportFileError) as raised:
        import_file(write_csv(tmp_path, GOOD, header=header))

    assert sorted((p.line, p.field) for p in raised.value.problems) == [(1, "applicant_name"), (1, "ho_ten")]
