"""The fee of a dossier: owed from the catalog at intake, paid at the desk, by transfer or online, recorded with
an event, bounded, refused to other wards, printed on the receipt."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.catalog.models import ChannelKind, Offering, OnlineKind, ProcedureChannel
from app.dossiers.models import PAYMENT_ACTION, Dossier, DossierEvent, PaymentMethod
from app.dossiers.operations import Applicant, Intake, register_dossier
from app.extensions import db
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.vietnam import build_calendar
from conftest import make_procedure
from test_receipt_pdf import needs_pdftotext, normalised, pdf_text


def _fee_dossier(world, channel=ChannelKind.DIRECT, online_kind=None) -> Dossier:
    procedure = make_procedure("1.004222", "Cấp bản sao trích lục hộ tịch", value=1)
    procedure.fee_amount = Decimal(8000)
    procedure.channels = [ProcedureChannel(channel="online", fee_amount=Decimal(4000), fee_text="4,000 VNĐ")]
    offering = Offering(unit=world.ward_a, procedure=procedure, active_from=date(2025, 1, 1),
                        online_kind=OnlineKind.END_TO_END)
    offering.set_committed_time(Decimal(1), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    db.session.flush()
    intake = Intake(offering=offering, applicant=Applicant("Lê Thị Hoa", "001099012345"), channel=channel,
                    online_kind=online_kind, received_at=datetime(2026, 11, 23, 9, 0))
    dossier = register_dossier(intake, build_calendar(OfficeHours()), None, "pause", datetime(2026, 11, 23, 9, 0))
    db.session.commit()
    return dossier


def _pay(client, dossier, **fields):
    data = {"version": str(dossier.version), "fee_due": "", "fee_paid": "8.000", "payment_method": "cash",
            "paid_at": "23/11/2026 09:15", "receipt_number": "BL-0001234"}
    data.update(fields)
    return client.post(f"/dossiers/{dossier.id}/payment", data=data)


def test_the_fee_owed_comes_from_the_catalog_for_the_channel_used(world):
    at_desk = _fee_dossier(world)
    assert at_desk.fee_due == 8000 and at_desk.online_kind is None  # a desk dossier is not online
    procedure = at_desk.procedure
    offering = db.session.scalar(select(Offering).where(Offering.procedure_id == procedure.id))
    online = register_dossier(
        Intake(offering=offering, applicant=Applicant("Trần An"), channel=ChannelKind.ONLINE,
               online_kind=OnlineKind.END_TO_END, received_at=datetime(2026, 11, 23, 10, 0)),
        build_calendar(OfficeHours()), None, "pause", datetime(2026, 11, 23, 10, 0))
    db.session.commit()
    assert online.fee_due == 4000 and online.online_kind == OnlineKind.END_TO_END


def test_a_clerk_records_a_payment_with_its_receipt_number_and_an_event(client, world, login_as):
    dossier = _fee_dossier(world)
    login_as(world.user("clerk"))
    response = _pay(client, dossier)
    assert response.status_code == 303
    db.session.expire_all()
    dossier = db.session.get(Dossier, dossier.id)
    assert (dossier.fee_paid, dossier.payment_method, dossier.paid_at, dossier.receipt_number) == (
        8000, PaymentMethod.CASH, datetime(2026, 11, 23, 9, 15), "BL-0001234")
    event = db.session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
                               .order_by(DossierEvent.id.desc())).first()
    assert event.action == PAYMENT_ACTION and event.details["payment"]["fee_paid"] == {"old": None, "new": 8000}
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "8.000 đồng" in page and "Tiền mặt tại quầy" in page and "BL-0001234" in page
    assert "Ghi nhận phí, lệ phí" in page  # the timeline names the event


@pytest.mark.parametrize("fields, message", [
    ({"fee_paid": "9.000"}, "lớn hơn số phải nộp"),
    ({"fee_paid": "abc"}, "chữ số"),
    ({"fee_paid": "99999999999999"}, "chữ số"),
    ({"fee_paid": "2.000.000.000"}, "1.000.000.000"),
    ({"payment_method": ""}, "Chọn hình thức nộp"),
    ({"payment_method": "bitcoin"}, "không hợp lệ"),
    ({"paid_at": ""}, "thời điểm nộp"),
    ({"paid_at": "01/01/2099 09:00"}, "tương lai"),
    ({"paid_at": "01/01/9999 09:00"}, "Ngày"),
    ({"paid_at": "01/09/2026 09:00"}, "trước ngày tiếp nhận"),
    ({"receipt_number": "x" * 41}, "40"),
    ({"receipt_number": "<script>"}, "ký tự không hợp lệ"),
])
def test_an_impossible_payment_is_refused_in_vietnamese_and_nothing_is_written(client, world, login_as, fields, message):
    dossier = _fee_dossier(world)
    version = dossier.version
    login_as(world.user("clerk"))
    response = _pay(client, dossier, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    dossier = db.session.get(Dossier, dossier.id)
    assert dossier.paid_at is None and dossier.version == version


def test_an_online_payment_and_a_correction_of_the_amount_owed(client, world, login_as):
    dossier = _fee_dossier(world)
    login_as(world.user("chair"))
    assert _pay(client, dossier, fee_due="10.000", fee_paid="10.000", payment_method="online",
                receipt_number="").status_code == 303
    db.session.expire_all()
    dossier = db.session.get(Dossier, dossier.id)
    assert dossier.fee_due == 10000 and dossier.payment_method == PaymentMethod.ONLINE
    # The same values again change nothing and say so; an old version is a conflict.
    assert "Không có thông tin phí" in _pay(client, dossier, fee_due="10.000", fee_paid="10.000",
                                            payment_method="online", receipt_number="").get_data(as_text=True)
    assert _pay(client, dossier, version="1").status_code == 409


def test_another_ward_and_a_higher_unit_cannot_record_a_payment(client, world, login_as):
    dossier = _fee_dossier(world)
    login_as(world.user("clerk", "b"))
    assert _pay(client, dossier).status_code == 404
    login_as(world.users["officer_city"])
    assert _pay(client, dossier).status_code == 403


@needs_pdftotext
def test_the_receipt_paper_shows_the_fee(client, world, login_as, tmp_path):
    dossier = _fee_dossier(world)
    login_as(world.user("clerk"))
    _pay(client, dossier)
    response = client.get(f"/dossiers/{dossier.id}/receipt.pdf")
    text = normalised(pdf_text(response.data, tmp_path))
    assert "Phí, lệ phí: 8.000 đồng; đã nộp 8.000 đồng (tiền mặt tại quầy, biên lai số BL-0001234)" in text
