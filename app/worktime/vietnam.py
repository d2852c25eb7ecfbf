"""Vietnam's working calendar: public holidays, extra days off and make-up Saturdays.

The `holidays` package (country "VN") models the public holidays of Labour Code 2019 art. 112
(1/1, Tết, Hùng Kings 10/3 lunar, 30/4, 1/5, 2/9 with one adjacent day) and the yearly government
decisions that swap a bridge day off for a make-up working Saturday (its `weekend_workdays`).
On top of the package come the government's yearly decisions, shipped as data
(`official_calendar.json`, loaded into the database by `flask calendar load-official`): a confirmed
decision wins over the package. A holiday the package lists that is not law yet (24/11 "Ngày Văn hóa
Việt Nam": Party resolution 80-NQ/TW, Labour Code art. 112 not amended as of this writing) is a working
day until an administrator confirms it. A year no confirmed decision covers is estimated: its
package-only days are marked so. The administrator's override rows win over everything.
DOMAIN.md "The clock" and "Official calendar decisions". Pure: no Flask, no database, no clock.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

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


OFFICIAL_DATA_FILE = Path(__file__).with_name("official_calendar.json")
OFFICIAL_DATA_FROM = 2019
"""The first year the shipped decisions cover: a later year without a confirmed decision is estimated;
earlier years keep the package's days as they are (no data to compare)."""

NOT_YET_LAW = {(11, 24): "Ngày Văn hóa Việt Nam"}
"""(month, day) of holidays the package lists that are not paid days off in law yet: the Labour Code 2019
art. 112(1) list has not been amended to include them. Each needs an administrator's confirmation."""

LABOUR_CODE = "theo Bộ luật Lao động 2019 điều 112"
ESTIMATED = "dự kiến"
PENDING = "chờ xác nhận"

# Holidays whose date the Labour Code 2019 art. 112(1) fixes by itself (no yearly decision picks them):
# 1/1, Hùng Kings 10/3 lunar, 30/4, 1/5, 2/9. Names as the package gives them in English.
_FIXED_BY_LAW = {"New Year's Day", "Hung Kings' Commemoration Day", "Liberation Day/Reunification Day",
                 "International Labor Day"}


@dataclass(frozen=True)
class OfficialDay:
    """One day of a government decision: off or worked (`is_working`), for the calendar year `year` it
    settles (31/12/2018 belongs to the 2019 decision). Only a `confirmed` one counts; `source` is the
    text shown for it ("6519/VPCP-KGVX ngày 11/07/2018", or "báo chí" when only press reports were found).
    """

    day: date
    is_working: bool
    year: int
    confirmed: bool = True
    source: str = ""
    description: str = ""


@dataclass(frozen=True)
class DaySource:
    """Why a day is what it is on the calendar page."""

    day: date
    is_working: bool
    source: str
    description: str = ""
    pending: bool = False
    estimated: bool = False


def read_official_file(path: Path = OFFICIAL_DATA_FILE) -> list[dict]:
    """The shipped decisions, one dict a day, checked: ISO dates, kind off/working, status
    confirmed/pending, a document number unless the source is the press. Raises ValueError naming the row."""
    rows = json.loads(Path(path).read_text(encoding="utf-8"))["days"]
    seen = set()
    for number, row in enumerate(rows, start=1):
        try:
            day = date.fromisoformat(row["date"])
            if row["document_date"]:
                date.fromisoformat(row["document_date"])
            if row["kind"] not in ("off", "working") or row["status"] not in ("confirmed", "pending"):
                raise ValueError("kind must be off/working and status confirmed/pending")
            if row["source"] not in ("văn bản", "báo chí") or (row["source"] == "văn bản") != bool(row["document"]):
                raise ValueError("a 'văn bản' row needs its number, a 'báo chí' row has none")
            if day in seen:
                raise ValueError("the day is listed twice")
            seen.add(day)
            int(row["year"])
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{path} row {number} ({row.get('date')}): {error}") from None
    return rows


@lru_cache(maxsize=64)
def package_year(year: int, language: str = "en_US") -> dict[date, str]:
    """The package's holidays of `year` (names in `language`: English to test them, "vi" to show them),
    and its make-up days (named "Làm bù")."""
    vietnam = holidays.country_holidays("VN", years=year, language=language)
    days = {day: name for day, name in vietnam.items() if day.year == year}
    days.update({day: "Làm bù" for day in vietnam.weekend_workdays if day.year == year})
    return days


def _fixed_by_law(day: date, name: str) -> bool:
    return name in _FIXED_BY_LAW or (name == "National Day" and (day.month, day.day) == (9, 2))


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
    official: Iterable[OfficialDay] = (),
) -> WorkingCalendar:
    """The working calendar of one unit: Vietnam's days for first_year..last_year (inclusive), then the
    confirmed official decisions, then `overrides` on top.

    Holidays in NOT_YET_LAW are working days unless a confirmed decision makes them off. Years from
    OFFICIAL_DATA_FROM on that no confirmed decision covers are estimated: their package days other
    than the holidays the Labour Code dates by itself go into `estimated_days`.
    Pass the overrides that apply to the unit, the nationwide rows first and the unit's own rows
    after them: when several rows name the same day, the last one wins. A working-day override
    removes the day from the days off and makes it a working day even on a weekend; a day-off
    override does the reverse. An overridden day is no longer estimated.
    """
    days_off, extra_working_days = vietnam_days(first_year, last_year)
    confirmed = [decision for decision in official if decision.confirmed]
    confirmed_days = {decision.day for decision in confirmed}
    not_law = {day for day in days_off
               if (day.month, day.day) in NOT_YET_LAW and day.year >= OFFICIAL_DATA_FROM and day not in confirmed_days}
    days_off = days_off - not_law
    decided_years = {decision.year for decision in confirmed}
    estimated = set()
    for year in range(max(first_year, OFFICIAL_DATA_FROM), last_year + 1):
        if year not in decided_years:
            estimated.update(day for day, name in package_year(year).items()
                             if not _fixed_by_law(day, name) and day not in not_law)
    decisions = {decision.day: decision.is_working for decision in confirmed}
    decisions.update({override.day: override.is_working for override in overrides})
    estimated -= {override.day for override in overrides}
    if decisions:
        working = {day for day, is_working in decisions.items() if is_working}
        not_working = decisions.keys() - working
        days_off = (days_off - working) | not_working
        extra_working_days = (extra_working_days - not_working) | working
    return WorkingCalendar(
        office_hours=office_hours, days_off=days_off, extra_working_days=extra_working_days,
        estimated_days=frozenset(estimated),
    )


def pending_days(year: int, official: Iterable[OfficialDay]) -> dict[date, str]:
    """Days of `year` awaiting an administrator's confirmation, with what they would be: holidays the
    package lists but the law does not yet (NOT_YET_LAW), and shipped decisions marked pending."""
    official = list(official)
    confirmed_days = {decision.day for decision in official if decision.confirmed}
    pending = {day: NOT_YET_LAW[(day.month, day.day)] for day in package_year(year)
               if (day.month, day.day) in NOT_YET_LAW and year >= OFFICIAL_DATA_FROM}
    pending.update({decision.day: decision.description for decision in official
                    if not decision.confirmed and decision.day.year == year})
    return {day: text for day, text in pending.items() if day not in confirmed_days}


def day_sources(
    year: int, calendar: WorkingCalendar, official: Iterable[OfficialDay], override_notes: dict[date, str],
) -> list[DaySource]:
    """Each weekday off, each worked weekend day and each day awaiting confirmation in `year`, with its
    source: the administrator's override, the official decision (number and date, or the press), "chờ
    xác nhận", "dự kiến", or the Labour Code. In date order."""
    official = list(official)
    decisions = {decision.day: decision for decision in official if decision.confirmed}
    pending = pending_days(year, official)
    names = package_year(year, "vi")
    sources = []
    day = date(year, 1, 1)
    while day.year == year:
        working = calendar.is_working_day(day)
        weekday = day.weekday() in calendar.office_hours.weekdays
        if working != weekday or day in pending:
            if day in override_notes:
                source, description = f"Điều chỉnh của quản trị viên: {override_notes[day]}", ""
            elif day in pending:
                source, description = PENDING, pending[day]
            elif day in decisions:
                source, description = decisions[day].source, decisions[day].description
            elif day in calendar.estimated_days:
                source, description = ESTIMATED, names.get(day, "")
            else:
                source, description = LABOUR_CODE, names.get(day, "")
            sources.append(DaySource(day=day, is_working=working, source=source, description=description,
                                     pending=day in pending and day not in override_notes,
                                     estimated=day in calendar.estimated_days))
        day = date.fromordinal(day.toordinal() + 1)
    return sources


def estimated_year(year: int, official: Iterable[OfficialDay]) -> bool:
    """True when no confirmed decision covers `year` (from OFFICIAL_DATA_FROM on): its days are estimates."""
    return year >= OFFICIAL_DATA_FROM and all(d.year != year for d in official if d.confirmed)


def shipped_decisions(path: Path = OFFICIAL_DATA_FILE) -> list[OfficialDay]:
    """The shipped file's days as the calendar takes them, without a database (tests, checks)."""
    decisions = []
    for row in read_official_file(path):
        dated = f" ngày {date.fromisoformat(row['document_date']):%d/%m/%Y}" if row["document_date"] else ""
        decisions.append(OfficialDay(
            day=date.fromisoformat(row["date"]), is_working=row["kind"] == "working", year=int(row["year"]),
            confirmed=row["status"] == "confirmed", source=f"{row['document']}{dated}" if row["document"] else row["source"],
            description=row["description"]))
    return decisions
