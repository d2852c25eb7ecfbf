"""The published index results of a higher unit: the page ranks each block and writes the announcements'
sentences, the PDF is an official announcement with the same figures, the XLSX reads back as the page,
`flask index results --format json` equals the page, a ward sees only its own line, and the number of
queries does not grow with the units."""
import json
import re
import shutil
import subprocess
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.stats.index_models import Area, Criterion, ManualScore, Rubric
from app.stats.index_service import copy_rubric, published_results, score_unit
from app.stats.par_index import Status
from app.units.models import UnitKind
from conftest import make_unit
from test_index import TODAY, YEAR, count_queries

PDFTOTEXT = "/usr/bin/pdftotext"
needs_poppler = pytest.mark.skipif(not shutil.which(PDFTOTEXT), reason="poppler-utils is not installed")

# Percentages out of 100 points: 60 in area LV1, 40 in area LV2. Ward A sits under the district, so the
# city's units are the district, ward B (a commune) and those below.
WARDS = {"Phường Một": "93.01", "Phường Hai": "85", "Phường Ba": "85", "Phường Bốn": "69.5"}
COMMUNES = {"Xã Năm": "76.25", "Thị trấn Sáu": "84.52"}
LAST_YEAR = {"Phường Một": "90", "Phường Hai": "86.5"}


def make_rubric(year: int) -> Rubric:
    rubric = Rubric(code="kq", year=year, name="Bộ chỉ số thử")
    first, second = Area(position=1, code="LV1", name="Chỉ đạo, điều hành"), Area(position=2, code="LV2",
                                                                                   name="Cải cách TTHC")
    rubric.areas.extend([first, second])
    rubric.criteria.extend([
        Criterion(area=first, position=1, code="1.1", name="Kế hoạch", max_points=Decimal(60), method="manual"),
        Criterion(area=second, position=2, code="2.1", name="Công khai", max_points=Decimal(40), method="manual"),
    ])
    db.session.add(rubric)
    db.session.flush()
    return rubric


def give(rubric: Rubric, unit, percent: str, author) -> None:
    """Confirmed manual points adding up to `percent` of the 100."""
    total = Decimal(percent)
    first = min(total, Decimal(60))
    for criterion, points in zip(rubric.criteria, (first, total - first), strict=True):
        db.session.add(ManualScore(criterion=criterion, unit=unit, points=points, note="Thử", status=Status.CONFIRMED,
                                   entered_by=author, entered_at=datetime(YEAR, 12, 1, 9)))


@pytest.fixture
def published(world):
    author = world.users["admin_city"]
    rubric, last = make_rubric(YEAR), make_rubric(YEAR - 1)
    units = {}
    for number, (name, percent) in enumerate({**WARDS, **COMMUNES}.items(), start=10):
        units[name] = make_unit(f"000.00.{number}.H99", name, UnitKind.WARD, world.city)
        give(rubric, units[name], percent, author)
    give(rubric, world.ward_b, "91.5", author)  # Xã Bình Minh, a commune
    give(rubric, world.district, "88.88", author)
    for name, percent in LAST_YEAR.items():
        give(last, units[name], percent, author)
    db.session.commit()
    world.units = units
    return world


def page_rows(page: str) -> dict[str, tuple[str, str, str]]:
    """{unit code: (rank, percent, band)} from the page's tables."""
    rows = {}
    for code, row in re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', page, re.S):
        rank = re.search(r'<td class="rank">([^<]*)</td>', row)[1]
        percent = re.search(r'<td class="num percent"><strong>([^<]*)</strong>', row)[1]
        band = re.search(r'<td class="band">([^<]*)</td>', row)[1]
        rows[code] = (rank, percent, band)
    return rows


def results_url(unit, suffix="", rubric="kq"):
    return f"/units/{unit.id}/index/results{suffix}?year={YEAR}&rubric={rubric}"


def test_the_page_ranks_each_block_and_writes_the_announcements_sentences(client, published, login_as):
    world = published
    login_as(world.users["officer_city"])
    response = client.get(results_url(world.city))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # Wards: 93,01 85 85 69,5 → average 83,13 (332,51 ÷ 4 = 83,1275); Hai and Ba share rank 2.
    assert ("Khối phường (4 đơn vị): giá trị trung bình 83,13%: 1 đơn vị từ 90% trở lên, "
            "02 đơn vị từ 80% đến dưới 90%, 01 đơn vị dưới 70%.") in page
    # Communes and towns: 91,5 84,52 76,25 → 84,09.
    assert ("Khối xã, thị trấn (3 đơn vị): giá trị trung bình 84,09%: 1 đơn vị từ 90% trở lên, "
            "01 đơn vị từ 80% đến dưới 90%, 01 đơn vị từ 70% đến dưới 80%.") in page
    assert "Khối quận, huyện, thị xã (1 đơn vị): giá trị trung bình 88,88%: 1 đơn vị từ 80% đến dưới 90%." in page
    rows = page_rows(page)
    units = world.units
    assert rows[units["Phường Một"].code] == ("1/4", "93,01%", "từ 90% trở lên")
    assert rows[units["Phường Hai"].code][0] == rows[units["Phường Ba"].code][0] == "2/4"
    assert rows[units["Phường Bốn"].code] == ("4/4", "69,5%", "dưới 70%")
    assert rows[world.ward_b.code] == ("1/3", "91,5%", "từ 90% trở lên")
    assert rows[units["Xã Năm"].code] == ("3/3", "76,25%", "từ 70% đến dưới 80%")
    # The change from last year, and each area's points.
    assert "+3,01" in page and "−1,5" in page
    assert '<th class="num" title="Chỉ đạo, điều hành">LV1</th>' in page


def test_the_cli_prints_the_same_figures_as_the_page(app, client, published, login_as):
    world = published
    login_as(world.users["admin_city"])
    rows = page_rows(client.get(results_url(world.city)).get_data(as_text=True))
    result = app.test_cli_runner().invoke(args=["index", "results", "--unit", world.city.code, "--year", str(YEAR),
                                                "--rubric", "kq", "--format", "json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert set(printed) == {"units", "groups"}
    assert len(printed["units"]) == len(rows) == 8
    for unit in printed["units"]:
        assert set(unit) == {"code", "name", "kind", "percent", "rank", "band"}
        rank, percent, _band = rows[unit["code"]]
        assert unit["rank"] == rank
        assert f"{unit['percent']:g}".replace(".", ",") + "%" == percent
    by_code = {unit["code"]: unit for unit in printed["units"]}
    assert by_code[world.units["Phường Một"].code] == {
        "code": world.units["Phường Một"].code, "name": "Phường Một", "kind": "ward", "percent": 93.01, "rank": "1/4",
        "band": "from_90"}
    assert by_code[world.ward_b.code]["kind"] == "commune"
    assert printed["groups"] == [
        {"kind": "ward", "average": 83.13, "bands": {"from_90": 1, "from_80": 2, "from_70": 0, "below_70": 1}},
        {"kind": "commune", "average": 84.09, "bands": {"from_90": 1, "from_80": 1, "from_70": 1, "below_70": 0}},
        {"kind": "district", "average": 88.88, "bands": {"from_90": 0, "from_80": 1, "from_70": 0, "below_70": 0}},
    ]
    text = app.test_cli_runner().invoke(args=["index", "results", "--unit", world.city.code, "--year", str(YEAR),
                                              "--rubric", "kq"])
    assert "giá trị trung bình 83,13%" in text.output and "1/4  Phường Một" in text.output
    missing = app.test_cli_runner().invoke(args=["index", "results", "--unit", world.city.code, "--year", "2031",
                                                 "--rubric", "kq"])
    assert missing.exit_code != 0 and "Không có bộ tiêu chí kq năm 2031" in missing.output


@needs_poppler
def test_the_pdf_is_an_announcement_with_the_pages_figures(client, published, login_as, tmp_path):
    world = published
    login_as(world.users["officer_city"])
    response = client.get(results_url(world.city, ".pdf") + "&number=12")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(response.data)
    text = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    flat = " ".join(lines)
    assert "1/4 Phường Một 93,01/100 93,01% từ 90% trở lên 90% +3,01" in lines
    assert "1/3 Xã Bình Minh 91,5/100 91,5% từ 90% trở lên — —" in lines  # not scored last year
    for expected in ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ THỬ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Số: 12/TB-UBND", "Thử, ngày", "THÔNG BÁO",
                     "Kết quả Chỉ số cải cách hành chính năm 2025", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
                     "Khối phường (4 đơn vị): giá trị trung bình 83,13%: 1 đơn vị từ 90% trở lên, 02 đơn vị từ 80% "
                     "đến dưới 90%, 01 đơn vị dưới 70%."):
        assert expected in flat, expected


def test_the_xlsx_reads_back_as_the_page_and_names_stay_text(client, published, login_as, tmp_path):
    world = published
    world.units["Phường Bốn"].name = "=HYPERLINK(\"http://x\",\"Phường Bốn\")"
    db.session.commit()
    login_as(world.users["admin_city"])
    response = client.get(results_url(world.city, ".xlsx"))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(response.data)
    sheet = load_workbook(path).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header_at = next(index for index, row in enumerate(values) if row[0] == "Khối")
    assert "Khối phường (4 đơn vị): giá trị trung bình 83,13%" in " ".join(str(row[0]) for row in values[:header_at])
    lines = {row[1]: row for row in values[header_at + 1:]}
    first = lines[world.units["Phường Một"].code]
    assert first[2:10] == ["Phường Một", 93.01, 100, 93.01, "1/4", "từ 90% trở lên", 90, 3.01]
    assert first[10:12] == [60, 33.01]
    hostile = sheet.cell(header_at + 2 + list(lines).index(world.units["Phường Bốn"].code), 3)
    assert hostile.value.startswith("=HYPERLINK") and hostile.data_type == "s"


def test_only_officers_and_administrators_of_the_unit_or_above_read_the_results(client, published, login_as):
    world = published
    for username in ("clerk_b", "chair_b"):
        login_as(world.users[username])
        assert client.get(results_url(world.city)).status_code == 403
    login_as(world.users["officer_district"])
    assert client.get(results_url(world.city)).status_code == 404
    assert client.get(results_url(world.city, ".pdf")).status_code == 404
    page = client.get(results_url(world.district)).get_data(as_text=True)
    assert "Phường Ánh Dương" in page and "Phường Một" not in page


def test_a_ward_sees_its_own_line_and_none_of_the_others(client, published, login_as):
    world = published
    login_as(world.users["chair_b"])
    page = client.get(f"/units/{world.ward_b.id}/index?year={YEAR}&rubric=kq").get_data(as_text=True)
    assert "đạt 91,5%, xếp thứ 1/3 đơn vị xã, thị trấn" in page
    assert "Thị trấn Sáu" not in page and "Phường Một" not in page


def test_a_units_page_shows_each_area_and_the_total(client, published, login_as):
    world = published
    login_as(world.users["chair_b"])
    page = client.get(f"/units/{world.ward_b.id}/index?year={YEAR}&rubric=kq").get_data(as_text=True)
    areas = page[page.index('id="index-areas"'):page.index("</table>", page.index('id="index-areas"'))]
    assert "Chỉ đạo, điều hành" in areas and "60/60" in areas and "100%" in areas
    assert "Cải cách TTHC" in areas and "31,5/40" in areas and "78,75%" in areas
    assert "91,5/100" in areas and "91,5%" in areas
    assert [area.points for area in score_unit(world.ward_b, YEAR, "kq", TODAY).areas()] == [60, Decimal("31.5")]


def test_bad_arguments_answer_a_vietnamese_message(client, published, login_as):
    world = published
    login_as(world.users["officer_city"])
    response = client.get(f"/units/{world.city.id}/index/results?year=99999")
    assert response.status_code == 422 and "Năm phải là số từ 2000 đến 2100" in response.get_data(as_text=True)
    response = client.get(f"/units/{world.city.id}/index/results.pdf?year={YEAR}&rubric=khong-co")
    assert response.status_code == 422 and "không có bộ tiêu chí khong-co" in response.get_data(as_text=True)
    response = client.get(f"/units/{world.city.id}/index/results.xlsx?year=2031")
    assert response.status_code == 422 and "Năm 2031 chưa có bộ tiêu chí" in response.get_data(as_text=True)


def test_results_take_the_same_number_of_queries_for_few_or_many_units(published):
    world = published
    rubric = db.session.scalar(select(Rubric).where(Rubric.code == "kq", Rubric.year == YEAR))

    def publish():
        db.session.expire_all()
        published_results(world.city, YEAR, "kq", TODAY)

    few = count_queries(publish)
    for number in range(40, 52):
        unit = make_unit(f"000.00.{number}.H99", f"Phường Thêm {number}", UnitKind.WARD, world.city)
        give(rubric, unit, "80", world.users["admin_city"])
    db.session.commit()
    assert count_queries(publish) == few
    assert len(published_results(world.city, YEAR, "kq", TODAY).results.lines) == 20


def test_a_criterion_without_an_area_counts_in_one_of_its_own(published):
    rubric = db.session.scalar(select(Rubric).where(Rubric.code == "kq", Rubric.year == YEAR))
    rubric.criteria.append(Criterion(position=3, code="9.9", name="Tiêu chí lẻ", max_points=Decimal(5),
                                     method="manual"))
    db.session.commit()
    areas = score_unit(published.ward_b, YEAR, "kq", TODAY).areas()
    assert [(area.name, area.max_points) for area in areas] == [
        ("Chỉ đạo, điều hành", 60), ("Cải cách TTHC", 40), ("Tiêu chí chưa xếp lĩnh vực", 5)]


def test_a_copied_rubric_keeps_its_areas_for_next_years_results(published):
    rubric = db.session.scalar(select(Rubric).where(Rubric.code == "kq", Rubric.year == YEAR))
    copy = copy_rubric(rubric, YEAR + 1, datetime(2026, 1, 2, 8))
    db.session.commit()
    assert [(area.code, [c.code for c in copy.criteria if c.area is area]) for area in copy.areas] == [
        ("LV1", ["1.1"]), ("LV2", ["2.1"])]
    # Nothing entered for next year yet: every unit listed, without a percentage, a rank or a band.
    empty = published_results(published.city, YEAR + 1, "kq", TODAY)
    assert len(empty.results.lines) == 8
    assert {(line.percent, line.rank_label, line.band) for line in empty.results.lines} == {(None, "—", None)}
    assert {line.change for line in published_results(published.city, YEAR, "kq", TODAY).results.lines} == {
        Decimal("3.01"), Decimal("-1.50"), None}  # only units scored both years have a change
