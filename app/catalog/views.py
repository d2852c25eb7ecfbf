"""Pages of the catalog (everyone) and of a unit's offerings (edited by its chair or an administrator)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import distinct, select

from app.auth.models import Role
from app.auth.permissions import admin_required, roles_required
from app.bounds import page_number, query_value
from app.catalog.forms import OfferingForm, ProcedureReviewForm
from app.catalog.models import Offering, Procedure
from app.catalog.offerings_import import check_committed_time
from app.catalog.queries import offering_summary, offerings_in_effect, procedure_search
from app.extensions import db
from app.htmx import render_page_or_fragment
from app.units.models import Unit
from app.units.scope import get_visible_or_404, get_visible_unit_or_404, subtree_unit_ids
from app.vntext import fold
from app.worktime.clock import local_now

bp = Blueprint("catalog", __name__)


@bp.get("/catalog/procedures")
@login_required
def procedure_list():
    query = request.args.get("q", "")[:200]
    field = request.args.get("field", "")[:200]
    review = request.args.get("review", "")
    needs_review = {"yes": True, "no": False}.get(review)
    stmt = procedure_search(query, field, needs_review).order_by(Procedure.field, Procedure.code)
    page = db.paginate(stmt, page=query_value(request.args, "page", page_number, default=1),
                       per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    fields = db.session.scalars(select(distinct(Procedure.field)).order_by(Procedure.field)).all()
    return render_page_or_fragment(
        "catalog/procedures.html", "catalog/_procedure_rows.html",
        page=page, q=query, field=field, review=review, fields=fields,
        args={"q": query, "field": field, "review": review},
    )


@bp.get("/catalog/procedures/suggest")
@login_required
def procedure_suggest():
    """<option>s for the procedure box of the offering form (a datalist that htmx fills)."""
    query = request.args.get("procedure_code", "")[:200]
    procedures = db.session.scalars(procedure_search(query).order_by(Procedure.code).limit(15)).all() if fold(query) else []
    return render_template("catalog/_procedure_options.html", procedures=procedures)


@bp.get("/catalog/procedures/<code>")
@login_required
def procedure_detail(code: str):
    procedure = db.session.scalar(select(Procedure).where(Procedure.code == code))
    if procedure is None:
        abort(404)
    return render_template("catalog/procedure.html", procedure=procedure)


@bp.route("/catalog/procedures/<code>/review", methods=["GET", "POST"])
@admin_required
def procedure_review(code: str):
    """Set by hand the statutory time of a procedure flagged for review, and clear the flag."""
    procedure = db.session.scalar(select(Procedure).where(Procedure.code == code))
    if procedure is None:
        abort(404)
    form = ProcedureReviewForm()
    if not form.is_submitted() and procedure.statutory_value is not None:
        form.statutory_value.data = procedure.statutory_value
        form.statutory_unit.data = procedure.statutory_unit
    if form.validate_on_submit():
        procedure.set_statutory_time(form.statutory_value.data, form.statutory_unit.data)
        procedure.needs_review = False
        stamp = f"{local_now():%d/%m/%Y %H:%M} {current_user.full_name}"
        procedure.review_notes = (procedure.review_notes + "\n" if procedure.review_notes else "") + (
            f"Đã xem lại ({stamp}): {procedure.statutory_label}; căn cứ: {form.note.data}")
        db.session.commit()
        flash(f"Đã ghi thời hạn luật định của thủ tục {procedure.code}.", "success")
        return redirect(url_for("catalog.procedure_detail", code=procedure.code), code=303)
    return render_template("catalog/procedure_review.html", form=form, procedure=procedure), (
        422 if form.errors else 200)


def _can_edit_offerings(unit: Unit) -> bool:
    """Administrators of the subtree, and the chair of the unit itself, set what its desk commits to."""
    return current_user.role == Role.ADMIN or (current_user.role == Role.CHAIR and current_user.unit_id == unit.id)


offering_editors_only = roles_required(Role.ADMIN, Role.CHAIR)


@bp.get("/units/<int:unit_id>/offerings")
@login_required
def offering_list(unit_id: int):
    unit = get_visible_unit_or_404(unit_id)
    today = local_now().date()
    query = request.args.get("q", "")[:200]
    stmt = offerings_in_effect(select(Unit.id).where(Unit.id == unit.id), today)
    for word in fold(query).split():
        stmt = stmt.where(Procedure.search_key.contains(word, autoescape=True))
    page = db.paginate(stmt.order_by(Procedure.field, Procedure.code),
                       page=query_value(request.args, "page", page_number, default=1), per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_page_or_fragment(
        "catalog/offerings.html", "catalog/_offering_rows.html",
        unit=unit, page=page, q=query, today=today, args={"q": query},
        summary=offering_summary(subtree_unit_ids(unit), today),
        can_edit=_can_edit_offerings(unit),
    )


def _edit_offering(unit: Unit, offering: Offering | None):
    if not _can_edit_offerings(unit):
        abort(403)
    form = OfferingForm(obj=offering)
    if offering is not None and not form.is_submitted():
        form.procedure_code.data = offering.procedure.code
        form.supplement_rule.data = offering.supplement_rule or ""
    if offering is None and not form.is_submitted():
        form.active_from.data = local_now().date()
    if form.validate_on_submit():
        procedure = db.session.scalar(select(Procedure).where(Procedure.code == form.procedure_code.data))
        if procedure is None:
            form.procedure_code.errors.append("Không có thủ tục mã này trong danh mục.")
        else:
            reason = check_committed_time(form.committed_value.data, form.committed_unit.data, procedure)
            clash = db.session.scalar(select(Offering.id).where(
                Offering.unit_id == unit.id, Offering.procedure_id == procedure.id,
                Offering.active_from == form.active_from.data,
                Offering.id != (offering.id if offering else -1)))
            if reason:
                form.committed_value.errors.append(reason[0].upper() + reason[1:] + ".")
            elif clash:
                form.active_from.errors.append("Thủ tục này đã có một dòng áp dụng từ ngày này.")
            else:
                if offering is None:
                    offering = Offering(unit=unit)
                    db.session.add(offering)
                offering.procedure = procedure
                offering.set_committed_time(form.committed_value.data, form.committed_unit.data)
                offering.at_desk = form.at_desk.data
                offering.accepts_for_others = form.accepts_for_others.data
                offering.online_kind = form.online_kind.data
                offering.supplement_rule = form.supplement_rule.data or None
                offering.active_from = form.active_from.data
                offering.desk_percent = form.desk_percent.data
                offering.approval_percent = form.approval_percent.data
                db.session.commit()
                flash(f"Đã lưu thủ tục {procedure.code} của {unit.name}.", "success")
                return redirect(url_for("catalog.offering_list", unit_id=unit.id), code=303)
    return render_template("catalog/offering_form.html", form=form, unit=unit, offering=offering), (
        422 if form.errors else 200)


@bp.route("/units/<int:unit_id>/offerings/new", methods=["GET", "POST"])
@offering_editors_only
def offering_new(unit_id: int):
    return _edit_offering(get_visible_unit_or_404(unit_id), None)


@bp.route("/offerings/<int:offering_id>/edit", methods=["GET", "POST"])
@offering_editors_only
def offering_edit(offering_id: int):
    offering = get_visible_or_404(Offering, offering_id)
    return _edit_offering(offering.unit, offering)
