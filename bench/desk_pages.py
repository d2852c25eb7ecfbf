"""Median answer times of the desk's pages on a large database (not a test; see README).

    .venv/bin/python bench/make_dossiers.py --dossiers 1000000 --wards 30
    .venv/bin/python bench/desk_pages.py --db bench/out/desk.sqlite3

Requests go through the WSGI app in-process (Flask's test client, no network), signed in as a
demo clerk: the home page with the desk's lists, the search page for a name without diacritics, an
ID number, a code, a filtered list, and saving a dossier. Targets (issue 4): pages under 100 ms and a
save under 50 ms at the median.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "bench" / "out" / "desk.sqlite3"))
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.db).resolve()}"

    from sqlalchemy import func, select

    from app import create_app
    from app.catalog.models import Offering
    from app.dossiers.models import Dossier
    from app.extensions import db

    app = create_app("development", WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    client = app.test_client()
    assert client.post("/login", data={"username": "motcua.hadong", "password": "thu-nghiem-mot-cua"}).status_code == 302
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Dossier))
        sample = db.session.scalar(select(Dossier).where(Dossier.unit.has(code="000.06.01.H26")).limit(1))
        offering = db.session.scalar(select(Offering).where(Offering.unit.has(code="000.06.01.H26")).limit(1))
        sample_code, sample_id_number = sample.code, sample.applicant_id_number

    pages = {
        "home (desk lists)": "/",
        "search: name, no diacritics": "/dossiers/?q=nguyen+van+an",
        "search: ID number": f"/dossiers/?q={sample_id_number}",
        "search: code": f"/dossiers/?q={sample_code}",
        "search: overdue list": "/dossiers/?list=overdue&sort=due_asc",
        "search: state + month": "/dossiers/?state=returned&from=01/10/2026&to=31/10/2026",
        "search (htmx rows only)": ("/dossiers/?q=tran+thi", {"HX-Request": "true"}),
    }
    print(f"{total:,} dossiers in {args.db}; median of {args.repeat} requests, in-process")
    for label, target in pages.items():
        url, headers = target if isinstance(target, tuple) else (target, {})
        client.get(url, headers=headers)  # warm the caches once
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"  {label:<32} median {statistics.median(times):7.1f} ms   p90 {sorted(times)[int(len(times) * .9)]:7.1f} ms")

    officer = app.test_client()
    assert officer.post("/login", data={"username": "canbo.thanhpho", "password": "thu-nghiem-mot-cua"}).status_code == 302
    for label, url in (("city officer: name, all wards", "/dossiers/?q=nguyen+van+an"),
                       ("city officer: home", "/")):
        officer.get(url)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            assert officer.get(url).status_code == 200
            times.append((time.perf_counter() - started) * 1000)
        print(f"  {label:<32} median {statistics.median(times):7.1f} ms   p90 {sorted(times)[int(len(times) * .9)]:7.1f} ms")

    times = []
    for index in range(args.repeat):
        form = {"offering_id": str(offering.id), "applicant_name": f"Lê Thị Đo Thử {index}",
                "applicant_id_number": "001190012345", "applicant_phone": "0912345678", "applicant_address": "",
                "applicant_email": "", "channel": "direct", "online_kind": "", "sets_count": "1",
                "received_at": time.strftime("%d/%m/%Y %H:%M"), "extra_documents": "Tờ khai"}
        started = time.perf_counter()
        response = client.post("/dossiers/new", data=form)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
    print(f"  {'save a dossier (POST, 303)':<32} median {statistics.median(times):7.1f} ms   p90 {sorted(times)[int(len(times) * .9)]:7.1f} ms")


if __name__ == "__main__":
    main()
