"""Report 06, the one engine behind every figure: its counts against an independent recount, its
boundaries, rates, scope, and `flask report figures` as JSON and CSV."""
import csv
import io
import itertools
import json
import random
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import DateTime, Integer, String, insert, text

from app.catalog.models import Offering, OnlineKind, Procedure
from app.dossiers.lifecycle import Action, DossierState
from app.dossiers.models import Dossier
from app.dossiers.ontime import classify
from app.dossiers.operations import ActionInput, Applicant, Intake, apply_action, register_dossier
from app.dossiers.register_format import COLUMNS
from app.dossiers.register_writing import import_register
from app.extensions import db
from app.stats import periods
from app.stats.table06 import CSV_HEADER
from app.stats.figures import COUNT_NAMES, Counts, children_report, named_figures, report_06, satisfaction
from app.units.models import Unit, UnitKind
from app.worktime.clock import calendar_for
from app.worktime.deadlines import TimeUnit
from conftest import make_procedure, make_unit

UNCLASSIFIED = "Chưa phân loại"  # the row of procedures without a field
RESOLVED_STATES = (DossierState.FINISHED, DossierState.RETURNED, DossierState.WITHDRAWN, DossierState.STOPPED)
OPEN_STATES = (DossierState.RECEIVED, DossierState.IN_PROGRESS, DossierState.AWAITING_SUPPLEMENT)
APRIL = (date(2025, 4, 1), date(2025, 4, 30))
# The data of a test is built once for all of its examples; no example database is written.
HYPOTHESIS = {"deadline": None, "database": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}

_numbers = itertools.count(1)


def dossier_values(unit, procedure, received_at: datetime, due_at: datetime, resolved_at: datetime | None = None,
                   channel: str = "direct", apology_due_at: datetime | None = None, state: str | None = None) -> dict:
    """The columns of a consistent dossier: resolved ones carry the classification of their times."""
    counted_in_hours = procedure.statutory_unit == TimeUnit.WORKING_HOURS
    number = next(_numbers)
    return {
        "code": f"{unit.code}-{received_at:%y%m%d}-{number:06d}", "unit_id": unit.id, "procedure_id": procedure.id,
        "applicant_name": f"Công dân {number}", "applicant_search": f"cong dan {number}", "channel": channel,
        "online_kind": OnlineKind.END_TO_END if channel == "online" else None, "received_at": received_at,
        "time_value": procedure.statutory_value, "time_unit": procedure.statutory_unit, "supplement_rule": "pause",
        "due_at": due_at, "apology_due_at": apology_due_at,
        "state": state or (DossierState.FINISHED if resolved_at else DossierState.RECEIVED),
        "resolved_at": resolved_at,
        "resolution": classify(resolved_at, due_at, counted_in_hours) if resolved_at else None,
        "updated_at": resolved_at or received_at,
    }


def add_dossiers(values: list[dict]) -> None:
    if values:
        db.session.execute(insert(Dossier), values)
    db.session.commit()


def make_dossier(unit, procedure, received_at, due_at, **overrides) -> None:
    add_dossiers([dossier_values(unit, procedure, received_at, due_at, **overrides)])


def at(day: str, clock: str = "09:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}")


def counts_of(**nonzero) -> dict[str, int]:
    return {name: nonzero.get(name, 0) for name in COUNT_NAMES}


@dataclass
class Tree:
    city: Unit
    district: Unit
    ward_a: Unit
    ward_b: Unit
    ward_c: Unit
    procedures: dict[str, Procedure]


@pytest.fixture
def tree(world) -> Tree:
    """The world's city → district → ward A and city → ward B, plus ward C under the district; procedures
    of three fields, one without a field, one counted in working hours."""
    ward_c = make_unit("000.01.03.H99", "Phường Cát Linh", UnitKind.WARD, world.district)
    procedures = {
        "civil": make_procedure("1.000001", field="Hộ tịch", value=5),
        "civil_fast": make_procedure("1.000002", field="Hộ tịch", value=8, unit=TimeUnit.WORKING_HOURS),
        "certify": make_procedure("1.000003", field="Chứng thực", value=2),
        "land": make_procedure("1.000004", field="Đất đai", value=15, unit=TimeUnit.DAYS),
        "unclassified": make_procedure("1.000005", field="", value=3),
    }
    db.session.commit()
    return Tree(world.city, world.district, world.ward_a, world.ward_b, ward_c, procedures)


# A plain SELECT, typed only so that SQLite's text times come back as datetimes.
ROWS_SQL = text(
    "SELECT d.id, u.path, p.field, d.channel, d.received_at, d.due_at, d.resolved_at, d.resolution, d.time_unit,"
    " d.apology_due_at FROM dossiers d JOIN units u ON u.id = d.unit_id JOIN procedures p ON p.id = d.procedure_id"
).columns(id=Integer, path=String, field=String, channel=String, received_at=DateTime, due_at=DateTime,
          resolved_at=DateTime, resolution=String, time_unit=String, apology_due_at=DateTime)


def load_rows() -> list:
    return db.session.execute(ROWS_SQL).all()


def classification(row) -> str:
    """DOMAIN.md "Classification": by calendar date, or by the times for a limit in working hours."""
    if row.time_unit == TimeUnit.WORKING_HOURS:
        finished, due = row.resolved_at, row.due_at
    else:
        finished, due = row.resolved_at.date(), row.due_at.date()
    return "early" if finished < due else "on_time" if finished == due else "late"


def recount(rows, start: date, end: date, under_path: str) -> dict[str, dict[str, int]]:
    """Report 06 counts by field for the dossiers of the subtree at `under_path`, day by day in Python.

    A dossier counts when it was received on or before `end` and not resolved before `start`; it is
    carried over when received before `start`, else new by channel; resolved when it was resolved on or
    before `end`, else pending: overdue when its due date is on or before `end`.
    """
    by_field: dict[str, dict[str, int]] = {}
    for row in rows:
        if not row.path.startswith(under_path) or row.received_at.date() > end:
            continue
        if row.resolved_at is not None and row.resolved_at.date() < start:
            continue
        counts = by_field.setdefault(row.field or UNCLASSIFIED, counts_of())
        if row.received_at.date() < start:
            counts["carried_over"] += 1
        elif row.channel == "online":
            counts["online"] += 1
        else:
            counts["direct_or_post"] += 1
        if row.resolved_at is not None and row.resolved_at.date() <= end:
            kind = classification(row)
            assert kind == row.resolution, f"dossier {row.id} was built with an inconsistent resolution"
            counts[kind] += 1
            if kind == "late" and row.apology_due_at is not None:
                counts["late_with_apology"] += 1
        elif row.due_at.date() <= end:
            counts["overdue"] += 1
        else:
            counts["within_time"] += 1
    return by_field


def total_of(by_field: dict[str, dict[str, int]]) -> dict[str, int]:
    return {name: sum(counts[name] for counts in by_field.values()) for name in COUNT_NAMES}


def assert_balanced(counts: Counts) -> None:
    assert counts.received == counts.carried_over + counts.online + counts.direct_or_post
    assert counts.received == counts.resolved + counts.pending, counts
    assert counts.resolved == counts.early + counts.on_time + counts.late
    assert counts.pending == counts.within_time + counts.overdue


def assert_engine_matches_recount(tree: Tree, rows, start: date, end: date) -> None:
    """report_06 of every unit, per field and in total, and children_report of every parent, against
    the recount; and received = resolved + pending in every row."""
    for unit in (tree.city, tree.district, tree.ward_a, tree.ward_b, tree.ward_c):
        report = report_06(unit, start, end)
        expected = recount(rows, start, end, unit.path)
        assert len(report.rows) == len(expected), (unit.name, start, end)
        assert {name: asdict(counts) for name, counts in report.rows} == expected, (unit.name, start, end)
        assert asdict(report.total) == total_of(expected), (unit.name, start, end)
        for _, counts in report.rows:
            assert_balanced(counts)
        assert_balanced(report.total)
    for parent in (tree.city, tree.district, tree.ward_a):
        children = children_report(parent, start, end)
        assert sorted(child.id for child, _ in children) == sorted(child.id for child in parent.children)
        for child, counts in children:
            assert asdict(counts) == total_of(recount(rows, start, end, child.path)), (child.name, start, end)
            assert_balanced(counts)


def random_instant(rng: random.Random, day: date) -> datetime:
    """Office hours mostly, and the instants a boundary is made of: midnight, the last minute and second."""
    clock = rng.choice([
        time(0, 0), time(23, 59), time(23, 59, 59), time(8, 0), time(17, 0), time(12, 0),
        time(rng.randrange(24), rng.randrange(60), rng.randrange(60)),
        time(rng.randrange(8, 17), rng.randrange(60)), time(rng.randrange(8, 17), rng.randrange(60)),
    ])
    return datetime.combine(day, clock)


def random_dossiers(tree: Tree, rng: random.Random, count: int) -> list[dict]:
    """`count` consistent dossiers received during 2025 in the three wards (and a few at the district's
    own desk), of every field, channel and state; resolved ones resolved after receipt."""
    units = [tree.ward_a] * 4 + [tree.ward_b] * 3 + [tree.ward_c] * 2 + [tree.district]
    procedures = list(tree.procedures.values())
    values = []
    for _ in range(count):
        unit, procedure = rng.choice(units), rng.choice(procedures)
        received_at = random_instant(rng, date(2025, 1, 1) + timedelta(days=rng.randrange(365)))
        if procedure.statutory_unit == TimeUnit.WORKING_HOURS:
            due_at = received_at + timedelta(hours=rng.randrange(1, 60))
        else:
            due_at = random_instant(rng, received_at.date() + timedelta(days=rng.randrange(0, 25)))
            due_at = max(due_at, received_at)
        resolved_at = None
        if rng.random() < 0.65:
            resolved_at = rng.choice([
                random_instant(rng, received_at.date() + timedelta(days=rng.randrange(0, 45))),
                due_at,  # on the dot
                random_instant(rng, due_at.date()),  # the day it is due
            ])
            resolved_at = max(resolved_at, received_at)
        apology_due_at = due_at + timedelta(days=rng.randrange(1, 10)) if rng.random() < 0.25 else None
        state = rng.choice(RESOLVED_STATES if resolved_at else OPEN_STATES)
        values.append(dossier_values(unit, procedure, received_at, due_at, resolved_at,
                                     rng.choice(["direct", "direct", "post", "online"]), apology_due_at, state))
    return values


@pytest.fixture
def random_register(tree) -> list:
    """Four hundred random dossiers, stored once per test and read back by the recount's plain SELECT."""
    add_dossiers(random_dossiers(tree, random.Random(20250615), 400))
    rows = load_rows()
    # The data must reach every branch of the rules, or the tests below would prove little.
    assert len(rows) == 400
    assert {row.channel for row in rows} == {"direct", "post", "online"}
    assert {row.resolution for row in rows} == {None, "early", "on_time", "late"}
    assert {row.field or UNCLASSIFIED for row in rows} == {"Hộ tịch", "Chứng thực", "Đất đai", UNCLASSIFIED}
    assert any(row.resolution == "late" and row.apology_due_at for row in rows)
    assert any(row.received_at.time() == time(0, 0) for row in rows)
    assert any(row.resolved_at and row.resolved_at.time() == time(23, 59, 59) for row in rows)
    return rows


@given(start=st.dates(date(2024, 12, 1), date(2026, 2, 28)), length=st.integers(0, 400))
@settings(max_examples=60, **HYPOTHESIS)
def test_every_count_equals_the_recount_and_received_is_resolved_plus_pending_for_any_range(
        tree, random_register, start, length):
    assert_engine_matches_recount(tree, random_register, start, start + timedelta(days=length))


@pytest.mark.parametrize("cutoff", [1, 15])
def test_every_count_equals_the_recount_for_each_month_quarter_half_and_year_of_2025(
        tree, random_register, cutoff):
    named = ([periods.month(2025, number, cutoff) for number in range(1, 13)]
             + [periods.quarter(2025, number, cutoff) for number in range(1, 5)]
             + [periods.half_year(2025, number, cutoff) for number in (1, 2)] + [periods.year(2025, cutoff)])
    for period in named:
        assert_engine_matches_recount(tree, random_register, period.start, period.end)


def test_over_all_time_everything_received_is_counted_once_and_nothing_is_carried_over(tree, random_register):
    report = report_06(tree.city, date(2000, 1, 1), date(2100, 12, 31))

    assert report.total.received == len(random_register) == report.total.new
    assert report.total.carried_over == 0
    assert report.total.resolved == sum(1 for row in random_register if row.resolved_at)


# Instants around the range 1–31 March 2025, where off-by-one mistakes live.
MARCH = (date(2025, 3, 1), date(2025, 3, 31))
EDGES = [datetime(2025, 2, 28, 23, 59, 59), datetime(2025, 3, 1), datetime(2025, 3, 1, 0, 0, 1),
         datetime(2025, 3, 31, 23, 59), datetime(2025, 3, 31, 23, 59, 59), datetime(2025, 4, 1),
         datetime(2025, 4, 1, 0, 0, 1), datetime(2025, 3, 31, 17, 0), datetime(2025, 3, 1, 8, 0)]
instants = st.one_of(st.sampled_from(EDGES),
                     st.datetimes(datetime(2025, 2, 1), datetime(2025, 4, 30)).map(lambda m: m.replace(microsecond=0)))
dossier_specs = st.tuples(
    st.sampled_from(["ward_a", "ward_b", "ward_c", "district"]),
    st.sampled_from(["civil", "civil_fast", "certify", "land", "unclassified"]),
    st.sampled_from(["direct", "post", "online"]),
    instants,  # received
    instants,  # due (not before receipt)
    st.one_of(st.none(), instants),  # resolved (not before receipt)
    st.booleans(),  # with an apology
)


@given(specs=st.lists(dossier_specs, min_size=1, max_size=25))
@settings(max_examples=60, **HYPOTHESIS)
def test_dossiers_at_the_edges_of_a_month_are_counted_as_the_recount_counts_them(tree, specs):
    values = []
    for unit_name, procedure_name, channel, received_at, due_at, resolved_at, apology in specs:
        due_at = max(due_at, received_at)
        resolved_at = max(resolved_at, received_at) if resolved_at else None
        values.append(dossier_values(getattr(tree, unit_name), tree.procedures[procedure_name], received_at, due_at,
                                     resolved_at, channel, due_at + timedelta(days=3) if apology else None))
    # Not committed: the example's dossiers live in the session's transaction and go with its rollback.
    db.session.execute(insert(Dossier), values)
    try:
        rows = load_rows()
        for start, end in (MARCH, (date(2025, 3, 31), date(2025, 3, 31)), (date(2025, 2, 15), date(2025, 3, 14))):
            assert_engine_matches_recount(tree, rows, start, end)
    finally:
        db.session.rollback()


@pytest.mark.parametrize(("received_at", "due_at", "resolved_at", "expected"), [
    pytest.param(at("2025-04-30", "23:59"), at("2025-05-06"), None,
                 counts_of(direct_or_post=1, within_time=1), id="received at 23:59 on the last day counts"),
    pytest.param(at("2025-04-30", "23:59:59"), at("2025-05-06"), None,
                 counts_of(direct_or_post=1, within_time=1), id="received in the last second counts"),
    pytest.param(at("2025-05-01", "00:00"), at("2025-05-06"), None,
                 counts_of(), id="received at 00:00 the day after does not count"),
    pytest.param(at("2025-04-01", "00:00"), at("2025-05-06"), None,
                 counts_of(direct_or_post=1, within_time=1), id="received at 00:00 on the first day is new"),
    pytest.param(at("2025-03-31", "23:59"), at("2025-05-06"), None,
                 counts_of(carried_over=1, within_time=1), id="received the minute before is carried over"),
    pytest.param(at("2025-03-25"), at("2025-04-02"), at("2025-04-01", "00:00"),
                 counts_of(carried_over=1, early=1), id="resolved exactly at the start is resolved in the range"),
    pytest.param(at("2025-03-25"), at("2025-04-02"), at("2025-03-31", "23:59:59"),
                 counts_of(), id="resolved the second before the start does not count"),
    pytest.param(at("2025-04-28"), at("2025-04-30", "10:00"), at("2025-04-30", "23:59"),
                 counts_of(direct_or_post=1, on_time=1), id="resolved at 23:59 on the last day is resolved"),
    pytest.param(at("2025-04-28"), at("2025-04-30", "10:00"), at("2025-05-01", "00:00"),
                 counts_of(direct_or_post=1, overdue=1), id="resolved at 00:00 the day after is still pending"),
    pytest.param(at("2025-04-25"), at("2025-04-30", "16:00"), None,
                 counts_of(direct_or_post=1, overdue=1), id="due on the last day while pending is overdue"),
    pytest.param(at("2025-04-25"), at("2025-04-30", "23:59"), None,
                 counts_of(direct_or_post=1, overdue=1), id="due at 23:59 on the last day is overdue"),
    pytest.param(at("2025-04-25"), at("2025-05-01", "00:00"), None,
                 counts_of(direct_or_post=1, within_time=1), id="due at 00:00 the next day is within time"),
    pytest.param(at("2025-04-25"), at("2025-05-01", "08:00"), None,
                 counts_of(direct_or_post=1, within_time=1), id="due the next day is within time"),
    pytest.param(at("2025-03-20"), at("2025-03-27"), None,
                 counts_of(carried_over=1, overdue=1), id="carried over and long overdue"),
    pytest.param(at("2025-04-01"), at("2025-04-08"), at("2025-04-09"),
                 counts_of(direct_or_post=1, late=1), id="resolved the day after it was due is late"),
])
def test_a_dossier_on_the_edge_of_the_range_counts_where_the_rules_put_it(
        tree, received_at, due_at, resolved_at, expected):
    make_dossier(tree.ward_a, tree.procedures["civil"], received_at, due_at, resolved_at=resolved_at)

    report = report_06(tree.ward_a, *APRIL)

    assert asdict(report.total) == expected
    assert_balanced(report.total)


def test_a_limit_in_working_hours_is_classified_by_the_time_not_the_day(tree):
    fast = tree.procedures["civil_fast"]
    make_dossier(tree.ward_a, fast, at("2025-04-10", "08:00"), at("2025-04-11", "10:00"),
                 resolved_at=at("2025-04-11", "10:00"))
    make_dossier(tree.ward_a, fast, at("2025-04-10", "08:00"), at("2025-04-11", "10:00"),
                 resolved_at=at("2025-04-11", "10:01"))
    make_dossier(tree.ward_a, fast, at("2025-04-10", "08:00"), at("2025-04-11", "10:00"),
                 resolved_at=at("2025-04-11", "09:59"))

    assert asdict(report_06(tree.ward_a, *APRIL).total) == counts_of(direct_or_post=3, early=1, on_time=1, late=1)


def test_channels_split_new_dossiers_into_online_and_at_the_desk_or_by_post(tree):
    for channel in ("online", "online", "direct", "post"):
        make_dossier(tree.ward_a, tree.procedures["civil"], at("2025-04-10"), at("2025-04-17"), channel=channel)
    make_dossier(tree.ward_a, tree.procedures["civil"], at("2025-03-10"), at("2025-05-17"), channel="online")

    total = report_06(tree.ward_a, *APRIL).total

    assert (total.carried_over, total.online, total.direct_or_post, total.received) == (1, 2, 2, 5)


def test_a_dossier_withdrawn_while_awaiting_a_supplement_counts_alike_from_the_desk_and_from_a_register(
        app, world, tree, tmp_path):
    # Received Mon 8/9/2025 08:00 for 5 working days (due Mon 15/9 08:00), a supplement asked for on
    # Tue 9/9 08:00 and never brought, withdrawn on Mon 6/10 08:00: the unit waited for the citizen
    # from 9/9, so under the pause rule (DOMAIN.md "Supplement during processing") it was not late.
    offering = Offering(unit=tree.ward_a, procedure=tree.procedures["civil"], active_from=date(2025, 1, 1))
    offering.set_committed_time(Decimal(5), TimeUnit.WORKING_DAYS)
    db.session.add(offering)
    db.session.commit()
    calendar, clerk = calendar_for(tree.ward_a), world.user("clerk")
    received_at = at("2025-09-08", "08:00")
    dossier = register_dossier(Intake(offering, Applicant("Nguyễn Văn Quầy"), "direct", None, received_at),
                               calendar, clerk, "pause", received_at)
    db.session.flush()
    apply_action(dossier, Action.REQUEST_SUPPLEMENT, ActionInput(reason="Thiếu giấy khai sinh"), clerk, calendar,
                 at("2025-09-09", "08:00"), dossier.version)
    db.session.flush()
    apply_action(dossier, Action.WITHDRAW, ActionInput(note="Công dân rút hồ sơ"), clerk, calendar,
                 at("2025-10-06", "08:00"), dossier.version)
    db.session.commit()
    row = {"unit_code": tree.ward_a.code, "procedure_code": "1.000001", "channel": "direct",
           "applicant_name": "Trần Thị Sổ", "received_at": "2025-09-08T08:00",
           "supplement_requested_at": "2025-09-09T08:00", "finished_at": "2025-10-06T08:00", "outcome": "withdrawn"}
    path = tmp_path / "register.csv"
    path.write_text(",".join(COLUMNS) + "\n" + ",".join(row.get(column, "") for column in COLUMNS) + "\n",
                    encoding="utf-8")
    import_register(path, now=at("2025-10-07"), default_rule="pause")

    report = report_06(tree.ward_a, date(2025, 10, 1), date(2025, 10, 31))

    assert asdict(report.total) == counts_of(carried_over=2, early=2)


def test_late_dossiers_are_counted_with_and_without_an_apology_and_the_apology_does_not_make_them_on_time(tree):
    civil = tree.procedures["civil"]
    make_dossier(tree.ward_a, civil, at("2025-04-01"), at("2025-04-08"), resolved_at=at("2025-04-10"),
                 apology_due_at=at("2025-04-15"))
    make_dossier(tree.ward_a, civil, at("2025-04-01"), at("2025-04-08"), resolved_at=at("2025-04-10"))

    report = report_06(tree.ward_a, *APRIL)

    assert (report.total.late, report.total.late_with_apology, report.total.on_time) == (2, 1, 0)
    assert named_figures(report)["apology_coverage"] == 0.5


@pytest.mark.parametrize(("counts", "on_time_rate", "online_share", "apology_coverage"), [
    (Counts(early=2, on_time=3, late=1), 0.8333, None, 0.0),
    (Counts(early=1, on_time=1, late=1, late_with_apology=1), 0.6667, None, 1.0),
    (Counts(early=144, on_time=0, late=30), 0.8276, None, 0.0),
    (Counts(late=3, late_with_apology=2), 0.0, None, 0.6667),
    (Counts(on_time=7), 1.0, None, None),
    (Counts(online=1, direct_or_post=2), None, 0.3333, None),
    (Counts(online=0, direct_or_post=4, carried_over=9), None, 0.0, None),
    (Counts(carried_over=5, within_time=5), None, None, None),
    (Counts(), None, None, None),
])
def test_a_rate_is_a_fraction_rounded_to_four_places_or_none_without_a_denominator(
        counts, on_time_rate, online_share, apology_coverage):
    assert (counts.on_time_rate, counts.online_share, counts.apology_coverage) == (
        on_time_rate, online_share, apology_coverage)


def test_the_report_rates_are_early_and_on_time_over_resolved_and_online_over_new(tree):
    civil = tree.procedures["civil"]
    make_dossier(tree.ward_a, civil, at("2025-04-01"), at("2025-04-08"), resolved_at=at("2025-04-02"),
                 channel="online")
    make_dossier(tree.ward_a, civil, at("2025-04-01"), at("2025-04-08"), resolved_at=at("2025-04-08", "16:00"))
    make_dossier(tree.ward_a, civil, at("2025-04-01"), at("2025-04-08"), resolved_at=at("2025-04-09"))
    make_dossier(tree.ward_a, civil, at("2025-03-03"), at("2025-03-10"), resolved_at=at("2025-04-01"),
                 channel="online")  # carried over: resolved (late) in April, but not new in April

    report = report_06(tree.ward_a, *APRIL)
    figures = report.as_json()

    assert (figures["resolved"]["early"], figures["resolved"]["on_time"], figures["resolved"]["late"]) == (1, 1, 2)
    assert figures["on_time_rate"] == 0.5 == named_figures(report)["on_time_rate"]
    assert figures["online_share"] == 0.3333 and named_figures(report)["online_share"] == 1 / 3  # unrounded for scoring


def test_with_nothing_to_divide_by_every_rate_is_no_data_never_zero_or_one(tree):
    make_dossier(tree.ward_a, tree.procedures["civil"], at("2025-03-03"), at("2025-05-10"))  # carried over, open

    report = report_06(tree.ward_a, *APRIL)

    assert report.total.pending == 1
    assert named_figures(report) == {"on_time_rate": None, "online_share": None, "shortened_share": None,
                                     "end_to_end_share": None, "apology_coverage": None, "late_count": 0}
    assert report.as_json()["procedures"] == {"offered": 0, "shortened": 0, "shortened_share": None}


def add_offering(unit, procedure, value, time_unit, active_from, at_desk=True,
                 online_kind=OnlineKind.NONE) -> None:
    offering = Offering(unit=unit, procedure=procedure, active_from=active_from, at_desk=at_desk,
                        online_kind=online_kind)
    offering.set_committed_time(Decimal(value), time_unit)
    db.session.add(offering)


@pytest.fixture
def offerings(tree) -> Tree:
    """Ward A: 1.000001 at the statutory 5 days, shortened to 3 from 15 April; 8 working hours cut to half
    a day (4 hours); the land procedure at its 15 days; 1.000003 shortened but not at the desk; 1.000005
    shortened only from 1 May. Ward B shortens 1.000001 too."""
    p = tree.procedures
    add_offering(tree.ward_a, p["civil"], 5, TimeUnit.WORKING_DAYS, date(2025, 1, 1))
    add_offering(tree.ward_a, p["civil"], 3, TimeUnit.WORKING_DAYS, date(2025, 4, 15))
    add_offering(tree.ward_a, p["civil_fast"], "0.5", TimeUnit.WORKING_DAYS, date(2025, 1, 1),
                 online_kind=OnlineKind.END_TO_END)
    add_offering(tree.ward_a, p["land"], 15, TimeUnit.DAYS, date(2025, 1, 1))
    add_offering(tree.ward_a, p["certify"], 1, TimeUnit.WORKING_DAYS, date(2025, 1, 1), at_desk=False)
    add_offering(tree.ward_a, p["unclassified"], 2, TimeUnit.WORKING_DAYS, date(2025, 5, 1))
    add_offering(tree.ward_b, p["civil"], 4, TimeUnit.WORKING_DAYS, date(2025, 1, 1))
    db.session.commit()
    return tree


@pytest.mark.parametrize(("end", "offered", "shortened", "share"), [
    (date(2024, 12, 31), 0, 0, None),
    (date(2025, 4, 14), 3, 1, 0.3333),
    (date(2025, 4, 15), 3, 2, 0.6667),
    (date(2025, 4, 30), 3, 2, 0.6667),
    (date(2025, 5, 1), 4, 3, 0.75),
])
def test_the_shortened_share_counts_the_offerings_at_the_desk_in_force_on_the_last_day(
        offerings, end, offered, shortened, share):
    report = report_06(offerings.ward_a, date(2024, 1, 1), end)

    assert report.as_json()["procedures"] == {"offered": offered, "shortened": shortened, "shortened_share": share}


def test_the_shortened_share_of_a_parent_counts_the_offerings_of_every_unit_below_it(offerings):
    report = report_06(offerings.city, *APRIL)

    assert report.as_json()["procedures"] == {"offered": 4, "shortened": 3, "shortened_share": 0.75}
    # One of ward A's five offerings in force is end to end online; ward B's is not.
    assert named_figures(report)["end_to_end_share"] == 0.2


@pytest.fixture
def one_per_ward(tree) -> Tree:
    """1 dossier in ward A, 2 in ward C (both under the district), 4 in ward B (under the city)."""
    for unit, count in ((tree.ward_a, 1), (tree.ward_c, 2), (tree.ward_b, 4)):
        for _ in range(count):
            make_dossier(unit, tree.procedures["civil"], at("2025-04-10"), at("2025-04-17"))
    return tree


def test_a_ward_counts_only_its_own_dossiers(one_per_ward):
    assert report_06(one_per_ward.ward_a, *APRIL).total.received == 1
    assert report_06(one_per_ward.ward_c, *APRIL).total.received == 2
    assert report_06(one_per_ward.ward_b, *APRIL).total.received == 4


def test_a_district_counts_its_wards_and_the_city_counts_everything(one_per_ward):
    assert report_06(one_per_ward.district, *APRIL).total.received == 3
    assert report_06(one_per_ward.city, *APRIL).total.received == 7


def test_children_report_gives_each_unit_below_its_own_subtree(one_per_ward):
    tree = one_per_ward
    by_child = {child.code: counts.received for child, counts in children_report(tree.city, *APRIL)}
    assert by_child == {tree.district.code: 3, tree.ward_b.code: 4}
    by_child = {child.code: counts.received for child, counts in children_report(tree.district, *APRIL)}
    assert by_child == {tree.ward_a.code: 1, tree.ward_c.code: 2}
    assert children_report(tree.ward_a, *APRIL) == []


def test_a_unit_below_with_nothing_in_the_range_gets_a_row_of_zeros(one_per_ward):
    children = children_report(one_per_ward.city, date(2024, 1, 1), date(2024, 1, 31))

    assert [asdict(counts) for _, counts in children] == [counts_of(), counts_of()]


@pytest.fixture
def april_register(offerings) -> Tree:
    """Ward A in April 2025: two fields and the unclassified row, every kind of count at least once."""
    t, p = offerings, offerings.procedures
    make_dossier(t.ward_a, p["civil"], at("2025-03-20"), at("2025-03-27"), resolved_at=at("2025-04-02"),
                 apology_due_at=at("2025-04-03"))  # carried over, late with apology
    make_dossier(t.ward_a, p["civil"], at("2025-03-28"), at("2025-05-05"))  # carried over, within time
    make_dossier(t.ward_a, p["civil"], at("2025-04-07"), at("2025-04-14"), resolved_at=at("2025-04-10"),
                 channel="online")  # early
    make_dossier(t.ward_a, p["civil"], at("2025-04-07"), at("2025-04-14"), resolved_at=at("2025-04-14"),
                 channel="post")  # on time
    make_dossier(t.ward_a, p["land"], at("2025-04-20"), at("2025-04-30", "08:00"))  # overdue
    make_dossier(t.ward_a, p["land"], at("2025-04-21"), at("2025-05-06"), channel="online")  # within time
    make_dossier(t.ward_a, p["unclassified"], at("2025-04-29"), at("2025-05-02"))  # within time
    make_dossier(t.ward_b, p["civil"], at("2025-04-07"), at("2025-04-14"))  # the other ward's
    return t


def run_figures(app, unit_code: str, start: str, end: str, output_format: str):
    return app.test_cli_runner().invoke(args=["report", "figures", "--unit", unit_code, "--from", start,
                                              "--to", end, "--format", output_format])


def test_figures_as_json_have_exactly_the_keys_of_the_issue_with_the_engines_values(app, april_register):
    result = run_figures(app, april_register.ward_a.code, "2025-04-01", "2025-04-30", "json")

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures == report_06(april_register.ward_a, *APRIL).as_json() | {
        "satisfaction": satisfaction(april_register.ward_a, *APRIL)}
    # The order of the fields is the engine's; the test does not pin it.
    figures["by_field"].sort(key=lambda row: row["field"])
    assert figures == {
        "unit": april_register.ward_a.code, "from": "2025-04-01", "to": "2025-04-30",
        "received": {"total": 7, "carried_over": 2, "online": 2, "direct_or_post": 3},
        "resolved": {"total": 3, "early": 1, "on_time": 1, "late": 1},
        "pending": {"total": 4, "within_time": 3, "overdue": 1},
        "late_with_apology": 1,
        "on_time_rate": 0.6667,
        "online_share": 0.4,
        "procedures": {"offered": 3, "shortened": 2, "shortened_share": 0.6667},
        "by_field": [
            {"field": "Chưa phân loại", "received": 1, "resolved": 0, "pending": 1},
            {"field": "Hộ tịch", "received": 4, "resolved": 3, "pending": 1},
            {"field": "Đất đai", "received": 2, "resolved": 0, "pending": 2},
        ],
        "satisfaction": {"rated": 0, "satisfied": 0, "acceptable": 0, "dissatisfied": 0, "satisfaction_rate": None},
    }


def test_figures_as_json_of_the_city_are_the_engines_for_the_whole_tree(app, april_register):
    result = run_figures(app, april_register.city.code, "2025-04-01", "2025-04-30", "json")

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures == report_06(april_register.city, *APRIL).as_json() | {
        "satisfaction": satisfaction(april_register.city, *APRIL)}
    assert figures["received"]["total"] == 8


def test_figures_as_csv_are_the_report_06_table_whose_total_row_is_the_json(app, april_register):
    code = april_register.ward_a.code
    figures = json.loads(run_figures(app, code, "2025-04-01", "2025-04-30", "json").output)
    result = run_figures(app, code, "2025-04-01", "2025-04-30", "csv")

    assert result.exit_code == 0, result.output
    header, *rows = list(csv.reader(io.StringIO(result.output)))
    assert header == CSV_HEADER
    assert header[:2] == ["Lĩnh vực", "Tổng số tiếp nhận"]
    *field_rows, total = rows
    assert total == ["Tổng số"] + [str(number) for number in (
        figures["received"]["total"], figures["received"]["carried_over"], figures["received"]["online"],
        figures["received"]["direct_or_post"], figures["resolved"]["total"], figures["resolved"]["early"],
        figures["resolved"]["on_time"], figures["resolved"]["late"], figures["pending"]["total"],
        figures["pending"]["within_time"], figures["pending"]["overdue"])]
    assert [[row[0], int(row[1]), int(row[5]), int(row[9])] for row in field_rows] == [
        [row["field"], row["received"], row["resolved"], row["pending"]] for row in figures["by_field"]]
    for row in rows:
        received, carried, online, direct, resolved, early, on_time, late, pending, within, overdue = map(int, row[1:])
        assert received == carried + online + direct == resolved + pending
        assert (resolved, pending) == (early + on_time + late, within + overdue)


def test_figures_of_an_empty_range_print_zeros_and_no_data(app, tree):
    result = run_figures(app, tree.ward_a.code, "2025-04-01", "2025-04-30", "json")

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert (figures["received"]["total"], figures["on_time_rate"], figures["online_share"], figures["by_field"]) == (
        0, None, None, [])
    assert '"on_time_rate": null' in result.output


@pytest.mark.parametrize(("unit_code", "start", "end", "message"), [
    ("999.99.99.H99", "2025-04-01", "2025-04-30", "Không có đơn vị mã 999.99.99.H99"),
    ("000.01.01.H99", "2025-04-30", "2025-04-01", "Ngày cuối trước ngày đầu"),
])
def test_figures_refuse_an_unknown_unit_or_a_range_that_ends_before_it_starts(app, tree, unit_code, start, end,
                                                                               message):
    result = run_figures(app, unit_code, start, end, "json")

    assert result.exit_code != 0
    assert message in result.output
