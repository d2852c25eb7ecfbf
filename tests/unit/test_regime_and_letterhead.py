"""The two dates of 2025 (Decree 118/2025 from 1 Jul, Circular 03/2025's forms from 15 Sep), each paper's title,
and the header, place, date and signature lines that Decree 30/2020 gives a paper."""
from datetime import date, datetime

import pytest

from app.dossiers.regime import LEGAL_REGIME_FROM, NEW_FORMS_FROM, is_new_legal_regime, uses_new_forms
from app.reports.letterhead import (Letterhead, committee_letterhead, committee_name, committee_signer,
                                    default_centre_name, desk_letterhead, desk_name, document_date, official_lines,
                                    place_name, split_kind, working_time_label)
from app.reports.papers import NoSuchForm, Paper, legal_basis, paper_title

WARD = "Phường Hoàn Kiếm"


def test_the_two_dates_are_those_of_decree_118_and_circular_03():
    assert LEGAL_REGIME_FROM == date(2025, 7, 1)
    assert NEW_FORMS_FROM == date(2025, 9, 15)


@pytest.mark.parametrize("received_on, new_forms, circular", [
    (date(2025, 6, 30), False, "01/2018/TT-VPCP"),
    (date(2025, 7, 1), False, "01/2018/TT-VPCP"),  # Decree 118 already, the old forms still
    (date(2025, 9, 14), False, "01/2018/TT-VPCP"),
    (date(2025, 9, 15), True, "03/2025/TT-VPCP"),
    (date(2026, 12, 5), True, "03/2025/TT-VPCP"),
])
def test_a_dossier_prints_the_forms_of_the_day_it_was_received(received_on, new_forms, circular):
    assert uses_new_forms(received_on) is new_forms
    assert circular in legal_basis(Paper.RECEIPT, uses_new_forms(received_on))


@pytest.mark.parametrize("received_on, new_regime", [
    (date(2025, 6, 30), False), (date(2025, 7, 1), True), (date(2025, 9, 14), True),
])
def test_decree_118_applies_from_1_july_2025(received_on, new_regime):
    assert is_new_legal_regime(received_on) is new_regime


@pytest.mark.parametrize("paper, new_forms, title", [
    (Paper.APOLOGY, True, "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"),
    (Paper.APOLOGY, False, "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    (Paper.STOPPING, True, "Thông báo dừng giải quyết hồ sơ"),
    (Paper.REFUSAL, True, "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    (Paper.RECEIPT, False, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
])
def test_each_paper_has_the_title_of_its_forms(paper, new_forms, title):
    assert paper_title(paper, new_forms) == title


def test_the_old_forms_have_no_notice_of_stopping_to_title():
    with pytest.raises(NoSuchForm):
        paper_title(Paper.STOPPING, False)


@pytest.mark.parametrize("on, name", [
    (date(2025, 6, 30), "Bộ phận Tiếp nhận và Trả kết quả phường Hoàn Kiếm"),
    (date(2025, 7, 1), "Trung tâm Phục vụ hành chính công phường Hoàn Kiếm"),
    (date(2026, 12, 5), "Trung tâm Phục vụ hành chính công phường Hoàn Kiếm"),
])
def test_the_desks_name_follows_the_date(on, name):
    assert desk_name(on, WARD) == name


def test_a_unit_sets_its_own_centre_name_from_1_july_2025_only():
    own = "Trung tâm Phục vụ hành chính công phường Hoàn Kiếm (cơ sở 2)"
    assert desk_name(date(2025, 7, 1), WARD, own) == own
    assert desk_name(date(2025, 6, 30), WARD, own).startswith("Bộ phận Tiếp nhận và Trả kết quả")


@pytest.mark.parametrize("name, kind, proper, place", [
    ("Phường Hoàn Kiếm", "phường", "Hoàn Kiếm", "Hoàn Kiếm"),
    ("Xã Sóc Sơn", "xã", "Sóc Sơn", "Sóc Sơn"),
    ("Thị xã Sơn Tây", "thị xã", "Sơn Tây", "Sơn Tây"),
    ("Thành phố Hà Nội", "thành phố", "Hà Nội", "Hà Nội"),
    ("Phường 7", "phường", "7", "Phường 7"),  # a numbered ward keeps its kind in the place
    ("Hoàn Kiếm", "", "Hoàn Kiếm", "Hoàn Kiếm"),
])
def test_a_units_name_gives_its_kind_and_place(name, kind, proper, place):
    assert split_kind(name) == (kind, proper)
    assert place_name(name) == place


def test_the_committees_header_is_the_committee_and_its_unit_not_the_city():
    assert committee_letterhead("", WARD) == Letterhead((), ("ỦY BAN NHÂN DÂN", "PHƯỜNG HOÀN KIẾM"), "Hoàn Kiếm")
    assert committee_name(WARD) == "Ủy ban nhân dân phường Hoàn Kiếm"
    assert default_centre_name(WARD) == "Trung tâm Phục vụ hành chính công phường Hoàn Kiếm"


def test_a_unit_sets_the_lines_its_header_prints():
    assert official_lines("Ủy ban nhân dân\nphường Hoàn Kiếm\n", WARD) == ("ỦY BAN NHÂN DÂN", "PHƯỜNG HOÀN KIẾM")
    assert official_lines("  \n", WARD) == ("ỦY BAN NHÂN DÂN", "PHƯỜNG HOÀN KIẾM")


@pytest.mark.parametrize("on, desk_line", [
    (date(2025, 6, 30), "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"),
    (date(2025, 7, 1), "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"),
])
def test_a_desks_header_puts_its_name_under_the_committees(on, desk_line):
    letterhead = desk_letterhead(on, "", WARD)
    assert letterhead.governing_lines == ("ỦY BAN NHÂN DÂN", "PHƯỜNG HOÀN KIẾM")
    assert letterhead.issuer_lines == (desk_line,)
    assert letterhead.place == "Hoàn Kiếm"


@pytest.mark.parametrize("on, text", [
    (date(2026, 12, 5), "ngày 05 tháng 12 năm 2026"),
    (datetime(2026, 1, 2, 9, 0), "ngày 02 tháng 01 năm 2026"),
    (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
    (date(2025, 9, 15), "ngày 15 tháng 9 năm 2025"),
])
def test_the_date_line_pads_days_below_10_and_months_1_and_2(on, text):
    assert document_date(on) == text


def test_the_committee_signs_for_itself_or_a_vice_chair_for_the_chair():
    assert committee_signer("Trần Văn Chủ Tịch").lines == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    assert committee_signer(deputy=True).lines == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


@pytest.mark.parametrize("hours, text", [
    (24, "3 ngày làm việc"), (12, "1 ngày làm việc và 4 giờ"), (6, "6 giờ làm việc"),
    (19.5, "2 ngày làm việc và 3 giờ 30 phút"),
])
def test_an_extension_reads_in_working_days_and_hours(hours, text):
    assert working_time_label(hours) == text
