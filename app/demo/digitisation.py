"""The demo's digitisation: documents scanned at receipt (more as the year goes on, nearly all of the online
dossiers), citizens who come back and whose earlier scans are reused, results issued on paper, digitised
or electronically (signed with a demo certificate of the ward). Its own random generator, so that the
rest of the demo draws what it drew before.

Recent dossiers (the last FILE_DAYS days) get real files in the store — small PDFs marked as demo scans;
older digitised documents are recorded as digitised without a file, as a register import records them.
Every file says "DU LIEU MAU (DEMO)".
"""
import hashlib
import io
import random
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app.catalog.models import ChannelKind
from app.digitisation.certificates import make_test_pkcs12
from app.digitisation.models import ResultForm, StoredFile
from app.digitisation.results import SIGNING_REASON, certificate_path
from app.digitisation.reuse import reuse_into
from app.digitisation.signing import Certificate, SigningUnavailable, load_pkcs12, sign_pdf
from app.digitisation.store import write_content
from app.dossiers.lifecycle import DossierState
from app.dossiers.models import Dossier, DossierDocument, Outcome
from app.extensions import db
from app.units.models import Unit
from app.vntext import fold

FILE_DAYS = 21  # dossiers received this recently get real files (and may reuse a scan or be issued electronically)
RETURNING_SHARE = 0.12  # of recent dossiers, those brought by a citizen who came before
ELECTRONIC_SHARE = 0.2  # of recent approved results
DIGITISED_RESULT_SHARE = 0.4  # of approved results


def demo_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing `lines` (ASCII: the standard Helvetica has no Vietnamese letters)."""
    text = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -18 Td" for line in lines)
    content = f"BT /F1 12 Tf 72 760 Td {text} ET".encode("ascii", "replace")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 "
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _ascii(text: str) -> str:
    return fold(text).upper()


class DemoDigitisation:
    def __init__(self, wards: list[Unit], today: date, months_before: date):
        self.rng = random.Random(f"digitisation-{today.isoformat()}")
        self.today = today
        self.first_day = months_before
        self.file_from = datetime.combine(today - timedelta(days=FILE_DAYS), datetime.min.time())
        self.files: dict[str, StoredFile] = {}
        self.certificates: dict[int, Certificate | None] = {ward.id: self._certificate(ward) for ward in wards}
        # Recent applicants of each ward with their scanned documents, by procedure: who may come back.
        self.returning: dict[tuple[int, int], list[Dossier]] = {}
        self.reused_in: set[int] = set()
        self.electronic_in: set[int] = set()

    def _certificate(self, ward: Unit) -> Certificate | None:
        """The ward's certificate; the demo makes one (its own demo CA) where the ward has none."""
        password = current_app.config["RESULT_SIGNING_PASSWORD"]
        path = certificate_path(ward)
        if path is None:
            path = Path(current_app.config["RESULT_SIGNING_DIR"]) / f"{ward.code}.p12"
            path.parent.mkdir(parents=True, exist_ok=True)
            p12, _ = make_test_pkcs12(f"UBND {ward.name} (DU LIEU MAU - DEMO)", password, datetime.now(),
                                      ca_name="CA du lieu mau (DEMO) - khong dung that")
            path.write_bytes(p12)
        try:
            return load_pkcs12(path, password)
        except SigningUnavailable:
            return None  # a real certificate this password does not open: no electronic result in the demo

    def _file(self, data: bytes, name: str, at: datetime) -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        stored = self.files.get(digest) or db.session.scalar(select(StoredFile).where(StoredFile.sha256 == digest))
        if stored is None:
            write_content(data)
            stored = self.files[digest] = StoredFile(sha256=digest, size_bytes=len(data), media_type="application/pdf",
                                                     original_name=name, created_at=at, created_by_id=None)
            db.session.add(stored)
        self.files[digest] = stored
        return stored

    def record(self, dossier: Dossier, clerk_id: int | None) -> None:
        """Digitise the documents of a dossier just received and handled, and record its result's form."""
        rng = self.rng
        received = dossier.received_at
        recent = received >= self.file_from
        if recent and self._comes_back(dossier):
            return_visit = True
        else:
            return_visit = False
        # The desk scans more as the year goes on (Decision 766 counts it): from about 45% to 85%.
        progress = min(1.0, max(0.0, (received.date() - self.first_day).days / 365))
        share = 0.97 if dossier.channel == ChannelKind.ONLINE else 0.45 + 0.4 * progress
        scans_this_one = rng.random() < share
        for document in dossier.documents:
            if document.digitised_at is not None or not scans_this_one or rng.random() > 0.95:
                continue
            document.digitised_at = received + timedelta(minutes=rng.randint(1, 15))
            if recent:
                document.scan_file = self._file(
                    demo_pdf(["BAN QUET MAU (DEMO) - DU LIEU MAU", _ascii(document.name)[:90], dossier.code,
                              f"trang {document.position}"]), f"scan-{document.position}.pdf", document.digitised_at)
        if recent and any(d.scan_file is not None for d in dossier.documents) and not return_visit:
            self.returning.setdefault((dossier.unit_id or dossier.unit.id, dossier.procedure.id), []).append(dossier)
        self._result(dossier, recent)

    def _comes_back(self, dossier: Dossier) -> bool:
        """Sometimes the applicant is one who came before for the same procedure: their scans are reused."""
        unit_id = dossier.unit_id or dossier.unit.id
        earlier = self.returning.get((unit_id, dossier.procedure.id), [])
        forced = unit_id not in self.reused_in and earlier
        if not earlier or not (forced or self.rng.random() < RETURNING_SHARE):
            return False
        before = self.rng.choice(earlier)
        for name in ("applicant_name", "applicant_search", "applicant_id_number", "applicant_phone",
                     "applicant_address", "applicant_email"):
            setattr(dossier, name, getattr(before, name))
        sources = {fold(d.name): d for d in before.documents if d.scan_file is not None}
        reused = False
        for document in dossier.documents:
            source = sources.get(fold(document.name))
            if source is not None:
                reuse_into(document, source, dossier.received_at)
                reused = True
        if reused:
            self.reused_in.add(unit_id)
        return reused

    def _result(self, dossier: Dossier, recent: bool) -> None:
        if DossierState(dossier.state) not in (DossierState.FINISHED, DossierState.RETURNED) or dossier.resolved_at is None:
            return
        at = dossier.resolved_at
        if dossier.outcome != Outcome.APPROVED:
            dossier.result_form = ResultForm.PAPER
            return
        unit_id = dossier.unit_id or dossier.unit.id
        certificate = self.certificates.get(unit_id)
        roll = self.rng.random()
        wants_electronic = recent and certificate is not None and (
            roll < ELECTRONIC_SHARE or unit_id not in self.electronic_in)
        lines = ["KET QUA GIAI QUYET TTHC - DU LIEU MAU (DEMO)", _ascii(dossier.procedure.name)[:90],
                 f"Ho so {dossier.code}", _ascii(dossier.applicant_name)]
        if wants_electronic:
            signed = sign_pdf(demo_pdf(lines), certificate, SIGNING_REASON, dossier.unit.name, at)
            dossier.result_form, dossier.result_file = ResultForm.ELECTRONIC, self._file(signed, "ket-qua.pdf", at)
            self.electronic_in.add(unit_id)
        elif roll < ELECTRONIC_SHARE + DIGITISED_RESULT_SHARE:
            dossier.result_form = ResultForm.DIGITISED
            if recent:
                dossier.result_file = self._file(demo_pdf(["BAN QUET KET QUA (DEMO)", *lines[1:]]), "ket-qua.pdf", at)
        else:
            dossier.result_form = ResultForm.PAPER


def digitisation_summary() -> str:
    """One line for `flask demo load`: how much of the demo is digitised and reused."""
    documents, digitised, reused = db.session.execute(select(
        func.count(), func.count(DossierDocument.digitised_at), func.count(DossierDocument.reused_from_id))).one()
    forms = dict(db.session.execute(select(Dossier.result_form, func.count()).where(Dossier.result_form.is_not(None))
                                    .group_by(Dossier.result_form)).all())
    return (f"Số hóa: {digitised}/{documents} giấy tờ khi tiếp nhận, {reused} giấy tờ dùng lại bản số hóa; kết quả: "
            f"{forms.get('electronic', 0)} bản điện tử ký số, {forms.get('digitised', 0)} bản giấy đã số hóa, "
            f"{forms.get('paper', 0)} bản giấy.")
