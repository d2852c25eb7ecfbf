"""The government's calendar decisions shipped as data, over the holidays package: what wins, what waits for
an administrator, what is only estimated (DOMAIN.md "Official calendar decisions")."""
import json
from datetime import date, datetime

import pytest

from app.worktime.deadlines import OfficeHours, crosses_estimated_days, due_after_working_days
from app.worktime.vietnam import (
    ESTIMATED, LABOUR_CODE, PENDING, DayOverride, OfficialDay, build_calendar, day_sources, estimated_year,
    package_year, read_official_file, shipped_decisions,
)

SHIPPED = shipped_decisions()
OFFICIAL = build_calendar(OfficeHours(), official=SHIPPED)
PACKAGE_ONLY = build_calendar(OfficeHours())
CULTURE_DAY_2026 = date(2026, 11, 24)
CONFIRMED_CULTURE_DAY = OfficialDay(day=CULTURE_DAY_2026, is_working=False, year=2026, source="Nghị quyết thử")


@pytest.mark.parametrize("day, working, why", [
    (date(2026, 1, 2), False, "Fri 2 Jan 2026 off per 12729/VPCP-KGVX"),
    (date(2026, 1, 10), True, "Sat 10 Jan 2026 worked in exchange"),
    (date(2026, 1, 1), False, "New Year's Day, Labour Code art. 112"),
    (date(2026, 1, 5), True, "an ordinary Monday"),
    (CULTURE_DAY_2026, True, "24 Nov 2026 (a Tuesday) is not a day off until confirmed"),
    (date(2025, 5, 2), False, "Fri 2 May 2025 off per 8726/VPCP-KGVX"),
    (date(2025, 4, 26), True, "Sat 26 Apr 2025 worked in exchange"),
    (date(2019, 4, 29), False, "Mon 29 Apr 2019 off per 6519/VPCP-KGVX"),
    (date(2019, 5, 4), True, "Sat 4 May 2019 worked in exchange"),
    (date(2018, 12, 31), False, "Mon 31 Dec 2018 off under the 2019 decision"),
    (date(2026, 2, 16), False, "Tết 2026 per 9441/TB-BNV"),
])
def test_the_official_calendar_says_which_days_are_worked(day, working, why):
    assert OFFICIAL.is_working_day(day) is working, why


def test_24_november_2026_is_a_day_off_once_confirmed_and_only_then():
    confirmed = build_calendar(OfficeHours(), official=[*SHIPPED, CONFIRMED_CULTURE_DAY])
    assert OFFICIAL.is_working_day(CULTURE_DAY_2026)
    assert not confirmed.is_working_day(CULTURE_DAY_2026)
    assert confirmed.is_working_day(date(2027, 11, 24)), "confirming 2026 does not decide 2027"


def test_a_pending_decision_in_the_data_counts_for_nothing():
    pending = [decision for decision in SHIPPED if not decision.confirmed]
    assert [decision.day for decision in pending] == [CULTURE_DAY_2026]
    assert build_calendar(OfficeHours(), official=pending).is_working_day(CULTURE_DAY_2026)


def test_an_administrators_override_wins_over_the_official_decision():
    calendar = build_calendar(OfficeHours(), [DayOverride(date(2026, 1, 2), is_working=True)], official=SHIPPED)
    assert calendar.is_working_day(date(2026, 1, 2))
    assert not build_calendar(OfficeHours(), [DayOverride(date(2026, 1, 10), is_working=False)],
                              official=SHIPPED).is_working_day(date(2026, 1, 10))


@pytest.mark.parametrize("day, estimated", [
    (date(2027, 2, 8), True),    # Tết 2027: which five days is the yearly notice's choice
    (date(2027, 5, 3), True),    # the package's compensating Monday for 1 May 2027 (a Saturday)
    (date(2027, 9, 3), True),    # the day next to 2 Sep is chosen each year
    (date(2027, 1, 1), False),   # New Year's Day: the Labour Code dates it
    (date(2027, 4, 30), False),
    (date(2026, 2, 16), False),  # 2026 has its decisions
    (date(2027, 11, 24), False), # not law: pending, not estimated
])
def test_a_year_without_a_decision_is_estimated_except_the_days_the_law_fixes(day, estimated):
    assert (day in OFFICIAL.estimated_days) is estimated


def test_only_years_without_a_confirmed_decision_are_estimated_years():
    assert [year for year in range(2019, 2029) if estimated_year(year, SHIPPED)] == [2027, 2028]
    assert estimated_year(2026, []) is True


def test_a_due_date_across_2_and_10_january_2026_follows_the_decision():
    # Wed 31/12/2025 10:00 + 2 working days: 1/1 and 2/1 are off, 3-4/1 a weekend -> Mon 5/1, Tue 6/1.
    assert due_after_working_days(OFFICIAL, datetime(2025, 12, 31, 10, 0), 2) == datetime(2026, 1, 6, 10, 0)
    assert due_after_working_days(PACKAGE_ONLY, datetime(2025, 12, 31, 10, 0), 2) == datetime(2026, 1, 5, 10, 0)
    # Fri 9/1/2026 10:00 + 1 working day: Saturday 10/1 is worked.
    assert due_after_working_days(OFFICIAL, datetime(2026, 1, 9, 10, 0), 1) == datetime(2026, 1, 10, 10, 0)
    assert due_after_working_days(PACKAGE_ONLY, datetime(2026, 1, 9, 10, 0), 1) == datetime(2026, 1, 12, 10, 0)


def test_a_due_date_across_24_november_2026_counts_it_as_worked_until_confirmed():
    received = datetime(2026, 11, 23, 9, 0)
    confirmed = build_calendar(OfficeHours(), official=[*SHIPPED, CONFIRMED_CULTURE_DAY])
    assert due_after_working_days(OFFICIAL, received, 2) == datetime(2026, 11, 25, 9, 0)
    assert due_after_working_days(confirmed, received, 2) == datetime(2026, 11, 26, 9, 0)


@pytest.mark.parametrize("received, due, crosses", [
    (datetime(2027, 2, 1, 9, 0), datetime(2027, 2, 15, 9, 0), True),    # across Tết 2027
    (datetime(2027, 1, 4, 9, 0), datetime(2027, 1, 8, 9, 0), False),    # an ordinary week of 2027
    (datetime(2026, 12, 28, 9, 0), datetime(2027, 1, 4, 9, 0), False),  # across 1/1/2027, fixed by law
    (datetime(2026, 2, 10, 9, 0), datetime(2026, 2, 25, 9, 0), False),  # Tết 2026 is decided
    (datetime(2027, 9, 3, 9, 0), datetime(2027, 9, 3, 10, 0), True),    # both ends on the estimated day
])
def test_a_span_crosses_estimated_days_when_one_lies_between_receipt_and_due(received, due, crosses):
    assert crosses_estimated_days(OFFICIAL, received, due) is crosses


def test_every_day_off_and_worked_saturday_of_2026_names_its_source():
    sources = {source.day: source for source in day_sources(2026, OFFICIAL, SHIPPED, {date(2026, 12, 30): "Nghỉ thử"})}
    assert sources[date(2026, 1, 2)].source == "12729/VPCP-KGVX ngày 25/12/2025"
    assert sources[date(2026, 1, 10)].is_working and sources[date(2026, 1, 10)].source == "12729/VPCP-KGVX ngày 25/12/2025"
    assert sources[date(2026, 2, 17)].source == "9441/TB-BNV ngày 16/10/2025"
    assert sources[date(2026, 1, 1)].source == LABOUR_CODE
    assert sources[date(2026, 8, 31)].source == "báo chí"
    assert sources[CULTURE_DAY_2026].source == PENDING and sources[CULTURE_DAY_2026].pending
    assert date(2026, 12, 30) not in sources, "an override only shows when it shapes this calendar"
    with_override = build_calendar(OfficeHours(), [DayOverride(date(2026, 12, 30), False)], official=SHIPPED)
    [override] = [s for s in day_sources(2026, with_override, SHIPPED, {date(2026, 12, 30): "Nghỉ thử"})
                  if s.day == date(2026, 12, 30)]
    assert override.source == "Điều chỉnh của quản trị viên: Nghỉ thử"


def test_2027_days_are_shown_as_estimates():
    sources = {source.day: source for source in day_sources(2027, OFFICIAL, SHIPPED, {})}
    assert sources[date(2027, 2, 8)].source == ESTIMATED and sources[date(2027, 2, 8)].estimated
    assert sources[date(2027, 1, 1)].source == LABOUR_CODE
    assert sources[date(2027, 11, 24)].source == PENDING


# The known differences between the shipped decisions and the `holidays` package, year by year: the data
# says otherwise only there. (day, what the data makes it, what the package makes it.)
KNOWN_DIFFERENCES = {
    2019: [], 2020: [], 2021: [], 2022: [], 2023: [], 2024: [], 2025: [],
    2026: [(date(2026, 1, 2), "off", "working"), (date(2026, 1, 10), "working", "weekend"),
           (date(2026, 11, 24), "pending, worked", "off")],
}


def _package_kind(day: date) -> str:
    days = package_year(day.year)
    if day in days:
        return "working" if days[day] == "Làm bù" else "off"
    return "weekend" if day.weekday() >= 5 else "working"


@pytest.mark.parametrize("year", range(2019, 2027))
def test_the_data_and_the_package_differ_only_where_known(year):
    differences = []
    for decision in SHIPPED:
        if decision.year != year:
            continue
        data_kind = ("working" if decision.is_working else "off") if decision.confirmed else "pending, worked"
        package_kind = _package_kind(decision.day)
        agrees = data_kind == package_kind or (decision.is_working and package_kind == "working")
        if not agrees:
            differences.append((decision.day, data_kind, package_kind))
    # And no weekday off nor worked weekend of the package that the data and the law leave unexplained.
    for day, name in package_year(year).items():
        if day.year == year and not any(d.day == day for d in SHIPPED):
            assert OFFICIAL.is_working_day(day) == PACKAGE_ONLY.is_working_day(day), (day, name)
    assert differences == KNOWN_DIFFERENCES[year]


def test_every_shipped_document_day_has_its_number_and_every_press_day_none():
    rows = read_official_file()
    assert {row["year"] for row in rows} == set(range(2019, 2027))
    for row in rows:
        assert (row["source"] == "văn bản") == bool(row["document"]) == bool(row["document_date"]), row


def test_a_document_row_without_its_number_is_refused(tmp_path):
    path = tmp_path / "calendar.json"
    path.write_text(json.dumps({"days": [{"date": "2030-01-02", "kind": "off", "document": "", "document_date": None,
                                          "issuer": "", "source": "văn bản", "description": "", "status": "confirmed",
                                          "note": "", "year": 2030}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="row 1"):
        read_official_file(path)
