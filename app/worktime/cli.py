"""`flask calendar load-official`."""
import click
from flask.cli import AppGroup

from app.extensions import db
from app.worktime.official import load_official

calendar_cli = AppGroup("calendar", help="Lịch làm việc.")


@calendar_cli.command("load-official")
def load_official_command() -> None:
    """Nạp các quyết định nghỉ lễ, làm bù của Chính phủ (app/worktime/official_calendar.json); chạy lại không đổi gì."""
    try:
        counts = load_official(db.session)
    except ValueError as error:
        raise click.ClickException(f"Không nạp gì: {error}") from None
    click.echo(f"Lịch chính thức: thêm {counts['created']}, cập nhật {counts['updated']}, "
               f"giữ nguyên {counts['unchanged']}.")
