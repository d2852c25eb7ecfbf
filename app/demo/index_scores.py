"""The demo's PAR index: each demo ward's chair enters the manual criteria of last year and this year with a
link as evidence, the city's officer confirms them, so the index pages and the published results have a
realistic year to show. Made through the real operations; every note says it is demo data."""
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from app.auth.models import Role, User
from app.extensions import db
from app.stats.index_models import Criterion, ManualScore, Rubric
from app.stats.index_service import Evidence, enter_manual_score, review_manual_score
from app.units.models import Unit

QUARTER = Decimal("0.25")
# How well each demo ward did (the share of a manual criterion's points it earns, on average), last year and
# this year: Hà Đông steady and high, Hoàn Kiếm slipping a little, Sóc Sơn improving from a lower start.
WARD_LEVELS = {
    "000.06.01.H26": (Decimal("0.90"), Decimal("0.93")),
    "000.01.01.H26": (Decimal("0.91"), Decimal("0.88")),
    "000.16.01.H26": (Decimal("0.76"), Decimal("0.82")),
}
RUBRICS = ("par-xa", "cchc-tthc", "qd766")


@dataclass
class IndexDemoSummary:
    confirmed: int = 0
    pending: int = 0


def _points(criterion: Criterion, level: Decimal, rng: random.Random) -> Decimal:
    """The level give or take a little, in quarter points, within 0…the criterion's maximum."""
    share = min(max(level + Decimal(rng.randint(-8, 6)) / 100, Decimal("0.4")), Decimal(1))
    points = (criterion.max_points * share / QUARTER).quantize(Decimal(1), rounding=ROUND_HALF_UP) * QUARTER
    return min(points, criterion.max_points)


def load_demo_index_scores(wards: list[Unit], today: date, seed: int = 2025) -> IndexDemoSummary | None:
    """Manual scores of the demo wards on the default rubrics of last year and this year; None (nothing
    written) if a demo ward already has one. This year one criterion of each ward's "cchc-tthc" is left
    awaiting confirmation, as on a real desk in December; "par-xa", the published index, is all confirmed."""
    ward_ids = [ward.id for ward in wards]
    if db.session.scalar(select(func.count()).select_from(ManualScore).where(ManualScore.unit_id.in_(ward_ids))):
        return None
    officer = db.session.scalar(select(User).where(User.username == "canbo.thanhpho"))
    chairs = {user.unit_id: user for user in db.session.scalars(
        select(User).where(User.role == Role.CHAIR, User.unit_id.in_(ward_ids)))}
    rng = random.Random(seed)
    summary = IndexDemoSummary()
    for year_index, year in enumerate((today.year - 1, today.year)):
        entered_at = (datetime(year, 12, 10, 9) if year < today.year
                      else datetime.combine(max(today - timedelta(days=10), date(year, 1, 2)), datetime.min.time())
                      .replace(hour=9))
        rubrics = db.session.scalars(select(Rubric).where(Rubric.year == year, Rubric.code.in_(RUBRICS))).all()
        for ward in wards:
            chair = chairs.get(ward.id)
            if chair is None or officer is None:
                continue
            level = WARD_LEVELS.get(ward.code, (Decimal("0.85"), Decimal("0.85")))[year_index]
            for rubric in rubrics:
                manual = [criterion for criterion in rubric.criteria if criterion.is_manual]
                for position, criterion in enumerate(manual):
                    score = enter_manual_score(
                        criterion, ward, chair, _points(criterion, level, rng),
                        f"Dữ liệu mẫu (demo): tự chấm tiêu chí {criterion.code} năm {year}.",
                        Evidence(url=f"https://minh-chung.demo.invalid/{ward.code}/{year}/{rubric.code}/"
                                     f"{criterion.code}.pdf"),
                        entered_at)
                    db.session.flush()
                    if year == today.year and rubric.code == "cchc-tthc" and position == len(manual) - 1:
                        summary.pending += 1
                        continue
                    review_manual_score(score, officer, True, "", entered_at + timedelta(days=3, hours=2))
                    summary.confirmed += 1
    return summary
