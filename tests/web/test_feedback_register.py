"""`flask feedback import/export`: the feedback register as a CSV, recounted; every problem by line and column,
nothing half-written; the export imports back unchanged."""
from sqlalchemy import func, select

from app.dossiers.ontime import Resolution
from app.extensions import db
from app.feedback.models import Feedback
from app.feedback.register import COLUMNS
from test_register_io import database_contents


def _write(tmp_path, rows, name="pakn.csv"):
    lines = [",".join(COLUMNS)] + [",".join(row.get(column, "") for column in COLUMNS) for row in rows]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _row(world, **cells):
    row = {"unit_code": world.ward_a.code, "received_at": "2026-11-02T10:00", "channel": "phone", "kind": "phan_anh",
           "citizen_name": "Vũ Thị Hạnh", "content": "Chưa nhận được kết quả đúng hẹn", "assigned_to": "Tư pháp",
           "answered_at": "2026-11-20T09:00", "answer": "Đã trả kết quả", "satisfaction": "satisfied"}
    row.update(cells)
    return row


def test_a_register_imports_with_due_times_and_exports_back_unchanged(app, world, tmp_path):
    path = _write(tmp_path, [_row(world), _row(world, received_at="2026-11-03T10:00", answered_at="", answer="",
                                               satisfaction="", kind="kien_nghi", channel="letter")])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["feedback", "import", path])
    assert result.exit_code == 0, result.output
    assert "thêm 2" in result.output
    items = db.session.scalars(select(Feedback).order_by(Feedback.received_at)).all()
    assert [(i.due_at.isoformat(), i.resolution, i.satisfaction) for i in items] == [
        ("2026-11-16T10:00:00", Resolution.LATE, "satisfied"), ("2026-11-17T10:00:00", None, None)]
    exported = tmp_path / "out.csv"
    assert runner.invoke(args=["feedback", "export", str(exported)]).exit_code == 0
    text = exported.read_text(encoding="utf-8-sig")
    assert "2026-11-16T10:00,late" in text
    before = database_contents()
    again = runner.invoke(args=["feedback", "import", str(exported)])
    assert again.exit_code == 0 and "đã có 2" in again.output
    assert database_contents() == before


def test_every_problem_is_named_and_nothing_is_written(app, world, tmp_path):
    path = _write(tmp_path, [_row(world), _row(world, unit_code="000.00.00.X"),
                             _row(world, received_at="2026-02-30T10:00"), _row(world, channel="fax"),
                             _row(world, satisfaction="so-so"), _row(world, answered_at="", satisfaction=""),
                             _row(world, content="")])
    result = app.test_cli_runner().invoke(args=["feedback", "import", path])
    assert result.exit_code != 0
    for line, column in ((3, "unit_code"), (4, "received_at"), (5, "channel"), (6, "satisfaction"),
                         (7, "answered_at"), (8, "content")):
        assert f"dòng {line}, cột {column}" in result.output, (line, column, result.output)
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 0
