"""The desk's pages: intake (with and without htmx), the dossier page and its actions, search, home lists."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.catalog.models import Offering, OnlineKind, RequiredDocument
from app.dossiers.models import Dossier, DossierEvent
from app.extensions import db
from app.worktime.clock import local_now
from app.worktime.deadlines import TimeUnit
from conftest import make_procedure


@pytest.fixture
def desk(world):
    """Ward A offers two procedures: one with a checklist of documents."""
    khai_sinh = make_procedure("1.001193", "Đăng ký khai sinh", value=1)
    khai_sinh.documents = [RequiredDocument(position=1, name="Tờ khai đăng ký khai sinh", originals=1, copies=0),
                           RequiredDocument(position=2, name="Giấy chứng sinh", originals=1, copies=0)]
    chung_thuc = make_procedure("2.000815", "Chứng thực bản sao", field="Chứng thực", value=4,
                                unit=TimeUnit.WORKING_HOURS)
    offerings = {}
    for key, procedure, value, unit in (("khai_sinh", khai_sinh, 1, TimeUnit.WORKING_DAYS),
                                        ("chung_thuc", chung_thuc, 2, TimeUnit.WORKING_HOURS)):
        offering = Offering(unit=world.ward_a, procedure=procedure, active_from=date(2024, 1, 1),
                            online_kind=OnlineKind.PARTIAL)
        offering.set_committed_time(Decimal(value), unit)
        db.session.add(offering)
        offerings[key] = offering
    db.session.commit()
    return offerings


def intake_form(offering, **overrides):
    form = {
        "offering_id": str(offering.id), "applicant_name": "Nguyễn Thị Ánh", "applicant_id_number": "001190012345",
        "applicant_phone": "0912 345 678", "applicant_address": "Số 5 Quang Trung", "applicant_email": "",
        "channel": "direct", "online_kind": "", "sets_count": "1", "received_at": "16/11/2026 10:00",
        "documents-0-received": "y", "documents-0-name": "Tờ khai đăng ký khai sinh", "documents-0-copy_kind": "original",
        "documents-0-count": "1", "documents-1-name": "Giấy chứng sinh", "documents-1-copy_kind": "original",
        "documents-1-count": "1", "extra_documents": "Giấy ủy quyền",
    }
    form.update(overrides)
    return form


def test_a_clerk_registers_a_dossier_and_gets_its_code_and_due_date(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    response = client.post("/dossiers/new", data=intake_form(desk["khai_sinh"]))
    assert response.status_code == 303
    dossier = db.session.scalar(select(Dossier))
    assert dossier.code == f"{world.ward_a.code}-261116-0001"
    assert dossier.due_at == datetime(2026, 11, 17, 10, 0)  # Monday 10:00 + 1 working day
    assert dossier.applicant_phone == "0912345678"
    assert [d.name for d in dossier.documents] == ["Tờ khai đăng ký khai sinh", "Giấy ủy quyền"]  # unticked left out
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert dossier.code in page and "10:00 17/11/2026" in page and "Tiếp nhận hồ sơ" in page


def test_validation_errors_come_back_next_to_their_field_with_the_input_kept(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    response = client.post("/dossiers/new", data=intake_form(desk["khai_sinh"], applicant_id_number="12345",
                                                             applicant_phone="abc"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Số CCCD gồm đúng 12 chữ số." in page
    assert 'id="applicant_id_number-error"' in page
    assert 'value="Nguyễn Thị Ánh"' in page and 'value="12345"' in page
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0


def test_a_receipt_time_in_the_future_is_refused(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    later = (local_now() + timedelta(days=2)).strftime("%d/%m/%Y %H:%M")
    response = client.post("/dossiers/new", data=intake_form(desk["khai_sinh"], received_at=later))
    assert response.status_code == 422
    assert "không được ở tương lai" in response.get_data(as_text=True)


def test_the_due_date_is_shown_before_saving(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    fragment = client.get(f"/dossiers/new/procedure?offering_id={desk['khai_sinh'].id}&received_at=16/11/2026+10:00",
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="intake-procedure"' in fragment and "Giấy chứng sinh" in fragment
    assert "10:00 Thứ Ba, ngày 17/11/2026" in fragment
    due = client.get(f"/dossiers/new/due?offering_id={desk['chung_thuc'].id}&received_at=16/11/2026+11:00",
                     headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "14:00 Thứ Hai, ngày 16/11/2026" in due  # 2 working hours across lunch
    bad = client.get(f"/dossiers/new/due?offering_id={desk['chung_thuc'].id}&received_at=hom+nay").get_data(as_text=True)
    assert "dd/mm/yyyy hh:mm" in bad


def test_without_javascript_choosing_a_procedure_brings_its_checklist_and_due_date(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    page = client.post("/dossiers/new", data={"offering_id": str(desk["khai_sinh"].id), "choose": "1",
                                              "received_at": "16/11/2026 10:00"}).get_data(as_text=True)
    assert "Giấy chứng sinh" in page and "10:00 Thứ Ba, ngày 17/11/2026" in page
    assert "<noscript>" in page


def test_the_procedure_list_narrows_to_what_the_clerk_types_without_diacritics(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    options = client.get("/dossiers/new/offerings?procedure_filter=khai+sinh").get_data(as_text=True)
    assert "Đăng ký khai sinh" in options and "Chứng thực" not in options


def register(client, desk, **overrides):
    response = client.post("/dossiers/new", data=intake_form(desk["khai_sinh"], **overrides))
    assert response.status_code == 303, response.get_data(as_text=True)
    return db.session.scalar(select(Dossier).order_by(Dossier.id.desc()))


def test_a_dossier_moves_to_finished_and_returned_with_a_timeline(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    dossier = register(client, desk)
    for data in ({"action": "hand_over", "to_office": "Công chức tư pháp - hộ tịch"},
                 {"action": "finish", "outcome": "approved", "note": "Đã cấp giấy khai sinh"},
                 {"action": "return_result", "note": ""}):
        db.session.refresh(dossier)
        response = client.post(f"/dossiers/{dossier.id}/act", data=dict(data, version=str(dossier.version)))
        assert response.status_code == 303, response.get_data(as_text=True)
    db.session.refresh(dossier)
    assert dossier.state == "returned" and dossier.resolution is not None
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    for label in ("Tiếp nhận hồ sơ", "Chuyển xử lý", "Công chức tư pháp - hộ tịch", "Có kết quả", "Trả kết quả"):
        assert label in page


def test_an_action_not_allowed_now_is_refused_with_a_message(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    dossier = register(client, desk)
    response = client.post(f"/dossiers/{dossier.id}/act", data={"action": "return_result", "version": "1"})
    assert response.status_code == 422
    assert "Không thể «trả kết quả»" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DossierEvent)) == 1


def test_the_second_of_two_clerks_acting_at_once_sees_what_changed(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    dossier = register(client, desk)
    first = client.post(f"/dossiers/{dossier.id}/act", data={"action": "hand_over", "version": "1"})
    assert first.status_code == 303
    second = client.post(f"/dossiers/{dossier.id}/act",
                         data={"action": "request_supplement", "reason": "Thiếu giấy chứng sinh", "version": "1"})
    page = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "vừa được người khác cập nhật" in page and "Chuyển xử lý" in page
    assert db.session.get(Dossier, dossier.id).state == "in_progress"


def test_a_correction_keeps_the_old_value(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    dossier = register(client, desk)
    form = {"action": "correct", "version": "1", "applicant_name": "Nguyễn Thị Ánh Hồng",
            "applicant_id_number": "001190012345", "applicant_phone": "0912345678",
            "applicant_address": "Số 5 Quang Trung", "applicant_email": "", "note": "Ghi thiếu tên đệm"}
    assert client.post(f"/dossiers/{dossier.id}/act", data=form).status_code == 303
    event = db.session.scalar(select(DossierEvent).where(DossierEvent.action == "correct"))
    assert event.details["changes"]["applicant_name"] == {"old": "Nguyễn Thị Ánh", "new": "Nguyễn Thị Ánh Hồng"}
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Nguyễn Thị Ánh → Nguyễn Thị Ánh Hồng" in page


def test_a_higher_unit_reads_a_dossier_but_cannot_act_on_it(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    dossier = register(client, desk)
    login_as(world.users["officer_district"])
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert dossier.code in page and "Thao tác" not in page
    assert client.post(f"/dossiers/{dossier.id}/act", data={"action": "hand_over", "version": "1"}).status_code == 403


@pytest.mark.parametrize("typed", ["nguyen thi anh", "NGUYỄN", "001190012345", "0912345678", "261116-0001"])
def test_search_finds_a_dossier_by_name_without_diacritics_id_phone_or_code(client, world, login_as, desk, typed):
    login_as(world.user("clerk", "a"))
    dossier = register(client, desk)
    register(client, desk, applicant_name="Trần Văn Bình", applicant_id_number="001190099999",
             applicant_phone="0988000111")
    rows = client.get("/dossiers/", query_string={"q": typed}, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert rows.lstrip().startswith('<div id="dossier-rows">')
    assert dossier.code in rows and "Trần Văn Bình" not in rows


def test_search_filters_by_state_and_date_and_never_shows_another_wards_dossiers(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    dossier = register(client, desk)
    page = client.get("/dossiers/?state=received&from=16/11/2026&to=16/11/2026").get_data(as_text=True)
    assert dossier.code in page
    assert dossier.code not in client.get("/dossiers/?state=finished").get_data(as_text=True)
    assert dossier.code not in client.get("/dossiers/?from=17/11/2026").get_data(as_text=True)
    login_as(world.user("clerk", "b"))
    assert dossier.code not in client.get("/dossiers/?q=nguyen").get_data(as_text=True)
    assert client.get(f"/dossiers/{dossier.id}").status_code == 404


def test_the_home_page_counts_overdue_and_due_today_dossiers(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    now = local_now()
    overdue = register(client, desk, received_at=(now - timedelta(days=10)).strftime("%d/%m/%Y %H:%M"))
    page = client.get("/").get_data(as_text=True)
    assert "Quá hạn" in page and overdue.code in page


def test_a_ten_thousandth_dossier_in_a_day_is_refused_with_a_message_not_an_error(client, world, login_as, desk):
    from app.dossiers.models import DossierCounter

    db.session.add(DossierCounter(unit_id=world.ward_a.id, day=date(2026, 11, 16), last_number=9999))
    db.session.commit()
    login_as(world.user("clerk", "a"))
    response = client.post("/dossiers/new", data=intake_form(desk["khai_sinh"]))
    assert response.status_code == 422
    assert "hết số thứ tự 0001–9999" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Dossier)) == 0


def test_an_officer_narrows_the_search_to_one_unit_below_them(client, world, login_as, desk):
    offering_b = Offering(unit=world.ward_b, procedure=desk["khai_sinh"].procedure, active_from=date(2024, 1, 1),
                          online_kind=OnlineKind.PARTIAL)
    offering_b.set_committed_time(Decimal(1), TimeUnit.WORKING_DAYS)
    db.session.add(offering_b)
    db.session.commit()
    login_as(world.user("clerk", "a"))
    in_a = register(client, desk)
    login_as(world.user("clerk", "b"))
    client.post("/dossiers/new", data=intake_form(offering_b))
    in_b = db.session.scalar(select(Dossier).order_by(Dossier.id.desc()))
    login_as(world.users["officer_city"])

    page = client.get("/dossiers/").get_data(as_text=True)
    assert 'id="unit_id"' in page and world.ward_a.name in page and world.district.name in page
    assert in_a.code in page and in_b.code in page
    for unit, shown, hidden in ((world.ward_b, in_b, in_a), (world.district, in_a, in_b)):
        rows = client.get("/dossiers/", query_string={"unit_id": unit.id},
                          headers={"HX-Request": "true"}).get_data(as_text=True)
        assert shown.code in rows and hidden.code not in rows
        assert "<th>Đơn vị</th>" in rows and f"<td>{shown.unit.name}</td>" in rows
    # With a ward chosen, the code read off a receipt without its agency part finds the dossier.
    tail = in_b.code.split("-", 1)[1]
    rows = client.get("/dossiers/", query_string={"unit_id": world.ward_b.id, "q": tail}).get_data(as_text=True)
    assert in_b.code in rows

    # A district officer is offered only the units below them; another unit's id changes nothing.
    login_as(world.users["officer_district"])
    page = client.get("/dossiers/", query_string={"unit_id": world.ward_b.id}).get_data(as_text=True)
    assert world.ward_a.name in page and world.ward_b.name not in page
    assert in_a.code in page and in_b.code not in page


def test_a_ward_clerk_has_no_unit_filter(client, world, login_as, desk):
    login_as(world.user("clerk", "a"))
    page = client.get("/dossiers/").get_data(as_text=True)
    assert 'id="unit_id"' not in page and "<th>Đơn vị</th>" not in page
