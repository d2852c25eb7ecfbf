"""Pages of the feedback register under /feedback/: the list (scoped to the user's subtree), receiving an item,
assigning, answering and recording the citizen's satisfaction (the unit's own desk only)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.auth.models import Role
from app.auth.permissions import roles_required
from app.bounds import page_number, query_value, record_id
from app.extensions import db
from app.feedback.forms import AnswerForm, AssignForm, FeedbackForm, RatingForm
from app.feedback.models import Feedback
from app.feedback.operations import (FeedbackInput, FeedbackRefused, answer_feedback, assign_feedback,
                                     rate_feedback, receive_feedback)
from app.htmx import render_page_or_fragment
from app.units.models import Unit, UnitKind
from app.units.scope import get_visible_or_404, visible, visible_units
from app.worktime.clock import calendar_for, local_now

bp = Blueprint("feedback", __name__, url_prefix="/feedback")
desk_roles_only = roles_required(Role.CLERK, Role.CHAIR)

STATES = {"open": "Chưa trả lời", "overdue": "Quá hạn chưa trả lời", "late": "Trả lời quá hạn",
          "answered": "Đã trả lời"}


@bp.get("/")
@login_required
def feedback_list():
    now = local_now()
    units = db.session.scalars(visible_units()).all() if current_user.unit.kind != UnitKind.WARD else []
    unit_id = query_value(request.args, "unit_id", record_id)
    unit = next((u for u in units if u.id == unit_id), None)
    state = request.args.get("state", "")
    stmt = visible(select(Feedback), Feedback.unit_id)
    if unit is not None:
        stmt = stmt.where(Feedback.unit_id.in_(select(Unit.id).where(Unit.path.startswith(unit.path))))
    if state in ("open", "overdue"):
        stmt = stmt.where(Feedback.answered_at.is_(None))
    if state == "overdue":
        # Overdue from the day after the due date (rules.is_overdue).
        stmt = stmt.where(Feedback.due_at < now.replace(hour=0, minute=0, second=0))
    if state == "answered":
        stmt = stmt.where(Feedback.answered_at.is_not(None))
    if state == "late":
        stmt = stmt.where(Feedback.resolution == "late")
    total = db.session.scalar(stmt.with_only_columns(func.count()).order_by(None))
    page = db.paginate(stmt.options(joinedload(Feedback.unit), joinedload(Feedback.dossier))
                       .order_by(Feedback.received_at.desc(), Feedback.id.desc()),
                       page=query_value(request.args, "page", page_number, default=1),
                       per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False, count=False)
    page.total = total
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_page_or_fragment("feedback/list.html", "feedback/_rows.html", page=page, units=units,
                                   unit=unit, state=state if state in STATES else "", states=STATES, now=now,
                                   args=args, can_receive=current_user.role in (Role.CLERK, Role.CHAIR))


@bp.route("/new", methods=["GET", "POST"])
@desk_roles_only
def feedback_new():
    now = local_now()
    form = FeedbackForm()
    if not form.is_submitted():
        form.received_at.data = now
        form.dossier_code.data = request.args.get("dossier_code", "")[:60]
    elif form.validate():
        data = FeedbackInput(received_at=form.received_at.data, channel=form.channel.data, kind=form.kind.data,
                             citizen_name=form.citizen_name.data, citizen_contact=form.citizen_contact.data or "",
                             content=form.content.data, dossier_code=form.dossier_code.data or "",
                             procedure_code=form.procedure_code.data or "")
        unit = current_user.unit
        try:
            item = receive_feedback(unit, data, calendar_for(unit), current_app.config["FEEDBACK_ANSWER_DAYS"],
                                    current_user, now)
            db.session.commit()
        except FeedbackRefused as refusal:
            db.session.rollback()
            form[refusal.field].errors = [*form[refusal.field].errors, str(refusal)]
        else:
            flash(f"Đã tiếp nhận phản ánh, kiến nghị số {item.id}; hạn trả lời "
                  f"{item.due_at:%H:%M} ngày {item.due_at:%d/%m/%Y}.", "success")
            return redirect(url_for("feedback.feedback_detail", feedback_id=item.id), code=303)
    return render_template("feedback/form.html", form=form,
                           answer_days=current_app.config["FEEDBACK_ANSWER_DAYS"]), 422 if form.errors else 200


@bp.get("/<int:feedback_id>")
@login_required
def feedback_detail(feedback_id: int):
    item = get_visible_or_404(Feedback, feedback_id)
    return _render_detail(item)


def _render_detail(item: Feedback, assign_form=None, answer_form=None, rating_form=None, status=200):
    now = local_now()
    if answer_form is None:
        answer_form = AnswerForm(formdata=None, answered_at=now)
    return render_template(
        "feedback/detail.html", item=item, now=now,
        can_act=current_user.role in (Role.CLERK, Role.CHAIR) and item.unit_id == current_user.unit_id,
        assign_form=assign_form or AssignForm(formdata=None, assigned_to=item.assigned_to),
        answer_form=answer_form, rating_form=rating_form or RatingForm(formdata=None)), status


def _own_item_or_abort(feedback_id: int) -> Feedback:
    item = get_visible_or_404(Feedback, feedback_id)
    if item.unit_id != current_user.unit_id:
        abort(403)  # a higher unit reads; only the unit's own desk handles its feedback
    return item


@bp.post("/<int:feedback_id>/assign")
@desk_roles_only
def feedback_assign(feedback_id: int):
    item = _own_item_or_abort(feedback_id)
    form = AssignForm()
    return _apply(item, form, lambda: assign_feedback(item, form.assigned_to.data, local_now()),
                  "Đã giao xử lý.", assign_form=form)


@bp.post("/<int:feedback_id>/answer")
@desk_roles_only
def feedback_answer(feedback_id: int):
    item = _own_item_or_abort(feedback_id)
    form = AnswerForm()
    return _apply(item, form, lambda: answer_feedback(item, form.answer.data, form.answered_at.data, current_user,
                                                      local_now()),
                  "Đã ghi nội dung trả lời.", answer_form=form)


@bp.post("/<int:feedback_id>/rate")
@desk_roles_only
def feedback_rate(feedback_id: int):
    item = _own_item_or_abort(feedback_id)
    form = RatingForm()
    return _apply(item, form, lambda: rate_feedback(item, form.satisfaction.data, local_now()),
                  "Đã ghi mức độ hài lòng của người dân.", rating_form=form)


def _apply(item: Feedback, form, change, message: str, **forms):
    """Validate `form`, make `change` and commit; a refusal goes back beside the form's field (422)."""
    if form.validate():
        try:
            change()
            db.session.commit()
        except FeedbackRefused as refusal:
            db.session.rollback()
            field = form[refusal.field] if refusal.field in form else next(iter(form))
            field.errors = [*field.errors, str(refusal)]
            flash(str(refusal), "error")  # also above the page: the form may not be shown in this state
        else:
            flash(message, "success")
            return redirect(url_for("feedback.feedback_detail", feedback_id=item.id), code=303)
    return _render_detail(db.session.get(Feedback, item.id), status=422, **forms)
