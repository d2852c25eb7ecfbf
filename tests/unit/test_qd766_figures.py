"""Decision 766's figures from counts (no data is None, never 0% or 100%), the criteria that lost points, and the
score's trend chart (app/stats/qd766.py, app/stats/chart.py)."""
from decimal import Decimal

from app.stats.chart import score_trend_chart
from app.stats.par_index import CriterionRule, ManualEntry, Method, Rule, Status, score_rubric
from app.stats.qd766 import Counts, figures_of, lost_points


def test_each_figure_is_its_count_over_its_denominator_and_none_without_one():
    figures = figures_of(Counts(received_with_documents=4, received_fully_digitised=3, approved=0, online=5,
                                online_end_to_end=5, paid=10, paid_online=4, feedback_answered=2, feedback_on_time=2))
    assert figures == {"digitised_share": 0.75, "digital_result_share": None, "reuse_share": None,
                       "online_end_to_end_share": 1.0, "online_payment_share": 0.4, "feedback_on_time_share": 1.0,
                       "feedback_satisfaction_share": None}


def test_lost_points_name_the_list_to_fix_most_lost_first():
    rules = [
        CriterionRule("TT-3", "Thanh toán trực tuyến", Decimal(10), Method.AUTO, "online_payment_share",
                      Rule.PROPORTIONAL),
        CriterionRule("SH-1", "Số hóa", Decimal(8), Method.AUTO, "digitised_share", Rule.PROPORTIONAL),
        CriterionRule("HL-1", "Phản ánh đúng hạn", Decimal(6), Method.AUTO, "feedback_on_time_share",
                      Rule.PROPORTIONAL, share_without_data=Decimal(1)),
        CriterionRule("CK-1", "Công khai", Decimal(6), Method.MANUAL),
    ]
    score = score_rubric(rules, {"online_payment_share": 0.9, "digitised_share": 0.5, "feedback_on_time_share": None},
                         {"CK-1": ManualEntry(Decimal(6), Status.CONFIRMED)})
    lost = lost_points(score)
    assert [(item.code, item.lost, item.drill_down) for item in lost] == [
        ("SH-1", Decimal("4.00"), "not_digitised"), ("TT-3", Decimal("1.00"), "not_paid_online")]


def test_the_trend_chart_draws_a_point_per_scored_month_and_breaks_at_a_month_without_score():
    svg = score_trend_chart([("10/2026", Decimal("40.5")), ("11/2026", None), ("12/2026", Decimal("100"))],
                            "Điểm", "Mô tả <b>")
    assert svg.count('class="rate-point"') == 2 and "40,5%" in svg and "100%" in svg
    assert svg.count("M") >= 2 and "&lt;b&gt;" in svg
    assert "Chưa có điểm" in score_trend_chart([("01/2026", None)], "Điểm", "")
