"""The base form of the app: Flask-WTF with WTForms' own messages in Vietnamese (WTForms ships none)."""
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import TextInput

from app.bounds import MAX_ID, OutOfBounds, check_day, decimal

MESSAGES_VI = {
    "This field is required.": "Trường này không được để trống.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Not a valid date value.": "Ngày không hợp lệ (dd/mm/yyyy).",
    "Not a valid datetime value.": "Thời điểm không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid decimal value.": "Không phải số.",
    "Not a valid float value.": "Không phải số.",
    "Not a valid integer value.": "Không phải số nguyên.",
    "Invalid email address.": "Địa chỉ thư điện tử không hợp lệ.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số không được lớn hơn %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Không được dài quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không được dài quá %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Phải đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Phải đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Phải dài từ %(min)d đến %(max)d ký tự.",
    "The CSRF token is missing.": "Thiếu mã bảo vệ biểu mẫu: hãy tải lại trang.",
    "The CSRF token is invalid.": "Mã bảo vệ biểu mẫu không hợp lệ: hãy tải lại trang.",
    "The CSRF token has expired.": "Mã bảo vệ biểu mẫu đã hết hạn: hãy tải lại trang.",
    "The CSRF tokens do not match.": "Mã bảo vệ biểu mẫu không khớp: hãy tải lại trang.",
    "CSRF token missing.": "Thiếu mã bảo vệ biểu mẫu: hãy tải lại trang.",
    "Invalid CSRF Token.": "Mã bảo vệ biểu mẫu không hợp lệ: hãy tải lại trang.",
    "CSRF token expired.": "Mã bảo vệ biểu mẫu đã hết hạn: hãy tải lại trang.",
    "CSRF failed.": "Mã bảo vệ biểu mẫu không hợp lệ: hãy tải lại trang.",
}


class _Vietnamese:
    def gettext(self, string: str) -> str:
        return MESSAGES_VI.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Vietnamese()


class VietnameseDateField(DateField):
    """A date typed as dd/mm/yyyy, whatever the browser's language (a native date input shows the
    operating system's order, often mm/dd/yyyy); ISO dates are accepted too."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%d/%m/%Y", "%Y-%m-%d"])
        render_kw = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        bound_date_field(self)


def bound_date_field(field) -> None:
    """After a date or date-time field parsed its value: one outside the years `bounds` accepts becomes
    the field's error (and no value), so that no view steps a calendar past year 9999."""
    if field.data is None:
        return
    try:
        check_day(field.data, "Ngày")
    except OutOfBounds as error:
        field.data = None
        raise ValueError(str(error)) from None


class BoundedDecimalField(DecimalField):
    """A decimal typed by a person, through `bounds.decimal`: finite (no NaN, sNaN or infinity, which
    no comparison survives), at most `bounds.MAX_DECIMAL` and 4 decimal places (1e-999999 no database
    column stores)."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = decimal(valuelist[0], "Số")
        except OutOfBounds as error:
            self.data = None
            raise ValueError(str(error)) from None


# The largest key an integer column holds on PostgreSQL (int4): a larger number in a form is no record.
MAX_RECORD_ID = MAX_ID


def record_id(value) -> int:
    """`coerce` for a select of records: the id as an int, ValueError (the field's "Lựa chọn không hợp lệ")
    for a number no key column can hold, which the database would refuse with an error instead of no row."""
    number = int(value)
    if not 0 <= number <= MAX_RECORD_ID:
        raise ValueError(f"{value} is no record id")
    return number


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the option objects WTForms 3.3+ expects."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]
