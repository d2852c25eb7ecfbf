"""Intake without a file and the upload of a 2 MB scan, each beside a floor measured in the same run
(not a test; see README "Digitisation").

    .venv/bin/python bench/digitisation.py                      # a fresh SQLite database of the demo wards
    .venv/bin/python bench/digitisation.py --db bench/out/desk.sqlite3   # on the 1M-dossier desk database

Requests go through the WSGI app in-process (Flask's test client), signed in as the demo clerk of Hà Đông.
Floors: for the intake, an authenticated GET of the smallest page the desk has (the same session, CSRF
and database round trip, no work); for the upload, what any upload must cost — reading the 2 MB, hashing
it and writing it durably (fsync) — done by hand. Targets (issue 14): intake under 50 ms, upload of a
2 MB scan under 300 ms, at the median.
"""
import argparse
import hashlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def median_ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    return f"median {statistics.median(ordered):7.1f} ms   p90 {ordered[int(len(ordered) * .9)]:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing SQLite database with the demo units (default: a fresh one)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--scan-bytes", type=int, default=2 * 1024 * 1024)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="motcua-bench-digitisation-"))
    database = Path(args.db).resolve() if args.db else scratch / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["FILES_DIR"] = str(scratch / "files")

    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.catalog.models import Offering
    from app.demo.cli import load_demo
    from app.dossiers.models import Dossier
    from app.extensions import db
    from app.worktime.clock import local_now
    from scan_files import noisy_jpeg

    app = create_app("development", WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    with app.app_context():
        if not args.db:
            upgrade(directory=str(ROOT / "migrations"))
            load_demo(local_now().date())
            db.session.commit()
        received_at = local_now().strftime("%d/%m/%Y %H:%M")
        offering_id = db.session.scalar(select(Offering.id).where(Offering.unit.has(code="000.06.01.H26")).limit(1))
    client = app.test_client()
    assert client.post("/login", data={"username": "motcua.hadong", "password": "thu-nghiem-mot-cua"}).status_code == 302

    def intake(index: int) -> int:
        form = {"offering_id": str(offering_id), "applicant_name": f"Lê Thị Đo Thử {index}",
                "applicant_id_number": "001190012345", "applicant_phone": "0912345678", "applicant_address": "",
                "applicant_email": "", "channel": "direct", "online_kind": "", "sets_count": "1",
                "received_at": received_at, "extra_documents": "Tờ khai\nBản sao CCCD"}
        response = client.post("/dossiers/new", data=form)
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
        return int(response.headers["Location"].split("/dossiers/")[1].split("?")[0])

    floor_page = "/dossiers/new/reusable?applicant_id_number=0"
    client.get(floor_page)
    intake(-1)
    floor, saves, dossier_ids = [], [], []
    for index in range(args.repeat):
        started = time.perf_counter()
        assert client.get(floor_page).status_code == 200
        floor.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        dossier_ids.append(intake(index))
        saves.append((time.perf_counter() - started) * 1000)

    scans = [noisy_jpeg(args.scan_bytes) for _ in range(args.repeat + 1)]  # each one new content
    with app.app_context():
        documents = {dossier_id: db.session.get(Dossier, dossier_id).documents[0].id for dossier_id in dossier_ids}
    disk_floor, uploads = [], []
    floor_dir = scratch / "floor"
    floor_dir.mkdir()
    for index, dossier_id in enumerate(dossier_ids):
        scan = scans[index]
        started = time.perf_counter()
        digest = hashlib.sha256(scan).hexdigest()
        with open(floor_dir / digest, "wb") as out:
            out.write(scan)
            out.flush()
            os.fsync(out.fileno())
        disk_floor.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        response = client.post(f"/dossiers/{dossier_id}/documents/{documents[dossier_id]}/scan",
                               data={"file": (io.BytesIO(scan), "scan.jpg")}, content_type="multipart/form-data",
                               headers={"HX-Request": "true"})
        uploads.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and "Đã số hóa" in response.get_data(as_text=True), response.status_code

    print(f"{database}; {args.repeat} runs each, in-process; scans of {len(scans[0]) / 1024 / 1024:.2f} MB (JPEG)")
    print(f"  {'floor: authenticated GET fragment':<40} {median_ms(floor)}")
    print(f"  {'intake without a file (POST, 303)':<40} {median_ms(saves)}"
          f"   × {statistics.median(saves) / statistics.median(floor):.1f} floor  (target < 50 ms)")
    print(f"  {'floor: hash + write + fsync 2 MB':<40} {median_ms(disk_floor)}")
    print(f"  {'upload a 2 MB scan (htmx, checked)':<40} {median_ms(uploads)}"
          f"   × {statistics.median(uploads) / statistics.median(disk_floor):.1f} floor  (target < 300 ms)")


if __name__ == "__main__":
    main()
