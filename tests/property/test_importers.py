"""Hostile and broken files at every importer (units, portal catalog, offerings, a ward's register; the CLI
commands call these functions): a file is imported clean or refused as a whole with a message naming the
problem, never half-written and never with another exception."""
import json
from datetime import datetime

import openpyxl
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from app.catalog.offerings_import import import_offerings
from app.catalog.portal_import import import_portal
from app.dossiers.register_format import COLUMNS as REGISTER_COLUMNS
from app.dossiers.register_writing import import_register
from app.importing import ImportFileError
from app.units.importer import import_units
from app.worktime.deadlines import TimeUnit
from checks import database_contents, hostile_settings, stored_text_problems
from conftest import SHARED_DATA, make_procedure
from hostile import bad_encodings, broken_files, hostile_value, odd_text

NOW = datetime(2026, 6, 1, 8, 0)
WARD_A = "000.01.01.H99"
VIETNAMESE = "Phường Đống Đa, Nguyễn Văn Ánh — Hồ sơ đăng ký khai sinh"


def _portal_record() -> dict:
    path = SHARED_DATA / "tthc-cap-xa.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is not there (shared/ sits beside the checkout)")
    with path.open(encoding="utf-8") as file:
        return json.loads(file.readline())


def _csv(header: list[str], row: dict) -> str:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'
    return ",".join(header) + "\n" + ",".join(cell(row.get(column, "")) for column in header) + "\n"


IMPORTERS = {
    "units": (lambda path: import_units(path), ["code", "name", "kind", "parent_code"],
              {"code": "000.01.09.H99", "name": "Phường Mới", "kind": "ward", "parent_code": "000.01.00.H99"}, ".csv"),
    "offerings": (lambda path: import_offerings(path),
                  ["unit_code", "procedure_code", "committed_value", "committed_unit", "at_desk", "online_kind",
                   "active_from"],
                  {"unit_code": WARD_A, "procedure_code": "1.000001", "committed_value": "3",
                   "committed_unit": "working_days", "at_desk": "yes", "online_kind": "none",
                   "active_from": "2026-01-01"}, ".csv"),
    "register": (lambda path: import_register(path, now=NOW, default_rule="pause"), REGISTER_COLUMNS,
                 {"unit_code": WARD_A, "procedure_code": "1.000001", "channel": "direct",
                  "applicant_name": "Nguyễn Văn An", "received_at": "2026-04-27T09:00"}, ".csv"),
}


@pytest.fixture
def catalog(world):
    make_procedure("1.000001", value=5, unit=TimeUnit.WORKING_DAYS)
    from app.extensions import db
    db.session.commit()
    return world


def _import(name: str, path) -> str:
    """'imported' or the refusal's message; any other exception fails the test."""
    try:
        IMPORTERS[name][0](path)
    except ImportFileError as error:
        assert error.problems and all(str(problem) for problem in error.problems)
        return str(error)
    return "imported"


@pytest.mark.parametrize("name", sorted(IMPORTERS))
@hostile_settings(max_examples=25)
@given(data=st.data())
def test_a_hostile_cell_is_imported_clean_or_the_file_is_refused_whole(catalog, tmp_path, name, data):
    _, header, valid, suffix = IMPORTERS[name]
    column = data.draw(st.sampled_from(header), label="column")
    value = data.draw(st.one_of(odd_text(), hostile_value()), label="value")
    path = tmp_path / f"file{suffix}"
    path.write_text(_csv(header, valid | {column: value}), encoding="utf-8")
    before = database_contents()
    outcome = _import(name, path)
    event(f"{name}: {'imported' if outcome == 'imported' else 'refused'}")
    if outcome == "imported":
        assert not stored_text_problems(before)
    else:
        assert "dòng" in outcome
        assert database_contents() == before


@pytest.mark.parametrize("name", sorted(IMPORTERS))
@hostile_settings(max_examples=15)
@given(data=st.data())
def test_a_hostile_cell_in_a_workbook_register_is_imported_clean_or_refused_whole(catalog, tmp_path, name, data):
    if name != "register":
        pytest.skip("only the register reads .xlsx")
    _, header, valid, _ = IMPORTERS[name]
    column = data.draw(st.sampled_from(header), label="column")
    value = data.draw(st.one_of(odd_text(), hostile_value(), st.integers(), st.floats()), label="value")
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    cells = valid | {column: value}
    try:
        workbook.active.append([cells.get(c, "") for c in header])
    except Exception:  # openpyxl itself refuses characters XML cannot hold: no such file can exist
        return
    path = tmp_path / "register.xlsx"
    workbook.save(path)
    before = database_contents()
    if _import(name, path) == "imported":
        assert not stored_text_problems(before)
    else:
        assert database_contents() == before


@hostile_settings(max_examples=25)
@given(data=st.data())
def test_a_portal_record_with_a_hostile_value_is_imported_clean_or_refused_whole(catalog, tmp_path, data):
    record = _portal_record()
    key = data.draw(st.sampled_from(sorted(record)), label="key")
    value = data.draw(st.one_of(odd_text(), hostile_value(), st.integers(), st.none(), st.lists(st.integers())),
                      label="value")
    path = tmp_path / "portal.jsonl"
    path.write_text(json.dumps(record | {key: value}, ensure_ascii=False) + "\n", encoding="utf-8")
    before = database_contents()
    try:
        import_portal(path, now=NOW)
    except ImportFileError as error:
        assert "dòng 1" in str(error)
        assert database_contents() == before
    else:
        assert not stored_text_problems(before)


def _broken(text: str) -> dict[str, bytes]:
    files = dict(broken_files())
    if not text.isascii():  # the offerings file holds codes only: any encoding reads it alike
        files |= {f"encoded {name}": content for name, content in bad_encodings(text).items()}
    return files


BROKEN = sorted(_broken("Đ"))


@pytest.mark.parametrize("broken", BROKEN)
@pytest.mark.parametrize("name", sorted(IMPORTERS) + ["portal", "register xlsx"])
def test_a_broken_file_is_refused_with_a_message_and_nothing_written(catalog, tmp_path, name, broken):
    if name == "portal":
        text = json.dumps(_portal_record(), ensure_ascii=False) + "\n"
        run, suffix = (lambda path: import_portal(path, now=NOW)), ".jsonl"
    elif name == "register xlsx":
        _, header, valid, _ = IMPORTERS["register"]
        text = _csv(header, valid)
        run, suffix = IMPORTERS["register"][0], ".xlsx"
    else:
        _, header, valid, suffix = IMPORTERS[name]
        text = _csv(header, valid | ({"applicant_name": "Nguyễn Văn Ánh"} if name == "register" else
                                     {"name": "Phường Đống Đa"} if name == "units" else {}))
        run = IMPORTERS[name][0]
    files = _broken(text)
    if broken not in files:
        pytest.skip("an ASCII file reads the same in every encoding")
    content = files[broken]
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(content)
    before = database_contents()
    with pytest.raises(ImportFileError) as refused:
        run(path)
    message = str(refused.value)
    assert message and "dòng" in message
    assert any(word in message for word in ("UTF-8", "rỗng", "Excel", "JSON", "cột", "ô", "đối tượng")), message
    assert database_contents() == before


@pytest.mark.parametrize("name", ["units", "offerings", "register"])
def test_a_csv_with_a_wrong_header_is_refused_on_line_one(catalog, tmp_path, name):
    _, header, valid, suffix = IMPORTERS[name]
    wrong = [column.upper() + "_x" if index == 1 else column for index, column in enumerate(header)]
    path = tmp_path / f"wrong{suffix}"
    path.write_text(_csv(wrong, {w: valid.get(h, "") for w, h in zip(wrong, header)}), encoding="utf-8")
    before = database_contents()
    with pytest.raises(ImportFileError) as refused:
        _run = IMPORTERS[name][0]
        _run(path)
    assert all(problem.line == 1 for problem in refused.value.problems)
    assert header[1] in str(refused.value)
    assert database_contents() == before


def test_a_truncated_portal_file_is_refused_naming_the_cut_line_and_nothing_written(catalog, tmp_path):
    record = json.dumps(_portal_record(), ensure_ascii=False)
    path = tmp_path / "portal.jsonl"
    path.write_text(record + "\n" + record.replace("1.000005", "1.000006")[: len(record) // 2], encoding="utf-8")
    before = database_contents()
    with pytest.raises(ImportFileError) as refused:
        import_portal(path, now=NOW)
    assert [problem.line for problem in refused.value.problems] == [2]
    assert "JSON" in str(refused.value)
    assert database_contents() == before
