"""`flask figures verify`: the roll-ups recounted from the raw dossiers, every difference printed (exit 1);
`flask figures rebuild`: the roll-ups counted anew from the dossiers (after a write the hooks could not
see, e.g. SQL typed by hand)."""
import sys
from dataclasses import dataclass
from datetime import date, timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.stats.figures import (COUNT_NAMES, Counts, count_rows, monthly_flows, reference_count_rows,
                               reference_monthly_flows)
from app.stats.rollups import rebuild
from app.units.models import Unit
from app.units.scope import subtree_unit_ids
from app.worktime.clock import local_now

figures_cli = AppGroup("figures", help="Số liệu tổng hợp theo ngày: đối chiếu, tính lại.")


@dataclass
class Difference:
    unit: str
    start: date
    end: date
    group: str
    key: object
    name: str
    rollup: int
    dossiers: int

    def __str__(self) -> str:
        return (f"{self.unit} {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y} {self.group}={self.key} {self.name}: "
                f"tổng hợp {self.rollup}, tính lại từ hồ sơ {self.dossiers}")


def _months(start: date, end: date) -> list[tuple[date, date]]:
    spans, first = [], start
    while first <= end:
        after = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        spans.append((first, min(after - timedelta(days=1), end)))
        first = after
    return spans


def _compare(found: dict, expected: dict, unit: str, start: date, end: date, group: str,
             names=COUNT_NAMES) -> list[Difference]:
    differences = []
    for key in sorted(found.keys() | expected.keys(), key=str):
        left, right = found.get(key, Counts()), expected.get(key, Counts())
        for name in names:
            if getattr(left, name) != getattr(right, name):
                differences.append(Difference(unit, start, end, group, key, name, getattr(left, name),
                                              getattr(right, name)))
    return differences


def differences(root: Unit, start: date, end: date) -> list[Difference]:
    """Every figure the engine reads from the roll-ups against the same figure counted over the
    dossiers: per unit of `root`'s subtree, and per procedure of each unit that has dossiers, for
    each month of [start, end] and for the whole range; and the monthly flows of each unit."""
    found: list[Difference] = []
    units = db.session.execute(select(Unit.id, Unit.code).where(Unit.path.startswith(root.path))
                               .order_by(Unit.path)).all()
    spans = _months(start, end) + ([(start, end)] if len(_months(start, end)) > 1 else [])
    for low, high in spans:
        found += _compare(dict(count_rows(subtree_unit_ids(root), low, high, "unit_id")),
                          dict(reference_count_rows(subtree_unit_ids(root), low, high, "unit_id")),
                          root.code, low, high, "unit_id")
        for unit_id, code in units:
            one = select(Unit.id).where(Unit.id == unit_id)
            found += _compare(dict(count_rows(one, low, high, "procedure_id")),
                              dict(reference_count_rows(one, low, high, "procedure_id")),
                              code, low, high, "procedure_id")
    for unit_id, code in units:
        unit = db.session.get(Unit, unit_id)
        found += _compare(monthly_flows(unit, start, end), reference_monthly_flows(unit, start, end), code, start,
                          end, "month", ("online", "direct_or_post", "early", "on_time", "late"))
    return found


def _unit(code: str | None) -> Unit:
    if code is None:
        unit = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    else:
        unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise click.ClickException(f"Không có đơn vị mã {code}." if code else "Chưa có đơn vị nào.")
    return unit


@figures_cli.command("verify")
@click.option("--unit", "unit_code", help="Mã đơn vị (cả các đơn vị trực thuộc); mặc định đơn vị gốc.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="Ngày đầu (YYYY-MM-DD); mặc định 12 tháng trước.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Ngày cuối (YYYY-MM-DD); mặc định hôm nay.")
def verify_command(unit_code: str | None, start, end) -> None:
    """Đối chiếu số liệu tổng hợp với số liệu tính lại từ hồ sơ; có sai lệch thì in ra và thoát mã 1."""
    end_day = end.date() if end else local_now().date()
    start_day = start.date() if start else (end_day - timedelta(days=365)).replace(day=1)
    if end_day < start_day:
        raise click.ClickException("Ngày cuối trước ngày đầu.")
    if (end_day - start_day).days > 3700:
        raise click.ClickException("Khoảng ngày tối đa 10 năm.")
    unit = _unit(unit_code)
    found = differences(unit, start_day, end_day)
    for difference in found[:200]:
        click.echo(str(difference))
    if found:
        click.echo(f"{len(found)} sai lệch giữa số liệu tổng hợp và hồ sơ ({unit.code}, "
                   f"{start_day:%d/%m/%Y}–{end_day:%d/%m/%Y}). Chạy `flask figures rebuild` để tính lại.")
        sys.exit(1)
    click.echo(f"Khớp: số liệu tổng hợp của {unit.code} từ {start_day:%d/%m/%Y} đến {end_day:%d/%m/%Y} "
               "bằng số liệu tính lại từ hồ sơ.")


@figures_cli.command("rebuild")
@click.option("--unit", "unit_code", help="Mã đơn vị (cả các đơn vị trực thuộc); mặc định mọi đơn vị.")
def rebuild_command(unit_code: str | None) -> None:
    """Tính lại số liệu tổng hợp từ hồ sơ (trong một giao dịch)."""
    unit_ids = None
    if unit_code:
        unit = _unit(unit_code)
        unit_ids = list(db.session.scalars(subtree_unit_ids(unit)))
    read = rebuild(db.session.connection(), unit_ids)
    db.session.commit()
    click.echo(f"Đã tính lại số liệu tổng hợp từ {read:,} hồ sơ.".replace(",", "."))
