"""Decision 766's monthly index from the desk's data: a month scored by hand from the rubric, the unit's page
with its groups, trend and the dossiers behind each lost point, a higher unit's ranking, the command line,
and a PAR rubric reading the same figures."""
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.catalog.models import Offering, OnlineKind
from app.dossiers.models import DossierDocument, Outcome, PaymentMethod
from app.dossiers.ontime import Resolution
from app.dossiers.operations import Applicant, Intake, ReceivedDocument, register_dossier
from app.extensions import db
from app.feedback.rules import Satisfaction
from app.lookup.models import DossierRating, Rating
from app.stats.index_models import Criterion, Rubric
from app.stats.index_service import load_default_rubrics, score_unit
from app.stats.qd766_service import drill_down, rank_children_month, score_month
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.vietnam import build_calendar
from conftest import make_procedure
from test_feedback import make_feedback

CALENDAR = build_calendar(OfficeHours())


def _dossier(offering, received_at, channel="direct", online_kind=None, documents=0):
    intake = Intake(offering=offering, applicant=Applicant("Đỗ Văn Khang", "001099012345"), channel=channel,
                    online_kind=online_kind, received_at=received_at,
                    documents=[ReceivedDocument(f"Giấy tờ {n}") for n in range(documents)])
    return register_dossier(intake, CALENDAR, None, "pause", received_at)


def _resolve(dossier, at, outcome, resolution, result_form=None):
    dossier.state, dossier.outcome, dossier.resolved_at, dossier.resolution = "finished", outcome, at, resolution
    dossier.result_form = result_form


def _pay(dossier, amount, method, at):
    dossier.fee_due, dossier.fee_paid, dossier.payment_method, dossier.paid_at = amount, amount, method, at


@pytest.fixture
def november(world):
    """Ward A's November 2026, built so that every 766 figure is a simple fraction (see the test below)."""
    load_default_rubrics(2026)
    procedure = make_procedure("1.004222", "Cấp bản sao trích lục hộ tịch", value=1)
    offering = Offering(unit=world.ward_a, procedure=procedure, active_from=date(2025, 1, 1),
                        online_kind=OnlineKind.END_TO_END)
    offering.set_committed_time(Decimal(1), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    db.session.flush()
    d1 = _dossier(offering, datetime(2026, 11, 2, 9, 0), documents=2)
    d2 = _dossier(offering, datetime(2026, 11, 3, 9, 0), "online", OnlineKind.END_TO_END, documents=2)
    d3 = _dossier(offering, datetime(2026, 11, 4, 9, 0), "online", OnlineKind.PARTIAL, documents=1)
    d4 = _dossier(offering, datetime(2026, 11, 5, 9, 0))
    other_ward = _dossier(Offering(unit=world.ward_b, procedure=procedure, active_from=date(2025, 1, 1),
                                   online_kind=OnlineKind.NONE, committed_value=1, committed_unit="working_days"),
                          datetime(2026, 11, 6, 9, 0), documents=1)
    db.session.flush()
    for document in d1.documents:  # both scanned at receipt
        document.digitised_at = d1.received_at
    d2.documents[0].digitised_at = d2.received_at  # one of two
    d3.documents[0].reused_from_id = d1.documents[0].id  # taken from the applicant's earlier scan
    d3.documents[0].digitised_at = d3.received_at
    _resolve(d1, datetime(2026, 11, 2, 15, 0), Outcome.APPROVED, Resolution.ON_TIME, "electronic")
    _resolve(d2, datetime(2026, 11, 9, 10, 0), Outcome.APPROVED, Resolution.LATE, "paper")
    _pay(d1, 8000, PaymentMethod.CASH, datetime(2026, 11, 2, 9, 5))
    _pay(d2, 8000, PaymentMethod.ONLINE, datetime(2026, 11, 3, 8, 50))
    _pay(other_ward, 8000, PaymentMethod.CASH, datetime(2026, 11, 6, 9, 5))
    db.session.add_all([DossierRating(dossier=d1, rating=Rating.SATISFIED, rated_at=datetime(2026, 11, 3, 9, 0)),
                        DossierRating(dossier=d2, rating=Rating.ACCEPTABLE, rated_at=datetime(2026, 11, 10, 9, 0))])
    db.session.commit()
    make_feedback(world.ward_a, datetime(2026, 11, 2, 9, 0), datetime(2026, 11, 10, 9, 0), Satisfaction.SATISFIED)
    make_feedback(world.ward_a, datetime(2026, 10, 1, 9, 0), datetime(2026, 11, 20, 9, 0), Satisfaction.UNSATISFIED)
    make_feedback(world.ward_a, datetime(2026, 11, 25, 9, 0))  # not answered: counts nowhere yet
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4}


def test_a_month_scored_by_hand_from_the_rubric(world, november):
    result = score_month(world.ward_a, 2026, 11)
    figures = {item.code: (item.value, item.points) for item in result.score.criteria}
    # received 4 (2 online: 1 end to end); resolved 2 (1 on time, 1 late); 3 with documents, 2 all digital;
    # 2 approved, 1 electronic result; 4 digital documents, 1 reused; 2 paid, 1 online; feedback answered 2,
    # 1 on time, rated 2, 1 satisfied; dossiers rated 2, 1 satisfied.
    assert figures == {
        "CK-1": (None, Decimal("0.00")), "CK-2": (None, Decimal("0.00")), "CK-3": (None, Decimal("0.00")),
        "TD-1": (0.5, Decimal("10.00")),
        "SH-1": (pytest.approx(2 / 3), Decimal("5.33")), "SH-2": (0.5, Decimal("4.00")),
        "SH-3": (0.25, Decimal("1.50")),
        "TT-1": (0.5, Decimal("3.00")), "TT-2": (0.5, Decimal("3.00")), "TT-3": (0.5, Decimal("5.00")),
        "HL-1": (0.5, Decimal("3.00")), "HL-2": (0.5, Decimal("3.00")), "HL-3": (0.5, Decimal("3.00")),
    }
    assert (result.score.points, result.score.max_points, result.score.percent) == (
        Decimal("40.83"), Decimal("100.00"), Decimal("40.83"))
    assert [(g.code, g.points, g.max_points) for g in result.groups()] == [
        ("N1", Decimal("0.00"), Decimal("18.00")), ("N2", Decimal("10.00"), Decimal("20.00")),
        ("N3", Decimal("10.83"), Decimal("22.00")), ("N4", Decimal("11.00"), Decimal("22.00")),
        ("N5", Decimal("9.00"), Decimal("18.00"))]


def test_the_records_behind_the_lost_points(world, november):
    first, last = date(2026, 11, 1), date(2026, 11, 30)
    codes = lambda kind: sorted(row.code for row in drill_down(world.ward_a, kind, first, last).rows)  # noqa: E731
    assert codes("not_digitised") == [november["d2"].code]
    assert codes("paper_result") == [november["d2"].code]
    assert codes("not_paid_online") == [november["d1"].code]
    assert codes("late") == [november["d2"].code]
    late_feedback = drill_down(world.ward_a, "feedback_late", first, last)
    assert late_feedback.total == 1 and late_feedback.rows[0].received_at == datetime(2026, 10, 1, 9, 0)


def test_a_month_without_feedback_keeps_the_feedback_points_and_says_no_data(world, november):
    result = score_month(world.ward_a, 2026, 12)
    by_code = {item.code: item for item in result.score.criteria}
    assert by_code["HL-1"].status == "no_data" and by_code["HL-1"].points == Decimal("6.00")
    assert by_code["TT-3"].status == "no_data" and by_code["TT-3"].points == Decimal("0.00")


def test_the_units_page_shows_the_score_groups_trend_and_what_to_fix(client, world, login_as, november):
    login_as(world.user("chair"))
    page = client.get(f"/units/{world.ward_a.id}/766?month=2026-11").get_data(as_text=True)
    assert "40,83/100" in page and "Số hóa hồ sơ" in page and "10,83/22" in page
    assert "<svg" in page and "11/2026: 40,83%" in page  # the trend's last point
    assert november["d2"].code in page  # not digitised, paper result, late
    assert "Hồ sơ nộp phí, lệ phí không qua thanh toán trực tuyến" in page
    for month in ("2026-13", "abc", "9999-01", "2026-1"):
        assert client.get(f"/units/{world.ward_a.id}/766?month={month}").status_code == 400
    assert client.get(f"/units/{world.ward_b.id}/766").status_code == 404


def test_a_higher_unit_ranks_its_units_by_the_month(client, world, login_as, november):
    ranking = rank_children_month(world.city, 2026, 11)
    assert [line.unit.code for line in ranking] == [world.district.code, world.ward_b.code]
    # The district's only ward is ward A: the same score as ward A's own.
    assert ranking[0].score.points == score_month(world.ward_a, 2026, 11).score.points
    login_as(world.users["officer_city"])
    page = client.get(f"/units/{world.city.id}/766?month=2026-11").get_data(as_text=True)
    assert "qd766-ranking" in page and "1/2" in page and world.district.name in page


def test_the_command_line_answers_the_same(app, world, november):
    result = app.test_cli_runner().invoke(args=["index", "score", "--rubric", "qd766", "--unit", world.ward_a.code,
                                                "--month", "2026-11", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["month"], data["points"], data["percent"]) == ("2026-11", 40.83, 40.83)
    assert [group["points"] for group in data["groups"]] == [0.0, 10.0, 10.83, 11.0, 9.0]
    bad = app.test_cli_runner().invoke(args=["index", "score", "--rubric", "qd766", "--unit", world.ward_a.code,
                                             "--month", "2026-13"])
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output


def test_a_par_rubric_can_score_a_criterion_from_a_766_figure(world, november):
    rubric = db.session.scalar(select(Rubric).where(Rubric.code == "cchc-tthc", Rubric.year == 2026))
    criterion = next(c for c in rubric.criteria if c.code == "TTHC-7")
    criterion.method, criterion.figure, criterion.rule = "auto", "feedback_on_time_share", "proportional"
    db.session.commit()
    scored = score_unit(world.ward_a, 2026, "cchc-tthc", date(2026, 12, 31))
    item = next(item for item in scored.score.criteria if item.code == "TTHC-7")
    # Over the year: two answers, one on time.
    assert (item.value, item.points) == (0.5, Decimal("0.75"))


def test_the_report_prints_the_766_score_beside_the_par_score(app, world, november):
    from app.reports.quarterly import build_report, render_quarterly_html
    report = build_report(world.ward_a, "month", 2026, 11, date(2026, 12, 20), cutoff_day=1)
    assert (report.qd766.points, report.qd766.percent) == (Decimal("40.83"), Decimal("40.83"))
    html = " ".join(render_quarterly_html(report).split())
    assert "Quyết định 766/QĐ-TTg (qd766, số liệu từ ngày 01/11/2026 đến ngày 30/11/2026): <strong>40,83/100</strong>" in html
    assert "chỉ số cải cách hành chính (lĩnh vực thủ tục hành chính):" in html
