"""Sign-in and user administration forms."""
from app.forms_vi import Form, options, record_id
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.auth.models import MIN_PASSWORD_LENGTH, ROLE_LABELS
from app.vntext import nfc


class LoginForm(Form):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Nhập tên đăng nhập."), Length(max=64)],
                           filters=[lambda v: (v or "").strip().lower()])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Nhập mật khẩu."), Length(max=200)])
    remember = BooleanField("Ghi nhớ trên máy này")


class UserForm(Form):
    username = StringField(
        "Tên đăng nhập",
        validators=[
            DataRequired("Nhập tên đăng nhập."),
            Length(max=64),
            Regexp(r"^[a-z0-9._-]+$", message="Chỉ dùng chữ thường không dấu, số, dấu chấm, gạch."),
        ],
        filters=[lambda v: (v or "").strip().lower()],
    )
    full_name = StringField("Họ và tên", validators=[DataRequired("Nhập họ và tên."), Length(max=200)],
                            filters=[nfc])
    role = SelectField("Vai trò", choices=options((role.value, label) for role, label in ROLE_LABELS.items()))
    unit_id = SelectField("Đơn vị", coerce=record_id)
    password = PasswordField(
        "Mật khẩu",
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200,
                                       message=f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")],
        description="Để trống nếu không đổi mật khẩu.",
    )
    is_active = BooleanField("Đang hoạt động", default=True)
