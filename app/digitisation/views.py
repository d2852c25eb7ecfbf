"""Digitisation pages: a scan per document received (htmx, on the dossier's page), reuse of the applicant's
earlier scan, the result's form and file, the files served to those who may see the dossier, and the
signed result the citizen downloads from the public lookup."""
import io
import math

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from app.auth.models import Role
from app.auth.permissions import roles_required
from app.bounds import OutOfBounds, record_id
from app.digitisation import reuse
from app.digitisation.filecheck import FileRefused
from app.digitisation.models import ResultForm, StoredFile
from app.digitisation.results import RESULT_STATES, has_public_result, record_result
from app.digitisation.signing import SigningUnavailable
from app.digitisation.store import FileDamaged, check_and_store, download_name, read_verified
from app.dossiers.lifecycle import DossierState
from app.dossiers.models import Dossier, DossierDocument, DossierEvent
from app.extensions import db
from app.htmx import is_fragment_request
from app.lookup.views import count_wrong_try, find_by_code_and_pin, locked_message, lookup_limit, wait_while_locked
from app.units.scope import get_visible_or_404
from app.worktime.clock import local_now

bp = Blueprint("digitisation", __name__)
desk_roles_only = roles_required(Role.CLERK, Role.CHAIR)
# Headroom over the file itself for the multipart envelope and the form's other fields.
ENVELOPE_BYTES = 64 * 1024


def _own_dossier(dossier_id: int) -> Dossier:
    """A dossier the user may see and whose unit is the user's own (higher units read, never write)."""
    dossier = get_visible_or_404(Dossier, dossier_id)
    if dossier.unit_id != current_user.unit_id:
        abort(403)
    return dossier


def _document_of(dossier: Dossier, document_id: int) -> DossierDocument:
    document = next((d for d in dossier.documents if d.id == document_id), None)
    if document is None:
        abort(404)
    return document


def _uploaded(field: str = "file") -> tuple[bytes | None, str]:
    """The uploaded file's bytes (None when no file was chosen) and name, read within SCAN_MAX_BYTES.

    Raises FileRefused for a request larger than the limit, before its body is read.
    """
    limit = current_app.config["SCAN_MAX_BYTES"]
    request.max_content_length = limit + ENVELOPE_BYTES
    try:
        upload = request.files.get(field)
    except RequestEntityTooLarge:
        raise FileRefused(f"Tệp lớn hơn giới hạn {limit // (1024 * 1024)} MB. Hãy quét ở độ phân giải thấp "
                          "hơn (200–300 dpi) hoặc tách thành nhiều tệp.") from None
    if upload is None or not upload.filename:
        return None, ""
    data = upload.stream.read(limit + 1)
    return data, upload.filename


def _record_event(dossier: Dossier, action: str, note: str, now, details: dict | None = None) -> None:
    """An event that changes no state: the timeline and the audit log show who digitised what, when.
    Touching `updated_at` bumps the version, one event per version step as for every action."""
    dossier.events.append(DossierEvent(at=now, actor=current_user, action=action, from_state=dossier.state,
                                       to_state=dossier.state, note=note, details=details or {}))
    dossier.updated_at = now


def _document_row(dossier: Dossier, document: DossierDocument, error: str = "", status: int = 200):
    offered = reuse.offered_for(dossier, [document])
    return render_template("digitisation/_document_row.html", dossier=dossier, document=document,
                           can_act=_can_act(dossier), reusable=offered, error=error), status


def _can_act(dossier: Dossier) -> bool:
    return current_user.role in (Role.CLERK, Role.CHAIR) and dossier.unit_id == current_user.unit_id


def _answer(dossier: Dossier, document: DossierDocument, message: str, error: bool = False):
    if is_fragment_request():
        return _document_row(dossier, document, error=message if error else "", status=422 if error else 200)
    flash(message, "error" if error else "success")
    return redirect(url_for("dossiers.detail", dossier_id=dossier.id), code=303)


@bp.post("/dossiers/<int:dossier_id>/documents/<int:document_id>/scan")
@desk_roles_only
def scan_upload(dossier_id: int, document_id: int):
    """Attach the scan of one document received (PDF, JPEG or PNG, checked by content)."""
    dossier = _own_dossier(dossier_id)
    document = _document_of(dossier, document_id)
    now = local_now()
    try:
        data, name = _uploaded()
        if data is None:
            raise FileRefused("Chọn tệp đã quét (PDF, JPEG hoặc PNG).")
        stored = check_and_store(data, name, current_user.id, now)
    except FileRefused as refusal:
        db.session.rollback()
        return _answer(dossier, document, str(refusal), error=True)
    document.scan_file = stored
    document.reused_from = None
    document.digitised_at = document.digitised_at or now
    _record_event(dossier, "digitise", document.name, now, {"document_id": document.id, "sha256": stored.sha256})
    db.session.commit()
    return _answer(dossier, document, f"Đã số hóa “{document.name}”.")


@bp.post("/dossiers/<int:dossier_id>/documents/<int:document_id>/reuse")
@desk_roles_only
def scan_reuse(dossier_id: int, document_id: int):
    """Use the applicant's earlier scan of this document instead of a new one (counted as a reuse)."""
    dossier = _own_dossier(dossier_id)
    document = _document_of(dossier, document_id)
    try:
        source_id = record_id(request.form.get("source_id"))
    except OutOfBounds:
        return _answer(dossier, document, "Chọn bản số hóa để dùng lại.", error=True)
    source = reuse.source_for(source_id, dossier.applicant_id_number)
    if source is None or source.dossier_id == dossier.id:
        return _answer(dossier, document, "Không tìm thấy bản số hóa của cùng công dân (số CCCD) để dùng lại.",
                       error=True)
    if document.digitised_at is not None:
        return _answer(dossier, document, f"“{document.name}” đã được số hóa.", error=True)
    now = local_now()
    reuse.reuse_into(document, source, now)
    _record_event(dossier, "reuse_scan", document.name, now,
                  {"document_id": document.id, "source_document_id": document.reused_from_id})
    db.session.commit()
    return _answer(dossier, document, f"Đã dùng lại bản số hóa “{document.name}” của hồ sơ {source.dossier.code}.")


def _send(stored: StoredFile, stem: str, as_attachment: bool = False):
    try:
        data = read_verified(stored)
    except FileDamaged as damage:
        current_app.logger.error("Kho tệp: %s", damage)
        return render_template(
            "errors/error.html", status=503, title="Tệp lưu trữ bị hỏng",
            message="Tệp này trong kho không còn khớp với mã kiểm tra khi lưu (thiếu hoặc đã bị sửa), nên không "
                    "được gửi đi. Báo quản trị hệ thống khôi phục kho tệp từ bản sao lưu (flask backup restore)."), 503
    response = send_file(io.BytesIO(data), mimetype=stored.media_type, as_attachment=as_attachment,
                         download_name=download_name(stored, stem), max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/dossiers/<int:dossier_id>/documents/<int:document_id>/scan")
@login_required
def scan_file(dossier_id: int, document_id: int):
    dossier = get_visible_or_404(Dossier, dossier_id)
    document = _document_of(dossier, document_id)
    if document.scan_file is None:
        abort(404)
    return _send(document.scan_file, f"{dossier.code}-giay-to-{document.position}")


@bp.post("/dossiers/<int:dossier_id>/result")
@desk_roles_only
def result_record(dossier_id: int):
    """Record how the result was issued: paper, digitised (its scan), electronic (a PDF signed here)."""
    dossier = _own_dossier(dossier_id)
    back = redirect(url_for("dossiers.detail", dossier_id=dossier.id), code=303)
    if DossierState(dossier.state) not in RESULT_STATES:
        flash("Chỉ ghi hình thức kết quả khi hồ sơ đã có kết quả.", "error")
        return back
    form = request.form.get("result_form", "")
    now = local_now()
    try:
        data, name = _uploaded()
        record_result(dossier, form, data, name, current_user.id, now)
    except (FileRefused, SigningUnavailable) as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return back
    _record_event(dossier, "record_result", ResultForm.LABELS[form], now, {"result_form": form})
    db.session.commit()
    flash(f"Đã ghi hình thức kết quả: {ResultForm.LABELS[form]}"
          + (" — đã ký số bằng chứng thư của đơn vị." if form == ResultForm.ELECTRONIC else "."), "success")
    return back


@bp.get("/dossiers/<int:dossier_id>/result")
@login_required
def result_file(dossier_id: int):
    dossier = get_visible_or_404(Dossier, dossier_id)
    if dossier.result_file is None:
        abort(404)
    return _send(dossier.result_file, f"{dossier.code}-ket-qua")


@bp.get("/dossiers/new/reusable")
@desk_roles_only
def intake_reusable():
    """htmx: the applicant's earlier scans (by the CCCD typed at intake) that this intake may reuse."""
    id_number = "".join(ch for ch in request.args.get("applicant_id_number", "")[:40] if ch.isdigit())
    return render_template("digitisation/_reusable.html", candidates=reuse.candidates(id_number), chosen=set())


@bp.get("/tra-cuu/ket-qua")
@lookup_limit
def public_result():
    """The citizen's electronic result (the signed PDF), with the dossier code and PIN of the receipt.

    Guarded like the lookup itself: the per-address limit, the per-code budget of wrong PINs, and the
    same 404 for a wrong code, a wrong PIN and a dossier without an electronic result.
    """
    code = (request.args.get("code") or "").strip()[:60]
    pin = (request.args.get("pin") or "").strip()[:6]
    wait = wait_while_locked(code)
    if wait:
        return render_template("errors/error.html", status=429, title="Tạm khóa tra cứu",
                               message=locked_message(wait)), 429, {"Retry-After": str(math.ceil(wait))}
    dossier = find_by_code_and_pin(code, pin)
    if dossier is None:
        count_wrong_try(code)
        abort(404)
    if not has_public_result(dossier):
        abort(404)
    return _send(dossier.result_file, f"{dossier.code}-ket-qua-dien-tu", as_attachment=True)

