"""The specialist's desk: the desk hands a dossier to a specialist civil servant, who sees only what is
handed to them, each step against its own due time, and submits the result; the chair approves it in one
click from the first page; the control slip judges each step against its own due time."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.auth.models import Role
from app.catalog.models import Offering, OnlineKind
from app.dossiers.models import Dossier
from app.dossiers.operations import Applicant, Intake, register_dossier
from app.dossiers.steps import Split, step_due_times
from app.extensions import db
from app.worktime.clock import calendar_for
from app.worktime.deadlines import TimeUnit
from conftest import make_procedure, make_user

RECEIVED = datetime(2026, 11, 16, 8, 0)  # a Monday


@pytest.fixture
def ward_offering(world):
    """A 5-working-day procedure of ward A whose internal procedure gives the desk 5% and the approval 15%."""
    procedure = make_procedure("2.000001", "Chứng thực hợp đồng", value=5)
    offering = Offering(unit=world.ward_a, procedure=procedure, active_from=date(2024, 1, 1),
                        online_kind=OnlineKind.NONE, desk_percent=5, approval_percent=15)
    offering.set_committed_time(Decimal(5), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    db.session.commit()
    return offering


def _received(offering, name="Phạm Thị Hồ Sơ"):
    intake = Intake(offering=offering, applicant=Applicant(name), channel="direct", online_kind=None,
                    received_at=RECEIVED)
    dossier = register_dossier(intake, calendar_for(offering.unit), None, "pause", RECEIVED)
    db.session.commit()
    return dossier


def _act(client, dossier, action, **data):
    db.session.refresh(dossier)
    return client.post(f"/dossiers/{dossier.id}/act", data={"action": action, "version": str(dossier.version), **data})


def test_the_desk_hands_a_dossier_to_a_specialist_with_each_steps_due_time(client, world, login_as, ward_offering):
    dossier = _received(ward_offering)
    specialist = world.user("specialist")
    login_as(world.user("clerk"))
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Giao cho công chức chuyên môn" in page and "Lê Văn Chuyên Môn — Công chức Tư pháp – Hộ tịch" in page
    assert _act(client, dossier, "hand_over", assignee_id=str(specialist.id)).status_code == 303
    db.session.refresh(dossier)
    dues = step_due_times(calendar_for(dossier.unit), RECEIVED, dossier.due_at, [], Split(5, 80, 15))
    assert (dossier.assignee_id, dossier.step, dossier.step_due_at) == (specialist.id, "specialist", dues.specialist)
    hand_over = dossier.events[-1]
    assert hand_over.to_office == "Công chức Tư pháp – Hộ tịch"
    assert hand_over.details["step_due_at"] == dues.desk.isoformat() == "2026-11-16T10:00:00"
    assert hand_over.details["split"] == [5, 80, 15]


def test_a_specialist_sees_only_the_dossiers_handed_to_them(client, world, login_as, ward_offering):
    handed, other = _received(ward_offering, "Phạm Thị Được Giao"), _received(ward_offering, "Vũ Văn Khác")
    login_as(world.user("clerk"))
    _act(client, handed, "hand_over", assignee_id=str(world.user("specialist").id))
    login_as(world.user("specialist"))
    home = client.get("/").get_data(as_text=True)
    assert "Hồ sơ được giao thẩm định (1)" in home and "Phạm Thị Được Giao" in home
    assert "Vũ Văn Khác" not in home
    assert client.get(f"/dossiers/{handed.id}").status_code == 200
    assert client.get(f"/dossiers/{other.id}").status_code == 404
    assert client.get(f"/dossiers/{handed.id}/control.pdf").status_code == 200
    listing = client.get("/dossiers/?q=").get_data(as_text=True)
    assert "Phạm Thị Được Giao" in listing and "Vũ Văn Khác" not in listing
    # Nothing else of the ward: its figures, catalog, register and calendar are refused.
    for url in (f"/units/{world.ward_a.id}/figures", "/catalog/procedures", "/register", "/calendar/",
                f"/dossiers/{handed.id}/receipt.pdf", "/dossiers/new"):
        assert client.get(url).status_code == 403, url


def test_the_specialist_submits_and_the_chair_approves_in_one_click(client, world, login_as, ward_offering):
    dossier = _received(ward_offering)
    login_as(world.user("clerk"))
    _act(client, dossier, "hand_over", assignee_id=str(world.user("specialist").id))
    login_as(world.user("specialist"))
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Trình lãnh đạo duyệt" in page and "Các bước xử lý trong đơn vị" in page
    assert "Chuyển xử lý" not in page.split("Thao tác", 1)[1].split("Quá trình xử lý")[0]  # not the desk's actions
    response = _act(client, dossier, "submit_for_approval", outcome="approved", note="Đủ điều kiện chứng thực")
    assert response.status_code == 303
    db.session.refresh(dossier)
    assert (dossier.state, dossier.step, dossier.step_due_at) == ("in_progress", "approval", dossier.due_at)
    # Once submitted the specialist cannot act again.
    assert _act(client, dossier, "finish", outcome="approved").status_code == 422

    login_as(world.user("chair"))
    home = client.get("/").get_data(as_text=True)
    assert "Hồ sơ trình duyệt kết quả (1)" in home and "Đủ điều kiện chứng thực" in home
    response = _act(client, dossier, "approve_result", back="home")
    assert response.status_code == 303 and response.headers["Location"].endswith("/")
    db.session.refresh(dossier)
    assert (dossier.state, dossier.outcome, dossier.step) == ("finished", "approved", None)
    assert dossier.result_note == "Đủ điều kiện chứng thực"
    assert [event.to_office for event in dossier.events[-2:]] == ["Lãnh đạo UBND", "Bộ phận Một cửa"]
    assert "Hồ sơ trình duyệt kết quả" not in client.get("/").get_data(as_text=True)


def test_a_clerk_cannot_record_a_result_waiting_for_the_chair(client, world, login_as, ward_offering):
    dossier = _received(ward_offering)
    login_as(world.user("clerk"))
    _act(client, dossier, "hand_over", assignee_id=str(world.user("specialist").id))
    login_as(world.user("specialist"))
    _act(client, dossier, "submit_for_approval", outcome="refused", note="Thiếu chữ ký")
    login_as(world.user("clerk"))
    response = _act(client, dossier, "finish", outcome="approved")
    assert response.status_code == 422
    assert "Hồ sơ đang chờ lãnh đạo duyệt kết quả." in response.get_data(as_text=True)
    response = _act(client, dossier, "approve_result")
    assert response.status_code == 422
    assert "Chỉ Chủ tịch UBND duyệt kết quả." in response.get_data(as_text=True)


def test_a_dossier_is_handed_only_to_a_specialist_of_its_own_ward(client, world, login_as, ward_offering):
    dossier = _received(ward_offering)
    login_as(world.user("clerk"))
    for someone in (world.user("specialist", "b"), world.user("chair")):
        response = _act(client, dossier, "hand_over", assignee_id=str(someone.id))
        assert response.status_code == 422
        assert "Chỉ giao hồ sơ cho công chức chuyên môn của đơn vị." in response.get_data(as_text=True)
    db.session.refresh(dossier)
    assert (dossier.state, dossier.assignee_id) == ("received", None)


def test_a_supplement_the_specialist_asked_for_moves_their_steps_due_time(client, world, login_as, ward_offering):
    dossier = _received(ward_offering)
    login_as(world.user("clerk"))
    _act(client, dossier, "hand_over", assignee_id=str(world.user("specialist").id))
    db.session.refresh(dossier)
    before = dossier.step_due_at
    login_as(world.user("specialist"))
    assert _act(client, dossier, "request_supplement", reason="Thiếu bản sao hợp đồng").status_code == 303
    login_as(world.user("clerk"))
    assert _act(client, dossier, "receive_supplement").status_code == 303
    db.session.refresh(dossier)
    assert dossier.step == "specialist" and dossier.state == "in_progress"
    assert dossier.step_due_at >= before
    assert dossier.events[-1].to_office == "Công chức Tư pháp – Hộ tịch"  # back to who asked for it


def test_an_offering_states_its_split_and_a_split_that_leaves_the_specialist_nothing_is_refused(
        client, world, login_as, ward_offering):
    login_as(world.user("chair"))
    form = {"procedure_code": "2.000001", "committed_value": "5", "committed_unit": "working_days",
            "online_kind": "none", "supplement_rule": "", "active_from": "01/01/2024", "at_desk": "y"}
    response = client.post(f"/offerings/{ward_offering.id}/edit", data=form | {"desk_percent": "50", "approval_percent": "50"})
    assert response.status_code == 422
    assert "công chức chuyên môn cần thời gian" in response.get_data(as_text=True)
    response = client.post(f"/offerings/{ward_offering.id}/edit", data=form | {"desk_percent": "10", "approval_percent": "30"})
    assert response.status_code == 303
    db.session.refresh(ward_offering)
    assert (ward_offering.desk_percent, ward_offering.approval_percent) == (10, 30)


def test_an_administrator_gives_a_specialist_their_post(client, world, login_as):
    login_as(world.user("admin"))
    response = client.post("/users/new", data={
        "username": "dia.chinh", "full_name": "Đỗ Văn Địa Chính", "role": Role.SPECIALIST.value,
        "unit_id": str(world.ward_a.id), "office": "Công chức Địa chính – Xây dựng",
        "password": "mot-mat-khau-rat-dai-2026", "is_active": "y"})
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    user = db.session.query(type(world.user("clerk"))).filter_by(username="dia.chinh").one()
    assert (user.role, user.office) == ("specialist", "Công chức Địa chính – Xây dựng")
