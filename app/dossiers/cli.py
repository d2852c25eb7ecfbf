"""`flask dossiers import FILE` and `flask dossiers export FILE.csv`: a unit's register of dossiers."""
import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.dossiers.register_export import export_register
from app.dossiers.register_writing import import_register
from app.extensions import db
from app.importing import ImportFileError
from app.units.models import Unit
from app.worktime.clock import local_now

dossiers_cli = AppGroup("dossiers", help="Hồ sơ: nhập và xuất sổ theo dõi hồ sơ.")

# A register with a systematic mistake would print one line per row: show enough to find the pattern.
MAX_PROBLEMS_SHOWN = 200


def _refuse(path: str, error: ImportFileError) -> None:
    for problem in error.problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(f"{path}: {problem}", err=True)
    hidden = len(error.problems) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        click.echo(f"{path}: … và {hidden} lỗi khác.", err=True)
    raise click.ClickException("Không nhập gì: hãy sửa các lỗi trên rồi chạy lại.")


@dossiers_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Nhập sổ theo dõi hồ sơ của đơn vị từ tệp CSV hoặc Excel (.xlsx)."""
    try:
        report = import_register(path, now=local_now(), default_rule=current_app.config["SUPPLEMENT_RULE"])
    except ImportFileError as error:
        _refuse(path, error)
    click.echo(f"Hồ sơ: thêm {report.created} (cấp mã mới cho {report.codes_assigned}), "
               f"giữ nguyên {report.unchanged}.")


@dossiers_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--unit", "unit_code", metavar="MÃ",
              help="Chỉ xuất hồ sơ của đơn vị có mã định danh này và các đơn vị trực thuộc.")
def export_command(path: str, unit_code: str | None) -> None:
    """Xuất sổ theo dõi hồ sơ ra tệp CSV (UTF-8), kèm hạn trả kết quả và kết quả đúng hạn."""
    unit = None
    if unit_code:
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise click.ClickException(f"Không có đơn vị mã «{unit_code}».")
    # Written beside the target and renamed at the end, so that a failure never leaves half a register.
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    try:
        # With a BOM, so that Excel reads the Vietnamese text as UTF-8; the import accepts both.
        with partial.open("w", encoding="utf-8-sig", newline="") as out:
            count = export_register(out, unit)
        os.replace(partial, target)
    except OSError as error:
        raise click.ClickException(
            f"Không ghi được {path}: {error.strerror or error} (đĩa đầy?). Tệp cũ, nếu có, vẫn giữ nguyên.") from error
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"Đã xuất {count} hồ sơ vào {path}.")
