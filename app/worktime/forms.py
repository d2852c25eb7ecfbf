"""The administrator's form for a calendar override."""
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.forms_vi import Form, VietnameseDateField, options, record_id
from app.vntext import nfc


class DayOverrideForm(Form):
    day = VietnameseDateField("Ngày", validators=[DataRequired("Nhập ngày.")])
    is_working = SelectField("Loại", choices=options([("0", "Ngày nghỉ"), ("1", "Ngày làm việc (làm bù)")]))
    unit_id = SelectField("Áp dụng cho", coerce=record_id)
    note = StringField("Căn cứ / ghi chú", validators=[DataRequired("Ghi căn cứ, ví dụ số quyết định."), Length(max=300)],
                       filters=[nfc])
