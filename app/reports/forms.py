"""The register's range picker: two dates of receipt, and on the picker page a unit the user may see (GET forms)."""
from wtforms import SelectField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from app.forms_vi import Form, VietnameseDateField


class RegisterDatesForm(Form):
    class Meta:
        csrf = False  # GET forms that change nothing: their URLs are shared and bookmarked

    first_day = VietnameseDateField("Tiếp nhận từ ngày", validators=[DataRequired("Nhập ngày (dd/mm/yyyy).")])
    last_day = VietnameseDateField("đến ngày", validators=[DataRequired("Nhập ngày (dd/mm/yyyy).")])

    def validate_last_day(self, field):
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError("Ngày cuối phải từ ngày đầu trở đi.")


class RegisterRangeForm(RegisterDatesForm):
    unit_id = SelectField("Đơn vị", coerce=int, validators=[InputRequired("Chọn đơn vị.")])
