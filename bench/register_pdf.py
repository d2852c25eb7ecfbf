"""How long the register PDF takes, as the background job renders it (a child process, app/reports/jobs.py).

    .venv/bin/python bench/register_pdf.py --rows 500 5000

Builds the register's HTML for N made-up rows (long procedure names and addresses, like a busy ward's
month) through the real template, then times `python -m app.reports.render_process` on it: the
child's start (Python, WeasyPrint, fonts) and the rendering, as the clerk waits for them.
"""
import argparse
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import render_template  # noqa: E402

from app import create_app  # noqa: E402
from app.reports.pdf import FONT_FAMILY  # noqa: E402
from app.reports.register import RegisterLine  # noqa: E402


class Ward:
    name, code, kind, parent = "Phường Hà Đông", "000.01.01.H26", "ward", None


def register_html(rows: int) -> str:
    start = datetime(2026, 11, 2, 8, 0)
    lines = [RegisterLine(n + 1, f"000.01.01.H26-2611{2 + n // 200:02d}-{n % 200 + 1:04d}",
                          "Đăng ký khai sinh có yếu tố nước ngoài cho người đã có hồ sơ, giấy tờ cá nhân", 1,
                          "Nguyễn Thị Phương Thảo", "Số 5 ngõ 12 phố Quang Trung, phường Hà Đông, Hà Nội",
                          "0912345678", start + timedelta(minutes=3 * n), start + timedelta(days=3),
                          start + timedelta(days=2) if n % 3 == 0 else None, "Đã tiếp nhận", "")
             for n in range(rows)]
    with create_app("test").test_request_context():
        return render_template("reports/register.html", font_family=FONT_FAMILY, unit=Ward(), lines=lines,
                               first_day=date(2026, 11, 1), last_day=date(2026, 11, 30), legal_line="Mẫu số 07",
                               printed_at=datetime(2026, 12, 1, 9, 0))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[500, 5000])
    root = Path(__file__).resolve().parents[1]
    for rows in parser.parse_args().rows:
        with tempfile.TemporaryDirectory() as directory:
            html, pdf = Path(directory) / "register.html", Path(directory) / "register.pdf"
            html.write_text(register_html(rows), encoding="utf-8")
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "app.reports.render_process", str(html), str(pdf)], cwd=root,
                           check=True)
            seconds = time.perf_counter() - started
            pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
            count = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
            print(f"{rows} rows: {seconds:.1f} s, {count} pages, {pdf.stat().st_size // 1024} KB", flush=True)


if __name__ == "__main__":
    main()
