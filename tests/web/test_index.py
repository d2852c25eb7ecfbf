"""The PAR index on the real database: the built-in rubrics load once, a unit's score rests on Report 06's
figures, manual points count once a higher unit confirms them, evidence files are checked and scoped,
administrators edit and copy rubrics, the CLI prints the score, children are ranked without N+1."""
import io
import json
import tempfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from flask import current_app
from sqlalchemy import event, func, select

from app.auth.models import Role, User
from app.catalog.models import Offering, OnlineKind
from app.dossiers.lifecycle import DossierState
from app.dossiers.ontime import Resolution
from app.dossiers.operations import Applicant, Intake, register_dossier
from app.extensions import db
from app.stats.figures import named_figures, report_06
from app.stats.index_models import Criterion, ManualScore, Rubric
from app.stats.index_service import Evidence, enter_manual_score, load_default_rubrics, rank_children, score_unit
from app.stats.par_index import Status
from app.units.models import UnitKind
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.vietnam import build_calendar
from conftest import make_procedure, make_unit, make_user

YEAR = 2025  # a past year: the score covers 1 Jan–31 Dec whatever day the tests run
TODAY = date(2026, 11, 25)
CALENDAR = build_calendar(OfficeHours())
PDF = "%PDF-1.4\n% bằng chứng thử\n".encode()


def make_offering(unit, code, committed, statutory=5, online_kind=OnlineKind.NONE) -> Offering:
    offering = Offering(unit=unit, procedure=make_procedure(code, value=statutory), active_from=date(2020, 1, 1),
                        online_kind=online_kind)
    offering.set_committed_time(Decimal(committed), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    db.session.flush()
    return offering


def make_dossier(offering, received_at: datetime, resolution: Resolution | None = None, channel="direct",
                 with_apology=False):
    """A dossier registered as the desk does, then resolved with a known classification."""
    intake = Intake(offering=offering, applicant=Applicant("Nguyễn Văn Thử", "001099012345"), channel=channel,
                    online_kind=OnlineKind.PARTIAL if channel == "online" else None, received_at=received_at)
    dossier = register_dossier(intake, CALENDAR, None, "pause", received_at)
    if resolution is not None:
        dossier.state = DossierState.FINISHED
        dossier.resolved_at = received_at + timedelta(days=2)
        dossier.resolution = resolution
    if with_apology:
        dossier.apology_due_at = received_at + timedelta(days=10)
    db.session.flush()
    return dossier


@pytest.fixture
def evidence_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "INDEX_EVIDENCE_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def figures_2025(world):
    """Ward A: 4 dossiers resolved (2 early, 1 on time, 1 late with an apology; 1 online), 2 offerings
    (one shortened and end to end). Ward B: 2 dossiers on time, no offering."""
    shortened = make_offering(world.ward_a, "9.100001", 3, online_kind=OnlineKind.END_TO_END)
    plain = make_offering(world.ward_a, "9.100002", 5)
    make_dossier(shortened, datetime(2025, 3, 3, 9), Resolution.EARLY)
    make_dossier(shortened, datetime(2025, 3, 4, 9), Resolution.EARLY, channel="online")
    make_dossier(plain, datetime(2025, 5, 5, 9), Resolution.ON_TIME)
    make_dossier(plain, datetime(2025, 6, 2, 9), Resolution.LATE, with_apology=True)
    make_dossier(plain, datetime(2024, 6, 2, 9), Resolution.LATE)  # resolved in 2024: not this year's
    other = make_offering(world.ward_b, "9.100003", 5)
    other.active_from = date(2030, 1, 1)  # not in force in 2025: ward B has no offering to count
    make_dossier(other, datetime(2025, 8, 4, 9), Resolution.ON_TIME)
    make_dossier(other, datetime(2025, 8, 5, 9), Resolution.ON_TIME)
    load_default_rubrics(YEAR)
    db.session.commit()
    return world


def criteria_of(result) -> dict:
    return {item.code: item for item in result.score.criteria}


def manual_criterion(code="TTHC-1") -> Criterion:
    return db.session.scalar(select(Criterion).join(Rubric).where(
        Rubric.code == "cchc-tthc", Rubric.year == YEAR, Criterion.code == code))


def test_the_defaults_load_once_and_an_administrators_edits_are_kept(app, world):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["index", "load-defaults", "--year", str(YEAR)])
    assert first.exit_code == 0, first.output
    assert first.output.count("Đã tạo bộ tiêu chí") == 4
    rubrics = db.session.scalars(select(Rubric).order_by(Rubric.code)).all()
    assert [(r.code, r.year) for r in rubrics] == [("cchc-tthc", YEAR), ("par-xa", YEAR), ("qd766", YEAR),
                                                   ("qd766-tiendo", YEAR)]
    for rubric in rubrics:
        assert rubric.is_builtin_default
        assert "Mặc định — cần điều chỉnh theo hướng dẫn hiện hành" in rubric.name
        assert "Mặc định — cần điều chỉnh theo hướng dẫn hiện hành" in rubric.description
    assert rubrics[0].max_points == Decimal(12)
    assert rubrics[3].max_points == Decimal(20)
    # Decision 766's five groups: 18, 20, 22, 22, 18 points.
    qd766 = rubrics[2]
    assert [(area.code, sum(c.max_points for c in qd766.criteria if c.area_id == area.id)) for area in qd766.areas] == [
        ("N1", 18), ("N2", 20), ("N3", 22), ("N4", 22), ("N5", 18)]
    # The whole index of a ward: eight areas weighted as Decision 2948/QĐ-BNV weighted them, 100 points.
    par = rubrics[1]
    assert rubrics[1].max_points == Decimal(100)
    assert [(area.code, sum(c.max_points for c in par.criteria if c.area_id == area.id)) for area in par.areas] == [
        ("LV1", 10), ("LV2", 10), ("LV3", Decimal("14.5")), ("LV4", 11), ("LV5", 16), ("LV6", 7), ("LV7", 16),
        ("LV8", Decimal("15.5"))]
    assert par.areas[2].name.startswith("Cải cách thủ tục hành chính")
    assert {c.method for c in par.criteria if c.area_id == par.areas[2].id} == {"auto", "manual"}
    assert {c.method for c in par.criteria if c.area_id != par.areas[2].id} == {"manual"}

    criterion = manual_criterion("TTHC-2")
    criterion.max_points = Decimal(4)
    db.session.commit()
    again = runner.invoke(args=["index", "load-defaults", "--year", str(YEAR)])
    assert again.exit_code == 0
    assert again.output.count("giữ nguyên") == 4
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Rubric)) == 4
    assert manual_criterion("TTHC-2").max_points == Decimal(4)
    assert db.session.scalar(select(func.count()).select_from(Criterion)) == 8 + len(par.criteria) + len(qd766.criteria)


def test_a_units_score_takes_its_figures_from_report_06(figures_2025):
    world = figures_2025
    result = score_unit(world.ward_a, YEAR, "cchc-tthc", TODAY)
    expected = named_figures(report_06(world.ward_a, date(YEAR, 1, 1), date(YEAR, 12, 31)))
    items = criteria_of(result)
    for item in items.values():
        if item.figure:
            assert item.value == expected[item.figure]
    assert (items["TTHC-2"].value, items["TTHC-3"].value, items["TTHC-4"].value) == (0.75, 1.0, 0.25)
    assert (items["TTHC-5"].value, items["TTHC-6"].value) == (0.5, 0.5)
    # 75% on time: below every band; every late dossier had an apology: 1; 25% online: below 30%;
    # half of the procedures end to end and shortened: 0.75 + 0.75; manual criteria not entered.
    assert [items[code].points for code in sorted(items)] == [
        Decimal("0.00"), Decimal("0.00"), Decimal("1.00"), Decimal("0.00"), Decimal("0.75"), Decimal("0.75"),
        Decimal("0.00")]
    assert (result.score.points, result.score.max_points, result.score.percent) == (
        Decimal("2.50"), Decimal("12.00"), Decimal("20.83"))
    assert items["TTHC-1"].status == Status.NOT_ENTERED

    progress = score_unit(world.ward_a, YEAR, "qd766-tiendo", TODAY)
    assert (progress.score.points, progress.score.percent) == (Decimal("15.00"), Decimal("75.0"))


def test_the_current_year_is_scored_up_to_today(figures_2025):
    result = score_unit(figures_2025.ward_a, YEAR, "cchc-tthc", date(YEAR, 5, 10))
    assert (result.start, result.end) == (date(YEAR, 1, 1), date(YEAR, 5, 10))
    assert criteria_of(result)["TTHC-2"].value == 1.0  # the late dossier of June is not resolved yet


def test_a_figure_with_no_data_scores_by_the_rubric_and_says_so(figures_2025):
    items = criteria_of(score_unit(figures_2025.ward_b, YEAR, "cchc-tthc", TODAY))
    assert items["TTHC-3"].status == Status.NO_DATA  # no late dossier: full points for apologies
    assert items["TTHC-3"].points == Decimal("1.00")
    assert items["TTHC-6"].status == Status.NO_DATA  # no offering in force: no shortened share
    assert items["TTHC-6"].points == Decimal("0.00")


def test_the_unit_page_shows_each_criterion_its_figure_points_and_method(client, figures_2025, login_as):
    world = figures_2025
    login_as(world.user("clerk", "a"))
    response = client.get(f"/units/{world.ward_a.id}/index?year={YEAR}&rubric=cchc-tthc")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2,5/12" in page and "20,83%" in page
    assert "Tỷ lệ hồ sơ giải quyết trước và đúng hạn: <strong>75%</strong>" in page
    assert "Tự động" in page and "Tự chấm" in page and "Chưa tự chấm" in page
    assert "cần điều chỉnh theo hướng dẫn hiện hành" in page
    assert "Ghi điểm tự chấm" not in page  # only the chair enters points


def test_a_year_without_a_rubric_says_so(client, world, login_as):
    login_as(world.user("chair", "a"))
    page = client.get(f"/units/{world.ward_a.id}/index?year=2031").get_data(as_text=True)
    assert "Năm 2031 chưa có bộ tiêu chí" in page


def enter_points(client, unit, criterion, points="1.5", url="https://ubnd.example.vn/cong-khai.pdf", file=None,
                 note="Đã niêm yết đủ 174 thủ tục"):
    prefix = f"criterion-{criterion.id}-"
    data = {prefix + "points": points, prefix + "note": note, prefix + "evidence_url": url}
    if file is not None:
        data[prefix + "evidence_file"] = file
    return client.post(f"/units/{unit.id}/index/criteria/{criterion.id}", data=data,
                       content_type="multipart/form-data")


def test_manual_points_count_only_once_an_officer_of_a_higher_unit_confirms_them(client, figures_2025, login_as,
                                                                                   evidence_dir):
    world = figures_2025
    criterion = manual_criterion()
    login_as(world.user("chair", "a"))
    page = client.get(f"/units/{world.ward_a.id}/index?year={YEAR}&rubric=cchc-tthc").get_data(as_text=True)
    assert "Ghi điểm tự chấm" in page
    response = enter_points(client, world.ward_a, criterion)
    assert response.status_code == 303
    score = db.session.scalar(select(ManualScore))
    assert (score.status, score.points, score.entered_by.username) == (Status.PENDING, Decimal("1.5"), "chair.a")
    items = criteria_of(score_unit(world.ward_a, YEAR, "cchc-tthc", TODAY))
    assert (items["TTHC-1"].points, items["TTHC-1"].status) == (Decimal("0.00"), Status.PENDING)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Chờ cấp trên xác nhận" in page and "2,5/12" in page

    login_as(world.users["officer_district"])
    page = client.get(f"/units/{world.ward_a.id}/index?year={YEAR}&rubric=cchc-tthc").get_data(as_text=True)
    assert "Xác nhận 1,5 điểm" in page
    assert client.post(f"/index/manual-scores/{score.id}/confirm").status_code == 303
    db.session.refresh(score)
    assert (score.status, score.reviewed_by.username) == (Status.CONFIRMED, "officer.district")
    result = score_unit(world.ward_a, YEAR, "cchc-tthc", TODAY)
    assert result.score.points == Decimal("4.00")
    assert "4/12" in client.get(f"/units/{world.ward_a.id}/index?year={YEAR}").get_data(as_text=True)

    # Entering the points again sends them back for confirmation.
    login_as(world.user("chair", "a"))
    assert enter_points(client, world.ward_a, criterion, points="1").status_code == 303
    db.session.refresh(score)
    assert (score.status, score.points, score.reviewed_by) == (Status.PENDING, Decimal(1), None)


def test_a_chair_of_another_ward_gets_404(client, figures_2025, login_as):
    world = figures_2025
    login_as(world.user("chair", "b"))
    assert client.get(f"/units/{world.ward_a.id}/index").status_code == 404
    assert enter_points(client, world.ward_a, manual_criterion()).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ManualScore)) == 0


def test_a_chair_cannot_score_an_automatic_criterion(client, figures_2025, login_as):
    world = figures_2025
    login_as(world.user("chair", "a"))
    assert enter_points(client, world.ward_a, manual_criterion("TTHC-2")).status_code == 404


def test_nobody_confirms_their_own_entry_nor_their_own_units(client, figures_2025, login_as):
    world = figures_2025
    score = enter_manual_score(manual_criterion(), world.ward_a, world.user("chair", "a"), Decimal(1),
                               "Tự chấm", Evidence(url="https://ubnd.example.vn/a"), datetime(2025, 12, 1, 9))
    db.session.commit()
    login_as(world.user("chair", "a"))  # the chair who entered it
    assert client.post(f"/index/manual-scores/{score.id}/confirm").status_code == 403
    login_as(world.user("admin", "a"))  # an administrator of the ward itself, not a higher unit
    response = client.post(f"/index/manual-scores/{score.id}/confirm", follow_redirects=True)
    assert "Chỉ cán bộ, quản trị của đơn vị cấp trên" in response.get_data(as_text=True)
    login_as(world.users["officer_district"])
    client.post(f"/index/manual-scores/{score.id}/confirm")
    login_as(world.users["admin_city"])  # already confirmed: nothing to do twice
    response = client.post(f"/index/manual-scores/{score.id}/confirm", follow_redirects=True)
    assert "không còn chờ xác nhận" in response.get_data(as_text=True)
    db.session.refresh(score)
    assert (score.status, score.reviewed_by.username) == (Status.CONFIRMED, "officer.district")


def test_a_higher_unit_sends_points_back_with_a_reason(client, figures_2025, login_as):
    world = figures_2025
    score = enter_manual_score(manual_criterion(), world.ward_a, world.user("chair", "a"), Decimal(1),
                               "Tự chấm", Evidence(url="https://ubnd.example.vn/a"), datetime(2025, 12, 1, 9))
    db.session.commit()
    login_as(world.users["officer_city"])
    assert client.post(f"/index/manual-scores/{score.id}/reject",
                       data={f"score-{score.id}-review_note": ""}).status_code == 422
    assert client.post(f"/index/manual-scores/{score.id}/reject",
                       data={f"score-{score.id}-review_note": "Chưa có ảnh niêm yết"}).status_code == 303
    db.session.refresh(score)
    assert (score.status, score.review_note) == (Status.REJECTED, "Chưa có ảnh niêm yết")
    items = criteria_of(score_unit(world.ward_a, YEAR, "cchc-tthc", TODAY))
    assert (items["TTHC-1"].points, items["TTHC-1"].status) == (Decimal("0.00"), Status.REJECTED)


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("bang-chung.pdf", PDF + b"0" * (5 * 1024 * 1024), "lớn hơn 5 MB"),
        ("bang-chung.exe", b"MZ\x90\x00", "Chỉ nhận tệp PDF, JPG, PNG hoặc DOCX"),
        ("bang-chung.pdf", b"<html>not a pdf</html>", "không phải PDF"),
        ("anh.png", b"\xff\xd8\xff\xe0 a jpeg", "không phải PNG"),
    ],
)
def test_evidence_files_are_checked_for_size_and_kind(client, figures_2025, login_as, evidence_dir, filename,
                                                      content, message):
    world = figures_2025
    login_as(world.user("chair", "a"))
    response = enter_points(client, world.ward_a, manual_criterion(), url="", file=(io.BytesIO(content), filename))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ManualScore)) == 0
    assert not any(evidence_dir.rglob("*.*"))


def test_evidence_is_required_and_points_stay_within_the_maximum(client, figures_2025, login_as):
    world = figures_2025
    login_as(world.user("chair", "a"))
    response = enter_points(client, world.ward_a, manual_criterion(), url="")
    assert response.status_code == 422
    assert "Đính kèm tệp hoặc ghi đường dẫn" in response.get_data(as_text=True)
    response = enter_points(client, world.ward_a, manual_criterion(), points="2")
    assert response.status_code == 422
    assert "Không được quá điểm tối đa (1,5)" in response.get_data(as_text=True)
    response = enter_points(client, world.ward_a, manual_criterion(), url="javascript:alert(1)")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ManualScore)) == 0


def test_an_uploaded_file_is_served_only_within_the_scope(client, figures_2025, login_as, evidence_dir):
    world = figures_2025
    login_as(world.user("chair", "a"))
    response = enter_points(client, world.ward_a, manual_criterion(), url="",
                            file=(io.BytesIO(PDF), "Ảnh niêm yết.pdf"))
    assert response.status_code == 303
    score = db.session.scalar(select(ManualScore))
    assert score.evidence_name == "Ảnh niêm yết.pdf"
    stored = list(evidence_dir.rglob("*.pdf"))
    assert len(stored) == 1 and stored[0].read_bytes() == PDF
    assert "Ảnh niêm yết" not in stored[0].name  # stored under a name of our own

    login_as(world.users["officer_city"])
    download = client.get(f"/index/manual-scores/{score.id}/evidence")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    for username in ("chair_b", "clerk_b", "admin_b"):
        login_as(world.users[username])
        assert client.get(f"/index/manual-scores/{score.id}/evidence").status_code == 404

    # Entering again with a link only keeps the file.
    login_as(world.user("chair", "a"))
    assert enter_points(client, world.ward_a, manual_criterion(), url="").status_code == 303
    db.session.refresh(score)
    assert score.evidence_name == "Ảnh niêm yết.pdf"


def test_an_administrator_edits_a_criterion_and_the_score_changes(client, figures_2025, login_as):
    world = figures_2025
    criterion = manual_criterion("TTHC-2")
    login_as(world.users["admin_city"])
    form = client.get(f"/index/criteria/{criterion.id}/edit").get_data(as_text=True)
    assert "100 → 100%" in form and "95 → 50%" in form
    data = {"code": "TTHC-2", "position": "2", "name": criterion.name, "max_points": "3", "method": "auto",
            "figure": "on_time_rate", "rule": "bands", "bands_text": "100 → 100%\n70 → 50%",
            "share_without_data": "0", "source": criterion.source}
    bad = client.post(f"/index/criteria/{criterion.id}/edit", data={**data, "bands_text": "bảy mươi → 50%"})
    assert bad.status_code == 422 and "Dòng 1 không đọc được" in bad.get_data(as_text=True)
    assert client.post(f"/index/criteria/{criterion.id}/edit", data=data).status_code == 303
    items = criteria_of(score_unit(world.ward_a, YEAR, "cchc-tthc", TODAY))
    assert items["TTHC-2"].points == Decimal("1.50")  # 75% now reaches the 70% band

    data.update(rule="proportional", bands_text="")
    assert client.post(f"/index/criteria/{criterion.id}/edit", data=data).status_code == 303
    result = score_unit(world.ward_a, YEAR, "cchc-tthc", TODAY)
    assert criteria_of(result)["TTHC-2"].points == Decimal("2.25")
    assert result.score.points == Decimal("4.75")


def test_an_administrator_adds_and_removes_a_criterion(client, figures_2025, login_as):
    world = figures_2025
    rubric = manual_criterion().rubric
    login_as(world.users["admin_city"])
    response = client.post(f"/index/rubrics/{rubric.id}/criteria/new", data={
        "code": "TTHC-8", "name": "Không có hồ sơ tồn đọng", "max_points": "1", "method": "auto",
        "figure": "", "rule": "", "share_without_data": "0"})
    assert response.status_code == 422
    assert "Chọn số liệu để tính điểm" in response.get_data(as_text=True)
    response = client.post(f"/index/rubrics/{rubric.id}/criteria/new", data={
        "code": "TTHC-8", "name": "Ứng dụng dịch vụ trực tuyến", "max_points": "2", "method": "manual",
        "figure": "", "rule": "", "share_without_data": "0"})
    assert response.status_code == 303
    assert score_unit(world.ward_a, YEAR, "cchc-tthc", TODAY).score.max_points == Decimal("14.00")
    added = manual_criterion("TTHC-8")
    assert added.position == 8
    assert added.area_id == rubric.areas[0].id  # the form named no area: the rubric's last (and only) one
    duplicate = client.post(f"/index/rubrics/{rubric.id}/criteria/new", data={
        "code": "TTHC-8", "name": "Lần nữa", "max_points": "1", "method": "manual", "share_without_data": "0"})
    assert duplicate.status_code == 422

    enter_manual_score(manual_criterion(), world.ward_a, world.user("chair", "a"), Decimal(1), "Tự chấm",
                       Evidence(url="https://ubnd.example.vn/a"), datetime(2025, 12, 1, 9))
    db.session.commit()
    refused = client.post(f"/index/criteria/{manual_criterion().id}/delete", follow_redirects=True)
    assert "đã có điểm tự chấm của 1 đơn vị" in refused.get_data(as_text=True)
    assert client.post(f"/index/criteria/{added.id}/delete").status_code == 303
    db.session.expire_all()
    assert manual_criterion("TTHC-8") is None and manual_criterion() is not None


def test_an_administrator_copies_a_rubric_to_a_new_year(client, figures_2025, login_as):
    world = figures_2025
    rubric = manual_criterion().rubric
    login_as(world.users["admin_city"])
    form = client.get(f"/index/rubrics/{rubric.id}/copy?year=2027").get_data(as_text=True)
    assert 'value="2027"' in form
    response = client.post(f"/index/rubrics/{rubric.id}/copy", data={"year": "2027"})
    assert response.status_code == 303
    copy = db.session.scalar(select(Rubric).where(Rubric.code == "cchc-tthc", Rubric.year == 2027))
    assert [c.code for c in copy.criteria] == [c.code for c in rubric.criteria]
    assert [(a.code, a.name) for a in copy.areas] == [(a.code, a.name) for a in rubric.areas]
    assert {c.area.rubric_id for c in copy.criteria} == {copy.id}  # the copy's own areas
    assert copy.max_points == rubric.max_points
    again = client.post(f"/index/rubrics/{rubric.id}/copy", data={"year": "2027"})
    assert again.status_code == 422 and "Năm 2027 đã có bộ tiêu chí cchc-tthc" in again.get_data(as_text=True)

    response = client.post(f"/index/rubrics/{copy.id}/edit", data={"name": "Bộ tiêu chí 2027 đã điều chỉnh",
                                                                   "description": "Theo hướng dẫn mới"})
    assert response.status_code == 303
    db.session.refresh(copy)
    assert (copy.name, copy.is_builtin_default) == ("Bộ tiêu chí 2027 đã điều chỉnh", False)
    listing = client.get("/index/rubrics").get_data(as_text=True)
    assert "Bộ tiêu chí 2027 đã điều chỉnh" in listing and listing.count('badge warn">Mặc định') == 4


def test_everyone_reads_the_rubrics_and_only_administrators_see_the_edit_links(client, figures_2025, login_as):
    world = figures_2025
    rubric = manual_criterion().rubric
    login_as(world.user("clerk", "a"))
    page = client.get(f"/index/rubrics/{rubric.id}").get_data(as_text=True)
    assert "TTHC-2" in page and "≥ 95%: 50% số điểm" in page
    assert "Thêm tiêu chí" not in page
    login_as(world.user("admin", "a"))
    assert "Thêm tiêu chí" in client.get(f"/index/rubrics/{rubric.id}").get_data(as_text=True)


def test_the_cli_prints_the_score_with_its_criteria_as_json(app, figures_2025):
    result = app.test_cli_runner().invoke(args=[
        "index", "score", "--unit", figures_2025.ward_a.code, "--year", str(YEAR), "--rubric", "cchc-tthc",
        "--format", "json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert {"unit", "year", "rubric", "points", "max_points", "percent", "criteria"} <= set(printed)
    assert (printed["unit"], printed["year"], printed["rubric"]) == (figures_2025.ward_a.code, YEAR, "cchc-tthc")
    assert (printed["points"], printed["max_points"], printed["percent"]) == (2.5, 12.0, 20.83)
    assert printed["criteria"][1] == {"code": "TTHC-2", "name": "Tỷ lệ hồ sơ thủ tục hành chính giải quyết trước hạn, đúng hạn",
                                      "method": "auto", "figure": "on_time_rate", "value": 0.75, "points": 0.0,
                                      "max_points": 3.0, "status": "scored"}
    assert printed["criteria"][0]["method"] == "manual" and printed["criteria"][0]["status"] == "not_entered"

    text = app.test_cli_runner().invoke(args=["index", "score", "--unit", figures_2025.ward_a.code, "--year",
                                              str(YEAR), "--rubric", "cchc-tthc"])
    assert "Tổng: 2,5/12 điểm = 20,83%" in text.output
    missing = app.test_cli_runner().invoke(args=["index", "score", "--unit", figures_2025.ward_a.code, "--year",
                                                 "2031", "--rubric", "cchc-tthc"])
    assert missing.exit_code != 0 and "Không có bộ tiêu chí cchc-tthc năm 2031" in missing.output


def test_children_are_ranked_on_the_same_figures_as_report_06(client, figures_2025, login_as):
    world = figures_2025
    ranking = rank_children(world.city, YEAR, "cchc-tthc", TODAY)
    # Ward B: 100% on time (3) + no late dossier (1) = 4/12; the district holds ward A: 2.5/12.
    assert [(row.unit.name, row.rank_label, row.score.percent) for row in ranking] == [
        ("Xã Bình Minh", "1/2", Decimal("33.33")), ("Quận Thử", "2/2", Decimal("20.83"))]
    for row in ranking:
        assert row.figures == named_figures(report_06(row.unit, date(YEAR, 1, 1), date(YEAR, 12, 31)))
    login_as(world.users["officer_city"])
    page = client.get(f"/units/{world.city.id}/index?year={YEAR}&rubric=cchc-tthc").get_data(as_text=True)
    assert "Xếp hạng các đơn vị trực thuộc" in page and "1/2" in page and "2/2" in page
    assert "Cao nhất: Xã Bình Minh 33,33%; thấp nhất: Quận Thử 20,83%." in page


def test_units_with_the_same_score_share_a_rank(figures_2025):
    world = figures_2025
    twin = make_unit("000.00.09.H99", "Phường Song Sinh", UnitKind.WARD, world.city)
    offering = make_offering(twin, "9.100009", 5)
    offering.active_from = date(2030, 1, 1)  # no offering in force, like ward B
    make_dossier(offering, datetime(2025, 9, 1, 9), Resolution.EARLY)
    db.session.commit()
    ranking = rank_children(world.city, YEAR, "cchc-tthc", TODAY)
    assert [(row.unit.name, row.rank_label) for row in ranking] == [
        ("Phường Song Sinh", "1/3"), ("Xã Bình Minh", "1/3"), ("Quận Thử", "3/3")]


def count_queries(action) -> int:
    statements = []

    def record(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_ranking_takes_the_same_number_of_queries_for_3_or_12_wards(figures_2025):
    world = figures_2025

    def add_wards(count, start):
        for number in range(start, start + count):
            ward = make_unit(f"000.00.{number:02d}.H98", f"Phường Thử {number}", UnitKind.WARD, world.city)
            make_offering(ward, f"9.2000{number:02d}", 3)
            make_user(f"chair.{number}", Role.CHAIR, ward)
        db.session.commit()

    def rank():
        db.session.expire_all()
        rank_children(world.city, YEAR, "cchc-tthc", TODAY)

    add_wards(1, 10)
    few = count_queries(rank)
    add_wards(9, 20)
    assert count_queries(rank) == few


def index_objects(objects: dict) -> dict:
    """For the permission matrix (tests/web/test_permissions.py): a rubric with a manual criterion and a
    pending manual score of the target ward, with an evidence file; made once per test."""
    if "index" in objects:
        return objects["index"]
    ward = objects["unit"]
    current_app.config.setdefault("INDEX_EVIDENCE_DIR", tempfile.mkdtemp(prefix="motcua-evidence-"))
    rubric = db.session.scalar(select(Rubric).where(Rubric.code == "thu", Rubric.year == YEAR))
    if rubric is None:
        rubric = Rubric(code="thu", year=YEAR, name="Bộ tiêu chí thử")
        rubric.criteria.append(Criterion(position=1, code="T-1", name="Công khai thủ tục", max_points=Decimal(2),
                                         method="manual"))
        db.session.add(rubric)
        db.session.flush()
    chair = db.session.scalar(select(User).where(User.unit_id == ward.id, User.role == Role.CHAIR))
    score = enter_manual_score(rubric.criteria[0], ward, chair, Decimal(1), "Tự chấm thử",
                               Evidence(filename="bang-chung.pdf", content=PDF), datetime(2025, 12, 1, 9))
    db.session.commit()
    objects["index"] = {"rubric": rubric, "criterion": rubric.criteria[0], "score": score}
    return objects["index"]

