"""`python -m app.reports.render_process IN.html OUT.pdf`: one PDF in a process of its own.

Run by `app.reports.jobs` for long papers, so that their minutes of WeasyPrint never hold the web
process's rendering lock. Same fonts and the same local-files-only fetcher as every paper; the PDF is
written beside OUT and renamed into place, so a reader never sees half a file.
"""
import sys
from pathlib import Path

from app.reports.pdf import render_pdf


def main(html_path: str, pdf_path: str) -> None:
    html = Path(html_path).read_text(encoding="utf-8")
    target = Path(pdf_path)
    partial = target.with_suffix(".partial")
    partial.write_bytes(render_pdf(html))
    partial.replace(target)


if __name__ == "__main__":
    main(*sys.argv[1:3])
