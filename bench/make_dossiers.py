"""Make a large SQLite database of dossiers for the desk benchmarks (not a test; see README).

    .venv/bin/python bench/make_dossiers.py --dossiers 1000000 --wards 30 --db bench/out/desk.sqlite3

Units, offerings and users come from the demo (`flask demo load --no-dossiers`), plus extra wards;
dossiers are written with bulk INSERTs of realistic rows (receipt on working days in office hours,
due times from each offering's committed time, most resolved, a few open), each with its "receive"
event, so that the pages read what they would read in production.
"""
import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--wards", type=int, default=30)
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "desk.sqlite3"))
    parser.add_argument("--database-url", help="instead of --db, e.g. postgresql://postgres@127.0.0.1:5432/bench "
                                                 "(its tables are dropped and migrated anew)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        db_path = args.database_url
    else:
        db_path = Path(args.db).resolve()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"

    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from app import create_app
    from app.catalog.models import Offering
    from app.demo.cli import load_demo
    from app.dossiers.lifecycle import DossierState
    from app.dossiers.models import Dossier, DossierCounter, DossierEvent, new_lookup_pin
    from app.dossiers.ontime import classify
    from app.extensions import db
    from app.units.models import Unit, UnitKind
    from app.vntext import fold
    from app.worktime.clock import calendar_for
    from app.worktime.deadlines import due_at

    app = create_app("development")
    rng = random.Random(args.seed)
    started = time.perf_counter()
    with app.app_context():
        if args.database_url:
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
        # The day it runs: each ward's dossiers are spread over the two years up to today, so that
        # "this month" and "today" have their share at every size.
        today = date.today()
        load_demo(today)
        city = db.session.scalar(select(Unit).where(Unit.kind == UnitKind.CITY))
        template_ward = db.session.scalar(select(Unit).where(Unit.kind == UnitKind.WARD))
        template_offerings = db.session.scalars(select(Offering).where(Offering.unit_id == template_ward.id)).all()
        wards = db.session.scalars(select(Unit).where(Unit.kind == UnitKind.WARD)).all()
        for index in range(len(wards), args.wards):
            ward = Unit(code=f"000.90.{index:02d}.H26", name=f"Phường Thử Nghiệm {index + 1}", kind=UnitKind.WARD,
                        parent=city, is_demo=True)
            db.session.add(ward)
            db.session.flush()
            ward.refresh_path()
            for template in template_offerings:
                offering = Offering(unit=ward, procedure_id=template.procedure_id, active_from=template.active_from,
                                    at_desk=template.at_desk, online_kind=template.online_kind)
                offering.set_committed_time(template.committed_value, template.committed_unit)
                db.session.add(offering)
            wards.append(ward)
        db.session.commit()

        offerings_by_unit = {ward.id: db.session.scalars(select(Offering).where(Offering.unit_id == ward.id)).all()
                             for ward in wards}
        calendars = {ward.id: calendar_for(ward) for ward in wards}
        first_day = today - timedelta(days=730)
        days = [first_day + timedelta(days=n) for n in range((today - first_day).days + 1)]
        working_days = [day for day in days if calendars[wards[0].id].is_working_day(day)]
        per_ward = -(-args.dossiers // len(wards))  # rounded up; the last ward gets what is left
        family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
        middle = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh", "Hữu", "Hoài"]
        given = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hương", "Khánh", "Lan", "Long", "Mai", "Nam", "Phúc",
                 "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Việt", "Yến"]
        dossier_rows, event_rows, counters = [], [], {}
        next_id = 1
        # Rows are inserted with explicit ids: PostgreSQL's sequences must follow them afterwards.
        written = 0

        def flush():
            nonlocal dossier_rows, event_rows
            db.session.execute(insert(Dossier), dossier_rows)
            db.session.execute(insert(DossierEvent), event_rows)
            db.session.commit()
            dossier_rows, event_rows = [], []

        for ward in wards:
            calendar = calendars[ward.id]
            offerings = offerings_by_unit[ward.id]
            ward_quota = min(per_ward, args.dossiers - written)
            ward_written = 0
            # The ward's quota spread evenly over every working day up to today (the remainder on random days).
            base, extra = divmod(ward_quota, len(working_days))
            extra_days = set(rng.sample(range(len(working_days)), extra))
            for index, day in enumerate(working_days):
                times = sorted(datetime(day.year, day.month, day.day, rng.choice((8, 9, 10, 11, 13, 14, 15, 16)),
                                        rng.randrange(60)) for _ in range(base + (index in extra_days)))
                for received_at in times:
                    if ward_written >= ward_quota:
                        break
                    ward_written += 1
                    offering = rng.choice(offerings)
                    number = counters.get((ward.id, day), 0) + 1
                    counters[(ward.id, day)] = number
                    due = due_at(calendar, received_at, offering.committed_value, offering.committed_unit)
                    name = f"{rng.choice(family)} {rng.choice(middle)} {rng.choice(given)}"
                    age = (today - day).days
                    if age > 20 or rng.random() < 0.5:
                        resolved = due - timedelta(hours=rng.choice((0, 1, 2, 24, 48))) if rng.random() < 0.97 \
                            else due + timedelta(days=rng.randint(1, 5))
                        resolved = max(resolved, received_at + timedelta(minutes=30))
                        state, resolution = DossierState.RETURNED, classify(
                            resolved, due, offering.committed_unit == "working_hours")
                    else:
                        state, resolved, resolution = rng.choice(
                            [DossierState.RECEIVED, DossierState.IN_PROGRESS, DossierState.AWAITING_SUPPLEMENT,
                             DossierState.FINISHED]), None, None
                        if state == DossierState.FINISHED:
                            resolved = received_at + timedelta(hours=2)
                            resolution = classify(resolved, due, offering.committed_unit == "working_hours")
                    dossier_rows.append(dict(
                        id=next_id, code=f"{ward.code}-{day:%y%m%d}-{number:04d}", lookup_pin=new_lookup_pin(),
                        unit_id=ward.id,
                        procedure_id=offering.procedure_id, applicant_name=name, applicant_search=fold(name),
                        applicant_id_number=f"001{rng.randrange(10**9):09d}",
                        applicant_phone=f"09{rng.randrange(10**8):08d}", applicant_address="",
                        applicant_email="", channel=rng.choice(("direct", "direct", "online", "post")),
                        online_kind=None, legacy_online_level=None, sets_count=1, received_at=received_at,
                        time_value=offering.committed_value, time_unit=offering.committed_unit,
                        supplement_rule="pause", due_at=due, apology_due_at=None, state=state,
                        outcome="approved" if resolved and state in ("finished", "returned") else None,
                        result_note="", resolved_at=resolved, resolution=resolution,
                        returned_at=resolved if state == DossierState.RETURNED else None,
                        created_by_id=None, updated_at=resolved or received_at, version=1))
                    event_rows.append(dict(dossier_id=next_id, at=received_at, actor_id=None, action="receive",
                                           from_state=None, to_state="received", from_office="",
                                           to_office="Bộ phận Một cửa", note="", details={}))
                    next_id += 1
                    written += 1
                    if len(dossier_rows) >= 20_000:
                        flush()
                        print(f"  {written:,} dossiers", flush=True)
        if dossier_rows:
            flush()
        db.session.execute(insert(DossierCounter), [
            {"unit_id": unit_id, "day": day, "last_number": number} for (unit_id, day), number in counters.items()])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table in ("dossiers", "dossier_events"):
                db.session.execute(db.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
            db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    print(f"{written:,} dossiers in {len(wards)} wards written to {db_path} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
