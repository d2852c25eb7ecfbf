"""`flask units import`: the unit tree from a CSV file, idempotent, all or nothing, problems by line and field."""
import unicodedata

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.importing import ImportFileError
from app.units.importer import import_units
from app.units.models import Unit, UnitKind
from conftest import make_unit

HEADER = "code,name,kind,parent_code"

# A city with a district and two wards under it, one ward straight under the city; children come
# before their parents on purpose.
TREE = [
    "79.02.01,Phường Bến Nghé,ward,79.02",
    "79.02.02,Phường Đa Kao,ward,79.02",
    "79.00.03,Xã Cần Thạnh,ward,79",
    "79.02,Quận Một,district,79",
    "79,Thành phố Hồ Chí Minh,city,",
]


def write_csv(tmp_path, lines, header=HEADER, name="units.csv", encoding="utf-8") -> str:
    path = tmp_path / name
    path.write_bytes("\n".join([header, *lines]).encode(encoding) + b"\n")
    return str(path)


def database_contents() -> dict[str, list]:
    """Every row of every table, so that "nothing half-imported" is checked on all of them."""
    db.session.expire_all()
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(table.select())), key=repr)
        for table in db.metadata.sorted_tables
    }


def units_by_code() -> dict[str, Unit]:
    db.session.expire_all()
    return {unit.code: unit for unit in db.session.scalars(select(Unit))}


def unit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Unit))


def problem_of(error: ImportFileError) -> tuple[int, str]:
    assert len(error.problems) == 1, error.problems
    return error.problems[0].line, error.problems[0].field


def test_importing_a_units_file_builds_the_tree_with_parents_after_children(app, tmp_path):
    counts = import_units(write_csv(tmp_path, TREE))

    assert counts == {"created": 5, "updated": 0, "unchanged": 0}
    units = units_by_code()
    assert {code: (unit.kind, unit.parent.code if unit.parent else None) for code, unit in units.items()} == {
        "79": (UnitKind.CITY, None),
        "79.02": (UnitKind.DISTRICT, "79"),
        "79.02.01": (UnitKind.WARD, "79.02"),
        "79.02.02": (UnitKind.WARD, "79.02"),
        "79.00.03": (UnitKind.WARD, "79"),
    }
    assert units["79.02.01"].name == "Phường Bến Nghé"
    assert units["79.02.01"].is_within(units["79"])
    assert units["79.02.01"].path == f"/{units['79'].id}/{units['79.02'].id}/{units['79.02.01'].id}/"
    assert not units["79.00.03"].is_within(units["79.02"])


def test_reimporting_the_same_units_file_changes_nothing(app, tmp_path):
    path = write_csv(tmp_path, TREE)
    import_units(path)
    before = database_contents()

    counts = import_units(path)

    assert counts == {"created": 0, "updated": 0, "unchanged": 5}
    assert database_contents() == before


def test_a_changed_name_updates_that_unit_and_leaves_the_others_alone(app, tmp_path):
    import_units(write_csv(tmp_path, TREE))
    before = units_by_code()
    ids_before = {code: unit.id for code, unit in before.items()}

    changed = [line.replace("Phường Đa Kao", "Phường Tân Định") for line in TREE]
    counts = import_units(write_csv(tmp_path, changed, name="changed.csv"))

    assert counts == {"created": 0, "updated": 1, "unchanged": 4}
    after = units_by_code()
    assert after["79.02.02"].name == "Phường Tân Định"
    assert {code: unit.id for code, unit in after.items()} == ids_before
    assert unit_count() == 5


def test_moving_a_ward_to_another_parent_updates_its_path(app, tmp_path):
    import_units(write_csv(tmp_path, TREE))

    moved = [line.replace("79.02.01,Phường Bến Nghé,ward,79.02", "79.02.01,Phường Bến Nghé,ward,79") for line in TREE]
    counts = import_units(write_csv(tmp_path, moved, name="moved.csv"))

    assert counts == {"created": 0, "updated": 1, "unchanged": 4}
    units = units_by_code()
    assert units["79.02.01"].parent.code == "79"
    assert units["79.02.01"].path == f"/{units['79'].id}/{units['79.02.01'].id}/"
    assert not units["79.02.01"].is_within(units["79.02"])


def test_a_file_may_add_wards_under_units_already_in_the_database(app, tmp_path):
    city = make_unit("01", "Thành phố Hà Nội", UnitKind.CITY)
    db.session.commit()

    counts = import_units(write_csv(tmp_path, ["01.00.07,Phường Hoàn Kiếm,ward,01"]))

    assert counts == {"created": 1, "updated": 0, "unchanged": 0}
    ward = units_by_code()["01.00.07"]
    assert ward.parent_id == city.id
    assert ward.path == f"/{city.id}/{ward.id}/"


def test_imported_names_are_nfc_and_stripped_so_a_decomposed_copy_changes_nothing(app, tmp_path):
    decomposed = [unicodedata.normalize("NFD", f" {line.replace(',', ' , ')} ") for line in TREE]
    assert decomposed != TREE
    import_units(write_csv(tmp_path, decomposed, name="nfd.csv"))

    names = {code: unit.name for code, unit in units_by_code().items()}
    assert names["79.02.01"] == "Phường Bến Nghé"
    assert all(unicodedata.is_normalized("NFC", name) for name in names.values())
    assert import_units(write_csv(tmp_path, TREE)) == {"created": 0, "updated": 0, "unchanged": 5}


def test_a_header_in_another_order_with_a_byte_order_mark_and_crlf_is_read(app, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffKind,Parent_Code,Name,Code\r\ncity,,Tỉnh Thử,T1\r\nward,T1,Xã Thử,T1.01\r\n".encode())

    assert import_units(path) == {"created": 2, "updated": 0, "unchanged": 0}
    assert units_by_code()["T1.01"].parent.code == "T1"


def test_a_header_only_file_imports_nothing_and_succeeds(app, tmp_path):
    assert import_units(write_csv(tmp_path, [])) == {"created": 0, "updated": 0, "unchanged": 0}


# (case, header, bad rows after the good ones of TREE, [(line, field)] of every problem expected). The
# good rows come first so that a bad row is never the only one.
WRONG_HEADER_FIELDS = ["code", "name", "kind", "parent_code", "ma", "ten", "loai", "cap_tren"]
BAD_FILES = [
    ("wrong header", "ma,ten,loai,cap_tren", [], [(1, field) for field in WRONG_HEADER_FIELDS]),
    ("missing column", "code,name,kind", [], [(1, "parent_code")]),
    ("extra column", HEADER + ",note", [], [(1, "note")]),
    ("column named twice", "code,name,kind,parent_code,Code", [], [(1, "code")]),
    ("row with too few cells", HEADER, ["79.02.09,Phường Thiếu,ward"], [(7, "")]),
    ("row with too many cells", HEADER, ["79.02.09,Phường Thừa,ward,79.02,thêm"], [(7, "")]),
    ("unknown parent code", HEADER, ["79.02.09,Phường Lạc,ward,79.99"], [(7, "parent_code")]),
    ("ward without parent", HEADER, ["79.02.09,Phường Mồ Côi,ward,"], [(7, "parent_code")]),
    ("district without parent", HEADER, ["79.05,Quận Năm,district,"], [(7, "parent_code")]),
    ("ward under a ward", HEADER, ["79.02.09,Phường Con,ward,79.02.01"], [(7, "parent_code")]),
    ("district under a district", HEADER, ["79.05,Quận Năm,district,79.02"], [(7, "parent_code")]),
    ("city under a city", HEADER, ["80,Tỉnh Khác,city,79"], [(7, "parent_code")]),
    ("ward under an existing ward", HEADER, ["79.02.09,Phường Con,ward,000.01.01.H99"], [(7, "parent_code")]),
    ("duplicate code", HEADER, ["79.02.01,Phường Bến Nghé Mới,ward,79.02"], [(7, "code")]),
    ("blank code", HEADER, [",Phường Không Mã,ward,79.02"], [(7, "code")]),
    ("blank name", HEADER, ["79.02.09,,ward,79.02"], [(7, "name")]),
    ("unknown kind", HEADER, ["79.02.09,Thị trấn Thử,town,79.02"], [(7, "kind")]),
    ("unit its own parent", HEADER, ["79.03,Quận Vòng,district,79.03"], [(7, "parent_code")]),
    ("bad row after a blank line", HEADER, ["", "79.02.09,,ward,79.02"], [(8, "name")]),
    ("bad row after a cell on two lines", HEADER, ['79.02.08,"Phường\nHai Dòng",ward,79.02', "79.02.09,,ward,79.02"],
     [(9, "name")]),
    ("unclosed quote in the last row", HEADER, ['79.02.09,"Phường Mở Ngoặc,ward,79.02'], [(7, "")]),
    ("row on two lines with too few cells", HEADER, ['79.02.08,"Phường\nHai Dòng",ward'], [(7, "")]),
]


@pytest.mark.parametrize("case, header, bad_rows, expected", BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_a_bad_units_file_names_the_line_and_field_and_writes_nothing(app, world, tmp_path, case, header,
                                                                        bad_rows, expected):
    before = database_contents()

    with pytest.raises(ImportFileError) as raised:
        import_units(write_csv(tmp_path, TREE + bad_rows, header=header))

    assert sorted((p.line, p.field) for p in raised.value.problems) == sorted(expected)
    assert str(raised.value).startswith(f"dòng {expected[0][0]}")
    assert database_contents() == before


def test_a_bad_last_row_after_many_good_ones_writes_none_of_them(app, world, tmp_path):
    good = [f"79.00.{number:03d},Phường Số {number},ward,{world.city.code}" for number in range(1, 301)]
    before = database_contents()

    with pytest.raises(ImportFileError) as raised:
        import_units(write_csv(tmp_path, [*good, "79.00.999,Phường Cuối,ward,KHONG-CO"]))

    assert problem_of(raised.value) == (302, "parent_code")
    assert database_contents() == before


def test_a_bad_row_does_not_stop_the_next_ones_being_checked(app, tmp_path):
    rows = TREE + ["79.02.09,,ward,79.02", "79.02.10,Phường Mười,hamlet,79.02", "79.02.11,Phường Lạc,ward,XX"]

    with pytest.raises(ImportFileError) as raised:
        import_units(write_csv(tmp_path, rows))

    assert [(p.line, p.field) for p in raised.value.problems] == [(7, "name"), (8, "kind"), (9, "parent_code")]
    assert unit_count() == 0


def test_a_bad_update_leaves_the_earlier_import_as_it_was(app, tmp_path):
    import_units(write_csv(tmp_path, TREE))
    before = database_contents()
    renamed = [line.replace("Quận Một", "Quận 1") for line in TREE]

    with pytest.raises(ImportFileError):
        import_units(write_csv(tmp_path, [*renamed, "79.02.09,Phường Con,ward,79.02.01"], name="bad.csv"))

    assert database_contents() == before
    assert units_by_code()["79.02"].name == "Quận Một"


@pytest.mark.parametrize("encoding", ["cp1258", "cp1252", "utf-16"])
def test_a_units_file_in_another_encoding_is_refused_naming_the_line(app, tmp_path, encoding):
    # Line 1 and 2 are plain ASCII, so in the one-byte encodings the first bad byte is on line 3.
    lines = ["T1,Tinh Thu,city,", "T1.01,Xã Thử Độ,ward,T1"]
    if encoding == "cp1252":
        lines[1] = "T1.01,Café Ward,ward,T1"
    text = "\n".join([HEADER, *lines]) + "\n"
    data = (unicodedata.normalize("NFD", text).encode("cp1258", errors="replace") if encoding == "cp1258"
            else text.encode(encoding))
    path = tmp_path / f"units-{encoding}.csv"
    path.write_bytes(data)

    with pytest.raises(ImportFileError) as raised:
        import_units(path)

    assert problem_of(raised.value) == (1 if encoding == "utf-16" else 3, "")
    assert "UTF-8" in str(raised.value)
    assert unit_count() == 0


def test_an_empty_units_file_is_refused(app, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(ImportFileError) as raised:
        import_units(path)

    assert problem_of(raised.value) == (1, "")
    assert "rỗng" in str(raised.value)


def test_an_unterminated_quote_that_swallows_a_large_file_is_reported_by_line(app, world, tmp_path):
    good = [f"79.00.{number:05d},Phường Số {number} có tên khá dài để tệp lớn,ward,{world.city.code}"
            for number in range(1, 3001)]
    path = write_csv(tmp_path, ['79.00.0,"Phường Mở Ngoặc,ward,' + world.city.code, *good])
    before = database_contents()

    with pytest.raises(ImportFileError) as raised:
        import_units(path)

    assert [(p.line, p.field) for p in raised.value.problems] == [(2, "")]
    assert "ngoặc kép" in str(raised.value)
    assert database_contents() == before


def test_changing_a_units_kind_may_not_leave_its_children_under_a_parent_they_cannot_have(app, world, tmp_path):
    before = database_contents()
    row = f"{world.district.code},{world.district.name},ward,{world.city.code}"

    with pytest.raises(ImportFileError) as raised:
        import_units(write_csv(tmp_path, [row]))

    assert [(p.line, p.field) for p in raised.value.problems] == [(2, "kind")]
    assert database_contents() == before


# What the unit form refuses (app/units/forms.py) the importer must refuse too: units.code is
# VARCHAR(40) and units.name VARCHAR(200), which PostgreSQL enforces with an error mid-import.
@pytest.mark.parametrize("row, field", [
    ("79.02.09." + "9" * 32 + ",Phường Mã Dài,ward,79.02", "code"),
    ("79.02.09,Phường " + "Dài " * 50 + ",ward,79.02", "name"),
    ("79.02 09,Phường Mã Có Dấu Cách,ward,79.02", "code"),
], ids=["code longer than 40", "name longer than 200", "code with a space"])
def test_a_unit_the_unit_form_would_refuse_is_refused_naming_line_and_field(app, tmp_path, row, field):
    with pytest.raises(ImportFileError) as raised:
        import_units(write_csv(tmp_path, [*TREE, row]))

    assert [(p.line, p.field) for p in raised.value.problems] == [(7, field)]
    assert unit_count() == 0


def test_the_units_import_command_prints_the_summary_in_vietnamese(app, tmp_path):
    runner = app.test_cli_runner()
    path = write_csv(tmp_path, TREE)

    first = runner.invoke(args=["units", "import", path])
    again = runner.invoke(args=["units", "import", path])

    assert first.exit_code == 0, first.output
    assert "Đơn vị: thêm 5, cập nhật 0, giữ nguyên 0." in first.output
    assert again.exit_code == 0, again.output
    assert "Đơn vị: thêm 0, cập nhật 0, giữ nguyên 5." in again.output
    assert unit_count() == 5


def test_the_units_import_command_refuses_a_bad_file_naming_line_and_field(app, tmp_path):
    runner = app.test_cli_runner()
    path = write_csv(tmp_path, [*TREE, "79.02.09,Phường Con,ward,79.02.01"])

    result = runner.invoke(args=["units", "import", path])

    assert result.exit_code != 0
    assert f"{path}: dòng 7, cột parent_code:" in result.output
    assert "Không nhập gì" in result.output
    assert unit_count() == 0


def test_the_units_import_command_refuses_a_missing_file(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["units", "import", str(tmp_path / "khong-co.csv")])

    assert result.exit_code != 0
    assert "khong-co.csv" in result.output
