"""The audit page's filters (a GET form: no CSRF token, it changes nothing)."""
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.audit.queries import KIND_CHOICES
from app.forms_vi import Form, VietnameseDateField, options
from app.vntext import nfc


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    kind = SelectField("Thao tác", choices=options([("", "Tất cả")] + KIND_CHOICES), default="")
    user = StringField("Tên đăng nhập", filters=[nfc], validators=[Length(max=64)],
                       render_kw={"autocomplete": "off"})
    date_from = VietnameseDateField("Từ ngày", validators=[Optional()])
    date_to = VietnameseDateField("Đến ngày", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.date_from.data and self.date_to.data and self.date_to.data < self.date_from.data:
            self.date_to.errors.append("Ngày kết thúc phải từ ngày bắt đầu trở đi.")
            return False
        return valid
