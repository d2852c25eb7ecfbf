"""The public lookup the receipt's QR code opens: a dossier's progress by code and PIN, no login, and
the citizen's rating (with the rating code handed over with the result) once the result is returned."""
import hmac
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import attempts
from app.digitisation.results import has_public_result
from app.dossiers.lifecycle import DossierState
from app.dossiers.models import Dossier
from app.extensions import db, limiter
from app.lookup.models import MAX_COMMENT_LENGTH, DossierRating, Rating
from app.lookup.rating_codes import rating_code_matches
from app.vntext import visible
from app.worktime.clock import local_now

lookup_bp = Blueprint("lookup", __name__)

NOT_FOUND = "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Vui lòng kiểm tra lại giấy tiếp nhận."
READINESS = {
    DossierState.FINISHED: "Đã có kết quả, mời ông/bà đến nhận",
    DossierState.RETURNED: "Đã trả kết quả",
}
STAFF_CANNOT_RATE = ("Cán bộ đang đăng nhập không thể gửi đánh giá. Đánh giá chỉ do công dân tự gửi, bằng mã "
                     "đánh giá nhận cùng kết quả. Vui lòng đăng xuất nếu ông/bà là công dân dùng nhờ máy này.")
# Compared against when no dossier has the code, so that a wrong code costs the same time as a wrong PIN.
_NO_PIN = "------"


@dataclass(frozen=True)
class PublicStatus:
    """What the public page may show of a dossier: nothing that names or reaches the applicant."""

    code: str
    pin: str
    procedure_name: str
    state_label: str
    due_at: datetime
    apology_due_at: datetime | None
    readiness: str
    may_rate: bool
    rating: DossierRating | None
    # Issued electronically: the signed PDF can be downloaded here (app/digitisation).
    has_electronic_result: bool = False


def _lookup_limits() -> str:
    return current_app.config["LOOKUP_LIMITS"]


def _is_blank_form() -> bool:
    # Opening the empty form guesses nothing: only attempts with a code or a PIN count.
    return not request.values.get("code") and not request.values.get("pin")


# One budget per address for both views: each of them checks a PIN.
lookup_limit = limiter.shared_limit(_lookup_limits, scope="lookup", exempt_when=_is_blank_form)


def wait_while_locked(code: str) -> float:
    """Seconds left before the lookup of this dossier code opens again after its budget of wrong PINs
    (LOOKUP_CODE_LIMITS, e.g. 10 a day, counted whatever the address) was spent; 0 when open.

    While locked even the right PIN is refused: otherwise the lock would not stop the guessing, the
    one right answer would still stand out. The budget is per code typed, whether or not a dossier
    has it, so that a locked code does not tell that it exists.
    """
    return attempts.wait_for_limits(current_app.config["LOOKUP_CODE_LIMITS"], "lookup-code", code)


def count_wrong_try(code: str) -> None:
    attempts.count_against_limits(current_app.config["LOOKUP_CODE_LIMITS"], "lookup-code", code)


def locked_message(seconds: float) -> str:
    hours = max(1, math.ceil(seconds / 3600))
    return (f"Mã hồ sơ này đã bị nhập sai mã tra cứu quá nhiều lần nên tạm khóa tra cứu trong khoảng {hours} giờ "
            "để bảo vệ thông tin. Trong thời gian này, kể cả mã đúng cũng không tra cứu được. "
            "Vui lòng thử lại sau hoặc liên hệ Bộ phận Một cửa.")


def find_by_code_and_pin(code: str, pin: str) -> Dossier | None:
    """The dossier with this code whose PIN matches, else None (the caller cannot tell which was wrong)."""
    dossier = db.session.scalar(select(Dossier).where(Dossier.code == code)) if code else None
    expected = dossier.lookup_pin if dossier is not None else _NO_PIN
    matches = hmac.compare_digest(expected.encode(), pin.encode())
    return dossier if matches and dossier is not None else None


def public_status(dossier: Dossier, pin: str) -> PublicStatus:
    state = DossierState(dossier.state)
    rating = db.session.scalar(select(DossierRating).where(DossierRating.dossier_id == dossier.id))
    return PublicStatus(
        code=dossier.code, pin=pin, procedure_name=dossier.procedure.name, state_label=state.label,
        due_at=dossier.due_at, apology_due_at=dossier.apology_due_at, readiness=READINESS.get(state, ""),
        may_rate=state == DossierState.RETURNED and rating is None and dossier.rating_code_hash is not None,
        rating=rating, has_electronic_result=has_public_result(dossier),
    )


def _entered() -> tuple[str, str]:
    code = (request.values.get("code") or "").strip()[:60]
    pin = (request.values.get("pin") or "").strip()[:6]
    return code, pin


def _page(code: str, pin: str, status: PublicStatus | None, http_status: int = 200, refusal: str = "",
          **rating_form):
    form = {"rating": "", "comment": "", "error": ""} | rating_form
    refusal = refusal or (NOT_FOUND if http_status == 404 else "")
    return render_template("lookup/lookup.html", code=code, pin=pin, status=status, ratings=list(Rating),
                           max_comment=MAX_COMMENT_LENGTH, rating_form=form, not_found=refusal), http_status


def _locked_page(code: str, wait: float):
    page, status = _page("", "", None, 429, refusal=locked_message(wait))
    return page, status, {"Retry-After": str(math.ceil(wait))}


@lookup_bp.get("/tra-cuu")
@lookup_limit
def lookup():
    """The form, or (with code and PIN, as the QR link carries them) the dossier's progress.

    A wrong code and a wrong PIN get the same page and the same status (404).
    """
    code, pin = _entered()
    if not code and not pin:
        return _page("", "", None)
    wait = wait_while_locked(code)
    if wait:
        return _locked_page(code, wait)
    dossier = find_by_code_and_pin(code, pin)
    if dossier is None:
        count_wrong_try(code)
        # Nothing of what was typed is echoed: the page for a wrong code is the page for a wrong PIN.
        return _page("", "", None, 404)
    return _page(code, pin, public_status(dossier, pin))


@lookup_bp.post("/tra-cuu/danh-gia")
@lookup_limit
def rate():
    """Record the citizen's rating of a returned dossier, once, given its rating code; answers 303 to the
    lookup page. Signed-in staff are refused: the rating is the citizen's."""
    if current_user.is_authenticated:
        return render_template("errors/error.html", status=403, title="Không thể đánh giá thay công dân",
                               message=STAFF_CANNOT_RATE), 403
    code, pin = _entered()
    back = redirect(url_for("lookup.lookup", code=code, pin=pin), 303)
    wait = wait_while_locked(code)
    if wait:
        return _locked_page(code, wait)
    dossier = find_by_code_and_pin(code, pin)
    if dossier is None:
        count_wrong_try(code)
        return back  # the lookup page then says it found nothing, as it does for any wrong code or PIN
    status = public_status(dossier, pin)
    if status.rating is not None:
        flash("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.", "error")
        return back
    if not status.may_rate:
        flash("Chỉ có thể đánh giá sau khi đã nhận kết quả.", "error")
        return back
    rating = request.form.get("rating", "")
    comment = unicodedata.normalize("NFC", visible(request.form.get("comment", ""))).strip()
    if rating not in {r.value for r in Rating}:
        return _page(code, pin, status, 422, comment=comment, error="Vui lòng chọn mức độ hài lòng.")
    if len(comment) > MAX_COMMENT_LENGTH:
        return _page(code, pin, status, 422, rating=rating, comment=comment,
                     error=f"Ý kiến không quá {MAX_COMMENT_LENGTH} ký tự.")
    if not rating_code_matches(dossier, request.form.get("rating_code", "")):
        count_wrong_try(code)  # the same budget as wrong PINs: the rating code cannot be guessed either
        return _page(code, pin, status, 422, rating=rating, comment=comment,
                     error="Mã đánh giá không đúng. Mã đánh giá (8 ký tự) được cán bộ trao cùng kết quả.")
    db.session.add(DossierRating(dossier_id=dossier.id, rating=rating, comment=comment, rated_at=local_now()))
    try:
        db.session.commit()
    except IntegrityError:
        # Two submissions at once: the unique dossier_id lets only the first one in.
        db.session.rollback()
        flash("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.", "error")
        return back
    flash("Cảm ơn ông/bà đã đánh giá chất lượng phục vụ.", "success")
    return back
