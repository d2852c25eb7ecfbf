"""The result's form and file on a dossier: paper, digitised (a scan of the paper result) or electronic
(a PDF signed with the unit's certificate); and the certificates this server signs and verifies with."""
from datetime import datetime
from pathlib import Path

from flask import current_app

from app.digitisation.filecheck import PDF, FileRefused, check_file
from app.digitisation.models import ResultForm, StoredFile
from app.digitisation.signing import Certificate, SigningUnavailable, has_signature, load_pkcs12, read_trust_roots, sign_pdf
from app.digitisation.store import scan_limits, store
from app.dossiers.lifecycle import DossierState
from app.dossiers.models import Dossier
from app.units.models import Unit

SIGNING_REASON = "Kết quả giải quyết thủ tục hành chính"
# A result exists (and its form can be recorded) once the dossier is finished, and after it is returned.
RESULT_STATES = (DossierState.FINISHED, DossierState.RETURNED)


def has_public_result(dossier: Dossier) -> bool:
    """Whether the citizen may download the result from the lookup: issued electronically, with its file."""
    return (dossier.result_form == ResultForm.ELECTRONIC and dossier.result_file_id is not None
            and DossierState(dossier.state) in RESULT_STATES)


def certificate_path(unit: Unit) -> Path | None:
    """The unit's own PKCS#12 file (RESULT_SIGNING_DIR/<unit code>.p12), else the server's one, else None."""
    own = Path(current_app.config["RESULT_SIGNING_DIR"]) / f"{unit.code}.p12"
    if own.is_file():
        return own
    shared = current_app.config["RESULT_SIGNING_PKCS12"]
    return Path(shared) if shared else None


def unit_certificate(unit: Unit) -> Certificate:
    path = certificate_path(unit)
    if path is None:
        raise SigningUnavailable(
            f"Chưa cấu hình chứng thư số của {unit.name}: đặt tệp {unit.code}.p12 vào thư mục RESULT_SIGNING_DIR "
            "hoặc khai báo RESULT_SIGNING_PKCS12 (xem README, mục Số hóa).")
    return load_pkcs12(path, current_app.config["RESULT_SIGNING_PASSWORD"])


def trust_roots() -> list:
    """The CA certificates inside every configured PKCS#12 file, and the RESULT_TRUST_ROOTS files."""
    config = current_app.config
    password = config["RESULT_SIGNING_PASSWORD"]
    files = sorted(Path(config["RESULT_SIGNING_DIR"]).glob("*.p12")) if Path(config["RESULT_SIGNING_DIR"]).is_dir() else []
    if config["RESULT_SIGNING_PKCS12"]:
        files.append(Path(config["RESULT_SIGNING_PKCS12"]))
    roots = []
    for path in files:
        try:
            roots += load_pkcs12(path, password).ca_certificates
        except SigningUnavailable:
            continue  # a file this server cannot open signs nothing here either
    extra = [Path(name.strip()) for name in config["RESULT_TRUST_ROOTS"].split(",") if name.strip()]
    return roots + read_trust_roots(extra)


def record_result(dossier: Dossier, form: str, data: bytes | None, original_name: str, user_id: int | None,
                  now: datetime) -> StoredFile | None:
    """Set the dossier's result form and file (not committed). Raises FileRefused or SigningUnavailable.

    Paper: no file (any earlier one is no longer the result). Digitised: a scan, PDF/JPEG/PNG. Electronic:
    a PDF, signed here with the unit's certificate unless it already carries a signature (signed by the
    chair's own token, say), which is then kept as it is.
    """
    if form not in ResultForm.ALL:
        raise FileRefused("Chọn hình thức trả kết quả.")
    stored = None
    if form == ResultForm.PAPER:
        if data:
            raise FileRefused("Kết quả bản giấy không kèm tệp: chọn “Bản giấy đã số hóa” nếu có bản quét.")
    else:
        if not data:
            raise FileRefused("Chọn tệp kết quả (PDF, JPEG hoặc PNG)." if form == ResultForm.DIGITISED
                              else "Chọn tệp PDF của kết quả để ký số.")
        accepted = check_file(data, scan_limits())
        if form == ResultForm.ELECTRONIC:
            if accepted.media_type != PDF:
                raise FileRefused("Kết quả điện tử phải là tệp PDF (để ký số theo chuẩn PAdES).")
            if not has_signature(data):
                data = sign_pdf(data, unit_certificate(dossier.unit), SIGNING_REASON, dossier.unit.name, now)
                accepted = check_file(data, scan_limits())
        stored = store(data, accepted, original_name, user_id, now)
    dossier.result_form = form
    dossier.result_file = stored
    dossier.updated_at = now
    return stored
