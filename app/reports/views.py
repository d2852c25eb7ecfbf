"""The papers as PDFs, opened in a new tab: the receipt and appointment of a dossier."""
import logging

from flask import Blueprint, render_template, url_for
from flask_login import login_required
from markupsafe import Markup
from weasyprint.urls import FatalURLFetchingError

from app.dossiers.models import Dossier
from app.reports.pdf import FONT_FAMILY, render_pdf
from app.reports.qr import qr_svg
from app.units.scope import get_visible_or_404

reports_bp = Blueprint("reports", __name__)
log = logging.getLogger(__name__)


@reports_bp.get("/dossiers/<int:dossier_id>/receipt.pdf")
@login_required
def receipt(dossier_id: int):
    """The receipt and appointment (Giấy tiếp nhận hồ sơ và hẹn trả kết quả), A5."""
    dossier = get_visible_or_404(Dossier, dossier_id)
    # The QR code opens the public lookup with the code and PIN filled in (issue 6).
    lookup_url = url_for("lookup.lookup", code=dossier.code, pin=dossier.lookup_pin, _external=True)
    qr_code = Markup(qr_svg(lookup_url))
    try:
        html = render_template("reports/receipt.html", dossier=dossier, qr_code=qr_code, font_family=FONT_FAMILY)
        pdf = render_pdf(html)
    except (Exception, FatalURLFetchingError):
        # The dossier is saved already: a paper that fails to print must not look like a lost dossier.
        log.exception("Không in được giấy tiếp nhận hồ sơ %s", dossier.code)
        return render_template(
            "errors/error.html", status=503, title="Chưa in được giấy tiếp nhận",
            message=f"Hồ sơ {dossier.code} đã được lưu; chỉ có bản in bị lỗi. Vui lòng thử in lại sau ít phút.",
        ), 503
    return pdf, 200, {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="tiep-nhan-{dossier.code}.pdf"',
    }
