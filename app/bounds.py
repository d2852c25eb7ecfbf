"""Input bounded at the edge: ids, page numbers, years, days, times and decimals, each refusing the absurd.

Every view, form field and importer reads such values through these parsers, so that a number no
column can hold, a date a `timedelta` cannot step past, or a decimal that is no number never reaches
the database or the calendar (where it would end in a 500). Each refusal is an `OutOfBounds` (a
`ValueError`) with a Vietnamese message; the app answers it with a 400 page (`app/__init__.py`), a
form shows it beside its field and an importer names its line and column. Imports neither Flask nor
SQLAlchemy.
"""
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from werkzeug.routing import IntegerConverter

# The largest key an integer column holds on PostgreSQL (int4); ids start at 1.
MAX_ID = 2**31 - 1
# Pages of a list: 100,000 pages of 50 rows is far beyond any unit's dossiers.
MAX_PAGE = 100_000
# The years a dossier, a report or a calendar can be about: the one-stop desks date from the 2000s
# (Decision 181/2003/QĐ-TTg), and a due date is never decades ahead.
MIN_YEAR, MAX_YEAR = 2000, 2100
FIRST_DAY, LAST_DAY = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)
# Decimals typed by a person (committed times, points): at most 9 digits before and 4 after the point.
MAX_DECIMAL = Decimal("999999999")
MAX_DECIMAL_PLACES = 4
NUL = "\x00"


class OutOfBounds(ValueError):
    """A value outside what the app accepts; `str()` is the Vietnamese message."""


class RecordIdConverter(IntegerConverter):
    """`<int:…>` in every route stops at MAX_ID unless a route says otherwise: a longer number is a 404,
    not a driver error."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


_INTEGER = re.compile(r"-?[0-9]{1,40}")


def bounded_int(value: str | int | None, low: int, high: int, what: str) -> int:
    """`value` as an int within low..high (inclusive), else OutOfBounds naming `what`."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = (value or "").strip()
        # int() also reads "1_000", "٣" and "+5"; a person types plain ASCII digits.
        if not _INTEGER.fullmatch(text):
            raise OutOfBounds(f"{what} «{text[:20]}» không phải số nguyên hợp lệ.")
        number = int(text)
    if not low <= number <= high:
        raise OutOfBounds(f"{what} phải từ {low} đến {high}.")
    return number


def record_id(value: str | int | None, what: str = "Mã bản ghi") -> int:
    """A record id: 1..2^31-1."""
    return bounded_int(value, 1, MAX_ID, what)


def page_number(value: str | int | None) -> int:
    """A page of a list: 1..MAX_PAGE."""
    return bounded_int(value, 1, MAX_PAGE, "Số trang")


def calendar_year(value: str | int | None) -> int:
    """A calendar year: MIN_YEAR..MAX_YEAR."""
    return bounded_int(value, MIN_YEAR, MAX_YEAR, "Năm")


def optional(parse, value: str | None, *args):
    """None for an absent or blank value, else `parse(value, *args)`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse(value, *args)


def query_value(args, name: str, parse, *parse_args, default=None):
    """`parse(args[name])` for a query string (any mapping); `default` when absent or blank."""
    value = args.get(name)
    if value is None or not value.strip():
        return default
    return parse(value, *parse_args)


def check_day(day: date, what: str = "Ngày") -> date:
    """`day` if it lies in FIRST_DAY..LAST_DAY (a datetime's date is checked), else OutOfBounds."""
    moment_day = day.date() if isinstance(day, datetime) else day
    if not FIRST_DAY <= moment_day <= LAST_DAY:
        raise OutOfBounds(f"{what} phải trong khoảng {FIRST_DAY:%d/%m/%Y} – {LAST_DAY:%d/%m/%Y}.")
    return day


def parse_day(text: str, what: str = "Ngày") -> date:
    """A day written YYYY-MM-DD or dd/mm/yyyy, within FIRST_DAY..LAST_DAY."""
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return check_day(day, what)
    raise OutOfBounds(f"«{text[:20]}» không phải ngày (YYYY-MM-DD hoặc dd/mm/yyyy)")


def decimal(value: str | Decimal | None, what: str = "Số", places: int = MAX_DECIMAL_PLACES,
            high: Decimal = MAX_DECIMAL) -> Decimal:
    """A finite decimal with at most `places` digits after the point and |value| ≤ `high`.

    Refuses NaN, sNaN and infinities (any comparison with sNaN raises) and exponents such as
    1e-999999, which the database cannot store and `quantize` cannot round.
    """
    if isinstance(value, Decimal):
        number = value
    else:
        text = (value or "").strip().replace(",", ".")
        if len(text) > 40:
            raise OutOfBounds(f"{what} quá dài.")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise OutOfBounds(f"{what} «{text[:20]}» không phải số.") from None
    if not number.is_finite():
        raise OutOfBounds(f"{what} không phải số hữu hạn.")
    if not number:
        return Decimal(0)  # 0E-999999 is zero, written so that nothing downstream has to round it
    if abs(number) > high or number.normalize().as_tuple().exponent < -places:
        raise OutOfBounds(f"{what} phải có giá trị tuyệt đối không quá {high} và tối đa {places} chữ số thập phân.")
    return number


def has_nul(*texts: str) -> bool:
    """True when a text holds NUL, which PostgreSQL cannot store or compare in a text column."""
    return any(NUL in text for text in texts)
