"""The desk's pages: register a dossier, see it and act on it, search dossiers."""
from datetime import datetime, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import Role, User
from app.auth.permissions import roles_required
from app.bounds import MAX_ID, OutOfBounds, bounded_int, check_day, page_number, parse_day, query_value, record_id
from app.catalog.models import ChannelKind, Offering, OnlineKind, Procedure
from app.catalog.queries import offerings_in_effect
from app.digitisation import reuse
from app.digitisation.models import ResultForm
from app.digitisation.results import RESULT_STATES
from app.dossiers.forms import DATETIME_FORMATS, ActionForm, IntakeForm, PaymentForm, new_intake_token
from app.dossiers.lifecycle import Action, DossierState, TransitionRefused, allowed_actions, refusal_for
from app.dossiers.models import CopyKind, Dossier
from app.dossiers.numbering import DailyNumbersExhausted
from app.dossiers.operations import (CORRECTABLE_FIELDS, ActionInput, Applicant, Intake, PaymentInput, ReceivedDocument,
                                     StaleDossier, apply_action, current_step_dues, events_since, preview_due_at,
                                     proposal_of, record_payment, register_dossier)
from app.dossiers.steps import Step
from app.dossiers.handover import HandoverStep, late_steps, plan, steps_of
from app.dossiers.models import HANDOVER_ACTIONS
from app.dossiers.operations import (acting_unit_id, handover_step_available, province_handover_days,
                                     record_handover_step)
from app.dossiers.receiving import may_receive_for, offerings_for_another, province_wards, resolving_ward
from app.dossiers.queries import (AT_RISK_LISTS, COUNT_CAP, DESK_LISTS, FEW_MATCHES, SORT_LABELS, DeskClock, SearchFilters, deadlines_of,
                                  dossier_count, dossier_search, offices_and_actors, whereabouts_of)
from app.extensions import db
from app.forms_vi import options
from app.lookup.rating_codes import issue_rating_code
from app.lookup.rating_codes import shown as shown_rating_code
from app.reports.links import print_links
from app.reports.papers import PAPER_AFTER_ACTION, Paper
from app.htmx import is_fragment_request, render_page_or_fragment
from app.units.models import Unit, UnitKind
from app.units.scope import MAX_RECORD_ID, get_visible_or_404, visible_units
from app.vntext import fold
from app.worktime.clock import calendar_for, local_now
from app.worktime.deadlines import crosses_estimated_days

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")
desk_roles_only = roles_required(Role.CLERK, Role.CHAIR)


# The ward's most used procedures come first in the intake's suggestions: counted over this window.
USAGE_WINDOW = timedelta(days=365)


def _unit_offerings(unit: Unit, on_day, query: str = "") -> list[Offering]:
    """The offerings of the user's own unit in force on `on_day`, filtered by a diacritic-free query,
    the unit's most received procedures of the last year first ("khai sinh": "Đăng ký khai sinh"
    before "Cấp bản sao trích lục…"), then by name. The count walks the unit's (unit, received) index."""
    stmt = offerings_in_effect(select(Unit.id).where(Unit.id == unit.id), on_day)
    for word in fold(query).split():
        stmt = stmt.where(Procedure.search_key.contains(word, autoescape=True))
    since = datetime.combine(on_day, datetime.min.time()) - USAGE_WINDOW
    usage = (select(Dossier.procedure_id, func.count().label("received"))
             .where(Dossier.unit_id == unit.id, Dossier.received_at >= since)
             .group_by(Dossier.procedure_id).subquery())
    stmt = stmt.outerjoin(usage, usage.c.procedure_id == Offering.procedure_id)
    return db.session.scalars(stmt.order_by(func.coalesce(usage.c.received, 0).desc(), Procedure.name)).all()


def _offering_choices(offerings: list[Offering]) -> list:
    return options([(0, "— Chọn thủ tục —")] + [
        (o.id, f"{o.procedure.name} ({o.procedure.code}) · {o.committed_label}") for o in offerings])


def _chosen_offering(offering_id: int | None) -> Offering | None:
    """The offering the clerk chose: their own unit's, or another ward's of the province that their desk
    accepts for others (app/dossiers/receiving.py); anything else is 404 like every out-of-scope record."""
    if not offering_id:
        return None
    if not 0 < offering_id <= MAX_RECORD_ID:
        abort(404)
    offering = db.session.get(Offering, offering_id)
    if offering is None:
        abort(404)
    if offering.unit_id == current_user.unit_id:
        return offering
    if may_receive_for(current_user.unit, offering, local_now().date()):
        return offering
    abort(404)


def _intake_offerings(resolving: Unit | None, on_day, query: str = "") -> list[Offering]:
    """The procedures the clerk may pick: their unit's own, or those of the ward they receive for."""
    if resolving is None:
        return _unit_offerings(current_user.unit, on_day, query)
    return offerings_for_another(current_user.unit, resolving, on_day, query)


def _unit_choices(resolving: Unit | None, unit_filter: str = "") -> list:
    """The resolving unit's choices: the desk's own unit, the ward chosen, and (without JavaScript, after
    "Lấy thủ tục của đơn vị") the wards matching what the clerk typed."""
    choices = [(0, f"{current_user.unit.name} (đơn vị mình)")]
    if resolving is not None:
        choices.append((resolving.id, resolving.name))
    if unit_filter.strip():
        choices += [(ward.id, f"{ward.name} ({ward.code})") for ward in province_wards(current_user.unit, unit_filter)
                    if resolving is None or ward.id != resolving.id]
    return options(choices)


def _fill_checklist(form: IntakeForm, offering: Offering | None) -> None:
    """One checklist row per required document of the chosen procedure (replacing what was there)."""
    while form.documents.entries:
        form.documents.pop_entry()
    if offering is None:
        return
    for document in offering.procedure.documents:
        kind = CopyKind.ORIGINAL if (document.originals or 0) > 0 or not document.copies else CopyKind.COPY
        form.documents.append_entry({"received": True, "name": document.name, "copy_kind": kind.value,
                                     "count": (document.originals or document.copies or 1)})


def _due_preview(offering: Offering | None, received_at: datetime | None,
                 result_at_receiving: bool = True) -> datetime | None:
    """The appointment the receipt will give: for another ward's dossier, its committed time on its
    calendar plus the province's hand-over time (app/dossiers/handover.py)."""
    if offering is None or received_at is None:
        return None
    if offering.unit_id == current_user.unit_id:
        return preview_due_at(calendar_for(offering.unit), offering, received_at)
    return plan(calendar_for(current_user.unit), calendar_for(offering.unit), received_at, offering.committed_value,
                offering.committed_unit, province_handover_days(current_user.unit), result_at_receiving).appointment


def picked_unit_id(value: str) -> int:
    """The intake's resolving-unit select: a record id, or 0 for "the desk's own unit" (its empty choice)."""
    return bounded_int(value, 0, MAX_ID, "Đơn vị giải quyết")


@bp.route("/new", methods=["GET", "POST"])
@desk_roles_only
def intake():
    now = local_now()
    form = IntakeForm()
    resolving = resolving_ward(current_user.unit, form.resolving_unit_id.data if form.is_submitted()
                               else query_value(request.args, "resolving_unit_id", picked_unit_id))
    form.resolving_unit_id.choices = _unit_choices(resolving, form.unit_filter.data or "")
    offerings = _intake_offerings(resolving, now.date(), form.procedure_filter.data or "")
    if form.is_submitted() and (saved := _saved_with(form.intake_token.data)) is not None:
        return _already_saved(saved)
    chosen = _chosen_offering(form.offering_id.data if form.is_submitted()
                              else query_value(request.args, "offering_id", record_id))
    if chosen is not None and chosen not in offerings:
        offerings.append(chosen)  # keep the clerk's choice even when the filter no longer shows it
    form.offering_id.choices = _offering_choices(offerings)
    if not form.is_submitted():
        form.intake_token.data = new_intake_token()
        form.received_at.data = now
        form.channel.data = ChannelKind.DIRECT.value
        form.result_at_receiving.data = "here"
        form.resolving_unit_id.data = resolving.id if resolving is not None else 0
        if chosen is not None:
            form.offering_id.data = chosen.id
            form.online_kind.data = "" if chosen.online_kind == OnlineKind.NONE else chosen.online_kind
            _fill_checklist(form, chosen)
    elif "choose" in request.form or "find" in request.form:
        # Without JavaScript: the clerk picked a procedure (or filtered) and asked for its checklist.
        _fill_checklist(form, chosen)
        return _render_intake(form, chosen), 200
    elif form.validate_on_submit():
        if form.received_at.data > now + timedelta(minutes=5):
            form.received_at.errors.append("Thời điểm tiếp nhận không được ở tương lai.")
        else:
            try:
                dossier = _save_intake(form, chosen, now)
            except DailyNumbersExhausted as error:
                db.session.rollback()
                form.received_at.errors.append(str(error))
                return _render_intake(form, chosen), 422
            except IntegrityError:
                # A concurrent POST of the same form saved first: the unique token decided.
                db.session.rollback()
                saved = _saved_with(form.intake_token.data)
                if saved is None:
                    raise
                return _already_saved(saved)
            flash(f"Đã tiếp nhận hồ sơ {dossier.code}. Hẹn trả kết quả: "
                  f"{dossier.appointment_at:%H:%M} ngày {dossier.appointment_at:%d/%m/%Y}"
                  + (f" tại {dossier.return_unit.name}." if dossier.is_received_for_another else "."), "success")
            # Saved first, printed after: the page offers the receipt at once (a failed PDF loses nothing).
            return redirect(url_for("dossiers.detail", dossier_id=dossier.id, print=Paper.RECEIPT.value), code=303)
    return _render_intake(form, chosen), 422 if form.errors else 200


def _saved_with(token: str | None) -> Dossier | None:
    """The dossier an earlier POST of this intake form saved, if any (scoped like every dossier)."""
    if not token or not isinstance(token, str) or len(token) > 64:
        return None
    dossier = db.session.scalar(select(Dossier).where(Dossier.intake_token == token))
    return get_visible_or_404(Dossier, dossier.id) if dossier is not None else None


def _already_saved(dossier: Dossier):
    """The answer to a repeated POST of the intake form: the dossier its first POST saved."""
    flash(f"Hồ sơ {dossier.code} đã được lưu từ lần gửi trước; không tạo hồ sơ mới.", "info")
    return redirect(url_for("dossiers.detail", dossier_id=dossier.id, print=Paper.RECEIPT.value), code=303)


def _chosen_reuse() -> list[int]:
    """The earlier scans ticked at intake ("reuse_document"): valid ids only, at most the number offered."""
    chosen = []
    for value in request.form.getlist("reuse_document")[:reuse.MAX_CANDIDATES]:
        try:
            chosen.append(record_id(value))
        except OutOfBounds:
            continue  # only the boxes the page offered are sent back; anything else is ignored
    return chosen


def _render_intake(form: IntakeForm, chosen: Offering | None) -> str:
    reusable = reuse.candidates(form.applicant_id_number.data or "") if form.is_submitted() else []
    return render_template("dossiers/intake.html", form=form, chosen=chosen,
                           due=_due_preview(chosen, form.received_at.data, form.result_at_receiving.data != "there"),
                           reusable=reusable, reuse_chosen=set(_chosen_reuse()) if form.is_submitted() else set())


def _save_intake(form: IntakeForm, offering: Offering, now: datetime) -> Dossier:
    documents = [ReceivedDocument(row.form.name.data, CopyKind(row.form.copy_kind.data), row.form.count.data or 1)
                 for row in form.documents if row.form.received.data and row.form.name.data]
    documents += [ReceivedDocument(line.strip()) for line in form.extra_documents.data.splitlines() if line.strip()]
    intake = Intake(
        offering=offering,
        applicant=Applicant(form.applicant_name.data, form.applicant_id_number.data, form.applicant_phone.data,
                            form.applicant_address.data, form.applicant_email.data),
        channel=form.channel.data,
        online_kind=form.online_kind.data or None,
        received_at=form.received_at.data.replace(second=0, microsecond=0),
        sets_count=form.sets_count.data,
        documents=documents,
        # Another ward's procedure (checked by _chosen_offering): received here for that ward.
        receiving_unit=current_user.unit if offering.unit_id != current_user.unit_id else None,
        result_at_receiving=form.result_at_receiving.data != "there",
    )
    dossier = register_dossier(intake, calendar_for(offering.unit), current_user,
                               current_app.config["SUPPLEMENT_RULE"], now,
                               receiving_calendar=calendar_for(current_user.unit))
    # The applicant's earlier scans the clerk chose to reuse instead of scanning again (app/digitisation/reuse.py).
    reuse.apply_at_intake(dossier, _chosen_reuse(), form.applicant_id_number.data, intake.received_at)
    dossier.intake_token = form.intake_token.data or None
    db.session.commit()
    return dossier


@bp.get("/new/procedure")
@desk_roles_only
def intake_procedure():
    """htmx: the checklist and the due time for the procedure the clerk just chose."""
    form = IntakeForm(formdata=None)
    chosen = _chosen_offering(query_value(request.args, "offering_id", record_id))
    received_at = _parse_received_at(request.args.get("received_at", ""))
    form.received_at.data = received_at
    _fill_checklist(form, chosen)
    if chosen is not None:
        form.online_kind.data = "" if chosen.online_kind == OnlineKind.NONE else chosen.online_kind
    return render_template("dossiers/_intake_procedure.html", form=form, chosen=chosen,
                           due=_due_preview(chosen, received_at, _result_at_receiving_arg()))


@bp.get("/new/due")
@desk_roles_only
def intake_due():
    """htmx: the due time, recomputed when the receipt time changes."""
    chosen = _chosen_offering(query_value(request.args, "offering_id", record_id))
    received_at = _parse_received_at(request.args.get("received_at", ""))
    return render_template("dossiers/_due_preview.html", chosen=chosen,
                           due=_due_preview(chosen, received_at, _result_at_receiving_arg()),
                           received_at_invalid=received_at is None)


def _result_at_receiving_arg() -> bool:
    """Where the citizen collects the result, as the intake's select sends it: at the receiving desk unless "there"."""
    return request.args.get("result_at_receiving", "here") != "there"


@bp.get("/new/offerings")
@desk_roles_only
def intake_offerings():
    """htmx: the procedure list narrowed to what the clerk typed, for the unit they receive for."""
    resolving = resolving_ward(current_user.unit, query_value(request.args, "resolving_unit_id", picked_unit_id))
    offerings = _intake_offerings(resolving, local_now().date(), request.args.get("procedure_filter", "")[:200])
    return render_template("dossiers/_offering_options.html", offerings=offerings)


@bp.get("/new/units")
@desk_roles_only
def intake_units():
    """htmx: the wards of the province whose name matches what the clerk typed (no diacritics needed), to
    receive a dossier for (Decree 118/2025: regardless of administrative boundary)."""
    wards = province_wards(current_user.unit, request.args.get("unit_filter", "")[:100])
    return render_template("dossiers/_unit_options.html", wards=wards)


def _parse_received_at(text: str) -> datetime | None:
    """The typed receipt time, or None when it is unreadable or beyond the years `bounds` accepts (the
    due-date preview then waits for a valid time, as the form's own check says)."""
    for pattern in DATETIME_FORMATS:
        try:
            return check_day(datetime.strptime(text.strip(), pattern))
        except OutOfBounds:
            return None
        except ValueError:
            continue
    return None


@bp.get("/<int:dossier_id>")
@login_required
def detail(dossier_id: int):
    dossier = get_visible_or_404(Dossier, dossier_id)
    return _render_detail(dossier, ActionForm(formdata=None, version=dossier.version),
                          print_paper=request.args.get("print", "")), 200


def _render_detail(dossier: Dossier, form: ActionForm, active_action: str = "", stale_events=None,
                   print_paper: str = "", payment_form: PaymentForm | None = None) -> str:
    now = local_now()
    if payment_form is None:
        payment_form = PaymentForm(formdata=None, version=dossier.version, fee_due=dossier.fee_due,
                                   fee_paid=dossier.fee_paid if dossier.paid_at else dossier.fee_due,
                                   payment_method=dossier.payment_method or "",
                                   paid_at=dossier.paid_at or now.replace(second=0, microsecond=0),
                                   receipt_number=dossier.receipt_number)
    if active_action != Action.CORRECT:
        for name in CORRECTABLE_FIELDS:  # the correction form starts from the current values
            form[name].data = getattr(dossier, name)
    deadline = deadlines_of([dossier], now).get(dossier.id)
    # Received for another unit (Decree 118/2025): each desk acts on its own part (operations.acting_unit_id).
    actions = [a for a in allowed_actions(DossierState(dossier.state))
               if acting_unit_id(dossier, a) == current_user.unit_id
               and _action_available(dossier, a) and refusal_for(current_user.role, a, dossier.step) is None]
    # The hand-over step due now, for the side whose step it is (first: it is what the desk waits for).
    if current_user.role in (Role.CLERK, Role.CHAIR):
        actions = [step for step in HandoverStep if handover_step_available(dossier, step)
                   and acting_unit_id(dossier, step.value) == current_user.unit_id] + actions
    specialists = _specialists_of(dossier.unit_id) if Action.HAND_OVER in actions else []
    form.assignee_id.choices = options([(0, "— Không giao cho ai (ghi nơi chuyển đến) —")] + [
        (user.id, f"{user.full_name} — {user.office or 'Công chức chuyên môn'}") for user in specialists])
    # The resolving unit's own tools (payments, results, scans) stay with it.
    can_act = current_user.role in ACTING_ROLES and dossier.unit_id == current_user.unit_id
    links = print_links(dossier)
    if current_user.role == Role.SPECIALIST:  # the other papers are the desk's (and their pages refuse a specialist)
        links = [link for link in links if link.paper == Paper.CONTROL]
    # `?print=<paper>` (after saving or acting): that paper's button is shown first and large, if it applies.
    highlighted = next((link for link in links if link.paper == print_paper), None)
    return render_template("dossiers/detail.html", dossier=dossier, form=form,
                           actions=actions if current_user.role in ACTING_ROLES else [],
                           can_act=can_act, reusable=reuse.offered_for(dossier, dossier.documents) if can_act else {},
                           result_labels=ResultForm.LABELS, has_result=DossierState(dossier.state) in RESULT_STATES,
                           can_record_result=can_act and DossierState(dossier.state) in RESULT_STATES,
                           deadline=deadline, now=now, Action=Action,
                           active_action=active_action, stale_events=stale_events or [], print_links=links,
                           handover=_handover_rows(dossier, now),
                           payment_form=payment_form, can_pay=can_act and current_user.role != Role.SPECIALIST,
                           highlighted_print=highlighted, specialists=specialists,
                           step_dues=current_step_dues(dossier, calendar_for(dossier.unit)) if dossier.step else None,
                           proposal=proposal_of(dossier) if dossier.step == Step.APPROVAL else None,
                           step_labels={step.value: step.label for step in Step},
                           due_estimated=crosses_estimated_days(calendar_for(dossier.unit), dossier.received_at,
                                                                dossier.due_at))


def _handover_rows(dossier: Dossier, now: datetime) -> list[dict]:
    """The hand-over steps of a dossier received for another unit: due time, when done, late or not."""
    if not dossier.is_received_for_another:
        return []
    progress, dues = dossier.handover_progress(), dossier.handover_dues()
    late = set(late_steps(progress, dues, now))
    return [{"step": step, "due": dues[step], "done": progress.done(step), "late": step in late}
            for step in steps_of(progress.result_at_receiving)]


ACTING_ROLES = (Role.CLERK, Role.CHAIR, Role.SPECIALIST)


def _specialists_of(unit_id: int) -> list[User]:
    return db.session.scalars(select(User).where(User.unit_id == unit_id, User.role == Role.SPECIALIST,
                                                 User.is_active.is_(True)).order_by(User.office, User.full_name)).all()


def _action_available(dossier: Dossier, action: Action) -> bool:
    if action == Action.RETURN_RESULT and dossier.result_at_receiving:
        return dossier.result_back_at is not None  # the result must have come back to the receiving desk
    if action == Action.REQUEST_APOLOGY:
        return dossier.apology is None
    if action == Action.APPROVE_APOLOGY:
        return (current_user.role == Role.CHAIR and dossier.apology is not None
                and dossier.apology.approved_at is None)
    return True


@bp.post("/<int:dossier_id>/act")
@roles_required(*ACTING_ROLES)
def act(dossier_id: int):
    dossier = get_visible_or_404(Dossier, dossier_id)
    form = ActionForm()
    if form.action.data in HANDOVER_ACTIONS:
        return _record_handover(dossier, HandoverStep(form.action.data), form)
    try:
        action = Action(form.action.data)
    except ValueError:
        abort(400)
    if acting_unit_id(dossier, action) != current_user.unit_id:
        # Higher units read; only the desk whose part it is acts (a dossier received for another
        # unit: the receiving desk sends it and returns the result collected there, the resolving unit does the rest).
        abort(403)
    if not form.validate():
        return _render_detail(dossier, form, active_action=action), 422
    data = ActionInput(
        note=form.note.data, to_office=form.to_office.data, reason=form.reason.data, outcome=form.outcome.data,
        new_due_at=form.new_due_at.data,
        corrections={name: form[name].data for name in CORRECTABLE_FIELDS} if action == Action.CORRECT else {},
        assignee=_chosen_specialist(form.assignee_id.data) if action == Action.HAND_OVER else None,
    )
    try:
        apply_action(dossier, action, data, current_user, calendar_for(dossier.unit), local_now(),
                     expected_version=form.version.data or 0)
        # The citizen's rating code: drawn now, shown once below, kept only as a hash (app/lookup/rating_codes.py).
        rating_code = issue_rating_code(dossier) if action == Action.RETURN_RESULT else None
        db.session.commit()
    except TransitionRefused as refusal:
        db.session.rollback()
        form.action.errors = [str(refusal)]
        return _render_detail(db.session.get(Dossier, dossier_id), form, active_action=action), 422
    except (StaleDossier, StaleDataError):
        db.session.rollback()
        fresh = db.session.get(Dossier, dossier_id)
        db.session.refresh(fresh)
        seen = form.version.data or 0
        form.version.data = fresh.version
        return _render_detail(fresh, form, active_action=action, stale_events=events_since(fresh, seen)), 409
    flash(f"{action.label}: đã ghi vào hồ sơ {dossier.code}.", "success")
    if rating_code:
        flash(f"Mã đánh giá của công dân: {shown_rating_code(rating_code)} — đưa cho công dân cùng kết quả để "
              "tự đánh giá tại trang Tra cứu hồ sơ. Mã chỉ hiện một lần; hệ thống không lưu lại.", "success")
    if request.form.get("back") == "home":  # one click from the chair's first page, and back there
        return redirect(url_for("home.index"), code=303)
    paper = PAPER_AFTER_ACTION.get(action)
    return redirect(url_for("dossiers.detail", dossier_id=dossier.id, print=paper.value if paper else None), code=303)


def _record_handover(dossier: Dossier, step: HandoverStep, form: ActionForm):
    """One hand-over step between the receiving desk and the resolving unit, by the side whose step it is."""
    if current_user.role not in (Role.CLERK, Role.CHAIR) or acting_unit_id(dossier, step.value) != current_user.unit_id:
        abort(403)  # a desk's step: never a specialist's, never another unit's
    if not form.validate():
        return _render_detail(dossier, form, active_action=step.value), 422
    try:
        record_handover_step(dossier, step, current_user, local_now(), form.note.data or "",
                             expected_version=form.version.data or 0,
                             receiving_calendar=calendar_for(dossier.receiving_unit or dossier.unit))
        db.session.commit()
    except TransitionRefused as refusal:
        db.session.rollback()
        form.action.errors = [str(refusal)]
        return _render_detail(db.session.get(Dossier, dossier.id), form, active_action=step.value), 422
    except (StaleDossier, StaleDataError):
        db.session.rollback()
        fresh = db.session.get(Dossier, dossier.id)
        db.session.refresh(fresh)
        seen = form.version.data or 0
        form.version.data = fresh.version
        return _render_detail(fresh, form, active_action=step.value, stale_events=events_since(fresh, seen)), 409
    flash(f"{step.label}: đã ghi vào hồ sơ {dossier.code}.", "success")
    return redirect(url_for("dossiers.detail", dossier_id=dossier.id), code=303)


def _chosen_specialist(user_id) -> User | None:
    """The specialist picked for a hand-over, if any; the operation refuses one outside the unit."""
    if not isinstance(user_id, int) or not 0 < user_id <= 2**31 - 1:
        return None
    return db.session.get(User, user_id)


@bp.post("/<int:dossier_id>/payment")
@desk_roles_only
def payment(dossier_id: int):
    """Record the fee owed and paid (amount, method, time, receipt number) on the unit's own dossier."""
    dossier = get_visible_or_404(Dossier, dossier_id)
    if dossier.unit_id != current_user.unit_id:
        abort(403)  # higher units read; only the unit's own desk records payments
    form = PaymentForm()
    action_form = ActionForm(formdata=None, version=dossier.version)
    if not form.validate():
        return _render_detail(dossier, action_form, active_action="payment", payment_form=form), 422
    data = PaymentInput(fee_due=form.fee_due.data, fee_paid=form.fee_paid.data,
                        method=form.payment_method.data or None, paid_at=form.paid_at.data,
                        receipt_number=form.receipt_number.data or "")
    try:
        record_payment(dossier, data, current_user, local_now(), expected_version=form.version.data or 0)
        db.session.commit()
    except TransitionRefused as refusal:
        db.session.rollback()
        form.fee_paid.errors = [*form.fee_paid.errors, str(refusal)]
        return _render_detail(db.session.get(Dossier, dossier_id), action_form, active_action="payment",
                              payment_form=form), 422
    except (StaleDossier, StaleDataError):
        db.session.rollback()
        fresh = db.session.get(Dossier, dossier_id)
        db.session.refresh(fresh)
        seen = form.version.data or 0
        form.version.data = fresh.version
        return _render_detail(fresh, ActionForm(formdata=None, version=fresh.version), active_action="payment",
                              stale_events=events_since(fresh, seen), payment_form=form), 409
    flash(f"Đã ghi phí, lệ phí của hồ sơ {dossier.code}.", "success")
    return redirect(url_for("dossiers.detail", dossier_id=dossier.id), code=303)


@bp.get("/")
@login_required
def search():
    now = local_now()
    # An officer of a district or the city narrows the search to one unit below them; a ward has none.
    units = db.session.scalars(visible_units()).all() if current_user.unit.kind != UnitKind.WARD else []
    filters = _filters_from_request(units)
    clock = DeskClock.at(now, calendar_for(current_user.unit))
    # Flask-SQLAlchemy would count over the joined, sorted query; a bare COUNT is several times faster.
    total = dossier_count(filters, clock)
    page = db.paginate(dossier_search(filters, clock, few_matches=total <= FEW_MATCHES),
                       page=query_value(request.args, "page", page_number, default=1),
                       per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False, count=False)
    page.total = total
    at_risk = filters.desk_list in AT_RISK_LISTS
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    procedures = db.session.scalars(
        select(Procedure).where(Procedure.id.in_(
            offerings_in_effect(select(Unit.id).where(Unit.path.startswith(current_user.unit.path)), now.date())
            .with_only_columns(Offering.procedure_id))).order_by(Procedure.name)).all()
    fields = sorted({procedure.field for procedure in procedures if procedure.field})
    return render_page_or_fragment(
        "dossiers/search.html", "dossiers/_rows.html", page=page, filters=filters, args=args,
        procedures=procedures, fields=fields, states=list(DossierState), channels=list(ChannelKind),
        sorts=SORT_LABELS, desk_lists=DESK_LISTS, units=units, now=now, is_fragment=is_fragment_request(),
        deadlines=deadlines_of(page.items, now), at_risk=at_risk, count_cap=COUNT_CAP,
        whereabouts=whereabouts_of(page.items) if at_risk else {},
        offices_and_actors=offices_and_actors() if not is_fragment_request() else ([], []),
    )


def _filters_from_request(units: list[Unit]) -> SearchFilters:
    """The search's filters from the query string; `units` are those the user may narrow it to (a unit id
    outside them, typed into the URL, is ignored like any other unknown value)."""
    def day(name):
        try:
            return parse_day(request.args.get(name, "").strip()) if request.args.get(name) else None
        except ValueError:
            return None

    state = request.args.get("state", "")
    channel = request.args.get("channel", "")
    unit_id = query_value(request.args, "unit_id", record_id)
    unit = next((unit for unit in units if unit.id == unit_id), None)
    searched = unit or current_user.unit
    return SearchFilters(
        q=request.args.get("q", "")[:100],
        state=state if state in {s.value for s in DossierState} else "",
        procedure_id=query_value(request.args, "procedure_id", record_id),
        field=request.args.get("field", "")[:200],
        channel=channel if channel in {c.value for c in ChannelKind} else "",
        received_from=day("from"),
        received_to=day("to"),
        desk_list=request.args.get("list", "") if request.args.get("list", "") in DESK_LISTS else "",
        sort=request.args.get("sort", "received_desc") if request.args.get("sort") in SORT_LABELS else "received_desc",
        own_unit_code=searched.code if searched.kind == UnitKind.WARD else "",
        unit=unit,
        office=request.args.get("office", "")[:200],
        actor_id=query_value(request.args, "actor_id", record_id),
    )
