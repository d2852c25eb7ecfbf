"""`flask catalog import-portal FILE.jsonl` and `flask catalog import-offerings FILE.csv`."""
import click
from flask.cli import AppGroup

from app.catalog.offerings_import import import_offerings
from app.catalog.portal_import import import_portal
from app.importing import ImportFileError
from app.worktime.clock import local_now

catalog_cli = AppGroup("catalog", help="Danh mục thủ tục hành chính.")


def _refuse(path: str, error: ImportFileError) -> None:
    for problem in error.problems:
        click.echo(f"{path}: {problem}", err=True)
    raise click.ClickException("Không nhập gì: hãy sửa các lỗi trên rồi chạy lại.")


@catalog_cli.command("import-portal")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--quiet", is_flag=True, help="Không liệt kê từng thủ tục cần xem lại.")
def import_portal_command(path: str, quiet: bool) -> None:
    """Nhập danh mục TTHC từ tệp JSONL của Cổng Dịch vụ công quốc gia."""
    try:
        report = import_portal(path, now=local_now())
    except ImportFileError as error:
        _refuse(path, error)
    if not quiet:
        for line, code, problems in report.flagged:
            for problem in problems:
                click.echo(f"{path}: dòng {line}, thủ tục {code}: {problem}")
    click.echo(
        f"Thủ tục: {report.total} ({report.created} mới, {report.updated} cập nhật, "
        f"{report.unchanged} không đổi); {len(report.flagged)} cần xem lại thời hạn."
    )


@catalog_cli.command("import-offerings")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_offerings_command(path: str) -> None:
    """Nhập thủ tục tiếp nhận của các đơn vị từ tệp CSV."""
    try:
        counts = import_offerings(path)
    except ImportFileError as error:
        _refuse(path, error)
    click.echo(f"Thủ tục của đơn vị: thêm {counts['created']}, cập nhật {counts['updated']}, giữ nguyên {counts['unchanged']}.")
