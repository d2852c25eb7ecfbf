"""Reading the national portal's JSONL records: glued channel rows, documents, NFC text."""

import dataclasses
import json
import re
import unicodedata
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from app.catalog.portal_format import (
    Channel,
    RequiredDocument,
    TimeUnit,
    normalize_text,
    parse_portal_record,
)

CATALOG = Path(__file__).resolve().parents[3] / "shared" / "data" / "tthc-cap-xa.jsonl"
HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOCUMENTS_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"


def record(**fields) -> dict:
    raw = {
        "ma_thu_tuc": "1.004222",
        "ten_thu_tuc": "Đăng ký thường trú",
        "so_quyet_dinh": "1234/QĐ-BCA",
        "cap_thuc_hien": "Cấp xã",
        "loai_thu_tuc": "TTHC được giao luật quy định chi tiết",
        "linh_vuc": "Đăng ký, quản lý cư trú",
        "doi_tuong_thuc_hien": "Công dân Việt Nam",
        "co_quan_thuc_hien": "Công an xã",
        "cach_thuc_thuc_hien": HEADER + "Trực tiếp7 Ngày làm việcMiễn phí",
        "thanh_phan_ho_so": "--" + DOCUMENTS_HEADER + "Tờ khai thay đổi thông tin cư trú1 bản chính",
        "ket_qua_xu_ly": "Thông báo kết quả",
        "can_cu_phap_ly": "Luật Cư trú 2020",
        "detail_url": "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html"
                      "?ma_thu_tuc=1.004222",
    }
    raw.update(fields)
    return raw


def with_rows(rows: str):
    return parse_portal_record(record(cach_thuc_thuc_hien=HEADER + rows))


def with_documents(text: str):
    return parse_portal_record(record(thanh_phan_ho_so=text))


# Processing times.


@pytest.mark.parametrize(
    "row, value, unit, time_text, fee_text",
    [
        ("Trực tiếp5 Ngày làm việcMiễn phí", "5", TimeUnit.WORKING_DAYS, "5 Ngày làm việc", "Miễn phí"),
        ("Trực tiếp30 NgàyMiễn phí", "30", TimeUnit.DAYS, "30 Ngày", "Miễn phí"),
        ("Trực tiếp8 GiờMiễn phí", "8", TimeUnit.WORKING_HOURS, "8 Giờ", "Miễn phí"),
        ("Trực tiếp4 giờ làm việcMiễn phí", "4", TimeUnit.WORKING_HOURS, "4 giờ làm việc", "Miễn phí"),
        ("Trực tiếp0.5 Ngày làm việcMiễn phí", "0.5", TimeUnit.WORKING_DAYS, "0.5 Ngày làm việc", "Miễn phí"),
        ("Trực tiếp0,5 Ngày làm việcMiễn phí", "0.5", TimeUnit.WORKING_DAYS, "0,5 Ngày làm việc", "Miễn phí"),
        ("Trực tiếp7 Ngày làm việc10,000 VNĐ", "7", TimeUnit.WORKING_DAYS, "7 Ngày làm việc", "10,000 VNĐ"),
        ("Trực tiếp3 Ngày làm việc10,000 Việt Nam Đồng(- Giấy)", "3", TimeUnit.WORKING_DAYS,
         "3 Ngày làm việc", "10,000 Việt Nam Đồng (- Giấy)"),
        ("Trực tiếp8 Giờ20 VNĐ(20.000 vnđ /tờ khai)", "8", TimeUnit.WORKING_HOURS, "8 Giờ",
         "20 VNĐ (20.000 vnđ /tờ khai)"),
        ("Trực tiếp15 NgàyKhông có thông tin", "15", TimeUnit.DAYS, "15 Ngày", "Không có thông tin"),
    ],
)
def test_a_time_with_its_unit_is_read_and_the_glued_fee_split_off(row, value, unit, time_text, fee_text):
    procedure = with_rows(row)
    (terms,) = procedure.channels
    assert (terms.channel, terms.time_value, terms.time_unit) == (Channel.DIRECT, Decimal(value), unit)
    assert (terms.time_text, terms.fee_text) == (time_text, fee_text)
    assert not procedure.needs_review
    assert procedure.problems == ()


@pytest.mark.parametrize(
    "row, time_text, fee_text, problem",
    [
        ("Trực tiếp1Miễn phí", "1", "Miễn phí", "Trực tiếp: không đọc được thời hạn «1» (thiếu đơn vị)"),
        ("Trực tiếp12Miễn phí(Không)", "12", "Miễn phí (Không)",
         "Trực tiếp: không đọc được thời hạn «12» (thiếu đơn vị)"),
        ("Trực tiếp0Không có thông tin", "0", "Không có thông tin",
         "Trực tiếp: không đọc được thời hạn «0» (thiếu đơn vị)"),
        ("Trực tiếp0 Ngày làm việcMiễn phí", "0 Ngày làm việc", "Miễn phí",
         "Trực tiếp: không đọc được thời hạn «0 Ngày làm việc» (thời hạn bằng 0)"),
        ("Trực tiếpKhông có thông tinMiễn phí05 ngày làm việc kể từ ngày nhận hồ sơ", "Không có thông tin",
         "Miễn phí", "Trực tiếp: không đọc được thời hạn «Không có thông tin»"),
        ("Trực tiếpKhông có thông tinKhông có thông tin", "Không có thông tin", "Không có thông tin",
         "Trực tiếp: không đọc được thời hạn «Không có thông tin»"),
        ("Trực tiếpKhông có thông tin8,000 VNĐ(8.000 đồng/bản)", "Không có thông tin",
         "8,000 VNĐ (8.000 đồng/bản)", "Trực tiếp: không đọc được thời hạn «Không có thông tin»"),
        ("Trực tiếpKhông quy địnhMiễn phíTại TTPVHCC", "Không quy định", "Miễn phí",
         "Trực tiếp: không đọc được thời hạn «Không quy định»"),
        ("Trực tiếpKhôngKhông có thông tin", "Không", "Không có thông tin",
         "Trực tiếp: không đọc được thời hạn «Không»"),
        ("Trực tiếpKhông phải trả kết quả cho người nộp thuếMiễn phí",
         "Không phải trả kết quả cho người nộp thuế", "Miễn phí",
         "Trực tiếp: không đọc được thời hạn «Không phải trả kết quả cho người nộp thuế»"),
        ("Trực tiếp70,000 VNĐ", "", "70,000 VNĐ", "Trực tiếp: không có thời hạn"),
    ],
)
def test_a_time_that_cannot_be_read_is_kept_raw_with_no_guessed_unit(row, time_text, fee_text, problem):
    procedure = with_rows(row)
    (terms,) = procedure.channels
    assert (terms.time_value, terms.time_unit) == (None, None)
    assert (terms.time_text, terms.fee_text) == (time_text, fee_text)
    assert procedure.needs_review
    assert problem in procedure.problems


@pytest.mark.parametrize(
    "row, time_text, fee_text, glued",
    [
        ("Trực tuyến120 VNĐ", "1", "20 VNĐ", "120 VNĐ"),
        ("Trực tuyến220 VNĐ(lệ phí hải quan 20.000 đồng/ tờ khai hải quan.)", "2",
         "20 VNĐ (lệ phí hải quan 20.000 đồng/ tờ khai hải quan.)", "220 VNĐ"),
        ("Trực tuyến1200 VNĐ(200.000 vnđ / tờ khai độc lập)", "1", "200 VNĐ (200.000 vnđ / tờ khai độc lập)",
         "1200 VNĐ"),
        ("Trực tuyến120,000 VNĐ(Theo khoản 1 Điều 3 Thông tư số 172/2010/TT-BTC)", "1",
         "20,000 VNĐ (Theo khoản 1 Điều 3 Thông tư số 172/2010/TT-BTC)", "120,000 VNĐ"),
    ],
)
def test_a_bare_time_glued_to_the_amount_of_the_fee_is_cut_off_and_reported(row, time_text, fee_text, glued):
    procedure = with_rows(row)
    (terms,) = procedure.channels
    assert (terms.time_value, terms.time_unit) == (None, None)
    assert (terms.time_text, terms.fee_text) == (time_text, fee_text)
    assert procedure.problems == (
        f"Trực tuyến: không đọc được thời hạn «{time_text}» (thiếu đơn vị; số dính liền với phí «{glued}», "
        f"đã tách thành «{time_text}» và «{fee_text.split(' (')[0]}»)",
    )


def test_a_time_cell_written_as_a_sentence_is_kept_raw():
    procedure = with_rows(
        "Trực tiếpHệ thống giải quyết thủ tục hành chính ngành Thuế thực hiện phản hồi tự động."
        "Không có thông tinTại Trung tâm phục vụ hành chính công cấp tỉnh, xã"
        "Trực tuyếnHệ thống phản hồi tự động.Không có thông tinQua Cổng dịch vụ công Quốc gia"
    )
    direct, online = procedure.channels
    assert direct.time_text == "Hệ thống giải quyết thủ tục hành chính ngành Thuế thực hiện phản hồi tự động."
    assert (direct.time_value, direct.fee_text) == (None, "Không có thông tin")
    assert direct.description == "Tại Trung tâm phục vụ hành chính công cấp tỉnh, xã"
    assert (online.channel, online.time_text) == (Channel.ONLINE, "Hệ thống phản hồi tự động.")


# Rows and channels.


def test_rows_glued_one_after_another_give_one_terms_per_channel_in_portal_order():
    procedure = with_rows("Trực tuyến1Miễn phíDịch vụ bưu chính3 Ngày làm việcMiễn phíTrực tiếp2 GiờMiễn phí")
    assert [(t.channel, t.time_text) for t in procedure.channels] == [
        (Channel.ONLINE, "1"), (Channel.POST, "3 Ngày làm việc"), (Channel.DIRECT, "2 Giờ"),
    ]
    assert procedure.problems == ("Trực tuyến: không đọc được thời hạn «1» (thiếu đơn vị)",)


@pytest.mark.parametrize(
    "rows, channels, description",
    [
        ("Trực tiếp5 Ngày làm việcMiễn phí+ Trực tiếp: nộp hồ sơ trực tiếp tại Công an cấp xã. "
         "+ Trực tuyến: nộp hồ sơ qua Cổng dịch vụ công. + Dịch vụ bưu chính: gửi hồ sơ qua bưu điện.",
         [Channel.DIRECT],
         "+ Trực tiếp: nộp hồ sơ trực tiếp tại Công an cấp xã. + Trực tuyến: nộp hồ sơ qua Cổng dịch vụ công. "
         "+ Dịch vụ bưu chính: gửi hồ sơ qua bưu điện."),
        ("Trực tuyến1 Ngày làm việcMiễn phíNộp qua các cổng như: Trực tuyến qua Cổng dịch vụ công quốc gia",
         [Channel.ONLINE], "Nộp qua các cổng như: Trực tuyến qua Cổng dịch vụ công quốc gia"),
        ("Trực tuyếnKhông có thông tin8,000 VNĐ(8.000 đồng/việc)Trực tiếp thực hiện hoặc ủy quyền nộp hồ sơ "
         "Dịch vụ bưu chínhKhông có thông tin8,000 VNĐ(8.000 đồng/việc)",
         [Channel.ONLINE, Channel.POST], "Trực tiếp thực hiện hoặc ủy quyền nộp hồ sơ"),
        ("Trực tuyếnKhông có thông tinKhông có thông tin- Trực tuyến (hệ thống liên thông)\n- Không quy định",
         [Channel.ONLINE], "- Trực tuyến (hệ thống liên thông)\n- Không quy định"),
    ],
)
def test_a_channel_name_inside_the_description_does_not_start_a_row(rows, channels, description):
    procedure = with_rows(rows)
    assert [terms.channel for terms in procedure.channels] == channels
    assert procedure.channels[0].description == description


def test_channels_the_portal_does_not_list_are_absent_and_need_no_review():
    procedure = with_rows("Dịch vụ bưu chính5 Ngày làm việcMiễn phí")
    assert [terms.channel for terms in procedure.channels] == [Channel.POST]
    assert not procedure.needs_review


@pytest.mark.parametrize("text", ["", HEADER, HEADER + "Không có thông tin", "Nộp hồ sơ tại UBND cấp xã"])
def test_a_record_without_any_channel_needs_review(text):
    procedure = parse_portal_record(record(cach_thuc_thuc_hien=text))
    assert procedure.channels == ()
    assert procedure.needs_review
    assert procedure.problems == ("Không tìm thấy hình thức nộp nào (Trực tiếp, Trực tuyến, Dịch vụ bưu chính)",)


@pytest.mark.parametrize(
    "row, fee_text, description",
    [
        ("Trực tiếp3 Ngày làm việcMiễn phí((Mức lệ phí (nếu có) theo quy định))Nộp tại UBND cấp xã",
         "Miễn phí ((Mức lệ phí (nếu có) theo quy định))", "Nộp tại UBND cấp xã"),
        ("Trực tiếp44 Ngày làm việcKhông có thông tin(1) Trường hợp tổ chức đề nghị",
         "Không có thông tin", "(1) Trường hợp tổ chức đề nghị"),
        ("Trực tiếp5 Ngày làm việc100,000 VNĐ((Phí Thẩm tra, thẩm định )",
         "100,000 VNĐ ((Phí Thẩm tra, thẩm định )", ""),
        ("Trực tiếp45 NgàyMiễn phí(Không)- Trường hợp là nhà ở", "Miễn phí (Không)", "- Trường hợp là nhà ở"),
    ],
)
def test_the_note_in_parentheses_after_a_fee_stays_with_the_fee(row, fee_text, description):
    (terms,) = with_rows(row).channels
    assert (terms.fee_text, terms.description) == (fee_text, description)


def test_a_channel_whose_rows_give_different_times_is_left_for_a_person_to_decide():
    procedure = with_rows(
        "Trực tiếp2 Ngày làm việcKhông có thông tin- Bộ phận một cửa: tiếp nhận"
        "Trực tuyến2 Ngày làm việcKhông có thông tin- Bộ phận một cửa: tiếp nhận"
        "Trực tiếp5 Ngày làm việcKhông có thông tin- Cơ quan chuyên môn: thẩm định"
        "Trực tiếp2 Ngày làm việcKhông có thông tin- Chủ tịch: quyết định"
    )
    direct, online = procedure.channels
    assert (direct.channel, direct.time_value, direct.time_unit) == (Channel.DIRECT, None, None)
    assert direct.time_text == "2 Ngày làm việc; 5 Ngày làm việc; 2 Ngày làm việc"
    assert direct.description == "- Bộ phận một cửa: tiếp nhận\n- Cơ quan chuyên môn: thẩm định\n- Chủ tịch: quyết định"
    assert (online.time_value, online.time_unit) == (Decimal(2), TimeUnit.WORKING_DAYS)
    assert procedure.needs_review
    assert procedure.problems == (
        "Trực tiếp: có 3 dòng với thời hạn khác nhau (2 Ngày làm việc; 5 Ngày làm việc; 2 Ngày làm việc), "
        "cần chọn thời hạn áp dụng",
    )


def test_a_channel_repeated_with_the_same_time_keeps_that_time_and_joins_the_fees():
    procedure = with_rows(
        "Trực tiếp1 GiờKhông có thông tin2,000 Việt Nam Đồng(/trang)Tại Ủy ban nhân dân cấp xã"
        "Trực tiếp1 Giờ10 USD(/bản)Tại cơ quan đại diện"
    )
    (terms,) = procedure.channels
    assert (terms.time_value, terms.time_unit, terms.time_text) == (Decimal(1), TimeUnit.WORKING_HOURS, "1 Giờ")
    assert not procedure.needs_review


def test_a_channel_repeated_with_no_time_reports_it_once():
    procedure = with_rows(
        "Trực tiếpKhông có thông tin2,000 Việt Nam Đồng(/trang)Tại Ủy ban nhân dân cấp xã"
        "Trực tiếpKhông có thông tin10 USD(/bản)Tại cơ quan đại diện"
    )
    (terms,) = procedure.channels
    assert terms.time_text == "Không có thông tin"
    assert terms.fee_text == "2,000 Việt Nam Đồng (/trang); 10 USD (/bản)"
    assert terms.description == "Tại Ủy ban nhân dân cấp xã\nTại cơ quan đại diện"
    assert procedure.problems == ("Trực tiếp: không đọc được thời hạn «Không có thông tin»",)


# Documents.


@pytest.mark.parametrize(
    "text, expected",
    [
        ("--" + DOCUMENTS_HEADER + "Tờ khai thay đổi thông tin cư trú (Mẫu CT01).1 bản chính"
         "Giấy chứng nhận quyền sử dụng đất0 bản chính,1 bản sao",
         [("Tờ khai thay đổi thông tin cư trú (Mẫu CT01)", 1, None),
          ("Giấy chứng nhận quyền sử dụng đất", 0, 1)]),
        (DOCUMENTS_HEADER + "Đơn đề nghịBản chính: 1 Bản sao: 0Sơ đồ vị tríBản chính: 0 Bản sao: 2",
         [("Đơn đề nghị", 1, 0), ("Sơ đồ vị trí", 0, 2)]),
        (DOCUMENTS_HEADER + "b) Hóa đơn thương mại: 01 bản chụp;0 bản chính,1 bản sao"
         "h) Giấy phép nhập khẩu: 01 bản chính;  Trường hợp một cửa quốc gia thì không phải nộp.1 bản chính",
         [("b) Hóa đơn thương mại: 01 bản chụp", 0, 1),
          ("h) Giấy phép nhập khẩu: 01 bản chính; Trường hợp một cửa quốc gia thì không phải nộp", 1, None)]),
        (DOCUMENTS_HEADER + "- Tờ khai theo Mẫu số 131 bản chính,1 bản sao"
         "+++ Báo cáo theo Luật Quản lý thuế năm 20191 bản chính",
         [("Tờ khai theo Mẫu số 13", 1, 1), ("Báo cáo theo Luật Quản lý thuế năm 2019", 1, None)]),
        (DOCUMENTS_HEADER
         + "- Danh mục hồ sơ theo Nghị định số 06/2021/NĐ-CPDanhmuchoso.docx1 bản chính,1 bản sao"
         "Tờ khai đăng ký phương tiện theo quy địnhMauon (2).docx1 bản chính"
         "Giấy đề nghị theo Quyết định số 24/2021/QĐ-TTgGiấy đề nghị.pdf1 bản chính"
         "Đơn xin nhận con nuôi;1.nxinnhnconnui.doc2 bản chính",
         [("Danh mục hồ sơ theo Nghị định số 06/2021/NĐ-CP", 1, 1),
          ("Tờ khai đăng ký phương tiện theo quy định", 1, None),
          ("Giấy đề nghị theo Quyết định số 24/2021/QĐ-TTg", 1, None),
          ("Đơn xin nhận con nuôi", 2, None)]),
    ],
)
def test_documents_are_read_with_clean_names_and_their_counts(text, expected):
    procedure = with_documents(text)
    assert [(d.name, d.originals, d.copies) for d in procedure.documents] == expected
    assert procedure.problems == ()


def test_documents_remember_the_heading_they_are_listed_under():
    procedure = with_documents(
        "* Giấy tờ phải nộp:" + DOCUMENTS_HEADER + "Tờ khai đăng ký khai sinh1 bản chính"
        "* Giấy tờ phải xuất trình:" + DOCUMENTS_HEADER + "Thẻ căn cước của người đi đăng ký1 bản chính"
    )
    assert procedure.documents == (
        RequiredDocument("Tờ khai đăng ký khai sinh", 1, None, "Giấy tờ phải nộp"),
        RequiredDocument("Thẻ căn cước của người đi đăng ký", 1, None, "Giấy tờ phải xuất trình"),
    )


def test_documents_without_a_readable_table_fall_back_to_the_whole_text():
    text = "Bước 2. Nộp hồ sơ cho cơ quan BHXH.\n\nBước 3.  Nhận kết quả giải quyết"
    procedure = with_documents(text)
    assert procedure.documents == (
        RequiredDocument("Bước 2. Nộp hồ sơ cho cơ quan BHXH.\nBước 3. Nhận kết quả giải quyết", None, None),
    )
    assert procedure.problems == ("Thành phần hồ sơ: không đọc được danh sách giấy tờ, giữ nguyên văn bản",)
    assert not procedure.needs_review


def test_a_count_without_a_name_is_reported_and_skipped():
    procedure = with_documents(DOCUMENTS_HEADER + "Dự thảo quyết định1 bản chính1 bản chính")
    assert [d.name for d in procedure.documents] == ["Dự thảo quyết định"]
    assert procedure.problems == ("Thành phần hồ sơ: số lượng «1 bản chính» không kèm tên giấy tờ",)


def test_text_after_the_last_count_becomes_a_document_without_counts():
    procedure = with_documents(DOCUMENTS_HEADER + "Tờ khai1 bản chínhẢnh chân dung 4x6")
    assert [(d.name, d.originals) for d in procedure.documents] == [("Tờ khai", 1), ("Ảnh chân dung 4x6", None)]
    assert procedure.problems == ("Thành phần hồ sơ: không đọc được số lượng của «Ảnh chân dung 4x6»",)


def test_a_record_without_documents_has_none():
    assert with_documents("").documents == ()


# The record.


def test_levels_are_split_on_commas_and_stripped():
    procedure = parse_portal_record(record(cap_thuc_hien="Cấp bộ,  Cấp tỉnh , Cấp xã,"))
    assert procedure.levels == ("Cấp bộ", "Cấp tỉnh", "Cấp xã")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"ma_thu_tuc": ""}, "ma_thu_tuc"),
        ({"ma_thu_tuc": "   "}, "ma_thu_tuc"),
        ({"ma_thu_tuc": None}, "ma_thu_tuc"),
        ({"ten_thu_tuc": ""}, "ten_thu_tuc"),
        ({"ten_thu_tuc": " \n "}, "ten_thu_tuc"),
        ({"ten_thu_tuc": None}, "ten_thu_tuc"),
    ],
)
def test_a_record_without_code_or_name_is_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        parse_portal_record(record(**fields))


@pytest.mark.parametrize("key", ["ma_thu_tuc", "ten_thu_tuc"])
def test_a_record_missing_the_code_or_name_key_is_refused(key):
    raw = record()
    del raw[key]
    with pytest.raises(ValueError, match=key):
        parse_portal_record(raw)


def test_fields_other_than_code_and_name_may_be_missing():
    procedure = parse_portal_record({"ma_thu_tuc": "2.000001", "ten_thu_tuc": "Thủ tục"})
    assert (procedure.code, procedure.name, procedure.field, procedure.levels) == ("2.000001", "Thủ tục", "", ())
    assert (procedure.channels, procedure.documents) == ((), ())
    assert procedure.needs_review


def test_every_text_of_a_decomposed_record_comes_back_composed():
    decomposed = {key: unicodedata.normalize("NFD", value) for key, value in record(
        ten_thu_tuc="Thông báo  thành lập tổ hợp tác\n",
        linh_vuc="Cấp, quản lý căn cước",
        cach_thuc_thuc_hien=HEADER + "Trực tiếp5 Ngày làm việcMiễn phí(Không thu lệ phí)Nộp tại Ủy ban",
        thanh_phan_ho_so="* Giấy tờ phải nộp:" + DOCUMENTS_HEADER + "Giấy đề nghị1 bản chính,1 bản sao",
    ).items()}
    procedure = parse_portal_record(decomposed)
    assert procedure.name == "Thông báo thành lập tổ hợp tác"
    assert procedure.field == "Cấp, quản lý căn cước"
    (terms,) = procedure.channels
    assert (terms.time_value, terms.time_unit) == (Decimal(5), TimeUnit.WORKING_DAYS)
    assert (terms.fee_text, terms.description) == ("Miễn phí (Không thu lệ phí)", "Nộp tại Ủy ban")
    assert procedure.documents == (RequiredDocument("Giấy đề nghị", 1, 1, "Giấy tờ phải nộp"),)
    assert all(text == unicodedata.normalize("NFC", text) for text in texts_of(procedure))


@pytest.mark.parametrize(
    "text, expected",
    [
        (None, ""),
        ("", ""),
        ("  Cấp   xã \t ", "Cấp xã"),
        ("Bước 1.\n\n  \nBước 2.\r\nBước 3.", "Bước 1.\nBước 2.\nBước 3."),
        ("Ủy ban Nhân dân\xa0xã,\xa0phường", "Ủy ban Nhân dân xã, phường"),
        (unicodedata.normalize("NFD", "Thủ tục hải quan"), "Thủ tục hải quan"),
    ],
)
def test_normalize_text_composes_and_collapses_whitespace(text, expected):
    assert normalize_text(text) == expected
    assert normalize_text(text) == unicodedata.normalize("NFC", normalize_text(text))


def texts_of(value):
    """Every string inside a parsed procedure, however deep."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from texts_of(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from texts_of(item)


# The real catalog (588 ward-level procedures).
# Every count below was measured with the parser and again with the plain regexes of
# `counts_by_regex`, which share no code with it.


@pytest.fixture(scope="module")
def raw_catalog() -> list[dict]:
    if not CATALOG.exists():
        pytest.skip(f"the real catalog is not at {CATALOG}")
    return [json.loads(line) for line in CATALOG.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def catalog(raw_catalog):
    return [parse_portal_record(raw) for raw in raw_catalog]


EXPECTED_TERMS_PER_UNIT = {"working_days": 628, "days": 227, "working_hours": 56, "unreadable": 524}


def counts_by_regex(raw_catalog) -> tuple[Counter, int]:
    """(terms per unit, procedures needing review) straight from the raw text.

    A row starts where a channel name is glued to a number or to a cell beginning "Không",
    "Miễn" or "Hệ"; a channel reads when all its rows give the same "N Ngày làm việc", "N Ngày"
    or "N Giờ" with N > 0.
    """
    row = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=\d|Không|Miễn|Hệ)")
    time = re.compile(r"(\d+) (Ngày làm việc|Ngày|Giờ)")
    units = {"Ngày làm việc": "working_days", "Ngày": "days", "Giờ": "working_hours"}
    per_unit, needing_review = Counter(), 0
    for raw in raw_catalog:
        text = unicodedata.normalize("NFC", raw["cach_thuc_thuc_hien"])
        readings = defaultdict(set)
        for match in row.finditer(text):
            found = time.match(text, match.end())
            readings[match.group(1)].add(
                (int(found.group(1)), units[found.group(2)]) if found and int(found.group(1)) > 0 else None
            )
        unreadable = [channel for channel, seen in readings.items() if len(seen) > 1 or None in seen]
        per_unit["unreadable"] += len(unreadable)
        per_unit.update(
            next(iter(seen))[1] for channel, seen in readings.items() if channel not in unreadable
        )
        needing_review += bool(unreadable or not readings)
    return per_unit, needing_review


def test_every_record_of_the_real_catalog_is_parsed(raw_catalog, catalog):
    assert len(raw_catalog) == 588
    assert len({procedure.code for procedure in catalog}) == 588


def test_the_real_catalog_has_222_procedures_needing_review(raw_catalog, catalog):
    assert sum(procedure.needs_review for procedure in catalog) == 222
    assert counts_by_regex(raw_catalog)[1] == 222


def test_the_real_catalog_has_channel_terms_per_unit_as_counted_by_plain_regexes(raw_catalog, catalog):
    per_unit = Counter(
        terms.time_unit.value if terms.time_unit else "unreadable"
        for procedure in catalog for terms in procedure.channels
    )
    assert per_unit == EXPECTED_TERMS_PER_UNIT
    assert counts_by_regex(raw_catalog)[0] == EXPECTED_TERMS_PER_UNIT


def test_the_real_catalog_lists_each_channel_at_most_once_per_procedure(catalog):
    for procedure in catalog:
        channels = [terms.channel for terms in procedure.channels]
        assert len(channels) == len(set(channels)), procedure.code
        assert all(len(terms.time_text) <= 200 for terms in procedure.channels), procedure.code


def test_eight_names_in_the_real_catalog_are_not_nfc_and_come_back_composed(raw_catalog, catalog):
    names = [raw["ten_thu_tuc"] for raw in raw_catalog]
    not_composed = [raw for raw in raw_catalog
                    if unicodedata.normalize("NFC", raw["ten_thu_tuc"]) != raw["ten_thu_tuc"]]
    # Second method: a composed Vietnamese text has no combining mark left.
    assert sum(any(unicodedata.combining(ch) for ch in name) for name in names) == 8
    assert len(not_composed) == 8
    by_code = {procedure.code: procedure for procedure in catalog}
    for raw in not_composed:
        expected = " ".join(unicodedata.normalize("NFC", raw["ten_thu_tuc"]).split())
        assert by_code[raw["ma_thu_tuc"]].name == expected


def test_every_text_read_from_the_real_catalog_is_nfc(catalog):
    for procedure in catalog:
        for text in texts_of(procedure):
            assert text == unicodedata.normalize("NFC", text), procedure.code


def test_the_real_catalog_yields_3840_documents_and_22_unreadable_lists(catalog):
    documents = [document for procedure in catalog for document in procedure.documents]
    assert len(documents) == 3840
    assert sum(1 for d in documents if d.originals is None and d.copies is None) == 22
    assert all(document.name for document in documents)
