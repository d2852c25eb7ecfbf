"""How numbers, percentages and working time are written for Vietnamese readers."""
from datetime import timedelta
from decimal import Decimal

import pytest

from app.jinja_filters import format_number, format_percent, format_working_span, format_working_time


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(0, "0 phút"), (45, "45 phút"), (60, "1 giờ"), (204, "3 giờ 24 phút"), (60 * 1234, "1.234 giờ")],
)
def test_working_time_is_shown_in_hours_and_minutes(minutes, shown):
    assert format_working_time(timedelta(minutes=minutes)) == shown


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(45, "45 phút"), (204, "3 giờ 24 phút"), (8 * 60, "1 ngày"), (68 * 60 + 24, "8 ngày 4 giờ"), (16 * 60 + 30, "2 ngày")],
)
def test_how_late_is_shown_in_working_days_and_hours(minutes, shown):
    assert format_working_span(timedelta(minutes=minutes), timedelta(hours=8)) == shown


@pytest.mark.parametrize(("value", "shown"), [(4403, "4.403"), (Decimal("0.5"), "0,5"), (Decimal("12.50"), "12,5"), (96.1, "96,1")])
def test_numbers_use_dots_for_thousands_and_commas_for_decimals(value, shown):
    assert format_number(value) == shown


def test_a_rate_with_nothing_to_divide_by_is_no_data_not_zero():
    assert format_percent(144, 174) == "82,8%"
    assert format_percent(0, 0) == "không có dữ liệu"
