"""Vietnamese text: NFC normalisation for storage, accent folding for search."""
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str | None) -> str:
    """NFC-normalised text with whitespace runs collapsed to one space and the ends stripped."""
    if text is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str | None) -> str:
    """Lower-case text without diacritics, so that "nguyen" matches "Nguyễn" and "dang ky" "Đăng ký".

    Đ/đ is a separate letter, not a D with a combining mark, so NFD alone does not strip it.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()
