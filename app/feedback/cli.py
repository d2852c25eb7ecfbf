"""`flask feedback import FILE.csv` and `flask feedback export FILE.csv [--unit CODE]`: the feedback register."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.feedback.register import export_feedback, import_feedback
from app.importing import ImportFileError
from app.units.models import Unit
from app.worktime.clock import local_now

feedback_cli = AppGroup("feedback", help="Phản ánh, kiến nghị: nhập và xuất sổ theo dõi.")


@feedback_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Nhập sổ phản ánh, kiến nghị từ tệp CSV (UTF-8); có lỗi thì không nhập gì."""
    try:
        report = import_feedback(path, local_now(), current_app.config["FEEDBACK_ANSWER_DAYS"])
    except ImportFileError as error:
        for problem in error.problems[:200]:
            click.echo(f"{path}: {problem}", err=True)
        raise click.ClickException("Không nhập gì: hãy sửa các lỗi trên rồi chạy lại.") from None
    click.echo(f"Phản ánh, kiến nghị: thêm {report.created}, đã có {report.unchanged}.")


@feedback_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--unit", "unit_code", default=None, help="Chỉ đơn vị này và các đơn vị trực thuộc.")
def export_command(path: str, unit_code: str | None) -> None:
    """Xuất sổ phản ánh, kiến nghị ra tệp CSV (UTF-8 có BOM, mở được bằng Excel)."""
    unit = None
    if unit_code:
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise click.ClickException(f"Không có đơn vị mã {unit_code}.")
    with Path(path).open("w", encoding="utf-8-sig", newline="") as out:
        count = export_feedback(out, unit)
    click.echo(f"Đã xuất {count} phản ánh, kiến nghị vào {path}.")
