"""Who issues a paper and how its header, place and date are written (Decree 30/2020/NĐ-CP), and the
desk's name on a given day (Decree 61/2018/NĐ-CP before 1 Jul 2025, Decree 118/2025/NĐ-CP from then).

Pure logic: takes names and dates, never reads the database or the clock.

Decree 30/2020/NĐ-CP, appendix I (form of administrative documents):
- the issuing body's name, upper case and bold, top left; a body under another one (the centre under
  the People's Committee) has its governing body's name above it, upper case, not bold;
- the national motto top right; under the left block the number and symbol "Số: …/…";
- the place ("địa danh": the name of the commune or ward, without "phường"/"xã" unless the name is a
  number, e.g. "Hoàn Kiếm", "Phường 7") and the date, day below 10 and months 1 and 2 with a leading zero:
  "Hoàn Kiếm, ngày 05 tháng 12 năm 2026", "ngày 02 tháng 01 năm 2026", "ngày 15 tháng 9 năm 2025";
- the signature block: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" for a committee's collective decision signed by
  its chair, "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" when a vice-chair signs for the chair; "Nơi nhận" bottom left.
"""
from dataclasses import dataclass
from datetime import date

from app.dossiers.regime import is_new_legal_regime

UBND = "Ủy ban nhân dân"
# Decree 118/2025/NĐ-CP: the commune-level one-stop desk is its public administration service centre.
CENTRE = "Trung tâm Phục vụ hành chính công"
# Decree 61/2018/NĐ-CP art. 7: the commune-level desk before 1 Jul 2025.
OLD_DESK = "Bộ phận Tiếp nhận và Trả kết quả"

# The words that begin a unit's name and say its kind, longest first ("thị xã" before "xã").
KIND_WORDS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")


@dataclass(frozen=True)
class Letterhead:
    """The left block of a paper's header and the place written before its date.

    `governing_lines` (not bold) name the body above the issuer, `issuer_lines` (bold) the issuer itself.
    """

    governing_lines: tuple[str, ...]
    issuer_lines: tuple[str, ...]
    place: str


@dataclass(frozen=True)
class Signer:
    """A signature block: capacity lines (bold), the hint under them, the name printed under the space to sign."""

    lines: tuple[str, ...]
    name: str = ""
    hint: str = "(Ký, ghi rõ họ tên và đóng dấu)"


def split_kind(name: str) -> tuple[str, str]:
    """("phường", "Hoàn Kiếm") for "Phường Hoàn Kiếm"; ("", name) when the name starts with no kind word."""
    stripped = " ".join(name.split())
    lowered = stripped.lower()
    for word in KIND_WORDS:
        if lowered.startswith(word + " "):
            return word, stripped[len(word) + 1:]
    return "", stripped


def _upper(text: str) -> str:
    return " ".join(text.split()).upper()


def committee_name(unit_name: str) -> str:
    """"Ủy ban nhân dân phường Hoàn Kiếm": the committee of a unit, its kind word in lower case."""
    kind, proper = split_kind(unit_name)
    return f"{UBND} {kind} {proper}" if kind else f"{UBND} {proper}"


def default_official_lines(unit_name: str) -> tuple[str, ...]:
    """The committee's name as a header prints it: ("ỦY BAN NHÂN DÂN", "PHƯỜNG HOÀN KIẾM")."""
    return _upper(UBND), _upper(unit_name)


def official_lines(official_name: str, unit_name: str) -> tuple[str, ...]:
    """The lines the unit set (one per printed line, upper-cased), else the default from its name."""
    lines = tuple(_upper(line) for line in official_name.splitlines() if line.strip())
    return lines or default_official_lines(unit_name)


def default_centre_name(unit_name: str) -> str:
    """"Trung tâm Phục vụ hành chính công phường Hoàn Kiếm"."""
    kind, proper = split_kind(unit_name)
    return f"{CENTRE} {kind} {proper}" if kind else f"{CENTRE} {proper}"


def place_name(unit_name: str) -> str:
    """The place before a paper's date: "Hoàn Kiếm" for "Phường Hoàn Kiếm", "Phường 7" for a numbered ward."""
    kind, proper = split_kind(unit_name)
    if not kind or proper.isdigit():
        return " ".join(unit_name.split())
    return proper


def desk_name(on: date, unit_name: str, centre_name: str = "") -> str:
    """The desk's full name on the day `on`: the unit's centre from 1 Jul 2025 (its own name if set),
    "Bộ phận Tiếp nhận và Trả kết quả phường X" before."""
    if is_new_legal_regime(on):
        return " ".join(centre_name.split()) or default_centre_name(unit_name)
    kind, proper = split_kind(unit_name)
    return f"{OLD_DESK} {kind} {proper}" if kind else f"{OLD_DESK} {proper}"


def _short_desk_line(full_name: str, unit_name: str) -> str:
    """The desk's line under its committee's: the full name without the unit it repeats."""
    kind, proper = split_kind(unit_name)
    tail = f" {kind} {proper}".lower() if kind else f" {proper}".lower()
    if full_name.lower().endswith(tail) and len(full_name) > len(tail):
        full_name = full_name[: -len(tail)]
    return _upper(full_name)


def committee_letterhead(official_name: str, unit_name: str) -> Letterhead:
    """The header of a paper the People's Committee issues (signed TM. ỦY BAN NHÂN DÂN or KT. CHỦ TỊCH)."""
    return Letterhead((), official_lines(official_name, unit_name), place_name(unit_name))


def desk_letterhead(on: date, official_name: str, unit_name: str, centre_name: str = "") -> Letterhead:
    """The header of a paper the desk issues on `on`: the committee's lines above, not bold, then the desk's."""
    desk = _short_desk_line(desk_name(on, unit_name, centre_name), unit_name)
    return Letterhead(official_lines(official_name, unit_name), (desk,), place_name(unit_name))


def document_date(on: date) -> str:
    """"ngày 05 tháng 12 năm 2026": day below 10 and months 1–2 with a leading zero (Decree 30/2020, appendix I)."""
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"ngày {on.day:02d} tháng {month} năm {on.year}"


def committee_signer(name: str = "", *, deputy: bool = False) -> Signer:
    """TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH, or KT. CHỦ TỊCH / PHÓ CHỦ TỊCH when a vice-chair signs."""
    if deputy:
        return Signer(("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), name)
    return Signer(("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), name)


def working_time_label(hours: float, hours_per_day: float = 8) -> str:
    """Office time as a paper writes an extension: "3 ngày làm việc", "1 ngày làm việc và 4 giờ", "6 giờ làm việc"."""
    minutes = round(hours * 60)
    day_minutes = round(hours_per_day * 60)
    days, rest = divmod(minutes, day_minutes)
    hours_part, minutes_part = divmod(rest, 60)
    clock = f"{hours_part} giờ" + (f" {minutes_part} phút" if minutes_part else "") if rest else ""
    if days and clock:
        return f"{days} ngày làm việc và {clock}"
    if days:
        return f"{days} ngày làm việc"
    return f"{clock} làm việc" if clock else "0 giờ làm việc"
