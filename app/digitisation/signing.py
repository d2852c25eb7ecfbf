"""Electronic results: a PDF signed PAdES (ETSI.CAdES.detached, baseline B-B) with the unit's PKCS#12
certificate through pyHanko, and the check of such a signature (`flask results verify`).

Decree 30/2020/NĐ-CP (art. 13) and Decree 45/2020/NĐ-CP (art. 25) make a result issued electronically
valid when it carries the issuing body's digital signature; PAdES is the PDF signature any reader checks.
Pure apart from reading the certificate files the caller names; no Flask, no database.
"""
import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import pem, x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

FIELD_NAME = "ChuKySoDonVi"


def _outside_any_event_loop(function, *args, **kwargs):
    """`function(*args)` where pyHanko's synchronous API may call `asyncio.run`: in this thread, or in a
    short-lived worker thread when this thread already runs an event loop (a caller inside asyncio, or a
    test process driving a browser), where `asyncio.run` would refuse."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(function, *args, **kwargs).result()


class SigningUnavailable(Exception):
    """No usable certificate for the unit (missing file, wrong password): the message says which."""


@dataclass(frozen=True)
class Certificate:
    """A unit's PKCS#12 file as read: what signs, and the CA certificates it carries."""

    signer: signers.SimpleSigner
    subject: str
    ca_certificates: tuple[x509.Certificate, ...]


def load_pkcs12(path: Path, password: str) -> Certificate:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SigningUnavailable(f"Không đọc được tệp chứng thư số {path}: {error.strerror or error}.") from None
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(data, password.encode() or None)
    except ValueError:
        raise SigningUnavailable(f"Không mở được tệp chứng thư số {path}: sai mật khẩu (RESULT_SIGNING_PASSWORD) "
                                 "hoặc tệp không phải PKCS#12.") from None
    if key is None or certificate is None:
        raise SigningUnavailable(f"Tệp {path} không chứa khóa bí mật và chứng thư của đơn vị.")
    signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password.encode() or None)
    if signer is None:
        raise SigningUnavailable(f"pyHanko không dùng được tệp chứng thư số {path}.")
    cas = tuple(x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in extra or ())
    return Certificate(signer=signer, subject=signer.signing_cert.subject.human_friendly, ca_certificates=cas)


def sign_pdf(pdf: bytes, certificate: Certificate, reason: str, location: str, signed_at: datetime) -> bytes:
    """`pdf` with the unit's PAdES signature appended as an incremental update (the original bytes
    stay as they were, so the signature covers exactly what was issued)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason, location=location, name=certificate.subject,
    )
    out = _outside_any_event_loop(signers.sign_pdf, writer, meta, signer=certificate.signer)
    return out.getvalue()


def has_signature(pdf: bytes) -> bool:
    try:
        return bool(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)
    except Exception:  # noqa: BLE001 - unreadable is "not signed"; the file check reports it
        return False


@dataclass
class SignatureReport:
    field_name: str
    signer: str
    signed_at: datetime | None
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature matches the signer's certificate
    trusted: bool  # the certificate chains to a trusted root
    covers_whole_file: bool  # nothing was added after signing (or only what PAdES allows)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.covers_whole_file


def read_trust_roots(paths: list[Path]) -> list[x509.Certificate]:
    roots = []
    for path in paths:
        data = path.read_bytes()
        if pem.detect(data):
            roots += [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
        else:
            roots.append(x509.Certificate.load(data))
    return roots


def verify_pdf(pdf: bytes, trust_roots: list[x509.Certificate]) -> list[SignatureReport]:
    """Every signature of `pdf`, checked against `trust_roots` without fetching anything (the server
    has no network; revocation is not checked). Raises ValueError for a file that is not a PDF."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # noqa: BLE001
        raise ValueError(f"không đọc được tệp PDF ({type(error).__name__})") from None
    context = ValidationContext(trust_roots=trust_roots, allow_fetching=False)
    reports = []
    for signature in signatures:
        # pyHanko logs an untrusted chain or a suspicious update with a traceback; the report says it.
        quiet = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
        levels = [logger.level for logger in quiet]
        for logger in quiet:
            logger.setLevel(logging.CRITICAL)
        try:
            status = _outside_any_event_loop(validate_pdf_signature, signature, context)
        finally:
            for logger, level in zip(quiet, levels):
                logger.setLevel(level)
        coverage = getattr(status.coverage, "name", str(status.coverage))
        covers = coverage in ("ENTIRE_FILE", "ENTIRE_REVISION") and (
            coverage == "ENTIRE_FILE" or status.modification_level is None
            or getattr(status.modification_level, "name", "") in ("NONE", "LTA_UPDATES"))
        report = SignatureReport(
            field_name=signature.field_name or "", signer=status.signing_cert.subject.human_friendly,
            signed_at=status.signer_reported_dt, intact=bool(status.intact), valid=bool(status.valid),
            trusted=bool(status.trusted), covers_whole_file=covers)
        if not report.intact:
            report.problems.append("nội dung đã bị thay đổi sau khi ký")
        if not report.valid:
            report.problems.append("chữ ký không khớp chứng thư")
        if not report.trusted:
            report.problems.append("chứng thư không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy")
        if not covers:
            report.problems.append("tệp có phần được thêm sau khi ký")
        reports.append(report)
    return reports
