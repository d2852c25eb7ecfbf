"""Demo feedback (phản ánh, kiến nghị) for the demo wards: a few a month, mostly about dossiers, answered
mostly on time, a few late, a few still open, most citizens satisfied. Labelled demo (`is_demo`)."""
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from app.auth.models import Role, User
from app.dossiers.models import Dossier
from app.extensions import db
from app.feedback.models import Feedback
from app.feedback.operations import FeedbackInput, answer_feedback, assign_feedback, rate_feedback, receive_feedback
from app.feedback.rules import FeedbackChannel, FeedbackKind, Satisfaction
from app.units.models import Unit
from app.worktime.clock import calendar_for
from app.worktime.deadlines import shift_by_working_time

COMPLAINTS = [
    "Đến ngày hẹn nhưng chưa có kết quả, cán bộ không báo trước.",
    "Phải đi lại nhiều lần để bổ sung giấy tờ, mỗi lần yêu cầu một loại khác nhau.",
    "Thái độ hướng dẫn của cán bộ tại quầy chưa niềm nở.",
    "Nộp hồ sơ trực tuyến nhưng vẫn được yêu cầu mang bản giấy đến nộp lại.",
    "Không thanh toán trực tuyến được lệ phí trên Cổng dịch vụ công.",
]
PETITIONS = [
    "Đề nghị bố trí thêm ghế chờ và nước uống tại Bộ phận Một cửa.",
    "Đề nghị niêm yết rõ mức phí, lệ phí chứng thực tại quầy.",
    "Đề nghị tiếp nhận hồ sơ vào sáng thứ Bảy.",
]
ANSWERS = [
    "Đã kiểm tra, trao đổi với công chức chuyên môn và trả kết quả cho công dân; nhắc nhở cán bộ liên quan.",
    "Đã tiếp thu, điều chỉnh việc hướng dẫn thành phần hồ sơ một lần, đầy đủ.",
    "Đã niêm yết bổ sung tại Bộ phận Một cửa và trên trang thông tin điện tử của phường.",
]
OFFICES = ["Công chức Tư pháp - Hộ tịch", "Công chức Văn phòng - Thống kê", "Bộ phận Một cửa"]


def load_demo_feedback(wards: list[Unit], today: date, months: int = 12, seed: int = 766) -> int:
    """Feedback of the last `months` months for each ward that has demo dossiers; 0 when some already exists."""
    if not wards or db.session.scalar(select(func.count()).select_from(Feedback)
                                      .where(Feedback.unit_id.in_([w.id for w in wards]))):
        return 0
    rng = random.Random(seed)
    cutoff = datetime.combine(today, time(8, 0))
    created = 0
    for ward in wards:
        calendar = calendar_for(ward)
        clerk = db.session.scalar(select(User).where(User.unit_id == ward.id, User.role == Role.CLERK).limit(1))
        day = today - timedelta(days=30 * months)
        while day < today:
            day += timedelta(days=rng.randint(5, 14))
            received_at = datetime.combine(day, time(rng.randint(8, 16), rng.choice((0, 15, 30, 45))))
            if received_at >= cutoff or not calendar.is_working_day(day):
                continue
            complaint = rng.random() < 0.7
            dossier = None
            if complaint and rng.random() < 0.8:
                dossier = db.session.scalar(select(Dossier).where(
                    Dossier.unit_id == ward.id, Dossier.received_at < received_at,
                    Dossier.received_at >= received_at - timedelta(days=30)).order_by(func.random()).limit(1))
            item = receive_feedback(ward, FeedbackInput(
                received_at=received_at, channel=rng.choice(list(FeedbackChannel)),
                kind=FeedbackKind.COMPLAINT if complaint else FeedbackKind.PETITION,
                citizen_name=dossier.applicant_name if dossier else rng.choice(["Nguyễn Thị Lan", "Trần Văn Hùng",
                                                                               "Lê Minh Tuấn", "Phạm Thu Hà"]),
                citizen_contact=dossier.applicant_phone if dossier else "",
                content=rng.choice(COMPLAINTS if complaint else PETITIONS),
                dossier_code=dossier.code if dossier else ""), calendar, 10, clerk, received_at)
            created += 1
            assign_feedback(item, rng.choice(OFFICES), received_at + timedelta(hours=rng.randint(1, 24)))
            # Most answered within the ten days, about one in seven late, the most recent ones still open.
            late = rng.random() < 0.15
            days = rng.uniform(11, 20) if late else rng.uniform(1, 9.5)
            answered_at = shift_by_working_time(calendar, received_at, timedelta(hours=8 * days))
            if answered_at >= cutoff:
                continue
            answer_feedback(item, rng.choice(ANSWERS), answered_at, clerk, answered_at)
            if rng.random() < 0.8:
                roll = rng.random()
                rate_feedback(item, Satisfaction.UNSATISFIED if roll < (0.4 if late else 0.08)
                              else Satisfaction.SATISFIED if roll < 0.7 else Satisfaction.VERY_SATISFIED,
                              answered_at + timedelta(hours=2))
    db.session.commit()
    return created
