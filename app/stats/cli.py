"""`flask report figures`: Report 06 of a unit for a range of days, as JSON or as the CSV table."""
import csv
import json
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.stats.figures import Report06, report_06
from app.units.models import Unit

report_cli = AppGroup("report", help="Báo cáo, số liệu.")

CSV_HEADER = [
    "Lĩnh vực", "Tổng số tiếp nhận", "Kỳ trước chuyển qua", "Tiếp nhận trực tuyến", "Tiếp nhận trực tiếp, bưu chính",
    "Tổng số đã giải quyết", "Trước hạn", "Đúng hạn", "Quá hạn",
    "Tổng số đang giải quyết", "Trong hạn", "Quá hạn (đang giải quyết)",
]


def report_06_rows(report: Report06) -> list[list]:
    """The Report 06 table: one row per field, then the total (Circular 01/2020/TT-VPCP, mẫu 06)."""
    def cells(name, c):
        return [name, c.received, c.carried_over, c.online, c.direct_or_post, c.resolved, c.early, c.on_time,
                c.late, c.pending, c.within_time, c.overdue]
    return [cells(name, counts) for name, counts in report.rows] + [cells("Tổng số", report.total)]


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
    report = report_06(_unit(unit_code), start_day, end_day)
    if output_format == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        writer.writerows(report_06_rows(report))
