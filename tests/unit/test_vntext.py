"""NFC storage and accent-insensitive search keys."""
import unicodedata

import pytest

from app.vntext import fold, nfc, nfc_lines


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("nguyen", "Nguyễn"),
        ("dang ky", "Đăng ký"),
        ("khai sinh", "Khai sinh"),
        ("chung thuc", "Chứng thực"),
        ("ho kinh doanh", "Hộ kinh doanh"),
        ("duong", "ĐƯỜNG"),
        ("thuy", "Thủy"),
    ],
)
def test_folding_finds_the_stored_text_when_typed_without_diacritics(typed, stored):
    assert fold(typed) in fold(stored)


def test_folding_treats_decomposed_and_composed_text_alike():
    composed = "Nguyễn Thị Hương"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert fold(decomposed) == fold(composed) == "nguyen thi huong"


def test_nfc_normalises_and_collapses_spaces():
    decomposed = unicodedata.normalize("NFD", "  Phường   Hà Đông \n")
    assert nfc(decomposed) == "Phường Hà Đông"
    assert unicodedata.is_normalized("NFC", nfc(decomposed))


def test_nfc_of_nothing_is_empty():
    assert nfc(None) == "" and fold(None) == ""



def test_text_on_several_lines_keeps_its_lines_cleaned_and_composed():
    typed = unicodedata.normalize("NFD", "  Thiếu:\r\n- Tờ khai   bản chính\u200b\r\n\r\n\r\n\r\n- Giấy chứng sinh \n")
    assert nfc_lines(typed) == "Thiếu:\n- Tờ khai bản chính\n\n- Giấy chứng sinh"
    assert unicodedata.is_normalized("NFC", nfc_lines(typed))
    assert nfc_lines(None) == ""
