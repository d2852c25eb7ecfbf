"""`flask demo load`: demo units, catalog, offerings, users and dossiers, marked as demo data everywhere."""
from datetime import date
from decimal import Decimal

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.auth.models import Role, User
from app.catalog.models import ChannelKind, Offering, OnlineKind, Procedure, ProcedureChannel, RequiredDocument
from app.demo.catalog import DEMO_PROCEDURES
from app.demo.feedback import load_demo_feedback
from app.demo.index_scores import load_demo_index_scores
from app.demo.digitisation import digitisation_summary
from app.demo.reports import load_demo_reports
from app.demo.dossiers import DEFAULT_DOSSIERS_PER_DAY, DEFAULT_MONTHS, DEFAULT_SEED, Summary, load_demo_dossiers
from app.dossiers.ontime import Resolution
from app.extensions import db
from app.stats.index_service import load_default_rubrics
from app.jinja_filters import format_number, format_percent
from app.units.models import Unit, UnitKind
from app.worktime.clock import local_now
from app.worktime.deadlines import TimeUnit

demo_cli = AppGroup("demo", help="Dữ liệu mẫu để dùng thử.")

DEMO_PASSWORD = "thu-nghiem-mot-cua"
DEMO_CITY = ("000.00.00.H26", "Thành phố Hà Nội")
# (agency code, name): real ward names of Hanoi since 1 Jul 2025; the codes are made up for the demo.
DEMO_WARDS = [
    ("000.06.01.H26", "Phường Hà Đông"),
    ("000.01.01.H26", "Phường Hoàn Kiếm"),
    ("000.16.01.H26", "Xã Sóc Sơn"),
]
# How much each ward shortens: the share of desk procedures whose committed time it cuts.
SHORTENING_STEP = {"000.06.01.H26": 1, "000.01.01.H26": 2, "000.16.01.H26": 4}


CROSS_WARD_FIELDS = ("Hộ tịch", "Chứng thực")


def demo_fee(text: str) -> Decimal:
    """The demo catalog's fee text ("8.000 đồng/bản", "Miễn phí") in đồng: our own notation, not the portal's."""
    amount = text.split(" đồng")[0].replace(".", "")
    return Decimal(amount) if amount.isdigit() else Decimal(0)


DEMO_SPECIALIST_OFFICE = "Công chức Tư pháp - Hộ tịch"


def demo_users() -> list[tuple[str, str, Role, str]]:
    users = [
        ("admin", "Quản trị hệ thống", Role.ADMIN, DEMO_CITY[0]),
        ("canbo.thanhpho", "Lê Minh Tuấn", Role.OFFICER, DEMO_CITY[0]),
    ]
    people = {
        "000.06.01.H26": ("hadong", "Nguyễn Thị Hương", "Trần Văn Đức", "Vũ Thị Mai"),
        "000.01.01.H26": ("hoankiem", "Phạm Thu Trang", "Đỗ Quang Vinh", "Ngô Văn Hải"),
        "000.16.01.H26": ("socson", "Hoàng Thị Lan", "Bùi Đức Thắng", "Đặng Thị Thu"),
    }
    for code, (slug, clerk, chair, specialist) in people.items():
        users.append((f"motcua.{slug}", clerk, Role.CLERK, code))
        users.append((f"chutich.{slug}", chair, Role.CHAIR, code))
        users.append((f"tuphap.{slug}", specialist, Role.SPECIALIST, code))
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
                                 time_text=f"{value} (dữ liệu mẫu)", fee_text=fee, fee_amount=demo_fee(fee))
                for channel in (ChannelKind.DIRECT, ChannelKind.ONLINE, ChannelKind.POST)
            ]
            procedure.fee_amount = demo_fee(fee)
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
            # Civil status and certification: received at any ward's centre of the province (Decree 118/2025).
            offering = Offering(unit=ward, procedure=procedure, active_from=active_from,
                                accepts_for_others=procedure.field in CROSS_WARD_FIELDS,
                                at_desk=index != len(procedures) - 1,
                                online_kind=OnlineKind.END_TO_END if index % 3 == 0 else OnlineKind.PARTIAL)
            offering.set_committed_time(value, unit)
            db.session.add(offering)

    units_by_code = {unit.code: unit for unit in [city, *wards]}
    for username, full_name, role, unit_code in demo_users():
        user = User(username=username, full_name=full_name, role=role, unit=units_by_code[unit_code],
                    office=DEMO_SPECIALIST_OFFICE if role == Role.SPECIALIST else "")
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
@click.option("--no-dossiers", is_flag=True, help="Không tạo hồ sơ mẫu.")
@click.option("--dossiers-per-day", type=click.FloatRange(min=0), default=None,
              help=f"Số hồ sơ trung bình một phường nhận mỗi ngày làm việc (mặc định {DEFAULT_DOSSIERS_PER_DAY:g}).")
# At most 12 months: the demo offerings start on 1 January of last year.
@click.option("--months", type=click.IntRange(min=1, max=12), default=DEFAULT_MONTHS, show_default=True,
              help="Số tháng hồ sơ, tính lùi từ hôm nay.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Hạt giống ngẫu nhiên.")
def load_command(if_empty: bool, no_dossiers: bool, dossiers_per_day: float | None, months: int, seed: int) -> None:
    """Nạp dữ liệu mẫu (demo): thành phố, phường/xã, thủ tục, tài khoản và hồ sơ của một năm."""
    if if_empty and db.session.scalar(select(func.count()).select_from(Unit)):
        click.echo("Cơ sở dữ liệu đã có dữ liệu: không nạp dữ liệu mẫu.")
    else:
        today = local_now().date()
        if not load_demo(today):
            click.echo("Dữ liệu mẫu đã có sẵn.")
        else:
            click.echo("Đã nạp dữ liệu mẫu (demo).")
        if not no_dossiers:
            if dossiers_per_day is None:
                dossiers_per_day = current_app.config.get("DEMO_DOSSIERS_PER_DAY", DEFAULT_DOSSIERS_PER_DAY)
            click.echo("Đang tạo hồ sơ mẫu…")
            summary = load_demo_dossiers(today, dossiers_per_day, months, seed)
            if summary is None:
                click.echo("Hồ sơ mẫu đã có sẵn.")
            else:
                print_dossier_summary(summary)
                click.echo(digitisation_summary())
        demo_wards = db.session.scalars(select(Unit).where(Unit.code.in_([code for code, _ in DEMO_WARDS]))).all()
        feedback = load_demo_feedback(demo_wards, today) if not no_dossiers else 0
        if feedback:
            click.echo(f"Đã tạo {format_number(feedback)} phản ánh, kiến nghị mẫu.")
        # The index pages have something to score on first run: the default rubrics of this year and the last.
        for year in (today.year - 1, today.year):
            created = [code for code, is_new in load_default_rubrics(year) if is_new]
            if created:
                click.echo(f"Bộ tiêu chí mặc định năm {year}: {', '.join(created)}.")
        db.session.flush()
        scores = load_demo_index_scores(demo_wards, today) if demo_wards else None
        if scores is not None:
            click.echo(f"Điểm chỉ số CCHC mẫu năm {today.year - 1} và {today.year}: {scores.confirmed} tiêu chí tự chấm "
                       f"đã được xác nhận, {scores.pending} chờ xác nhận.")
        reports = load_demo_reports(demo_wards, today) if demo_wards else None
        if reports is not None:
            click.echo(f"Báo cáo quý mẫu: {reports.written} phường đã viết, {reports.submitted} đã chốt số liệu và gửi.")
        db.session.commit()
    print_demo_logins()


def print_dossier_summary(summary: Summary) -> None:
    click.echo(f"Đã tạo {format_number(summary.dossiers)} hồ sơ mẫu:")
    for state, count in sorted(summary.states.items(), key=lambda item: -item[1]):
        click.echo(f"  {state.label:<22} {format_number(count):>7}")
    resolved = sum(summary.resolutions.values())
    for resolution in Resolution:
        count = summary.resolutions[resolution]
        click.echo(f"  {resolution.label:<22} {format_number(count):>7}  "
                   f"({format_percent(count, resolved)} số đã giải quyết)")
    click.echo(f"  Có yêu cầu bổ sung: {format_number(summary.with_supplement)}; "
               f"có phiếu xin lỗi: {format_number(summary.with_apology)}; "
               f"người dân đã đánh giá: {format_number(summary.rated)}")


def print_demo_logins() -> None:
    if not db.session.scalar(select(func.count()).where(Unit.code == DEMO_CITY[0])):
        return
    click.echo(f"Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
    for username, _full_name, role, unit_code in demo_users():
        unit_name = DEMO_CITY[1] if unit_code == DEMO_CITY[0] else dict(DEMO_WARDS)[unit_code]
        click.echo(f"  {username:<18} {role.label:<18} {unit_name}")
