"""Vietnam's calendar from the holidays package, and the administrator's overrides on top."""

from datetime import datetime
from decimal import Decimal

import pytest

from app.worktime.deadlines import OfficeHours, due_after_working_days, due_after_working_hours
from app.worktime.vietnam import DayOverride, build_calendar, vietnam_days


def on(text: str):
    return datetime.strptime(text, "%d/%m/%Y").date()


def at(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M")


VIETNAM = build_calendar(OfficeHours())


@pytest.mark.parametrize(
    "day",
    [
        "01/01/2024",
        "08/02/2024", "09/02/2024", "10/02/2024", "11/02/2024",
        "12/02/2024", "13/02/2024", "14/02/2024",
        "18/04/2024", "29/04/2024", "30/04/2024", "01/05/2024",
        "02/09/2024", "03/09/2024",
        "27/01/2025", "28/01/2025", "29/01/2025", "30/01/2025", "31/01/2025",
        "07/04/2025", "30/04/2025", "01/05/2025", "02/05/2025",
        "01/09/2025", "02/09/2025",
        "16/02/2026", "17/02/2026", "18/02/2026", "19/02/2026", "20/02/2026",
        "27/04/2026", "31/08/2026", "01/09/2026", "02/09/2026",
    ],
)
def test_public_holidays_and_bridge_days_are_days_off(day):
    days_off, _ = vietnam_days(2015, 2040)
    assert on(day) in days_off
    assert not VIETNAM.is_working_day(on(day))


@pytest.mark.parametrize("day", ["04/05/2024", "26/04/2025", "22/08/2026"])
def test_make_up_saturdays_are_working_days(day):
    _, make_up_days = vietnam_days(2015, 2040)
    assert on(day) in make_up_days
    assert VIETNAM.is_working_day(on(day))


@pytest.mark.parametrize(
    "day",
    [
        "07/02/2024", "15/02/2024", "03/02/2025", "23/02/2026",
        "02/05/2024", "06/05/2024", "04/09/2024", "03/09/2025", "03/09/2026",
    ],
)
def test_weekdays_around_the_holidays_are_working_days(day):
    assert VIETNAM.is_working_day(on(day))


@pytest.mark.parametrize("day", ["11/05/2024", "03/05/2025", "29/08/2026", "21/02/2026"])
def test_ordinary_saturdays_are_days_off(day):
    assert not VIETNAM.is_working_day(on(day))


@pytest.mark.parametrize(
    ("received_at", "days", "expected"),
    [
        ("07/02/2024 10:00", 1, "15/02/2024 10:00"),
        ("24/01/2025 09:00", 1, "03/02/2025 09:00"),
        ("13/02/2026 10:00", 1, "23/02/2026 10:00"),
        ("26/04/2024 10:00", 3, "04/05/2024 10:00"),
        ("04/05/2024 09:00", 1, "06/05/2024 09:00"),
        ("25/04/2025 10:00", 1, "26/04/2025 10:00"),
        ("28/08/2026 10:00", 1, "03/09/2026 10:00"),
        ("07/02/2024 15:00", Decimal("0.5"), "15/02/2024 10:00"),
    ],
)
def test_due_date_skips_lunar_new_year_and_counts_make_up_saturdays(received_at, days, expected):
    assert due_after_working_days(VIETNAM, at(received_at), days) == at(expected)


def test_a_unit_can_declare_a_normal_monday_a_day_off():
    monday = on("13/01/2025")
    calendar = build_calendar(OfficeHours(), [DayOverride(monday, is_working=False)])
    assert not calendar.is_working_day(monday)
    assert due_after_working_days(calendar, at("10/01/2025 10:00"), 1) == at("14/01/2025 10:00")


def test_a_unit_can_declare_a_saturday_a_working_day():
    saturday = on("11/01/2025")
    calendar = build_calendar(OfficeHours(), [DayOverride(saturday, is_working=True)])
    assert calendar.is_working_day(saturday)
    assert due_after_working_days(calendar, at("10/01/2025 10:00"), 1) == at("11/01/2025 10:00")
    assert due_after_working_hours(calendar, at("10/01/2025 16:00"), 2) == at("11/01/2025 09:00")


def test_a_package_holiday_can_be_overridden_back_to_a_working_day():
    national_day = on("02/09/2025")
    calendar = build_calendar(OfficeHours(), [DayOverride(national_day, is_working=True)])
    assert calendar.is_working_day(national_day)
    assert not calendar.is_working_day(on("01/09/2025"))
    assert due_after_working_days(calendar, at("29/08/2025 10:00"), 1) == at("02/09/2025 10:00")


def test_a_package_make_up_saturday_can_be_overridden_to_a_day_off():
    calendar = build_calendar(OfficeHours(), [DayOverride(on("04/05/2024"), is_working=False)])
    assert not calendar.is_working_day(on("04/05/2024"))
    assert due_after_working_days(calendar, at("03/05/2024 10:00"), 1) == at("06/05/2024 10:00")


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        ([False, True], True),
        ([True, False], False),
        ([False, True, False], False),
    ],
)
def test_the_last_override_of_a_day_wins(decisions, expected):
    monday = on("13/01/2025")
    overrides = [DayOverride(monday, is_working) for is_working in decisions]
    assert build_calendar(OfficeHours(), overrides).is_working_day(monday) is expected


def test_overrides_of_one_unit_do_not_leak_into_another():
    build_calendar(OfficeHours(), [DayOverride(on("02/09/2025"), is_working=True)])
    assert not build_calendar(OfficeHours()).is_working_day(on("02/09/2025"))


def test_the_calendar_keeps_the_office_hours_it_is_given():
    office_hours = OfficeHours.parse("07:30-11:30,13:30-17:00")
    assert build_calendar(office_hours).office_hours == office_hours


def test_the_calendar_knows_no_holiday_outside_its_years():
    calendar = build_calendar(OfficeHours(), first_year=2024, last_year=2024)
    assert not calendar.is_working_day(on("01/01/2024"))
    assert calendar.is_working_day(on("01/01/2025"))


def test_vietnam_days_are_computed_once_per_range():
    assert vietnam_days(2024, 2026) is vietnam_days(2024, 2026)


def test_a_backwards_year_range_is_refused():
    with pytest.raises(ValueError):
        vietnam_days(2026, 2024)
