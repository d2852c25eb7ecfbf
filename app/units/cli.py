"""`flask units import FILE.csv`."""
import click
from flask.cli import AppGroup

from app.importing import ImportFileError
from app.units.importer import import_units

units_cli = AppGroup("units", help="Đơn vị hành chính.")


@units_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Nhập cây đơn vị từ tệp CSV (code,name,kind,parent_code)."""
    try:
        counts = import_units(path)
    except ImportFileError as error:
        for problem in error.problems:
            click.echo(f"{path}: {problem}", err=True)
        raise click.ClickException("Không nhập gì: hãy sửa các lỗi trên rồi chạy lại.") from None
    click.echo(f"Đơn vị: thêm {counts['created']}, cập nhật {counts['updated']}, giữ nguyên {counts['unchanged']}.")
