"""Vietnam's working calendar: public holidays, extra days off and make-up Saturdays.

The `holidays` package (country "VN") models the public holidays of Labour Code 2019 art. 112
(1/1, Tết, Hùng Kings 10/3 lunar, 30/4, 1/5, 2/9 with one adjacent day) and the yearly government
decisions that swap a bridge day off for a make-up working Saturday (its `weekend_workdays`).
The administrator's override rows win over it. Pure: no Flask, no database, no clock.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays

from app.worktime.deadlines import OfficeHours, WorkingCalendar


@dataclass(frozen=True)
class DayOverride:
    """An administrator's decision about one day, winning over the package's data.

    `is_working` True makes `day` a working day (a make-up Saturday the package lacks, or a
    package holiday the unit works after all); False makes it a day off.
    """

    day: date
    is_working: bool


@lru_cache(maxsize=32)
def vietnam_days(first_year: int, last_year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, make-up working days) of Vietnam for the years first_year..last_year inclusive.

    Days off are every public holiday the package lists, weekends included (harmless: a weekend
    is already off). Make-up working days are the package's `weekend_workdays`; it may return one
    from the year before `first_year` when it pays for a day off inside the range (27/12/2014 for
    2/1/2015), and it is kept since it is true. Outside the range the calendar knows no holiday.
    Cached: the result is pure and immutable.
    """
    if first_year > last_year:
        raise ValueError(f"first_year {first_year} is after last_year {last_year}")
    vietnam = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
    return frozenset(vietnam.keys()), frozenset(vietnam.weekend_workdays)


def build_calendar(
    office_hours: OfficeHours,
    overrides: Iterable[DayOverride] = (),
    first_year: int = 2015,
    last_year: int = 2040,
) -> WorkingCalendar:
    """The working calendar of one unit: Vietnam's days for first_year..last_year (inclusive),
    then `overrides` on top.

    Pass the overrides that apply to the unit, the nationwide rows first and the unit's own rows
    after them: when several rows name the same day, the last one wins. A working-day override
    removes the day from the days off and makes it a working day even on a weekend; a day-off
    override does the reverse.
    """
    days_off, extra_working_days = vietnam_days(first_year, last_year)
    decisions = {override.day: override.is_working for override in overrides}
    if decisions:
        working = {day for day, is_working in decisions.items() if is_working}
        not_working = decisions.keys() - working
        days_off = (days_off - working) | not_working
        extra_working_days = (extra_working_days - not_working) | working
    return WorkingCalendar(
        office_hours=office_hours, days_off=days_off, extra_working_days=extra_working_days
    )
