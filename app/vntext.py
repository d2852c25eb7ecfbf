"""Vietnamese text: NFC normalisation for storage, accent folding for search."""
import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Control characters (NUL, BEL, escapes: PostgreSQL refuses NUL outright) and invisible format
# characters (zero-width spaces and joiners, byte-order marks, right-to-left overrides that make a
# name read backwards on screen) carry nothing a person meant to type.
_INVISIBLE = frozenset({"Cc", "Cf"})


def visible(text: str) -> str:
    """`text` without control and format characters; whitespace (line breaks too) kept."""
    return "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE)


def nfc(text: str | None) -> str:
    """NFC-normalised text without control or format characters, whitespace runs collapsed to one
    space and the ends stripped. It may be longer than `text` (NFC decomposes a few letters, Tibetan
    ones), which is why forms check lengths after this filter.

    The invisible characters go before normalising: one between a letter and its combining mark
    would otherwise keep the pair from composing.
    """
    if text is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", visible(text))).strip()


def nfc_lines(text: str | None) -> str:
    """Like `nfc`, for text people write on several lines (a supplement's list of missing papers, the
    reasons of a refusal): each line is cleaned and kept, runs of empty lines become one."""
    if text is None:
        return ""
    lines = [nfc(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def fold(text: str | None) -> str:
    """Lower-case text without diacritics, so that "nguyen" matches "Nguyễn" and "dang ky" "Đăng ký".

    Đ/đ is a separate letter, not a D with a combining mark, so NFD alone does not strip it. Every mark
    (category M) goes, not only those with a combining class, and what is left is recomposed: so the
    folded text is never longer than the NFC text (a 200-character name fits its 200-character search
    column even in Hangul, whose syllables NFD splits into letters that are not marks).
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    stripped = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M")))
    return _SPACES.sub(" ", stripped.lower()).strip()
