"""Due dates of dossiers counted in a unit's working time.

Every datetime here is a naive local wall-clock time in Asia/Ho_Chi_Minh (UTC+7 all year round:
Vietnam has no daylight saving time, and the app stores local time). Aware datetimes are refused
rather than silently converted. Nothing here reads the clock or knows a country: the holidays come
in through `WorkingCalendar` (see `app.worktime.vietnam` for Vietnam's).

Working time follows DOMAIN.md "A dossier's life": office hours are half-open periods
[start, end) on working days, 08:00-12:00 and 13:00-17:00 Monday to Friday by default, so a
working day is 8 working hours and half a working day is 4. The rules for receipt and due dates
come from Decree 61/2018/NĐ-CP art. 18-19 (receipt, appointment and return of results), kept by
Decree 118/2025/NĐ-CP, and Circular 01/2018/TT-VPCP (the appointment shows hour, minute, date).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from functools import cached_property

MAX_DAYS_WITHOUT_WORK = 3660
"""How many consecutive days a search may find no working day before it gives up (about ten
years): a calendar with no working day at all must fail loudly, not loop forever."""

_ONE_DAY = timedelta(days=1)
_NO_TIME = timedelta(0)
_ONE_MICROSECOND = timedelta(microseconds=1)
_MICROSECONDS_PER_HOUR = 3_600_000_000
_PERIOD_PATTERN = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")


class TimeUnit(StrEnum):
    """Unit of a processing time, as the national catalog states it."""

    WORKING_DAYS = "working_days"
    """`Ngày làm việc`."""
    WORKING_HOURS = "working_hours"
    """`Giờ`: hours of office time."""
    DAYS = "days"
    """`Ngày`: calendar days."""


@dataclass(frozen=True)
class OfficeHours:
    """The daily office periods of a unit and the weekdays it opens.

    `periods` are half-open [start, end) wall-clock intervals, in order, not overlapping (they may
    touch). `weekdays` uses `date.weekday()` numbering, Monday = 0 ... Sunday = 6. The same periods
    apply on every working day, make-up Saturdays included.
    """

    periods: tuple[tuple[time, time], ...] = ((time(8), time(12)), (time(13), time(17)))
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})

    def __post_init__(self) -> None:
        # Accept lists and sets from callers but store hashable values: calendars are cached.
        periods = tuple((start, end) for start, end in self.periods)
        object.__setattr__(self, "periods", periods)
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        if not periods:
            raise ValueError("office hours need at least one period")
        previous_end = None
        for start, end in periods:
            if start >= end:
                raise ValueError(
                    f"office period {start:%H:%M}-{end:%H:%M} must end after it starts"
                )
            if previous_end is not None and start < previous_end:
                raise ValueError(
                    f"office period {start:%H:%M}-{end:%H:%M} starts before the previous one "
                    f"ends at {previous_end:%H:%M}: periods must be in order and not overlap"
                )
            previous_end = end
        if not self.weekdays <= frozenset(range(7)):
            raise ValueError(
                f"weekdays must be numbers 0 (Monday) to 6 (Sunday), got {sorted(self.weekdays)}"
            )

    @classmethod
    def parse(cls, text: str) -> "OfficeHours":
        """Read periods written as "08:00-12:00,13:00-17:00" (24-hour clock, Monday to Friday).

        Raises ValueError naming the faulty part when a period is malformed, not a real time,
        empty or backwards, or when periods are out of order or overlap.
        """
        parts = [part.strip() for part in text.split(",")]
        if not any(parts):
            raise ValueError("office hours are empty; write them like 08:00-12:00,13:00-17:00")
        periods = []
        for part in parts:
            match = _PERIOD_PATTERN.fullmatch(part)
            if match is None:
                raise ValueError(
                    f"office period {part!r} is not written like 08:00-12:00"
                )
            start_hour, start_minute, end_hour, end_minute = map(int, match.groups())
            try:
                periods.append((time(start_hour, start_minute), time(end_hour, end_minute)))
            except ValueError:
                raise ValueError(f"office period {part!r} is not a valid time of day") from None
        return cls(periods=tuple(periods))

    def __str__(self) -> str:
        """The periods in the form `parse` reads, e.g. "08:00-12:00,13:00-17:00"."""
        return ",".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in self.periods)

    @cached_property
    def working_time_per_day(self) -> timedelta:
        """Office time in one working day (8 hours by default)."""
        return sum(
            (
                datetime.combine(date.min, end) - datetime.combine(date.min, start)
                for start, end in self.periods
            ),
            _NO_TIME,
        )

    @property
    def hours_per_day(self) -> Decimal:
        """Office time in one working day, in hours, as an exact Decimal (Decimal("8") by default).

        This is the factor that turns a fraction of a working day into working hours
        (0.5 day x 8 = 4 hours).
        """
        return Decimal(self.working_time_per_day // _ONE_MICROSECOND) / _MICROSECONDS_PER_HOUR


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days a unit works and when.

    `days_off` are public holidays (Labour Code 2019 art. 112) and extra days off decided by the
    government or the unit; days off that fall on a weekend are allowed and change nothing.
    `extra_working_days` are make-up working days, usually Saturdays swapped for a bridge day off.
    A day in both sets is a working day.
    `estimated_days` are days off or make-up days the calendar only estimates (a year no official
    decision covers yet): they count like the others, and a due date computed across one is shown
    as provisional (`crosses_estimated_days`).
    """

    office_hours: OfficeHours = OfficeHours()
    days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    estimated_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "days_off", frozenset(self.days_off))
        object.__setattr__(self, "extra_working_days", frozenset(self.extra_working_days))
        object.__setattr__(self, "estimated_days", frozenset(self.estimated_days))

    def is_working_day(self, day: date) -> bool:
        """True when the office opens on `day`: a make-up day always, a day off never, otherwise
        by weekday."""
        if day in self.extra_working_days:
            return True
        if day in self.days_off:
            return False
        return day.weekday() in self.office_hours.weekdays

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`.

        Raises ValueError when none comes within MAX_DAYS_WITHOUT_WORK days.
        """
        candidate = day
        for _ in range(MAX_DAYS_WITHOUT_WORK):
            candidate += _ONE_DAY
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(
            f"no working day within {MAX_DAYS_WITHOUT_WORK} days after {day:%d/%m/%Y}; "
            "check the office weekdays and the days off"
        )

    def working_periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The office periods of `day` as half-open [start, end) datetimes; [] on a day off."""
        if not self.is_working_day(day):
            return []
        return [
            (datetime.combine(day, start), datetime.combine(day, end))
            for start, end in self.office_hours.periods
        ]


def crosses_estimated_days(calendar: WorkingCalendar, start: datetime | date, end: datetime | date) -> bool:
    """True when a day the calendar only estimates lies in [start, end], both days included.

    A due date computed over such a span may move once the year's official decision is known
    (DOMAIN.md "Official calendar decisions"), so it is shown as provisional ("dự kiến").
    """
    first = start.date() if isinstance(start, datetime) else start
    last = end.date() if isinstance(end, datetime) else end
    if last < first or not calendar.estimated_days:
        return False
    return any(first <= day <= last for day in calendar.estimated_days)


def effective_receipt(calendar: WorkingCalendar, received_at: datetime) -> datetime:
    """When a dossier counts as received: `received_at` itself if it falls inside an office period,
    otherwise the start of the next office period.

    So 12:00 sharp and lunch count from 13:00; 17:00 sharp, evenings, weekends and holidays count
    from 08:00 of the next working day. Decree 61/2018/NĐ-CP art. 18-19: a dossier received after
    office hours or on a day off is handled from the next working period.
    """
    _require_naive(received_at, "received_at")
    day = received_at.date()
    if calendar.is_working_day(day):
        clock = received_at.time()
        for start, end in calendar.office_hours.periods:
            if clock < end:
                return received_at if clock >= start else datetime.combine(day, start)
    return datetime.combine(calendar.next_working_day(day), calendar.office_hours.periods[0][0])


def due_after_working_days(
    calendar: WorkingCalendar, received_at: datetime, days: Decimal | int
) -> datetime:
    """Due time for a limit of `days` working days (> 0; decimals allowed).

    The whole part lands on the N-th working day after the day of effective receipt, at the clock
    time of effective receipt (10:00 Monday + 3 -> 10:00 Thursday). The fraction is then added as
    working hours, fraction x `hours_per_day` (0.5 day = 4 working hours; 1.5 days = one working day
    then 4 working hours), ending at a period's end rather than the next morning.
    """
    whole_days, fraction = _split_positive(days, "days")
    start = effective_receipt(calendar, received_at)
    due = start
    if whole_days:
        day = start.date()
        for _ in range(whole_days):
            day = calendar.next_working_day(day)
        due = datetime.combine(day, start.time())
    if fraction:
        due = _add_working_time(calendar, due, _fraction_of_working_day(calendar, fraction))
    return due


def due_after_working_hours(
    calendar: WorkingCalendar, received_at: datetime, hours: Decimal | int
) -> datetime:
    """Due time `hours` hours of office time (> 0; decimals allowed, kept to the microsecond) after
    the effective receipt.

    A count that ends exactly at the end of a period is due at that end (4 hours from 13:00 is
    17:00 the same day, not 08:00 the next morning).
    """
    whole_hours, fraction = _split_positive(hours, "hours")
    start = effective_receipt(calendar, received_at)
    return _add_working_time(calendar, start, timedelta(hours=whole_hours) + _hours(fraction))


def due_after_calendar_days(
    calendar: WorkingCalendar, received_at: datetime, days: Decimal | int
) -> datetime:
    """Due time for a limit of `days` calendar days (`Ngày` in the catalog; > 0).

    The whole part lands that many calendar days after the day of effective receipt, at its clock
    time; a landing day that is not a working day moves forward to the next working day, same
    clock time. Decimals are accepted rather than refused because the catalog writes half days
    with this unit too: like a fraction of a working day, the fraction is added afterwards as
    working hours (0.5 = 4 working hours), since half a calendar day of office time has no other
    sensible reading.
    """
    whole_days, fraction = _split_positive(days, "days")
    start = effective_receipt(calendar, received_at)
    due = start
    if whole_days:
        day = start.date() + timedelta(days=whole_days)
        if not calendar.is_working_day(day):
            day = calendar.next_working_day(day)
        due = datetime.combine(day, start.time())
    if fraction:
        due = _add_working_time(calendar, due, _fraction_of_working_day(calendar, fraction))
    return due


def due_at(
    calendar: WorkingCalendar, received_at: datetime, value: Decimal | int, unit: TimeUnit
) -> datetime:
    """Due time for a processing time of `value` (> 0) in `unit` (a TimeUnit or its string
    value)."""
    unit = TimeUnit(unit)
    if unit is TimeUnit.WORKING_DAYS:
        return due_after_working_days(calendar, received_at, value)
    if unit is TimeUnit.WORKING_HOURS:
        return due_after_working_hours(calendar, received_at, value)
    return due_after_calendar_days(calendar, received_at, value)


def working_time_between(
    calendar: WorkingCalendar, start: datetime, end: datetime
) -> timedelta:
    """Office time inside [start, end), start included, end excluded; zero when end <= start."""
    _require_naive(start, "start")
    _require_naive(end, "end")
    if end <= start:
        return _NO_TIME
    first_day = start.date()
    last_day = end.date()
    total = _NO_TIME
    day = first_day
    while day <= last_day:
        if calendar.is_working_day(day):
            if first_day < day < last_day:
                total += calendar.office_hours.working_time_per_day
            else:
                for period_start, period_end in calendar.office_hours.periods:
                    begin = max(datetime.combine(day, period_start), start)
                    finish = min(datetime.combine(day, period_end), end)
                    if finish > begin:
                        total += finish - begin
        day += _ONE_DAY
    return total


def shift_by_working_time(
    calendar: WorkingCalendar, due_at: datetime, paused: timedelta
) -> datetime:
    """Move a due time later by `paused` of office time (>= 0).

    This is the `pause` supplement rule: the working time spent waiting for the citizen's
    supplement does not count, so the due time moves by it (Decree 61/2018/NĐ-CP art. 19, kept
    by Decree 118/2025/NĐ-CP). Zero returns `due_at` unchanged; a shift ending exactly at the end
    of a period is due at that end.
    """
    _require_naive(due_at, "due_at")
    if paused < _NO_TIME:
        raise ValueError(f"paused working time must not be negative, got {paused}")
    if not paused:
        return due_at
    return _add_working_time(calendar, due_at, paused)


def _add_working_time(
    calendar: WorkingCalendar, start: datetime, amount: timedelta
) -> datetime:
    """The moment `amount` of office time after `start`; office time before `start` is ignored.

    Walks day by day: whole working days are skipped with one subtraction each, and only the
    first and the last day look at individual periods.
    """
    periods = calendar.office_hours.periods
    day_length = calendar.office_hours.working_time_per_day
    remaining = amount
    day = start.date()
    if calendar.is_working_day(day):
        for period_start, period_end in periods:
            finish = datetime.combine(day, period_end)
            begin = max(datetime.combine(day, period_start), start)
            if finish <= begin:
                continue
            available = finish - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
    day = calendar.next_working_day(day)
    while remaining > day_length:
        remaining -= day_length
        day = calendar.next_working_day(day)
    # At most one day's office time is left, so it ends in some period of `day`.
    for period_start, period_end in periods[:-1]:
        available = datetime.combine(day, period_end) - datetime.combine(day, period_start)
        if remaining <= available:
            return datetime.combine(day, period_start) + remaining
        remaining -= available
    return datetime.combine(day, periods[-1][0]) + remaining


def _split_positive(value: Decimal | int, name: str) -> tuple[int, Decimal | int]:
    """(whole part, fraction) of a positive amount; fraction is 0 for integers.

    Ints take a fast path because the import computes about a million due dates.
    """
    if type(value) is int:
        if value <= 0:
            raise ValueError(f"{name} must be greater than 0, got {value}")
        return value, 0
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
        raise TypeError(f"{name} must be a number (int or Decimal), got {value!r}")
    # str() keeps a float's short form, so 0.1 means Decimal("0.1"), not its binary expansion.
    amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not amount.is_finite() or amount <= 0:
        raise ValueError(f"{name} must be a finite number greater than 0, got {value}")
    whole = int(amount)
    return whole, amount - whole


def _fraction_of_working_day(calendar: WorkingCalendar, fraction: Decimal) -> timedelta:
    return _hours(fraction * calendar.office_hours.hours_per_day)


def _hours(hours: Decimal | int) -> timedelta:
    """`hours` as a timedelta, rounded to the microsecond (timedelta's own resolution)."""
    if not hours:
        return _NO_TIME
    microseconds = Decimal(hours) * _MICROSECONDS_PER_HOUR
    return timedelta(microseconds=int(microseconds.to_integral_value(rounding=ROUND_HALF_EVEN)))


def _require_naive(moment: datetime, name: str) -> None:
    if moment.tzinfo is not None:
        raise ValueError(
            f"{name} must be a naive local time in Asia/Ho_Chi_Minh, got {moment.isoformat()}"
        )
