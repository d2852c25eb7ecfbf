"""Median times of the figures engine on a large database, beside the bare SQL aggregate (not a test).

    .venv/bin/python bench/make_dossiers.py --dossiers 1000000 --wards 30
    .venv/bin/python bench/figures.py --db sqlite:///bench/out/desk.sqlite3
    # PostgreSQL: 5,000,000 dossiers over 126 wards
    .venv/bin/python bench/make_dossiers.py --dossiers 5000000 --wards 126 --database-url postgresql://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/figures.py --db postgresql://postgres@127.0.0.1:5432/bench

For a ward's quarter (report_06: the Report 06 table per field, rates, offerings) and the city's year
comparison (children_report: every ward's totals), it prints the engine's median time and the
median time of the floor: one bare GROUP BY over the same dossiers with the same conditions and no
Python around it, and their ratio. Targets (issue 5): ward quarter < 100 ms, city year < 2 s.
"""
import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median_ms(function, repeat: int) -> float:
    function()  # warm the caches once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=f"sqlite:///{ROOT / 'bench' / 'out' / 'desk.sqlite3'}")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.db

    from sqlalchemy import func, select, text

    from app import create_app
    from app.dossiers.models import Dossier
    from app.extensions import db
    from app.stats.figures import children_report, report_06
    from app.units.models import Unit, UnitKind

    app = create_app("development")
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Dossier))
        city = db.session.scalar(select(Unit).where(Unit.kind == UnitKind.CITY))
        ward = db.session.scalar(select(Unit).where(Unit.code == "000.06.01.H26"))
        wards = db.session.scalar(select(func.count()).where(Unit.kind == UnitKind.WARD))
        quarter, year = (date(2026, 7, 1), date(2026, 9, 30)), (date(2025, 1, 1), date(2025, 12, 31))

        def floor(unit_ids, start, end):
            # The same counts as the engine, straight in SQL over the same rows: the cost of the data.
            return db.session.execute(text("""
                SELECT unit_id, count(*) FILTER (WHERE received_at < :start),
                       count(*) FILTER (WHERE received_at >= :start AND channel = 'online'),
                       count(*) FILTER (WHERE resolved_at < :end AND resolution = 'early'),
                       count(*) FILTER (WHERE resolved_at < :end AND resolution = 'on_time'),
                       count(*) FILTER (WHERE resolved_at < :end AND resolution = 'late'),
                       count(*) FILTER (WHERE (resolved_at IS NULL OR resolved_at >= :end) AND due_at < :end)
                FROM dossiers
                WHERE unit_id IN (SELECT id FROM units WHERE path LIKE :path)
                  AND received_at < :end AND (resolved_at IS NULL OR resolved_at >= :start)
                GROUP BY unit_id"""), {"start": f"{start} 00:00:00", "end": f"{end} 23:59:59.999999",
                                       "path": f"{unit_ids}%"}).all()

        print(f"{total:,} dossiers, {wards} wards ({db.engine.dialect.name}); median of {args.repeat}")
        for label, run, bare in (
            (f"ward quarter ({ward.name}, Q3/2026)", lambda: report_06(ward, *quarter),
             lambda: floor(ward.path, *quarter)),
            (f"city year comparison ({wards} wards, 2025)", lambda: children_report(city, *year),
             lambda: floor(city.path, *year)),
        ):
            engine_ms, floor_ms = median_ms(run, args.repeat), median_ms(bare, args.repeat)
            print(f"  {label:<44} engine {engine_ms:8.1f} ms   floor {floor_ms:8.1f} ms   ratio {engine_ms / floor_ms:4.2f}")


if __name__ == "__main__":
    main()
