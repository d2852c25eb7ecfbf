"""Due dates in working time, checked against Vietnam's real 2024-2026 calendar typed by hand."""

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from app.worktime.deadlines import (
    MAX_DAYS_WITHOUT_WORK,
    OfficeHours,
    TimeUnit,
    WorkingCalendar,
    due_after_calendar_days,
    due_after_working_days,
    due_after_working_hours,
    due_at,
    effective_receipt,
    shift_by_working_time,
    working_time_between,
)


def on(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()


def at(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M")


# Weekday days off from the government's yearly notices (Labour Code 2019 art. 112), typed by
# hand so these tests do not depend on the holidays package; weekend holidays change nothing.
VIETNAM_DAYS_OFF = frozenset(
    on(text)
    for text in (
        "01/01/2024",
        "08/02/2024", "09/02/2024", "12/02/2024", "13/02/2024", "14/02/2024",
        "18/04/2024", "29/04/2024", "30/04/2024", "01/05/2024",
        "02/09/2024", "03/09/2024",
        "01/01/2025",
        "27/01/2025", "28/01/2025", "29/01/2025", "30/01/2025", "31/01/2025",
        "07/04/2025", "30/04/2025", "01/05/2025", "02/05/2025",
        "01/09/2025", "02/09/2025",
        "01/01/2026",
        "16/02/2026", "17/02/2026", "18/02/2026", "19/02/2026", "20/02/2026",
        "27/04/2026", "30/04/2026", "01/05/2026",
        "31/08/2026", "01/09/2026", "02/09/2026",
    )
)
MAKE_UP_SATURDAYS = frozenset({on("04/05/2024"), on("26/04/2025"), on("22/08/2026")})

VIETNAM = WorkingCalendar(OfficeHours(), VIETNAM_DAYS_OFF, MAKE_UP_SATURDAYS)
NO_HOLIDAYS = WorkingCalendar(OfficeHours(), frozenset(), frozenset())


@pytest.mark.parametrize(
    ("received_at", "expected"),
    [
        ("08/01/2024 08:00", "08/01/2024 08:00"),
        ("08/01/2024 07:30", "08/01/2024 08:00"),
        ("08/01/2024 10:15", "08/01/2024 10:15"),
        ("08/01/2024 12:00", "08/01/2024 13:00"),
        ("08/01/2024 12:30", "08/01/2024 13:00"),
        ("08/01/2024 13:00", "08/01/2024 13:00"),
        ("08/01/2024 16:59", "08/01/2024 16:59"),
        ("08/01/2024 17:00", "09/01/2024 08:00"),
        ("08/01/2024 19:45", "09/01/2024 08:00"),
        ("12/01/2024 17:30", "15/01/2024 08:00"),
        ("13/01/2024 09:00", "15/01/2024 08:00"),
        ("14/01/2024 15:00", "15/01/2024 08:00"),
        ("01/01/2024 10:00", "02/01/2024 08:00"),
        ("07/02/2024 17:05", "15/02/2024 08:00"),
        ("16/02/2026 10:00", "23/02/2026 08:00"),
        ("29/08/2026 10:00", "03/09/2026 08:00"),
        ("04/05/2024 09:30", "04/05/2024 09:30"),
        ("03/05/2024 18:00", "04/05/2024 08:00"),
        ("26/04/2025 07:00", "26/04/2025 08:00"),
    ],
)
def test_dossier_received_outside_office_hours_counts_from_the_next_working_period(
    received_at, expected
):
    assert effective_receipt(VIETNAM, at(received_at)) == at(expected)


@pytest.mark.parametrize(
    ("received_at", "days", "expected"),
    [
        ("08/01/2024 10:00", 3, "11/01/2024 10:00"),
        ("08/01/2024 10:00", 5, "15/01/2024 10:00"),
        ("08/01/2024 10:00", Decimal("2.0"), "10/01/2024 10:00"),
        ("08/01/2024 17:30", 1, "10/01/2024 08:00"),
        ("08/01/2024 12:00", 1, "09/01/2024 13:00"),
        ("08/01/2024 12:30", 2, "10/01/2024 13:00"),
        ("13/01/2024 10:00", 1, "16/01/2024 08:00"),
        ("17/04/2024 10:00", 1, "19/04/2024 10:00"),
        ("07/02/2024 10:00", 1, "15/02/2024 10:00"),
        ("06/02/2024 14:00", 3, "16/02/2024 14:00"),
        ("09/02/2024 09:00", 1, "16/02/2024 08:00"),
        ("24/01/2025 09:00", 1, "03/02/2025 09:00"),
        ("23/01/2025 15:30", 2, "03/02/2025 15:30"),
        ("13/02/2026 10:00", 1, "23/02/2026 10:00"),
        ("12/02/2026 16:00", 3, "24/02/2026 16:00"),
        ("30/08/2024 10:00", 1, "04/09/2024 10:00"),
        ("29/08/2025 10:00", 1, "03/09/2025 10:00"),
        ("28/08/2026 10:00", 1, "03/09/2026 10:00"),
    ],
)
def test_due_date_is_the_nth_working_day_at_the_clock_time_of_receipt(received_at, days, expected):
    assert due_after_working_days(VIETNAM, at(received_at), days) == at(expected)


@pytest.mark.parametrize(
    ("received_at", "days", "expected"),
    [
        ("03/05/2024 10:00", 1, "04/05/2024 10:00"),
        ("02/05/2024 10:00", 2, "04/05/2024 10:00"),
        ("04/05/2024 09:00", 1, "06/05/2024 09:00"),
        ("26/04/2024 10:00", 1, "02/05/2024 10:00"),
        ("26/04/2024 10:00", 3, "04/05/2024 10:00"),
        ("25/04/2025 10:00", 1, "26/04/2025 10:00"),
        ("26/04/2025 08:30", 1, "28/04/2025 08:30"),
        ("29/04/2025 10:00", 1, "05/05/2025 10:00"),
        ("21/08/2026 10:00", 1, "22/08/2026 10:00"),
    ],
)
def test_due_date_counts_make_up_saturdays_as_working_days(received_at, days, expected):
    assert due_after_working_days(VIETNAM, at(received_at), days) == at(expected)


@pytest.mark.parametrize(
    ("received_at", "days", "expected"),
    [
        ("08/01/2024 10:00", Decimal("0.5"), "08/01/2024 15:00"),
        ("08/01/2024 15:00", Decimal("0.5"), "09/01/2024 10:00"),
        ("08/01/2024 08:00", Decimal("0.5"), "08/01/2024 12:00"),
        ("08/01/2024 13:00", Decimal("0.5"), "08/01/2024 17:00"),
        ("08/01/2024 10:00", Decimal("0.25"), "08/01/2024 12:00"),
        ("08/01/2024 10:00", Decimal("1.5"), "09/01/2024 15:00"),
        ("08/01/2024 15:00", Decimal("1.5"), "10/01/2024 10:00"),
        ("08/01/2024 15:00", 1.5, "10/01/2024 10:00"),
        ("12/01/2024 15:00", Decimal("0.5"), "15/01/2024 10:00"),
        ("07/02/2024 15:00", Decimal("0.5"), "15/02/2024 10:00"),
        ("03/05/2024 15:00", Decimal("0.5"), "04/05/2024 10:00"),
    ],
)
def test_half_a_working_day_is_four_working_hours(received_at, days, expected):
    assert due_after_working_days(VIETNAM, at(received_at), days) == at(expected)


def test_a_fraction_of_a_day_follows_the_length_of_the_office_day():
    office_hours = OfficeHours(((time(7, 30), time(11, 30)), (time(13, 30), time(17))))
    calendar = WorkingCalendar(office_hours, frozenset(), frozenset())
    # 7.5 hours a day, so half a day is 3 h 45: 1 h 30 before lunch, 2 h 15 after 13:30.
    assert due_after_working_days(calendar, at("08/01/2024 10:00"), Decimal("0.5")) == at(
        "08/01/2024 15:45"
    )


@pytest.mark.parametrize(
    ("received_at", "hours", "expected"),
    [
        ("08/01/2024 10:00", 1, "08/01/2024 11:00"),
        ("08/01/2024 10:00", 2, "08/01/2024 12:00"),
        ("08/01/2024 10:00", 3, "08/01/2024 14:00"),
        ("08/01/2024 13:00", 4, "08/01/2024 17:00"),
        ("08/01/2024 08:00", 8, "08/01/2024 17:00"),
        ("08/01/2024 08:00", 9, "09/01/2024 09:00"),
        ("08/01/2024 16:00", 2, "09/01/2024 09:00"),
        ("08/01/2024 10:00", 24, "11/01/2024 10:00"),
        ("09/01/2024 09:00", 40, "16/01/2024 09:00"),
        ("12/01/2024 16:00", 2, "15/01/2024 09:00"),
        ("08/01/2024 18:00", 4, "09/01/2024 12:00"),
        ("08/01/2024 12:15", 1, "08/01/2024 14:00"),
        ("08/01/2024 10:30", Decimal("1.5"), "08/01/2024 12:00"),
        ("08/01/2024 11:30", Decimal("0.75"), "08/01/2024 13:15"),
        ("07/02/2024 16:00", 4, "15/02/2024 11:00"),
        ("04/05/2024 16:00", 2, "06/05/2024 09:00"),
    ],
)
def test_working_hours_run_only_in_office_periods(received_at, hours, expected):
    assert due_after_working_hours(VIETNAM, at(received_at), hours) == at(expected)


@pytest.mark.parametrize(
    ("received_at", "days", "expected"),
    [
        ("08/01/2024 10:00", 3, "11/01/2024 10:00"),
        ("08/01/2024 10:00", 5, "15/01/2024 10:00"),
        ("08/01/2024 10:00", 6, "15/01/2024 10:00"),
        ("08/01/2024 10:00", 7, "15/01/2024 10:00"),
        ("08/01/2024 10:00", Decimal("3.0"), "11/01/2024 10:00"),
        ("01/02/2024 10:00", 7, "15/02/2024 10:00"),
        ("06/02/2024 09:00", 3, "15/02/2024 09:00"),
        ("15/01/2025 10:00", 14, "03/02/2025 10:00"),
        ("13/01/2024 11:00", 2, "17/01/2024 08:00"),
        ("08/01/2024 17:30", 1, "10/01/2024 08:00"),
        ("02/05/2024 10:00", 2, "04/05/2024 10:00"),
        ("28/08/2025 10:00", 4, "03/09/2025 10:00"),
        ("08/01/2024 10:00", Decimal("1.5"), "09/01/2024 15:00"),
        ("12/01/2024 10:00", Decimal("0.5"), "12/01/2024 15:00"),
    ],
)
def test_calendar_days_landing_on_a_day_off_move_to_the_next_working_day(
    received_at, days, expected
):
    assert due_after_calendar_days(VIETNAM, at(received_at), days) == at(expected)


@pytest.mark.parametrize(
    ("unit", "value", "expected"),
    [
        (TimeUnit.WORKING_DAYS, 1, "15/02/2024 10:00"),
        (TimeUnit.WORKING_HOURS, 8, "15/02/2024 10:00"),
        (TimeUnit.DAYS, 1, "15/02/2024 10:00"),
        (TimeUnit.DAYS, 9, "16/02/2024 10:00"),
        (TimeUnit.WORKING_DAYS, 2, "16/02/2024 10:00"),
        ("working_days", 2, "16/02/2024 10:00"),
        ("working_hours", Decimal("0.5"), "07/02/2024 10:30"),
    ],
)
def test_due_at_picks_the_rule_of_the_time_unit(unit, value, expected):
    assert due_at(VIETNAM, at("07/02/2024 10:00"), value, unit) == at(expected)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("08/01/2024 09:00", "08/01/2024 11:30", timedelta(hours=2, minutes=30)),
        ("08/01/2024 11:00", "08/01/2024 14:00", timedelta(hours=2)),
        ("08/01/2024 12:10", "08/01/2024 12:50", timedelta(0)),
        ("08/01/2024 08:00", "08/01/2024 17:00", timedelta(hours=8)),
        ("08/01/2024 00:00", "09/01/2024 00:00", timedelta(hours=8)),
        ("08/01/2024 16:00", "09/01/2024 09:00", timedelta(hours=2)),
        ("08/01/2024 17:00", "09/01/2024 08:00", timedelta(0)),
        ("12/01/2024 15:00", "15/01/2024 10:00", timedelta(hours=4)),
        ("14/01/2024 08:00", "14/01/2024 17:00", timedelta(0)),
        ("08/01/2024 00:00", "15/01/2024 00:00", timedelta(hours=40)),
        ("01/01/2024 00:00", "01/02/2024 00:00", timedelta(hours=22 * 8)),
        ("07/02/2024 15:00", "15/02/2024 10:00", timedelta(hours=4)),
        ("30/08/2024 08:00", "05/09/2024 08:00", timedelta(hours=16)),
        ("03/05/2024 13:00", "06/05/2024 08:00", timedelta(hours=12)),
        ("08/01/2024 10:00", "08/01/2024 10:00", timedelta(0)),
        ("09/01/2024 10:00", "08/01/2024 10:00", timedelta(0)),
    ],
)
def test_working_time_between_counts_only_office_time(start, end, expected):
    assert working_time_between(VIETNAM, at(start), at(end)) == expected


@pytest.mark.parametrize(
    ("due", "paused", "expected"),
    [
        ("08/01/2024 10:00", timedelta(0), "08/01/2024 10:00"),
        ("12/01/2024 17:00", timedelta(0), "12/01/2024 17:00"),
        ("08/01/2024 10:00", timedelta(hours=1), "08/01/2024 11:00"),
        ("08/01/2024 10:00", timedelta(minutes=90), "08/01/2024 11:30"),
        ("08/01/2024 10:00", timedelta(hours=3), "08/01/2024 14:00"),
        ("08/01/2024 15:00", timedelta(hours=2), "08/01/2024 17:00"),
        ("08/01/2024 16:00", timedelta(hours=2), "09/01/2024 09:00"),
        ("12/01/2024 16:00", timedelta(hours=3), "15/01/2024 10:00"),
        ("12/01/2024 17:00", timedelta(hours=1), "15/01/2024 09:00"),
        ("08/01/2024 10:00", timedelta(hours=16), "10/01/2024 10:00"),
        ("07/02/2024 16:00", timedelta(hours=8), "15/02/2024 16:00"),
    ],
)
def test_supplement_pause_moves_the_due_date_by_working_time(due, paused, expected):
    assert shift_by_working_time(VIETNAM, at(due), paused) == at(expected)


def test_paused_time_measured_between_two_moments_moves_the_due_date_back_by_as_much():
    requested_at, supplied_at = at("12/01/2024 15:00"), at("15/01/2024 10:00")
    paused = working_time_between(VIETNAM, requested_at, supplied_at)
    assert shift_by_working_time(VIETNAM, at("16/01/2024 10:00"), paused) == at("16/01/2024 15:00")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("08/01/2024", True),
        ("13/01/2024", False),
        ("14/01/2024", False),
        ("08/02/2024", False),
        ("04/05/2024", True),
        ("11/05/2024", False),
    ],
)
def test_a_day_is_working_by_make_up_list_then_days_off_then_weekday(day, expected):
    assert VIETNAM.is_working_day(on(day)) is expected


def test_a_make_up_day_wins_over_a_day_off_listed_for_the_same_date():
    saturday = on("04/05/2024")
    calendar = WorkingCalendar(OfficeHours(), frozenset({saturday}), frozenset({saturday}))
    assert calendar.is_working_day(saturday)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("08/01/2024", "09/01/2024"),
        ("12/01/2024", "15/01/2024"),
        ("13/01/2024", "15/01/2024"),
        ("07/02/2024", "15/02/2024"),
        ("03/05/2024", "04/05/2024"),
        ("24/01/2025", "03/02/2025"),
    ],
)
def test_next_working_day_is_strictly_after_the_given_day(day, expected):
    assert VIETNAM.next_working_day(on(day)) == on(expected)


def test_working_periods_of_a_working_day_are_the_office_periods_on_that_date():
    assert VIETNAM.working_periods(on("04/05/2024")) == [
        (at("04/05/2024 08:00"), at("04/05/2024 12:00")),
        (at("04/05/2024 13:00"), at("04/05/2024 17:00")),
    ]


@pytest.mark.parametrize("day", ["13/01/2024", "12/02/2024", "31/08/2026"])
def test_working_periods_of_a_day_off_are_empty(day):
    assert VIETNAM.working_periods(on(day)) == []


@pytest.mark.parametrize(
    ("text", "periods", "hours_per_day"),
    [
        ("08:00-12:00,13:00-17:00", ((time(8), time(12)), (time(13), time(17))), Decimal(8)),
        (
            " 07:30-11:30 , 13:30-17:00 ",
            ((time(7, 30), time(11, 30)), (time(13, 30), time(17))),
            Decimal("7.5"),
        ),
        ("8:00 - 17:00", ((time(8), time(17)),), Decimal(9)),
        ("08:00-12:00,12:00-16:00", ((time(8), time(12)), (time(12), time(16))), Decimal(8)),
    ],
)
def test_office_hours_are_read_from_text(text, periods, hours_per_day):
    office_hours = OfficeHours.parse(text)
    assert office_hours.periods == periods
    assert office_hours.weekdays == frozenset({0, 1, 2, 3, 4})
    assert office_hours.hours_per_day == hours_per_day


def test_default_office_hours_are_eight_hours_monday_to_friday_and_print_as_they_parse():
    office_hours = OfficeHours()
    assert office_hours == OfficeHours.parse("08:00-12:00,13:00-17:00")
    assert str(office_hours) == "08:00-12:00,13:00-17:00"
    assert office_hours.hours_per_day == Decimal(8)
    assert isinstance(office_hours.hours_per_day, Decimal)
    assert office_hours.working_time_per_day == timedelta(hours=8)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("08:00", "not written like"),
        ("08-12", "not written like"),
        ("08:00-12:00;13:00-17:00", "not written like"),
        ("08:00-12:00,,13:00-17:00", "not written like"),
        ("25:00-26:00", "not a valid time"),
        ("08:60-12:00", "not a valid time"),
        ("12:00-08:00", "must end after it starts"),
        ("08:00-08:00", "must end after it starts"),
        ("13:00-17:00,08:00-12:00", "in order and not overlap"),
        ("08:00-12:30,12:00-17:00", "in order and not overlap"),
    ],
)
def test_malformed_office_hours_are_refused_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        OfficeHours.parse(text)


@pytest.mark.parametrize(
    ("periods", "weekdays"),
    [
        ((), frozenset({0, 1, 2, 3, 4})),
        (((time(8), time(12)),), frozenset({7})),
    ],
)
def test_office_hours_without_periods_or_with_unknown_weekdays_are_refused(periods, weekdays):
    with pytest.raises(ValueError):
        OfficeHours(periods, weekdays)


@pytest.mark.parametrize(
    "compute",
    [
        lambda received: due_after_working_days(VIETNAM, received, 0),
        lambda received: due_after_working_days(VIETNAM, received, -1),
        lambda received: due_after_working_days(VIETNAM, received, Decimal("-0.5")),
        lambda received: due_after_working_days(VIETNAM, received, Decimal("NaN")),
        lambda received: due_after_working_days(VIETNAM, received, Decimal("Infinity")),
        lambda received: due_after_working_hours(VIETNAM, received, 0),
        lambda received: due_after_working_hours(VIETNAM, received, Decimal("0.0")),
        lambda received: due_after_calendar_days(VIETNAM, received, 0),
        lambda received: due_after_calendar_days(VIETNAM, received, -3),
        lambda received: due_at(VIETNAM, received, 0, TimeUnit.WORKING_DAYS),
        lambda received: due_at(VIETNAM, received, 3, "weeks"),
        lambda received: shift_by_working_time(VIETNAM, received, timedelta(minutes=-1)),
        lambda received: effective_receipt(VIETNAM, received.replace(tzinfo=timezone.utc)),
    ],
)
def test_invalid_amounts_units_and_aware_times_raise_value_error(compute):
    with pytest.raises(ValueError):
        compute(at("08/01/2024 10:00"))


def test_a_non_number_amount_raises_type_error():
    with pytest.raises(TypeError):
        due_after_working_days(VIETNAM, at("08/01/2024 10:00"), True)


@pytest.mark.parametrize(
    "compute",
    [
        lambda calendar: calendar.next_working_day(on("08/01/2024")),
        lambda calendar: effective_receipt(calendar, at("08/01/2024 10:00")),
        lambda calendar: due_after_working_days(calendar, at("08/01/2024 10:00"), 1),
        lambda calendar: due_after_working_hours(calendar, at("08/01/2024 10:00"), 1),
    ],
)
def test_a_calendar_without_any_working_day_fails_instead_of_looping(compute):
    closed = WorkingCalendar(OfficeHours(weekdays=frozenset()), frozenset(), frozenset())
    with pytest.raises(ValueError, match=f"no working day within {MAX_DAYS_WITHOUT_WORK} days"):
        compute(closed)


def test_a_calendar_without_holidays_counts_every_weekday():
    assert due_after_working_days(NO_HOLIDAYS, at("07/02/2024 10:00"), 1) == at("08/02/2024 10:00")
