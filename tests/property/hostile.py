"""Hostile input for the property tests: text, numbers, dates and files that a form or an importer must
refuse cleanly or store cleaned (NFC, no control characters, within the column), never choke on."""
import codecs
import io
import zipfile

from hypothesis import strategies as st

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE dossiers; --"
# What a rendered page must never contain literally (Jinja's autoescape turns "<" into "&lt;"); the
# prefixes also catch a payload that a view shortened before echoing it.
MARKUP = ("<script>alert", "<img src=x")

NFD_NAME = "Nguye\u0302\u0303n Va\u0306n A\u0301nh"  # "Nguyễn Văn Ánh" as macOS or an old IME sends it
ODD_TEXT = [
    SCRIPT, IMG, SQL, NFD_NAME,
    "Trần\u200b Thị\u200d Bình",  # zero-width space and joiner
    "\u202eanhK nễyugN\u202c",  # right-to-left override
    "Lê\u0000Văn\u0007Cường",  # NUL and BEL
    "\x1b[31mĐỏ\x1b[0m",  # a terminal escape
    "Phạm\r\nThị\tDung\x0b\x0c",
    "\ufeffHoàng Văn Em",  # a byte-order mark pasted from a file
    "Z\u0351\u0346\u034a\u0350a\u0352\u0357l\u035bg\u0360o",  # stacked combining marks
    "\u1100\u1161\u11a8 한국어",  # Hangul jamo (NFD) and syllables
    "\u0f43\u0f4d\u0f52",  # Tibetan letters that NFC keeps decomposed
    "１２３４５６７８９０１２",  # full-width digits
    "٠١٢٣٤٥٦٧٨٩٠١",  # Arabic-Indic digits (Unicode \d matches them)
    "²³¹",
    "ﬁ ligature ǅ İstanbul ẞ",
    "\U0001f600 \U0001f469\u200d\U0001f4bb",
    "{{ 7*7 }} {% raw %}",
    "%s %(name)s {0}",
    "../../etc/passwd",
    "   ",
    "",
]
OVERLONG = [
    "Nguyễn " * 40,  # 280 characters: past applicant_name (200)
    "Á" * 201,
    "9" * 13,  # one digit too many for a CCCD (12)
    "0" * 21,  # past applicant_phone (20)
    "x" * 301,  # past the address (300)
    "Đ" * 2001,  # past the notes (2000)
    "a" * 70_000,
    "e\u0301" * 200,  # 400 code points that NFC makes 200
    "e\u0301" * 201,
]
# The values of issue 12 first: each is generated at every route and field that takes a number or a date.
ABSURD_NUMBERS = ["99999999999999999999", "2147483648", "-1", "sNaN", "1e-999999"]
ABSURD_DATES = ["31/12/9999", "31/12/9999 23:59", "01/01/0001", "01/01/0001 00:00"]
NUMBERS = [*ABSURD_NUMBERS, "0", "-0", "1e309", "1E+999999", "99999999999999999999999", "NaN", "-Infinity", "inf",
           "1,5", "0x1F", "١٢", "  7  ", "3.14159265358979323846264338327950288419716939937510", "+1", "1_000"]
DATES = [*ABSURD_DATES, "31/02/2026", "00/13/2025", "2026-02-30", "hôm qua", "29/02/2025", "31/12/99999", "0000-00-00",
         "0001-01-01", "9999-12-31", "01/01/1900", "25/11/2026 25:61", "2026-11-25T24:00", "2026-11-25T09:00:00Z",
         "25/11/2026 09:00 +07:00", "１５/１１/２０２６", "1/1/1", "-1", "" , "   "]


def _characters() -> st.SearchStrategy[str]:
    # Anything an HTTP form can carry: every code point but surrogates, which UTF-8 cannot encode.
    return st.characters(codec="utf-8")


def odd_text() -> st.SearchStrategy[str]:
    """Short text a form may well accept, and must then store cleaned."""
    return st.one_of(
        st.sampled_from(ODD_TEXT),
        st.text(_characters(), max_size=40),
        st.lists(st.sampled_from(ODD_TEXT + ["Nguyễn", " ", "<", ">", "&", "\"", "'", "\\"]), min_size=1,
                 max_size=6).map("".join),
    )


def hostile_text() -> st.SearchStrategy[str]:
    """A value for any text field."""
    return st.one_of(odd_text(), st.sampled_from(OVERLONG))


def hostile_number() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NUMBERS), st.integers().map(str),
                     st.decimals(allow_nan=True, allow_infinity=True).map(str), hostile_text())


def hostile_date() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(DATES), hostile_text())


def hostile_value() -> st.SearchStrategy[str]:
    """A value for a field of unknown kind."""
    return st.one_of(hostile_text(), hostile_number(), hostile_date())


def _zip_named_xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "không phải bảng tính")
    return buffer.getvalue()


def bad_encodings(text: str) -> dict[str, bytes]:
    """`text` (Vietnamese, so that its encoding matters) written the ways a file must be refused."""
    utf8 = text.encode("utf-8")
    assert not text.isascii(), "an ASCII text reads the same in every one of these encodings"
    cut = next(index for index, byte in enumerate(utf8) if byte >= 0x80) + 1  # inside the first multibyte letter
    return {
        "latin-1 (Windows-1252)": text.encode("cp1258", errors="replace"),
        "UTF-16 with BOM": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "truncated multibyte": utf8[:cut],
        "binary": bytes(range(256)) * 4,
    }


def broken_files() -> dict[str, bytes]:
    """Files no importer can read, whatever it expects."""
    return {"empty": b"", "zip renamed .xlsx": _zip_named_xlsx(), "NUL bytes": b"\x00" * 64,
            "PDF": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"}
