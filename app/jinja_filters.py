"""Template filters: Vietnamese date and number formats (dd/mm/yyyy, 1.234, 82,8%)."""
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import Flask

from app.catalog.fees import format_vnd


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """Local time as "HH:MM dd/mm/yyyy", the way appointments are written."""
    if value is None:
        return ""
    return value.strftime("%H:%M %d/%m/%Y")


def format_iso_datetime(value: str | None) -> str:
    """An ISO time kept in an event's details, shown like every other time."""
    return format_datetime(datetime.fromisoformat(value)) if value else ""


def format_working_time(value: timedelta | None) -> str:
    """Working time as "3 giờ 24 phút" (hours of office time, not days: a working day is 8 of them)."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{format_number(hours)} giờ {minutes} phút"
    return f"{format_number(hours)} giờ" if hours else f"{minutes} phút"


def format_working_span(value: timedelta | None, day_length: timedelta) -> str:
    """Working time as working days and hours, "2 ngày 3 giờ" (minutes only under a day: "3 giờ 24
    phút"), a day being `day_length` of office time (8 hours in Hanoi's offices): how far a dossier is
    from its due time."""
    if value is None:
        return ""
    days, rest = divmod(value, day_length) if day_length else (0, value)
    if not days:
        return format_working_time(rest)
    hours = int(rest.total_seconds() // 3600)  # beyond a day, minutes are noise
    return f"{format_number(days)} ngày" + (f" {hours} giờ" if hours else "")


def format_number(value: int | Decimal | float | None) -> str:
    """Thousands separated by dots and decimals by a comma, as Vietnamese documents write them."""
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    # str() first: Decimal(96.1) would spell out the float's binary error (96.0999999…).
    text = f"{Decimal(str(value)).normalize():f}"
    whole, _, fraction = text.partition(".")
    whole = f"{int(whole):,}".replace(",", ".")
    return f"{whole},{fraction}" if fraction else whole


def format_percent(numerator: int, denominator: int) -> str:
    """"82,8%"; a zero denominator is "no data", never 0% or 100% (DOMAIN.md "Rates")."""
    if not denominator:
        return "không có dữ liệu"
    return f"{numerator / denominator * 100:.1f}%".replace(".", ",")


WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def weekday_name(value: date) -> str:
    return WEEKDAYS[value.weekday()]


def register(app: Flask) -> None:
    app.add_template_filter(format_date, "date_vn")
    app.add_template_filter(format_datetime, "datetime_vn")
    app.add_template_filter(format_iso_datetime, "iso_datetime_vn")
    app.add_template_filter(format_number, "number_vn")
    app.add_template_filter(format_vnd, "vnd")
    app.add_template_filter(format_working_time, "working_time_vn")
    app.add_template_filter(format_working_span, "working_span_vn")
    app.add_template_filter(weekday_name, "weekday_vn")
    app.add_template_global(format_percent, "percent_vn")
