"""Pages of the PAR index: rubrics (everyone reads, administrators edit), a unit's score with its manual
criteria (the unit's chair enters, a higher unit confirms), and the ranking of the units below it."""
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf.file import FileField
from sqlalchemy import func, select
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from app.auth.models import Role
from app.auth.permissions import admin_required, roles_required
from app.bounds import calendar_year, query_value
from app.extensions import db
from app.forms_vi import BoundedDecimalField, Form, options
from app.jinja_filters import format_number
from app.stats.figures import FIGURE_LABELS
from app.stats.index_models import Criterion, ManualScore, Rubric, may_enter_manual_scores
from app.stats.index_service import (MAX_EVIDENCE_BYTES, RATE_FIGURES, Evidence, copy_rubric, enter_manual_score,
                                     evidence_path, evidence_problem, figure_text, manual_score_count,
                                     published_results, rank_children, review_manual_score, rubric_years,
                                     rubrics_of_year, score_unit)
from app.stats.par_results import change_text, percent_text, published_percent
from app.stats.par_index import BandsError, Method, Rule, Status, describe_rule, format_bands, parse_bands
from app.units.scope import get_visible_or_404, get_visible_unit_or_404
from app.vntext import nfc
from app.worktime.clock import local_now

index_bp = Blueprint("index", __name__)

HUNDRED = Decimal(100)


@index_bp.context_processor
def _helpers():
    return {"figure_text": figure_text, "figure_labels": FIGURE_LABELS, "describe_rule": describe_rule,
            "Status": Status, "percent_text": percent_text, "change_text": change_text,
            "published_percent": published_percent}


class RubricForm(Form):
    name = StringField("Tên bộ tiêu chí", validators=[DataRequired("Nhập tên bộ tiêu chí."), Length(max=300)],
                       filters=[nfc])
    description = TextAreaField("Mô tả, căn cứ", filters=[nfc])
    is_builtin_default = BooleanField("Bộ tiêu chí mặc định, cần điều chỉnh theo hướng dẫn hiện hành")


class CopyRubricForm(Form):
    year = IntegerField("Năm áp dụng", validators=[InputRequired("Nhập năm."),
                                                   NumberRange(min=2000, max=2100, message="Năm không hợp lệ.")])


class CriterionForm(Form):
    code = StringField("Mã tiêu chí", validators=[DataRequired("Nhập mã tiêu chí."), Length(max=20)],
                       filters=[nfc], description="Ví dụ: TTHC-2.")
    position = IntegerField("Thứ tự", validators=[Optional(), NumberRange(min=1, max=999)])
    # Choices are the rubric's areas, set by the view; a form that names none goes to the last area.
    area_id = SelectField("Lĩnh vực", choices=[])
    name = TextAreaField("Tên tiêu chí", validators=[DataRequired("Nhập tên tiêu chí.")], filters=[nfc])
    max_points = BoundedDecimalField("Điểm tối đa", places=None, validators=[
        InputRequired("Nhập điểm tối đa."), NumberRange(min=Decimal("0.01"), max=1000, message="Điểm phải lớn hơn 0.")])
    method = SelectField("Cách chấm", choices=options((m.value, m.label) for m in Method))
    figure = SelectField("Số liệu (tiêu chí tự động)",
                         choices=options([("", "—")] + list(RATE_FIGURES.items())))
    rule = SelectField("Cách tính điểm (tiêu chí tự động)",
                       choices=options([("", "—")] + [(r.value, r.label) for r in Rule]))
    bands_text = TextAreaField(
        "Các mức", description="Mỗi dòng một mức \"tỷ lệ đạt → phần trăm số điểm\", ví dụ \"100 → 100%\" và "
                               "\"95 → 50%\". Thấp hơn mọi mức: 0 điểm.")
    share_without_data = BoundedDecimalField(
        "Khi không có dữ liệu (% số điểm)", places=None, default=Decimal(0),
        validators=[InputRequired("Nhập 0 nếu không cho điểm."), NumberRange(min=0, max=100, message="Từ 0 đến 100.")],
        description="Ví dụ 100 cho tiêu chí xin lỗi khi không có hồ sơ quá hạn; thường là 0.")
    source = TextAreaField("Căn cứ, ghi chú", filters=[nfc])

    parsed_bands = ()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.method.data != Method.AUTO:
            return valid
        if not self.figure.data:
            self.figure.errors.append("Chọn số liệu để tính điểm.")
        if not self.rule.data:
            self.rule.errors.append("Chọn cách tính điểm.")
        elif self.rule.data == Rule.BANDS:
            try:
                self.parsed_bands = parse_bands(self.bands_text.data or "")
            except BandsError as error:
                self.bands_text.errors.append(str(error))
        return valid and not (self.figure.errors or self.rule.errors or self.bands_text.errors)


class ManualScoreForm(Form):
    points = BoundedDecimalField("Điểm tự chấm", places=None, validators=[
        InputRequired("Nhập điểm."), NumberRange(min=0, message="Điểm không được âm.")])
    note = TextAreaField("Giải trình", validators=[DataRequired("Ghi rõ căn cứ tự chấm.")], filters=[nfc])
    evidence_url = StringField("Đường dẫn tài liệu kiểm chứng", filters=[lambda v: (v or "").strip()],
                               validators=[Optional(), Length(max=500),
                                           Regexp(r"^https?://\S+$", message="Đường dẫn phải bắt đầu bằng http:// hoặc https://.")])
    evidence_file = FileField("Tệp kiểm chứng", description="PDF, JPG, PNG hoặc DOCX, tối đa 5 MB.",
                              render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.docx"})


class RejectForm(Form):
    review_note = TextAreaField("Lý do trả lại", validators=[DataRequired("Ghi lý do trả lại.")], filters=[nfc])


def _entry_form(criterion: Criterion, existing: ManualScore | None) -> ManualScoreForm:
    data = {"points": existing.points, "note": existing.note, "evidence_url": existing.evidence_url} if existing else {}
    return ManualScoreForm(formdata=None, prefix=f"criterion-{criterion.id}", data=data)


def _reject_form(score: ManualScore) -> RejectForm:
    return RejectForm(formdata=None, prefix=f"score-{score.id}")


def _render_unit_index(unit, year: int, rubric_code: str | None, bound_form=None, status: int = 200):
    """The unit's page; `bound_form` (key, form) is a submitted form to show with its errors."""
    today = local_now().date()
    rubrics = rubrics_of_year(year)
    if rubric_code not in {rubric.code for rubric in rubrics}:
        rubric_code = rubrics[0].code if rubrics else None
    result, ranking, entry_forms, reject_forms, own_result = None, [], {}, {}, None
    if rubric_code:
        result = score_unit(unit, year, rubric_code, today)
        if unit.children:
            ranking = rank_children(unit, year, rubric_code, today)
        if unit.parent is not None:
            # The unit's own line of its parent's published results: its rank among its block, nothing of the others.
            own_result = published_results(unit.parent, year, rubric_code, today).results.line_of(unit.id)
        can_enter = may_enter_manual_scores(current_user, unit)
        for criterion, _, manual in result.criteria():
            if criterion.is_manual and can_enter:
                entry_forms[criterion.id] = _entry_form(criterion, manual)
            if manual is not None and manual.can_be_reviewed_by(current_user) and manual.status == Status.PENDING:
                reject_forms[manual.id] = _reject_form(manual)
    if bound_form is not None:
        kind, key, form = bound_form
        (entry_forms if kind == "entry" else reject_forms)[key] = form
    years = sorted(set(rubric_years()) | {today.year, year}, reverse=True)
    return render_template(
        "stats/index_unit.html", unit=unit, year=year, years=years, rubrics=rubrics, rubric_code=rubric_code,
        result=result, ranking=ranking, entry_forms=entry_forms, reject_forms=reject_forms, own_result=own_result,
    ), status


@index_bp.get("/units/<int:unit_id>/index")
@login_required
def unit_index(unit_id: int):
    unit = get_visible_unit_or_404(unit_id)
    year = query_value(request.args, "year", calendar_year, default=local_now().year)
    return _render_unit_index(unit, year, request.args.get("rubric"))


def _back_to_unit(unit_id: int, criterion: Criterion):
    return redirect(url_for("index.unit_index", unit_id=unit_id, year=criterion.rubric.year,
                            rubric=criterion.rubric.code), code=303)


def _uploaded_evidence(form: ManualScoreForm) -> Evidence | None:
    """The link and file of the form, or None with the error added to the form."""
    evidence = Evidence(url=form.evidence_url.data or "")
    upload = request.files.get(form.evidence_file.name)
    if upload is not None and upload.filename:
        # One byte past the limit is enough to tell a file that is too big.
        content = upload.stream.read(MAX_EVIDENCE_BYTES + 1)
        problem = evidence_problem(upload.filename, content)
        if problem:
            form.evidence_file.errors = [problem]
            return None
        evidence.filename, evidence.content = upload.filename, content
    return evidence


@index_bp.post("/units/<int:unit_id>/index/criteria/<int:criterion_id>")
@roles_required(Role.CHAIR)
def manual_score_save(unit_id: int, criterion_id: int):
    """The unit's chair enters (or enters again) the points of a manual criterion, with evidence."""
    unit = get_visible_unit_or_404(unit_id)
    criterion = db.get_or_404(Criterion, criterion_id)
    if not criterion.is_manual:
        abort(404)
    if not may_enter_manual_scores(current_user, unit):
        abort(403)
    existing = db.session.scalar(select(ManualScore).where(
        ManualScore.criterion_id == criterion.id, ManualScore.unit_id == unit.id))
    form = ManualScoreForm(prefix=f"criterion-{criterion.id}")
    if form.validate_on_submit():
        evidence = _uploaded_evidence(form)
        if form.points.data > criterion.max_points:
            form.points.errors = [f"Không được quá điểm tối đa ({format_number(criterion.max_points)})."]
        elif evidence is not None and not (evidence.url or evidence.filename or (existing and existing.evidence_file)):
            form.evidence_url.errors = ["Đính kèm tệp hoặc ghi đường dẫn tài liệu kiểm chứng."]
        elif evidence is not None:
            enter_manual_score(criterion, unit, current_user, form.points.data, form.note.data, evidence,
                               local_now())
            db.session.commit()
            flash(f"Đã ghi điểm tự chấm tiêu chí {criterion.code}; điểm được tính khi cấp trên xác nhận.", "success")
            return _back_to_unit(unit.id, criterion)
    return _render_unit_index(unit, criterion.rubric.year, criterion.rubric.code,
                              ("entry", criterion.id, form), 422)


def _reviewable(score_id: int) -> ManualScore | None:
    """The score, if the signed-in user may review it; else a flash message and None."""
    score = get_visible_or_404(ManualScore, score_id)
    if not score.can_be_reviewed_by(current_user):
        flash("Chỉ cán bộ, quản trị của đơn vị cấp trên mới xác nhận được điểm tự chấm.", "error")
        return None
    if score.status != Status.PENDING:
        flash("Điểm tự chấm này không còn chờ xác nhận.", "warning")
        return None
    return score


@index_bp.post("/index/manual-scores/<int:score_id>/confirm")
@roles_required(Role.OFFICER, Role.ADMIN)
def manual_score_confirm(score_id: int):
    score = _reviewable(score_id)
    if score is not None:
        review_manual_score(score, current_user, True, "", local_now())
        db.session.commit()
        flash(f"Đã xác nhận điểm tiêu chí {score.criterion.code} của {score.unit.name}.", "success")
    score = score or db.session.get(ManualScore, score_id)
    return _back_to_unit(score.unit_id, score.criterion)


@index_bp.post("/index/manual-scores/<int:score_id>/reject")
@roles_required(Role.OFFICER, Role.ADMIN)
def manual_score_reject(score_id: int):
    score = _reviewable(score_id)
    if score is None:
        score = db.session.get(ManualScore, score_id)
        return _back_to_unit(score.unit_id, score.criterion)
    form = RejectForm(prefix=f"score-{score.id}")
    if form.validate_on_submit():
        review_manual_score(score, current_user, False, form.review_note.data, local_now())
        db.session.commit()
        flash(f"Đã trả lại điểm tiêu chí {score.criterion.code} của {score.unit.name}.", "success")
        return _back_to_unit(score.unit_id, score.criterion)
    rubric = score.criterion.rubric
    return _render_unit_index(score.unit, rubric.year, rubric.code, ("reject", score.id, form), 422)


@index_bp.get("/index/manual-scores/<int:score_id>/evidence")
@login_required
def evidence_download(score_id: int):
    """The uploaded evidence, only to users who see the unit (another ward's answers 404)."""
    score = get_visible_or_404(ManualScore, score_id)
    path = evidence_path(score)
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=score.evidence_name or path.name)


@index_bp.get("/index/rubrics")
@login_required
def rubric_list():
    rubrics = db.session.scalars(select(Rubric).order_by(Rubric.year.desc(), Rubric.code)).all()
    counts = dict(db.session.execute(select(Criterion.rubric_id, func.count()).group_by(Criterion.rubric_id)).all())
    points = dict(db.session.execute(
        select(Criterion.rubric_id, func.sum(Criterion.max_points)).group_by(Criterion.rubric_id)).all())
    return render_template("stats/index_rubrics.html", rubrics=rubrics, counts=counts, points=points)


@index_bp.get("/index/rubrics/<int:rubric_id>")
@login_required
def rubric_detail(rubric_id: int):
    rubric = db.get_or_404(Rubric, rubric_id)
    return render_template("stats/index_rubric.html", rubric=rubric)


@index_bp.route("/index/rubrics/<int:rubric_id>/edit", methods=["GET", "POST"])
@admin_required
def rubric_edit(rubric_id: int):
    rubric = db.get_or_404(Rubric, rubric_id)
    form = RubricForm(obj=rubric)
    if form.validate_on_submit():
        form.populate_obj(rubric)
        rubric.updated_at = local_now()
        db.session.commit()
        flash(f"Đã lưu bộ tiêu chí {rubric.code} năm {rubric.year}.", "success")
        return redirect(url_for("index.rubric_detail", rubric_id=rubric.id), code=303)
    return render_template("stats/index_rubric_form.html", form=form, rubric=rubric), 422 if form.errors else 200


@index_bp.route("/index/rubrics/<int:rubric_id>/copy", methods=["GET", "POST"])
@admin_required
def rubric_copy(rubric_id: int):
    """Copy a rubric and its criteria to another year, to adjust it there."""
    rubric = db.get_or_404(Rubric, rubric_id)
    form = CopyRubricForm()
    if not form.is_submitted():
        form.year.data = request.args.get("year", type=int) or rubric.year + 1
    if form.validate_on_submit():
        try:
            copy = copy_rubric(rubric, form.year.data, local_now())
        except ValueError as error:
            form.year.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Đã sao chép bộ tiêu chí {rubric.code} sang năm {copy.year}.", "success")
            return redirect(url_for("index.rubric_detail", rubric_id=copy.id), code=303)
    return render_template("stats/index_rubric_copy.html", form=form, rubric=rubric), 422 if form.errors else 200


def _edit_criterion(rubric: Rubric, criterion: Criterion | None):
    form = CriterionForm(obj=criterion)
    form.area_id.choices = options([(str(area.id), f"{area.code} · {area.name}") for area in rubric.areas]
                                   or [("", "—")])
    if form.area_id.data in (None, "", "None"):
        form.area_id.data = str(rubric.areas[-1].id) if rubric.areas else ""
    if not form.is_submitted():
        if criterion is not None:
            form.bands_text.data = format_bands(criterion.band_list)
            percent = (Decimal(criterion.share_without_data or 0) * HUNDRED).normalize()
            form.share_without_data.data = Decimal(f"{percent:f}")  # 100, not 1E+2
            form.figure.data, form.rule.data = criterion.figure or "", criterion.rule or ""
        else:
            form.position.data = len(rubric.criteria) + 1
    if form.validate_on_submit():
        clash = db.session.scalar(select(Criterion.id).where(
            Criterion.rubric_id == rubric.id, Criterion.code == form.code.data,
            Criterion.id != (criterion.id if criterion else -1)))
        if clash:
            form.code.errors.append("Bộ tiêu chí đã có tiêu chí mã này.")
        else:
            position = form.position.data or (criterion.position if criterion else len(rubric.criteria) + 1)
            if criterion is None:
                criterion = Criterion()
                rubric.criteria.append(criterion)
            is_auto = form.method.data == Method.AUTO
            criterion.code, criterion.name, criterion.max_points = form.code.data, form.name.data, form.max_points.data
            criterion.position = position
            criterion.area_id = int(form.area_id.data) if form.area_id.data else None
            criterion.method, criterion.source = form.method.data, form.source.data
            criterion.figure = form.figure.data if is_auto else None
            criterion.rule = form.rule.data if is_auto else None
            criterion.set_bands(form.parsed_bands if is_auto and form.rule.data == Rule.BANDS else ())
            criterion.share_without_data = form.share_without_data.data / HUNDRED if is_auto else Decimal(0)
            rubric.updated_at = local_now()
            db.session.commit()
            flash(f"Đã lưu tiêu chí {criterion.code}.", "success")
            return redirect(url_for("index.rubric_detail", rubric_id=rubric.id), code=303)
    return render_template("stats/index_criterion_form.html", form=form, rubric=rubric, criterion=criterion), (
        422 if form.errors else 200)


@index_bp.route("/index/rubrics/<int:rubric_id>/criteria/new", methods=["GET", "POST"])
@admin_required
def criterion_new(rubric_id: int):
    return _edit_criterion(db.get_or_404(Rubric, rubric_id), None)


@index_bp.route("/index/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@admin_required
def criterion_edit(criterion_id: int):
    criterion = db.get_or_404(Criterion, criterion_id)
    return _edit_criterion(criterion.rubric, criterion)


@index_bp.post("/index/criteria/<int:criterion_id>/delete")
@admin_required
def criterion_delete(criterion_id: int):
    """Remove a criterion, unless units have entered points on it (their evidence would go with it)."""
    criterion = db.get_or_404(Criterion, criterion_id)
    rubric = criterion.rubric
    entered = manual_score_count(criterion)
    if entered:
        flash(f"Tiêu chí {criterion.code} đã có điểm tự chấm của {entered} đơn vị: không xóa được.", "error")
    else:
        db.session.delete(criterion)
        rubric.updated_at = local_now()
        db.session.commit()
        flash(f"Đã xóa tiêu chí {criterion.code}.", "success")
    return redirect(url_for("index.rubric_detail", rubric_id=rubric.id), code=303)


# The published results' routes live on this blueprint too (their module imports `index_bp` from here).
from app.stats import index_results_views  # noqa: E402,F401
