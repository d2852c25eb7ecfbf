"""The quarterly report the chair signs: its figures read back from the PDF equal the engine's and
`flask report figures`, its Vietnamese words, "no data" for an empty quarter, the units under a district,
A4, scope, the dashboard's button and satisfaction rate."""
import json
import re
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.auth.models import Role
from app.catalog.models import Offering, OnlineKind
from app.dossiers.lifecycle import Action
from app.dossiers.operations import ActionInput, Applicant, Intake, apply_action, register_dossier
from app.extensions import db
from app.lookup.models import DossierRating, Rating
from app.stats import periods
from app.stats.figures import report_06, satisfaction
from app.stats.index_service import load_default_rubrics
from app.worktime.clock import calendar_for
from app.worktime.deadlines import TimeUnit
from conftest import make_procedure, make_user

PDFTOTEXT, PDFINFO = "/usr/bin/pdftotext", "/usr/bin/pdfinfo"
pytestmark = pytest.mark.skipif(not (shutil.which(PDFTOTEXT) and shutil.which(PDFINFO)),
                                reason="poppler-utils is not installed")
YEAR, QUARTER = 2026, 2
NO_DATA = "không có dữ liệu"
TOTAL_ROW = re.compile(r"^\s*Tổng số((?:\s+[\d.]+){11})\s+(không có dữ liệu|[\d,]+%)\s*$", re.MULTILINE)


def at(day: str, clock: str = "09:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}")


def pdf_text(pdf: bytes, tmp_path, name: str = "report.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def page_size(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "size.pdf"
    path.write_bytes(pdf)
    info = subprocess.run([PDFINFO, str(path)], capture_output=True, text=True, check=True).stdout
    return re.search(r"Page size:\s+(.*)", info)[1]


def total_row(text: str) -> tuple[list[int], str]:
    """The Report 06 total row printed in the PDF: its 11 counts and its on-time rate."""
    match = TOTAL_ROW.search(text)
    assert match, text
    return [int(value.replace(".", "")) for value in match[1].split()], match[2]


def the_quarter(app) -> periods.Period:
    return periods.quarter(YEAR, QUARTER, app.config["REPORT_CUTOFF_DAY"])


@pytest.fixture
def quarter_ward(app, world):
    """Ward A in Q2/2026 (in the quarter under either cutoff day): dossiers of known outcomes made through
    the desk's operations, two ratings, the default rubrics of the year."""
    civil = make_procedure("1.001193", "Đăng ký khai sinh", field="Hộ tịch", value=5)
    certify = make_procedure("2.000815", "Chứng thực bản sao từ bản chính", field="Chứng thực", value=2)
    offerings = {}
    for procedure, committed in ((civil, 5), (certify, 1)):
        offering = Offering(unit=world.ward_a, procedure=procedure, active_from=date(2025, 1, 1),
                            online_kind=OnlineKind.END_TO_END if procedure is certify else OnlineKind.PARTIAL)
        offering.set_committed_time(Decimal(committed), TimeUnit.WORKING_DAYS)
        db.session.add(offering)
        offerings[procedure.code] = offering
    db.session.commit()
    calendar, clerk = calendar_for(world.ward_a), world.user("clerk")

    def register(code: str, received_at: datetime, channel: str = "direct", name: str = "Nguyễn Văn An"):
        dossier = register_dossier(Intake(offerings[code], Applicant(name), channel,
                                          "toan_trinh" if channel == "online" else None, received_at),
                                   calendar, clerk, "pause", received_at)
        db.session.flush()
        return dossier

    def finish(dossier, finished_at: datetime):
        apply_action(dossier, Action.FINISH, ActionInput(outcome="approved"), clerk, calendar, finished_at,
                     dossier.version)
        db.session.flush()

    # Received Mon 6/4/2026 09:00 for 5 working days: due Mon 13/4 09:00.
    early, on_time, late = (register("1.001193", at("2026-04-06")) for _ in range(3))
    finish(early, at("2026-04-09"))
    finish(on_time, at("2026-04-13", "08:30"))
    finish(late, at("2026-04-15"))
    online = register("2.000815", at("2026-05-04"), channel="online")  # due Tue 5/5 09:00
    finish(online, at("2026-05-04", "15:00"))
    register("1.001193", at("2026-02-02"))  # carried over, overdue by the end of the quarter
    register("2.000815", at("2026-05-11"), channel="post")  # due Tue 12/5: overdue
    db.session.add_all([
        DossierRating(dossier=early, rating=Rating.SATISFIED, comment="", rated_at=at("2026-04-20")),
        DossierRating(dossier=on_time, rating=Rating.ACCEPTABLE, comment="", rated_at=at("2026-04-21")),
    ])
    load_default_rubrics(YEAR)
    db.session.commit()
    return world


def get_pdf(client, unit, **args):
    query = {"year": YEAR, "quarter": QUARTER} | args
    return client.get(f"/units/{unit.id}/report-q.pdf", query_string=query)


def test_the_wards_report_prints_the_engines_report_06_and_rates(app, quarter_ward, login_as, tmp_path):
    world = quarter_ward
    response = get_pdf(login_as(world.user("chair")), world.ward_a)

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "bao-cao-quy-2-2026" in response.headers["Content-Disposition"]
    text = pdf_text(response.data, tmp_path)
    quarter = the_quarter(app)
    report = report_06(world.ward_a, quarter.start, quarter.end)
    total = report.total
    counts, rate = total_row(text)
    assert counts == [total.received, total.carried_over, total.online, total.direct_or_post, total.resolved,
                      total.early, total.on_time, total.late, total.pending, total.within_time, total.overdue]
    # Known outcomes, whichever the cutoff day: 2 early (one online), 1 on time, 1 late, 2 open.
    assert (total.early, total.on_time, total.late, total.online, total.carried_over) == (2, 1, 1, 1, 1)
    assert (total.received, total.pending) == (6, 2)
    assert rate == "75,0%"
    words = flat(text)
    for row in ("Chứng thực", "Hộ tịch"):
        assert re.search(rf"^\s*{row}(\s+[\d.]+){{11}}\s+", text, re.MULTILINE), row
    assert "3/4 hồ sơ 75,0%" in words  # (early + on time) / resolved
    assert "1/5 hồ sơ 20,0%" in words  # online / new (the carried-over dossier is not new)
    assert "0/1 hồ sơ 0,0%" in words  # late with an apology / late
    assert "1/2 thủ tục 50,0%" in words  # shortened / at the desk: the certification is cut from 2 days to 1
    assert "1/2 lượt 50,0%" in words  # satisfied / rated
    assert f"Kỳ báo cáo từ ngày {quarter.start:%d/%m/%Y} đến ngày {quarter.end:%d/%m/%Y}" in words


def test_the_report_speaks_vietnamese_and_is_signed_by_the_wards_chair(app, quarter_ward, login_as, tmp_path):
    world = quarter_ward
    response = get_pdf(login_as(world.user("clerk")), world.ward_a, number="17")
    words = flat(pdf_text(response.data, tmp_path))

    # Decree 30/2020: the issuing committee "ỦY BAN NHÂN DÂN / PHƯỜNG X", not the district above it.
    header = words.split("BÁO CÁO")[0]
    assert "ỦY BAN NHÂN DÂN" in header and "QUẬN THỬ" not in header
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "PHƯỜNG ÁNH DƯƠNG", "Số: 17/BC-UBND", "BÁO CÁO",
                     "Tình hình, kết quả giải quyết thủ tục hành chính quý II năm 2026",
                     "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Văn Chủ Tịch", "Nơi nhận:",
                     "Ủy ban nhân dân Quận Thử (để báo cáo)"):
        assert expected in words, expected
    assert page_size(response.data, tmp_path).endswith("(A4)")
    # The index: the default rubric of the year, automatic and manual criteria, the total out of the maximum.
    assert "CHỈ SỐ CẢI CÁCH HÀNH CHÍNH" in words
    assert "(cchc-tthc, năm 2026)" in words
    assert "Tự động" in words and "Tự chấm" in words and "Chưa tự chấm" in words
    # Manual criteria not entered or not confirmed: the score is provisional and names them.
    assert re.search(r"Tổng điểm \(tạm tính\): [\d,]+/[\d,]+ điểm, đạt [\d,]+%", words)
    assert "Điểm tạm tính: các tiêu chí sau chưa được cấp trên xác nhận" in words
    assert "(chưa tự chấm)" in words
    assert "ĐƠN VỊ TRỰC THUỘC" not in words  # a ward has none


def test_the_pdf_of_the_cli_is_the_pdf_of_the_route_and_its_figures_are_flask_report_figures(
        app, quarter_ward, login_as, tmp_path):
    world = quarter_ward
    out = tmp_path / "cli.pdf"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["report", "pdf", "--unit", world.ward_a.code, "--year", str(YEAR),
                                 "--quarter", str(QUARTER), "--out", str(out)])
    assert result.exit_code == 0, result.output
    route_text = pdf_text(get_pdf(login_as(world.user("chair")), world.ward_a).data, tmp_path)
    cli_text = pdf_text(out.read_bytes(), tmp_path, "cli-text.pdf")
    assert cli_text == route_text

    quarter = the_quarter(app)
    figures = json.loads(runner.invoke(args=[
        "report", "figures", "--unit", world.ward_a.code, "--from", quarter.start.isoformat(),
        "--to", quarter.end.isoformat()]).output)
    counts, _ = total_row(cli_text)
    received, resolved, pending = figures["received"], figures["resolved"], figures["pending"]
    assert counts == [received["total"], received["carried_over"], received["online"], received["direct_or_post"],
                      resolved["total"], resolved["early"], resolved["on_time"], resolved["late"],
                      pending["total"], pending["within_time"], pending["overdue"]]
    assert figures["satisfaction"] == {"rated": 2, "satisfied": 1, "acceptable": 1, "dissatisfied": 0,
                                       "satisfaction_rate": 0.5}
    assert figures["satisfaction"] == satisfaction(world.ward_a, quarter.start, quarter.end)


def test_an_empty_quarter_says_no_data_never_zero_or_a_hundred_percent(app, world, login_as, tmp_path):
    response = get_pdf(login_as(world.user("chair", "b")), world.ward_b)

    text = pdf_text(response.data, tmp_path)
    words = flat(text)
    counts, rate = total_row(text)
    assert (counts, rate) == ([0] * 11, NO_DATA)
    assert "Không có hồ sơ nào trong kỳ báo cáo" in words
    assert "0/0 hồ sơ không có dữ liệu" in words
    assert "0/0 thủ tục không có dữ liệu" in words
    assert "0/0 lượt không có dữ liệu" in words
    assert "0,0%" not in words and "100,0%" not in words
    assert "Năm 2026 chưa có bộ tiêu chí chấm điểm" in words


def test_a_district_report_ranks_its_wards_and_the_city_report_its_direct_units(app, quarter_ward, login_as,
                                                                             tmp_path):
    world = quarter_ward
    client = login_as(world.users["officer_city"])
    district = flat(pdf_text(get_pdf(client, world.district).data, tmp_path))
    city = flat(pdf_text(get_pdf(client, world.city).data, tmp_path))

    assert "IV. KẾT QUẢ CỦA CÁC ĐƠN VỊ TRỰC THUỘC" in district
    assert re.search(r"1/1 Phường Ánh Dương 6 4 3 1 2 2 75,0%", district), district
    assert "của đơn vị và các đơn vị trực thuộc" in district
    # Ward B resolved nothing: no rank, no rate; the district (with ward A) is first of two.
    assert re.search(r"1/2 Quận Thử 6 4 3 1 2 2 75,0%", city), city
    assert re.search(r"— Xã Bình Minh 0 0 0 0 0 0 không có dữ liệu", city), city
    # The district has no chair: a blank line to sign on, not somebody else's name.
    assert "Trần Văn Chủ Tịch" not in district
    assert "…………" in district


def test_two_active_chairs_leave_the_name_blank(app, quarter_ward, login_as, tmp_path):
    world = quarter_ward
    make_user("chair.a2", Role.CHAIR, world.ward_a, "Lê Thị Phó")
    db.session.commit()
    words = flat(pdf_text(get_pdf(login_as(world.user("chair")), world.ward_a).data, tmp_path))

    assert "Trần Văn Chủ Tịch" not in words and "Lê Thị Phó" not in words
    assert "CHỦ TỊCH" in words


@pytest.mark.parametrize(("who", "target"), [("clerk_a", "ward_b"), ("chair_a", "district"), ("clerk_a", "city")])
def test_nobody_gets_the_report_of_a_unit_outside_their_subtree(world, login_as, who, target):
    response = get_pdf(login_as(world.users[who]), getattr(world, target))

    assert response.status_code == 404


@pytest.mark.parametrize(("args", "message"), [
    ({"quarter": 5}, "Quý không hợp lệ"),
    ({"year": 2099}, "chưa bắt đầu"),
    ({"number": "12/BC"}, "Số báo cáo chỉ gồm chữ số"),
])
def test_a_quarter_that_cannot_be_reported_on_is_explained(world, login_as, args, message):
    response = get_pdf(login_as(world.user("chair")), world.ward_a, **args)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_a_failed_rendering_answers_a_friendly_503(world, login_as, monkeypatch):
    def broken(html):
        raise OSError("font cache is gone")

    monkeypatch.setattr("app.reports.quarterly.render_pdf", broken)
    response = get_pdf(login_as(world.user("chair")), world.ward_a)

    assert response.status_code == 503
    assert "Chưa in được báo cáo quý" in response.get_data(as_text=True)


def test_the_cli_refuses_an_unknown_unit_and_a_quarter_not_started(app, world, tmp_path):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["report", "pdf", "--unit", "999.99.99.H99", "--year", "2026", "--quarter", "2",
                                  "--out", str(tmp_path / "x.pdf")])
    future = runner.invoke(args=["report", "pdf", "--unit", world.ward_a.code, "--year", "2099", "--quarter", "1",
                                 "--out", str(tmp_path / "y.pdf")])

    assert unknown.exit_code != 0 and "Không có đơn vị mã 999.99.99.H99" in unknown.output
    assert future.exit_code != 0 and "chưa bắt đầu" in future.output
    assert not (tmp_path / "y.pdf").exists()


def test_the_dashboard_offers_the_report_of_the_quarter_it_shows_and_the_satisfaction_rate(app, quarter_ward,
                                                                                          login_as):
    world = quarter_ward
    client = login_as(world.user("chair"))
    page = client.get(f"/units/{world.ward_a.id}/figures?period=quarter&year={YEAR}&number={QUARTER}")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert (f'href="/units/{world.ward_a.id}/report-q.pdf?year={YEAR}&amp;quarter={QUARTER}"' in html)
    assert 'target="_blank"' in html and "In báo cáo quý II/2026 (PDF)" in html
    assert re.search(r'id="satisfaction-rate">50,0%<', html)
    # Another period: the report of the reporting quarter its last day lies in (May is in Q2 either way).
    fragment = client.get(f"/units/{world.ward_a.id}/figures?period=month&year={YEAR}&number=5",
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f"report-q.pdf?year={YEAR}&amp;quarter=2" in fragment
    empty = client.get(f"/units/{world.ward_a.id}/figures?period=month&year=2025&number=5").get_data(as_text=True)
    assert re.search(r'id="satisfaction-rate">không có dữ liệu<', empty)
