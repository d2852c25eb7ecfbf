"""The administrator's form for a calendar override."""
from app.forms_vi import Form
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.vntext import nfc


class DayOverrideForm(Form):
    day = DateField("Ngày", validators=[DataRequired("Nhập ngày.")])
    is_working = SelectField("Loại", choices=[("0", "Ngày nghỉ"), ("1", "Ngày làm việc (làm bù)")])
    unit_id = SelectField("Áp dụng cho", coerce=int)
    note = StringField("Căn cứ / ghi chú", validators=[DataRequired("Ghi căn cứ, ví dụ số quyết định."), Length(max=300)],
                       filters=[nfc])
