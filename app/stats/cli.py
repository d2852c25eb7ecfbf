"""`flask report figures`: Report 06 of a unit for a range of days, as JSON or as the CSV table;
`flask report pdf`: the quarterly report the chair signs, as a PDF file; `flask report docx`: the monthly or
quarterly report as a Word file."""
import csv
import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.reports.docx_report import render_report_docx
from app.reports.quarterly import ReportPeriodError, build_quarterly_report, build_report, render_quarterly_pdf
from app.spreadsheet_text import csv_row
from app.stats.figures import report_06, satisfaction
from app.stats.table06 import CSV_HEADER, report_06_rows
from app.worktime.clock import local_now
from app.units.models import Unit

report_cli = AppGroup("report", help="Báo cáo, số liệu.")

def _unit(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise click.ClickException(f"Không có đơn vị mã {code}.")
    return unit


@report_cli.command("figures")
@click.option("--unit", "unit_code", required=True, help="Mã định danh của đơn vị (cả các đơn vị trực thuộc).")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Ngày đầu (YYYY-MM-DD).")
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Ngày cuối, tính cả ngày đó.")
@click.option("--format", "output_format", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def figures_command(unit_code: str, start, end, output_format: str) -> None:
    """Số liệu mẫu 06 của đơn vị trong khoảng ngày (tính cả hai đầu)."""
    start_day, end_day = start.date(), end.date()
    if end_day < start_day:
        raise click.ClickException("Ngày cuối trước ngày đầu.")
    unit = _unit(unit_code)
    report = report_06(unit, start_day, end_day)
    if output_format == "json":
        # The citizens' ratings of the same days beside Report 06 (the CSV stays the table alone).
        figures = report.as_json() | {"satisfaction": satisfaction(unit, start_day, end_day)}
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(csv_row(CSV_HEADER))
        writer.writerows(csv_row(row) for row in report_06_rows(report))


@report_cli.command("pdf")
@click.option("--unit", "unit_code", required=True, help="Mã định danh của đơn vị (cả các đơn vị trực thuộc).")
@click.option("--year", type=int, required=True, help="Năm của quý báo cáo.")
@click.option("--quarter", type=click.IntRange(1, 4), required=True, help="Quý (1–4).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Tệp PDF sẽ ghi.")
@click.option("--number", default="", help="Số báo cáo (chỉ phần số, ví dụ 12 → 12/BC-UBND); bỏ trống để điền tay.")
def pdf_command(unit_code: str, year: int, quarter: int, out_path: str, number: str) -> None:
    """Báo cáo tình hình, kết quả giải quyết TTHC quý (PDF khổ A4) để Chủ tịch ký."""
    unit = _unit(unit_code)
    try:
        report = build_quarterly_report(unit, year, quarter, local_now().date(),
                                        current_app.config["REPORT_CUTOFF_DAY"], number)
    except ReportPeriodError as error:
        raise click.ClickException(str(error)) from None
    pdf = render_quarterly_pdf(report)
    with open(out_path, "wb") as out:
        out.write(pdf)
    click.echo(f"Đã ghi {out_path}: báo cáo quý {report.roman}/{year} của {unit.name} "
               f"({report.period.start:%d/%m/%Y} – {report.end:%d/%m/%Y}).")


@report_cli.command("docx")
@click.option("--unit", "unit_code", required=True, help="Mã định danh của đơn vị (cả các đơn vị trực thuộc).")
@click.option("--kind", type=click.Choice(["month", "quarter"]), default="quarter", show_default=True,
              help="Báo cáo tháng hay quý.")
@click.option("--year", type=int, required=True, help="Năm của kỳ báo cáo.")
@click.option("--number", "period_number", type=click.IntRange(1, 12), required=True, help="Tháng (1–12) hoặc quý (1–4).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Tệp Word (.docx) sẽ ghi.")
@click.option("--report-number", default="", help="Số báo cáo (chỉ phần số); bỏ trống để điền tay.")
def docx_command(unit_code: str, kind: str, year: int, period_number: int, out_path: str, report_number: str) -> None:
    """Báo cáo tháng hoặc quý dạng Word (.docx) để chỉnh sửa trước khi ký: cùng nội dung, cùng số liệu với bản PDF
    (số liệu đã chốt nếu đơn vị đã gửi báo cáo kỳ đó)."""
    unit = _unit(unit_code)
    try:
        report = build_report(unit, kind, year, period_number, local_now().date(),
                              current_app.config["REPORT_CUTOFF_DAY"], report_number)
    except ReportPeriodError as error:
        raise click.ClickException(str(error)) from None
    with open(out_path, "wb") as out:
        out.write(render_report_docx(report))
    click.echo(f"Đã ghi {out_path}: báo cáo {report.period_name} của {unit.name} "
               f"({report.period.start:%d/%m/%Y} – {report.end:%d/%m/%Y}).")
