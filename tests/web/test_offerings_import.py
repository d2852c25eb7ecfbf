"""`flask catalog import-offerings`: units' offerings from CSV, idempotent, all or nothing, shortened derived."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.catalog.models import Offering, OnlineKind
from app.catalog.offerings_import import import_offerings
from app.catalog.queries import offering_summary
from app.extensions import db
from app.importing import ImportFileError
from app.units.models import Unit, UnitKind
from app.worktime.deadlines import TimeUnit
from conftest import make_procedure, make_unit

HEADER = "unit_code,procedure_code,committed_value,committed_unit,at_desk,online_kind,active_from"
WARD_A = "000.01.01.H99"  # the world's ward A
WARD_B = "000.00.02.H99"  # the world's ward B


@pytest.fixture
def catalog(world):
    """Procedures with a statutory time in each unit, and one whose time could not be read."""
    procedures = {
        "1.000001": make_procedure("1.000001", value="5", unit=TimeUnit.WORKING_DAYS),
        "1.000002": make_procedure("1.000002", value="1", unit=TimeUnit.WORKING_DAYS),
        "1.000003": make_procedure("1.000003", value="4", unit=TimeUnit.WORKING_HOURS),
        "1.000004": make_procedure("1.000004", value="10", unit=TimeUnit.DAYS),
        "1.000005": make_procedure("1.000005", value="0.5", unit=TimeUnit.WORKING_DAYS),
        "1.000006": make_procedure("1.000006", value=None, unit=None, needs_review=True),
    }
    db.session.commit()
    return procedures


GOOD_ROWS = [
    f"{WARD_A},1.000001,3,working_days,yes,toan_trinh,2025-07-01",
    f"{WARD_A},1.000002,1,working_days,yes,mot_phan,2025-07-01",
    f"{WARD_A},1.000004,10,days,no,none,01/07/2025",
    f"{WARD_B},1.000001,5,working_days,yes,none,2025-07-01",
]


def write_csv(tmp_path, lines, header=HEADER, name="offerings.csv") -> str:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return str(path)


def database_contents() -> dict[str, list]:
    """Every row of every table, so that "nothing half-imported" is checked on all of them."""
    db.session.expire_all()
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(table.select())), key=repr)
        for table in db.metadata.sorted_tables
    }


def offering_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Offering))


def offerings() -> dict[tuple[str, str, date], Offering]:
    db.session.expire_all()
    return {(o.unit.code, o.procedure.code, o.active_from): o for o in db.session.scalars(select(Offering))}


def summary(unit_code: str | None = None, on_day: date = date(2025, 8, 1)) -> dict[str, int]:
    unit_ids = select(Unit.id)
    if unit_code:
        unit_ids = unit_ids.where(Unit.code == unit_code)
    return offering_summary(unit_ids, on_day)


def test_importing_offerings_creates_one_per_row_with_the_committed_time(app, catalog, tmp_path):
    counts = import_offerings(write_csv(tmp_path, GOOD_ROWS))

    assert counts == {"created": 4, "updated": 0, "unchanged": 0}
    stored = offerings()
    first = stored[(WARD_A, "1.000001", date(2025, 7, 1))]
    assert (first.committed_value, first.committed_unit, first.at_desk, first.online_kind) == (
        Decimal("3"), TimeUnit.WORKING_DAYS, True, OnlineKind.END_TO_END)
    assert first.committed_hours == Decimal("24")
    calendar = stored[(WARD_A, "1.000004", date(2025, 7, 1))]  # written dd/mm/yyyy in the file
    assert (calendar.committed_days, calendar.committed_hours, calendar.at_desk) == (Decimal("10"), None, False)
    assert summary(WARD_A) == {"offered": 3, "at_desk": 2, "shortened": 1, "end_to_end": 1}
    assert summary(WARD_B) == {"offered": 1, "at_desk": 1, "shortened": 0, "end_to_end": 0}


def test_reimporting_the_same_offerings_file_changes_nothing(app, catalog, tmp_path):
    path = write_csv(tmp_path, GOOD_ROWS)
    import_offerings(path)
    before = database_contents()

    assert import_offerings(path) == {"created": 0, "updated": 0, "unchanged": 4}
    assert database_contents() == before


def test_a_changed_committed_time_updates_that_offering_only(app, catalog, tmp_path):
    import_offerings(write_csv(tmp_path, GOOD_ROWS))
    ids = {key: offering.id for key, offering in offerings().items()}

    changed = [GOOD_ROWS[0].replace(",3,working_days,", ",24,working_hours,"), *GOOD_ROWS[1:]]
    counts = import_offerings(write_csv(tmp_path, changed, name="changed.csv"))

    assert counts == {"created": 0, "updated": 1, "unchanged": 3}
    stored = offerings()
    assert {key: offering.id for key, offering in stored.items()} == ids
    first = stored[(WARD_A, "1.000001", date(2025, 7, 1))]
    assert (first.committed_value, first.committed_unit, first.committed_hours) == (
        Decimal("24"), TimeUnit.WORKING_HOURS, Decimal("24"))


def test_a_new_active_from_adds_an_offering_that_takes_over_from_that_day(app, catalog, tmp_path):
    import_offerings(write_csv(tmp_path, GOOD_ROWS))

    later = f"{WARD_B},1.000001,2,working_days,yes,toan_trinh,2025-09-01"
    assert import_offerings(write_csv(tmp_path, [*GOOD_ROWS, later], name="later.csv")) == {
        "created": 1, "updated": 0, "unchanged": 4}

    assert offering_count() == 5
    assert summary(WARD_B, date(2025, 8, 31)) == {"offered": 1, "at_desk": 1, "shortened": 0, "end_to_end": 0}
    assert summary(WARD_B, date(2025, 9, 1)) == {"offered": 1, "at_desk": 1, "shortened": 1, "end_to_end": 1}


def test_a_decimal_comma_is_read_as_a_decimal_point(app, catalog, tmp_path):
    import_offerings(write_csv(tmp_path, [f'{WARD_A},1.000001,"2,5",working_days,yes,none,2025-07-01']))

    offering = offerings()[(WARD_A, "1.000001", date(2025, 7, 1))]
    assert (offering.committed_value, offering.committed_hours) == (Decimal("2.5"), Decimal("20"))


# (procedure and its statutory time, committed value and unit, shortened?). Working days and working
# hours compare at 8 hours a day; calendar days only with calendar days, otherwise never shortened.
SHORTENED = [
    ("1.000001", "3", "working_days", True),     # 5 working days
    ("1.000001", "5", "working_days", False),
    ("1.000001", "4.5", "working_days", True),
    ("1.000001", "39", "working_hours", True),   # 40 working hours
    ("1.000001", "40", "working_hours", False),
    ("1.000002", "7", "working_hours", True),    # 1 working day
    ("1.000002", "8", "working_hours", False),
    ("1.000002", "0.5", "working_days", True),
    ("1.000003", "0.5", "working_days", False),  # 4 working hours
    ("1.000003", "3", "working_hours", True),
    ("1.000005", "4", "working_hours", False),   # half a working day
    ("1.000005", "3.5", "working_hours", True),
    ("1.000004", "7", "days", True),             # 10 calendar days
    ("1.000004", "10", "days", False),
    ("1.000004", "5", "working_days", False),    # not comparable with calendar days
    ("1.000004", "8", "working_hours", False),
    ("1.000001", "3", "days", False),            # calendar days against working days
    ("1.000006", "1", "working_days", False),    # statutory time unread
    ("1.000006", "1", "days", False),
]


@pytest.mark.parametrize("code, value, unit, shortened", SHORTENED,
                         ids=[f"{c}-{v}-{u}" for c, v, u, _ in SHORTENED])
def test_shortened_is_derived_alike_in_python_and_in_sql(app, catalog, tmp_path, code, value, unit, shortened):
    import_offerings(write_csv(tmp_path, [f"{WARD_A},{code},{value},{unit},yes,none,2025-07-01"]))

    offering = offerings()[(WARD_A, code, date(2025, 7, 1))]
    assert offering.is_shortened is shortened
    assert summary(WARD_A)["shortened"] == int(shortened)
    in_sql = db.session.scalar(select(func.count()).select_from(Offering).join(Offering.procedure)
                               .where(Offering.is_shortened))
    assert in_sql == int(shortened)


def test_shortened_counts_only_offerings_at_the_desk_in_the_summary(app, catalog, world, tmp_path):
    units = [f"W{number:02d}" for number in range(len(SHORTENED))]
    for unit_code in units:
        make_unit(unit_code, f"Phường {unit_code}", UnitKind.WARD, world.city)
    db.session.commit()
    rows = [f"{unit_code},{code},{value},{unit},{'yes' if index % 3 else 'no'},none,2025-07-01"
            for index, (unit_code, (code, value, unit, _)) in enumerate(zip(units, SHORTENED))]

    import_offerings(write_csv(tmp_path, rows))

    stored = list(offerings().values())
    in_python = sum(1 for offering in stored if offering.at_desk and offering.is_shortened)
    expected = sum(1 for index, case in enumerate(SHORTENED) if index % 3 and case[3])
    assert in_python == expected
    assert summary()["shortened"] == expected
    assert summary()["at_desk"] == sum(1 for index in range(len(SHORTENED)) if index % 3)


# (case, header, bad row, [(line, field)] of every problem expected). The bad row comes after the good
# ones, on line 6.
BAD_ROW_LINE = len(GOOD_ROWS) + 2
WRONG_HEADER = "don_vi,thu_tuc,thoi_gian,don_vi_thoi_gian,tai_quay,truc_tuyen,tu_ngay"
BAD_FILES = [
    ("wrong header", WRONG_HEADER, None,
     [(1, field) for field in HEADER.split(",") + WRONG_HEADER.split(",")]),
    ("missing column", HEADER.removesuffix(",active_from"), None, [(1, "active_from")]),
    ("extra column", HEADER + ",ghi_chu", None, [(1, "ghi_chu")]),
    ("column named twice", HEADER + ",at_desk", None, [(1, "at_desk")]),
    ("row with too few cells", HEADER, f"{WARD_A},1.000003,2,working_hours,yes,none", [(BAD_ROW_LINE, "")]),
    ("row with too many cells", HEADER, f"{WARD_A},1.000003,2,working_hours,yes,none,2025-07-01,x",
     [(BAD_ROW_LINE, "")]),
    ("unknown unit code", HEADER, "000.99.99.H99,1.000003,2,working_hours,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "unit_code")]),
    ("blank unit code", HEADER, ",1.000003,2,working_hours,yes,none,2025-07-01", [(BAD_ROW_LINE, "unit_code")]),
    ("unknown procedure", HEADER, f"{WARD_A},9.999999,2,working_hours,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "procedure_code")]),
    ("negative time", HEADER, f"{WARD_A},1.000003,-2,working_hours,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "committed_value")]),
    ("zero time", HEADER, f"{WARD_A},1.000003,0,working_hours,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "committed_value")]),
    ("non-numeric time", HEADER, f"{WARD_A},1.000003,hai,working_hours,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "committed_value")]),
    ("blank time", HEADER, f"{WARD_A},1.000003,,working_hours,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "committed_value")]),
    ("not-a-number time", HEADER, f"{WARD_A},1.000003,NaN,working_hours,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "committed_value")]),
    ("infinite time", HEADER, f"{WARD_A},1.000006,Infinity,working_hours,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "committed_value")]),
    ("time with three decimals", HEADER, f"{WARD_A},1.000001,0.125,working_days,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "committed_value")]),
    ("huge time written with an exponent", HEADER, f"{WARD_A},1.000006,1e30,days,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "committed_value")]),
    ("absurdly long time", HEADER, f"{WARD_A},1.000006,5000,days,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "committed_value")]),
    ("bad time unit", HEADER, f"{WARD_A},1.000003,2,hours,yes,none,2025-07-01", [(BAD_ROW_LINE, "committed_unit")]),
    ("bad at_desk", HEADER, f"{WARD_A},1.000003,2,working_hours,co,none,2025-07-01", [(BAD_ROW_LINE, "at_desk")]),
    ("bad online_kind", HEADER, f"{WARD_A},1.000003,2,working_hours,yes,muc_4,2025-07-01",
     [(BAD_ROW_LINE, "online_kind")]),
    ("impossible date", HEADER, f"{WARD_A},1.000003,2,working_hours,yes,none,2025-02-30",
     [(BAD_ROW_LINE, "active_from")]),
    ("impossible dd/mm/yyyy date", HEADER, f"{WARD_A},1.000003,2,working_hours,yes,none,31/04/2025",
     [(BAD_ROW_LINE, "active_from")]),
    ("blank date", HEADER, f"{WARD_A},1.000003,2,working_hours,yes,none,", [(BAD_ROW_LINE, "active_from")]),
    ("longer than statutory working days", HEADER, f"{WARD_A},1.000001,6,working_days,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "committed_value")]),
    ("longer than statutory in hours", HEADER, f"{WARD_A},1.000001,41,working_hours,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "committed_value")]),
    ("days longer than half a working day", HEADER, f"{WARD_A},1.000005,0.75,working_days,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "committed_value")]),
    ("longer than statutory calendar days", HEADER, f"{WARD_A},1.000004,11,days,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "committed_value")]),
    ("duplicate offering", HEADER, f"{WARD_A},1.000001,2,working_days,yes,none,2025-07-01",
     [(BAD_ROW_LINE, "procedure_code")]),
    ("several bad cells in one row", HEADER, f"{WARD_A},1.000003,ba,weeks,maybe,all,tomorrow",
     [(BAD_ROW_LINE, field) for field in
      ("committed_value", "committed_unit", "at_desk", "online_kind", "active_from")]),
]


@pytest.mark.parametrize("case, header, bad_row, expected", BAD_FILES,
                         ids=[case[0] if isinstance(case, tuple) else case.id for case in BAD_FILES])
def test_a_bad_offerings_file_names_the_line_and_field_and_writes_nothing(app, catalog, tmp_path, case, header,
                                                                            bad_row, expected):
    before = database_contents()
    rows = GOOD_ROWS + ([bad_row] if bad_row is not None else [])

    with pytest.raises(ImportFileError) as raised:
        import_offerings(write_csv(tmp_path, rows, header=header))

    assert sorted((p.line, p.field) for p in raised.value.problems) == sorted(expected)
    assert str(raised.value.problems[0]).startswith(f"dòng {expected[0][0]}")
    assert database_contents() == before


def test_a_bad_last_row_after_many_good_ones_writes_none_of_them_nor_changes_the_old_ones(app, catalog, tmp_path):
    import_offerings(write_csv(tmp_path, GOOD_ROWS, name="first.csv"))
    before = database_contents()
    good = [f"{WARD_A},1.000001,{1 + day % 4},working_days,yes,none,2024-{1 + day // 28:02d}-{1 + day % 28:02d}"
            for day in range(300)]
    changed = [row.replace(",5,working_days,", ",4,working_days,") for row in GOOD_ROWS]

    with pytest.raises(ImportFileError) as raised:
        import_offerings(write_csv(tmp_path, [*changed, *good, f"{WARD_B},1.000002,-1,working_days,yes,none,2025-07-01"]))

    assert [(p.line, p.field) for p in raised.value.problems] == [(len(changed) + len(good) + 2, "committed_value")]
    assert database_contents() == before


def test_an_offerings_file_in_windows_1258_is_refused_naming_the_line(app, catalog, tmp_path):
    path = tmp_path / "cp1258.csv"
    path.write_bytes((HEADER + "\n" + GOOD_ROWS[0] + "\n" + f"{WARD_A},1.000002,1,working_days,có,none,2025-07-01\n")
                     .encode("cp1258"))

    with pytest.raises(ImportFileError) as raised:
        import_offerings(path)

    assert [(p.line, p.field) for p in raised.value.problems] == [(3, "")]
    assert offering_count() == 0


def test_an_offerings_file_in_utf_16_is_refused(app, catalog, tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_text("\n".join([HEADER, *GOOD_ROWS]), encoding="utf-16")

    with pytest.raises(ImportFileError) as raised:
        import_offerings(path)

    assert [(p.line, p.field) for p in raised.value.problems] == [(1, "")]
    assert offering_count() == 0


def test_an_empty_offerings_file_is_refused(app, catalog, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(ImportFileError) as raised:
        import_offerings(path)

    assert [(p.line, p.field) for p in raised.value.problems] == [(1, "")]


def test_a_committed_time_with_two_decimals_is_kept_exactly_and_reimports_unchanged(app, catalog, tmp_path):
    path = write_csv(tmp_path, [f"{WARD_A},1.000001,0.25,working_days,yes,none,2025-07-01"])
    import_offerings(path)

    offering = offerings()[(WARD_A, "1.000001", date(2025, 7, 1))]
    assert (offering.committed_value, offering.committed_hours) == (Decimal("0.25"), Decimal("2"))
    assert import_offerings(path) == {"created": 0, "updated": 0, "unchanged": 1}


def test_the_import_offerings_command_prints_the_summary_in_vietnamese(app, catalog, tmp_path):
    runner = app.test_cli_runner()
    path = write_csv(tmp_path, GOOD_ROWS)

    first = runner.invoke(args=["catalog", "import-offerings", path])
    again = runner.invoke(args=["catalog", "import-offerings", path])

    assert first.exit_code == 0, first.output
    assert "Thủ tục của đơn vị: thêm 4, cập nhật 0, giữ nguyên 0." in first.output
    assert again.exit_code == 0, again.output
    assert "Thủ tục của đơn vị: thêm 0, cập nhật 0, giữ nguyên 4." in again.output
    assert offering_count() == 4


def test_the_import_offerings_command_refuses_a_bad_file_naming_line_and_field(app, catalog, tmp_path):
    path = write_csv(tmp_path, [*GOOD_ROWS, "000.99.99.H99,1.000003,2,working_hours,yes,none,2025-07-01"])

    result = app.test_cli_runner().invoke(args=["catalog", "import-offerings", path])

    assert result.exit_code != 0
    assert f"{path}: dòng 6, cột unit_code: không có đơn vị mã «000.99.99.H99»" in result.output
    assert "Không nhập gì" in result.output
    assert offering_count() == 0
