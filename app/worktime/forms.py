"""The administrator's form for a calendar override."""
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms_vi import Form, VietnameseDateField, options, record_id
from app.vntext import nfc


class DayOverrideForm(Form):
    day = VietnameseDateField("Ngày", validators=[DataRequired("Nhập ngày.")])
    is_working = SelectField("Loại", choices=options([("0", "Ngày nghỉ"), ("1", "Ngày làm việc (làm bù)")]))
    unit_id = SelectField("Áp dụng cho", coerce=record_id)
    note = StringField("Căn cứ / ghi chú", validators=[DataRequired("Ghi căn cứ, ví dụ số quyết định."), Length(max=300)],
                       filters=[nfc])


class ConfirmOfficialForm(Form):
    """An administrator confirms one day awaiting confirmation (`day`), or every estimated day of `year`
    (no `day`), citing the document that decides it."""

    year = IntegerField("Năm", validators=[DataRequired("Thiếu năm."), NumberRange(2000, 2100, "Năm từ 2000 đến 2100.")])
    day = VietnameseDateField("Ngày", validators=[Optional()])
    document = StringField("Căn cứ (số, ký hiệu văn bản)", filters=[nfc],
                           validators=[DataRequired("Ghi số, ký hiệu văn bản quyết định ngày nghỉ."), Length(max=120)])
    document_date = VietnameseDateField("Ngày ban hành", validators=[Optional()])
