"""The feedback register: received with its due date, assigned, answered on time or late, rated; bounded input;
scoped to the unit's subtree; only the unit's own desk writes."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.dossiers.ontime import Resolution
from app.extensions import db
from app.feedback.models import Feedback
from app.feedback.operations import FeedbackInput, answer_feedback, receive_feedback
from app.worktime.clock import calendar_for, local_now
from test_register_io import database_contents
from test_payment import _fee_dossier


def _new(client, **fields):
    data = {"received_at": local_now().strftime("%d/%m/%Y %H:%M"), "channel": "desk", "kind": "phan_anh",
            "citizen_name": "Phạm Văn Bình", "citizen_contact": "0912345678",
            "content": "Cán bộ hẹn trả kết quả nhưng đến ngày hẹn chưa có.", "dossier_code": "", "procedure_code": ""}
    data.update(fields)
    return client.post("/feedback/new", data=data)


def make_feedback(unit, received_at: datetime, answered_at: datetime | None = None, satisfaction=None) -> Feedback:
    item = receive_feedback(unit, FeedbackInput(received_at, "phone", "phan_anh", "Lê Văn C", "", "Nội dung"),
                            calendar_for(unit), 10, None, received_at + timedelta(minutes=1))
    db.session.flush()
    if answered_at is not None:
        answer_feedback(item, "Đã trả lời", answered_at, None, answered_at)
        if satisfaction:
            item.satisfaction, item.rated_at = satisfaction, answered_at
    db.session.commit()
    return item


def test_a_clerk_receives_feedback_about_a_dossier_and_its_answer_is_due_in_ten_working_days(client, world, login_as):
    dossier = _fee_dossier(world)
    login_as(world.user("clerk"))
    response = _new(client, dossier_code=dossier.code, received_at="02/11/2026 10:00")
    assert response.status_code == 303
    item = db.session.scalar(select(Feedback))
    assert (item.dossier_id, item.procedure_id, item.due_at) == (dossier.id, dossier.procedure_id,
                                                                 datetime(2026, 11, 16, 10, 0))
    page = client.get(f"/feedback/{item.id}").get_data(as_text=True)
    assert "Phản ánh số" in page and dossier.code in page and "10:00 16/11/2026" in page


def test_assigned_answered_late_and_rated(client, world, login_as):
    login_as(world.user("chair"))
    _new(client, received_at="02/11/2026 10:00")
    item = db.session.scalar(select(Feedback))
    assert client.post(f"/feedback/{item.id}/rate", data={"satisfaction": "satisfied"}).status_code == 422
    assert client.post(f"/feedback/{item.id}/assign", data={"assigned_to": "Công chức Tư pháp - Hộ tịch"}
                       ).status_code == 303
    assert client.post(f"/feedback/{item.id}/answer", data={"answered_at": "17/11/2026 09:00",
                                                            "answer": "Đã trả kết quả ngày 17/11."}).status_code == 303
    assert client.post(f"/feedback/{item.id}/rate", data={"satisfaction": "unsatisfied"}).status_code == 303
    db.session.expire_all()
    item = db.session.get(Feedback, item.id)
    assert (item.assigned_to, item.resolution, item.satisfaction) == (
        "Công chức Tư pháp - Hộ tịch", Resolution.LATE, "unsatisfied")
    # Answered once: a second answer is refused.
    again = client.post(f"/feedback/{item.id}/answer", data={"answered_at": "18/11/2026 09:00", "answer": "Lần hai"})
    assert again.status_code == 422 and "đã được trả lời" in again.get_data(as_text=True)
    listed = client.get("/feedback/?state=late").get_data(as_text=True)
    assert "Quá hạn" in listed and "Phạm Văn Bình" in listed


@pytest.mark.parametrize("fields, message", [
    ({"citizen_name": ""}, "Nhập họ tên"),
    ({"content": ""}, "Nhập nội dung"),
    ({"content": "x" * 4001}, "4000"),
    ({"channel": "fax"}, "không hợp lệ"),
    ({"received_at": "31/12/9999 10:00"}, "2100"),
    ({"received_at": "01/01/2099 10:00"}, "tương lai"),
    ({"received_at": "01/01/2020 10:00"}, "quá một năm"),
    ({"dossier_code": "000.00.00.H99-260101-9999"}, "không có hồ sơ"),
    ({"dossier_code": "<script>"}, "không hợp lệ"),
    ({"procedure_code": "9.999999"}, "không có thủ tục"),
])
def test_wrong_feedback_is_refused_beside_its_field_and_nothing_is_written(client, world, login_as, fields, message):
    login_as(world.user("clerk"))
    before = database_contents()
    response = _new(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert database_contents() == before


def test_a_dossier_of_another_ward_cannot_be_named(client, world, login_as):
    dossier = _fee_dossier(world)  # ward A's
    login_as(world.user("clerk", "b"))
    assert "không có hồ sơ" in _new(client, dossier_code=dossier.code).get_data(as_text=True)


def test_each_unit_sees_its_own_subtree_and_a_higher_unit_only_reads(client, world, login_as):
    mine = make_feedback(world.ward_a, datetime(2026, 11, 2, 9, 0))
    theirs = make_feedback(world.ward_b, datetime(2026, 11, 3, 9, 0))
    login_as(world.user("clerk", "b"))
    assert client.get(f"/feedback/{mine.id}").status_code == 404
    assert client.post(f"/feedback/{mine.id}/assign", data={"assigned_to": "X"}).status_code == 404
    listed = client.get("/feedback/").get_data(as_text=True)
    assert f"/feedback/{theirs.id}\"" in listed and f"/feedback/{mine.id}\"" not in listed
    login_as(world.users["officer_district"])
    assert client.get(f"/feedback/{mine.id}").status_code == 200
    assert client.get(f"/feedback/{theirs.id}").status_code == 404
    assert client.post(f"/feedback/{mine.id}/assign", data={"assigned_to": "X"}).status_code == 403
    login_as(world.users["officer_city"])
    both = client.get("/feedback/").get_data(as_text=True)
    assert f"/feedback/{mine.id}\"" in both and f"/feedback/{theirs.id}\"" in both
    only_b = client.get(f"/feedback/?unit_id={world.ward_b.id}").get_data(as_text=True)
    assert f"/feedback/{mine.id}\"" not in only_b


def test_the_overdue_filter_lists_unanswered_feedback_past_its_due_date(client, world, login_as):
    now = local_now()
    old = make_feedback(world.ward_a, now - timedelta(days=40))
    fresh = make_feedback(world.ward_a, now - timedelta(minutes=30))
    login_as(world.user("clerk"))
    page = client.get("/feedback/?state=overdue").get_data(as_text=True)
    assert f"/feedback/{old.id}\"" in page and f"/feedback/{fresh.id}\"" not in page
