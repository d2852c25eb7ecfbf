"""Issue 13's table, measured: every row beside its floor, measured in the same run, and their ratio; with
several databases, how each row grows with the number of dossiers (the exponent). Not a test.

    nice -n 10 .venv/bin/python bench/make_dossiers.py --dossiers 250000 --wards 30 --db bench/out/city-250k.sqlite3
    nice -n 10 .venv/bin/python bench/make_dossiers.py --dossiers 1000000 --wards 30 --db bench/out/city-1m.sqlite3
    nice -n 10 .venv/bin/python bench/city_scale.py --db sqlite:///bench/out/city-250k.sqlite3 --db sqlite:///bench/out/city-1m.sqlite3
    # PostgreSQL: make_dossiers.py --database-url postgresql://postgres@127.0.0.1:5432/bench --dossiers 5000000 --wards 126

Rows (medians; requests go through the WSGI app in-process with Flask's test client, no network):
- the city officer opens /dossiers/ — floor: the bare SQL of the page's 50 newest rows down the receipt index;
- the city officer's name search without diacritics — floor: the same bare SQL (what a page of 50 rows costs);
- the city's year comparison (`children_report`, every ward) — floor: one bare GROUP BY over the dossiers
  with the same conditions (the scan the roll-ups replace);
- a ward's quarter (`report_06`) ÷ the same bare GROUP BY for the ward;
- the city's quarterly report PDF (`build_quarterly_report` + `render_quarterly_pdf`, what its background
  job runs) — floor: WeasyPrint laying out the same HTML alone;
- the receipt PDF printed again (kept) and printed first (laid out) ÷ a bare WeasyPrint A5 page of its text;
- requests/s of home, list, search ÷ requests/s of a bare Flask "hello" — in-process (test client, one
  thread), not under gunicorn.
"""
import argparse
import math
import os
import re
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSWORD = "thu-nghiem-mot-cua"


def median_ms(function, repeat: int) -> float:
    function()  # warm the caches once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def per_second(function, seconds: float = 2.0) -> float:
    function()
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        function()
        count += 1
    return count / (time.perf_counter() - started)


def measure(url: str, repeat: int) -> tuple[int, list[tuple[str, float, float, str]]]:
    """(dossiers, rows of (label, measured, floor, unit)) for one database; a fresh process per database
    is not needed: the app is created anew with its own engine."""
    os.environ["DATABASE_URL"] = url
    from flask import Flask
    from sqlalchemy import func, select, text

    from app import create_app
    from app.dossiers.models import Dossier
    from app.extensions import db
    from app.reports.pdf import render_pdf
    from app.reports.quarterly import build_quarterly_report, quarter_of, render_quarterly_html
    from app.stats import periods
    from app.stats.figures import children_report, report_06
    from app.units.models import Unit, UnitKind

    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        # Flask-SQLAlchemy reads a relative SQLite path under instance/: make it the caller's.
        url = f"sqlite:///{Path(url.removeprefix('sqlite:///')).resolve()}"
    engine_url = "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url
    app = create_app("development", WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False,
                     SQLALCHEMY_DATABASE_URI=engine_url)
    from flask_migrate import upgrade
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))  # a database built before a newer migration
    officer = app.test_client()
    assert officer.post("/login", data={"username": "canbo.thanhpho", "password": PASSWORD}).status_code == 302
    clerk = app.test_client()
    assert clerk.post("/login", data={"username": "motcua.hadong", "password": PASSWORD}).status_code == 302
    rows = []
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Dossier))
        city = db.session.scalar(select(Unit).where(Unit.kind == UnitKind.CITY))
        ward = db.session.scalar(select(Unit).where(Unit.code == "000.06.01.H26"))
        today = date.today()
        cutoff = app.config["REPORT_CUTOFF_DAY"]
        # The last reporting quarter that has ended: the one before today's.
        running = periods.quarter(*quarter_of(today, cutoff), cutoff)
        last_quarter = periods.quarter(*quarter_of(running.start - timedelta(days=1), cutoff), cutoff)
        comparison_year = (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))

        def newest_page():
            return db.session.execute(text(
                "SELECT id, code, applicant_name, received_at, due_at, state FROM dossiers "
                "ORDER BY received_at DESC, id DESC LIMIT 50")).all()

        def floor(path: str, start: date, end: date):
            # The same counts as the engine, straight in SQL over the dossiers: the scan the roll-ups replace.
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
                                       "path": f"{path}%"}).all()

        page_floor = median_ms(newest_page, repeat)
        rows.append(("city officer opens /dossiers/",
                     median_ms(lambda: officer.get("/dossiers/"), repeat), page_floor, "ms"))
        rows.append(("city officer name search (no diacritics)",
                     median_ms(lambda: officer.get("/dossiers/?q=nguyen+van+an"), repeat), page_floor, "ms"))
        rows.append((f"city year comparison ({comparison_year[0].year})",
                     median_ms(lambda: children_report(city, *comparison_year), repeat),
                     median_ms(lambda: floor(city.path, *comparison_year), max(3, repeat // 3)), "ms"))
        quarter_span = (last_quarter.start, last_quarter.end)
        rows.append((f"ward quarter {last_quarter.label}",
                     median_ms(lambda: report_06(ward, *quarter_span), repeat),
                     median_ms(lambda: floor(ward.path, *quarter_span), repeat), "ms"))

        q_year, q_number = quarter_of(last_quarter.end, cutoff)

        def city_pdf():
            report = build_quarterly_report(city, q_year, q_number, today, cutoff)
            return render_pdf(render_quarterly_html(report))

        with app.test_request_context():
            html = render_quarterly_html(build_quarterly_report(city, q_year, q_number, today, cutoff))
            rows.append(("city quarterly report PDF", median_ms(city_pdf, max(3, repeat // 5)),
                         median_ms(lambda: render_pdf(html), max(3, repeat // 5)), "ms"))

        dossier_id = db.session.scalar(select(Dossier.id).where(Dossier.unit_id == ward.id).order_by(Dossier.id.desc()))
        receipt_url = f"/dossiers/{dossier_id}/receipt.pdf"
        first_print = clerk.get(receipt_url)
        assert first_print.status_code == 200 and first_print.data.startswith(b"%PDF")
        page_text = _receipt_text(clerk, dossier_id)
        bare_a5 = ("<html><head><style>@page { size: A5; margin: 15mm }</style></head><body>"
                   + "".join(f"<p>{line}</p>" for line in page_text) + "</body></html>")
        bare_ms = median_ms(lambda: render_pdf(bare_a5), max(3, repeat // 3))
        rows.append(("receipt PDF printed again (kept)", median_ms(lambda: clerk.get(receipt_url), repeat), bare_ms,
                     "ms"))

        from app.reports import kept

        def laid_out():
            db.session.execute(kept.KeptPaper.__table__.delete().where(
                kept.KeptPaper.__table__.c.dossier_id == dossier_id))
            db.session.commit()
            clerk.get(receipt_url)

        rows.append(("receipt PDF printed first (laid out)", median_ms(laid_out, max(3, repeat // 3)), bare_ms, "ms"))

    hello = Flask("hello")
    hello.get("/")(lambda: "hello")
    hello_client = hello.test_client()
    hello_rate = per_second(lambda: hello_client.get("/"))
    for label, url in (("home", "/"), ("list", "/dossiers/"), ("search", "/dossiers/?q=tran+thi")):
        rows.append((f"requests/s of {label} (clerk) ÷ hello", per_second(lambda: clerk.get(url)), hello_rate, "/s"))
    return total, rows


def _receipt_text(client, dossier_id: int) -> list[str]:
    """The receipt's words, from the dossier's page (the same applicant, code and due time), as plain lines."""
    page = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    body = re.sub(r"(?s)<(script|style|head).*?</\1>", " ", page)
    words = re.sub(r"<[^>]+>", " ", body).split()
    return [" ".join(words[index:index + 12]) for index in range(0, min(len(words), 300), 12)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True, help="a database URL; repeat for several sizes")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    results = []
    for url in args.db:
        # One process per size would be cleaner; the engine is per app, so sizes do not share caches.
        total, rows = measure(url, args.repeat)
        results.append((total, rows))
        print(f"\n{total:,} dossiers — {url}")
        print(f"| {'what':<44} | {'measured':>12} | {'floor':>12} | {'ratio':>6} |")
        print(f"|{'-' * 46}|{'-' * 14}|{'-' * 14}|{'-' * 8}|")
        for label, measured, floor, unit in rows:
            print(f"| {label:<44} | {measured:>9.1f} {unit:<2} | {floor:>9.1f} {unit:<2} | {measured / floor:>6.2f} |",
                  flush=True)
    if len(results) > 1:
        print("\nGrowth: exponent k of measured ∝ dossiers^k between the smallest and largest size")
        (small, small_rows), (large, large_rows) = results[0], results[-1]
        for (label, a, _, unit), (_, b, _, _) in zip(small_rows, large_rows, strict=True):
            k = math.log(b / a) / math.log(large / small) if a > 0 and b > 0 else float("nan")
            print(f"  {label:<44} {a:9.1f} → {b:9.1f} {unit:<2}  k = {k:5.2f}")


if __name__ == "__main__":
    main()
