"""Reporting periods: month, quarter, half-year and year with the government cutoff (15) and calendar (1)."""
from datetime import date, timedelta
from itertools import pairwise

import pytest

from app.stats.periods import Period, PeriodKind, containing, custom, half_year, last_months, month, quarter, year


@pytest.mark.parametrize(("period", "start", "end"), [
    # Calendar periods (cutoff 1).
    (month(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 31)),
    (month(2024, 2, 1), date(2024, 2, 1), date(2024, 2, 29)),
    (month(2026, 2, 1), date(2026, 2, 1), date(2026, 2, 28)),
    (month(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 31)),
    (quarter(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
    (quarter(2026, 2, 1), date(2026, 4, 1), date(2026, 6, 30)),
    (quarter(2026, 3, 1), date(2026, 7, 1), date(2026, 9, 30)),
    (quarter(2026, 4, 1), date(2026, 10, 1), date(2026, 12, 31)),
    (half_year(2026, 1, 1), date(2026, 1, 1), date(2026, 6, 30)),
    (half_year(2026, 2, 1), date(2026, 7, 1), date(2026, 12, 31)),
    (year(2026, 1), date(2026, 1, 1), date(2026, 12, 31)),
    # Government reporting (cutoff 15, Decree 09/2019): from the 15th of the month before to the 14th.
    (month(2026, 1, 15), date(2025, 12, 15), date(2026, 1, 14)),
    (month(2026, 3, 15), date(2026, 2, 15), date(2026, 3, 14)),
    (month(2026, 12, 15), date(2026, 11, 15), date(2026, 12, 14)),
    (quarter(2026, 1, 15), date(2025, 12, 15), date(2026, 3, 14)),
    (quarter(2026, 2, 15), date(2026, 3, 15), date(2026, 6, 14)),
    (quarter(2026, 3, 15), date(2026, 6, 15), date(2026, 9, 14)),
    (quarter(2026, 4, 15), date(2026, 9, 15), date(2026, 12, 14)),
    (half_year(2026, 1, 15), date(2025, 12, 15), date(2026, 6, 14)),
    (half_year(2026, 2, 15), date(2026, 6, 15), date(2026, 12, 14)),
    (year(2026, 15), date(2025, 12, 15), date(2026, 12, 14)),
])
def test_a_named_period_runs_between_the_days_its_cutoff_gives(period, start, end):
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("cutoff", [1, 15])
def test_the_months_of_a_year_follow_each_other_without_gap_or_overlap(cutoff):
    months = [month(2026, number, cutoff) for number in range(1, 13)]

    for before, after in pairwise(months):
        assert after.start == before.end + timedelta(days=1)
    assert (months[0].start, months[-1].end) == (year(2026, cutoff).start, year(2026, cutoff).end)
    assert year(2027, cutoff).start == year(2026, cutoff).end + timedelta(days=1)


@pytest.mark.parametrize("cutoff", [1, 15])
def test_quarters_and_halves_are_made_of_their_months(cutoff):
    for number in range(1, 5):
        period = quarter(2026, number, cutoff)
        assert period.start == month(2026, 3 * number - 2, cutoff).start
        assert period.end == month(2026, 3 * number, cutoff).end
    for number in (1, 2):
        period = half_year(2026, number, cutoff)
        assert period.start == quarter(2026, 2 * number - 1, cutoff).start
        assert period.end == quarter(2026, 2 * number, cutoff).end


@pytest.mark.parametrize(("period", "kind", "label"), [
    (month(2026, 3), PeriodKind.MONTH, "Tháng 3/2026"),
    (month(2026, 12, 15), PeriodKind.MONTH, "Tháng 12/2026"),
    (quarter(2026, 1, 15), PeriodKind.QUARTER, "Quý I/2026"),
    (quarter(2026, 2), PeriodKind.QUARTER, "Quý II/2026"),
    (quarter(2026, 3), PeriodKind.QUARTER, "Quý III/2026"),
    (quarter(2026, 4), PeriodKind.QUARTER, "Quý IV/2026"),
    (half_year(2026, 1), PeriodKind.HALF_YEAR, "6 tháng đầu năm 2026"),
    (half_year(2026, 2, 15), PeriodKind.HALF_YEAR, "6 tháng cuối năm 2026"),
    (year(2026, 15), PeriodKind.YEAR, "Năm 2026"),
    (custom(date(2026, 1, 5), date(2026, 2, 9)), PeriodKind.CUSTOM, "Từ 05/01/2026 đến 09/02/2026"),
])
def test_a_period_is_labelled_in_vietnamese(period, kind, label):
    assert (period.kind, period.label) == (kind, label)


@pytest.mark.parametrize(("day", "kind", "cutoff", "expected"), [
    # Calendar periods: the 1st and the last day of a month stay in it.
    (date(2026, 3, 1), PeriodKind.MONTH, 1, month(2026, 3, 1)),
    (date(2026, 3, 31), PeriodKind.MONTH, 1, month(2026, 3, 1)),
    (date(2026, 3, 31), PeriodKind.QUARTER, 1, quarter(2026, 1, 1)),
    (date(2026, 4, 1), PeriodKind.QUARTER, 1, quarter(2026, 2, 1)),
    (date(2026, 6, 30), PeriodKind.HALF_YEAR, 1, half_year(2026, 1, 1)),
    (date(2026, 7, 1), PeriodKind.HALF_YEAR, 1, half_year(2026, 2, 1)),
    (date(2025, 12, 31), PeriodKind.YEAR, 1, year(2025, 1)),
    (date(2026, 1, 1), PeriodKind.YEAR, 1, year(2026, 1)),
    # Cutoff 15: the 14th is the last day of its month's period, the 15th the first of the next one.
    (date(2026, 3, 14), PeriodKind.MONTH, 15, month(2026, 3, 15)),
    (date(2026, 3, 15), PeriodKind.MONTH, 15, month(2026, 4, 15)),
    (date(2026, 3, 14), PeriodKind.QUARTER, 15, quarter(2026, 1, 15)),
    (date(2026, 3, 15), PeriodKind.QUARTER, 15, quarter(2026, 2, 15)),
    (date(2026, 6, 14), PeriodKind.HALF_YEAR, 15, half_year(2026, 1, 15)),
    (date(2026, 6, 15), PeriodKind.HALF_YEAR, 15, half_year(2026, 2, 15)),
    # Across the year boundary: 15 December already reports for January and the next year.
    (date(2025, 12, 14), PeriodKind.MONTH, 15, month(2025, 12, 15)),
    (date(2025, 12, 15), PeriodKind.MONTH, 15, month(2026, 1, 15)),
    (date(2025, 12, 15), PeriodKind.QUARTER, 15, quarter(2026, 1, 15)),
    (date(2025, 12, 31), PeriodKind.HALF_YEAR, 15, half_year(2026, 1, 15)),
    (date(2025, 12, 14), PeriodKind.YEAR, 15, year(2025, 15)),
    (date(2025, 12, 15), PeriodKind.YEAR, 15, year(2026, 15)),
    (date(2026, 1, 1), PeriodKind.YEAR, 15, year(2026, 15)),
])
def test_containing_finds_the_period_on_each_side_of_the_cutoff(day, kind, cutoff, expected):
    period = containing(day, kind, cutoff)

    assert period == expected
    assert period.start <= day <= period.end


@pytest.mark.parametrize("kind", [PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR])
@pytest.mark.parametrize("cutoff", [1, 15])
def test_every_day_of_two_years_lies_in_the_period_containing_it(kind, cutoff):
    day = date(2025, 1, 1)
    while day < date(2027, 1, 1):
        period = containing(day, kind, cutoff)
        assert period.kind == kind and period.start <= day <= period.end, day
        day += timedelta(days=1)


@pytest.mark.parametrize(("today", "count", "labels", "first_day"), [
    (date(2026, 2, 10), 4, ["Tháng 11/2025", "Tháng 12/2025", "Tháng 1/2026", "Tháng 2/2026"], date(2025, 11, 1)),
    (date(2026, 1, 31), 2, ["Tháng 12/2025", "Tháng 1/2026"], date(2025, 12, 1)),
    (date(2026, 12, 15), 1, ["Tháng 12/2026"], date(2026, 12, 1)),
])
def test_last_months_are_calendar_months_oldest_first_across_the_new_year(today, count, labels, first_day):
    months = last_months(today, count)

    assert [period.label for period in months] == labels
    assert months[0].start == first_day
    # Dashboards use calendar months whatever the reporting cutoff: the 15th stays in its own month.
    assert all(period.kind == PeriodKind.MONTH and period.start.day == 1 for period in months)
    assert months[-1].start <= today <= months[-1].end


def test_no_months_are_asked_for_none_are_given():
    assert last_months(date(2026, 5, 15), 0) == []


def test_last_twelve_months_cover_a_year_day_by_day():
    months = last_months(date(2026, 3, 9), 12)

    assert (months[0].start, months[-1].end) == (date(2025, 4, 1), date(2026, 3, 31))
    for before, after in pairwise(months):
        assert after.start == before.end + timedelta(days=1)


@pytest.mark.parametrize("make", [
    lambda: month(2026, 0),
    lambda: month(2026, 13),
    lambda: month(2026, 0, 15),
    lambda: month(2026, 13, 15),
    lambda: quarter(2026, 0),
    lambda: quarter(2026, 5, 15),
    lambda: half_year(2026, 0),
    lambda: half_year(2026, 3, 15),
    lambda: custom(date(2026, 2, 1), date(2026, 1, 31)),
    lambda: Period(PeriodKind.CUSTOM, date(2026, 1, 2), date(2026, 1, 1), "ngược"),
    lambda: containing(date(2026, 1, 1), PeriodKind.CUSTOM),
])
def test_a_period_that_cannot_exist_is_refused(make):
    with pytest.raises(ValueError):
        make()


def test_a_one_day_custom_range_is_a_period():
    period = custom(date(2026, 1, 1), date(2026, 1, 1))

    assert (period.start, period.end, period.kind) == (date(2026, 1, 1), date(2026, 1, 1), PeriodKind.CUSTOM)
