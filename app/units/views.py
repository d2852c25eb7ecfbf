"""Pages for the unit tree: everyone sees their subtree; administrators add and edit units."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.permissions import admin_required
from app.catalog.models import Offering
from app.extensions import db
from app.forms_vi import options
from app.units.forms import UnitForm
from app.units.models import ALLOWED_PARENT_KINDS, Unit, UnitKind
from app.units.scope import get_visible_unit_or_404, visible, visible_units
from app.worktime.clock import local_now

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.get("/")
@login_required
def unit_list():
    units = db.session.scalars(visible_units()).all()
    offering_counts = dict(db.session.execute(
        visible(select(Offering.unit_id, func.count()), Offering.unit_id).group_by(Offering.unit_id)
    ).all())
    user_counts = dict(db.session.execute(
        visible(select(User.unit_id, func.count()), User.unit_id).group_by(User.unit_id)
    ).all())
    return render_template("units/list.html", units=units, offering_counts=offering_counts,
                           user_counts=user_counts, root_depth=current_user.unit.depth)


def _parent_choices(editing: Unit | None) -> list[tuple[int, str]]:
    choices = [(0, "— (không có: cấp cao nhất)")] if current_user.unit.parent_id is None else []
    for unit in db.session.scalars(visible_units()):
        if unit.kind == UnitKind.WARD or (editing is not None and unit.is_within(editing)):
            continue  # a ward has nothing below it; a unit cannot move under itself
        choices.append((unit.id, f"{'— ' * unit.depth}{unit.name} ({unit.code})"))
    return choices


def _validate_unit_form(form: UnitForm, unit: Unit | None) -> Unit | None:
    """The chosen parent, or None with errors added to the form."""
    clash = db.session.scalar(select(func.count()).where(
        Unit.code == form.code.data, Unit.id != (unit.id if unit else -1)))
    if clash:
        form.code.errors.append("Mã định danh này đã có.")
    parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
    allowed = ALLOWED_PARENT_KINDS[UnitKind(form.kind.data)]
    if parent is None and allowed:
        form.parent_id.errors.append("Phường/xã và quận/huyện phải có đơn vị cấp trên.")
    elif parent is not None and parent.kind not in allowed:
        form.parent_id.errors.append(f"{parent.kind_label} không thể là cấp trên của {UnitKind(form.kind.data).label.lower()}.")
    if unit is not None and unit.children and form.kind.data == UnitKind.WARD:
        form.kind.errors.append("Đơn vị đang có đơn vị trực thuộc, không thể đổi thành phường/xã.")
    return parent


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def unit_new():
    form = UnitForm()
    form.parent_id.choices = options(_parent_choices(None))
    if form.validate_on_submit():
        parent = _validate_unit_form(form, None)
        if not form.errors:
            unit = Unit(code=form.code.data, name=form.name.data, kind=UnitKind(form.kind.data), parent=parent,
                        official_name=form.official_name.data, centre_name=form.centre_name.data,
                        address=form.address.data, phone=form.phone.data, return_wait_days=form.return_wait_days.data or 10,
                        handover_days=form.handover_days.data)
            db.session.add(unit)
            db.session.flush()
            unit.refresh_path()
            db.session.commit()
            flash(f"Đã thêm {unit.name}.", "success")
            return redirect(url_for("units.unit_list"), code=303)
    return render_template("units/form.html", form=form, unit=None), 422 if form.errors else 200


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@admin_required
def unit_edit(unit_id: int):
    unit = get_visible_unit_or_404(unit_id)
    form = UnitForm(obj=unit)
    form.parent_id.choices = options(_parent_choices(unit))
    if unit.id == current_user.unit_id:
        # Moving one's own unit would take it, and oneself, out of one's own scope.
        form.parent_id.choices = options([(unit.parent_id or 0, unit.parent.name if unit.parent else "—")])
    if not form.is_submitted():
        form.parent_id.data = unit.parent_id or 0
    if form.validate_on_submit():
        parent = _validate_unit_form(form, unit)
        if not form.errors:
            unit.code, unit.name, unit.kind, unit.parent = (
                form.code.data, form.name.data, UnitKind(form.kind.data), parent)
            unit.official_name, unit.centre_name = form.official_name.data, form.centre_name.data
            unit.address, unit.phone = form.address.data, form.phone.data
            unit.return_wait_days = form.return_wait_days.data or unit.return_wait_days
            unit.handover_days = form.handover_days.data
            db.session.flush()
            unit.refresh_path()
            db.session.commit()
            flash(f"Đã lưu {unit.name}.", "success")
            return redirect(url_for("units.unit_list"), code=303)
    return render_template("units/form.html", form=form, unit=unit,
                           today=local_now().date()), 422 if form.errors else 200
