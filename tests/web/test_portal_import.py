"""`flask catalog import-portal`: the national portal's JSONL catalog, NFC, idempotent, all or nothing.

The counts asserted for the real file are measured here by a reading of the raw text that does not use
the app's parser (see `measure_raw_file`), and were checked by hand against the file.
"""
import json
import re
import unicodedata
from collections import Counter, defaultdict
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.catalog.models import ChannelKind, Procedure, ProcedureChannel
from app.catalog.portal_import import import_portal
from app.extensions import db
from app.importing import ImportFileError
from app.worktime.deadlines import TimeUnit

FIRST_IMPORT = datetime(2025, 7, 1, 9, 30)
SECOND_IMPORT = datetime(2025, 7, 2, 14, 0)

# What measure_raw_file finds in shared/data/tthc-cap-xa.jsonl: 588 records; 1435 channels (1490 rows
# start with a channel name, some channels having several rows), 1005 rows with a readable time, and
# after merging each channel's rows (rows that disagree leave the channel unread; 41 channels do),
# 911 channels with a time: 628 in working days, 227 in calendar days, 56 in hours. 222 records have a
# channel without a readable time, or no channel at all, and must be flagged. 8 names are not NFC.
RECORDS = 588
CHANNELS = 1435
READ_TIMES = {TimeUnit.WORKING_DAYS: 628, TimeUnit.DAYS: 227, TimeUnit.WORKING_HOURS: 56}
FLAGGED = 222
NAMES_NOT_NFC = 8

_ROW_START = re.compile(r"Trực tiếp|Trực tuyến|Dịch vụ bưu chính")
_ROW_TIME = re.compile(r"(\d+(?:[.,]\d+)?) ?(Ngày làm việc|Ngày|Giờ)")
_UNIT_OF = {"Ngày làm việc": TimeUnit.WORKING_DAYS, "Ngày": TimeUnit.DAYS, "Giờ": TimeUnit.WORKING_HOURS}


def measure_raw_file(path) -> tuple[Counter, int, int, int]:
    """(read times by unit, flagged records, channels, names not NFC) of the raw file.

    A row of the glued channel table starts where a channel name is followed at once by a digit or a
    capital; its time is read only as "<number> Ngày làm việc|Ngày|Giờ" right at the start. A channel
    with several rows has a time only if every row gives the same one.
    """
    read_times, flagged, channels, not_nfc = Counter(), 0, 0, 0
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        not_nfc += unicodedata.normalize("NFC", record["ten_thu_tuc"]) != record["ten_thu_tuc"]
        text = unicodedata.normalize("NFC", record["cach_thuc_thuc_hien"])
        readings = defaultdict(set)
        for start in _ROW_START.finditer(text):
            after = text[start.end(): start.end() + 1]
            if not (after.isdigit() or after.isupper()):
                continue  # "- Trực tiếp: nộp hồ sơ…" is prose in the description
            time = _ROW_TIME.match(text, start.end())
            value = Decimal(time[1].replace(",", ".")) if time else None
            readings[start.group()].add((value, _UNIT_OF[time[2]]) if value else None)
        read = [next(iter(found)) for found in readings.values() if len(found) == 1 and None not in found]
        read_times.update(unit for _, unit in read)
        channels += len(readings)
        flagged += not readings or len(read) < len(readings)
    return read_times, flagged, channels, not_nfc


def database_contents() -> dict[str, list]:
    """Every row of every table, so that "nothing half-imported" is checked on all of them."""
    db.session.expire_all()
    return {
        table.name: sorted((tuple(row) for row in db.session.execute(table.select())), key=repr)
        for table in db.metadata.sorted_tables
    }


def procedure_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Procedure))


def procedure(code: str) -> Procedure:
    db.session.expire_all()
    return db.session.scalar(select(Procedure).where(Procedure.code == code))


def raw_records(path) -> dict[str, dict]:
    return {record["ma_thu_tuc"]: record
            for record in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def record(code: str, name: str = "Đăng ký khai sinh", times: str = "Trực tiếp5 Ngày làm việcMiễn phí",
           **fields) -> dict:
    return {"ma_thu_tuc": code, "ten_thu_tuc": name, "linh_vuc": "Hộ tịch", "cap_thuc_hien": "Cấp xã",
            "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tả" + times,
            "thanh_phan_ho_so": "Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai đăng ký khai sinh1 bản chính",
            **fields}


def write_jsonl(tmp_path, records, name="catalog.jsonl") -> str:
    path = tmp_path / name
    lines = [item if isinstance(item, str) else json.dumps(item, ensure_ascii=False) for item in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def text_values(table_name: str):
    for row in db.session.execute(db.metadata.tables[table_name].select()).mappings():
        for column, value in row.items():
            if isinstance(value, str):
                yield column, value


def test_the_raw_file_holds_what_the_counts_below_were_measured_on(portal_file):
    read_times, flagged, channels, not_nfc = measure_raw_file(portal_file)

    assert (dict(read_times), flagged, channels, not_nfc) == (READ_TIMES, FLAGGED, CHANNELS, NAMES_NOT_NFC)


def test_importing_the_whole_portal_file_reads_units_flags_the_unreadable_and_normalises_names(app, portal_file):
    report = import_portal(portal_file, now=FIRST_IMPORT)

    assert (report.created, report.updated, report.unchanged) == (RECORDS, 0, 0)
    assert len(report.flagged) == FLAGGED
    assert procedure_count() == RECORDS
    assert db.session.scalar(select(func.count()).where(Procedure.needs_review.is_(True))) == FLAGGED
    assert db.session.scalar(select(func.count()).select_from(ProcedureChannel)) == CHANNELS
    read_times = dict(db.session.execute(
        select(ProcedureChannel.time_unit, func.count()).where(ProcedureChannel.time_value.is_not(None))
        .group_by(ProcedureChannel.time_unit)).all())
    assert read_times == READ_TIMES
    # Unread times are kept as text, never guessed: no value without a unit or the other way round.
    assert db.session.scalar(select(func.count()).select_from(ProcedureChannel).where(
        ProcedureChannel.time_value.is_(None) != ProcedureChannel.time_unit.is_(None))) == 0

    raw = raw_records(portal_file)
    decomposed = {code for code, item in raw.items()
                  if unicodedata.normalize("NFC", item["ten_thu_tuc"]) != item["ten_thu_tuc"]}
    assert len(decomposed) == NAMES_NOT_NFC
    names = dict(db.session.execute(select(Procedure.code, Procedure.name)).all())
    assert all(unicodedata.is_normalized("NFC", name) for name in names.values())
    for code in decomposed:
        assert names[code] == " ".join(unicodedata.normalize("NFC", raw[code]["ten_thu_tuc"]).split())
    for table in ("procedures", "procedure_channels", "required_documents"):
        not_nfc = [(column, value[:40]) for column, value in text_values(table)
                   if not unicodedata.is_normalized("NFC", value)]
        assert not_nfc == [], table

    flagged_codes = {code for _, code, _ in report.flagged}
    assert flagged_codes == set(db.session.scalars(select(Procedure.code).where(Procedure.needs_review)))
    assert all(problems for _, _, problems in report.flagged)
    assert all(procedure.review_notes for procedure in db.session.scalars(
        select(Procedure).where(Procedure.needs_review)))


# (code, what the raw file says, statutory value, unit, hours, days, needs review). Looked up in the raw
# `cach_thuc_thuc_hien`; the desk's time wins, then post, then online.
KNOWN_TIMES = [
    ("1.000419", "Trực tiếp5 Ngày làm việcMiễn phí", "5", TimeUnit.WORKING_DAYS, "40", None, False),
    ("1.002372", "Trực tiếp3 GiờMiễn phí", "3", TimeUnit.WORKING_HOURS, "3", None, False),
    ("1.000253", "Trực tiếp7 NgàyKhông có thông tin", "7", TimeUnit.DAYS, None, "7", False),
    ("1.003164", "Mô tảTrực tuyến2 Ngày20,000 VNĐ", "2", TimeUnit.DAYS, None, "2", False),
    # Online and post "1" have no unit; the desk says 6 working days.
    ("2.002233", "Trực tuyến1Miễn phíDịch vụ bưu chính1Miễn phíTrực tiếp6 Ngày làm việc", "6",
     TimeUnit.WORKING_DAYS, "48", None, True),
    # "120 VNĐ" is a time cell with no unit glued to the fee: nothing to read.
    ("1.000014", "Trực tuyến120 VNĐ(20.000 vnđ /tờ khai)Trực tiếp120 VNĐ", None, None, None, None, True),
]


def test_the_statutory_times_of_known_procedures_are_read_from_the_whole_file(app, portal_file):
    raw = raw_records(portal_file)
    import_portal(portal_file, now=FIRST_IMPORT)

    for code, raw_text, value, unit, hours, days, needs_review in KNOWN_TIMES:
        assert raw_text in raw[code]["cach_thuc_thuc_hien"], code
        stored = procedure(code)
        assert (stored.statutory_value, stored.statutory_unit, stored.statutory_hours, stored.statutory_days,
                stored.needs_review) == (
            Decimal(value) if value else None, unit, Decimal(hours) if hours else None,
            Decimal(days) if days else None, needs_review), code
    # Two online rows of 1 and 2 working days: which applies is for a person to decide.
    assert "Trực tuyến1 Ngày làm việc" in raw["1.003677"]["cach_thuc_thuc_hien"]
    assert "Trực tuyến2 Ngày làm việc" in raw["1.003677"]["cach_thuc_thuc_hien"]
    disagreeing = procedure("1.003677")
    assert disagreeing.needs_review and disagreeing.statutory_value is None
    assert [(c.channel, c.time_value, c.time_text) for c in disagreeing.channels] == [
        (ChannelKind.ONLINE, None, "1 Ngày làm việc; 2 Ngày làm việc")]


def test_the_fees_are_read_on_import_where_the_portal_states_them(app, portal_file):
    import_portal(portal_file, now=FIRST_IMPORT)
    # Online only: the procedure's fee is the one channel's.
    assert procedure("1.000005").fee_amount == 20000
    assert {c.channel: c.fee_amount for c in procedure("1.000014").channels} == {
        ChannelKind.ONLINE: 20000, ChannelKind.DIRECT: 20000}
    counts = {
        "free": db.session.scalar(select(func.count()).where(Procedure.fee_amount == 0)),
        "amount": db.session.scalar(select(func.count()).where(Procedure.fee_amount > 0)),
        "unknown": db.session.scalar(select(func.count()).where(Procedure.fee_amount.is_(None))),
    }
    assert counts == {"free": 387, "amount": 65, "unknown": 136}  # README "Importing data"


def test_reimporting_the_whole_portal_file_changes_nothing(app, portal_file):
    import_portal(portal_file, now=FIRST_IMPORT)
    before = database_contents()

    report = import_portal(portal_file, now=SECOND_IMPORT)

    assert (report.created, report.updated, report.unchanged) == (0, 0, RECORDS)
    assert len(report.flagged) == FLAGGED  # still reported: they still need review
    assert database_contents() == before


def test_a_changed_record_in_the_whole_file_is_updated_and_the_others_are_left_alone(app, portal_file, tmp_path):
    import_portal(portal_file, now=FIRST_IMPORT)
    before = database_contents()
    old_id = procedure("1.000419").id
    lines = portal_file.read_text(encoding="utf-8").splitlines()
    changed_at = next(index for index, line in enumerate(lines) if '"ma_thu_tuc": "1.000419"' in line)
    changed = json.loads(lines[changed_at])
    changed["ten_thu_tuc"] += " (sửa đổi)"
    changed["cach_thuc_thuc_hien"] = changed["cach_thuc_thuc_hien"].replace(
        "Trực tiếp5 Ngày làm việc", "Trực tiếp3 Ngày làm việc")
    lines[changed_at] = json.dumps(changed, ensure_ascii=False)
    copy = tmp_path / "changed.jsonl"
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = import_portal(copy, now=SECOND_IMPORT)

    assert (report.created, report.updated, report.unchanged) == (0, 1, RECORDS - 1)
    updated = procedure("1.000419")
    assert updated.id == old_id
    assert updated.name.endswith(" (sửa đổi)")
    assert (updated.statutory_value, updated.statutory_hours) == (Decimal("3"), Decimal("24"))
    assert [(c.channel, c.time_value) for c in updated.channels] == [(ChannelKind.DIRECT, Decimal("3"))]
    assert updated.updated_at == SECOND_IMPORT
    after = database_contents()
    assert procedure_count() == RECORDS
    for table in ("procedures", "procedure_channels", "required_documents"):
        procedure_id = 0 if table == "procedures" else 1  # the column holding the procedure's id
        assert ([row for row in after[table] if row[procedure_id] != old_id]
                == [row for row in before[table] if row[procedure_id] != old_id]), table


def test_text_from_the_portal_is_stored_nfc_and_a_decomposed_copy_is_the_same_procedure(app, tmp_path):
    decomposed = {key: unicodedata.normalize("NFD", value) for key, value in record("1.004222").items()}
    import_portal(write_jsonl(tmp_path, [decomposed]), now=FIRST_IMPORT)

    stored = procedure("1.004222")
    assert (stored.name, stored.field, stored.levels) == ("Đăng ký khai sinh", "Hộ tịch", "Cấp xã")
    assert [document.name for document in stored.documents] == ["Tờ khai đăng ký khai sinh"]
    assert [(c.channel, c.time_value, c.time_unit, c.time_text) for c in stored.channels] == [
        (ChannelKind.DIRECT, Decimal("5"), TimeUnit.WORKING_DAYS, "5 Ngày làm việc")]
    assert "khai sinh" in stored.search_key


def test_an_unreadable_time_is_imported_empty_and_flagged_with_its_line(app, tmp_path):
    records = [record("1.000001"), record("1.000002", times="Trực tiếp3Miễn phí"),
               record("1.000003", times="Trực tiếpKhông quy địnhMiễn phí"),
               record("1.000004", times="Nộp tại bộ phận một cửa")]
    report = import_portal(write_jsonl(tmp_path, records), now=FIRST_IMPORT)

    assert report.created == 4
    assert [(line, code) for line, code, _ in report.flagged] == [(2, "1.000002"), (3, "1.000003"), (4, "1.000004")]
    assert "thiếu đơn vị" in report.flagged[0][2][0]
    bare = procedure("1.000002")
    assert bare.needs_review and bare.statutory_value is None and bare.statutory_hours is None
    assert [(c.time_value, c.time_unit, c.time_text) for c in bare.channels] == [(None, None, "3")]
    assert "«3»" in bare.review_notes
    assert procedure("1.000004").channels == []
    assert not procedure("1.000001").needs_review


def test_a_changed_record_is_updated_with_its_new_channels_and_the_others_keep_their_stamp(app, tmp_path):
    import_portal(write_jsonl(tmp_path, [record("1.000001"), record("1.000002")]), now=FIRST_IMPORT)

    changed = record("1.000002", times="Trực tiếp4 GiờMiễn phíTrực tuyến2 GiờMiễn phí")
    report = import_portal(write_jsonl(tmp_path, [record("1.000001"), changed], name="v2.jsonl"),
                           now=SECOND_IMPORT)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    updated = procedure("1.000002")
    assert [(c.channel, c.time_value, c.time_unit) for c in updated.channels] == [
        (ChannelKind.DIRECT, Decimal("4"), TimeUnit.WORKING_HOURS),
        (ChannelKind.ONLINE, Decimal("2"), TimeUnit.WORKING_HOURS)]
    assert (updated.statutory_hours, updated.updated_at) == (Decimal("4"), SECOND_IMPORT)
    assert procedure("1.000001").updated_at == FIRST_IMPORT
    assert db.session.scalar(select(func.count()).select_from(ProcedureChannel)) == 3


def test_a_real_record_replaces_a_demo_procedure_of_the_same_code(app, tmp_path):
    db.session.add(Procedure(code="1.000001", name="Thủ tục mẫu", is_demo=True))
    db.session.commit()

    report = import_portal(write_jsonl(tmp_path, [record("1.000001")]), now=FIRST_IMPORT)

    assert (report.created, report.updated) == (0, 1)
    assert procedure_count() == 1
    assert (procedure("1.000001").name, procedure("1.000001").is_demo) == ("Đăng ký khai sinh", False)


def test_blank_lines_and_windows_line_ends_are_read(app, tmp_path):
    path = tmp_path / "crlf.jsonl"
    lines = [json.dumps(record("1.000001"), ensure_ascii=False), "", json.dumps(record("1.000002"), ensure_ascii=False)]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))

    assert import_portal(path, now=FIRST_IMPORT).created == 2


# (case, the lines after two good records, [(line, field)] of every problem expected).
BAD_FILES = [
    ("broken JSON line", ['{"ma_thu_tuc": "1.000009", "ten_thu_tuc": "Thiếu ngoặc"'], [(3, "")]),
    ("line that is not an object", ['["1.000009", "Mảng"]'], [(3, "")]),
    ("record without ma_thu_tuc", [{"ten_thu_tuc": "Không có mã"}], [(3, "ma_thu_tuc")]),
    ("record with a blank ma_thu_tuc", [record("   ")], [(3, "ma_thu_tuc")]),
    ("record without ten_thu_tuc", [{"ma_thu_tuc": "1.000009"}], [(3, "ten_thu_tuc")]),
    ("record with a blank ten_thu_tuc", [record("1.000009", name=" \t ")], [(3, "ten_thu_tuc")]),
    ("duplicate code", [record("1.000001", name="Bản sao")], [(3, "ma_thu_tuc")]),
    ("bad line after a blank one", ["", "không phải JSON"], [(4, "")]),
    ("several bad lines", ["{", record(""), "null"], [(3, ""), (4, "ma_thu_tuc"), (5, "")]),
]


@pytest.mark.parametrize("case, bad_lines, expected", BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_a_bad_portal_file_names_the_line_and_field_and_writes_nothing(app, tmp_path, case, bad_lines, expected):
    import_portal(write_jsonl(tmp_path, [record("1.000077")], name="earlier.jsonl"), now=FIRST_IMPORT)
    before = database_contents()

    with pytest.raises(ImportFileError) as raised:
        import_portal(write_jsonl(tmp_path, [record("1.000001"), record("1.000002"), *bad_lines]),
                      now=SECOND_IMPORT)

    assert [(p.line, p.field) for p in raised.value.problems] == expected
    assert str(raised.value).startswith(f"dòng {expected[0][0]}")
    assert database_contents() == before


def test_a_bad_last_line_after_many_good_records_writes_none_of_them(app, tmp_path):
    import_portal(write_jsonl(tmp_path, [record("1.000001")], name="earlier.jsonl"), now=FIRST_IMPORT)
    before = database_contents()
    good = [record(f"2.{number:06d}", name=f"Thủ tục số {number}") for number in range(300)]
    changed = record("1.000001", name="Đăng ký khai sinh (đổi)")

    with pytest.raises(ImportFileError) as raised:
        import_portal(write_jsonl(tmp_path, [changed, *good, {"ten_thu_tuc": "Cuối"}]), now=SECOND_IMPORT)

    assert [(p.line, p.field) for p in raised.value.problems] == [(302, "ma_thu_tuc")]
    assert database_contents() == before


@pytest.mark.parametrize("encoding", ["cp1258", "cp1252", "utf-16"])
def test_a_portal_file_in_another_encoding_is_refused_naming_the_line(app, tmp_path, encoding):
    ascii_record = json.dumps(record("1.000001", name="Dang ky", times="Truc tiep"))
    accented = {"cp1258": "Đăng ký khai sinh", "cp1252": "Café", "utf-16": "Đăng ký khai sinh"}[encoding]
    text = ascii_record + "\n" + json.dumps(record("1.000002", name=accented), ensure_ascii=False) + "\n"
    path = tmp_path / f"catalog-{encoding}.jsonl"
    path.write_bytes(text.encode(encoding, errors="replace"))

    with pytest.raises(ImportFileError) as raised:
        import_portal(path, now=FIRST_IMPORT)

    assert [(p.line, p.field) for p in raised.value.problems] == [(1 if encoding == "utf-16" else 2, "")]
    assert "UTF-8" in str(raised.value)
    assert procedure_count() == 0


def test_a_record_with_a_raw_line_separator_inside_a_string_is_imported(app, tmp_path):
    separated = record("1.000002", ket_qua_xu_ly="Giấy khai sinh\u2028bản chính\u0085hoặc bản sao\u2029")
    path = write_jsonl(tmp_path, [record("1.000001"), separated])

    report = import_portal(path, now=FIRST_IMPORT)

    assert report.created == 2
    assert procedure("1.000002").result == "Giấy khai sinh\nbản chính\nhoặc bản sao"


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"], ids=["empty", "blank lines only"])
def test_an_empty_portal_file_is_refused(app, tmp_path, content):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(content)

    with pytest.raises(ImportFileError) as raised:
        import_portal(path, now=FIRST_IMPORT)

    assert [(p.line, p.field) for p in raised.value.problems] == [(1, "")]
    assert "rỗng" in str(raised.value)


# procedures.code is VARCHAR(40), field VARCHAR(200): PostgreSQL refuses longer values mid-import.
@pytest.mark.parametrize("bad, field", [
    (record("1." + "0" * 40), "ma_thu_tuc"),
    (record("1.000009", linh_vuc="Hộ tịch " * 30), "linh_vuc"),
], ids=["code longer than 40", "field longer than 200"])
def test_a_record_longer_than_its_columns_is_refused_naming_line_and_field(app, tmp_path, bad, field):
    with pytest.raises(ImportFileError) as raised:
        import_portal(write_jsonl(tmp_path, [record("1.000001"), bad]), now=FIRST_IMPORT)

    assert [(p.line, p.field) for p in raised.value.problems] == [(2, field)]
    assert procedure_count() == 0


def test_the_import_portal_command_lists_what_needs_review_and_prints_the_summary(app, tmp_path):
    runner = app.test_cli_runner()
    path = write_jsonl(tmp_path, [record("1.000001"), record("1.000002", times="Trực tiếp3Miễn phí")])

    first = runner.invoke(args=["catalog", "import-portal", path])
    again = runner.invoke(args=["catalog", "import-portal", "--quiet", path])

    assert first.exit_code == 0, first.output
    assert f"{path}: dòng 2, thủ tục 1.000002: Trực tiếp: không đọc được thời hạn «3» (thiếu đơn vị)" in first.output
    assert "Thủ tục: 2 (2 mới, 0 cập nhật, 0 không đổi); 1 cần xem lại thời hạn." in first.output
    assert again.exit_code == 0, again.output
    assert "dòng 2" not in again.output
    assert "Thủ tục: 2 (0 mới, 0 cập nhật, 2 không đổi); 1 cần xem lại thời hạn." in again.output
    assert procedure_count() == 2


def test_the_import_portal_command_refuses_a_bad_file_naming_line_and_field(app, tmp_path):
    path = write_jsonl(tmp_path, [record("1.000001"), {"ten_thu_tuc": "Không có mã"}])

    result = app.test_cli_runner().invoke(args=["catalog", "import-portal", path])

    assert result.exit_code != 0
    assert f"{path}: dòng 2, cột ma_thu_tuc: bản ghi thiếu mã thủ tục (ma_thu_tuc)" in result.output
    assert "Không nhập gì" in result.output
    assert procedure_count() == 0
