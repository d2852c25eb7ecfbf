"""`flask index load-defaults` (the built-in rubrics) and `flask index score` (a unit's score, JSON or text)."""
import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.jinja_filters import format_number
from app.stats.figures import FIGURE_LABELS
from app.stats.index_service import (IndexResults, RubricNotFound, UnitScore, figure_text, load_default_rubrics,
                                     load_rubric, published_results, score_unit)
from app.stats.par_results import change_text, percent_text
from app.units.models import Unit
from app.worktime.clock import local_now

index_cli = AppGroup("index", help="Chỉ số cải cách hành chính: bộ tiêu chí, điểm của đơn vị.")


@index_cli.command("load-defaults")
@click.option("--year", type=int, default=None, help="Năm áp dụng (mặc định: năm nay).")
def load_defaults_command(year: int | None) -> None:
    """Nạp các bộ tiêu chí mặc định cho năm (cchc-tthc, qd766-tiendo, par-xa, qd766); bộ đã có của năm đó được giữ nguyên."""
    year = year or local_now().year
    done = load_default_rubrics(year)
    db.session.commit()
    for code, created in done:
        if created:
            click.echo(f"Đã tạo bộ tiêu chí {code} năm {year} (mặc định — cần điều chỉnh theo hướng dẫn hiện hành).")
        else:
            click.echo(f"Đã có bộ tiêu chí {code} năm {year}: giữ nguyên.")


def _text(result: UnitScore) -> str:
    score = result.score
    percent = f"{format_number(score.percent)}%" if score.percent is not None else "không có điểm tối đa"
    lines = [
        f"{result.unit.name} ({result.unit.code}) — {result.rubric.name}",
        f"Năm {result.rubric.year}, số liệu từ {result.start:%d/%m/%Y} đến {result.end:%d/%m/%Y}",
        f"Tổng: {format_number(score.points)}/{format_number(score.max_points)} điểm = {percent}",
    ]
    for item in score.criteria:
        figure = f" — {FIGURE_LABELS.get(item.figure, item.figure)}: {figure_text(item.figure, item.value)}" if item.figure else ""
        lines.append(f"  {item.code} {item.name} [{item.method.label}]{figure}: "
                     f"{format_number(item.points)}/{format_number(item.max_points)} điểm ({item.status.label})")
    return "\n".join(lines)


@index_cli.command("score")
@click.option("--unit", "unit_code", required=True, help="Mã định danh của đơn vị.")
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="Năm chấm điểm.")
@click.option("--month", default=None, help="Tháng YYYY-MM: điểm của một tháng (chỉ số theo tháng như qd766).")
@click.option("--rubric", "rubric_code", required=True, help="Mã bộ tiêu chí, ví dụ cchc-tthc hoặc qd766.")
@click.option("--format", "output_format", type=click.Choice(["json", "text"]), default="text", show_default=True)
def score_command(unit_code: str, year: int | None, month: str | None, rubric_code: str, output_format: str) -> None:
    """Điểm của đơn vị theo bộ tiêu chí của năm (hoặc của một tháng với --month), từng tiêu chí một."""
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise click.ClickException(f"Không có đơn vị mã {unit_code}.")
    if month is not None:
        _score_month(unit, month, rubric_code, output_format)
        return
    if year is None:
        raise click.ClickException("Cần --year YYYY hoặc --month YYYY-MM.")
    try:
        result = score_unit(unit, year, rubric_code, local_now().date())
    except RubricNotFound as error:
        raise click.ClickException(str(error)) from None
    if output_format == "json":
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(_text(result))


def _score_month(unit: Unit, month_text: str, rubric_code: str, output_format: str) -> None:
    """The month's score, the same the unit's 766 page shows (`qd766_service.score_month`)."""
    from app.bounds import OutOfBounds
    from app.stats.qd766_service import score_month
    from app.stats.qd766_views import parse_month

    try:
        year, month = parse_month(month_text, (0, 0))
        result = score_month(unit, year, month, load_rubric(rubric_code, year))
    except OutOfBounds as error:
        raise click.ClickException(str(error)) from None
    except RubricNotFound as error:
        raise click.ClickException(str(error)) from None
    if output_format == "json":
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return
    score = result.score
    percent = f"{format_number(score.percent)}%" if score.percent is not None else "không có điểm tối đa"
    click.echo(f"{unit.name} ({unit.code}) — {result.rubric.name}\nTháng {result.label}: "
               f"{format_number(score.points)}/{format_number(score.max_points)} điểm = {percent}")
    for group in result.groups():
        click.echo(f"  {group.code} {group.name}: {format_number(group.points)}/{format_number(group.max_points)}")
    for item in score.criteria:
        figure = f" — {figure_text(item.figure, item.value)}" if item.figure else ""
        click.echo(f"    {item.code} {item.name}{figure}: {format_number(item.points)}/"
                   f"{format_number(item.max_points)} ({item.status.label})")


def _results_text(found: IndexResults) -> str:
    lines = [f"Kết quả Chỉ số CCHC năm {found.year} — các đơn vị trực thuộc {found.parent.name} ({found.parent.code})",
             f"Bộ tiêu chí {found.rubric.code}; số liệu từ {found.start:%d/%m/%Y} đến {found.end:%d/%m/%Y}"]
    lines += [group.sentence() for group in found.results.groups]
    for line in found.results.lines:
        band = line.band.label if line.band else "—"
        lines.append(f"  {line.rank_label:>7}  {line.name} ({line.code}): {percent_text(line.percent)}, {band}, "
                     f"so với năm trước {change_text(line.change)}")
    return "\n".join(lines)


@index_cli.command("results")
@click.option("--unit", "unit_code", required=True, help="Mã định danh của đơn vị cấp trên.")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Năm chấm điểm.")
@click.option("--rubric", "rubric_code", required=True, help="Mã bộ tiêu chí, ví dụ par-xa.")
@click.option("--format", "output_format", type=click.Choice(["json", "text"]), default="text", show_default=True)
def results_command(unit_code: str, year: int, rubric_code: str, output_format: str) -> None:
    """Kết quả công bố chỉ số của các đơn vị trực thuộc: chỉ số, xếp hạng trong khối, nhóm; trung bình từng khối."""
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise click.ClickException(f"Không có đơn vị mã {unit_code}.")
    try:
        found = published_results(unit, year, rubric_code, local_now().date())
    except RubricNotFound as error:
        raise click.ClickException(str(error)) from None
    if output_format == "json":
        click.echo(json.dumps(found.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(_results_text(found))
