"""The receipt and appointment as an A5 PDF: its Vietnamese text read back, its regime, its scope, local files only."""
import re
import shutil
import subprocess
from datetime import datetime

import pytest

from app.dossiers.models import CopyKind
from app.dossiers.operations import Applicant, Intake, ReceivedDocument, register_dossier
from app.extensions import db
from app.reports.pdf import ForbiddenFetch, LocalFilesFetcher
from app.worktime.deadlines import OfficeHours
from app.worktime.vietnam import build_calendar
from conftest import birth_registration_in_each_ward

PDFTOTEXT = "/usr/bin/pdftotext"
PDFINFO = "/usr/bin/pdfinfo"
needs_pdftotext = pytest.mark.skipif(not (shutil.which(PDFTOTEXT) and shutil.which(PDFINFO)),
                                     reason="poppler-utils is not installed")
LONG_NAME = "Tôn Nữ Hoàng Thị Phương Thảo Nguyễn Huỳnh Ngọc Diễm Kiều Trinh"


@pytest.fixture
def make_dossier(world):
    offerings = birth_registration_in_each_ward(world)

    def make(ward=None, received_at=datetime(2026, 11, 16, 10, 0), name="Nguyễn Thị Ánh", documents=None):
        offering = offerings[(ward or world.ward_a).id]
        if documents is None:
            documents = [ReceivedDocument("Tờ khai đăng ký khai sinh"),
                         ReceivedDocument("Giấy chứng sinh", CopyKind.CERTIFIED, 2)]
        intake = Intake(offering=offering, channel="direct", online_kind=None, received_at=received_at,
                        applicant=Applicant(name, "001190012345", "0912345678", "Số 5 phố Quang Trung", "anh@example.vn"),
                        documents=documents)
        dossier = register_dossier(intake, build_calendar(OfficeHours()), world.user("clerk", "a"), "pause", received_at)
        db.session.commit()
        return dossier

    return make


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    return subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def normalised(text: str) -> str:
    return " ".join(text.split())


@needs_pdftotext
def test_the_receipt_reads_back_in_vietnamese_with_the_due_time(client, world, login_as, make_dossier, tmp_path):
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    response = client.get(f"/dossiers/{dossier.id}/receipt.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="tiep-nhan-{dossier.code}.pdf"'
    text = normalised(pdf_text(response.data, tmp_path))
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                  dossier.code, "Nguyễn Thị Ánh", "Đăng ký khai sinh", "Tờ khai đăng ký khai sinh", "Giấy chứng sinh",
                  "Bản sao", "PHƯỜNG ÁNH DƯƠNG", "Nguyễn Thị Một Cửa"):
        assert words in text
    assert "10:00" in text and "17/11/2026" in text  # Monday 10:00 + 1 working day


@needs_pdftotext
def test_the_receipt_is_an_a5_page(client, world, login_as, make_dossier, tmp_path):
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    path = tmp_path / "receipt.pdf"
    path.write_bytes(client.get(f"/dossiers/{dossier.id}/receipt.pdf").data)
    info = subprocess.run([PDFINFO, str(path)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (420, 595)  # 148 × 210 mm in points


@needs_pdftotext
def test_the_form_follows_the_day_the_dossier_was_received(client, world, login_as, make_dossier, tmp_path):
    old = make_dossier(received_at=datetime(2025, 9, 12, 9, 0))  # the Friday before 15/09/2025
    new = make_dossier(received_at=datetime(2025, 9, 15, 9, 0))
    login_as(world.user("clerk", "a"))
    old_text = normalised(pdf_text(client.get(f"/dossiers/{old.id}/receipt.pdf").data, tmp_path))
    new_text = normalised(pdf_text(client.get(f"/dossiers/{new.id}/receipt.pdf").data, tmp_path))
    assert "01/2018/TT-VPCP" in old_text and "03/2025/TT-VPCP" not in old_text
    assert "03/2025/TT-VPCP" in new_text and "01/2018/TT-VPCP" not in new_text


def test_another_wards_receipt_is_not_found(client, world, login_as, make_dossier):
    dossier = make_dossier(ward=world.ward_b)
    login_as(world.user("clerk", "a"))
    assert client.get(f"/dossiers/{dossier.id}/receipt.pdf").status_code == 404


@needs_pdftotext
def test_fifty_documents_and_a_long_name_run_onto_more_pages(client, world, login_as, make_dossier, tmp_path):
    documents = [ReceivedDocument(f"Giấy tờ chứng minh quan hệ nhân thân số {n}") for n in range(1, 51)]
    dossier = make_dossier(name=LONG_NAME, documents=documents)
    login_as(world.user("clerk", "a"))
    text = pdf_text(client.get(f"/dossiers/{dossier.id}/receipt.pdf").data, tmp_path)
    assert text.count("\f") > 1
    assert "Trang 1/" in text
    flat = normalised(text)
    assert LONG_NAME in flat
    assert all(f"nhân thân số {n} " in flat for n in range(1, 51))


def test_a_failed_pdf_answers_a_friendly_page_and_keeps_the_dossier(client, world, login_as, make_dossier, monkeypatch):
    dossier = make_dossier()

    def broken(html):
        raise RuntimeError("font missing")

    monkeypatch.setattr("app.reports.views.render_pdf", broken)
    login_as(world.user("clerk", "a"))
    response = client.get(f"/dossiers/{dossier.id}/receipt.pdf")
    assert response.status_code == 503
    assert "đã được lưu" in response.get_data(as_text=True)
    assert client.get(f"/dossiers/{dossier.id}").status_code == 200


@pytest.mark.parametrize("url", ["http://example.com/logo.png", "https://example.com/a.css",
                                 "http://localhost:5000/static/css/app.css", "file:///etc/passwd",
                                 "file:///work/main/app/static/../../config.py"])
def test_the_pdf_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises((ForbiddenFetch, ValueError)):
        LocalFilesFetcher().fetch(url)


def test_the_pdf_fetcher_serves_the_vendored_fonts():
    from app.reports.pdf import STATIC_DIR
    font = STATIC_DIR / "fonts" / "be-vietnam-pro-vietnamese-400-normal.woff"
    assert LocalFilesFetcher().fetch(font.as_uri()).read() == font.read_bytes()
