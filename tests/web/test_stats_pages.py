"""The figures pages: a unit's dashboard and its period picker, the comparison of child units, and the
CSV/XLSX downloads, all showing what the engine (`report_06`, `children_report`) computes."""
import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.catalog.models import Offering, OnlineKind
from app.dossiers.lifecycle import Action
from app.dossiers.operations import ActionInput, Applicant, Intake, apply_action, register_dossier
from app.extensions import db
from app.jinja_filters import format_number
from app.stats.table06 import report_06_rows
from app.stats.figures import Counts, report_06
from app.stats.views import ChildFigures, rank_by_on_time_rate, sort_rows
from app.units.models import UnitKind
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.vietnam import build_calendar
from conftest import make_procedure, make_unit

CALENDAR = build_calendar(OfficeHours())
MARCH = "period=custom&from=2025-03-01&to=2025-03-31"


def at(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M")


def make_offering(unit, procedure, days: int = 3, shortened: bool = False) -> Offering:
    offering = Offering(unit=unit, procedure=procedure, active_from=date(2024, 1, 1), online_kind=OnlineKind.PARTIAL)
    offering.set_committed_time(Decimal(days - 1 if shortened else days), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    db.session.flush()
    return offering


def receive(offering: Offering, received: str, channel: str = "direct"):
    intake = Intake(offering=offering, applicant=Applicant("Nguyễn Văn Thử", "001099012345"), channel=channel,
                    online_kind=OnlineKind.PARTIAL if channel == "online" else None, received_at=at(received))
    dossier = register_dossier(intake, CALENDAR, None, "pause", at(received))
    db.session.commit()
    return dossier


def finish(dossier, finished: str) -> None:
    apply_action(dossier, Action.FINISH, ActionInput(outcome="approved"), None, CALENDAR, at(finished),
                 expected_version=dossier.version)
    db.session.commit()


@pytest.fixture
def march(world):
    """March 2025 at ward A (civil status shortened to 2 working days, attestation 3) and ward B, under
    the city: A resolves 2 early, 1 on time, 1 late (75%) and keeps one overdue and one within time;
    B resolves one early (100%). A third ward under the city has no dossiers."""
    ho_tich = make_procedure("1.000001", "Đăng ký khai sinh", field="Hộ tịch", value=3)
    chung_thuc = make_procedure("2.000001", "Chứng thực bản sao", field="Chứng thực", value=3)
    a_ho_tich = make_offering(world.ward_a, ho_tich, shortened=True)
    a_chung_thuc = make_offering(world.ward_a, chung_thuc)
    b_ho_tich = make_offering(world.ward_b, ho_tich)
    empty = make_unit("000.00.03.H99", "Phường Chưa Có Hồ Sơ", UnitKind.WARD, world.city)
    db.session.commit()
    finish(receive(a_ho_tich, "03/03/2025 09:00"), "04/03/2025 10:00")  # 2 days, due 05/03 09:00: early
    finish(receive(a_ho_tich, "04/03/2025 09:00", "online"), "05/03/2025 11:00")  # due 06/03: early
    finish(receive(a_chung_thuc, "03/03/2025 09:00"), "06/03/2025 15:00")  # due 06/03 09:00, same day: on time
    finish(receive(a_chung_thuc, "03/03/2025 10:00"), "10/03/2025 10:00")  # late
    receive(a_ho_tich, "04/03/2025 14:00")  # due 06/03: overdue at the end of March
    receive(a_chung_thuc, "28/03/2025 09:00", "online")  # due 02/04: within time on 31/03 (overdue by now)
    finish(receive(b_ho_tich, "05/03/2025 09:00"), "06/03/2025 09:00")
    return empty


def total_row(page: str) -> list[str]:
    row = re.search(r'<tr class="total">(.*?)</tr>', page, re.DOTALL).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def cli_rows(app, unit, start: str, end: str) -> list[list[str]]:
    result = app.test_cli_runner().invoke(args=["report", "figures", "--unit", unit.code, "--from", start,
                                                "--to", end, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.output)))


def test_the_dashboard_shows_the_figures_of_report_06(client, world, login_as, march):
    login_as(world.user("chair", "a"))
    page = client.get(f"/units/{world.ward_a.id}/figures?{MARCH}").get_data(as_text=True)
    report = report_06(world.ward_a, date(2025, 3, 1), date(2025, 3, 31))
    expected = report_06_rows(report)[-1]
    assert total_row(page) == ["Tổng số", *[format_number(value) for value in expected[1:]], "75,0%"]
    assert expected[1:] == [6, 0, 2, 4, 4, 2, 1, 1, 2, 1, 1]  # what the fixture set up, as the engine counts it
    text = text_of(page)
    assert "Khoảng ngày: từ 01/03/2025 đến 31/03/2025" in text
    assert "Hộ tịch" in text and "Chứng thực" in text
    assert "1/2 (50,0%)" in text  # shortened procedures: 1 of the 2 offered at the desk
    assert "0/1 hồ sơ quá hạn" in text  # no apology for the one late dossier


def test_the_dashboard_has_the_cards_the_chart_and_the_overdue_dossiers(client, world, login_as, march):
    login_as(world.user("chair", "a"))
    page = client.get(f"/units/{world.ward_a.id}/figures").get_data(as_text=True)
    text = text_of(page)
    for card in ("Tháng này", "Quý này", "Năm nay", "Thủ tục rút ngắn thời gian"):
        assert card in text
    assert page.count('class="month"') == 12 and "<desc" in page
    assert "Số liệu của biểu đồ 12 tháng" in text  # the table behind the chart, for screen readers
    assert "Hồ sơ đang quá hạn lúc này (2)" in text  # both dossiers still open a year later
    assert f"{world.ward_a.code}-250304-0002" in page and f"{world.ward_a.code}-250328-0001" in page
    assert "/dossiers/?list=overdue" in page


def test_the_period_picker_answers_htmx_with_the_figures_only(client, world, login_as, march):
    login_as(world.user("chair", "a"))
    response = client.get(f"/units/{world.ward_a.id}/figures?period=quarter&year=2025&number=7",
                          headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<section id="figures"')
    assert "<html" not in fragment and 'class="month"' not in fragment and "Tháng này" not in fragment
    assert "HX-Request" in response.headers["Vary"]
    # Month 7 is no quarter: the kind was just switched, so the year's last quarter is shown, and the
    # address bar gets the period as understood.
    assert "Quý IV/2025" in fragment
    assert response.headers["HX-Push-Url"] == f"/units/{world.ward_a.id}/figures?period=quarter&year=2025&number=4"
    page = client.get(f"/units/{world.ward_a.id}/figures?period=quarter&year=2025&number=4").get_data(as_text=True)
    assert "<html" in page and fragment.strip() in page  # the same URL without htmx: the page around it


def test_a_quarter_with_the_cutoff_on_the_15th_shows_the_days_it_counts(app, client, world, login_as, monkeypatch):
    login_as(world.user("chair", "a"))
    page = text_of(client.get(f"/units/{world.ward_a.id}/figures?period=quarter&year=2026&number=1",
                              headers={"HX-Request": "true"}).get_data(as_text=True))
    assert "Quý I/2026: từ 15/12/2025 đến 14/03/2026" in page
    assert "chốt số liệu ngày 15" in page
    monkeypatch.setitem(app.config, "REPORT_CUTOFF_DAY", 1)
    page = text_of(client.get(f"/units/{world.ward_a.id}/figures?period=quarter&year=2026&number=1",
                              headers={"HX-Request": "true"}).get_data(as_text=True))
    assert "Quý I/2026: từ 01/01/2026 đến 31/03/2026" in page


def test_a_period_that_cannot_be_read_is_refused_with_a_message(client, world, login_as):
    login_as(world.user("chair", "a"))
    response = client.get(f"/units/{world.ward_a.id}/figures?period=custom&from=2025-03-31&to=2025-03-01",
                          headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Ngày kết thúc trước ngày bắt đầu" in response.get_data(as_text=True)
    download = client.get(f"/units/{world.ward_a.id}/figures.csv?period=year&year=1999")
    assert download.status_code == 303
    assert download.headers["Location"] == f"/units/{world.ward_a.id}/figures?period=year&year=1999"
    assert "Năm phải từ 2015" in client.get(download.headers["Location"]).get_data(as_text=True)


def test_a_rate_with_nothing_to_divide_is_no_data(client, world, login_as):
    login_as(world.user("chair", "b"))
    page = text_of(client.get(f"/units/{world.ward_b.id}/figures?{MARCH}").get_data(as_text=True))
    assert "không có dữ liệu" in page
    assert "0,0%" not in page and "100,0%" not in page


def test_the_csv_download_has_the_numbers_of_the_report_command(app, client, world, login_as, march):
    login_as(world.user("chair", "a"))
    response = client.get(f"/units/{world.ward_a.id}/figures.csv?{MARCH}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="bao-cao-06_{world.ward_a.code}_20250301-20250331.csv"')
    downloaded = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert downloaded == cli_rows(app, world.ward_a, "2025-03-01", "2025-03-31")


def test_the_xlsx_download_has_the_same_numbers_with_a_bold_total(app, client, world, login_as, march):
    login_as(world.user("chair", "a"))
    response = client.get(f"/units/{world.ward_a.id}/figures.xlsx?{MARCH}")
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="bao-cao-06_' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert world.ward_a.name in sheet["A1"].value and "01/03/2025" in sheet["A2"].value
    rows = [list(row) for row in sheet.iter_rows(min_row=4, values_only=True)]
    expected = cli_rows(app, world.ward_a, "2025-03-01", "2025-03-31")
    assert rows[0] == expected[0]
    assert [[row[0], *map(str, row[1:])] for row in rows[1:]] == expected[1:]
    last = sheet.max_row
    assert sheet.cell(last, 1).value == "Tổng số" and sheet.cell(last, 2).font.bold
    assert not sheet.cell(5, 2).font.bold and sheet.cell(5, 2).number_format == "#,##0"


def test_the_comparison_ranks_child_units_and_names_the_highest_and_lowest(client, world, login_as, march):
    login_as(world.users["officer_city"])
    page = client.get(f"/units/{world.city.id}/comparison?{MARCH}").get_data(as_text=True)
    text = text_of(page)
    assert "Cao nhất: Xã Bình Minh 100,0%" in text
    assert "Thấp nhất: Quận Thử 75,0%" in text  # ward A's figures roll up to its district
    rows = re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", page, re.DOTALL)
    ranks = [(text_of(row).split()[0], re.search(r'<a href="[^"]+">([^<]+)</a>', row).group(1)) for row in rows]
    assert ranks == [("1/3", "Xã Bình Minh"), ("2/3", "Quận Thử"), ("—", march.name)]
    assert f'href="/units/{world.district.id}/figures?period=custom' in page  # down to the unit's dashboard


def test_the_comparison_sorts_by_any_column_with_units_without_data_last(client, world, login_as, march):
    login_as(world.users["officer_city"])
    page = client.get(f"/units/{world.city.id}/comparison?{MARCH}&sort=received&order=desc",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert page.lstrip().startswith('<section id="comparison"')
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)
    assert names == ["Quận Thử", "Xã Bình Minh", march.name]
    assert 'aria-sort="descending"' in page
    page = client.get(f"/units/{world.city.id}/comparison?{MARCH}&sort=on_time_rate&order=asc").get_data(as_text=True)
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)
    assert names == ["Quận Thử", "Xã Bình Minh", march.name]


def test_the_comparison_downloads_carry_ranks_and_rates(client, world, login_as, march):
    login_as(world.users["officer_city"])
    response = client.get(f"/units/{world.city.id}/comparison.csv?{MARCH}")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [(row["Xếp hạng"], row["Số đơn vị so sánh"], row["Đơn vị"], row["Tỷ lệ trước và đúng hạn"])
            for row in rows] == [("1", "3", "Xã Bình Minh", "1.0"), ("2", "3", "Quận Thử", "0.75"),
                                 ("", "3", march.name, ""), ("", "", "Tổng cộng (3 đơn vị)", "0.8")]
    assert rows[1]["Tiếp nhận"] == "6"
    assert (rows[1]["Thủ tục rút ngắn"], rows[1]["Thủ tục tiếp nhận tại Bộ phận Một cửa"],
            rows[1]["Tỷ lệ thủ tục rút ngắn"]) == ("1", "2", "0.5")
    sheet = load_workbook(io.BytesIO(client.get(f"/units/{world.city.id}/comparison.xlsx?{MARCH}").data)).active
    header = [cell.value for cell in sheet[4]]
    rate = header.index("Tỷ lệ trước và đúng hạn") + 1
    assert sheet.cell(6, rate).value == 0.75 and sheet.cell(6, rate).number_format == "0.0%"
    assert sheet.cell(7, rate).value == "không có dữ liệu"


def test_the_comparison_has_a_chart_of_the_units_and_a_total_row(client, world, login_as, march):
    login_as(world.users["officer_city"])
    page = client.get(f"/units/{world.city.id}/comparison?{MARCH}").get_data(as_text=True)
    chart = page.split('<svg', 1)[1].split("</svg>")[0]
    labels = re.findall(r'class="unit-label"[^>]*>([^<]+)<', chart)
    assert labels == ["Xã Bình Minh", "Quận Thử", march.name]  # best on-time rate first
    assert "chưa giải quyết hồ sơ nào trong kỳ" in chart and "75,0%" in chart
    total = text_of(page.split('<tr id="comparison-total">')[1].split("</tr>")[0])
    assert total.strip().startswith(f"Tổng cộng {world.city.name} (3 đơn vị)")
    assert "80,0%" in total  # the rate of the sums (8 of 10), not an average of rates


def test_a_unit_without_children_has_nothing_to_compare(client, world, login_as):
    login_as(world.user("chair", "a"))
    response = client.get(f"/units/{world.ward_a.id}/comparison")
    assert response.status_code == 200
    assert "không có đơn vị trực thuộc" in response.get_data(as_text=True)


def test_ties_share_a_rank_and_units_without_resolved_dossiers_get_none(world):
    def row(name, early, late):
        unit = type("U", (), {"name": name})()
        return ChildFigures(unit, Counts(early=early, late=late), {}, False)

    rows = [row("A", 9, 1), row("B", 18, 2), row("C", 5, 0), row("D", 0, 0), row("E", 1, 1)]
    rank_by_on_time_rate(rows)
    assert [(r.unit.name, r.rank_label) for r in rows] == [("A", "2/5"), ("B", "2/5"), ("C", "1/5"), ("D", "—"),
                                                           ("E", "4/5")]
    assert [r.unit.name for r in sort_rows(rows, "on_time_rate", descending=False)] == ["E", "A", "B", "C", "D"]


def test_a_ward_user_gets_404_for_another_wards_figures(client, world, login_as):
    login_as(world.user("clerk", "a"))
    for url in (f"/units/{world.ward_b.id}/figures", f"/units/{world.ward_b.id}/figures.csv",
                f"/units/{world.ward_b.id}/comparison", f"/units/{world.city.id}/figures"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/units/{world.ward_a.id}/figures").status_code == 200


def test_every_role_finds_the_figures_and_a_higher_unit_the_comparison_in_the_menu(client, world, login_as):
    login_as(world.user("clerk", "a"))
    page = client.get("/").get_data(as_text=True)
    assert f'href="/units/{world.ward_a.id}/figures"' in page and ">Số liệu<" in page
    assert "So sánh các đơn vị trực thuộc" not in page
    login_as(world.users["officer_district"])
    page = client.get("/").get_data(as_text=True)
    assert f'href="/units/{world.district.id}/comparison"' in page and "So sánh các đơn vị trực thuộc" in page
