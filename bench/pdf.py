"""Time to answer the papers as PDFs, in one process, on a demo-sized database (not a test; see README).

    .venv/bin/python bench/pdf.py                       # builds bench/out/pdf-demo.sqlite3 first if missing (~30 s)
    .venv/bin/python bench/pdf.py --db bench/out/pdf-demo.sqlite3 --repeat 20

The database is the demo (`flask demo load`: a city, three wards, about 12,000 dossiers over a year, the
default index rubrics). Requests go through the WSGI app in-process (Flask's test client, no network),
signed in as the demo city officer: a dossier's receipt (A5), the quarterly report of a ward and of the
city (A4) for the last reporting quarter that has ended. The first request of each paper is reported on
its own: the first one of the process also loads the fonts (once per process, `app/reports/pdf.py`).
Targets (issue 6): receipt < 300 ms, quarterly report < 2 s at the median.
"""
import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DB = ROOT / "bench" / "out" / "pdf-demo.sqlite3"


def build_demo(app) -> None:
    """The demo of `flask demo load`, written the same way (units, catalog, users, dossiers, rubrics)."""
    from app.demo.cli import load_demo
    from app.demo.dossiers import load_demo_dossiers
    from app.extensions import db
    from app.stats.index_service import load_default_rubrics
    from app.worktime.clock import local_now

    with app.app_context():
        today = local_now().date()
        load_demo(today)
        load_demo_dossiers(today)
        for year in (today.year - 1, today.year):
            load_default_rubrics(year)
        db.session.commit()


def timings(client, url: str, repeat: int) -> tuple[float, list[float]]:
    """(first request in ms, the next `repeat` in ms); every answer must be a PDF."""
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), (url, response.status_code)
    return times[0], times[1:]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(DEFAULT_DB))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    db_path = Path(args.db).resolve()
    is_new = not db_path.exists()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app import create_app
    from app.dossiers.models import Dossier
    from app.extensions import db
    from app.reports.quarterly import quarter_of
    from app.stats import periods
    from app.units.models import Unit, UnitKind
    from app.worktime.clock import local_now

    app = create_app("development", WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))  # a database built before a newer migration
    if is_new:
        started = time.perf_counter()
        print(f"Building the demo database {db_path}…", flush=True)
        build_demo(app)
        print(f"  done in {time.perf_counter() - started:.0f} s")
    client = app.test_client()
    assert client.post("/login", data={"username": "canbo.thanhpho", "password": "thu-nghiem-mot-cua"}).status_code == 302
    cutoff_day = app.config["REPORT_CUTOFF_DAY"]
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Dossier))
        city = db.session.scalar(select(Unit).where(Unit.kind == UnitKind.CITY))
        ward = db.session.scalar(select(Unit).where(Unit.code == "000.06.01.H26"))
        dossier_id = db.session.scalar(select(Dossier.id).where(Dossier.unit_id == ward.id).order_by(Dossier.id.desc()))
        # The last reporting quarter that has ended: the one before today's.
        running_year, running_quarter = quarter_of(local_now().date(), cutoff_day)
        year, quarter = quarter_of(periods.quarter(running_year, running_quarter, cutoff_day).start - timedelta(days=1),
                                   cutoff_day)
        ward_name, city_name, wards = ward.name, city.name, db.session.scalar(
            select(func.count()).where(Unit.kind == UnitKind.WARD))
        city_id, ward_id = city.id, ward.id

    papers = [
        ("receipt (A5)", f"/dossiers/{dossier_id}/receipt.pdf", 300),
        (f"quarterly report, ward ({ward_name})", f"/units/{ward_id}/report-q.pdf?year={year}&quarter={quarter}", 2000),
        (f"quarterly report, city ({city_name}, {wards} wards)",
         f"/units/{city_id}/report-q.pdf?year={year}&quarter={quarter}", 2000),
    ]
    print(f"{total:,} dossiers in {db_path.name}; Q{quarter}/{year} (cutoff day {cutoff_day}); "
          f"{args.repeat} requests after the first, in-process")
    print(f"| {'paper':<52} | {'first':>9} | {'median':>9} | {'p95':>9} | {'target':<16} |")
    print(f"|{'-' * 54}|{'-' * 11}|{'-' * 11}|{'-' * 11}|{'-' * 18}|")
    for label, url, target in papers:
        first, rest = timings(client, url, args.repeat)
        median = statistics.median(rest)
        verdict = "ok" if median < target else "OVER"
        print(f"| {label:<52} | {first:>6.0f} ms | {median:>6.0f} ms | {p95(rest):>6.0f} ms | "
              f"{f'< {target} ms {verdict}':<16} |", flush=True)


if __name__ == "__main__":
    main()
