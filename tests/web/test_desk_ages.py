"""Ready to return: how long each result has waited, flagged past the unit's own setting."""
from datetime import timedelta

from app.dossiers.lifecycle import Action
from app.dossiers.operations import ActionInput, Applicant, Intake, apply_action, register_dossier
from app.extensions import db
from app.worktime.clock import calendar_for, local_now
from conftest import birth_registration_in_each_ward


def _finished(offering, name, days_ago):
    at = (local_now() - timedelta(days=days_ago)).replace(second=0, microsecond=0)
    intake = Intake(offering=offering, applicant=Applicant(name), channel="direct", online_kind=None,
                    received_at=at - timedelta(hours=2))
    dossier = register_dossier(intake, calendar_for(offering.unit), None, "pause", at - timedelta(hours=2))
    db.session.flush()
    apply_action(dossier, Action.FINISH, ActionInput(outcome="approved"), None, calendar_for(offering.unit), at,
                 expected_version=dossier.version)
    db.session.commit()
    return dossier


def test_a_result_waiting_longer_than_the_units_setting_is_flagged(client, world, login_as):
    offering = birth_registration_in_each_ward(world)[world.ward_a.id]
    world.ward_a.return_wait_days = 10
    _finished(offering, "Trịnh Văn Chờ Lâu", 15)
    _finished(offering, "Lý Thị Mới Xong", 3)
    login_as(world.user("clerk"))
    home = client.get("/").get_data(as_text=True)
    long_row = home.split("Trịnh Văn Chờ Lâu")[1].split("</tr>")[0]
    fresh_row = home.split("Lý Thị Mới Xong")[1].split("</tr>")[0]
    assert "15 ngày ⚠" in long_row and "Chờ quá 10 ngày" in long_row
    assert "3 ngày" in fresh_row and "⚠" not in fresh_row
    listing = client.get("/dossiers/?list=ready_to_return").get_data(as_text=True)
    assert "chờ trả 15 ngày (quá 10 ngày)" in listing and "chờ trả 3 ngày</div>" in listing


def test_the_administrator_sets_the_units_address_phone_and_waiting_limit(client, world, login_as):
    login_as(world.user("admin"))
    ward = world.ward_a
    response = client.post(f"/units/{ward.id}/edit", data={
        "code": ward.code, "name": ward.name, "kind": ward.kind, "parent_id": str(ward.parent_id),
        "official_name": "", "centre_name": "", "address": "Số 1 phố Thử, phường Ánh Dương",
        "phone": "024 3825 1234", "return_wait_days": "7"})
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.refresh(ward)
    assert (ward.address, ward.phone, ward.return_wait_days) == ("Số 1 phố Thử, phường Ánh Dương", "024 3825 1234", 7)
    response = client.post(f"/units/{ward.id}/edit", data={
        "code": ward.code, "name": ward.name, "kind": ward.kind, "parent_id": str(ward.parent_id),
        "return_wait_days": "0", "phone": "gọi tôi"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Từ 1 đến 365 ngày." in page and "Chỉ gồm chữ số" in page
