"""Made-up dossiers for the demo wards: months of a desk's work, moved through their lives by the real operations.

Every dossier is registered with `register_dossier` and moved with `apply_action`, at simulated
times, so codes, due dates, events, supplement periods, apologies and classifications are exactly
what the app produces. Nothing happens on or after `today`: the simulated present is the start of
that day, so recent dossiers are left in whatever state their life had reached by then.
"""
import math
import random
from calendar import monthrange
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from app.audit.recording import simulated_history
from app.auth.models import Role, User
from app.catalog.models import ChannelKind, Offering, OnlineKind, Procedure
from app.demo.digitisation import DemoDigitisation
from app.dossiers.handover import HandoverStep
from app.dossiers.lifecycle import Action, DossierState
from app.dossiers.models import CopyKind, Dossier, DossierEvent, Outcome, PaymentMethod
from app.dossiers.ontime import Resolution
from app.dossiers.operations import (ActionInput, Applicant, Intake, PaymentInput, ReceivedDocument, apply_action,
                                     preview_due_at, record_handover_step, record_payment, register_dossier)
from app.extensions import db
from app.lookup.models import DossierRating, Rating
from app.lookup.rating_codes import issue_rating_code, rating_code_matches
from app.units.models import Unit, UnitKind
from app.vntext import fold
from app.worktime.clock import calendar_for
from app.worktime.deadlines import TimeUnit, WorkingCalendar, shift_by_working_time, working_time_between

DEFAULT_DOSSIERS_PER_DAY = 16.0
"""Mean dossiers a ward desk receives on a working day (before the ward's, weekday's and month's factors)."""
DEFAULT_MONTHS = 12
DEFAULT_SEED = 2025
CROSS_WARD_SHARE = 0.06
"""Share of a ward's dossiers of the listed procedures received at another ward's centre since 1 Jul 2025
(Decree 118/2025): Hanoi's wards report a few percent of their dossiers received across boundaries."""
CROSS_WARD_FROM = date(2025, 7, 1)
BATCH_SIZE = 500
"""Dossiers written per commit."""

# A working day of the default office hours, to size simulated delays (due dates use the real calendar).
_DAY = 480  # minutes
_WORKING_DAY = timedelta(minutes=_DAY)
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class WardProfile:
    """What makes one demo ward's desk differ from another's, so that comparisons show something."""

    volume: float  # factor on the mean daily volume
    online_share: float  # share of dossiers submitted online
    late_share: float  # share of handed-over dossiers finished after their due date
    streets: tuple[str, ...]  # where applicants live
    is_commune: bool = False  # addresses by village (thôn) instead of street


WARD_PROFILES = {
    "000.06.01.H26": WardProfile(1.15, 0.31, 0.045, (
        "đường Quang Trung", "đường Trần Phú", "đường Chiến Thắng", "phố Tô Hiệu", "phố Bà Triệu", "phố Lê Lợi",
        "phố Phan Đình Giót", "phố Nguyễn Viết Xuân", "phố Yết Kiêu", "phố Lý Tự Trọng", "phố Hoàng Văn Thụ",
        "phố Phùng Hưng", "phố Ngô Quyền", "phố Cầu Đơ", "phố Lê Hồng Phong")),
    "000.01.01.H26": WardProfile(0.85, 0.36, 0.015, (
        "phố Hàng Bài", "phố Hàng Bông", "phố Hàng Gai", "phố Hàng Đào", "phố Hàng Bạc", "phố Hàng Trống",
        "phố Hàng Khay", "phố Tràng Tiền", "phố Đinh Tiên Hoàng", "phố Lý Thái Tổ", "phố Lê Thái Tổ",
        "phố Hàng Buồm", "phố Hàng Mã", "phố Hàng Bồ", "phố Lò Sũ", "phố Hàng Chiếu", "phố Đinh Liệt",
        "phố Bảo Khánh", "phố Hàng Hành", "phố Nhà Chung")),
    "000.16.01.H26": WardProfile(1.0, 0.22, 0.09, (
        "thôn Xuân Dục", "thôn Miếu Thờ", "thôn Đan Tảo", "thôn Yên Sơn", "thôn Phù Mã", "thôn Tiên Tảo",
        "thôn Xuân Kỳ", "thôn Đông Đoài", "thôn Thạch Lỗi", "thôn Đông Lai", "thôn Phú Mỹ", "thôn Ninh Bắc"),
        is_commune=True),
}
DEFAULT_PROFILE = WardProfile(1.0, 0.30, 0.03, tuple(f"tổ dân phố số {n}" for n in range(1, 16)), is_commune=True)

# Relative volume of each procedure at a ward desk: certification and civil status make most of it.
PROCEDURE_WEIGHTS = {
    "2.000815": 30, "2.000884": 12, "2.001035": 5,  # chứng thực
    "1.001193": 10, "2.000635": 8, "1.004873": 9, "1.000894": 4, "1.000656": 3, "1.004859": 2,
    "1.001022": 1, "1.004884": 1, "1.004837": 0.5, "1.005461": 0.3,  # hộ tịch
    "1.001612": 2, "2.000720": 1.5, "1.001266": 0.8, "1.001570": 0.8, "2.000575": 0.3,  # hộ kinh doanh
    "1.012812": 0.5, "1.011607": 0.6,
}
# Busier before Tết and at the end of the year, quieter in the month of Tết.
MONTH_FACTORS = {1: 1.15, 2: 0.8, 3: 1.0, 4: 0.95, 5: 1.0, 6: 1.05, 7: 1.05, 8: 1.0, 9: 0.95, 10: 1.0, 11: 1.05,
                 12: 1.15}
WEEKDAY_FACTORS = {0: 1.2, 1: 1.05, 2: 1.0, 3: 0.95, 4: 0.85, 5: 0.6, 6: 0.6}

FAMILY_NAMES = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 5, "Phan": 4.5, "Vũ": 3.9, "Đặng": 2.1, "Bùi": 2,
    "Đỗ": 1.4, "Ngô": 1.3, "Hồ": 1.0, "Dương": 1, "Đào": 0.8, "Đinh": 0.8, "Trịnh": 0.6, "Lý": 0.5, "Hà": 0.4,
    "Mai": 0.4, "Cao": 0.4, "Lương": 0.4, "Phùng": 0.3, "Tạ": 0.3, "Chu": 0.3, "Kiều": 0.2, "Nghiêm": 0.2,
    "Khuất": 0.1, "Tô": 0.2, "Võ": 0.5, "Huỳnh": 0.4,
}
MALE_MIDDLE = {"Văn": 30, "Đức": 10, "Minh": 10, "Quang": 8, "Hữu": 6, "Đình": 5, "Thành": 5, "Công": 5,
               "Xuân": 4, "Tiến": 4, "Trọng": 4, "Duy": 4, "Mạnh": 3, "Ngọc": 3, "Anh": 3, "Hoàng": 3,
               "Việt": 3, "Thế": 3}
FEMALE_MIDDLE = {"Thị": 40, "Thu": 8, "Ngọc": 8, "Thanh": 7, "Minh": 5, "Phương": 4, "Hồng": 4, "Thùy": 4,
                 "Kim": 3, "Mai": 3, "Khánh": 3, "Bích": 2, "Hải": 2, "Diệu": 2, "Quỳnh": 2, "Lan": 2}
MALE_GIVEN = ("Anh", "Hùng", "Dũng", "Tuấn", "Minh", "Hải", "Nam", "Long", "Quân", "Đức", "Thắng", "Hoàng",
              "Sơn", "Phong", "Trung", "Khánh", "Cường", "Bình", "Huy", "Tùng", "Việt", "Kiên", "Lâm", "Hiếu",
              "Duy", "Tâm", "Thành", "Phúc", "Đạt", "Vinh", "Quang", "Tiến", "Hưng", "Toàn", "Thịnh", "Khoa",
              "Nghĩa", "Lợi", "Hậu", "Bảo")
FEMALE_GIVEN = ("Hương", "Lan", "Linh", "Trang", "Hà", "Mai", "Ngọc", "Thảo", "Huyền", "Hạnh", "Phương",
                "Nhung", "Yến", "Hoa", "Thủy", "Dung", "Hằng", "Nga", "Vân", "Anh", "Oanh", "Quỳnh", "Nhi",
                "Giang", "Loan", "Thu", "Hiền", "Chi", "My", "Ly", "Thanh", "Tuyết", "Liên", "Hồng", "Diệp",
                "Ngân", "Vy", "Trâm")
# The first three digits of a CCCD number: the province of birth registration (Hà Nội 001 most often).
PROVINCE_CODES = {"001": 70, "034": 3, "036": 3, "033": 3, "038": 3, "040": 2, "030": 2, "035": 2, "037": 2,
                  "027": 2, "026": 1, "025": 1, "019": 1, "024": 1, "031": 1, "079": 1}
MOBILE_PREFIXES = ("032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098", "081",
                   "082", "083", "084", "085", "088", "091", "094", "070", "076", "077", "078", "079", "089",
                   "090", "093", "056", "058", "092", "059")
MAIL_DOMAINS = {"gmail.com": 85, "yahoo.com": 8, "outlook.com": 5, "hotmail.com": 2}

OFFICES = {
    "Hộ tịch": "Công chức Tư pháp - Hộ tịch",
    "Chứng thực": "Công chức Tư pháp - Hộ tịch",
    "Hộ kinh doanh": "Phòng Kinh tế",
    "Đất đai": "Phòng Kinh tế",
    "Giảm nghèo": "Phòng Văn hóa - Xã hội",
}
SUPPLEMENT_REASONS = {
    "Hộ tịch": ("Thiếu bản chính Giấy chứng sinh", "Tờ khai ghi thiếu nơi cư trú của người yêu cầu",
                "Thông tin trên tờ khai không khớp với căn cước của người yêu cầu",
                "Thiếu giấy tờ chứng minh tình trạng hôn nhân khi cư trú nơi khác",
                "Thiếu văn bản ủy quyền có chứng thực của người được ủy quyền"),
    "Chứng thực": ("Dự thảo hợp đồng thiếu chữ ký của một bên", "Thiếu bản sao Giấy chứng nhận quyền sử dụng đất",
                   "Giấy tờ tùy thân của một bên đã hết hạn"),
    "Hộ kinh doanh": ("Thiếu bản sao hợp đồng thuê địa điểm kinh doanh", "Giấy đề nghị ghi sai ngành, nghề kinh doanh",
                      "Thiếu biên bản họp thành viên hộ gia đình"),
    "Đất đai": ("Thiếu giấy tờ về quyền sử dụng đất của các bên", "Đơn chưa ghi rõ nội dung tranh chấp"),
    "Giảm nghèo": ("Thiếu giấy xác nhận thu nhập của hộ gia đình", "Giấy đề nghị chưa có chữ ký của chủ hộ"),
}
REFUSAL_REASONS = {
    "Hộ tịch": ("Việc đăng ký không thuộc thẩm quyền của Ủy ban nhân dân cấp xã nơi cư trú",
                "Người yêu cầu không đủ điều kiện đăng ký theo Luật Hộ tịch",
                "Giấy tờ nộp kèm có dấu hiệu giả mạo, đã chuyển cơ quan có thẩm quyền xác minh"),
    "Chứng thực": ("Bản chính bị tẩy xóa, sửa chữa, không đủ điều kiện chứng thực",
                   "Người yêu cầu chứng thực không xuất trình được giấy tờ tùy thân còn giá trị",
                   "Giấy tờ thuộc loại không được chứng thực bản sao từ bản chính"),
    "Hộ kinh doanh": ("Tên hộ kinh doanh trùng với tên đã đăng ký trên địa bàn",
                      "Ngành, nghề đăng ký thuộc danh mục cấm đầu tư kinh doanh"),
    "Đất đai": ("Tranh chấp không thuộc phạm vi hòa giải của Ủy ban nhân dân cấp xã",),
    "Giảm nghèo": ("Hộ gia đình không đáp ứng tiêu chí hộ nghèo, hộ cận nghèo theo chuẩn nghèo đa chiều",),
}
DEFAULT_SUPPLEMENT_REASONS = ("Thiếu giấy tờ theo thành phần hồ sơ quy định",)
DEFAULT_REFUSAL_REASONS = ("Hồ sơ không đáp ứng điều kiện theo quy định",)
APOLOGY_REASONS = (
    "Cần xác minh thêm thông tin với cơ quan có liên quan",
    "Cơ sở dữ liệu hộ tịch điện tử gián đoạn, chưa cập nhật được dữ liệu",
    "Công chức thụ lý nghỉ ốm đột xuất, chưa kịp bàn giao hồ sơ",
    "Chờ ý kiến của cơ quan chuyên môn cấp trên",
    "Số hồ sơ tiếp nhận tăng đột biến so với năng lực xử lý",
)
WITHDRAW_NOTES = ("Công dân có đơn xin rút hồ sơ", "Công dân rút hồ sơ để nộp tại nơi cư trú khác",
                  "Công dân rút hồ sơ để bổ sung, sẽ nộp lại sau")
STOP_NOTES = ("Công dân đề nghị dừng giải quyết", "Phát sinh tranh chấp, chuyển cơ quan có thẩm quyền giải quyết",
              "Người yêu cầu đã chết trước khi có kết quả")
NO_SUPPLEMENT_NOTE = "Quá thời hạn bổ sung, công dân không bổ sung hồ sơ"
RETURN_NOTES = {
    ChannelKind.DIRECT: "Trả trực tiếp tại Bộ phận Một cửa",
    ChannelKind.POST: "Gửi kết quả qua dịch vụ bưu chính công ích",
    ChannelKind.ONLINE: "Trả kết quả điện tử trên Cổng Dịch vụ công",
}
# Citizens who rate the service on the public lookup page after collecting their result: a minority, and
# the ones whose result came late are less often satisfied. Weights: satisfied, acceptable, dissatisfied.
RATING_SHARE = 0.3
RATING_WEIGHTS = {"on_time": (0.86, 0.11, 0.03), "late": (0.35, 0.35, 0.30)}
RATING_COMMENTS = {
    Rating.SATISFIED: ("Cán bộ hướng dẫn nhiệt tình, chu đáo", "Nhận kết quả sớm hơn ngày hẹn", "Thủ tục nhanh gọn"),
    Rating.ACCEPTABLE: ("Phải chờ lâu ở quầy tiếp nhận", "Nên hướng dẫn rõ hơn giấy tờ cần mang theo"),
    Rating.DISSATISFIED: ("Trả kết quả chậm so với ngày hẹn", "Phải đi lại nhiều lần mới nộp đủ hồ sơ"),
}

# Dossiers of the last days kept open in each list of the desk's home page, per ward, so that
# every list shows something on the first run whatever the random draws gave.
SHOWCASE = {"overdue": 3, "due_today": 3, "due_next": 3, "awaiting": 3, "ready": 3, "received": 2}
SHOWCASE_DAYS = 14
"""How many calendar days before `today` a dossier may be received to be kept open for the showcase."""


@dataclass
class Summary:
    """What the generator made, for the command's report and for tests."""

    dossiers: int = 0
    states: Counter = field(default_factory=Counter)
    resolutions: Counter = field(default_factory=Counter)
    with_supplement: int = 0
    with_apology: int = 0
    rated: int = 0

    def add(self, dossier: Dossier) -> None:
        self.dossiers += 1
        self.states[DossierState(dossier.state)] += 1
        if dossier.resolution:
            self.resolutions[Resolution(dossier.resolution)] += 1
        self.with_supplement += bool(dossier.supplements)
        self.with_apology += dossier.apology is not None


@dataclass
class _Desk:
    """One ward's desk, looked up once: its calendar, people, offerings and applicants' addresses."""

    unit: Unit
    calendar: WorkingCalendar
    clerk: User
    chair: User | None
    specialist: User | None  # the ward's civil servant for justice and civil status (tư pháp–hộ tịch)
    profile: WardProfile
    offerings: list[Offering]
    weights: list[float]
    documents: dict[int, list[ReceivedDocument]]
    fields: dict[int, str]
    address_tail: str
    showcase: Counter = field(default_factory=Counter)


def load_demo_dossiers(today: date, dossiers_per_day: float = DEFAULT_DOSSIERS_PER_DAY,
                       months: int = DEFAULT_MONTHS, seed: int = DEFAULT_SEED) -> Summary | None:
    """Generate dossiers for every demo ward; None (and nothing written) when they already have some."""
    wards = db.session.scalars(
        select(Unit).where(Unit.is_demo.is_(True), Unit.kind == UnitKind.WARD).order_by(Unit.code)
    ).all()
    if not wards:
        return None
    if db.session.scalar(select(func.count()).where(Dossier.unit_id.in_([ward.id for ward in wards]))):
        return None
    return generate_dossiers(wards, today, random.Random(seed), dossiers_per_day, months)


def generate_dossiers(wards: list[Unit], today: date, rng: random.Random,
                      dossiers_per_day: float = DEFAULT_DOSSIERS_PER_DAY, months: int = DEFAULT_MONTHS,
                      batch_size: int = BATCH_SIZE) -> Summary:
    """Receive and handle dossiers at each ward's desk on every working day from `months` months before
    `today` up to the day before it (inclusive), committing every `batch_size` dossiers.

    A ward needs an active clerk (who acts at the desk) and its chair (who approves apologies; without
    one, no apology is written). Wards without a clerk or offerings at the desk are skipped.
    """
    cutoff = datetime.combine(today, time())
    desks = [desk for ward in wards if (desk := _desk(ward)) is not None]
    rule = current_app.config["SUPPLEMENT_RULE"]
    life = _Life(rng, cutoff, today)
    # Its own generator, so that adding dossiers received across boundaries left every other draw as it was.
    cross = random.Random(f"cross-ward-{today.isoformat()}")
    digitisation = DemoDigitisation([desk.unit for desk in desks], today, _months_before(today, months))
    summary = Summary()
    batch: list[Dossier] = []
    day = _months_before(today, months)
    # Numbers come from the counter table, not from pending rows: nothing needs flushing until the
    # batch is written, and then every table's rows go in a few multi-row INSERTs. The audit log gets
    # its entry per event as for any dossier change, stamped at the simulated time of the event.
    with simulated_history(db.session), db.session.no_autoflush:
        while day < today:
            for desk in desks:
                if not desk.calendar.is_working_day(day):
                    continue
                mean = (dossiers_per_day * desk.profile.volume * MONTH_FACTORS[day.month]
                        * WEEKDAY_FACTORS[day.weekday()])
                for received_at in sorted(_office_times(rng, desk.calendar, day, _poisson(rng, mean))):
                    offering = life.choose_offering(desk, received_at)
                    intake = _intake(rng, desk, offering, received_at)
                    receiving = _receiving_desk(cross, desk, desks, offering, received_at)
                    if receiving is None:
                        dossier = register_dossier(intake, desk.calendar, desk.clerk, rule, received_at)
                        life.run(desk, offering, dossier)
                    else:
                        intake.receiving_unit, intake.result_at_receiving = receiving.unit, cross.random() < 0.7
                        dossier = register_dossier(intake, desk.calendar, receiving.clerk, rule, received_at,
                                                   receiving_calendar=receiving.calendar)
                        life.run(desk, offering, dossier, receiving=receiving, cross=cross)
                    digitisation.record(dossier, desk.clerk.id if desk.clerk else None)
                    summary.add(dossier)
                    batch.append(dossier)
                    if len(batch) >= batch_size:
                        _write(batch)
            day += timedelta(days=1)
        _write(batch)
    summary.rated = life.rated
    return summary


def _receiving_desk(cross: random.Random, desk: _Desk, desks: list[_Desk], offering: Offering,
                    received_at: datetime) -> "_Desk | None":
    """Another ward's desk that received this dossier for `desk`, for a share of the listed procedures."""
    if (received_at.date() < CROSS_WARD_FROM or not offering.accepts_for_others or len(desks) < 2
            or cross.random() >= CROSS_WARD_SHARE):
        return None
    return cross.choice([other for other in desks if other is not desk])


def _write(batch: list[Dossier]) -> None:
    """Insert the batch, set each dossier's version to its number of events, and commit.

    The app writes a dossier once per action and each write bumps the version (one event per
    version step, which `events_since` relies on); here the whole life is inserted in one write.
    """
    if not batch:
        return
    db.session.flush()
    dossiers, events = Dossier.__table__, DossierEvent.__table__
    event_count = select(func.count()).select_from(events).where(events.c.dossier_id == dossiers.c.id)
    db.session.execute(update(dossiers).where(dossiers.c.id.in_([d.id for d in batch]))
                       .values(version=event_count.scalar_subquery()))
    db.session.commit()
    batch.clear()


def _desk(ward: Unit) -> _Desk | None:
    clerk = _person(ward, Role.CLERK)
    offerings = db.session.scalars(
        select(Offering).where(Offering.unit_id == ward.id, Offering.at_desk.is_(True))
        .options(selectinload(Offering.procedure).selectinload(Procedure.documents))
        .order_by(Offering.procedure_id, Offering.active_from.desc())
    ).all()
    # The latest offering of each procedure (demo wards have one each).
    latest = list({offering.procedure_id: offering for offering in reversed(offerings)}.values())
    if clerk is None or not latest:
        return None
    documents = {o.id: [_received(document) for document in o.procedure.documents] for o in latest}
    parent = f", {ward.parent.name}" if ward.parent else ""
    return _Desk(
        unit=ward, calendar=calendar_for(ward), clerk=clerk, chair=_person(ward, Role.CHAIR),
        specialist=_person(ward, Role.SPECIALIST),
        profile=WARD_PROFILES.get(ward.code, DEFAULT_PROFILE), offerings=latest,
        weights=[PROCEDURE_WEIGHTS.get(o.procedure.code, 1.0) for o in latest], documents=documents,
        fields={o.id: o.procedure.field for o in latest}, address_tail=f", {ward.name}{parent}",
    )


def _person(ward: Unit, role: Role) -> User | None:
    return db.session.scalar(select(User).where(User.unit_id == ward.id, User.role == role,
                                                User.is_active.is_(True)).order_by(User.id).limit(1))


def _received(document) -> ReceivedDocument:
    if (document.originals or 0) > 0 or not document.copies:
        return ReceivedDocument(document.name, CopyKind.ORIGINAL, document.originals or 1)
    return ReceivedDocument(document.name, CopyKind.COPY, document.copies)


def _hours_allowed(dossier: Dossier) -> float:
    """The dossier's committed time in working hours (calendar days count as eight)."""
    value = float(dossier.time_value)
    return value if dossier.time_unit == TimeUnit.WORKING_HOURS else value * 8


def _months_before(day: date, months: int) -> date:
    """The same day of the month `months` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; fine for the means of a desk's day)."""
    if mean <= 0:
        return 0
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _office_times(rng: random.Random, calendar: WorkingCalendar, day: date, count: int) -> list[datetime]:
    """`count` receipt times inside the day's office periods, to the minute; mornings are busier."""
    periods = calendar.working_periods(day)
    weights = [(end - start).total_seconds() * (1.6 if index == 0 else 1.0)
               for index, (start, end) in enumerate(periods)]
    times = []
    for _ in range(count):
        start, end = rng.choices(periods, weights)[0]
        times.append(start + timedelta(minutes=rng.randrange(int((end - start) / _MINUTE))))
    return times


def _intake(rng: random.Random, desk: _Desk, offering: Offering, received_at: datetime) -> Intake:
    roll = rng.random()
    online_possible = offering.online_kind != OnlineKind.NONE
    if online_possible and roll < desk.profile.online_share:
        channel = ChannelKind.ONLINE
    elif roll > 0.9:
        channel = ChannelKind.POST
    else:
        channel = ChannelKind.DIRECT
    return Intake(
        offering=offering,
        applicant=_applicant(rng, desk, wants_email=rng.random() < (0.7 if channel == ChannelKind.ONLINE else 0.1)),
        channel=channel,
        online_kind=offering.online_kind if channel == ChannelKind.ONLINE else None,
        received_at=received_at,
        sets_count=1 if rng.random() < 0.93 else 2,
        documents=desk.documents[offering.id],
    )


def _applicant(rng: random.Random, desk: _Desk, wants_email: bool) -> Applicant:
    is_female = rng.random() < 0.55  # more women than men come to a ward desk
    family = _weighted(rng, FAMILY_NAMES)
    middle = _weighted(rng, FEMALE_MIDDLE if is_female else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if is_female else MALE_GIVEN)
    while given == middle:
        given = rng.choice(FEMALE_GIVEN if is_female else MALE_GIVEN)
    born = rng.randint(1950, 2006)
    # CCCD: province of birth registration, then century and sex, two digits of the year, six random.
    sex_century = (0 if born < 2000 else 2) + (1 if is_female else 0)
    id_number = f"{_weighted(rng, PROVINCE_CODES)}{sex_century}{born % 100:02d}{rng.randrange(10**6):06d}"
    phone = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"
    email = ""
    if wants_email:
        email = f"{fold(given)}{fold(family)}{born % 100:02d}@{_weighted(rng, MAIL_DOMAINS)}".replace(" ", "")
    return Applicant(name=f"{family} {middle} {given}", id_number=id_number, phone=phone,
                     address=_address(rng, desk), email=email)


def _address(rng: random.Random, desk: _Desk) -> str:
    place = rng.choice(desk.profile.streets)
    if desk.profile.is_commune:
        if place.startswith("thôn ") and rng.random() < 0.4:
            return f"Xóm {rng.randint(1, 12)}, {place}{desk.address_tail}"
        return place[0].upper() + place[1:] + desk.address_tail
    number = rng.randint(1, 220)
    if rng.random() < 0.45:
        return f"Số {number}, ngõ {rng.randint(2, 180)} {place}{desk.address_tail}"
    return f"Số {number} {place}{desk.address_tail}"


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


class _Life:
    """Moves a freshly registered dossier through a plausible life, stopping at the simulated present.

    Shares (of dossiers handed over for processing): about 1.2% withdrawn, 0.6% stopped, 10% asked for
    a supplement (one in ten never answered), 2.5% refused, the ward's late share finished late (two
    in three of them with an approved apology when there was time to write one), a fifth on the due
    date, the rest early. Procedures counted in hours are settled at the desk, nearly all early.
    """

    def __init__(self, rng: random.Random, cutoff: datetime, today: date):
        self.rng, self.cutoff, self.today = rng, cutoff, today
        self.rated = 0
        # Payments draw from their own generator, so that adding them left the rest of the demo as it was.
        self.payments = random.Random(f"payments-{today.isoformat()}")
        self.receipts = 0

    def choose_offering(self, desk: _Desk, received_at: datetime) -> Offering:
        """The procedure of the next dossier: the desk's usual mix, except that in the last days, while a desk
        list still has room in SHOWCASE, half the dossiers go to procedures whose due date would fill it."""
        rng = self.rng
        usual = rng.choices(desk.offerings, desk.weights)[0]
        if (self.cutoff - received_at).days >= SHOWCASE_DAYS or rng.random() < 0.5:
            return usual
        due_next = desk.showcase["due_next"] < SHOWCASE["due_next"]
        later = (any(desk.showcase[name] < SHOWCASE[name] for name in ("awaiting", "ready"))
                 and self._has_time(desk, received_at))

        def fills_a_list(due: datetime) -> bool:
            return (self._due_today_wanted(desk, due)
                    or (due_next and due.date() == desk.calendar.next_working_day(self.today))
                    or (later and due.date() >= self.today))

        fitting = [(offering, weight) for offering, weight in zip(desk.offerings, desk.weights, strict=True)
                   if fills_a_list(preview_due_at(desk.calendar, offering, received_at))]
        if not fitting:
            return usual
        return rng.choices([offering for offering, _ in fitting], [weight for _, weight in fitting])[0]

    def _due_today_wanted(self, desk: _Desk, due: datetime) -> bool:
        """Whether a dossier due at `due` may fill a place in the "due today" list: due today, and after 15:00
        but for the first one, so that the list still shows something late in the afternoon."""
        taken = desk.showcase["due_today"]
        return (due.date() == self.today and taken < SHOWCASE["due_today"]
                and (not taken or due.time() >= time(15)))

    def _has_time(self, desk: _Desk, received_at: datetime) -> bool:
        """A working day left before the present: enough for a kept dossier to be asked for papers or finished."""
        return working_time_between(desk.calendar, received_at, self.cutoff) >= _WORKING_DAY

    def run(self, desk: _Desk, offering: Offering, dossier: Dossier, receiving: _Desk | None = None,
            cross: random.Random | None = None) -> None:
        self.desk, self.dossier, self.receiving, self.cross = desk, dossier, receiving, cross
        self.last = dossier.received_at
        self._pay()  # at the desk that received it
        if receiving is not None and not self._hand_over_there():
            return  # still on its way to the resolving ward
        self.field = desk.fields[offering.id]
        hold = self._showcase(desk, dossier)
        if _hours_allowed(dossier) <= 4 and not hold:
            self._settle_at_desk()
        else:
            self._process(hold)

    def _showcase(self, desk: _Desk, dossier: Dossier) -> str:
        """The desk list this dossier is kept open for, or "" (each list takes a few per ward)."""
        if (self.cutoff - dossier.received_at).days >= SHOWCASE_DAYS:
            return ""
        due_on = dossier.due_at.date()
        has_time = self._has_time(desk, dossier.received_at)
        if due_on < self.today:
            wanted = ["overdue", "ready"]
        elif due_on == self.today:
            wanted = ["due_today"] if self._due_today_wanted(desk, dossier.due_at) else ["awaiting", "ready"]
        elif due_on == desk.calendar.next_working_day(self.today):
            wanted = ["due_next", "awaiting", "received"]
        else:
            wanted = ["awaiting", "ready", "received"]
        for name in wanted:
            if name in ("awaiting", "ready") and not has_time:
                continue
            if desk.showcase[name] < SHOWCASE[name]:
                desk.showcase[name] += 1
                return name
        return ""

    def _pay(self) -> None:
        """The fee, when the procedure has one: an online dossier is mostly paid through the portal when it is
        submitted (some by transfer, a few not yet), one at the desk in cash there and then (some by transfer
        the same day), one by post by transfer; about 3% stay unpaid for a while (the desk's list shows them)."""
        rng, dossier = self.payments, self.dossier
        if not dossier.fee_due or rng.random() < 0.03:
            return
        received = dossier.received_at
        if dossier.channel == ChannelKind.ONLINE:
            method = PaymentMethod.ONLINE if rng.random() < 0.7 else PaymentMethod.TRANSFER
            paid_at = received - timedelta(minutes=rng.randint(1, 90))
        elif dossier.channel == ChannelKind.POST:
            method, paid_at = PaymentMethod.TRANSFER, received + timedelta(minutes=rng.randint(5, 120))
        else:
            method = PaymentMethod.CASH if rng.random() < 0.85 else PaymentMethod.TRANSFER
            paid_at = received + timedelta(minutes=rng.randint(1, 10))
        recorded_at = max(paid_at, received) + _MINUTE
        if recorded_at >= self.cutoff:
            return
        self.receipts += 1
        number = f"{received:%y}-{self.receipts:06d}" if method != PaymentMethod.ONLINE else f"DVC{rng.randrange(10**9):09d}"
        record_payment(dossier, PaymentInput(fee_due=None, fee_paid=int(dossier.fee_due), method=method,
                                             paid_at=paid_at.replace(second=0, microsecond=0), receipt_number=number),
                       self.desk.clerk, recorded_at, dossier.version)
        self.last = max(self.last, recorded_at)

    def _act(self, at: datetime, action: Action, actor: User | None = None, **data) -> bool:
        """Apply `action` at `at` (kept after the previous action); False when that is not before the present."""
        at = max(at, self.last + _MINUTE).replace(second=0, microsecond=0)
        if at >= self.cutoff:
            return False
        apply_action(self.dossier, action, ActionInput(**data), actor or self.desk.clerk, self.desk.calendar, at,
                     self.dossier.version)
        self.last = at
        return True

    def _later(self, moment: datetime, minutes: float) -> datetime:
        """`minutes` of office time after `moment`."""
        return shift_by_working_time(self.desk.calendar, moment, timedelta(minutes=max(1, minutes)))

    def _remaining(self) -> timedelta:
        return working_time_between(self.desk.calendar, self.last, self.dossier.due_at)

    def _settle_at_desk(self) -> None:
        """Certification and other hour-counted procedures: done and handed back while the citizen waits."""
        rng, dossier = self.rng, self.dossier
        if rng.random() < 0.01:
            self._act(self._later(self.last, rng.uniform(5, 30)), Action.WITHDRAW, note=rng.choice(WITHDRAW_NOTES))
            return
        if rng.random() < 0.005:
            finished_at = self._later(dossier.due_at, rng.uniform(10, 240))
        else:
            finished_at = self._later(self.last, rng.uniform(10, 0.8 * self._remaining() / _MINUTE))
        if not self._finish(finished_at, refused=rng.random() < 0.01):
            return
        self._return(quick=dossier.channel == ChannelKind.DIRECT or rng.random() < 0.5)

    def _process(self, hold: str) -> None:
        rng, dossier = self.rng, self.dossier
        if hold == "received":
            return
        to_office = OFFICES.get(self.field, "Bộ phận chuyên môn")
        handover_minutes = min(rng.uniform(15, 300), 0.2 * self._remaining() / _MINUTE)
        # Dossiers still open today of the specialist's fields are handed to them by name (their desk
        # then has something to show); the rest go to an office, as a unit that does not use the role does.
        specialist = self.desk.specialist if hold and to_office == OFFICES["Hộ tịch"] else None
        if not self._act(self._later(self.last, handover_minutes), Action.HAND_OVER, to_office=to_office,
                         assignee=specialist):
            return
        if specialist is not None and hold == "due_next":
            # Examined already: submitted for the chair's approval (the chair's first page shows it).
            self._act(self._later(self.last, 30), Action.SUBMIT_FOR_APPROVAL, actor=specialist,
                      outcome="approved", note="Hồ sơ đủ điều kiện, đề nghị lãnh đạo duyệt.")
        if hold in ("overdue", "due_today", "due_next"):
            if hold == "overdue" and rng.random() < 0.5:
                self._apologise(self._later(dossier.due_at, rng.randint(1, 3) * _DAY))
            return

        roll = 1.0 if hold else rng.random()  # a dossier kept for the showcase is neither withdrawn nor late
        if roll < 0.012:
            self._act(self._later(self.last, rng.uniform(0.1, 0.8) * self._remaining() / _MINUTE),
                      Action.WITHDRAW, note=rng.choice(WITHDRAW_NOTES))
            return
        asks_for_papers = hold == "awaiting" or (not hold and rng.random() < 0.1)
        if asks_for_papers and not self._supplement(for_showcase=hold == "awaiting"):
            return
        if roll < 0.018:
            self._act(self._later(self.last, rng.uniform(0.1, 0.8) * self._remaining() / _MINUTE),
                      Action.STOP, note=rng.choice(STOP_NOTES))
            return

        remaining = self._remaining() / _MINUTE
        refused = hold != "ready" and roll < 0.043
        if hold == "ready":
            finished_at = self._later(self.last, rng.uniform(30, 150))
        elif not refused and roll < 0.043 + self.desk.profile.late_share:
            days_late = rng.choices((1, 2, 3, 4, 5, 8), (50, 22, 12, 7, 5, 4))[0]
            finished_at = self._later(self._working_days_after(dossier.due_at, days_late), rng.uniform(0, 470))
            if rng.random() < 0.67:
                # The new appointment is usually kept; sometimes the result comes a day after it.
                self._apologise(self._later(finished_at, rng.choice((30, 30, 30, _DAY))))
        elif rng.random() < 0.2:
            # On the due date, before the due time where the day leaves room for it.
            day_start = self._start_of_day(dossier.due_at)
            span = working_time_between(self.desk.calendar, max(day_start, self.last), dossier.due_at) / _MINUTE
            finished_at = self._later(max(day_start, self.last), rng.uniform(0, max(span, 1)))
        else:
            finished_at = self._later(self.last, rng.uniform(0.15, 0.85) * remaining)
        if not self._finish(finished_at, refused=refused):
            return
        if hold == "ready" or rng.random() < 0.01:
            return  # a result never collected
        self._return(quick=dossier.channel != ChannelKind.DIRECT)

    def _supplement(self, for_showcase: bool) -> bool:
        """Ask for missing papers; True when the dossier goes on (the papers came in before the present)."""
        rng = self.rng
        reasons = SUPPLEMENT_REASONS.get(self.field, DEFAULT_SUPPLEMENT_REASONS)
        if for_showcase:
            requested_at = self._later(self.last, rng.uniform(30, 150))
        else:
            requested_at = self._later(self.last, rng.uniform(0.05, 0.5) * self._remaining() / _MINUTE)
        if not self._act(requested_at, Action.REQUEST_SUPPLEMENT, reason=rng.choice(reasons)):
            return False
        if for_showcase or rng.random() < 0.1:
            # The desk gives up on a citizen who never came back, about a month later.
            self._act(self._later(self.last, rng.randint(20, 25) * _DAY), Action.STOP, note=NO_SUPPLEMENT_NOTE)
            return False
        waited = rng.choices((1, 2, 3, 5, 8), (30, 30, 20, 15, 5))[0] * _DAY + rng.uniform(-200, 200)
        return self._act(self._later(self.last, waited), Action.RECEIVE_SUPPLEMENT)

    def _apologise(self, new_due_at: datetime) -> None:
        """Write the apology at least one working day before the deadline, and have the chair approve it."""
        rng, dossier = self.rng, self.dossier
        if self.desk.chair is None:
            return
        latest = self._working_day_before(dossier.due_at)
        earliest = self.last + timedelta(minutes=10)
        if latest <= earliest:
            return  # no time left to warn the citizen a day ahead: late without an apology
        # Some time in the last three working days before that limit.
        room = working_time_between(self.desk.calendar, earliest, latest)
        offset = rng.uniform(max(timedelta(0), room - 3 * _WORKING_DAY) / _MINUTE, room / _MINUTE)
        requested_at = min(self._later(earliest, offset), latest)
        new_due_at = max(new_due_at, self._later(dossier.due_at, _DAY)).replace(second=0, microsecond=0)
        if self._act(requested_at, Action.REQUEST_APOLOGY, reason=rng.choice(APOLOGY_REASONS),
                     to_office=OFFICES.get(self.field, ""), new_due_at=new_due_at):
            self._act(self._later(self.last, rng.uniform(20, 300)), Action.APPROVE_APOLOGY, actor=self.desk.chair)

    def _finish(self, finished_at: datetime, refused: bool) -> bool:
        if refused:
            reasons = REFUSAL_REASONS.get(self.field, DEFAULT_REFUSAL_REASONS)
            return self._act(finished_at, Action.FINISH, outcome=Outcome.REFUSED, note=self.rng.choice(reasons))
        return self._act(finished_at, Action.FINISH, outcome=Outcome.APPROVED)

    def _return(self, quick: bool) -> None:
        """Hand the result over: at once online or at the counter; otherwise when the citizen comes, often on
        the appointment day."""
        rng, dossier = self.rng, self.dossier
        returned_by = None
        if dossier.result_at_receiving:
            # Collected at the receiving desk: the result travels back first, and that desk returns it.
            if not self._hand_result_back():
                return
            returned_by = self.receiving.clerk
        finished_at = self.last
        if quick:
            returned_at = self._later(finished_at, rng.uniform(5, 90))
        else:
            base = max(finished_at, dossier.due_at) if rng.random() < 0.5 else finished_at
            days = rng.choices((0, 1, 2, 3, 5, 10), (35, 30, 15, 8, 8, 4))[0]
            returned_at = self._later(base, days * _DAY + rng.uniform(5, 240))
        if self._act(returned_at, Action.RETURN_RESULT, returned_by, note=RETURN_NOTES[ChannelKind(dossier.channel)]):
            # As at the desk: the rating code is drawn at the return and handed to the citizen.
            self._rate(issue_rating_code(dossier))

    def _step(self, step: HandoverStep, at: datetime, actor: User) -> bool:
        at = max(at, self.last + _MINUTE).replace(second=0, microsecond=0)
        if at >= self.cutoff:
            return False
        record_handover_step(self.dossier, step, actor, at, "", self.dossier.version, self.receiving.calendar)
        self.last = at
        return True

    def _hand_over_there(self) -> bool:
        """The receiving desk sends the paper file (mostly the same day), the resolving ward acknowledges it;
        about one in ten legs runs a working day late."""
        cross, receiving = self.cross, self.receiving
        sent = shift_by_working_time(receiving.calendar, self.last, timedelta(minutes=cross.uniform(20, 300)))
        if not self._step(HandoverStep.SENT, sent, receiving.clerk):
            return False
        delay = cross.uniform(60, 420) + (_DAY if cross.random() < 0.1 else 0)
        return self._step(HandoverStep.RECEIVED, self._later(self.last, delay), self.desk.clerk)

    def _hand_result_back(self) -> bool:
        cross = self.cross
        if not self._step(HandoverStep.RESULT_SENT, self._later(self.last, cross.uniform(10, 240)), self.desk.clerk):
            return False
        delay = cross.uniform(60, 420) + (_DAY if cross.random() < 0.1 else 0)
        back = shift_by_working_time(self.receiving.calendar, self.last, timedelta(minutes=delay))
        return self._step(HandoverStep.RESULT_RECEIVED, back, self.receiving.clerk)

    def _rate(self, rating_code: str) -> None:
        """Perhaps the citizen's rating on the lookup page with the rating code handed over with the result,
        within three days of collecting it.

        Drawn from a generator seeded by the dossier's code, not from the shared one, so that adding
        ratings left every other draw of the demo (and the figures tests read from it) as it was.
        """
        dossier = self.dossier
        rng = random.Random(dossier.code)
        if rng.random() >= RATING_SHARE:
            return
        rated_at = (self.last + timedelta(minutes=rng.uniform(10, 3 * 24 * 60))).replace(second=0, microsecond=0)
        if rated_at >= self.cutoff:
            return
        late = dossier.resolution == Resolution.LATE
        rating = rng.choices(list(Rating), RATING_WEIGHTS["late" if late else "on_time"])[0]
        comment = rng.choice(RATING_COMMENTS[rating]) if rng.random() < 0.25 else ""
        if not rating_code_matches(dossier, rating_code):
            return  # what the lookup page would refuse
        db.session.add(DossierRating(dossier=dossier, rating=rating, comment=comment, rated_at=rated_at))
        self.rated += 1

    def _start_of_day(self, moment: datetime) -> datetime:
        return datetime.combine(moment.date(), self.desk.calendar.office_hours.periods[0][0])

    def _working_days_after(self, moment: datetime, days: int) -> datetime:
        """The start of office hours on the `days`-th working day after `moment`'s day."""
        day = moment.date()
        for _ in range(days):
            day = self.desk.calendar.next_working_day(day)
        return datetime.combine(day, self.desk.calendar.office_hours.periods[0][0])

    def _working_day_before(self, moment: datetime) -> datetime:
        """The same clock time on the working day before `moment`'s day."""
        day = moment.date() - timedelta(days=1)
        while not self.desk.calendar.is_working_day(day):
            day -= timedelta(days=1)
        return datetime.combine(day, moment.time())
