"""The text every form and importer stores goes through `nfc`, and names are searched through `fold`: both
must hold for any text, not only the Vietnamese of the examples."""
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from app.dossiers.forms import _digits
from app.vntext import fold, nfc
from checks import hostile_settings
from hostile import NFD_NAME, hostile_text

ANY_TEXT = st.one_of(hostile_text(), st.text(st.characters(codec="utf-8")))


@hostile_settings(max_examples=300)
@given(ANY_TEXT)
def test_nfc_text_is_normalised_visible_and_stable(text):
    cleaned = nfc(text)
    assert unicodedata.normalize("NFC", cleaned) == cleaned
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in cleaned)
    assert nfc(cleaned) == cleaned


@hostile_settings(max_examples=300)
@given(ANY_TEXT)
def test_a_folded_name_fits_wherever_the_name_fits(text):
    name = nfc(text)
    assert len(fold(name)) <= len(name)
    assert fold(fold(name)) == fold(name)


@hostile_settings(max_examples=200)
@given(ANY_TEXT)
def test_the_digits_kept_from_a_phone_or_id_number_are_ascii(text):
    assert all(ch in "0123456789+" for ch in _digits(text))


def test_the_same_name_typed_composed_or_decomposed_is_stored_and_found_alike():
    assert nfc(NFD_NAME) == "Nguyễn Văn Ánh"
    assert fold(NFD_NAME) == fold("Nguyễn Văn Ánh") == "nguyen van anh"
    assert nfc("Trần\u200b Thị\u202e Bình\x00") == "Trần Thị Bình"
    assert _digits("０９１２ ３４５ ６７８") == "0912345678"
