"""Digitisation at the desk (issue 14): scans per document checked by content and stored once by hash,
served only to those who may see the dossier and verified on read; reuse of the applicant's earlier scans
(by CCCD) at intake and on the dossier's page; the result's form, the electronic result signed PAdES with
the unit's certificate, verified by `flask results verify` and downloaded by the citizen from the lookup."""
import hashlib
import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.catalog.models import Offering, OnlineKind
from app.digitisation.certificates import make_test_pkcs12
from app.digitisation.models import StoredFile
from app.digitisation.signing import verify_pdf
from app.digitisation.store import path_of
from app.dossiers.lifecycle import DossierState
from app.dossiers.models import CopyKind, Dossier, DossierDocument, DossierEvent
from app.dossiers.operations import Applicant, Intake, ReceivedDocument, register_dossier
from app.extensions import db
from app.worktime.deadlines import OfficeHours, TimeUnit
from app.worktime.vietnam import build_calendar
from conftest import World
from scan_files import image_bytes, pdf_bytes
from test_desk_pages import desk, intake_form  # noqa: F401 - the fixture is used by name

CCCD = "001190012345"
HX = {"HX-Request": "true"}


@pytest.fixture
def offerings(world, desk):
    """Ward A's "Đăng ký khai sinh" with its checklist (the intake tests' desk), and the same in ward B."""
    in_b = Offering(unit=world.ward_b, procedure=desk["khai_sinh"].procedure, active_from=date(2024, 1, 1),
                    online_kind=OnlineKind.PARTIAL)
    in_b.set_committed_time(Decimal(1), TimeUnit.WORKING_DAYS)
    db.session.add(in_b)
    db.session.commit()
    return {world.ward_a.id: desk["khai_sinh"], world.ward_b.id: in_b}


@pytest.fixture
def make_dossier(world, offerings):
    def make(ward=None, id_number=CCCD, documents=("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"),
             received_at=datetime(2026, 11, 16, 10, 0), state=None) -> Dossier:
        intake = Intake(offering=offerings[(ward or world.ward_a).id], channel="direct", online_kind=None,
                        received_at=received_at, applicant=Applicant("Nguyễn Thị Ánh", id_number),
                        documents=[ReceivedDocument(name, CopyKind.ORIGINAL) for name in documents])
        dossier = register_dossier(intake, build_calendar(OfficeHours()), None, "pause", received_at)
        if state is not None:
            dossier.state = state
        db.session.commit()
        return dossier

    return make


def unique_pdf() -> bytes:
    return pdf_bytes(f"Ban quet {uuid.uuid4().hex}")


def upload(client, dossier, document, data: bytes, name="scan.pdf", headers=HX):
    return client.post(f"/dossiers/{dossier.id}/documents/{document.id}/scan",
                       data={"file": (__import__("io").BytesIO(data), name)}, headers=headers,
                       content_type="multipart/form-data")


def stored_count() -> int:
    return db.session.scalar(select(func.count()).select_from(StoredFile))


def test_a_clerk_digitises_a_document_and_only_those_who_may_see_the_dossier_get_the_file(
        client, world: World, login_as, make_dossier):
    dossier = make_dossier()
    document = dossier.documents[0]
    scan = unique_pdf()
    login_as(world.user("clerk", "a"))
    response = upload(client, dossier, document, scan)
    assert response.status_code == 200
    row = response.get_data(as_text=True)
    assert row.lstrip().startswith(f'<tr id="document-{document.id}"') and "Đã số hóa" in row and "Xem bản số hóa" in row
    db.session.expire_all()
    document = db.session.get(DossierDocument, document.id)
    assert document.digitised_at is not None and document.scan_file.sha256 == hashlib.sha256(scan).hexdigest()
    assert path_of(document.scan_file.sha256).read_bytes() == scan
    event = db.session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
                               .order_by(DossierEvent.id.desc())).first()
    assert (event.action, event.note, event.action_label) == ("digitise", document.name, "Số hóa giấy tờ")

    url = f"/dossiers/{dossier.id}/documents/{document.id}/scan"
    for who in ("clerk_a", "chair_a", "officer_district", "officer_city", "admin_city"):
        login_as(world.users[who])
        answer = client.get(url)
        assert answer.status_code == 200, who
        assert answer.data == scan and answer.mimetype == "application/pdf"
        assert "no-store" in answer.headers["Cache-Control"]
    for who in ("clerk_b", "chair_b"):
        login_as(world.users[who])
        assert client.get(url).status_code == 404, who
    client.post("/logout")
    assert "/login" in client.get(url).headers["Location"]


def test_a_higher_unit_reads_the_scans_but_cannot_upload(client, world, login_as, make_dossier):
    dossier = make_dossier()
    login_as(world.users["officer_district"])
    assert upload(client, dossier, dossier.documents[0], unique_pdf()).status_code == 403
    assert stored_count() == 0


def test_the_same_content_is_stored_once_for_two_documents(client, world, login_as, make_dossier):
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    picture = image_bytes("PNG", colour=(1, 2, 3))
    for document in dossier.documents:
        assert upload(client, dossier, document, picture, "anh.png").status_code == 200
    assert stored_count() == 1
    db.session.expire_all()
    assert {d.scan_file.media_type for d in db.session.get(Dossier, dossier.id).documents} == {"image/png"}


@pytest.mark.parametrize("data, name, message", [
    (b"MZ\x90\x00 not a scan", "scan.pdf", "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
    (image_bytes("JPEG", size=(300, 300))[:500], "scan.jpg", "JPEG bị hỏng"),
    (b"", "scan.pdf", "Tệp rỗng"),
])
def test_a_file_that_is_not_a_scan_is_refused_beside_its_document_and_nothing_is_kept(
        client, world, login_as, make_dossier, data, name, message):
    dossier = make_dossier()
    document = dossier.documents[0]
    login_as(world.user("clerk", "a"))
    response = upload(client, dossier, document, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(DossierDocument, document.id).digitised_at is None
    assert stored_count() == 0
    # Without htmx: back to the dossier's page, the reason flashed there.
    response = upload(client, dossier, document, data, name, headers={})
    assert response.status_code == 303
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_scan_over_the_size_limit_is_refused_with_a_message(app, client, world, login_as, make_dossier):
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    limit = app.config["SCAN_MAX_BYTES"]
    app.config["SCAN_MAX_BYTES"] = 100_000
    try:
        response = upload(client, dossier, dossier.documents[0], b"%PDF-" + b"0" * 300_000)
    finally:
        app.config["SCAN_MAX_BYTES"] = limit
    assert response.status_code == 422
    assert "lớn hơn giới hạn" in response.get_data(as_text=True)
    assert stored_count() == 0


def test_a_stored_file_changed_on_disk_is_not_served(client, world, login_as, make_dossier):
    dossier = make_dossier()
    document = dossier.documents[0]
    login_as(world.user("clerk", "a"))
    scan = unique_pdf()
    upload(client, dossier, document, scan)
    path = path_of(hashlib.sha256(scan).hexdigest())
    path.write_bytes(scan.replace(b"Ban quet", b"Ban sua "))
    try:
        response = client.get(f"/dossiers/{dossier.id}/documents/{document.id}/scan")
        assert response.status_code == 503
        assert "không còn khớp" in response.get_data(as_text=True)
        path.unlink()
        assert client.get(f"/dossiers/{dossier.id}/documents/{document.id}/scan").status_code == 503
    finally:
        path.unlink(missing_ok=True)
    # Sending the same bytes again heals the store.
    upload(client, dossier, dossier.documents[1], scan)
    assert client.get(f"/dossiers/{dossier.id}/documents/{document.id}/scan").data == scan


def digitise(dossier: Dossier, index: int = 0) -> DossierDocument:
    """Digitise a document directly (the upload is tested above): the file stored, the row pointing at it."""
    from app.digitisation.filecheck import Accepted
    from app.digitisation.store import store

    document = dossier.documents[index]
    document.scan_file = store(unique_pdf(), Accepted("application/pdf", "pdf", 1), "cccd.pdf", None,
                               datetime(2026, 11, 16, 10, 5))
    document.digitised_at = datetime(2026, 11, 16, 10, 5)
    db.session.commit()
    return document


def test_the_applicants_earlier_scans_are_offered_at_intake_and_reused_instead_of_a_new_scan(
        client, world, login_as, desk, make_dossier):
    earlier = make_dossier()
    source = digitise(earlier)
    stranger = digitise(make_dossier(id_number="079200000001", documents=("Giấy chứng sinh",)))
    login_as(world.user("clerk", "a"))
    offered = client.get(f"/dossiers/new/reusable?applicant_id_number={CCCD}", headers=HX).get_data(as_text=True)
    assert "Tờ khai đăng ký khai sinh" in offered and earlier.code in offered
    assert f'value="{source.id}"' in offered and f'value="{stranger.id}"' not in offered
    assert "Giấy tờ đã số hóa" not in client.get("/dossiers/new/reusable?applicant_id_number=123",
                                                 headers=HX).get_data(as_text=True)

    form = intake_form(desk["khai_sinh"], applicant_id_number=CCCD)
    form["reuse_document"] = [str(source.id), str(stranger.id), "not-an-id", "99999999999"]
    response = client.post("/dossiers/new", data=form)
    assert response.status_code == 303
    new = db.session.scalars(select(Dossier).order_by(Dossier.id.desc())).first()
    reused = [d for d in new.documents if d.reused_from_id is not None]
    assert [(d.name, d.reused_from_id, d.scan_file_id) for d in reused] == [
        ("Tờ khai đăng ký khai sinh", source.id, source.scan_file_id)]
    assert reused[0].digitised_at == new.received_at
    assert stored_count() == 2  # nothing was stored again
    page = client.get(f"/dossiers/{new.id}").get_data(as_text=True)
    assert f"Dùng lại bản số hóa của hồ sơ {earlier.code}" in page


def test_another_wards_scans_are_never_offered(client, world, login_as, make_dossier):
    digitise(make_dossier())
    login_as(world.user("clerk", "b"))
    offered = client.get(f"/dossiers/new/reusable?applicant_id_number={CCCD}", headers=HX).get_data(as_text=True)
    assert "Giấy tờ đã số hóa" not in offered
    other = make_dossier(ward=world.ward_b)
    page = client.get(f"/dossiers/{other.id}").get_data(as_text=True)
    assert "Dùng lại bản đã số hóa" not in page


def test_the_dossier_page_offers_the_earlier_scan_of_the_same_document_and_counts_the_reuse(
        client, world, login_as, make_dossier):
    earlier = make_dossier()
    source = digitise(earlier, 1)
    later = make_dossier(received_at=datetime(2026, 11, 20, 9, 0))
    login_as(world.user("clerk", "a"))
    page = client.get(f"/dossiers/{later.id}").get_data(as_text=True)
    assert f"Dùng lại bản đã số hóa ({earlier.code}" in page
    target = later.documents[1]
    response = client.post(f"/dossiers/{later.id}/documents/{target.id}/reuse", data={"source_id": source.id},
                           headers=HX)
    assert response.status_code == 200 and "Đã số hóa" in response.get_data(as_text=True)
    db.session.expire_all()
    target = db.session.get(DossierDocument, target.id)
    assert (target.reused_from_id, target.scan_file_id) == (source.id, source.scan_file_id)
    reuses = db.session.scalar(select(func.count()).select_from(DossierDocument)
                               .where(DossierDocument.reused_from_id.is_not(None)))
    assert reuses == 1
    # A source of another applicant is refused.
    other = digitise(make_dossier(id_number="079200000001"), 0)
    response = client.post(f"/dossiers/{later.id}/documents/{later.documents[0].id}/reuse",
                           data={"source_id": other.id}, headers=HX)
    assert response.status_code == 422 and "cùng công dân" in response.get_data(as_text=True)


@pytest.fixture
def unit_certificate(app, world):
    """Ward A's PKCS#12 file in RESULT_SIGNING_DIR, password-protected, made for the test."""
    folder = Path(app.config["RESULT_SIGNING_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    password = app.config["RESULT_SIGNING_PASSWORD"]
    app.config["RESULT_SIGNING_PASSWORD"] = "mat-khau-chung-thu-thu"
    p12, ca_pem = make_test_pkcs12("UBND Phường Ánh Dương", app.config["RESULT_SIGNING_PASSWORD"],
                                   datetime(2026, 11, 1))
    path = folder / f"{world.ward_a.code}.p12"
    path.write_bytes(p12)
    yield ca_pem
    path.unlink(missing_ok=True)
    app.config["RESULT_SIGNING_PASSWORD"] = password


def record(client, dossier, form, data=None, name="ket-qua.pdf"):
    payload = {"result_form": form}
    if data is not None:
        payload["file"] = (__import__("io").BytesIO(data), name)
    return client.post(f"/dossiers/{dossier.id}/result", data=payload, content_type="multipart/form-data")


def test_an_electronic_result_is_signed_with_the_units_certificate_and_the_citizen_downloads_it(
        app, client, world, login_as, make_dossier, unit_certificate, tmp_path):
    dossier = make_dossier(state=DossierState.FINISHED)
    login_as(world.user("clerk", "a"))
    unsigned = unique_pdf()
    response = record(client, dossier, "electronic", unsigned)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "đã ký số bằng chứng thư của đơn vị" in page and "Bản điện tử (có chữ ký số)" in page
    db.session.expire_all()
    dossier = db.session.get(Dossier, dossier.id)
    signed = path_of(dossier.result_file.sha256).read_bytes()
    assert signed.startswith(unsigned)  # an incremental update: the issued bytes are kept as they were
    from asn1crypto import pem, x509
    ca = x509.Certificate.load(pem.unarmor(unit_certificate)[2])
    (report,) = verify_pdf(signed, [ca])
    assert report.ok and "Ánh Dương" in report.signer

    saved = tmp_path / "ket-qua.pdf"
    saved.write_bytes(signed)
    result = app.test_cli_runner().invoke(args=["results", "verify", str(saved)])
    assert result.exit_code == 0, result.output
    assert "HỢP LỆ" in result.output and "UBND Phường Ánh Dương" in result.output
    tampered = bytearray(signed)
    tampered[signed.index(b"Ban quet") + 1] ^= 0x20
    saved.write_bytes(bytes(tampered))
    result = app.test_cli_runner().invoke(args=["results", "verify", str(saved)])
    assert result.exit_code == 1 and "KHÔNG HỢP LỆ" in result.output and "bị thay đổi" in result.output
    saved.write_bytes(unsigned)
    result = app.test_cli_runner().invoke(args=["results", "verify", str(saved)])
    assert result.exit_code != 0 and "không có chữ ký số" in result.output

    client.post("/logout")
    lookup = client.get(f"/tra-cuu?code={dossier.code}&pin={dossier.lookup_pin}").get_data(as_text=True)
    assert "Tải kết quả điện tử" in lookup
    download = client.get(f"/tra-cuu/ket-qua?code={dossier.code}&pin={dossier.lookup_pin}")
    assert download.status_code == 200 and download.data == signed
    assert download.headers["Content-Disposition"].startswith("attachment")
    wrong = f"{(int(dossier.lookup_pin) + 1) % 10**6:06d}"
    assert client.get(f"/tra-cuu/ket-qua?code={dossier.code}&pin={wrong}").status_code == 404


def test_no_electronic_result_without_the_units_certificate(client, world, login_as, make_dossier):
    dossier = make_dossier(state=DossierState.FINISHED)
    login_as(world.user("clerk", "a"))
    response = record(client, dossier, "electronic", unique_pdf())
    assert "Chưa cấu hình chứng thư số" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).result_form is None and stored_count() == 0


def test_a_digitised_or_paper_result_and_what_the_lookup_offers(client, world, login_as, make_dossier,
                                                                 unit_certificate):
    dossier = make_dossier(state=DossierState.RETURNED)
    login_as(world.user("clerk", "a"))
    record(client, dossier, "electronic", image_bytes("JPEG"), "ket-qua.jpg")
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).result_form is None  # an image cannot be signed PAdES
    record(client, dossier, "digitised", image_bytes("JPEG"), "ket-qua.jpg")
    db.session.expire_all()
    dossier = db.session.get(Dossier, dossier.id)
    assert (dossier.result_form, dossier.result_file.media_type) == ("digitised", "image/jpeg")
    assert client.get(f"/dossiers/{dossier.id}/result").data == image_bytes("JPEG")
    client.post("/logout")
    assert "Tải kết quả điện tử" not in client.get(
        f"/tra-cuu?code={dossier.code}&pin={dossier.lookup_pin}").get_data(as_text=True)
    assert client.get(f"/tra-cuu/ket-qua?code={dossier.code}&pin={dossier.lookup_pin}").status_code == 404
    login_as(world.user("clerk", "a"))
    record(client, dossier, "paper")
    db.session.expire_all()
    dossier = db.session.get(Dossier, dossier.id)
    assert (dossier.result_form, dossier.result_file) == ("paper", None)


def test_the_result_is_recorded_only_once_the_dossier_has_one(client, world, login_as, make_dossier):
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    response = record(client, dossier, "digitised", image_bytes("PNG"), "a.png")
    assert "Chỉ ghi hình thức kết quả khi hồ sơ đã có kết quả" in client.get(
        response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).result_form is None
