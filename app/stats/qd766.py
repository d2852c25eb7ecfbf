"""Decision 766/QĐ-TTg's service-quality index from the desk's own counts: the figures as fractions, and what a
month's score lost where. Pure: no Flask, no SQLAlchemy; the counts come from `qd766_service`.

Decision 766/QĐ-TTg (23 Jun 2022) scores a unit every month out of 100 in five groups (DOMAIN.md "The
index"): publicity and transparency (18), progress and results (20), digitisation of dossiers (22), online
service and online payment (22), satisfaction (18). Circular 01/2023/TT-VPCP details how each figure is
counted; its text was not at hand here, so each figure below states the count we chose, and the rubric
that weighs them (`builtin_rubrics.QD766`) is marked as a default to adjust. A rate whose denominator is
zero is None ("không có dữ liệu"), never 0% or 100%; the rubric says what such a month scores.

Figures (all over the unit's subtree and the month's days, both inclusive):
- `on_time_rate`: resolved early or on time ÷ resolved in the month (Report 06's, `figures.named_figures`).
- `digitised_share`: dossiers received in the month all of whose documents were digitised at receipt
  (scanned, or an earlier scan of the same applicant reused) ÷ dossiers received with at least one document.
- `digital_result_share`: dossiers approved in the month whose result was digitised or issued
  electronically ÷ dossiers approved in the month.
- `reuse_share`: documents received in the month taken from an earlier digitised one (reused) ÷ documents
  received in the month that were digitised or reused.
- `online_share`: online dossiers ÷ new dossiers (Report 06's).
- `online_end_to_end_share`: online dossiers received end to end (toàn trình) ÷ online dossiers received.
- `online_payment_share`: dossiers whose fee was paid in the month through the portal ÷ dossiers whose
  fee (above zero) was paid in the month.
- `feedback_on_time_share`: feedback answered early or on time ÷ feedback answered in the month.
- `feedback_satisfaction_share`: citizens satisfied with the answer ÷ answers rated in the month.
- `satisfaction_rate`: dossiers rated satisfied ÷ dossiers rated in the month (the public lookup's rating).
"""
from dataclasses import dataclass, field
from decimal import Decimal

from app.stats.par_index import CriterionScore, Method, RubricScore, Status

# figure → (label, what is counted, the lost-point list it drills into or None)
QD766_FIGURES: dict[str, str] = {
    "digitised_share": "Tỷ lệ hồ sơ được số hóa thành phần khi tiếp nhận",
    "digital_result_share": "Tỷ lệ hồ sơ có kết quả được số hóa hoặc cấp bản điện tử",
    "reuse_share": "Tỷ lệ giấy tờ tái sử dụng từ dữ liệu đã số hóa",
    "online_end_to_end_share": "Tỷ lệ hồ sơ trực tuyến toàn trình trong số hồ sơ trực tuyến",
    "online_payment_share": "Tỷ lệ hồ sơ thanh toán phí, lệ phí trực tuyến",
    "feedback_on_time_share": "Tỷ lệ phản ánh, kiến nghị được trả lời đúng hạn",
    "feedback_satisfaction_share": "Tỷ lệ người dân hài lòng với kết quả xử lý phản ánh, kiến nghị",
    "satisfaction_rate": "Tỷ lệ người dân hài lòng khi giải quyết hồ sơ",
}

# The list of records behind each figure that lost points: what the chair must fix.
DRILL_DOWNS: dict[str, str] = {
    "on_time_rate": "late",
    "digitised_share": "not_digitised",
    "digital_result_share": "paper_result",
    "online_payment_share": "not_paid_online",
    "feedback_on_time_share": "feedback_late",
    "feedback_satisfaction_share": "feedback_unsatisfied",
}
DRILL_DOWN_LABELS = {
    "late": "Hồ sơ giải quyết quá hạn",
    "not_digitised": "Hồ sơ chưa số hóa đủ thành phần khi tiếp nhận",
    "paper_result": "Hồ sơ có kết quả chỉ bằng bản giấy (chưa số hóa, chưa cấp bản điện tử)",
    "not_paid_online": "Hồ sơ nộp phí, lệ phí không qua thanh toán trực tuyến",
    "feedback_late": "Phản ánh, kiến nghị trả lời quá hạn",
    "feedback_unsatisfied": "Phản ánh, kiến nghị người dân không hài lòng với kết quả trả lời",
}


@dataclass(frozen=True)
class Counts:
    """The month's counts one unit's figures are made of (each a number of dossiers, documents or items)."""

    received_with_documents: int = 0
    received_fully_digitised: int = 0
    approved: int = 0
    approved_digital_result: int = 0
    documents_digitised_or_reused: int = 0
    documents_reused: int = 0
    online: int = 0
    online_end_to_end: int = 0
    paid: int = 0
    paid_online: int = 0
    feedback_answered: int = 0
    feedback_on_time: int = 0
    feedback_rated: int = 0
    feedback_satisfied: int = 0


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def figures_of(counts: Counts) -> dict[str, float | None]:
    """The 766 figures of `counts`, unrounded (a band at 100% must not be reached by 99.99%)."""
    return {
        "digitised_share": _rate(counts.received_fully_digitised, counts.received_with_documents),
        "digital_result_share": _rate(counts.approved_digital_result, counts.approved),
        "reuse_share": _rate(counts.documents_reused, counts.documents_digitised_or_reused),
        "online_end_to_end_share": _rate(counts.online_end_to_end, counts.online),
        "online_payment_share": _rate(counts.paid_online, counts.paid),
        "feedback_on_time_share": _rate(counts.feedback_on_time, counts.feedback_answered),
        "feedback_satisfaction_share": _rate(counts.feedback_satisfied, counts.feedback_rated),
    }


@dataclass(frozen=True)
class LostPoints:
    """A criterion that scored below its maximum, and the list of records behind it (if the data has one)."""

    code: str
    name: str
    figure: str | None
    value: float | None
    points: Decimal
    max_points: Decimal
    status: Status
    drill_down: str | None

    @property
    def lost(self) -> Decimal:
        return self.max_points - self.points


def lost_points(score: RubricScore) -> list[LostPoints]:
    """Criteria that lost points, most lost first: automatic ones name the records to look at; manual ones
    not yet confirmed say so."""
    lost = [
        LostPoints(item.code, item.name, item.figure, item.value, item.points, item.max_points, item.status,
                   DRILL_DOWNS.get(item.figure or "") if item.method == Method.AUTO else None)
        for item in score.criteria if item.points < item.max_points
    ]
    return sorted(lost, key=lambda item: (-(item.max_points - item.points), item.code))


@dataclass(frozen=True)
class MonthScore:
    """One month of a unit on the 766 rubric: total, percent and each group (area)."""

    month: str  # "YYYY-MM"
    points: Decimal
    max_points: Decimal
    percent: Decimal | None
    groups: tuple = field(default_factory=tuple)  # par_results.AreaScore


def criterion_by_code(score: RubricScore) -> dict[str, CriterionScore]:
    return {item.code: item for item in score.criteria}
