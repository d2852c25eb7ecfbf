"""Reading the fee cell of the national portal ("Phí, lệ phí") into an amount in đồng, never guessing.

The portal publishes one cell per channel for the fee and the charge together (phí, lệ phí, Law on
Fees and Charges 2015), as a word or an amount followed by a parenthesised note: `Miễn phí`,
`70,000 VNĐ (70.000 đồng/Giấy chứng nhận)`, `Không có thông tin`. What it gets wrong, seen in the
588 ward-level records of `../shared/data/tthc-cap-xa.jsonl`:

- an amount written in thousands: `20 VNĐ (20.000 vnđ /tờ khai)`, `700 VNĐ (… 700.000 đồng/cơ sở.)`
  — read as 20,000 and 700,000 only when the note states the same amount in full; a bare `20 VNĐ`
  without such a note is not read (nobody charges 20 đồng, but the true figure is not written);
- `Miễn phí` followed by a note saying the provincial People's Council sets the rate ("Mức lệ phí cụ
  thể do Hội đồng nhân dân … quyết định"): the procedure is not free, its amount is local — not read;
- amounts in USD: not read (the desk takes đồng);
- a channel whose rows disagree, joined by "; " by the portal parser: read only if they agree.

Not read means `amount is None`: the catalog shows the text, and the clerk types the amount due on
the dossier. Standard library only.
"""
import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["FeeReading", "read_fee", "format_vnd", "MAX_FEE"]

# The largest amount the desk records (one billion đồng): above it a typing error, not a fee.
MAX_FEE = Decimal(1_000_000_000)

_FREE = "Miễn phí"
_NOT_STATED = "Không có thông tin"
_VND = r"(?:VNĐ|Việt Nam Đồng|Đồng|đồng|vnđ|VND|đ|Đ)"
_AMOUNT = re.compile(rf"^(?P<number>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)? ?(?P<currency>USD|{_VND})")
# An amount written out in a note: "20.000 đồng", "700.000đ", "20.000 vnđ", "400.000Đ".
_NOTE_AMOUNT = re.compile(rf"(\d{{1,3}}(?:\.\d{{3}})+|\d+)\s?{_VND}(?![a-zà-ỹ])")
# The rate is set by the provincial People's Council (Law on Fees and Charges 2015 art. 21): the
# portal often writes "Miễn phí" in the amount cell all the same.
_SET_LOCALLY = re.compile(r"Hội đồng nhân dân|HĐND", re.IGNORECASE)


@dataclass(frozen=True)
class FeeReading:
    """`amount` in đồng (0 when free), or None when the cell does not state one; `why` says why not."""

    amount: Decimal | None
    why: str = ""

    @property
    def is_read(self) -> bool:
        return self.amount is not None


def read_fee(text: str | None) -> FeeReading:
    """The amount a portal fee cell states for one channel (see the module docstring for the rules)."""
    text = (text or "").strip()
    if not text:
        return FeeReading(None, "không có thông tin phí, lệ phí")
    parts = [part.strip() for part in _split_alternatives(text)]
    if len(parts) > 1:
        readings = [read_fee(part) for part in parts]
        amounts = {reading.amount for reading in readings}
        if len(amounts) == 1 and None not in amounts:
            return readings[0]
        return FeeReading(None, "cổng dịch vụ công ghi nhiều mức phí khác nhau")
    cell, note = _cell_and_note(text)
    if cell.startswith(_NOT_STATED):
        return FeeReading(None, "cổng dịch vụ công ghi «Không có thông tin»")
    if cell.startswith(_FREE):
        if _SET_LOCALLY.search(note):
            return FeeReading(None, "mức thu do Hội đồng nhân dân cấp tỉnh quyết định")
        return FeeReading(Decimal(0))
    match = _AMOUNT.match(cell)
    if match is None:
        return FeeReading(None, f"không đọc được số tiền «{cell[:40]}»")
    if match["currency"] == "USD":
        return FeeReading(None, "phí ghi bằng đô la Mỹ")
    amount = Decimal(match["number"].replace(",", ""))
    if amount < 1000:
        # The portal drops the thousands: trust it only when the note writes the full amount.
        full = amount * 1000
        if full in _note_amounts(note):
            amount = full
        else:
            return FeeReading(None, f"số tiền «{match.group()}» có thể thiếu hàng nghìn")
    if amount > MAX_FEE:
        return FeeReading(None, f"số tiền «{match.group()}» quá lớn")
    return FeeReading(amount)


def _split_alternatives(text: str) -> list[str]:
    """The portal parser joins disagreeing rows with "; " — but a note may hold "; " too."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part for part in parts if part.strip()]


def _cell_and_note(text: str) -> tuple[str, str]:
    position = text.find("(")
    if position < 0:
        return text, ""
    return text[:position].strip(), text[position:]


def _note_amounts(note: str) -> set[Decimal]:
    return {Decimal(number.replace(".", "")) for number in _NOTE_AMOUNT.findall(note)}


def format_vnd(amount: Decimal | int | None) -> str:
    """70000 → "70.000 đồng"; 0 → "Miễn phí"; None → "" (Vietnamese thousands separator)."""
    if amount is None:
        return ""
    if amount == 0:
        return "Miễn phí"
    return f"{int(amount):,} đồng".replace(",", ".")
