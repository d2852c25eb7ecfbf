"""Reading one record of the national public-service portal's catalog (JSONL) into plain data.

The portal (Cổng dịch vụ công quốc gia) publishes each procedure with Vietnamese field names and
flattens its HTML tables into strings with the cells glued together, so a processing time can run
straight into its fee ("1Miễn phí", "7 Ngày làm việc10,000 VNĐ") and a document name into its
count ("…hợp lệ.1 bản chính"). This module reads those strings back into cells. It never guesses:
a processing time without a unit, or with none at all, is kept as raw text with no value, and the
problem is reported in Vietnamese for the administrator (DOMAIN.md "The catalog": a procedure
whose time cannot be read is imported and flagged for review, never guessed).

Every text returned is NFC-normalised: the portal mixes composed and decomposed Vietnamese.
Standard library only; no Flask, no database.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from app.vntext import visible
from app.worktime.deadlines import TimeUnit

__all__ = [
    "Channel",
    "ChannelTerms",
    "PortalProcedure",
    "RequiredDocument",
    "TimeUnit",
    "normalize_text",
    "parse_portal_record",
]


class Channel(StrEnum):
    """How a dossier is submitted (hình thức nộp)."""

    DIRECT = "direct"
    """`Trực tiếp`: at the one-stop desk."""
    ONLINE = "online"
    """`Trực tuyến`."""
    POST = "post"
    """`Dịch vụ bưu chính`: by public postal service."""


@dataclass(frozen=True)
class ChannelTerms:
    """Processing time, fee and description of a procedure for one channel.

    `time_value` and `time_unit` are both set or both None; None means the time could not be
    read and `time_text` holds what the portal says instead.
    """

    channel: Channel
    time_value: Decimal | None
    time_unit: TimeUnit | None
    time_text: str
    fee_text: str
    description: str


@dataclass(frozen=True)
class RequiredDocument:
    """One document of the dossier (thành phần hồ sơ), with the number of originals and copies."""

    name: str
    originals: int | None
    copies: int | None
    section: str = ""
    """The heading the portal lists it under ("* Giấy tờ phải xuất trình:", "a) Đối với …"), or ""."""


@dataclass(frozen=True)
class PortalProcedure:
    """One procedure of the national catalog as the portal publishes it."""

    code: str
    name: str
    field: str
    levels: tuple[str, ...]
    decision: str
    kind: str
    subjects: str
    agency: str
    result: str
    legal_basis: str
    url: str
    channels: tuple[ChannelTerms, ...]
    documents: tuple[RequiredDocument, ...]
    problems: tuple[str, ...]

    @property
    def needs_review(self) -> bool:
        """True when no channel was found or the time of some channel could not be read."""
        return not self.channels or any(terms.time_value is None for terms in self.channels)


_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def normalize_text(text: str | None) -> str:
    """NFC text with each run of spaces collapsed to one space, blank lines dropped, ends stripped.

    Line breaks are kept (one per break, never two in a row) because the portal's long texts use
    them as paragraph marks; None gives "".
    """
    if text is None:
        return ""
    lines = (" ".join(line.split()) for line in _LINE_BREAKS.split(unicodedata.normalize("NFC", visible(text))))
    return "\n".join(line for line in lines if line)


def _one_line(text: str | None) -> str:
    """NFC text on one line: every whitespace run, line breaks included, becomes one space."""
    if text is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", visible(text)).split())


def _field(raw: Mapping, key: str) -> str:
    """The raw value of `key` as NFC text with its whitespace untouched ("" when absent), without the control
    and format characters (zero-width spaces, NUL) a copy from the portal's pages may carry."""
    value = raw.get(key)
    if value is None:
        return ""
    return unicodedata.normalize("NFC", visible(value if isinstance(value, str) else str(value)))


def parse_portal_record(raw: Mapping) -> PortalProcedure:
    """The procedure of one JSONL record of the portal.

    Raises ValueError when `ma_thu_tuc` (code) or `ten_thu_tuc` (name) is missing or blank; any
    other field may be missing and reads as empty. What could not be read is listed in
    `problems` (Vietnamese, for the administrator).
    """
    if not isinstance(raw, Mapping):
        raise ValueError(f"bản ghi phải là một đối tượng JSON, không phải {type(raw).__name__}")
    code = _one_line(_field(raw, "ma_thu_tuc"))
    if not code:
        raise ValueError("bản ghi thiếu mã thủ tục (ma_thu_tuc)")
    name = _one_line(_field(raw, "ten_thu_tuc"))
    if not name:
        raise ValueError(f"thủ tục {code} thiếu tên (ten_thu_tuc)")

    problems: list[str] = []
    channels = _parse_channels(_field(raw, "cach_thuc_thuc_hien"), problems)
    documents = _parse_documents(_field(raw, "thanh_phan_ho_so"), problems)
    levels = tuple(filter(None, (_one_line(part) for part in _field(raw, "cap_thuc_hien").split(","))))
    return PortalProcedure(
        code=code,
        name=name,
        field=_one_line(_field(raw, "linh_vuc")),
        levels=levels,
        decision=_one_line(_field(raw, "so_quyet_dinh")),
        kind=_one_line(_field(raw, "loai_thu_tuc")),
        subjects=normalize_text(_field(raw, "doi_tuong_thuc_hien")),
        agency=normalize_text(_field(raw, "co_quan_thuc_hien")),
        result=normalize_text(_field(raw, "ket_qua_xu_ly")),
        legal_basis=normalize_text(_field(raw, "can_cu_phap_ly")),
        url=_one_line(_field(raw, "detail_url")),
        channels=channels,
        documents=documents,
        problems=tuple(dict.fromkeys(problems)),  # a channel repeated in several rows says it once
    )


# cach_thuc_thuc_hien: one row per channel, its cells "Thời gian", "Phí, lệ phí", "Mô tả" glued.

_CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_CHANNEL_LABELS = {
    "Trực tiếp": Channel.DIRECT,
    "Trực tuyến": Channel.ONLINE,
    "Dịch vụ bưu chính": Channel.POST,
}
_LABEL_OF = {channel: label for label, channel in _CHANNEL_LABELS.items()}
_CHANNEL_NAME = re.compile("|".join(map(re.escape, _CHANNEL_LABELS)))

_NOT_STATED = "Không có thông tin"
_CURRENCY = r"(?:VNĐ|Việt Nam Đồng|USD|Đồng|đồng)"
# A fee cell: a word, or an amount in the portal's format (thousands separated by commas).
_FEE = re.compile(rf"Miễn phí|{_NOT_STATED}|(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)? ?{_CURRENCY}")
_FEE_WORD = re.compile(rf"Miễn phí|{_NOT_STATED}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# Longest unit first: "Ngày làm việc" must not be read as "Ngày".
_UNITS = (
    ("ngày làm việc", TimeUnit.WORKING_DAYS),
    ("giờ làm việc", TimeUnit.WORKING_HOURS),
    ("ngày", TimeUnit.DAYS),
    ("giờ", TimeUnit.WORKING_HOURS),
)
_TIME_WITH_UNIT = re.compile(
    r"(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>"
    + "|".join(word.replace(" ", r"\s+") for word, _ in _UNITS)
    + ")",
    re.IGNORECASE,
)
_UNIT_OF = {word: unit for word, unit in _UNITS}
# Digits glued to a currency with no unit in between: a bare time followed by an amount.
_GLUED_AMOUNT = re.compile(rf"(?P<digits>\d[\d,]*) ?(?P<currency>{_CURRENCY})")
# A time cell that is text ("Không quy định", "Không phải trả kết quả…") is short; a fee word
# further away than this belongs to the description, and the fee is missing.
_MAX_TIME_TEXT = 160
# The importer stores time_text in 200 characters.
_MAX_JOINED_TIME_TEXT = 200
# "(1) Trường hợp…" opens a numbered description, it is not a note on the fee.
_LIST_MARKER = re.compile(r"\(\s*(?:\d+|[a-zđ]|[ivxlc]+)\s*\)", re.IGNORECASE)


@dataclass(frozen=True)
class _Row:
    channel: Channel
    time_text: str
    time_value: Decimal | None
    time_unit: TimeUnit | None
    fee_text: str
    description: str


def _parse_channels(text: str, problems: list[str]) -> tuple[ChannelTerms, ...]:
    """One ChannelTerms per channel, in the order the portal lists them.

    A channel name starts a row only where it is glued to the row's first cell, that is followed
    at once by a digit or a capital letter ("Trực tiếp5 Ngày…", "Trực tuyếnKhông có thông tin");
    in the description it is followed by a space or a colon ("- Trực tiếp: nộp hồ sơ…").
    """
    body = text.strip()
    if body.startswith(_CHANNEL_HEADER):
        body = body[len(_CHANNEL_HEADER):]
    starts = [m for m in _CHANNEL_NAME.finditer(body) if _starts_a_row(body, m.end())]
    if not starts:
        problems.append("Không tìm thấy hình thức nộp nào (Trực tiếp, Trực tuyến, Dịch vụ bưu chính)")
        return ()
    preamble = _one_line(body[: starts[0].start()])
    if preamble:
        problems.append("Cách thức thực hiện: bỏ qua đoạn đứng trước hình thức nộp đầu tiên "
                        f"«{_excerpt(preamble)}»")
    rows = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(body)
        rows.append(_parse_row(_CHANNEL_LABELS[match.group()], body[match.end():end], problems))
    return _merge_rows(rows, problems)


def _starts_a_row(body: str, position: int) -> bool:
    return position < len(body) and (body[position].isdigit() or body[position].isupper())


def _parse_row(channel: Channel, cells: str, problems: list[str]) -> _Row:
    """Split the glued cells after a channel name into time, fee (with its note) and description."""
    label = _LABEL_OF[channel]
    time_text, fee, rest, glued = _split_time_and_fee(cells)
    if fee is None:
        problems.append(f"{label}: không tìm thấy phí, lệ phí")
        fee_text = ""
    else:
        note, rest = _take_note(rest)
        fee_text = _one_line(f"{fee} {note}" if note else fee)
    value, unit, why = _read_time(time_text)
    if value is None:
        if glued:
            why = f"{why}; số dính liền với phí «{glued}», đã tách thành «{time_text}» và «{_one_line(fee)}»"
        if time_text:
            reason = f" ({why})" if why else ""
            problems.append(f"{label}: không đọc được thời hạn «{_excerpt(time_text)}»{reason}")
        else:
            problems.append(f"{label}: không có thời hạn")
    return _Row(channel, time_text, value, unit, fee_text, normalize_text(rest))


def _split_time_and_fee(cells: str) -> tuple[str, str | None, str, str]:
    """(time text, fee or None, the rest, the glued digits if a bare time ran into an amount)."""
    time = _TIME_WITH_UNIT.match(cells)
    if time:
        fee = _FEE.match(cells, _skip_spaces(cells, time.end()))
        if fee:
            return _one_line(time.group()), fee.group(), cells[fee.end():], ""
        return _one_line(time.group()), None, cells[time.end():], ""
    number = _NUMBER.match(cells)
    if number:
        fee = _FEE_WORD.match(cells, _skip_spaces(cells, number.end()))
        if fee:
            return number.group(), fee.group(), cells[fee.end():], ""
        glued = _GLUED_AMOUNT.match(cells)
        if glued:
            split = _split_glued_digits(glued.group("digits"))
            if split is None:  # "70,000 VNĐ" right after the channel: no time cell
                return "", glued.group(), cells[glued.end():], ""
            time_digits, amount = split
            return time_digits, f"{amount} {glued.group('currency')}", cells[glued.end():], glued.group()
    # The time cell is text ("Không có thông tin", "Không quy định", …) or missing: the fee is the
    # first fee cell after it. A fee word at the very start is the time cell saying "no information".
    for fee in _FEE.finditer(cells):
        if fee.start() > _MAX_TIME_TEXT:
            break
        if fee.start() > 0:
            return _one_line(cells[: fee.start()]), fee.group(), cells[fee.end():], ""
    if cells.startswith(_NOT_STATED):
        return _NOT_STATED, None, cells[len(_NOT_STATED):], ""
    return "", None, cells, ""


def _skip_spaces(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t":
        position += 1
    return position


def _split_glued_digits(digits: str) -> tuple[str, str] | None:
    """Split "120,000" (time cell "1", fee "20,000") into a bare time and a well-formed amount.

    Every row of the portal has a time cell, so the time takes at least one digit; the amount is
    what is left, which must be written as the portal writes amounts (no leading zero, not zero,
    thousands separated by commas). The shortest time that leaves such an amount wins: "120" is
    "1" and "20" ("12" and "0" is not an amount), "1200" is "1" and "200". None when no split works.
    """
    for cut in range(1, len(digits)):
        time_digits, amount = digits[:cut], digits[cut:]
        if "," in time_digits or not amount[0].isdigit() or amount[0] == "0":
            continue
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d{1,3}", amount):
            return time_digits, amount
    return None


def _take_note(rest: str) -> tuple[str, str]:
    """The parenthesised note that follows a fee ("(70.000 đồng/Giấy chứng nhận)"), and what follows it."""
    start = _skip_spaces(rest, 0)
    if start >= len(rest) or rest[start] != "(" or _LIST_MARKER.match(rest, start):
        return "", rest
    depth = 0
    for index in range(start, len(rest)):
        if rest[index] == "(":
            depth += 1
        elif rest[index] == ")":
            depth -= 1
            if depth == 0:
                return rest[start: index + 1], rest[index + 1:]
    # Unbalanced ("((Phí thẩm định )"): the note runs to the last closing parenthesis, if any.
    last = rest.rfind(")")
    if last > start:
        return rest[start: last + 1], rest[last + 1:]
    return rest[start:], ""


def _read_time(time_text: str) -> tuple[Decimal | None, TimeUnit | None, str]:
    """(value, unit, why not) of a time cell; value and unit are None unless both are read."""
    if not time_text:
        return None, None, ""
    match = _TIME_WITH_UNIT.fullmatch(time_text)
    if not match:
        if _NUMBER.fullmatch(time_text):
            return None, None, "thiếu đơn vị"
        return None, None, ""
    try:
        value = Decimal(match.group("number").replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return None, None, ""
    if value <= 0:
        return None, None, "thời hạn bằng 0"
    return value, _UNIT_OF[" ".join(match.group("unit").lower().split())], ""


def _merge_rows(rows: list[_Row], problems: list[str]) -> tuple[ChannelTerms, ...]:
    """One ChannelTerms per channel.

    The portal sometimes gives a channel several rows: alternative cases ("hoàn thuế trước: 6 ngày
    làm việc", "kiểm tra trước: 40 ngày") or successive steps (2 + 5 + 2 working days). Which time
    applies is for a person to decide, so when the rows disagree the channel's time is left
    unread, every row's raw time is kept in time_text ("2 Ngày làm việc; 5 Ngày làm việc; 2 Ngày
    làm việc"), the distinct fees and descriptions are joined, and the problem says so.
    """
    by_channel: dict[Channel, list[_Row]] = {}
    for row in rows:
        by_channel.setdefault(row.channel, []).append(row)
    terms = []
    for channel, group in by_channel.items():
        first = group[0]
        if len(group) == 1:
            terms.append(ChannelTerms(channel, first.time_value, first.time_unit, first.time_text,
                                      first.fee_text, first.description))
            continue
        readings = {(row.time_value, row.time_unit) for row in group}
        value, unit = (first.time_value, first.time_unit) if len(readings) == 1 else (None, None)
        times = [row.time_text for row in group]
        # Every row's time in order when they differ: steps of 2, 5 and 2 days must stay three.
        time_text = times[0] if len(set(times)) == 1 else "; ".join(text or "—" for text in times)
        if len(time_text) > _MAX_JOINED_TIME_TEXT:
            time_text = time_text[: _MAX_JOINED_TIME_TEXT - 1] + "…"
        if len(readings) > 1:
            problems.append(f"{_LABEL_OF[channel]}: có {len(group)} dòng với thời hạn khác nhau "
                            f"({time_text}), cần chọn thời hạn áp dụng")
        terms.append(ChannelTerms(
            channel, value, unit, time_text,
            "; ".join(_distinct(row.fee_text for row in group)),
            "\n".join(_distinct(row.description for row in group)),
        ))
    return tuple(terms)


def _distinct(texts) -> list[str]:
    """The non-empty texts, first occurrence of each, in order."""
    return list(dict.fromkeys(text for text in texts if text))


def _excerpt(text: str, limit: int = 120) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# thanh_phan_ho_so: sections, each a heading, "Tên giấy tờMẫu đơn, tờ khaiSố lượng", then rows
# of name, form file name and count, glued.

_DOCUMENTS_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
# The count cell: "1 bản chính", "0 bản chính,1 bản sao", or "Bản chính: 1 Bản sao: 0".
_COUNT = re.compile(
    r"(?P<originals>\d+) bản chính(?:\s*,\s*(?P<copies>\d+) bản sao)?"
    r"|Bản chính:\s*(?P<originals2>\d+)\s*[,;]?\s*Bản sao:\s*(?P<copies2>\d+)",
)
# The name ends with the form's file name when the row has a form ("…NĐ-CPMau13.docx").
_FILE_EXTENSION = re.compile(r"\s*\.(?:docx?|xlsx?|pdf|odt|ods|rtf|zip|rar)\s*$", re.IGNORECASE)
_CLOSERS = set(".;:)]”\"'’")
_BULLETS = "-+*•–—·\u2022 \t"


def _parse_documents(text: str, problems: list[str]) -> tuple[RequiredDocument, ...]:
    """The documents in the order listed, each under the section heading it follows.

    A count in the text of a name ("nộp 01 bản chính tờ khai") is prose, not a cell: the portal
    writes its count cell without a leading zero and glues it to the cell before.
    """
    body = text.strip()
    if not body:
        return ()
    # (start, end, counts): counts is None for a section header.
    tokens = [(m.start(), m.end(), None) for m in re.finditer(re.escape(_DOCUMENTS_HEADER), body)]
    for match in _COUNT.finditer(body):
        cell = _count_cell(body, match)
        if cell is not None:
            tokens.append((cell[0], match.end(), cell[1]))
    tokens.sort()
    if not any(counts for _, _, counts in tokens):
        problems.append("Thành phần hồ sơ: không đọc được danh sách giấy tờ, giữ nguyên văn bản")
        return (RequiredDocument(normalize_text(body), None, None),)

    documents: list[RequiredDocument] = []
    section = ""
    cursor = 0
    for start, end, counts in tokens:
        if start < cursor:  # overlaps a header or a count already taken
            continue
        between = body[cursor:start]
        if counts is None:
            section = _clean_heading(between)
        else:
            name = _clean_name(between)
            if name:
                documents.append(RequiredDocument(name, counts[0], counts[1], section))
            else:
                count = _one_line(body[start:end])
                problems.append(f"Thành phần hồ sơ: số lượng «{count}» không kèm tên giấy tờ")
        cursor = end
    trailing = _clean_name(body[cursor:])
    if trailing:
        documents.append(RequiredDocument(trailing, None, None, section))
        problems.append(f"Thành phần hồ sơ: không đọc được số lượng của «{_excerpt(trailing)}»")
    return tuple(documents)


def _count_cell(body: str, match: re.Match) -> tuple[int, tuple[int | None, int | None]] | None:
    """(where the count cell starts, (originals, copies)) if `match` is a count cell, else None.

    Digits before the count belong to the name when the cell is glued to a number ("Mẫu số
    131 bản chính" is "Mẫu số 13" and "1 bản chính"; "năm 20191 bản chính" is "năm 2019" and "1"),
    since a count of a hundred papers does not occur; two digits are kept as a count.
    """
    if match.group("originals2") is not None:
        return match.start(), (int(match.group("originals2")), int(match.group("copies2")))
    digits = match.group("originals")
    if len(digits) == 2 and digits[0] == "0":
        return None  # "01 bản chính": prose
    before = body[match.start() - 1] if match.start() else ""
    after = body[match.end()] if match.end() < len(body) else ""
    if before.isspace() and len(digits) == 1 and after and after in " ;.,:":
        return None  # "nộp 1 bản chính; …": prose on both sides
    start = match.start()
    if len(digits) > 2:
        start = match.start() + len(digits) - 1
        digits = digits[-1]
    copies = match.group("copies")
    return start, (int(digits), int(copies) if copies is not None else None)


def _clean_heading(text: str) -> str:
    heading = _one_line(text).strip(_BULLETS)
    return heading.rstrip(" :;,")


def _clean_name(text: str) -> str:
    """A document name without the form's file name, leading bullets and trailing punctuation."""
    name = _one_line(text)
    if _FILE_EXTENSION.search(name):
        name = _strip_file_name(name)
    name = name.lstrip(_BULLETS)
    return name.rstrip(" ;,:.")


def _strip_file_name(name: str) -> str:
    """The name without the form file name glued to its end, or unchanged when the seam is unclear.

    The seam is where a lower-case letter or a closing mark meets a capital ("…quy địnhMauon.docx",
    "…ký tên.M01b.pdf", "…QĐ-TTgGiấy đề nghị.pdf"), a closing mark meets a digit ("(Mẫu số
    01/BĐS)01 BĐS.docx", "…con nuôi;1.nxinnhnconnui.doc"), or an acronym or a number meets a word
    ("…NĐ-CPMau13.docx", "…25/01/2026Mẫu số 03.docx"). File names contain such seams too
    ("1.MuCT01banhnhkmtheoThngts53.doc"), so it is the first seam in the last space-separated word
    that has one.
    """
    words = name.split(" ")
    offset = len(name)
    for word in reversed(words):
        offset -= len(word)
        seam = _first_seam(word)
        if seam is not None:
            return name[: offset + seam]
        offset -= 1  # the space before the word
    return name


def _first_seam(word: str) -> int | None:
    for index in range(1, len(word)):
        left, right = word[index - 1], word[index]
        if left == "." and index >= 2 and word[index - 2].isdigit():
            continue  # "36.2025.TT", "02.7.2025": a dotted number, not the end of a sentence
        if right.isupper() and (left.islower() or left in _CLOSERS):
            return index
        if right.isdigit() and left in _CLOSERS and (left != "." or word[index + 1: index + 2] == "."):
            return index  # after a full stop only a numbered file: "….1.MuCT01….doc"
        following = word[index + 1: index + 3]
        if (left.isupper() or left.isdigit()) and right.isupper() and len(following) == 2 \
                and all(ch.islower() for ch in following):
            return index  # "CPMau", "2026Mẫu"; not "QĐ-TTg"
    return None
