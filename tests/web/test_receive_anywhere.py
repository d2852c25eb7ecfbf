"""A dossier received at ward A's desk for ward B (Decree 118/2025, receiving regardless of administrative
boundary): who sees it, who acts on what, the hand-over steps, the code and the control slip."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.auth.models import Role
from app.catalog.models import Offering, OnlineKind
from app.dossiers.handover import HandoverStep
from app.dossiers.lifecycle import Action, DossierState
from app.dossiers.models import Dossier, DossierEvent
from app.dossiers.operations import (ActionInput, Applicant, Intake, acting_unit_id, apply_action, record_handover_step,
                                     register_dossier)
from app.extensions import db
from app.units.models import UnitKind
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.vietnam import build_calendar
from conftest import make_procedure, make_unit, make_user

CALENDAR = build_calendar(OfficeHours())
RECEIVED = datetime(2026, 11, 23, 9, 0)  # Monday


@pytest.fixture
def cross(world):
    """Ward C (a third ward), "Đăng ký khai sinh" offered by B in 3 working days, and a dossier of B's
    received at A's desk, the result to be collected at A."""
    ward_c = make_unit("000.00.03.H99", "Phường Cầu Giấy Thử", UnitKind.WARD, world.city)
    world.users["clerk_c"] = make_user("clerk.c", Role.CLERK, ward_c)
    procedure = make_procedure("1.001193", "Đăng ký khai sinh", value=5)
    offering = Offering(unit=world.ward_b, procedure=procedure, active_from=date(2025, 1, 1), online_kind=OnlineKind.NONE)
    offering.set_committed_time(Decimal(3), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    world.city.handover_days = 1
    db.session.flush()
    intake = Intake(offering=offering, applicant=Applicant("Lê Thị Hồng Nhung", "001099054321"), channel="direct",
                    online_kind=None, received_at=RECEIVED, receiving_unit=world.ward_a, result_at_receiving=True)
    dossier = register_dossier(intake, CALENDAR, world.user("clerk", "a"), "pause", RECEIVED,
                               receiving_calendar=CALENDAR)
    db.session.commit()
    return dossier


def _post(client, dossier, action, **data):
    db.session.refresh(dossier)
    return client.post(f"/dossiers/{dossier.id}/act", data={"action": action, "version": str(dossier.version), **data})


def test_the_dossier_belongs_to_the_resolving_unit_and_is_numbered_by_the_receiving_desk(world, cross):
    assert cross.unit_id == world.ward_b.id
    assert cross.receiving_unit_id == world.ward_a.id
    # Circular 01/2018/TT-VPCP art. 19: the code names the agency that received it.
    assert cross.code == f"{world.ward_a.code}-261123-0001"
    assert cross.handover_days == 1
    assert cross.handover_due_at == datetime(2026, 11, 24, 9, 0)  # one working day to hand it over
    assert cross.due_at == datetime(2026, 11, 27, 9, 0)  # then B's 3 working days
    assert cross.result_back_due_at == datetime(2026, 11, 30, 9, 0)  # and one to bring the result back
    assert cross.appointment_at == cross.result_back_due_at


def test_the_hand_over_time_comes_from_the_nearest_unit_above_that_sets_it(world):
    world.city.handover_days = 2
    world.district.handover_days = 0
    procedure = make_procedure("1.000001", value=5)
    offering = Offering(unit=world.ward_b, procedure=procedure, active_from=date(2025, 1, 1))
    offering.set_committed_time(Decimal(1), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    db.session.flush()
    # A lies under the district (0: electronic hand-over); C straight under the city (2 days).
    from_a = register_dossier(Intake(offering=offering, applicant=Applicant("A"), channel="direct", online_kind=None,
                                     received_at=RECEIVED, receiving_unit=world.ward_a), CALENDAR, None, "pause",
                              RECEIVED, receiving_calendar=CALENDAR)
    assert (from_a.handover_days, from_a.handover_due_at) == (0, RECEIVED)
    ward_c = make_unit("000.00.03.H99", "Phường C", UnitKind.WARD, world.city)
    from_c = register_dossier(Intake(offering=offering, applicant=Applicant("C"), channel="direct", online_kind=None,
                                     received_at=RECEIVED, receiving_unit=ward_c), CALENDAR, None, "pause",
                              RECEIVED, receiving_calendar=CALENDAR)
    assert (from_c.handover_days, from_c.handover_due_at) == (2, datetime(2026, 11, 25, 9, 0))
    # Received at B's own desk: an ordinary dossier.
    own = register_dossier(Intake(offering=offering, applicant=Applicant("B"), channel="direct", online_kind=None,
                                  received_at=RECEIVED, receiving_unit=world.ward_b), CALENDAR, None, "pause", RECEIVED)
    assert own.receiving_unit_id is None and own.handover_due_at is None


@pytest.mark.parametrize("who, status", [("clerk_a", 200), ("clerk_b", 200), ("clerk_c", 404),
                                         ("officer_city", 200), ("officer_district", 200)])
def test_the_receiving_and_resolving_units_and_the_city_see_it_a_third_ward_does_not(client, world, cross, login_as,
                                                                                      who, status):
    # (The district is above A, the receiving desk: it sees what A received, as the city sees both.)
    login_as(world.users[who])
    for url in (f"/dossiers/{cross.id}", f"/dossiers/{cross.id}/receipt.pdf", f"/dossiers/{cross.id}/control.pdf"):
        assert client.get(url).status_code == status, url


def test_each_side_acts_only_on_its_part(client, world, cross, login_as):
    login_as(world.user("clerk", "a"))
    page = client.get(f"/dossiers/{cross.id}").get_data(as_text=True)
    assert "Chuyển hồ sơ đến đơn vị giải quyết" in page
    assert "Nơi tiếp nhận" in page and world.ward_b.name in page
    assert 'value="finish"' not in page and 'value="hand_over"' not in page
    # The receiving desk cannot resolve, hand to B's offices or ask for supplements.
    for action in ("finish", "hand_over", "request_supplement", "stop"):
        assert _post(client, cross, action, outcome="approved", note="x", reason="x").status_code == 403
    assert _post(client, cross, "handover_receive").status_code == 403  # B's step
    assert _post(client, cross, "handover_send", note="Chuyển phát bưu điện").status_code == 303
    login_as(world.user("clerk", "b"))
    page = client.get(f"/dossiers/{cross.id}").get_data(as_text=True)
    assert 'value="handover_receive"' in page and 'value="finish"' in page
    assert _post(client, cross, "handover_send").status_code == 403  # A's step
    assert _post(client, cross, "handover_receive").status_code == 303
    login_as(world.users["clerk_c"])
    assert _post(client, cross, "handover_send").status_code == 404
    db.session.refresh(cross)
    assert cross.handover_sent_at is not None and cross.handed_over_at is not None
    assert cross.state == DossierState.RECEIVED


def test_received_in_one_ward_resolved_in_another_and_returned_in_the_first(client, world, cross, login_as):
    clerk_a, clerk_b = world.user("clerk", "a"), world.user("clerk", "b")
    record_handover_step(cross, HandoverStep.SENT, clerk_a, datetime(2026, 11, 23, 15, 0), "", cross.version, CALENDAR)
    # Received by B a day and a half later: after the leg's end (24/11 09:00), late.
    record_handover_step(cross, HandoverStep.RECEIVED, clerk_b, datetime(2026, 11, 25, 8, 30), "", cross.version,
                         CALENDAR)
    apply_action(cross, Action.HAND_OVER, ActionInput(to_office="Công chức Tư pháp - Hộ tịch"), clerk_b, CALENDAR,
                 datetime(2026, 11, 25, 9, 0), cross.version)
    apply_action(cross, Action.FINISH, ActionInput(outcome="approved"), clerk_b, CALENDAR,
                 datetime(2026, 11, 26, 10, 0), cross.version)
    db.session.commit()
    assert cross.resolution == "early"  # counted at B against B's due date
    login_as(clerk_b)
    # The citizen collects it at A: B cannot return it, only send it back.
    assert _post(client, cross, "return_result").status_code == 403
    assert _post(client, cross, "result_send").status_code == 303
    login_as(clerk_a)
    refused = _post(client, cross, "return_result")
    assert refused.status_code == 422  # A returns it ... once the result is back
    assert "chưa được chuyển về nơi tiếp nhận" in refused.get_data(as_text=True)
    db.session.refresh(cross)
    assert cross.state == DossierState.FINISHED  # not yet: the result had not come back
    assert _post(client, cross, "result_receive").status_code == 303
    assert _post(client, cross, "return_result", note="").status_code == 303
    db.session.refresh(cross)
    assert cross.state == DossierState.RETURNED
    events = db.session.query(DossierEvent).filter_by(dossier_id=cross.id).order_by(DossierEvent.id).all()
    steps = [e for e in events if e.details.get("step_due_at")]
    assert [e.action for e in steps] == ["handover_send", "handover_receive", "result_send", "result_receive"]
    # The way back was recorded through the pages, today: after its due times (27/11 and 30/11 2026).
    assert [e.details["late"] for e in steps] == [False, True, True, True]
    page = client.get(f"/dossiers/{cross.id}").get_data(as_text=True)
    assert "Chậm chuyển" in page
    assert client.get(f"/dossiers/{cross.id}/control.pdf").status_code == 200


def test_the_control_slip_judges_each_hand_over_against_its_own_due_time(world, cross):
    from app.reports.views import _step_events
    from app.reports.control import control_rows
    clerk_a, clerk_b = world.user("clerk", "a"), world.user("clerk", "b")
    record_handover_step(cross, HandoverStep.SENT, clerk_a, datetime(2026, 11, 23, 15, 0), "", cross.version, CALENDAR)
    record_handover_step(cross, HandoverStep.RECEIVED, clerk_b, datetime(2026, 11, 25, 8, 30), "", cross.version,
                         CALENDAR)
    db.session.commit()
    rows = control_rows(_step_events(cross), cross.due_at, False, cross.applicant_name)
    handover_rows = [row for row in rows if row.action.startswith("handover")]
    assert [(row.due_at, row.result) for row in handover_rows] == [
        (datetime(2026, 11, 24, 9, 0), "early"), (datetime(2026, 11, 24, 9, 0), "late")]
    assert handover_rows[0].from_office.endswith(world.ward_a.name)
    assert handover_rows[0].to_office == world.ward_b.name


def test_the_receiving_desk_finds_it_in_search_a_third_ward_does_not(client, world, cross, login_as):
    login_as(world.user("clerk", "a"))
    assert cross.code in client.get("/dossiers/?q=hong+nhung").get_data(as_text=True)
    login_as(world.users["clerk_c"])
    assert cross.code not in client.get("/dossiers/?q=hong+nhung").get_data(as_text=True)


def test_who_acts_on_what(world, cross):
    assert acting_unit_id(cross, Action.FINISH) == world.ward_b.id
    assert acting_unit_id(cross, Action.RETURN_RESULT) == world.ward_a.id
    assert acting_unit_id(cross, "handover_send") == world.ward_a.id
    assert acting_unit_id(cross, "result_send") == world.ward_b.id
    cross.result_at_receiving = False
    assert acting_unit_id(cross, Action.RETURN_RESULT) == world.ward_b.id


def _province_lists(world, cross):
    """The city publishes "Đăng ký khai sinh" in the province's list of procedures received anywhere."""
    listed = Offering(unit=world.city, procedure=cross.procedure, active_from=date(2025, 7, 1), accepts_for_others=True)
    listed.set_committed_time(Decimal(3), TimeUnit.WORKING_DAYS)
    db.session.add(listed)
    db.session.commit()


def _offering_of_b(cross) -> Offering:
    return db.session.query(Offering).filter_by(unit_id=cross.unit_id, procedure_id=cross.procedure_id).one()


def test_the_clerk_finds_the_ward_by_typing_its_name_without_diacritics(client, world, cross, login_as):
    login_as(world.user("clerk", "a"))
    options = client.get("/dossiers/new/units?unit_filter=binh minh").get_data(as_text=True)
    assert f'value="{world.ward_b.id}"' in options and world.ward_b.name in options
    assert world.ward_a.name not in options.split("</option>", 1)[1]  # its own desk is the first choice only
    assert "Cầu Giấy" not in options


def test_only_the_procedures_the_province_lists_are_received_for_another_ward(client, world, cross, login_as):
    login_as(world.user("clerk", "a"))
    offering = _offering_of_b(cross)
    assert "Đăng ký khai sinh" not in client.get(
        f"/dossiers/new/offerings?resolving_unit_id={world.ward_b.id}").get_data(as_text=True)
    assert client.get(f"/dossiers/new/procedure?offering_id={offering.id}").status_code == 404
    _province_lists(world, cross)
    assert "Đăng ký khai sinh" in client.get(
        f"/dossiers/new/offerings?resolving_unit_id={world.ward_b.id}").get_data(as_text=True)
    preview = client.get(f"/dossiers/new/due?offering_id={offering.id}&received_at=23/11/2026+09:00"
                         "&result_at_receiving=here").get_data(as_text=True)
    assert "30/11/2026" in preview  # 1 day there, B's 3 working days, 1 day back
    preview = client.get(f"/dossiers/new/due?offering_id={offering.id}&received_at=23/11/2026+09:00"
                         "&result_at_receiving=there").get_data(as_text=True)
    assert "27/11/2026" in preview
    # A third ward's clerk cannot pick B's offering unless their desk accepts it too (it does: the city's list).
    login_as(world.users["clerk_c"])
    assert client.get(f"/dossiers/new/procedure?offering_id={offering.id}").status_code == 200


def test_a_dossier_received_for_another_ward_through_the_intake_form(client, world, cross, login_as, tmp_path):
    from test_desk_pages import intake_form
    from test_papers_pdf import flat, pdf_text
    _province_lists(world, cross)
    login_as(world.user("clerk", "a"))
    offering = _offering_of_b(cross)
    response = client.post("/dossiers/new", data=intake_form(
        offering, resolving_unit_id=str(world.ward_b.id), result_at_receiving="here", received_at="24/11/2026 10:00"))
    assert response.status_code == 303, response.get_data(as_text=True)
    dossier = db.session.query(Dossier).filter(Dossier.id != cross.id).one()
    assert (dossier.unit_id, dossier.receiving_unit_id) == (world.ward_b.id, world.ward_a.id)
    assert dossier.code == f"{world.ward_a.code}-261124-0001"  # A's numbering (A's second dossier that day: none)
    assert dossier.created_by_id == world.user("clerk", "a").id
    assert dossier.appointment_at == datetime(2026, 12, 1, 10, 0)
    # The receipt names both the receiving centre and the resolving unit.
    receipt = client.get(f"/dossiers/{dossier.id}/receipt.pdf")
    assert receipt.status_code == 200
    text = flat(pdf_text(receipt.data, tmp_path))
    assert "Cơ quan giải quyết:" in text and "Bình Minh" in text.split("Cơ quan giải quyết:")[1][:60]
    assert text.startswith("ỦY BAN NHÂN DÂN PHƯỜNG ÁNH DƯƠNG TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG")  # A's centre issues it
    assert "Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công" in text
    assert "10:00 (10 giờ 00 phút), ngày 01/12/2026" in text


def test_an_unlisted_offering_of_another_ward_is_refused_at_intake(client, world, cross, login_as):
    from test_desk_pages import intake_form
    login_as(world.user("clerk", "a"))
    response = client.post("/dossiers/new", data=intake_form(_offering_of_b(cross), resolving_unit_id=str(world.ward_b.id)))
    assert response.status_code == 404
    assert db.session.query(Dossier).count() == 1


def test_report_06_counts_it_at_the_resolving_unit_and_the_desk_has_its_own_figures(client, world, cross, login_as):
    from app.stats.figures import report_06
    from app.stats.handover_figures import handover_figures, late_handovers
    period = (date(2026, 11, 1), date(2026, 11, 30))
    assert report_06(world.ward_b, *period).total.new == 1
    assert report_06(world.ward_a, *period).total.new == 0
    record_handover_step(cross, HandoverStep.SENT, world.user("clerk", "a"), datetime(2026, 11, 23, 15, 0), "",
                         cross.version, CALENDAR)
    db.session.commit()
    at_a, at_b = handover_figures(world.ward_a, *period), handover_figures(world.ward_b, *period)
    assert (at_a.received_for_others, at_a.sent, at_a.sent_on_time, at_a.received_from_others) == (1, 1, 1, 0)
    assert (at_b.received_for_others, at_b.received_from_others, at_b.taken_on_time) == (0, 1, 0)
    # The city holds both desks: nothing crosses its boundary.
    assert not handover_figures(world.city, *period).any
    # Not acknowledged by B by the leg's end (24/11 09:00): late, for A, B, the city; not for C.
    now = datetime(2026, 11, 25, 9, 0)
    for unit in (world.ward_a, world.ward_b, world.city):
        assert late_handovers(unit, now)[1] == 1
    ward_c = db.session.query(type(world.ward_a)).filter_by(code="000.00.03.H99").one()
    assert late_handovers(ward_c, now)[1] == 0
    assert late_handovers(world.ward_a, datetime(2026, 11, 24, 8, 0))[1] == 0
    login_as(world.user("clerk", "b"))
    page = client.get(f"/units/{world.ward_b.id}/figures?period=month&year=2026&number=11").get_data(as_text=True)
    assert "Hồ sơ tiếp nhận cho đơn vị khác" in page and cross.code in page
