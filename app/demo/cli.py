"""`flask demo load`: demo units, catalog, offerings and users, marked as demo data everywhere."""
from datetime import date
from decimal import Decimal

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.catalog.models import ChannelKind, Offering, OnlineKind, Procedure, ProcedureChannel, RequiredDocument
from app.demo.catalog import DEMO_PROCEDURES
from app.extensions import db
from app.units.models import Unit, UnitKind
from app.worktime.clock import local_now
from app.worktime.deadlines import TimeUnit

demo_cli = AppGroup("demo", help="Dữ liệu mẫu để dùng thử.")

DEMO_PASSWORD = "demo12345"
DEMO_CITY = ("000.00.00.H26", "Thành phố Hà Nội")
# (agency code, name): real ward names of Hanoi since 1 Jul 2025; the codes are made up for the demo.
DEMO_WARDS = [
    ("000.06.01.H26", "Phường Hà Đông"),
    ("000.01.01.H26", "Phường Hoàn Kiếm"),
    ("000.16.01.H26", "Xã Sóc Sơn"),
]
# How much each ward shortens: the share of desk procedures whose committed time it cuts.
SHORTENING_STEP = {"000.06.01.H26": 1, "000.01.01.H26": 2, "000.16.01.H26": 4}


def demo_users() -> list[tuple[str, str, Role, str]]:
    users = [
        ("admin", "Quản trị hệ thống", Role.ADMIN, DEMO_CITY[0]),
        ("canbo.thanhpho", "Lê Minh Tuấn", Role.OFFICER, DEMO_CITY[0]),
    ]
    people = {
        "000.06.01.H26": ("hadong", "Nguyễn Thị Hương", "Trần Văn Đức"),
        "000.01.01.H26": ("hoankiem", "Phạm Thu Trang", "Đỗ Quang Vinh"),
        "000.16.01.H26": ("socson", "Hoàng Thị Lan", "Bùi Đức Thắng"),
    }
    for code, (slug, clerk, chair) in people.items():
        users.append((f"motcua.{slug}", clerk, Role.CLERK, code))
        users.append((f"chutich.{slug}", chair, Role.CHAIR, code))
    return users


def load_demo(today: date) -> bool:
    """Create the demo data; False (and nothing written) if it is already there."""
    if db.session.scalar(select(func.count()).where(Unit.code == DEMO_CITY[0])):
        return False
    city = Unit(code=DEMO_CITY[0], name=DEMO_CITY[1], kind=UnitKind.CITY, is_demo=True)
    db.session.add(city)
    db.session.flush()
    city.refresh_path()
    wards = []
    for code, name in DEMO_WARDS:
        ward = Unit(code=code, name=name, kind=UnitKind.WARD, parent=city, is_demo=True)
        db.session.add(ward)
        db.session.flush()
        ward.refresh_path()
        wards.append(ward)

    procedures = []
    for code, name, field, value, unit, fee, documents, result in DEMO_PROCEDURES:
        procedure = db.session.scalar(select(Procedure).where(Procedure.code == code))
        if procedure is None:
            procedure = Procedure(code=code, name=name, field=field, levels="Cấp xã", result=result,
                                  is_demo=True, updated_at=local_now())
            procedure.channels = [
                ProcedureChannel(channel=channel, time_value=Decimal(value), time_unit=unit,
                                 time_text=f"{value} (dữ liệu mẫu)", fee_text=fee)
                for channel in (ChannelKind.DIRECT, ChannelKind.ONLINE, ChannelKind.POST)
            ]
            procedure.documents = [
                RequiredDocument(position=index, name=doc, originals=originals, copies=copies)
                for index, (doc, originals, copies) in enumerate(documents, start=1)
            ]
            procedure.set_statutory_time(Decimal(value), unit)
            procedure.refresh_search_key()
            db.session.add(procedure)
        procedures.append(procedure)

    active_from = date(today.year - 1, 1, 1)
    for ward in wards:
        step = SHORTENING_STEP[ward.code]
        for index, procedure in enumerate(procedures):
            value, unit = procedure.statutory_value, procedure.statutory_unit
            if index % step == 0:
                value, unit = _shortened(value, unit)
            offering = Offering(unit=ward, procedure=procedure, active_from=active_from,
                                at_desk=index != len(procedures) - 1,
                                online_kind=OnlineKind.END_TO_END if index % 3 == 0 else OnlineKind.PARTIAL)
            offering.set_committed_time(value, unit)
            db.session.add(offering)

    units_by_code = {unit.code: unit for unit in [city, *wards]}
    for username, full_name, role, unit_code in demo_users():
        user = User(username=username, full_name=full_name, role=role, unit=units_by_code[unit_code])
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
    db.session.commit()
    return True


def _shortened(value: Decimal, unit: str) -> tuple[Decimal, str]:
    """A shorter commitment: a quarter less, at least half a day or an hour shorter."""
    if unit == TimeUnit.WORKING_HOURS:
        return max(Decimal(1), value - max(Decimal(1), value // 4)), unit
    if value <= 1:
        return Decimal(4), TimeUnit.WORKING_HOURS  # one working day → half a day
    return value - max(Decimal(1), (value / 4).to_integral_value()), unit


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Chỉ nạp khi cơ sở dữ liệu chưa có đơn vị nào.")
def load_command(if_empty: bool) -> None:
    """Nạp dữ liệu mẫu (demo): thành phố, phường/xã, thủ tục, tài khoản."""
    if if_empty and db.session.scalar(select(func.count()).select_from(Unit)):
        click.echo("Cơ sở dữ liệu đã có dữ liệu: không nạp dữ liệu mẫu.")
    elif not load_demo(local_now().date()):
        click.echo("Dữ liệu mẫu đã có sẵn.")
    else:
        click.echo("Đã nạp dữ liệu mẫu (demo).")
    print_demo_logins()


def print_demo_logins() -> None:
    if not db.session.scalar(select(func.count()).where(Unit.code == DEMO_CITY[0])):
        return
    click.echo(f"Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
    for username, _full_name, role, unit_code in demo_users():
        unit_name = DEMO_CITY[1] if unit_code == DEMO_CITY[0] else dict(DEMO_WARDS)[unit_code]
        click.echo(f"  {username:<18} {role.label:<18} {unit_name}")
