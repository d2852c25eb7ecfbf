"""A period's report ready to sign (issue 11): the chair's sections kept per unit and period with their
history, the provisional index, the Word file carrying the PDF's figures, the submission that freezes them,
the higher unit's view of who submitted and who is late, and corrections shown on both sides."""
import io
import re
from datetime import datetime

import pytest
from docx import Document
from sqlalchemy import select

from app.audit.models import AuditEntry, AuditKind
from app.catalog.models import Offering
from app.dossiers.operations import Applicant, Intake, register_dossier
from app.extensions import db
from app.reports.models import ReportAppendOnly, ReportSectionRevision, ReportSubmission
from app.stats import periods
from app.stats.figures import report_06
from app.worktime.clock import calendar_for
from test_quarterly_pdf import QUARTER, YEAR, flat, pdf_text, quarter_ward, the_quarter, total_row  # noqa: F401

PERIOD = {"kind": "quarter", "year": str(YEAR), "number": str(QUARTER)}
TEXTS = {
    "assessment": "Quý II, phường giải quyết phần lớn hồ sơ trước và đúng hạn.\nNgười dân hài lòng với Trung tâm.",
    "shortcomings": "Một hồ sơ chứng thực quá hạn do thiếu cán bộ trong tuần 11/5.",
    "proposals": "Đề nghị Quận bổ sung một công chức tư pháp - hộ tịch.",
}


def write(client, unit, **texts):
    return client.post(f"/units/{unit.id}/report/sections", data=PERIOD | texts)


def docx_of(client, unit) -> Document:
    response = client.get(f"/units/{unit.id}/report.docx", query_string=PERIOD)
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    return Document(io.BytesIO(response.data))


def docx_words(document: Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return " ".join(" ".join(parts).split())


def docx_total_row(document: Document) -> tuple[list[int], str]:
    """The Report 06 total row of the Word file: its 11 counts and its on-time rate."""
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Lĩnh vực")
    cells = [cell.text for cell in table.rows[-1].cells]
    assert cells[0] == "Tổng số"
    return [int(value.replace(".", "")) for value in cells[1:12]], cells[12]


def test_the_chair_writes_the_sections_and_each_change_is_kept_with_its_author(app, quarter_ward, login_as):
    world = quarter_ward
    client = login_as(world.user("chair"))
    assert write(client, world.ward_a, **TEXTS).status_code == 303
    write(client, world.ward_a, **TEXTS)  # the same text again: nothing new
    write(client, world.ward_a, **(TEXTS | {"proposals": "Đề nghị Quận bổ sung hai công chức."}))

    revisions = db.session.scalars(select(ReportSectionRevision).order_by(ReportSectionRevision.id)).all()
    assert [r.section for r in revisions] == ["assessment", "shortcomings", "proposals", "proposals"]
    assert {r.author_id for r in revisions} == {world.user("chair").id}
    page = client.get(f"/units/{world.ward_a.id}/report", query_string=PERIOD).get_data(as_text=True)
    assert "Đề nghị Quận bổ sung hai công chức." in page  # the text in force
    assert page.count("Đề xuất, kiến nghị</td>") == 2  # both versions in the history
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == AuditKind.REPORT_WRITTEN)).all()
    assert len(entries) == 2 and "Đề xuất, kiến nghị" in entries[1].detail
    # Append-only: a revision is never changed.
    revisions[0].text = "sửa lén"
    with pytest.raises(ReportAppendOnly):
        db.session.commit()
    db.session.rollback()


def test_a_clerk_reads_the_report_but_cannot_write_it(app, quarter_ward, login_as):
    world = quarter_ward
    client = login_as(world.user("clerk"))
    page = client.get(f"/units/{world.ward_a.id}/report", query_string=PERIOD).get_data(as_text=True)

    assert "Lưu nội dung" not in page and "Chốt số liệu và gửi cấp trên</button>" not in page
    assert write(client, world.ward_a, **TEXTS).status_code == 403
    assert login_as(world.users["officer_district"]).post(
        f"/units/{world.ward_a.id}/report/sections", data=PERIOD | TEXTS).status_code == 403


def test_the_pdf_and_the_word_file_carry_the_same_figures_and_sections(app, quarter_ward, login_as, tmp_path):
    world = quarter_ward
    client = login_as(world.user("chair"))
    write(client, world.ward_a, **TEXTS)
    pdf = client.get(f"/units/{world.ward_a.id}/report.pdf", query_string=PERIOD)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data, tmp_path)
    words = flat(text)
    document = docx_of(client, world.ward_a)
    dwords = docx_words(document)

    quarter = the_quarter(app)
    total = report_06(world.ward_a, quarter.start, quarter.end).total
    engine = [total.received, total.carried_over, total.online, total.direct_or_post, total.resolved, total.early,
              total.on_time, total.late, total.pending, total.within_time, total.overdue]
    assert total_row(text) == docx_total_row(document) == (engine, "75,0%")
    for heading in ("IV. ĐÁNH GIÁ CHUNG", "V. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "VI. ĐỀ XUẤT, KIẾN NGHỊ"):
        assert heading in words and heading in dwords
    for paragraph in [line for text in TEXTS.values() for line in text.split("\n")]:
        assert paragraph in words and paragraph in dwords
    # The same paper in both: header, provisional index naming its unconfirmed criteria, signature.
    for expected in ("ỦY BAN NHÂN DÂN", "PHƯỜNG ÁNH DƯƠNG", "Tình hình, kết quả giải quyết thủ tục hành chính quý II năm 2026",
                     "Tổng điểm (tạm tính)", "Điểm tạm tính: các tiêu chí sau chưa được cấp trên xác nhận",
                     "TM. ỦY BAN NHÂN DÂN", "Trần Văn Chủ Tịch", "Ủy ban nhân dân Quận Thử (để báo cáo)"):
        assert expected in words and expected in dwords, expected
    assert "DỰ THẢO" not in words and "DỰ THẢO" not in dwords


def test_a_report_with_a_section_missing_is_a_draft_and_cannot_be_submitted(app, quarter_ward, login_as, tmp_path):
    world = quarter_ward
    client = login_as(world.user("chair"))
    write(client, world.ward_a, assessment=TEXTS["assessment"])
    words = flat(pdf_text(client.get(f"/units/{world.ward_a.id}/report.pdf", query_string=PERIOD).data, tmp_path))
    assert "DỰ THẢO: Chủ tịch chưa viết phần Tồn tại, hạn chế và nguyên nhân, Đề xuất, kiến nghị" in words

    response = client.post(f"/units/{world.ward_a.id}/report/submit", data=PERIOD | {"confirm": "1"},
                           follow_redirects=True)
    assert "Chưa viết: Tồn tại, hạn chế và nguyên nhân, Đề xuất, kiến nghị." in response.get_data(as_text=True)
    assert db.session.scalar(select(ReportSubmission)) is None


def test_a_monthly_report_comes_from_the_same_engine(app, quarter_ward, login_as, tmp_path):
    world = quarter_ward
    client = login_as(world.user("chair"))
    query = {"kind": "month", "year": str(YEAR), "number": "5"}
    text = pdf_text(client.get(f"/units/{world.ward_a.id}/report.pdf", query_string=query).data, tmp_path)
    month = periods.month(YEAR, 5, app.config["REPORT_CUTOFF_DAY"])
    total = report_06(world.ward_a, month.start, month.end).total

    assert "Tình hình, kết quả giải quyết thủ tục hành chính tháng 5 năm 2026" in flat(text)
    assert total_row(text)[0][:5] == [total.received, total.carried_over, total.online, total.direct_or_post,
                                      total.resolved]
    assert "Diễn biến theo tháng của quý" not in flat(text)


def late_dossier(world):
    """A dossier of the quarter entered after the report was submitted (a correction of the register)."""
    offering = db.session.scalars(select(Offering).where(Offering.unit_id == world.ward_a.id)).first()
    register_dossier(Intake(offering, Applicant("Lê Văn Bổ Sung"), "direct", None, datetime(2026, 5, 20, 9, 0)),
                     calendar_for(world.ward_a), world.user("clerk"), "pause", datetime(2026, 5, 20, 9, 0))
    db.session.commit()


def test_a_submitted_report_is_frozen_and_a_later_correction_shows_on_both_sides(app, quarter_ward, login_as,
                                                                                tmp_path):
    world = quarter_ward
    client = login_as(world.user("chair"))
    write(client, world.ward_a, **TEXTS)
    response = client.post(f"/units/{world.ward_a.id}/report/submit",
                           data=PERIOD | {"confirm": "1", "report_number": "21"})
    assert response.status_code == 303
    submission = db.session.scalar(select(ReportSubmission))
    quarter = the_quarter(app)
    before = report_06(world.ward_a, quarter.start, quarter.end).total
    assert submission.figures["total"]["received"] == before.received
    assert submission.sections == TEXTS and submission.report_number == "21"
    assert submission.is_late  # Q2/2026 ended in June; today is later than two working days after it
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.kind == AuditKind.REPORT_SUBMITTED)) is not None
    # Submitted once: a second submission and any further writing are refused.
    again = client.post(f"/units/{world.ward_a.id}/report/submit", data=PERIOD | {"confirm": "1"},
                        follow_redirects=True).get_data(as_text=True)
    assert "đã gửi cấp trên" in again
    write(client, world.ward_a, proposals="Sửa sau khi gửi")
    assert db.session.scalar(select(ReportSectionRevision).where(ReportSectionRevision.text == "Sửa sau khi gửi")) is None

    late_dossier(world)
    after = report_06(world.ward_a, quarter.start, quarter.end).total
    assert after.received == before.received + 1

    # The chair's side: the paper keeps the submitted figures; the page shows the difference.
    text = pdf_text(client.get(f"/units/{world.ward_a.id}/report.pdf", query_string=PERIOD).data, tmp_path)
    assert total_row(text)[0][0] == before.received
    assert "Số liệu đã chốt, gửi cấp trên ngày" in flat(text) and "Số: 21/BC-UBND" in flat(text)
    assert docx_total_row(docx_of(client, world.ward_a))[0][0] == before.received
    page = re.sub(r">\s+<", "><", client.get(f"/units/{world.ward_a.id}/report", query_string=PERIOD).get_data(as_text=True))
    assert (f'Tổng số tiếp nhận</td><td class="num">{before.received}</td><td class="num">{after.received}</td>'
            '<td class="num">+1</td>') in page

    # The higher unit's side: who submitted, when, late, and the same difference.
    district = login_as(world.users["officer_district"])
    page = flat(district.get(f"/units/{world.district.id}/submissions", query_string=PERIOD).get_data(as_text=True))
    assert "Đã gửi muộn" in page and "Trần Văn Chủ Tịch" in page
    assert f"Tổng số tiếp nhận: {before.received} → {after.received} (+1)" in page
    assert 'id="submitted-count">1/1<' in page
    # The district's comparison of the closed quarter reads the submitted figures.
    comparison = flat(district.get(f"/units/{world.district.id}/comparison",
                                   query_string={"period": "quarter", "year": YEAR, "number": QUARTER}).get_data(as_text=True))
    assert "đã chốt" in comparison


def test_the_city_sees_a_unit_that_has_not_submitted_as_late(app, quarter_ward, login_as):
    world = quarter_ward
    page = flat(login_as(world.users["officer_city"]).get(f"/units/{world.city.id}/submissions",
                                                          query_string=PERIOD).get_data(as_text=True))
    assert page.count("Chưa gửi, đã quá hạn") == 2  # the district and ward B
    assert 'id="submitted-count">0/2<' in page


def test_a_report_submitted_within_the_deadline_is_on_time(app, quarter_ward, login_as, monkeypatch):
    world = quarter_ward
    client = login_as(world.user("chair"))
    write(client, world.ward_a, **TEXTS)
    # Q2/2026 (cutoff 15) ends Sun 14/6: due Tue 16/6; submitted Mon 15/6.
    monkeypatch.setattr("app.reports.report_views.local_now", lambda: datetime(2026, 6, 15, 10, 0))
    if app.config["REPORT_CUTOFF_DAY"] != 15:
        pytest.skip("dates of the 15th cutoff")
    client.post(f"/units/{world.ward_a.id}/report/submit", data=PERIOD | {"confirm": "1"})
    submission = db.session.scalar(select(ReportSubmission))
    assert submission.due_on.isoformat() == "2026-06-16" and not submission.is_late


def test_the_chairs_home_page_lists_the_reports_waiting_to_be_signed_and_sent(app, world, login_as):
    client = login_as(world.user("chair"))
    page = flat(client.get("/").get_data(as_text=True))
    assert "Báo cáo chờ ký và gửi cấp trên (2)" in page
    assert page.count("hạn gửi") == 2
    clerk_page = flat(login_as(world.user("clerk")).get("/").get_data(as_text=True))
    assert "Báo cáo chờ ký và gửi cấp trên" not in clerk_page


def test_flask_report_docx_writes_the_word_file_of_the_route(app, quarter_ward, tmp_path):
    world = quarter_ward
    out = tmp_path / "q2.docx"
    result = app.test_cli_runner().invoke(args=["report", "docx", "--unit", world.ward_a.code, "--kind", "quarter",
                                                "--year", str(YEAR), "--number", str(QUARTER), "--out", str(out)])
    assert result.exit_code == 0, result.output
    quarter = the_quarter(app)
    total = report_06(world.ward_a, quarter.start, quarter.end).total
    assert docx_total_row(Document(str(out)))[0][0] == total.received
    future = app.test_cli_runner().invoke(args=["report", "docx", "--unit", world.ward_a.code, "--year", "2099",
                                                "--number", "1", "--out", str(tmp_path / "x.docx")])
    assert future.exit_code != 0 and "chưa bắt đầu" in future.output


def test_the_dashboards_cards_and_table_use_one_period_definition(app, world, login_as):
    client = login_as(world.user("chair"))
    page = flat(client.get(f"/units/{world.ward_a.id}/figures").get_data(as_text=True))
    from app.worktime.clock import local_now

    today, cutoff = local_now().date(), app.config["REPORT_CUTOFF_DAY"]
    quarter = periods.containing(today, periods.PeriodKind.QUARTER, cutoff)
    month = periods.containing(today, periods.PeriodKind.MONTH, cutoff)
    # The "Quý này" card is the reporting quarter of the table's picker, with its dates.
    assert (f'Quý này <span class="muted">· {quarter.label}</span></h2> <div class="muted small">'
            f"{quarter.start:%d/%m/%Y} – ") in page
    # The table below shows the reporting month of the same definition by default.
    assert f"{month.start:%d/%m/%Y}" in page
    assert "Hồ sơ tiếp nhận và tỷ lệ trước và đúng hạn 12 tháng" in page
    assert "tỷ lệ đúng hạn" not in page.replace("tỷ lệ trước và đúng hạn", "")


def test_the_districts_report_of_a_closed_quarter_reads_its_wards_submitted_figures(app, quarter_ward, login_as,
                                                                                  tmp_path):
    world = quarter_ward
    chair = login_as(world.user("chair"))
    write(chair, world.ward_a, **TEXTS)
    chair.post(f"/units/{world.ward_a.id}/report/submit", data=PERIOD | {"confirm": "1"})
    late_dossier(world)  # entered after the ward submitted: 7 live, 6 submitted
    words = flat(pdf_text(login_as(world.users["officer_district"]).get(
        f"/units/{world.district.id}/report.pdf", query_string=PERIOD).data, tmp_path))
    assert re.search(r"1/1 Phường Ánh Dương 6 4 3 1 2 2 75,0%", words), words


def test_the_report_of_a_unit_with_many_below_it_prints_in_the_background(app, world, login_as, monkeypatch,
                                                                           tmp_path):
    from app.reports.jobs import run_pending

    monkeypatch.setattr("app.reports.quarterly_views.IN_BACKGROUND_FROM_UNITS", 3)
    client = login_as(world.users["officer_city"])
    query = {"kind": "month", "year": "2025", "number": "11"}
    first = client.get(f"/units/{world.city.id}/report.pdf", query_string=query)
    assert first.status_code == 303
    assert client.get(f"/units/{world.city.id}/report.pdf", query_string=query).headers["Location"] == \
        first.headers["Location"]
    assert run_pending() == 1
    pdf = client.get(first.headers["Location"] + "/file").data
    assert "Tình hình, kết quả giải quyết thủ tục hành chính tháng 11 năm 2025" in flat(pdf_text(pdf, tmp_path))


def test_the_higher_units_home_page_counts_the_reports_submitted_and_late(app, world, login_as):
    page = flat(login_as(world.users["officer_city"]).get("/").get_data(as_text=True))
    assert re.search(r"Báo cáo quý [IV]+ năm \d{4} \(hạn gửi \d\d/\d\d/\d{4}\): đã gửi <strong>0/2</strong> đơn vị, "
                     r"<span class=\"bad-text\">2 đơn vị chưa gửi đúng hạn", page), page
