"""The desk's other papers as PDFs (supplement request, refusal, apology, notice of stopping, control slip,
register) and the print buttons: their Vietnamese text read back, page sizes, regimes, scope, failures."""
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from io import BytesIO
from urllib.parse import parse_qsl

import openpyxl
import pytest

from app.dossiers.lifecycle import Action
from app.dossiers.models import Dossier
from app.dossiers.operations import ActionInput, Applicant, Intake, ReceivedDocument, apply_action, register_dossier
from app.extensions import db
from app.reports.jobs import run_pending
from app.worktime.deadlines import OfficeHours
from app.worktime.vietnam import build_calendar
from conftest import birth_registration_in_each_ward

PDFTOTEXT = "/usr/bin/pdftotext"
PDFINFO = "/usr/bin/pdfinfo"
needs_poppler = pytest.mark.skipif(not (shutil.which(PDFTOTEXT) and shutil.which(PDFINFO)),
                                   reason="poppler-utils is not installed")
LONG_NAME = "Tôn Nữ Hoàng Thị Phương Thảo Nguyễn Huỳnh Ngọc Diễm Kiều Trinh"
CALENDAR = build_calendar(OfficeHours())
OLD_LINE, NEW_LINE = "01/2018/TT-VPCP", "03/2025/TT-VPCP"
# Points, as pdfinfo gives them.
A5, A4_PORTRAIT, A4_LANDSCAPE = (420, 595), (595, 842), (842, 595)


def paper_dossier(objects: dict, paper: str) -> Dossier:
    """The permission matrix's dossier, moved (once) into the state where `paper` applies."""
    dossier = objects["dossier"]
    actor = objects["user"]
    now = datetime(2026, 11, 24, 10, 0)
    wanted = {
        "supplement": (Action.REQUEST_SUPPLEMENT, ActionInput(reason="Thiếu tờ khai")),
        "refusal": (Action.FINISH, ActionInput(outcome="refused", note="Không đủ điều kiện")),
        "apology": (Action.REQUEST_APOLOGY, ActionInput(reason="Chờ xác minh", to_office="Tư pháp",
                                                        new_due_at=datetime(2026, 12, 4, 9, 0))),
        "stopping": (Action.STOP, ActionInput(note="Người nộp đề nghị dừng")),
    }
    if paper in wanted and dossier.version == 1:
        action, data = wanted[paper]
        apply_action(dossier, action, data, actor, CALENDAR, now, expected_version=1)
        db.session.commit()
    return dossier


@pytest.fixture
def offerings(world):
    result = birth_registration_in_each_ward(world)
    db.session.commit()
    return result


@pytest.fixture
def make_dossier(world, offerings):
    def make(ward=None, received_at=datetime(2026, 11, 16, 10, 0), name="Nguyễn Thị Ánh", documents=None):
        intake = Intake(offering=offerings[(ward or world.ward_a).id], channel="direct", online_kind=None,
                        received_at=received_at,
                        applicant=Applicant(name, "001190012345", "0912345678", "Số 5 phố Quang Trung"),
                        documents=documents or [ReceivedDocument("Tờ khai đăng ký khai sinh")])
        dossier = register_dossier(intake, CALENDAR, world.user("clerk", "a"), "pause", received_at)
        db.session.commit()
        return dossier

    return make


def act(dossier: Dossier, action: Action, actor, at: datetime, **data) -> None:
    apply_action(dossier, action, ActionInput(**data), actor, CALENDAR, at, expected_version=dossier.version)
    db.session.commit()


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The text in reading order (not -layout): a table cell's wrapped lines stay together."""
    path = tmp_path / "paper.pdf"
    path.write_bytes(pdf)
    return subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def page_size(pdf: bytes, tmp_path) -> tuple[int, int]:
    path = tmp_path / "size.pdf"
    path.write_bytes(pdf)
    info = subprocess.run([PDFINFO, str(path)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    return round(width), round(height)


def print_register(client, unit_id: int, query: str) -> str:
    """Ask for the register as the picker's button does, and run the queued job here, as a worker
    process's thread would; the job page's URL."""
    response = client.post(f"/units/{unit_id}/register/print", data=dict(parse_qsl(query)))
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert run_pending() == 1
    return response.headers["Location"]


def register_pdf(client, unit_id: int, query: str) -> bytes:
    job_page = print_register(client, unit_id, query)
    assert "Đã in xong" in client.get(job_page).get_data(as_text=True)
    return get_pdf(client, f"{job_page}/file")


def get_pdf(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline; filename=")
    return response.data


@needs_poppler
def test_the_supplement_slip_says_what_is_missing_why_whom_to_contact_and_the_dates(client, world, login_as,
                                                                                    make_dossier, tmp_path):
    dossier = make_dossier()
    clerk = world.user("clerk", "a")
    act(dossier, Action.HAND_OVER, clerk, datetime(2026, 11, 16, 11, 0), to_office="Công chức Tư pháp - Hộ tịch")
    act(dossier, Action.REQUEST_SUPPLEMENT, clerk, datetime(2026, 11, 17, 9, 0),
        reason="Giấy chứng sinh bản chính: bản nộp là bản sao không chứng thực")
    login_as(clerk)
    pdf = get_pdf(client, f"/dossiers/{dossier.id}/supplement.pdf")
    assert page_size(pdf, tmp_path) == A5
    text = flat(pdf_text(pdf, tmp_path))
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", dossier.code,
                  "Nguyễn Thị Ánh", "Đăng ký khai sinh",
                  "Giấy chứng sinh bản chính: bản nộp là bản sao không chứng thực",
                  "Công chức Tư pháp - Hộ tịch", "Nguyễn Thị Một Cửa", "NGƯỜI HƯỚNG DẪN",
                  "09:00 ngày 17/11/2026", "10:00 ngày 17/11/2026",  # requested at; due before the request
                  "không tính vào thời hạn giải quyết", f"Mẫu số 02 ban hành kèm theo "
                  f"Thông tư số {NEW_LINE}"):
        assert words in text, words
    assert "Hạn trả kết quả mới" not in text  # nothing received yet

    act(dossier, Action.RECEIVE_SUPPLEMENT, clerk, datetime(2026, 11, 18, 9, 0))
    text = flat(pdf_text(get_pdf(client, f"/dossiers/{dossier.id}/supplement.pdf"), tmp_path))
    # Paused one working day (8 hours): due 10:00 17/11 becomes 10:00 18/11.
    assert "Đã nhận hồ sơ bổ sung: 09:00 ngày 18/11/2026" in text
    assert "Hạn trả kết quả mới: 10:00 ngày 18/11/2026" in text


@needs_poppler
def test_a_given_supplement_period_prints_and_another_dossiers_period_is_not_found(client, world, login_as,
                                                                                 make_dossier, tmp_path):
    dossier, other = make_dossier(), make_dossier()
    clerk = world.user("clerk", "a")
    act(dossier, Action.REQUEST_SUPPLEMENT, clerk, datetime(2026, 11, 16, 11, 0), reason="Thiếu tờ khai lần một")
    act(dossier, Action.RECEIVE_SUPPLEMENT, clerk, datetime(2026, 11, 16, 14, 0))
    act(dossier, Action.REQUEST_SUPPLEMENT, clerk, datetime(2026, 11, 17, 9, 0), reason="Thiếu ảnh lần hai")
    act(other, Action.REQUEST_SUPPLEMENT, clerk, datetime(2026, 11, 16, 11, 0), reason="Của hồ sơ khác")
    first = dossier.supplements[0]
    login_as(clerk)
    text = flat(pdf_text(get_pdf(client, f"/dossiers/{dossier.id}/supplement.pdf?period={first.id}"), tmp_path))
    assert "Thiếu tờ khai lần một" in text and "Lần yêu cầu thứ 1" in text and "lần hai" not in text
    latest = flat(pdf_text(get_pdf(client, f"/dossiers/{dossier.id}/supplement.pdf"), tmp_path))
    assert "Thiếu ảnh lần hai" in latest and "Lần yêu cầu thứ 2" in latest
    assert client.get(f"/dossiers/{dossier.id}/supplement.pdf?period={other.supplements[0].id}").status_code == 404
    assert client.get(f"/dossiers/{make_dossier().id}/supplement.pdf").status_code == 404  # no supplement at all


@needs_poppler
def test_the_refusal_slip_gives_the_reasons(client, world, login_as, make_dossier, tmp_path):
    dossier = make_dossier(received_at=datetime(2025, 6, 30, 9, 0))
    clerk = world.user("clerk", "a")
    act(dossier, Action.FINISH, clerk, datetime(2025, 7, 1, 9, 0), outcome="refused",
        note="Người yêu cầu không cư trú trên địa bàn phường")
    login_as(clerk)
    pdf = get_pdf(client, f"/dossiers/{dossier.id}/refusal.pdf")
    assert page_size(pdf, tmp_path) == A5
    text = flat(pdf_text(pdf, tmp_path))
    for words in ("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Người yêu cầu không cư trú trên địa bàn phường",
                  "Nguyễn Thị Ánh", dossier.code, "Ánh Dương, ngày 01 tháng 7 năm 2025",
                  "Trung tâm Phục vụ hành chính công phường Ánh Dương thông báo",  # the desk on 01/07/2025
                  f"Mẫu số 03 ban hành kèm theo Thông tư số {OLD_LINE}"):
        assert words in text, words
    assert NEW_LINE not in text  # received 30/06/2025: the old regime's form


def test_an_approved_dossier_has_no_refusal_slip(client, world, login_as, make_dossier):
    dossier = make_dossier()
    act(dossier, Action.FINISH, world.user("clerk", "a"), datetime(2026, 11, 17, 9, 0), outcome="approved")
    login_as(world.user("clerk", "a"))
    assert client.get(f"/dossiers/{dossier.id}/refusal.pdf").status_code == 404


@needs_poppler
def test_the_apology_is_a_draft_until_the_chair_approves_it(client, world, login_as, make_dossier, tmp_path):
    dossier = make_dossier(received_at=datetime(2025, 7, 1, 9, 0))  # due 09:00 02/07/2025
    clerk, chair = world.user("clerk", "a"), world.user("chair", "a")
    act(dossier, Action.HAND_OVER, clerk, datetime(2025, 7, 1, 10, 0), to_office="Công chức Địa chính")
    act(dossier, Action.REQUEST_APOLOGY, clerk, datetime(2025, 7, 1, 15, 0), reason="Chờ kết quả xác minh nguồn gốc đất",
        to_office="Công chức Địa chính", new_due_at=datetime(2025, 7, 8, 14, 30))
    login_as(clerk)
    pdf = get_pdf(client, f"/dossiers/{dossier.id}/apology.pdf")
    assert page_size(pdf, tmp_path) == A5
    draft = flat(pdf_text(pdf, tmp_path))
    for words in ("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "BẢN DỰ THẢO — CHỜ CHỦ TỊCH UBND DUYỆT",
                  "Thời gian hẹn trả kết quả: 09:00 ngày 02/07/2025", "Chờ kết quả xác minh nguồn gốc đất",
                  "thuộc trách nhiệm của: Công chức Địa chính",
                  "Thời gian hẹn trả kết quả mới: 14:30 (14 giờ 30 phút), ngày 08/07/2025", "(Chờ duyệt)",
                  "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH", f"Thông tư số {OLD_LINE}", "Kính gửi: Ông/Bà Nguyễn Thị Ánh",
                  "Nơi nhận:", "Lưu: VT."):
        assert words in draft, words
    # Received 01/07/2025: Decree 118 already, but Circular 01/2018's form 04 (a new appointment, no extension).
    assert NEW_LINE not in draft and "gia hạn" not in draft

    act(dossier, Action.APPROVE_APOLOGY, chair, datetime(2025, 7, 2, 8, 30))
    approved = flat(pdf_text(get_pdf(client, f"/dossiers/{dossier.id}/apology.pdf"), tmp_path))
    assert "DỰ THẢO" not in approved and "Chờ duyệt" not in approved
    assert "Trần Văn Chủ Tịch" in approved and "Duyệt ngày 02/07/2025" in approved
    assert "Ánh Dương, ngày 02 tháng 7 năm 2025" in approved  # dated the day it was approved
    assert client.get(f"/dossiers/{make_dossier().id}/apology.pdf").status_code == 404


@needs_poppler
def test_the_notice_of_stopping_exists_on_the_new_forms_only(client, world, login_as, make_dossier, tmp_path):
    new = make_dossier(received_at=datetime(2025, 9, 15, 9, 0))
    old = make_dossier(received_at=datetime(2025, 9, 12, 9, 0))  # Friday before: Decree 118, the old forms
    clerk = world.user("clerk", "a")
    for dossier in (new, old):
        act(dossier, Action.STOP, clerk, datetime(2025, 9, 15, 11, 0), note="Người nộp hồ sơ đã chết")
    login_as(clerk)
    pdf = get_pdf(client, f"/dossiers/{new.id}/stopping.pdf")
    assert page_size(pdf, tmp_path) == A5
    text = flat(pdf_text(pdf, tmp_path))
    for words in ("THÔNG BÁO", "Về việc dừng giải quyết hồ sơ", new.code, "Người nộp hồ sơ đã chết",
                  "kể từ 11:00 ngày 15/09/2025", "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH", "Nơi nhận:", "Số: ……/TB-UBND",
                  f"Mẫu số 05 ban hành kèm theo Thông tư số {NEW_LINE}"):
        assert words in text, words
    assert client.get(f"/dossiers/{old.id}/stopping.pdf").status_code == 404
    assert client.get(f"/dossiers/{make_dossier().id}/stopping.pdf").status_code == 404  # not stopped


@needs_poppler
def test_the_control_slip_has_a_row_per_hand_off_early_on_time_and_late(client, world, login_as, make_dossier,
                                                                        tmp_path):
    dossier = make_dossier()  # Monday 16/11/2026 10:00, 1 working day: due 10:00 17/11/2026
    clerk = world.user("clerk", "a")
    act(dossier, Action.HAND_OVER, clerk, datetime(2026, 11, 16, 11, 0), to_office="Công chức Tư pháp")
    act(dossier, Action.REQUEST_SUPPLEMENT, clerk, datetime(2026, 11, 17, 9, 0), reason="Thiếu giấy chứng sinh")
    # Waited 09:00–14:00 with the lunch hour: 4 working hours, so the due time moves to 15:00 17/11.
    act(dossier, Action.RECEIVE_SUPPLEMENT, clerk, datetime(2026, 11, 17, 14, 0))
    act(dossier, Action.FINISH, clerk, datetime(2026, 11, 18, 9, 0), outcome="approved", note="Đã cấp bản chính")
    act(dossier, Action.RETURN_RESULT, clerk, datetime(2026, 11, 18, 10, 0), note="Người nhận: Trần Văn Bố")
    login_as(world.users["officer_district"])
    pdf = get_pdf(client, f"/dossiers/{dossier.id}/control.pdf")
    assert page_size(pdf, tmp_path) == A4_PORTRAIT
    layout = pdf_text(pdf, tmp_path)
    text = flat(layout)
    for words in ("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", dossier.code, "Nguyễn Thị Ánh",
                  "Giao: Bộ phận Một cửa Nhận: Công chức Tư pháp", "Giao: Công chức Tư pháp Nhận: Công dân",
                  "Giao: Công dân Nhận: Công chức Tư pháp", "Thiếu giấy chứng sinh",
                  "Đã cấp bản chính", "Người nhận: Trần Văn Bố", "hạn 10:00 17/11/2026", "hạn 15:00 17/11/2026",
                  f"Thông tư số {NEW_LINE}"):
        assert words in text, words
    # In order: hand-over early, supplement request on the due date, finished the day after the moved due date.
    table = layout[layout.index("Người giao / người nhận"):layout.index("Kết quả từng bước")]
    results = re.findall(r"Trước hạn|Đúng hạn|Quá hạn|Không xét", table)
    assert results == ["Không xét", "Trước hạn", "Đúng hạn", "Không xét", "Quá hạn", "Không xét"]
    assert dossier.resolution == "late"


@pytest.mark.parametrize("received_at, line, absent", [
    (datetime(2025, 9, 12, 16, 0), f"Mẫu số 05 ban hành kèm theo Thông tư số {OLD_LINE}", NEW_LINE),
    (datetime(2025, 9, 15, 8, 0), f"Mẫu số 06 ban hành kèm theo Thông tư số {NEW_LINE}", OLD_LINE),
])
@needs_poppler
def test_the_control_slip_follows_the_dossiers_regime(client, world, login_as, make_dossier, tmp_path,
                                                      received_at, line, absent):
    dossier = make_dossier(received_at=received_at)
    login_as(world.user("chair", "a"))
    text = flat(pdf_text(get_pdf(client, f"/dossiers/{dossier.id}/control.pdf"), tmp_path))
    assert line in text and absent not in text


@needs_poppler
def test_a_long_name_and_a_long_request_run_onto_more_pages(client, world, login_as, make_dossier, tmp_path):
    dossier = make_dossier(name=LONG_NAME)
    clerk = world.user("clerk", "a")
    reason = "\n".join(f"{n}. Bản sao giấy tờ chứng minh quan hệ nhân thân số {n}" for n in range(1, 51))
    act(dossier, Action.REQUEST_SUPPLEMENT, clerk, datetime(2026, 11, 16, 11, 0), reason=reason)
    login_as(clerk)
    layout = pdf_text(get_pdf(client, f"/dossiers/{dossier.id}/supplement.pdf"), tmp_path)
    assert layout.count("\f") > 1 and "Trang 1/" in layout
    text = flat(layout)
    assert LONG_NAME in text
    assert all(f"nhân thân số {n} " in text + " " for n in range(1, 51))


ROUTES = ["receipt", "supplement", "refusal", "apology", "stopping", "control"]


@pytest.mark.parametrize("paper", ROUTES)
def test_every_paper_of_another_ward_is_not_found(client, world, login_as, make_dossier, paper):
    dossier = make_dossier(ward=world.ward_b)
    paper_dossier({"dossier": dossier, "user": world.user("clerk", "b")}, paper)
    login_as(world.user("clerk", "a"))
    assert client.get(f"/dossiers/{dossier.id}/{paper}.pdf").status_code == 404
    login_as(world.user("clerk", "b"))
    assert client.get(f"/dossiers/{dossier.id}/{paper}.pdf").status_code == 200


@pytest.mark.parametrize("paper", ROUTES)
def test_a_failed_pdf_answers_a_friendly_page_and_keeps_the_dossier(client, world, login_as, make_dossier,
                                                                     monkeypatch, paper):
    dossier = make_dossier()
    paper_dossier({"dossier": dossier, "user": world.user("clerk", "a")}, paper)

    def broken(html):
        raise RuntimeError("font missing")

    monkeypatch.setattr("app.reports.views.render_pdf", broken)
    login_as(world.user("clerk", "a"))
    response = client.get(f"/dossiers/{dossier.id}/{paper}.pdf")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Chưa in được" in page and f"Hồ sơ {dossier.code} đã được lưu" in page
    assert client.get(f"/dossiers/{dossier.id}").status_code == 200


@needs_poppler
def test_the_receipt_carries_its_register_book_and_number(client, world, login_as, make_dossier, tmp_path):
    make_dossier()
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    text = flat(pdf_text(get_pdf(client, f"/dossiers/{dossier.id}/receipt.pdf"), tmp_path))
    assert "Vào Sổ theo dõi hồ sơ: Quyển số: 2026, Số: 261116-0002" in text


# The register ---------------------------------------------------------------------------------------

@pytest.fixture
def register_world(world, make_dossier):
    """50 dossiers of ward A received 02–06/11/2026, one before and one after that range, one of ward B."""
    clerk = world.user("clerk", "a")
    dossiers = []
    for n in range(50):
        received = datetime(2026, 11, 2 + n // 10, 8, 0) + timedelta(minutes=30 * (n % 10))
        dossiers.append(make_dossier(received_at=received, name=LONG_NAME if n == 7 else f"Người Nộp Số {n + 1}"))
    first, last = dossiers[0], dossiers[-1]
    act(first, Action.FINISH, clerk, datetime(2026, 11, 2, 15, 0), outcome="approved")
    act(first, Action.RETURN_RESULT, clerk, datetime(2026, 11, 4, 9, 0), note="Trần Văn Bố (nhận thay)")
    act(last, Action.FINISH, clerk, datetime(2026, 11, 10, 9, 0), outcome="refused", note="Không đủ điều kiện")
    make_dossier(received_at=datetime(2026, 11, 1, 9, 0), name="Ngoài Khoảng Trước")
    make_dossier(received_at=datetime(2026, 11, 7, 9, 0), name="Ngoài Khoảng Sau")
    make_dossier(ward=world.ward_b, received_at=datetime(2026, 11, 3, 9, 0), name="Người Phường Khác")
    return dossiers


RANGE = "first_day=02/11/2026&last_day=06/11/2026"


@needs_poppler
def test_the_register_lists_the_units_dossiers_of_the_range_on_a4_landscape_pages(client, world, login_as,
                                                                                   register_world, tmp_path):
    login_as(world.user("clerk", "a"))
    pdf = register_pdf(client, world.ward_a.id, RANGE)
    assert page_size(pdf, tmp_path) == A4_LANDSCAPE
    layout = pdf_text(pdf, tmp_path)
    assert layout.count("\f") > 1 and "Trang 1/" in layout
    text = flat(layout)
    for words in ("SỔ THEO DÕI HỒ SƠ", "Hồ sơ tiếp nhận từ ngày 02/11/2026 đến ngày 06/11/2026", "Tổng số: 50 hồ sơ",
                  "Quyển số: 2026", "Trần Văn Bố (nhận thay)", "Không đủ điều kiện", "Từ chối (quá hạn)",
                  "Tên thủ tục hành chính", "Người nhận kết quả / ghi chú",
                  f"Mẫu số 07 ban hành kèm theo Thông tư số {NEW_LINE}"):
        assert words in text, words
    for dossier in register_world:
        assert dossier.code in text.replace(" ", ""), dossier.code
    # Cells that wrap come back interleaved with their neighbours: the long name's lines, each whole.
    assert all(part in text for part in ("Tôn Nữ Hoàng Thị", "Phương Thảo Nguyễn", "Huỳnh Ngọc Diễm", "Kiều Trinh"))
    for outsider in ("Ngoài Khoảng Trước", "Ngoài Khoảng Sau", "Người Phường Khác"):
        assert outsider not in text
    # Every page repeats the column headings (no orphan header on a page of its own).
    assert layout.count("Mã hồ sơ") == layout.count("\f")


def test_the_register_xlsx_holds_the_same_rows(client, world, login_as, register_world):
    login_as(world.users["officer_city"])
    response = client.get(f"/units/{world.ward_a.id}/register.xlsx?{RANGE}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    heading = rows.index(next(row for row in rows if row and row[0] == "STT"))
    assert rows[0][0] == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG ÁNH DƯƠNG" and rows[1][0] == "SỔ THEO DÕI HỒ SƠ"
    body = rows[heading + 1:]
    assert len(body) == 50
    assert [row[1] for row in body] == [dossier.code for dossier in register_world]
    first = body[0]
    assert first[2] == "Đăng ký khai sinh" and first[3] == 1 and first[4] == "Người Nộp Số 1"
    assert first[7] == datetime(2026, 11, 2, 8, 0) and first[8] == datetime(2026, 11, 3, 8, 0)
    assert first[9] == datetime(2026, 11, 4, 9, 0) and first[11] == "Trần Văn Bố (nhận thay)"
    assert body[1][9] is None and body[1][10] == "Đã tiếp nhận"
    assert body[-1][10] == "Từ chối (quá hạn)"


@pytest.mark.parametrize("first_day, last_day, expected", [
    ("01/07/2025", "14/09/2025", f"Mẫu số 06 ban hành kèm theo Thông tư số {OLD_LINE}"),
    ("15/09/2025", "30/09/2025", f"Mẫu số 07 ban hành kèm theo Thông tư số {NEW_LINE}"),
    ("01/09/2025", "30/09/2025", f"Mẫu số 06 ban hành kèm theo Thông tư số {OLD_LINE} (hồ sơ tiếp nhận trước ngày "
                                 f"15/09/2025); mẫu số 07 theo Thông tư số {NEW_LINE} (từ ngày 15/09/2025)"),
])
@needs_poppler
def test_the_registers_form_follows_the_regime_of_its_range(client, world, login_as, make_dossier, tmp_path,
                                                            first_day, last_day, expected):
    make_dossier(received_at=datetime(2025, 9, 12, 9, 0))
    make_dossier(received_at=datetime(2025, 9, 15, 9, 0))
    login_as(world.user("clerk", "a"))
    text = flat(pdf_text(register_pdf(client, world.ward_a.id, f"first_day={first_day}&last_day={last_day}"),
                         tmp_path))
    assert expected in text


def test_a_register_too_long_for_a_pdf_is_refused_with_the_xlsx_offered(client, world, login_as, register_world,
                                                                         monkeypatch):
    monkeypatch.setattr("app.reports.views.MAX_PDF_ROWS", 49)
    login_as(world.user("clerk", "a"))
    response = client.post(f"/units/{world.ward_a.id}/register/print", data=dict(parse_qsl(RANGE)))
    assert response.status_code == 422 and run_pending() == 0
    page = response.get_data(as_text=True)
    assert "quá dài" in page and "50 hồ sơ" in page and f"/units/{world.ward_a.id}/register.xlsx?" in page
    assert client.get(f"/units/{world.ward_a.id}/register.xlsx?{RANGE}").status_code == 200
    picker = client.get(f"/register?unit_id={world.ward_a.id}&{RANGE}").get_data(as_text=True)
    assert "Quá 49 dòng" in picker and "register/print" not in picker and "register.xlsx" in picker


def test_another_wards_register_is_not_found(client, world, login_as, register_world):
    login_as(world.user("clerk", "a"))
    assert client.post(f"/units/{world.ward_b.id}/register/print", data=dict(parse_qsl(RANGE))).status_code == 404
    assert client.get(f"/units/{world.ward_b.id}/register.xlsx?{RANGE}").status_code == 404


@pytest.mark.parametrize("query", ["first_day=06/11/2026&last_day=02/11/2026", "first_day=2026-13-01&last_day=",
                                   ""])
def test_a_bad_range_is_refused_with_its_reason(client, world, login_as, query):
    login_as(world.user("clerk", "a"))
    response = client.post(f"/units/{world.ward_a.id}/register/print", data=dict(parse_qsl(query)))
    assert response.status_code == 400
    assert "Khoảng ngày không hợp lệ" in response.get_data(as_text=True)


def test_the_register_page_counts_the_range_and_links_the_pdf_and_xlsx(client, world, login_as, register_world):
    login_as(world.user("clerk", "a"))
    page = client.get("/register").get_data(as_text=True)
    assert world.ward_a.name in page and world.ward_b.name not in page
    assert 'name="first_day"' in page and "<script>" not in page
    response = client.get(f"/register?unit_id={world.ward_a.id}&{RANGE}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "50 hồ sơ tiếp nhận từ 02/11/2026 đến 06/11/2026" in page
    assert f'action="/units/{world.ward_a.id}/register/print"' in page and 'value="02/11/2026"' in page
    assert f"/units/{world.ward_a.id}/register.xlsx?" in page


def test_a_higher_officer_picks_among_the_wards_below_them_only(client, world, login_as, register_world):
    login_as(world.users["officer_district"])
    page = client.get("/register").get_data(as_text=True)
    assert world.ward_a.name in page and world.ward_b.name not in page
    response = client.get(f"/register?unit_id={world.ward_b.id}&{RANGE}")
    assert response.status_code == 422 and "Lựa chọn không hợp lệ" in response.get_data(as_text=True)
    login_as(world.users["officer_city"])
    page = client.get(f"/register?unit_id={world.ward_b.id}&{RANGE}").get_data(as_text=True)
    assert world.ward_a.name in page and "1 hồ sơ tiếp nhận" in page


# The print buttons --------------------------------------------------------------------------------

def print_group(page: str) -> str:
    return page[page.index('class="print-group'):page.index("</nav>", page.index('class="print-group'))]


def test_the_dossier_page_offers_the_papers_that_apply(client, world, login_as, make_dossier):
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    group = print_group(client.get(f"/dossiers/{dossier.id}").get_data(as_text=True))
    assert f"/dossiers/{dossier.id}/receipt.pdf" in group and f"/dossiers/{dossier.id}/control.pdf" in group
    for paper in ("supplement", "refusal", "apology", "stopping"):
        assert f"/{paper}.pdf" not in group
    assert group.count('target="_blank" rel="noopener"') == group.count(".pdf")

    clerk = world.user("clerk", "a")
    act(dossier, Action.REQUEST_SUPPLEMENT, clerk, datetime(2026, 11, 16, 11, 0), reason="Thiếu tờ khai")
    act(dossier, Action.RECEIVE_SUPPLEMENT, clerk, datetime(2026, 11, 16, 14, 0))
    act(dossier, Action.REQUEST_APOLOGY, clerk, datetime(2026, 11, 16, 15, 0), reason="Chờ xác minh",
        new_due_at=datetime(2026, 11, 20, 9, 0))
    act(dossier, Action.FINISH, clerk, datetime(2026, 11, 17, 9, 0), outcome="refused", note="Không đủ điều kiện")
    group = print_group(client.get(f"/dossiers/{dossier.id}").get_data(as_text=True))
    for paper in ("receipt", "supplement", "refusal", "apology", "control"):
        assert f"/dossiers/{dossier.id}/{paper}.pdf" in group
    assert "(dự thảo, chờ duyệt)" in group


def test_a_stopped_dossier_offers_the_notice_on_the_new_forms_only(client, world, login_as, make_dossier):
    new, old = make_dossier(received_at=datetime(2025, 9, 15, 9, 0)), make_dossier(received_at=datetime(2025, 9, 12, 9, 0))
    for dossier in (new, old):
        act(dossier, Action.STOP, world.user("clerk", "a"), datetime(2025, 9, 16, 9, 0), note="Dừng")
    login_as(world.user("clerk", "a"))
    assert "/stopping.pdf" in print_group(client.get(f"/dossiers/{new.id}").get_data(as_text=True))
    assert "/stopping.pdf" not in print_group(client.get(f"/dossiers/{old.id}").get_data(as_text=True))


def test_after_saving_a_dossier_the_receipt_button_comes_first(client, world, login_as, offerings):
    login_as(world.user("clerk", "a"))
    response = client.post("/dossiers/new", data={
        "offering_id": str(offerings[world.ward_a.id].id), "applicant_name": "Nguyễn Thị Ánh",
        "applicant_id_number": "001190012345", "applicant_phone": "0912345678", "applicant_address": "Số 5",
        "applicant_email": "", "channel": "direct", "online_kind": "", "sets_count": "1",
        "received_at": "16/11/2026 10:00", "extra_documents": "Tờ khai"})
    assert response.status_code == 303
    dossier = db.session.query(Dossier).one()
    assert response.headers["Location"].endswith(f"/dossiers/{dossier.id}?print=receipt")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    callout = page[page.index('class="flash flash-info print-now"'):]
    assert re.search(rf'<a class="button primary" href="/dossiers/{dossier.id}/receipt.pdf" target="_blank" '
                     rf'rel="noopener" autofocus>In giấy tiếp nhận</a>', callout)
    assert "Hồ sơ đã được lưu" in callout
    assert "<script>" not in page


@pytest.mark.parametrize("action, data, paper, label", [
    ("request_supplement", {"reason": "Thiếu tờ khai"}, "supplement", "In phiếu yêu cầu bổ sung"),
    ("finish", {"outcome": "refused", "note": "Không đủ điều kiện"}, "refusal", "In phiếu từ chối"),
    ("request_apology", {"reason": "Chờ xác minh", "to_office": "Tư pháp", "new_due_at": "20/11/2026 09:00"},
     "apology", "In văn bản xin lỗi, đề nghị gia hạn (dự thảo, chờ duyệt)"),
    ("stop", {"note": "Người nộp đề nghị dừng"}, "stopping", "In thông báo dừng giải quyết"),
])
def test_after_an_action_with_a_slip_its_button_comes_first(client, world, login_as, make_dossier, action, data,
                                                             paper, label):
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    response = client.post(f"/dossiers/{dossier.id}/act", data={"action": action, "version": str(dossier.version),
                                                                **data})
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    assert response.headers["Location"].endswith(f"?print={paper}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    callout = page[page.index("print-now"):page.index("</div>", page.index("print-now"))]
    assert f"/dossiers/{dossier.id}/{paper}.pdf" in callout and label in callout


def test_an_approved_finish_or_a_hand_over_offers_no_slip(client, world, login_as, make_dossier):
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    response = client.post(f"/dossiers/{dossier.id}/act", data={"action": "hand_over", "version": "1"})
    assert "print=" not in response.headers["Location"]
    response = client.post(f"/dossiers/{dossier.id}/act", data={"action": "finish", "version": "2",
                                                                "outcome": "approved"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "print-now" not in page  # ?print=refusal does not apply to an approved dossier


def test_a_failed_register_says_so_on_its_page_and_offers_no_file(client, world, login_as, register_world,
                                                                    monkeypatch):
    def broken(job, html_path, pdf_path):
        raise RuntimeError("font missing")

    monkeypatch.setattr("app.reports.jobs._run_child", broken)
    login_as(world.user("clerk", "a"))
    job_page = print_register(client, world.ward_a.id, RANGE)
    page = client.get(job_page).get_data(as_text=True)
    assert "Không in được" in page and "dữ liệu không bị ảnh hưởng" in page and "every 1s" not in page
    assert client.get(f"{job_page}/file").status_code == 404


# The 2025 regime, right to the day -------------------------------------------------------------------

OLD_DESK, CENTRE = "Bộ phận Tiếp nhận và Trả kết quả phường Ánh Dương", "Trung tâm Phục vụ hành chính công phường Ánh Dương"


@pytest.mark.parametrize("received_at, form_line, desk, desk_line, date_line", [
    (datetime(2025, 6, 30, 9, 0), f"Mẫu số 01 ban hành kèm theo Thông tư số {OLD_LINE}", OLD_DESK,
     "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "Ánh Dương, ngày 30 tháng 6 năm 2025"),
    (datetime(2025, 7, 1, 9, 0), f"Mẫu số 01 ban hành kèm theo Thông tư số {OLD_LINE}", CENTRE,
     "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Ánh Dương, ngày 01 tháng 7 năm 2025"),
    (datetime(2025, 9, 12, 9, 0), f"Mẫu số 01 ban hành kèm theo Thông tư số {OLD_LINE}", CENTRE,
     "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Ánh Dương, ngày 12 tháng 9 năm 2025"),
    (datetime(2025, 9, 15, 9, 0), f"Mẫu số 01 ban hành kèm theo Thông tư số {NEW_LINE}", CENTRE,
     "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Ánh Dương, ngày 15 tháng 9 năm 2025"),
    (datetime(2026, 1, 5, 9, 0), f"Mẫu số 01 ban hành kèm theo Thông tư số {NEW_LINE}", CENTRE,
     "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Ánh Dương, ngày 05 tháng 01 năm 2026"),
])
@needs_poppler
def test_the_receipt_takes_its_form_from_15_september_and_its_desk_from_1_july_2025(
        client, world, login_as, make_dossier, tmp_path, received_at, form_line, desk, desk_line, date_line):
    dossier = make_dossier(received_at=received_at)
    login_as(world.user("clerk", "a"))
    layout = pdf_text(get_pdf(client, f"/dossiers/{dossier.id}/receipt.pdf"), tmp_path)
    text = flat(layout)
    # Decree 30/2020: the committee, then the desk that issues the receipt; the motto; number; place and date.
    header = flat(layout[:layout.index("GIẤY TIẾP NHẬN")])
    for words in ("ỦY BAN NHÂN DÂN", "PHƯỜNG ÁNH DƯƠNG", desk_line, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                  "Độc lập - Tự do - Hạnh phúc", f"Số: {dossier.code}", date_line, form_line):
        assert words in header, words
    assert "QUẬN THỬ" not in header and "THÀNH PHỐ THỬ" not in header  # the issuer, not the units above it
    assert f"{desk} tiếp nhận hồ sơ của" in text and f"Đăng ký nhận kết quả tại: {desk}" in text


@pytest.mark.parametrize("received_at, title, asks, absent", [
    (datetime(2025, 9, 12, 9, 0), "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
     ["Thời gian hẹn trả kết quả mới: 10:00 (10 giờ 00 phút), ngày 17/09/2025",
      f"Mẫu số 04 ban hành kèm theo Thông tư số {OLD_LINE}"], "gia hạn"),
    (datetime(2025, 9, 15, 9, 0), "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
     ["xin lỗi Ông/Bà vì sự chậm trễ này và đề nghị", "đồng ý gia hạn thời gian giải quyết hồ sơ",
      "Thời gian đề nghị gia hạn: 2 ngày làm việc và 1 giờ",  # due 09:00 16/09 → 10:00 18/09
      "Thời gian trả kết quả đề nghị gia hạn đến: 10:00 (10 giờ 00 phút), ngày 18/09/2025",
      f"Mẫu số 04 ban hành kèm theo Thông tư số {NEW_LINE}"], "HẸN LẠI"),
])
@needs_poppler
def test_form_04_is_an_apology_with_a_new_appointment_before_15_september_and_asks_for_an_extension_after(
        client, world, login_as, make_dossier, tmp_path, received_at, title, asks, absent):
    dossier = make_dossier(received_at=received_at)  # 1 working day
    clerk, chair = world.user("clerk", "a"), world.user("chair", "a")
    new_due_at = dossier.due_at + timedelta(days=2, hours=1)
    act(dossier, Action.REQUEST_APOLOGY, clerk, received_at + timedelta(hours=2), reason="Chờ xác minh nơi cư trú",
        to_office="Công chức Tư pháp - Hộ tịch", new_due_at=new_due_at)
    act(dossier, Action.APPROVE_APOLOGY, chair, received_at + timedelta(hours=5))
    login_as(clerk)
    layout = pdf_text(get_pdf(client, f"/dossiers/{dossier.id}/apology.pdf"), tmp_path)
    text = flat(layout)
    for words in [title, "Kính gửi: Ông/Bà Nguyễn Thị Ánh", "Chờ xác minh nơi cư trú", *asks]:
        assert words in text, words
    assert absent not in text
    # Issued by the committee: its own header (no desk line), its number left to the archive office, its
    # chair's signature, and where it is sent.
    header = flat(layout[:layout.index(title.split()[0])])
    assert "ỦY BAN NHÂN DÂN PHƯỜNG ÁNH DƯƠNG" in header and "Số: ……/UBND" in header
    assert "TRUNG TÂM" not in header and "BỘ PHẬN" not in header
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text and "Trần Văn Chủ Tịch" in text
    assert "Nơi nhận: - Ông/Bà Nguyễn Thị Ánh;" in text and "Lưu: VT." in text


@needs_poppler
def test_a_units_own_names_are_the_ones_its_papers_print(client, world, login_as, make_dossier, tmp_path):
    ward = world.ward_a
    ward.official_name, ward.centre_name = "ỦY BAN NHÂN DÂN\nPHƯỜNG ÁNH DƯƠNG (THỬ)", "Trung tâm Phục vụ hành chính công Ánh Dương"
    db.session.commit()
    dossier = make_dossier()
    login_as(world.user("clerk", "a"))
    text = flat(pdf_text(get_pdf(client, f"/dossiers/{dossier.id}/receipt.pdf"), tmp_path))
    # The header's left column wraps the centre's line, so its last word comes after the place and date.
    assert "PHƯỜNG ÁNH DƯƠNG (THỬ)" in text and "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG ÁNH" in text
    assert "Trung tâm Phục vụ hành chính công Ánh Dương tiếp nhận hồ sơ của" in text


@pytest.mark.parametrize("paper", ["receipt", "supplement", "refusal", "control"])
@needs_poppler
def test_every_desk_paper_names_the_desk_under_the_committee(client, world, login_as, make_dossier, tmp_path, paper):
    dossier = paper_dossier({"dossier": make_dossier(), "user": world.user("clerk", "a")}, paper)
    login_as(world.user("clerk", "a"))
    text = flat(pdf_text(get_pdf(client, f"/dossiers/{dossier.id}/{paper}.pdf"), tmp_path))
    for words in ("ỦY BAN NHÂN DÂN", "PHƯỜNG ÁNH DƯƠNG", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", f"Số: {dossier.code}",
                  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Ánh Dương, ngày "):
        assert words in text, (paper, words)
    assert "QUẬN THỬ" not in text
