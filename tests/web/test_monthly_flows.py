"""The chart's monthly flows come from the engine and equal Report 06's new and resolved counts."""
from datetime import date

from sqlalchemy import select

from app.demo.cli import DEMO_CITY, load_demo
from app.demo.dossiers import load_demo_dossiers
from app.extensions import db
from app.stats import periods
from app.stats.figures import monthly_flows, report_06
from app.units.models import Unit


def test_monthly_flows_equal_the_new_and_resolved_of_each_months_report(app):
    today = date(2026, 6, 17)
    load_demo(today)
    load_demo_dossiers(today, 3, 3, 7)
    city = db.session.scalar(select(Unit).where(Unit.code == DEMO_CITY[0]))
    months = periods.last_months(today, 3)
    flows = monthly_flows(city, months[0].start, today)
    assert sum(counts.new for counts in flows.values()) > 0
    for period in months:
        report = report_06(city, period.start, min(period.end, today)).total
        counts = flows[(period.start.year, period.start.month)]
        assert (counts.online, counts.direct_or_post) == (report.online, report.direct_or_post)
        assert (counts.early, counts.on_time, counts.late) == (report.early, report.on_time, report.late)
