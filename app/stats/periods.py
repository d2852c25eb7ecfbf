"""Reporting periods (DOMAIN.md "Periods"): month, quarter, half-year, year, or any range of days.

Pure logic. With a cutoff day of 15 (government reporting, Decree 09/2019/NĐ-CP art. 12), a period
runs from the 15th of the month before its first month to the 14th of its last month: the first
quarter of 2026 is 15/12/2025–14/03/2026. With a cutoff of 1, periods are calendar periods.
Bounds are inclusive days.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date  # first day, inclusive
    end: date  # last day, inclusive
    label: str

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("ngày kết thúc trước ngày bắt đầu")


def _first_day(year: int, month: int, cutoff_day: int) -> date:
    """The first day of the reporting month (year, month)."""
    if cutoff_day == 1:
        return date(year, month, 1)
    previous_year, previous_month = (year - 1, 12) if month == 1 else (year, month - 1)
    return date(previous_year, previous_month, cutoff_day)


def _months(year: int, first_month: int, count: int, cutoff_day: int) -> tuple[date, date]:
    """First and last day of `count` reporting months starting at (year, first_month)."""
    last_month = first_month + count - 1
    next_year, next_month = (year + 1, last_month - 11) if last_month == 12 else (year, last_month + 1)
    if last_month > 12:
        raise ValueError("tháng ngoài năm")
    return _first_day(year, first_month, cutoff_day), _first_day(next_year, next_month, cutoff_day) - timedelta(days=1)


def month(year: int, number: int, cutoff_day: int = 1) -> Period:
    start, end = _months(year, number, 1, cutoff_day)
    return Period(PeriodKind.MONTH, start, end, f"Tháng {number}/{year}")


def quarter(year: int, number: int, cutoff_day: int = 1) -> Period:
    if number not in ROMAN:
        raise ValueError("quý phải từ 1 đến 4")
    start, end = _months(year, 3 * number - 2, 3, cutoff_day)
    return Period(PeriodKind.QUARTER, start, end, f"Quý {ROMAN[number]}/{year}")


def half_year(year: int, number: int, cutoff_day: int = 1) -> Period:
    if number not in (1, 2):
        raise ValueError("nửa năm phải là 1 hoặc 2")
    start, end = _months(year, 6 * number - 5, 6, cutoff_day)
    return Period(PeriodKind.HALF_YEAR, start, end, f"6 tháng {'đầu' if number == 1 else 'cuối'} năm {year}")


def year(number: int, cutoff_day: int = 1) -> Period:
    start, end = _months(number, 1, 12, cutoff_day)
    return Period(PeriodKind.YEAR, start, end, f"Năm {number}")


def custom(start: date, end: date) -> Period:
    return Period(PeriodKind.CUSTOM, start, end, f"Từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}")


def containing(day: date, kind: PeriodKind, cutoff_day: int = 1) -> Period:
    """The period of `kind` that `day` falls in."""
    # With a cutoff of 15, the 15th onwards belongs to the next reporting month.
    y, m = day.year, day.month
    if cutoff_day != 1 and day.day >= cutoff_day:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if kind == PeriodKind.MONTH:
        return month(y, m, cutoff_day)
    if kind == PeriodKind.QUARTER:
        return quarter(y, (m - 1) // 3 + 1, cutoff_day)
    if kind == PeriodKind.HALF_YEAR:
        return half_year(y, 1 if m <= 6 else 2, cutoff_day)
    if kind == PeriodKind.YEAR:
        return year(y, cutoff_day)
    raise ValueError(f"không có kỳ {kind}")


def last_months(today: date, count: int) -> list[Period]:
    """The `count` calendar months up to and including today's, oldest first (for the dashboard chart)."""
    months = []
    y, m = today.year, today.month
    for _ in range(count):
        months.append(month(y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return months[::-1]
