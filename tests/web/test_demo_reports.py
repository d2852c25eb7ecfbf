"""The demo's period reports (issue 11): one ward submitted the last ended quarter, one wrote it, one has not
started; loaded once, every section labelled as demo data."""
from sqlalchemy import func, select

from app.demo.cli import DEMO_CITY
from app.extensions import db
from app.reports.models import ReportSectionRevision, ReportSubmission
from app.units.models import Unit


def test_the_demo_has_a_submitted_report_a_draft_and_a_ward_that_is_late(app, client):
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["demo", "load", "--dossiers-per-day", "1", "--months", "2"])
    assert loaded.exit_code == 0, loaded.output
    assert "Báo cáo quý mẫu: 2 phường đã viết, 1 đã chốt số liệu và gửi." in loaded.output
    submission = db.session.scalar(select(ReportSubmission))
    assert submission.unit.name == "Phường Hà Đông" and submission.figures["total"]["received"] >= 0
    assert db.session.scalar(select(func.count()).select_from(ReportSectionRevision).where(
        ~ReportSectionRevision.text.startswith("(Dữ liệu mẫu – demo.)"))) == 0

    again = runner.invoke(args=["demo", "load", "--dossiers-per-day", "1", "--months", "2"])
    assert again.exit_code == 0 and "Báo cáo quý mẫu" not in again.output
    assert db.session.scalar(select(func.count()).select_from(ReportSubmission)) == 1
    city = db.session.scalar(select(Unit).where(Unit.code == DEMO_CITY[0]))
    assert city is not None
