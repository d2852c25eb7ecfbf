"""The demo's period reports: Phường Hà Đông's chair has written and submitted the last ended quarter's report,
Phường Hoàn Kiếm's has written it but not sent it, Xã Sóc Sơn has not started — so the report page, the
higher unit's submissions page and the home pages have something real to show. Made through the real
operations (`save_sections`, `submit`); every section says it is demo data."""
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import select

from app.auth.models import Role, User
from app.extensions import db
from app.reports.models import ReportSectionRevision
from app.reports.quarterly import build_report
from app.reports.submissions import last_ended_period, save_sections, submit
from app.units.models import Unit

DEMO_NOTE = "(Dữ liệu mẫu – demo.)"
SUBMITTED_WARD, DRAFT_WARD = "000.06.01.H26", "000.01.01.H26"


def _texts(unit: Unit) -> dict[str, str]:
    return {
        "assessment": f"{DEMO_NOTE}\nTrong kỳ, {unit.name} tiếp nhận và giải quyết hồ sơ đúng quy trình một cửa; "
                      "phần lớn hồ sơ được giải quyết trước và đúng hạn, hồ sơ quá hạn đều có văn bản xin lỗi.",
        "shortcomings": f"{DEMO_NOTE}\nMột số hồ sơ quá hạn do phải chờ ý kiến của cơ quan liên quan; tỷ lệ hồ sơ "
                        "trực tuyến toàn trình còn thấp.",
        "proposals": f"{DEMO_NOTE}\nĐề nghị cấp trên tiếp tục hướng dẫn việc số hóa kết quả giải quyết và bố trí "
                     "thêm một công chức tư pháp – hộ tịch.",
    }


@dataclass
class ReportsDemoSummary:
    written: int = 0
    submitted: int = 0


def load_demo_reports(wards: list[Unit], today: date) -> ReportsDemoSummary | None:
    """None when the demo's reports are there already (the command may run twice)."""
    kind = "quarter"
    year, number = last_ended_period(kind, today, current_app.config["REPORT_CUTOFF_DAY"])
    summary = ReportsDemoSummary()
    for ward in wards:
        if ward.code not in (SUBMITTED_WARD, DRAFT_WARD):
            continue
        chair = db.session.scalar(select(User).where(User.unit_id == ward.id, User.role == Role.CHAIR).limit(1))
        if chair is None:
            continue
        if db.session.scalar(select(ReportSectionRevision.id).where(ReportSectionRevision.unit_id == ward.id).limit(1)):
            return None
        now = datetime.combine(today, time(8, 30))
        save_sections(ward, kind, year, number, _texts(ward), chair, now)
        db.session.flush()
        summary.written += 1
        if ward.code == SUBMITTED_WARD:
            report = build_report(ward, kind, year, number, today, current_app.config["REPORT_CUTOFF_DAY"],
                                  live=True)
            submit(report, chair, now, current_app.config["REPORT_SUBMIT_DAYS"])
            summary.submitted += 1
    return summary
